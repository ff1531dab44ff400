// The API does not run in unit tests: the panels get submission states directly, and
// global fetch is mocked where a panel polls GET /api/requests/{id}.
import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/problem";
import { DUPLICATE, REQUEST_ID, RESULT, jsonResponse, requestDetail } from "../test/fixtures";
import { renderWithQueryClient } from "../test/render";
import { AsyncSubmissionPanel, SyncSubmissionPanel, type SubmissionState } from "./SubmissionPanels";

const IDLE: SubmissionState = { pending: false, startedAt: null, outcome: undefined, error: null };

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("SyncSubmissionPanel", () => {
  it("counts the elapsed time while waiting", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
    const startedAt = performance.now();
    renderWithQueryClient(
      <SyncSubmissionPanel state={{ ...IDLE, pending: true, startedAt }} onSelect={() => undefined} />,
    );
    expect(screen.getByTestId("sync-elapsed")).toHaveTextContent("0.0 s");
    act(() => {
      vi.advanceTimersByTime(2500);
    });
    expect(screen.getByTestId("sync-elapsed")).toHaveTextContent("2.5 s");
  });

  it("shows the result after the wait", () => {
    renderWithQueryClient(
      <SyncSubmissionPanel
        state={{
          ...IDLE,
          outcome: {
            kind: "sync",
            httpStatus: 200,
            elapsedMs: 2140,
            body: {
              request_id: REQUEST_ID,
              mode: "sync",
              status: "COMPLETED",
              result: RESULT,
              created_at: "2025-01-01T10:00:00Z",
              completed_at: "2025-01-01T10:00:02Z",
              duration_ms: 2100,
            },
          },
        }}
        onSelect={() => undefined}
      />,
    );
    expect(screen.getByTestId("sync-response-time")).toHaveTextContent("2.14 s");
    expect(screen.getByTestId("result-rows")).toHaveTextContent("1,000");
    expect(screen.getByText(RESULT.sha256)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Download CSV/ })).toHaveAttribute("href", RESULT.download_url);
    expect(screen.getByRole("cell", { name: "Sales" })).toBeInTheDocument();
  });

  it("shows a replayed duplicate", async () => {
    const onSelect = vi.fn();
    renderWithQueryClient(
      <SyncSubmissionPanel
        state={{ ...IDLE, outcome: { kind: "duplicate", httpStatus: 200, elapsedMs: 5, replayed: true, body: DUPLICATE } }}
        onSelect={onSelect}
      />,
    );
    expect(screen.getByText("Replayed duplicate: no new report was made.")).toBeInTheDocument();
    expect(screen.getByText(/Idempotent-Replayed: true/)).toBeInTheDocument();
    expect(screen.getByTestId("duplicate-request-id")).toHaveTextContent(REQUEST_ID);

    await userEvent.setup().click(screen.getByRole("button", { name: "Show the original request" }));
    expect(onSelect).toHaveBeenCalledWith(REQUEST_ID);
  });

  it("shows the rate-limit wait", () => {
    const error = new ApiError(
      { type: "about:blank", title: "Too Many Requests", status: 429, detail: "Rate limit exceeded: 5 per 1 minute" },
      41,
    );
    renderWithQueryClient(<SyncSubmissionPanel state={{ ...IDLE, error }} onSelect={() => undefined} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Rate limit reached: try again in 41 s");
  });
});

describe("AsyncSubmissionPanel", () => {
  it("shows the 202 time and polls the job until it settles", async () => {
    const states = [
      requestDetail({ status: "PROCESSING", completed_at: null, result: null, callback_status: null, callback_attempts: 0 }),
      requestDetail(),
    ];
    const fetchMock = vi.fn(async () => jsonResponse(states.length > 1 ? states.shift() : states[0]));
    vi.stubGlobal("fetch", fetchMock);

    renderWithQueryClient(
      <AsyncSubmissionPanel
        state={{
          ...IDLE,
          outcome: {
            kind: "accepted",
            httpStatus: 202,
            elapsedMs: 14,
            location: `/api/requests/${REQUEST_ID}`,
            body: {
              request_id: REQUEST_ID,
              mode: "async",
              status: "PENDING",
              status_url: `/api/requests/${REQUEST_ID}`,
              callback_url: "http://127.0.0.1:8000/api/webhooks/inbox",
              created_at: "2025-01-01T10:00:00Z",
            },
          },
        }}
        onSelect={() => undefined}
      />,
    );
    expect(screen.getByTestId("async-response-time")).toHaveTextContent("14 ms");
    expect(await screen.findByText("PROCESSING")).toBeInTheDocument();
    expect(await screen.findByText("SUCCESS", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByText("COMPLETED")).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(`/api/requests/${REQUEST_ID}`, expect.anything());
  });
});
