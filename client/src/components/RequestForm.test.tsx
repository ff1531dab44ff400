import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { SubmitInput } from "../api/client";
import { RequestForm } from "./RequestForm";

function setup(busy = false) {
  const onSubmit = vi.fn<(input: SubmitInput) => void>();
  render(<RequestForm onSubmit={onSubmit} isBusy={() => busy} />);
  return { onSubmit, user: userEvent.setup() };
}

describe("RequestForm", () => {
  it("labels every control", () => {
    setup();
    expect(screen.getByRole("radio", { name: "Sync" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Async" })).not.toBeChecked();
    for (const label of ["Number of transactions", "Report name", "Seed (optional)", "Simulated delay (ms)", "Idempotency-Key"]) {
      expect(screen.getByLabelText(label, { exact: false })).toBeInTheDocument();
    }
  });

  it("submits a sync request", async () => {
    const { onSubmit, user } = setup();
    const count = screen.getByLabelText("Number of transactions");
    await user.clear(count);
    await user.type(count, "250");
    await user.type(screen.getByLabelText("Seed (optional)"), "7");
    await user.click(screen.getByRole("button", { name: "Send sync request" }));

    expect(onSubmit).toHaveBeenCalledTimes(1);
    const input = onSubmit.mock.calls[0]?.[0];
    expect(input?.mode).toBe("sync");
    expect(input?.payload).toEqual({ num_transactions: 250, report_name: "Q3 ledger", seed: "7", simulated_delay_ms: 2000 });
    expect(input?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shows field errors and does not submit", async () => {
    const { onSubmit, user } = setup();
    await user.clear(screen.getByLabelText("Report name"));
    await user.clear(screen.getByLabelText("Number of transactions"));
    await user.type(screen.getByLabelText("Number of transactions"), "0");
    await user.click(screen.getByRole("button", { name: "Send sync request" }));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText("Enter a report name.")).toBeInTheDocument();
    expect(screen.getByText("Enter a whole number of at least 1.")).toBeInTheDocument();
    expect(screen.getByLabelText("Report name")).toHaveAttribute("aria-invalid", "true");
  });

  it("prefills the inbox and adds inbox failures to the URL", async () => {
    const { onSubmit, user } = setup();
    await user.click(screen.getByRole("radio", { name: "Async" }));
    const url = screen.getByLabelText("Callback URL");
    expect(url).toHaveValue("http://127.0.0.1:8000/api/webhooks/inbox");

    const failures = screen.getByLabelText("Make the inbox fail the first N attempts");
    await user.clear(failures);
    await user.type(failures, "2");
    expect(url).toHaveValue("http://127.0.0.1:8000/api/webhooks/inbox?fail_first=2&fail_status=503");

    await user.click(screen.getByRole("button", { name: "Send async request" }));
    expect(onSubmit.mock.calls[0]?.[0]?.callbackUrl).toBe(
      "http://127.0.0.1:8000/api/webhooks/inbox?fail_first=2&fail_status=503",
    );
  });

  it("makes a new key per submission and can reuse the last one", async () => {
    const { onSubmit, user } = setup();
    const reuse = screen.getByRole("button", { name: "Reuse last key" });
    expect(reuse).toBeDisabled();

    await user.click(screen.getByRole("button", { name: "Send sync request" }));
    const firstKey = onSubmit.mock.calls[0]?.[0]?.idempotencyKey;
    const keyInput = screen.getByLabelText("Idempotency-Key");
    expect(keyInput).not.toHaveValue(firstKey);

    await user.click(reuse);
    expect(keyInput).toHaveValue(firstKey);
    await user.click(screen.getByRole("button", { name: "Send sync request" }));
    expect(onSubmit.mock.calls[1]?.[0]?.idempotencyKey).toBe(firstKey);
  });

  it("disables submission while a sync request waits", () => {
    setup(true);
    expect(screen.getByRole("button", { name: "Waiting for the sync report…" })).toBeDisabled();
  });
});
