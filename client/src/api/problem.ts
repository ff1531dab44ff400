import type { FieldError, Problem } from "./types";

/** An HTTP error response from the API, with its RFC 9457 problem details. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds to wait before retrying, from the Retry-After header, or null when absent. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A request that got no HTTP response at all: the API is down or the proxy cannot reach it. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "NetworkError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseFieldErrors(value: unknown): FieldError[] | null {
  if (!Array.isArray(value)) {
    return null;
  }
  const errors: FieldError[] = [];
  for (const item of value) {
    if (!isRecord(item)) {
      continue;
    }
    errors.push({
      location: typeof item.location === "string" ? item.location : "",
      message: typeof item.message === "string" ? item.message : JSON.stringify(item),
      type: typeof item.type === "string" ? item.type : "",
      value: item.value,
    });
  }
  return errors;
}

/**
 * Builds a Problem from an error response body. Bodies that are not problem details
 * (a proxy's HTML page, an empty body) get a problem made from the HTTP status.
 */
export function parseProblem(body: unknown, status: number, statusText = ""): Problem {
  const fallbackTitle = statusText || `HTTP ${status}`;
  if (!isRecord(body)) {
    const text = typeof body === "string" ? body.trim().slice(0, 300) : "";
    return {
      type: "about:blank",
      title: fallbackTitle,
      status,
      detail: text || `The server returned ${status} ${statusText}`.trim() + " without problem details.",
    };
  }
  const title = typeof body.title === "string" ? body.title : fallbackTitle;
  return {
    type: typeof body.type === "string" ? body.type : "about:blank",
    title,
    status: typeof body.status === "number" ? body.status : status,
    detail: typeof body.detail === "string" ? body.detail : title,
    instance: typeof body.instance === "string" ? body.instance : null,
    request_id: typeof body.request_id === "string" ? body.request_id : null,
    errors: parseFieldErrors(body.errors),
  };
}

/**
 * Parses a Retry-After header (RFC 9110: delay-seconds or an HTTP-date) into whole seconds
 * from `now`. Returns null for a missing or malformed value; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | null {
  if (value == null) {
    return null;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number.parseInt(trimmed, 10);
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) {
    return null;
  }
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

/** Turns a field location such as `body.payload.num_transactions` into the field name. */
export function fieldName(location: string): string {
  const parts = location.split(".").filter((part) => part !== "body" && part !== "payload");
  return parts.length > 0 ? parts.join(".") : location;
}

/** A plain-words explanation of an error, for display. */
export interface ErrorDescription {
  headline: string;
  detail: string | null;
  fieldErrors: { field: string; message: string }[];
}

export function describeError(error: unknown): ErrorDescription {
  if (error instanceof ApiError) {
    return describeApiError(error);
  }
  if (error instanceof NetworkError) {
    return {
      headline: "Could not reach the API: check that the server is running.",
      detail: error.message,
      fieldErrors: [],
    };
  }
  return {
    headline: "Something went wrong in the dashboard.",
    detail: error instanceof Error ? error.message : String(error),
    fieldErrors: [],
  };
}

function describeApiError(error: ApiError): ErrorDescription {
  const { problem } = error;
  const fieldErrors = (problem.errors ?? []).map((item) => ({
    field: fieldName(item.location),
    message: item.message,
  }));
  // A validation problem's detail repeats the field errors in one line, so the list replaces it.
  const detail =
    fieldErrors.length === 0 && problem.detail && problem.detail !== problem.title ? problem.detail : null;

  if (error.status === 429) {
    const wait = error.retryAfterSeconds;
    const headline =
      wait === null
        ? "Rate limit reached: wait a moment before trying again."
        : `Rate limit reached: try again in ${wait} s`;
    return { headline, detail: problem.detail || null, fieldErrors };
  }
  // The API sends Retry-After with a 503 and with the 409 of a duplicate whose original is still running.
  const retryHint =
    (error.status === 409 || error.status === 503) && error.retryAfterSeconds !== null
      ? `Try again in ${error.retryAfterSeconds} s.`
      : null;
  const fullDetail = [detail, retryHint].filter(Boolean).join(" ") || null;
  return { headline: `${problem.title} (HTTP ${error.status})`, detail: fullDetail, fieldErrors };
}
