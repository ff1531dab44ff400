import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { callbackAttempt } from "../test/fixtures";
import { CallbackTimeline } from "./CallbackTimeline";

describe("CallbackTimeline", () => {
  it("lists each attempt with status, latency, error and next due time", () => {
    render(
      <CallbackTimeline
        entries={[
          callbackAttempt({
            id: 1,
            attempt_number: 1,
            status_code: 503,
            success: false,
            error_message: "HTTP 503 from the receiver",
            response_time_ms: 8,
            next_attempt_at: "2025-01-01T10:00:02.600Z",
          }),
          callbackAttempt({ id: 2, attempt_number: 2, status_code: null, success: false, error_message: "timed out", response_time_ms: 10000 }),
          callbackAttempt({ id: 3, attempt_number: 3, trigger: "manual", status_code: 200, success: true, response_time_ms: 15 }),
        ]}
      />,
    );
    const attempts = screen.getAllByTestId("callback-attempt");
    expect(attempts).toHaveLength(3);

    const [first, second, third] = attempts as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(first).getByText("Attempt 1")).toBeInTheDocument();
    expect(first).toHaveTextContent("HTTP 503, failed");
    expect(first).toHaveTextContent("8 ms");
    expect(first).toHaveTextContent("HTTP 503 from the receiver");
    expect(first).toHaveTextContent("Next attempt due at");
    expect(second).toHaveTextContent("no response, failed");
    expect(second).toHaveTextContent("10.00 s");
    expect(third).toHaveTextContent("manual");
    expect(third).toHaveTextContent("HTTP 200, delivered");
  });

  it("says when there is no attempt yet", () => {
    render(<CallbackTimeline entries={[]} />);
    expect(screen.getByText("No delivery attempt yet.")).toBeInTheDocument();
  });
});
