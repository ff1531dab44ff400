// The API does not run in unit tests, so global fetch is mocked with the benchmark routes.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BenchmarkRunDetail } from "../api/types";
import { RUN_ID, benchmarkRun, syncFigures } from "../test/benchmarkFixtures";
import { jsonResponse } from "../test/fixtures";
import { renderWithQueryClient } from "../test/render";
import { BenchmarkPanel } from "./BenchmarkPanel";

const OLDER_ID = "11111111-2222-4333-8444-555555555555";

interface FakeApi {
  runs: BenchmarkRunDetail[];
  /** Response to POST /api/benchmark/both, or a promise that the test settles. */
  startResponse: () => Response | Promise<Response>;
}

function stubApi(api: FakeApi) {
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    if (url === "/api/benchmark/both" && init?.method === "POST") {
      return api.startResponse();
    }
    if (url.startsWith("/api/benchmark/runs?")) {
      return jsonResponse({ items: api.runs, total: api.runs.length, limit: 10, offset: 0 });
    }
    return jsonResponse({ type: "about:blank", title: "Not Found", status: 404, detail: url }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("BenchmarkPanel", () => {
  it("lists past runs and shows the selected one", async () => {
    const older = benchmarkRun({
      id: OLDER_ID,
      started_at: "2024-12-31T10:00:00.000Z",
      sync: syncFigures({ succeeded: 8, throughput_per_second: 11.5 }),
    });
    stubApi({ runs: [benchmarkRun(), older], startResponse: () => jsonResponse(benchmarkRun()) });
    const user = userEvent.setup();
    renderWithQueryClient(<BenchmarkPanel />);

    const table = await screen.findByTestId("benchmark-runs");
    expect(within(table).getAllByRole("button", { name: /^Show benchmark run / })).toHaveLength(2);
    expect(within(table).getByText("23.8")).toBeInTheDocument();
    expect(within(table).getByText("11.5")).toBeInTheDocument();
    expect(screen.getByTestId("benchmark-result")).toHaveAttribute("data-run-id", RUN_ID);

    await user.click(screen.getByRole("button", { name: `Show benchmark run ${OLDER_ID}` }));
    expect(screen.getByTestId("benchmark-result")).toHaveAttribute("data-run-id", OLDER_ID);
    expect(screen.getByTestId("figure-succeeded-sync")).toHaveTextContent("8");
    expect(screen.getByRole("button", { name: `Show benchmark run ${OLDER_ID}` })).toHaveAttribute("aria-pressed", "true");
  });

  it("shows progress while running, then the figures", async () => {
    const api: FakeApi = { runs: [], startResponse: () => jsonResponse(benchmarkRun()) };
    let finish: (response: Response) => void = () => undefined;
    api.startResponse = () =>
      new Promise<Response>((resolve) => {
        finish = resolve;
      });
    const fetchMock = stubApi(api);
    const user = userEvent.setup();
    renderWithQueryClient(<BenchmarkPanel />);
    await screen.findByText("No benchmark runs yet.");

    api.runs = [
      benchmarkRun({
        status: "RUNNING",
        sync: null,
        async: null,
        finished_at: null,
        started_at: new Date(Date.now() - 2000).toISOString(),
        deadline_at: new Date(Date.now() + 298_000).toISOString(),
      }),
    ];
    await user.click(screen.getByRole("button", { name: "Start benchmark" }));

    const progress = await screen.findByTestId("benchmark-progress");
    expect(screen.getByRole("button", { name: "Benchmark running…" })).toBeDisabled();
    await waitFor(() => expect(within(progress).getByText(/Benchmark running \(run 7d1c2b3a\)/)).toBeInTheDocument(), {
      timeout: 3000,
    });
    expect(within(progress).getByTestId("benchmark-elapsed")).toHaveTextContent(/elapsed of at most 5 min 0 s/);
    expect(JSON.parse(String(fetchMock.mock.calls.find(([url]) => url === "/api/benchmark/both")?.[1]?.body))).toEqual({
      num_requests: 20,
      concurrency: 5,
      num_transactions: 100,
      simulated_delay_ms: 100,
    });

    api.runs = [benchmarkRun()];
    finish(jsonResponse(benchmarkRun()));

    await waitFor(() => expect(screen.queryByTestId("benchmark-progress")).not.toBeInTheDocument());
    expect(screen.getByTestId("figure-succeeded-sync")).toHaveTextContent("10");
    expect(screen.getByTestId("figure-succeeded-async")).toHaveTextContent("10");
    expect(screen.getByRole("button", { name: "Start benchmark" })).toBeEnabled();
  });

  it("shows a 409 in plain words", async () => {
    stubApi({
      runs: [],
      startResponse: () =>
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
    });
    const user = userEvent.setup();
    renderWithQueryClient(<BenchmarkPanel />);
    await screen.findByText("No benchmark runs yet.");

    await user.click(screen.getByRole("button", { name: "Start benchmark" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Conflict (HTTP 409)");
    expect(alert).toHaveTextContent("is still running");
    expect(alert).toHaveTextContent("Try again in 10 s.");
  });

  it("shows the 429 wait", async () => {
    stubApi({
      runs: [],
      startResponse: () =>
        jsonResponse({ type: "about:blank", title: "Too Many Requests", status: 429, detail: "10 per 1 hour" }, 429, {
          "Retry-After": "1200",
        }),
    });
    const user = userEvent.setup();
    renderWithQueryClient(<BenchmarkPanel />);
    await screen.findByText("No benchmark runs yet.");

    await user.click(screen.getByRole("button", { name: "Start benchmark" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Rate limit reached: try again in 1200 s");
  });

  it("lists 422 field errors", async () => {
    stubApi({
      runs: [],
      startResponse: () =>
        jsonResponse(
          {
            type: "about:blank",
            title: "Unprocessable Content",
            status: 422,
            detail: "body.concurrency: Input should be less than or equal to 100",
            errors: [
              {
                location: "body.concurrency",
                message: "Input should be less than or equal to 100",
                type: "less_than_equal",
                value: 101,
              },
            ],
          },
          422,
        ),
    });
    const user = userEvent.setup();
    renderWithQueryClient(<BenchmarkPanel />);
    await screen.findByText("No benchmark runs yet.");

    await user.click(screen.getByRole("button", { name: "Start benchmark" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Unprocessable Content (HTTP 422)");
    expect(within(alert).getByRole("listitem")).toHaveTextContent("concurrency: Input should be less than or equal to 100");
  });

  it("shows a failed run's error", async () => {
    stubApi({
      runs: [benchmarkRun({ status: "FAILED", sync: null, async: null, error: "the load generator did not finish within 315 s" })],
      startResponse: () => jsonResponse(benchmarkRun()),
    });
    renderWithQueryClient(<BenchmarkPanel />);

    const result = await screen.findByTestId("benchmark-result");
    expect(result).toHaveTextContent("FAILED");
    expect(result).toHaveTextContent("Error: the load generator did not finish within 315 s");
    expect(screen.getByText("This run has no latency figures to chart.")).toBeInTheDocument();
  });
});
