import { ApiError, NetworkError, parseProblem, parseRetryAfter } from "./problem";
import type {
  AsyncReportAccepted,
  BenchmarkParameters,
  BenchmarkRunDetail,
  BenchmarkRunPage,
  CallbackLogEntry,
  CallbackRetryAccepted,
  DuplicateRequestResponse,
  HealthResponse,
  InboxPage,
  ReportPayload,
  RequestDetail,
  RequestMode,
  RequestPage,
  RequestStatus,
  SyncReportResponse,
} from "./types";

const API_BASE = "/api";

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(`${API_BASE}${path}`, {
      ...init,
      headers: { Accept: "application/json, application/problem+json", ...init.headers },
    });
  } catch (error) {
    throw new NetworkError(error);
  }
}

// A `seed` of 16 or more digits, which a JS number cannot hold exactly. An escaped quote inside
// a JSON string cannot match, because the pattern needs a bare `"` right after `seed`.
const LONG_SEED = /"seed"\s*:\s*(\d{16,})/g;

/**
 * Parses a JSON body. Seeds are 63-bit integers (a random seed is up to 2^63 - 1), so long
 * ones become decimal strings instead of rounded numbers.
 */
export function parseJson(text: string): unknown {
  return JSON.parse(text.replace(LONG_SEED, '"seed":"$1"')) as unknown;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") {
    return null;
  }
  try {
    return parseJson(text);
  } catch {
    return text;
  }
}

async function readJson<T>(response: Response): Promise<T> {
  return parseJson(await response.text()) as T;
}

/** Throws ApiError for a non-2xx response, with its problem details and Retry-After. */
async function ensureOk(response: Response): Promise<void> {
  if (response.ok) {
    return;
  }
  const body = await readBody(response);
  const problem = parseProblem(body, response.status, response.statusText);
  throw new ApiError(problem, parseRetryAfter(response.headers.get("Retry-After")));
}

async function requestJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await send(path, init);
  await ensureOk(response);
  return readJson<T>(response);
}

/**
 * Serialises a report payload. The seed is written as its decimal digits, because
 * JSON.stringify of a Number loses precision above 2^53 and the API accepts up to 2^63 - 1.
 */
export function encodePayload(payload: ReportPayload): string {
  const { seed, ...rest } = payload;
  const base = JSON.stringify(rest);
  if (seed === undefined || seed === "") {
    return base;
  }
  if (!/^\d+$/.test(seed)) {
    throw new Error(`seed must be decimal digits, got ${JSON.stringify(seed)}`);
  }
  return `${base.slice(0, -1)},"seed":${seed}}`;
}

export function encodeSyncBody(payload: ReportPayload): string {
  return `{"payload":${encodePayload(payload)}}`;
}

export function encodeAsyncBody(payload: ReportPayload, callbackUrl: string): string {
  return `{"payload":${encodePayload(payload)},"callback_url":${JSON.stringify(callbackUrl)}}`;
}

/** The outcome of a POST /api/sync or /api/async that the API accepted. */
export type SubmitOutcome =
  | { kind: "sync"; body: SyncReportResponse; elapsedMs: number; httpStatus: number }
  | { kind: "accepted"; body: AsyncReportAccepted; elapsedMs: number; httpStatus: number; location: string | null }
  | { kind: "duplicate"; body: DuplicateRequestResponse; elapsedMs: number; httpStatus: number; replayed: boolean };

export interface SubmitInput {
  mode: RequestMode;
  payload: ReportPayload;
  callbackUrl: string;
  idempotencyKey: string;
}

function isDuplicate(body: unknown): body is DuplicateRequestResponse {
  return typeof body === "object" && body !== null && (body as { status?: unknown }).status === "duplicate";
}

/** Sends a report request and measures how long the HTTP exchange took. */
export async function submitReport(input: SubmitInput): Promise<SubmitOutcome> {
  const path = input.mode === "sync" ? "/sync" : "/async";
  const body =
    input.mode === "sync" ? encodeSyncBody(input.payload) : encodeAsyncBody(input.payload, input.callbackUrl);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (input.idempotencyKey !== "") {
    headers["Idempotency-Key"] = input.idempotencyKey;
  }

  const started = performance.now();
  const response = await send(path, { method: "POST", headers, body });
  await ensureOk(response);
  const json = await readJson<unknown>(response);
  const elapsedMs = Math.round(performance.now() - started);

  if (isDuplicate(json)) {
    return {
      kind: "duplicate",
      body: json,
      elapsedMs,
      httpStatus: response.status,
      replayed: response.headers.get("Idempotent-Replayed")?.toLowerCase() === "true",
    };
  }
  if (input.mode === "sync") {
    return { kind: "sync", body: json as SyncReportResponse, elapsedMs, httpStatus: response.status };
  }
  return {
    kind: "accepted",
    body: json as AsyncReportAccepted,
    elapsedMs,
    httpStatus: response.status,
    location: response.headers.get("Location"),
  };
}

export interface RequestListQuery {
  limit: number;
  offset: number;
  mode?: RequestMode | undefined;
  status?: RequestStatus | undefined;
}

export function listRequests(query: RequestListQuery): Promise<RequestPage> {
  const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
  if (query.mode) {
    params.set("mode", query.mode);
  }
  if (query.status) {
    params.set("status", query.status);
  }
  return requestJson<RequestPage>(`/requests?${params.toString()}`);
}

export function getRequest(id: string): Promise<RequestDetail> {
  return requestJson<RequestDetail>(`/requests/${encodeURIComponent(id)}`);
}

export function getCallbackLogs(id: string): Promise<CallbackLogEntry[]> {
  return requestJson<CallbackLogEntry[]>(`/requests/${encodeURIComponent(id)}/callback-logs`);
}

export async function deleteRequest(id: string): Promise<void> {
  const response = await send(`/requests/${encodeURIComponent(id)}`, { method: "DELETE" });
  await ensureOk(response);
}

export function retryCallback(id: string): Promise<CallbackRetryAccepted> {
  return requestJson<CallbackRetryAccepted>(`/requests/${encodeURIComponent(id)}/callback-retry`, {
    method: "POST",
  });
}

export function getInbox(): Promise<InboxPage> {
  return requestJson<InboxPage>("/webhooks/inbox");
}

/** GET /api/health. A 503 still carries the health body, so it is returned, not thrown. */
export async function getHealth(): Promise<HealthResponse> {
  const response = await send("/health");
  if (response.status === 503) {
    const body = await readBody(response);
    if (typeof body === "object" && body !== null && "database" in body) {
      return body as HealthResponse;
    }
  }
  await ensureOk(response);
  return readJson<HealthResponse>(response);
}

/**
 * Sends POST /api/benchmark/both, which returns when the run has ended. A small run takes
 * seconds, a large one up to the server's BENCHMARK_MAX_SECONDS (300 s by default) plus cleanup.
 */
export function startBenchmark(parameters: BenchmarkParameters): Promise<BenchmarkRunDetail> {
  return requestJson<BenchmarkRunDetail>("/benchmark/both", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(parameters),
  });
}

/** Lists the stored benchmark runs, newest first (GET /api/benchmark/runs). */
export function listBenchmarkRuns(query: { limit: number; offset: number }): Promise<BenchmarkRunPage> {
  const params = new URLSearchParams({ limit: String(query.limit), offset: String(query.offset) });
  return requestJson<BenchmarkRunPage>(`/benchmark/runs?${params.toString()}`);
}

export function getBenchmarkRun(id: string): Promise<BenchmarkRunDetail> {
  return requestJson<BenchmarkRunDetail>(`/benchmark/runs/${encodeURIComponent(id)}`);
}
