// TypeScript mirror of the API contract, the pydantic models in server/src/schemas/.
// Datetimes arrive as ISO 8601 strings and money as decimal strings with two places.

export type RequestMode = "sync" | "async";
export type RequestStatus = "PENDING" | "PROCESSING" | "COMPLETED" | "FAILED";
export type CallbackStatus = "PENDING" | "SUCCESS" | "FAILED";
export type DeliveryTrigger = "automatic" | "manual";

export const REQUEST_MODES: readonly RequestMode[] = ["sync", "async"];
export const REQUEST_STATUSES: readonly RequestStatus[] = ["PENDING", "PROCESSING", "COMPLETED", "FAILED"];

/** Body of `payload` in POST /api/sync and POST /api/async. */
export interface ReportPayload {
  num_transactions: number;
  report_name: string;
  /** Decimal digits, sent as a JSON number without passing through a float (seeds go up to 2^63 - 1). */
  seed?: string;
  simulated_delay_ms: number;
}

export interface ReportSummary {
  total_credits: string;
  total_debits: string;
  net: string;
  credit_count: number;
  debit_count: number;
  by_category: Record<string, string>;
}

export interface ReportResult {
  rows: number;
  columns: string[];
  size_bytes: number;
  sha256: string;
  /** A decimal string when it has 16 or more digits, so no digit is lost (see parseJson). */
  seed: number | string;
  file_name: string;
  download_url: string;
  generated_in_ms: number;
  summary: ReportSummary;
}

export interface RequestDetail {
  id: string;
  mode: RequestMode;
  status: RequestStatus;
  input_payload: Record<string, unknown>;
  result: ReportResult | null;
  error: string | null;
  callback_url: string | null;
  callback_status: CallbackStatus | null;
  callback_attempts: number;
  callback_next_attempt_at: string | null;
  webhook_id: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
}

export interface RequestPage {
  items: RequestDetail[];
  total: number;
  limit: number;
  offset: number;
}

export interface SyncReportResponse {
  request_id: string;
  mode: "sync";
  status: "COMPLETED";
  result: ReportResult;
  created_at: string;
  completed_at: string;
  duration_ms: number;
}

export interface AsyncReportAccepted {
  request_id: string;
  mode: "async";
  status: "PENDING";
  status_url: string;
  callback_url: string;
  created_at: string;
}

export interface DuplicateRequestResponse {
  status: "duplicate";
  request_id: string;
  mode: RequestMode;
  request_status: RequestStatus;
  status_url: string;
  result: ReportResult | null;
  error: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface CallbackLogEntry {
  id: number;
  attempt_number: number;
  trigger: DeliveryTrigger;
  status_code: number | null;
  success: boolean;
  error_message: string | null;
  response_excerpt: string | null;
  response_time_ms: number;
  next_attempt_at: string | null;
  created_at: string;
}

export interface CallbackRetryAccepted {
  request_id: string;
  callback_status: CallbackStatus;
  callback_next_attempt_at: string;
}

export interface InboxMessage {
  id: number;
  webhook_id: string | null;
  request_id: string | null;
  event_status: string | null;
  signature_valid: boolean;
  signature_error: string | null;
  response_status: number;
  body: Record<string, unknown> | null;
  received_at: string;
}

export interface InboxPage {
  items: InboxMessage[];
  total: number;
}

export interface HealthResponse {
  status: "ok" | "unavailable";
  version: string;
  uptime_seconds: number;
  database: {
    ok: boolean;
    dialect: string;
    latency_ms: number | null;
    error: string | null;
  };
  worker: {
    threads: number;
    busy: number;
    queued: number;
    pending_jobs: number | null;
    deliveries_in_flight: number;
  };
}

/** One entry of `errors` in a validation problem. */
export interface FieldError {
  location: string;
  message: string;
  type: string;
  value?: unknown;
}

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string | null;
  request_id?: string | null;
  errors?: FieldError[] | null;
}

/** Body of POST /api/benchmark/both (server/src/schemas/benchmark.py). */
export interface BenchmarkParameters {
  /** Requests sent per mode. */
  num_requests: number;
  /** Clients sending at the same time. */
  concurrency: number;
  /** Rows per report. */
  num_transactions: number;
  /** Upstream delay per report, in milliseconds. */
  simulated_delay_ms: number;
}

export type BenchmarkRunStatus = "RUNNING" | "COMPLETED" | "FAILED";

/** Nearest-rank percentiles in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Figures of one mode of a benchmark run. */
export interface ModeFigures {
  mode: string;
  planned: number;
  sent: number;
  /** 200 responses for sync, 202 for async. */
  succeeded: number;
  failed: number;
  /** Failed requests by HTTP status, or by "timeout" and "connection_error". */
  failed_by_status: Record<string, number>;
  /** Requests not sent because the deadline passed. */
  not_sent: number;
  stopped_by_deadline: boolean;
  /** From the first request sent to the last response received. */
  wall_seconds: number;
  /** Successful requests per wall-clock second. */
  throughput_per_second: number;
  /** Response latency of successful requests. */
  latency_ms: LatencySummary | null;
}

export interface AsyncModeFigures extends ModeFigures {
  callbacks_received: number;
  /** Accepted jobs whose callback had not arrived by the deadline. */
  callbacks_missing: number;
  /** From sending POST /api/async to receiving the job's callback. */
  completion_ms: LatencySummary | null;
  /** From the first request sent to the last callback received. */
  completion_wall_seconds: number;
  completed_per_second: number;
}

export interface BenchmarkRunDetail {
  id: string;
  status: BenchmarkRunStatus;
  parameters: BenchmarkParameters;
  sync: ModeFigures | null;
  async: AsyncModeFigures | null;
  error: string | null;
  /** Requests of the run that were still PROCESSING and could not be deleted when it ended. */
  leftover_requests: number;
  /** host:port of the run's callback receiver while it runs. */
  callback_receiver: string | null;
  started_at: string;
  deadline_at: string;
  finished_at: string | null;
}

export interface BenchmarkRunPage {
  items: BenchmarkRunDetail[];
  total: number;
  limit: number;
  offset: number;
}
