import { assert, describe, expect, it } from "vitest";
import { validateForm, type FormValues } from "./formValidation";

const VALID: FormValues = {
  mode: "async",
  numTransactions: "500",
  reportName: "Q3 ledger",
  seed: "",
  simulatedDelayMs: "0",
  callbackUrl: "http://127.0.0.1:8000/api/webhooks/inbox",
  idempotencyKey: "8b0e8f56-53b6-4e52-9a4f-0f5e3c1d2a10",
};

function errorsOf(values: Partial<FormValues>) {
  const result = validateForm({ ...VALID, ...values });
  return result.ok ? {} : result.errors;
}

describe("validateForm", () => {
  it("builds the request from valid values", () => {
    const result = validateForm({ ...VALID, seed: "42", simulatedDelayMs: "1500" });
    assert(result.ok);
    expect(result.input.payload).toEqual({
      num_transactions: 500,
      report_name: "Q3 ledger",
      seed: "42",
      simulated_delay_ms: 1500,
    });
    expect(result.input.callbackUrl).toBe(VALID.callbackUrl);
    expect(result.input.idempotencyKey).toBe(VALID.idempotencyKey);
  });

  it("omits an empty seed", () => {
    const result = validateForm(VALID);
    assert(result.ok);
    expect(result.input.payload).not.toHaveProperty("seed");
  });

  it("rejects transaction counts below 1 or not whole", () => {
    expect(errorsOf({ numTransactions: "0" }).numTransactions).toBeDefined();
    expect(errorsOf({ numTransactions: "" }).numTransactions).toBeDefined();
    expect(errorsOf({ numTransactions: "2.5" }).numTransactions).toBeDefined();
    expect(errorsOf({ numTransactions: "-3" }).numTransactions).toBeDefined();
  });

  it("checks the report name like the API", () => {
    expect(errorsOf({ reportName: "" }).reportName).toBe("Enter a report name.");
    expect(errorsOf({ reportName: "   " }).reportName).toContain("other than a space");
    expect(errorsOf({ reportName: "=cmd()" }).reportName).toContain("Use only letters");
    expect(errorsOf({ reportName: "a".repeat(101) }).reportName).toContain("maximum is 100");
    expect(errorsOf({ reportName: "a".repeat(100) }).reportName).toBeUndefined();
    expect(errorsOf({ reportName: "Q3_ledger-v1.2" }).reportName).toBeUndefined();
  });

  it("accepts seeds up to 2^63 - 1 without losing digits", () => {
    const result = validateForm({ ...VALID, seed: "9223372036854775807" });
    assert(result.ok);
    expect(result.input.payload.seed).toBe("9223372036854775807");
    expect(errorsOf({ seed: "9223372036854775808" }).seed).toBeDefined();
    expect(errorsOf({ seed: "-1" }).seed).toBeDefined();
    expect(errorsOf({ seed: "12a" }).seed).toBeDefined();
  });

  it("bounds the simulated delay", () => {
    expect(errorsOf({ simulatedDelayMs: "30000" }).simulatedDelayMs).toBeUndefined();
    expect(errorsOf({ simulatedDelayMs: "30001" }).simulatedDelayMs).toBeDefined();
    expect(errorsOf({ simulatedDelayMs: "" }).simulatedDelayMs).toBeUndefined();
  });

  it("requires an http(s) callback URL in async mode only", () => {
    expect(errorsOf({ callbackUrl: "" }).callbackUrl).toBeDefined();
    expect(errorsOf({ callbackUrl: "inbox" }).callbackUrl).toContain("absolute URL");
    expect(errorsOf({ callbackUrl: "ftp://127.0.0.1/x" }).callbackUrl).toContain("http://");
    expect(errorsOf({ callbackUrl: `http://127.0.0.1/${"a".repeat(2048)}` }).callbackUrl).toContain("maximum is 2048");
    expect(errorsOf({ mode: "sync", callbackUrl: "" }).callbackUrl).toBeUndefined();
  });

  it("checks the Idempotency-Key characters and length", () => {
    expect(errorsOf({ idempotencyKey: "" }).idempotencyKey).toBeUndefined();
    expect(errorsOf({ idempotencyKey: "order 17" }).idempotencyKey).toBeUndefined();
    expect(errorsOf({ idempotencyKey: " padded" }).idempotencyKey).toBeDefined();
    expect(errorsOf({ idempotencyKey: "ключ" }).idempotencyKey).toBeDefined();
    expect(errorsOf({ idempotencyKey: "k".repeat(256) }).idempotencyKey).toBeDefined();
    expect(errorsOf({ idempotencyKey: "k".repeat(255) }).idempotencyKey).toBeUndefined();
  });
});
