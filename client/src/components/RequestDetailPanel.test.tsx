// The API does not run in unit tests, so global fetch is mocked per route.
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RequestDetail } from "../api/types";
import { REQUEST_ID, callbackAttempt, jsonResponse, requestDetail } from "../test/fixtures";
import { renderWithQueryClient } from "../test/render";
import { RequestDetailPanel } from "./RequestDetailPanel";

afterEach(() => {
  vi.unstubAllGlobals();
});

function stubApi(detail: RequestDetail) {
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    if (method === "DELETE") {
      return new Response(null, { status: 204 });
    }
    if (method === "POST" && url.endsWith("/callback-retry")) {
      return jsonResponse({ request_id: REQUEST_ID, callback_status: "PENDING", callback_next_attempt_at: "2025-01-01T10:05:00Z" }, 202);
    }
    if (url.endsWith("/callback-logs")) {
      return jsonResponse([
        callbackAttempt({ id: 1, attempt_number: 1, status_code: 503, success: false }),
        callbackAttempt({ id: 2, attempt_number: 2, status_code: 503, success: false }),
      ]);
    }
    return jsonResponse(detail);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

describe("RequestDetailPanel", () => {
  it("shows input, result, download link and attempts", async () => {
    stubApi(requestDetail());
    renderWithQueryClient(<RequestDetailPanel requestId={REQUEST_ID} onClose={() => undefined} onDeleted={() => undefined} />);

    expect(await screen.findByTestId("detail-request-id")).toHaveTextContent(REQUEST_ID);
    expect(screen.getByText(/"report_name": "Q3 ledger"/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Download CSV/ })).toHaveAttribute("href", "/api/reports/report_3f2b8c1e.csv");
    expect(await screen.findAllByTestId("callback-attempt")).toHaveLength(2);
    expect(screen.queryByRole("button", { name: "Redeliver webhook" })).not.toBeInTheDocument();
  });

  it("offers redelivery only for a failed callback", async () => {
    const fetchMock = stubApi(requestDetail({ callback_status: "FAILED", callback_attempts: 4 }));
    renderWithQueryClient(<RequestDetailPanel requestId={REQUEST_ID} onClose={() => undefined} onDeleted={() => undefined} />);

    await userEvent.setup().click(await screen.findByRole("button", { name: "Redeliver webhook" }));
    expect(await screen.findByText(/Redelivery scheduled/)).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(
      `/api/requests/${REQUEST_ID}/callback-retry`,
      expect.objectContaining({ method: "POST" }),
    );
  });

  it("deletes after confirmation", async () => {
    const fetchMock = stubApi(requestDetail({ mode: "sync", callback_url: null, callback_status: null, webhook_id: null }));
    const onDeleted = vi.fn();
    const user = userEvent.setup();
    renderWithQueryClient(<RequestDetailPanel requestId={REQUEST_ID} onClose={() => undefined} onDeleted={onDeleted} />);

    await user.click(await screen.findByRole("button", { name: "Delete request" }));
    await user.click(screen.getByRole("button", { name: "Confirm delete" }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalledWith(REQUEST_ID));
    expect(fetchMock).toHaveBeenCalledWith(`/api/requests/${REQUEST_ID}`, expect.objectContaining({ method: "DELETE" }));
    expect(fetchMock).not.toHaveBeenCalledWith(expect.stringContaining("/callback-logs"), expect.anything());
  });

  it("explains a 409 from a delete while processing", async () => {
    const fetchMock = stubApi(requestDetail({ status: "PROCESSING", completed_at: null, result: null }));
    fetchMock.mockImplementation(async (url: string, init?: RequestInit) => {
      if (init?.method === "DELETE") {
        return jsonResponse(
          { type: "about:blank", title: "Conflict", status: 409, detail: "The request is still PROCESSING; delete it once it finishes." },
          409,
        );
      }
      if (url.endsWith("/callback-logs")) {
        return jsonResponse([]);
      }
      return jsonResponse(requestDetail({ status: "PROCESSING", completed_at: null, result: null }));
    });
    const user = userEvent.setup();
    renderWithQueryClient(<RequestDetailPanel requestId={REQUEST_ID} onClose={() => undefined} onDeleted={() => undefined} />);

    await user.click(await screen.findByRole("button", { name: "Delete request" }));
    await user.click(screen.getByRole("button", { name: "Confirm delete" }));
    const alert = await screen.findByText(/still PROCESSING/);
    expect(alert.closest('[role="alert"]')).toHaveTextContent("Conflict (HTTP 409)");
  });
});
