// The API does not run in unit tests, so global fetch is mocked with GET /api/requests pages.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonResponse, requestDetail } from "../test/fixtures";
import { renderWithQueryClient } from "../test/render";
import { RequestsTable } from "./RequestsTable";

afterEach(() => {
  vi.unstubAllGlobals();
});

function stubRequests(total: number) {
  const fetchMock = vi.fn(async (url: string) => {
    const params = new URL(url, "http://dashboard.test").searchParams;
    const limit = Number(params.get("limit"));
    const offset = Number(params.get("offset"));
    const count = Math.max(0, Math.min(limit, total - offset));
    const items = Array.from({ length: count }, (_, index) =>
      requestDetail({
        id: `00000000-0000-4000-8000-${String(offset + index).padStart(12, "0")}`,
        mode: (offset + index) % 2 === 0 ? "sync" : "async",
        callback_status: (offset + index) % 2 === 0 ? null : "FAILED",
        callback_attempts: (offset + index) % 2 === 0 ? 0 : 4,
      }),
    );
    return jsonResponse({ items, total, limit, offset });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

describe("RequestsTable", () => {
  it("shows rows with badges and selects one", async () => {
    stubRequests(3);
    const onSelect = vi.fn();
    renderWithQueryClient(<RequestsTable selectedId={null} onSelect={onSelect} />);

    const rows = await screen.findAllByRole("button", { name: /Show request/ });
    expect(rows).toHaveLength(3);
    expect(screen.getByText("1–3 of 3")).toBeInTheDocument();
    const asyncRow = document.querySelector<HTMLElement>('[data-request-id$="000000000001"]');
    expect(asyncRow).not.toBeNull();
    expect(within(asyncRow as HTMLElement).getByText("FAILED")).toBeInTheDocument();
    expect(within(asyncRow as HTMLElement).getByText("×4")).toBeInTheDocument();

    await userEvent.setup().click(rows[0] as HTMLElement);
    expect(onSelect).toHaveBeenCalledWith("00000000-0000-4000-8000-000000000000");
  });

  it("sends filters and pages through results", async () => {
    const fetchMock = stubRequests(23);
    const user = userEvent.setup();
    renderWithQueryClient(<RequestsTable selectedId={null} onSelect={() => undefined} />);
    await screen.findByText("1–10 of 23");

    await user.click(screen.getByRole("button", { name: "Next" }));
    await screen.findByText("11–20 of 23");
    expect(fetchMock).toHaveBeenLastCalledWith("/api/requests?limit=10&offset=10", expect.anything());

    await user.selectOptions(screen.getByLabelText("Mode"), "async");
    await user.selectOptions(screen.getByLabelText("Status"), "FAILED");
    await waitFor(() =>
      expect(fetchMock).toHaveBeenLastCalledWith(
        "/api/requests?limit=10&offset=0&mode=async&status=FAILED",
        expect.anything(),
      ),
    );
    expect(screen.getByRole("button", { name: "Previous" })).toBeDisabled();
  });

  it("shows a problem when the list fails", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        jsonResponse({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "database is locked" }, 503),
      ),
    );
    renderWithQueryClient(<RequestsTable selectedId={null} onSelect={() => undefined} />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Service Unavailable (HTTP 503)");
    expect(alert).toHaveTextContent("database is locked");
  });
});
