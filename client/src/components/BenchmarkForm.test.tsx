import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { BenchmarkForm, validateBenchmarkForm, type BenchmarkFormValues } from "./BenchmarkForm";

const VALID: BenchmarkFormValues = {
  num_requests: "10",
  concurrency: "5",
  num_transactions: "50",
  simulated_delay_ms: "100",
};

describe("validateBenchmarkForm", () => {
  it("converts valid values to numbers", () => {
    expect(validateBenchmarkForm(VALID)).toEqual({
      ok: true,
      parameters: { num_requests: 10, concurrency: 5, num_transactions: 50, simulated_delay_ms: 100 },
    });
  });

  it.each([
    ["num_requests", "0", "0 is out of range: enter 1 to 1000."],
    ["num_requests", "1001", "1001 is out of range: enter 1 to 1000."],
    ["concurrency", "101", "101 is out of range: enter 1 to 100."],
    ["num_transactions", "10001", "10001 is out of range: enter 1 to 10000."],
    ["simulated_delay_ms", "30001", "30001 is out of range: enter 0 to 30000."],
    ["simulated_delay_ms", "-1", "Enter a whole number from 0 to 30000."],
    ["concurrency", "2.5", "Enter a whole number from 1 to 100."],
    ["num_requests", "", "Enter a whole number from 1 to 1000."],
  ] as const)("rejects %s = %j", (field, value, message) => {
    const result = validateBenchmarkForm({ ...VALID, [field]: value });
    expect(result.ok).toBe(false);
    expect(result.ok ? {} : result.errors).toEqual({ [field]: message });
  });

  it("accepts the bounds", () => {
    const result = validateBenchmarkForm({
      num_requests: "1000",
      concurrency: "100",
      num_transactions: "10000",
      simulated_delay_ms: "0",
    });
    expect(result.ok).toBe(true);
  });
});

describe("BenchmarkForm", () => {
  it("starts a run with the typed values", async () => {
    const onStart = vi.fn();
    const user = userEvent.setup();
    render(<BenchmarkForm onStart={onStart} busy={false} />);

    await user.clear(screen.getByLabelText("Requests per mode"));
    await user.type(screen.getByLabelText("Requests per mode"), "10");
    await user.clear(screen.getByLabelText("Transactions per report"));
    await user.type(screen.getByLabelText("Transactions per report"), "50");
    await user.click(screen.getByRole("button", { name: "Start benchmark" }));

    expect(onStart).toHaveBeenCalledWith({
      num_requests: 10,
      concurrency: 5,
      num_transactions: 50,
      simulated_delay_ms: 100,
    });
  });

  it("shows range errors and does not start", async () => {
    const onStart = vi.fn();
    const user = userEvent.setup();
    render(<BenchmarkForm onStart={onStart} busy={false} />);

    const concurrency = screen.getByLabelText("Concurrency");
    await user.clear(concurrency);
    await user.type(concurrency, "500");
    await user.click(screen.getByRole("button", { name: "Start benchmark" }));

    expect(onStart).not.toHaveBeenCalled();
    expect(concurrency).toHaveAttribute("aria-invalid", "true");
    expect(concurrency).toHaveAccessibleDescription(/500 is out of range: enter 1 to 100\./);
  });

  it("reaches every control with Tab", async () => {
    const user = userEvent.setup();
    render(<BenchmarkForm onStart={() => undefined} busy={false} />);

    const expected = [
      "Requests per mode",
      "Concurrency",
      "Transactions per report",
      "Simulated delay per report (ms)",
    ];
    for (const label of expected) {
      await user.tab();
      expect(screen.getByLabelText(label)).toHaveFocus();
    }
    await user.tab();
    expect(screen.getByRole("button", { name: "Start benchmark" })).toHaveFocus();
  });

  it("disables Start while a run is active", () => {
    render(<BenchmarkForm onStart={() => undefined} busy />);
    expect(screen.getByRole("button", { name: "Benchmark running…" })).toBeDisabled();
  });
});
