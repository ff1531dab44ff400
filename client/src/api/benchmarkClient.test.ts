// The API does not run in unit tests, so global fetch is mocked with the benchmark routes' bodies.
import { afterEach, assert, describe, expect, it, vi } from "vitest";
import { RUN_ID, benchmarkRun } from "../test/benchmarkFixtures";
import { jsonResponse } from "../test/fixtures";
import { getBenchmarkRun, listBenchmarkRuns, startBenchmark } from "./client";
import { ApiError, describeError } from "./problem";

const PARAMETERS = { num_requests: 10, concurrency: 5, num_transactions: 50, simulated_delay_ms: 100 };

function mockFetch(response: Response) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => response);
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("startBenchmark", () => {
  it("posts the parameters as JSON", async () => {
    const fetchMock = mockFetch(jsonResponse(benchmarkRun()));
    const run = await startBenchmark(PARAMETERS);

    expect(run.id).toBe(RUN_ID);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/benchmark/both");
    expect(init?.method).toBe("POST");
    expect(new Headers(init?.headers).get("Content-Type")).toBe("application/json");
    expect(JSON.parse(String(init?.body))).toEqual(PARAMETERS);
  });

  it("throws ApiError with Retry-After on 409", async () => {
    mockFetch(
      jsonResponse(
        {
          type: "about:blank",
          title: "Conflict",
          status: 409,
          detail: `benchmark run ${RUN_ID} is still running; one run at a time is allowed.`,
          run_id: RUN_ID,
        },
        409,
        { "Retry-After": "10" },
      ),
    );
    const error = await startBenchmark(PARAMETERS).catch((caught: unknown) => caught);

    assert(error instanceof ApiError);
    expect(error.status).toBe(409);
    expect(error.retryAfterSeconds).toBe(10);
    const description = describeError(error);
    expect(description.headline).toBe("Conflict (HTTP 409)");
    expect(description.detail).toContain("still running");
    expect(description.detail).toContain("Try again in 10 s.");
  });

  it("throws ApiError with the wait on 429", async () => {
    mockFetch(
      jsonResponse({ type: "about:blank", title: "Too Many Requests", status: 429, detail: "10 per 1 hour" }, 429, {
        "Retry-After": "1800",
      }),
    );
    const error = await startBenchmark(PARAMETERS).catch((caught: unknown) => caught);

    assert(error instanceof ApiError);
    expect(describeError(error).headline).toBe("Rate limit reached: try again in 1800 s");
  });
});

describe("benchmark run reads", () => {
  it("lists runs with limit and offset", async () => {
    const fetchMock = mockFetch(jsonResponse({ items: [benchmarkRun()], total: 1, limit: 1, offset: 0 }));
    const page = await listBenchmarkRuns({ limit: 1, offset: 0 });

    expect(fetchMock).toHaveBeenCalledWith("/api/benchmark/runs?limit=1&offset=0", expect.anything());
    expect(page.total).toBe(1);
    expect(page.items[0]?.sync?.succeeded).toBe(10);
  });

  it("reads one run by id", async () => {
    const fetchMock = mockFetch(jsonResponse(benchmarkRun()));
    const run = await getBenchmarkRun(RUN_ID);

    expect(fetchMock).toHaveBeenCalledWith(`/api/benchmark/runs/${RUN_ID}`, expect.anything());
    expect(run.async?.callbacks_received).toBe(10);
  });

  it("throws ApiError for an unknown run", async () => {
    mockFetch(jsonResponse({ type: "about:blank", title: "Not Found", status: 404, detail: "run not found" }, 404));
    await expect(getBenchmarkRun("missing")).rejects.toBeInstanceOf(ApiError);
  });
});
