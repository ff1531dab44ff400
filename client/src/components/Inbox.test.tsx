// The API does not run in unit tests, so global fetch is mocked with a GET /api/webhooks/inbox body.
import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InboxMessage } from "../api/types";
import { REQUEST_ID, jsonResponse } from "../test/fixtures";
import { renderWithQueryClient } from "../test/render";
import { Inbox } from "./Inbox";

afterEach(() => {
  vi.unstubAllGlobals();
});

function message(overrides: Partial<InboxMessage>): InboxMessage {
  return {
    id: 1,
    webhook_id: "msg_1",
    request_id: REQUEST_ID,
    event_status: "COMPLETED",
    signature_valid: true,
    signature_error: null,
    response_status: 200,
    body: { request_id: REQUEST_ID, status: "COMPLETED" },
    received_at: "2025-01-01T10:00:02Z",
    ...overrides,
  };
}

describe("Inbox", () => {
  it("shows signatures and response statuses", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        jsonResponse({
          items: [
            message({ id: 3 }),
            message({ id: 2, response_status: 503 }),
            message({ id: 1, signature_valid: false, signature_error: "No matching signature found", response_status: 400 }),
          ],
          total: 3,
        }),
      ),
    );
    renderWithQueryClient(<Inbox onSelect={() => undefined} />);

    const items = await screen.findAllByTestId("inbox-message");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("Signature valid");
    expect(items[0]).toHaveTextContent("responded 200");
    expect(items[1]).toHaveTextContent("responded 503 (failure)");
    expect(items[2]).toHaveTextContent("Signature invalid");
    expect(items[2]).toHaveTextContent("No matching signature found");
    expect(screen.getByText(/3 received/)).toBeInTheDocument();
  });
});
