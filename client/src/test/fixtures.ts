// Sample API bodies for unit tests, shaped like the pydantic models in server/src/schemas/.
import type { CallbackLogEntry, DuplicateRequestResponse, ReportResult, RequestDetail } from "../api/types";

export const REQUEST_ID = "3f2b8c1e-9d4a-4b7e-8a61-2c5d9e0f1a2b";

export const RESULT: ReportResult = {
  rows: 1000,
  columns: ["date", "transaction_id", "description", "category", "amount", "type"],
  size_bytes: 68_421,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  seed: 42,
  file_name: "report_3f2b8c1e.csv",
  download_url: "/api/reports/report_3f2b8c1e.csv",
  generated_in_ms: 35,
  summary: {
    total_credits: "125000.10",
    total_debits: "98000.00",
    net: "27000.10",
    credit_count: 480,
    debit_count: 520,
    by_category: { Payroll: "-50000.00", Sales: "77000.10" },
  },
};

export function requestDetail(overrides: Partial<RequestDetail> = {}): RequestDetail {
  return {
    id: REQUEST_ID,
    mode: "async",
    status: "COMPLETED",
    input_payload: { num_transactions: 1000, report_name: "Q3 ledger", simulated_delay_ms: 0 },
    result: RESULT,
    error: null,
    callback_url: "http://127.0.0.1:8000/api/webhooks/inbox",
    callback_status: "SUCCESS",
    callback_attempts: 1,
    callback_next_attempt_at: null,
    webhook_id: `msg_${REQUEST_ID.replaceAll("-", "")}`,
    created_at: "2025-01-01T10:00:00.000Z",
    started_at: "2025-01-01T10:00:00.100Z",
    completed_at: "2025-01-01T10:00:02.300Z",
    duration_ms: 2300,
    ...overrides,
  };
}

export const DUPLICATE: DuplicateRequestResponse = {
  status: "duplicate",
  request_id: REQUEST_ID,
  mode: "sync",
  request_status: "COMPLETED",
  status_url: `/api/requests/${REQUEST_ID}`,
  result: RESULT,
  error: null,
  created_at: "2025-01-01T10:00:00.000Z",
  completed_at: "2025-01-01T10:00:02.300Z",
};

export function callbackAttempt(overrides: Partial<CallbackLogEntry> = {}): CallbackLogEntry {
  return {
    id: 1,
    attempt_number: 1,
    trigger: "automatic",
    status_code: 200,
    success: true,
    error_message: null,
    response_excerpt: null,
    response_time_ms: 12,
    next_attempt_at: null,
    created_at: "2025-01-01T10:00:02.400Z",
    ...overrides,
  };
}

/** Builds a fetch Response with a JSON body. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const contentType = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": contentType, ...headers } });
}
