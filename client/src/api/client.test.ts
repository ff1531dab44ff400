// The API does not run in unit tests, so these tests replace global fetch with a mock
// that returns the bodies and headers the API contract specifies.
import { afterEach, assert, describe, expect, it, vi } from "vitest";
import { DUPLICATE, RESULT, jsonResponse } from "../test/fixtures";
import { encodeAsyncBody, encodeSyncBody, getHealth, listRequests, parseJson, submitReport } from "./client";
import { ApiError, NetworkError } from "./problem";

function mockFetch(response: Response | Error) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => {
    if (response instanceof Error) {
      throw response;
    }
    return response;
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const PAYLOAD = { num_transactions: 10, report_name: "Q3", simulated_delay_ms: 0 };

describe("request bodies", () => {
  it("wraps the payload for /api/sync", () => {
    expect(JSON.parse(encodeSyncBody(PAYLOAD))).toEqual({ payload: PAYLOAD });
  });

  it("adds callback_url for /api/async", () => {
    expect(JSON.parse(encodeAsyncBody(PAYLOAD, "http://127.0.0.1:8000/api/webhooks/inbox"))).toEqual({
      payload: PAYLOAD,
      callback_url: "http://127.0.0.1:8000/api/webhooks/inbox",
    });
  });

  it("writes a 63-bit seed digit for digit", () => {
    const body = encodeSyncBody({ ...PAYLOAD, seed: "9223372036854775807" });
    expect(body).toContain('"seed":9223372036854775807}');
  });
});

describe("submitReport", () => {
  it("posts a sync request with the Idempotency-Key header", async () => {
    const fetchMock = mockFetch(
      jsonResponse({
        request_id: "r1",
        mode: "sync",
        status: "COMPLETED",
        result: RESULT,
        created_at: "2025-01-01T10:00:00Z",
        completed_at: "2025-01-01T10:00:01Z",
        duration_ms: 1000,
      }),
    );
    const outcome = await submitReport({ mode: "sync", payload: PAYLOAD, callbackUrl: "", idempotencyKey: "key-1" });

    expect(outcome.kind).toBe("sync");
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/sync");
    expect(init?.method).toBe("POST");
    expect((init?.headers as Record<string, string>)["Idempotency-Key"]).toBe("key-1");
    expect(JSON.parse(String(init?.body))).toEqual({ payload: PAYLOAD });
  });

  it("sends no Idempotency-Key header for an empty key", async () => {
    const fetchMock = mockFetch(
      jsonResponse(
        { request_id: "r2", mode: "async", status: "PENDING", status_url: "/api/requests/r2", callback_url: "x", created_at: "" },
        202,
      ),
    );
    await submitReport({ mode: "async", payload: PAYLOAD, callbackUrl: "http://127.0.0.1/in", idempotencyKey: "" });
    const headers = fetchMock.mock.calls[0]?.[1]?.headers as Record<string, string>;
    expect(headers).not.toHaveProperty("Idempotency-Key");
  });

  it("returns 202 Accepted with the Location header", async () => {
    mockFetch(
      jsonResponse(
        {
          request_id: "r2",
          mode: "async",
          status: "PENDING",
          status_url: "/api/requests/r2",
          callback_url: "http://127.0.0.1/in",
          created_at: "2025-01-01T10:00:00Z",
        },
        202,
        { Location: "/api/requests/r2" },
      ),
    );
    const outcome = await submitReport({ mode: "async", payload: PAYLOAD, callbackUrl: "http://127.0.0.1/in", idempotencyKey: "k" });
    expect(outcome.kind).toBe("accepted");
    expect(outcome.httpStatus).toBe(202);
    assert(outcome.kind === "accepted");
    expect(outcome.location).toBe("/api/requests/r2");
  });

  it("recognises a replayed duplicate", async () => {
    mockFetch(jsonResponse(DUPLICATE, 200, { "Idempotent-Replayed": "true" }));
    const outcome = await submitReport({ mode: "sync", payload: PAYLOAD, callbackUrl: "", idempotencyKey: "k" });
    expect(outcome.kind).toBe("duplicate");
    assert(outcome.kind === "duplicate");
    expect(outcome.replayed).toBe(true);
    expect(outcome.body.request_id).toBe(DUPLICATE.request_id);
  });

  it("throws ApiError with Retry-After for a 429", async () => {
    mockFetch(
      jsonResponse({ type: "about:blank", title: "Too Many Requests", status: 429, detail: "5 per 1 minute" }, 429, {
        "Retry-After": "12",
      }),
    );
    const error = await submitReport({ mode: "sync", payload: PAYLOAD, callbackUrl: "", idempotencyKey: "k" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).retryAfterSeconds).toBe(12);
    expect((error as ApiError).problem.detail).toBe("5 per 1 minute");
  });

  it("throws NetworkError when fetch fails", async () => {
    mockFetch(new TypeError("Failed to fetch"));
    await expect(
      submitReport({ mode: "sync", payload: PAYLOAD, callbackUrl: "", idempotencyKey: "k" }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});

describe("parseJson", () => {
  it("keeps every digit of a 63-bit seed", () => {
    const body = parseJson('{"result": {"seed": 9223372036854775807, "rows": 3}, "input_payload": {"seed" : 1234567890123456789}}');
    expect(body).toEqual({ result: { seed: "9223372036854775807", rows: 3 }, input_payload: { seed: "1234567890123456789" } });
  });

  it("leaves short seeds and text inside strings alone", () => {
    const body = parseJson('{"seed": 42, "note": "\\"seed\\": 12345678901234567890"}');
    expect(body).toEqual({ seed: 42, note: '"seed": 12345678901234567890' });
  });
});

describe("listRequests", () => {
  it("sends paging and filters as query parameters", async () => {
    const fetchMock = mockFetch(jsonResponse({ items: [], total: 0, limit: 25, offset: 50 }));
    await listRequests({ limit: 25, offset: 50, mode: "async", status: "FAILED" });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/requests?limit=25&offset=50&mode=async&status=FAILED");
  });

  it("leaves out empty filters", async () => {
    const fetchMock = mockFetch(jsonResponse({ items: [], total: 0, limit: 10, offset: 0 }));
    await listRequests({ limit: 10, offset: 0 });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/requests?limit=10&offset=0");
  });
});

describe("getHealth", () => {
  it("returns the body of a 503", async () => {
    const body = {
      status: "unavailable",
      version: "0.1.0",
      uptime_seconds: 3,
      database: { ok: false, dialect: "sqlite", latency_ms: null, error: "database is locked" },
      worker: { threads: 4, busy: 0, queued: 0, pending_jobs: null, deliveries_in_flight: 0 },
    };
    mockFetch(jsonResponse(body, 503));
    const health = await getHealth();
    expect(health.status).toBe("unavailable");
    expect(health.database.error).toBe("database is locked");
  });
});
