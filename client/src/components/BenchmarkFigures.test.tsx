import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { asyncFigures, benchmarkRun, syncFigures } from "../test/benchmarkFixtures";
import { BenchmarkChart, buildLatencyChartRows } from "./BenchmarkChart";
import { BenchmarkFigures, formatFailedByStatus } from "./BenchmarkFigures";

describe("formatFailedByStatus", () => {
  it("returns none without failures", () => {
    expect(formatFailedByStatus({})).toBe("none");
    expect(formatFailedByStatus({ "503": 0 })).toBe("none");
  });

  it("lists statuses in order", () => {
    expect(formatFailedByStatus({ timeout: 1, "503": 2 })).toBe("503: 2, timeout: 1");
  });
});

describe("BenchmarkFigures", () => {
  it("shows both modes' figures", () => {
    render(<BenchmarkFigures run={benchmarkRun()} />);

    expect(screen.getByTestId("figure-succeeded-sync")).toHaveTextContent("10");
    expect(screen.getByTestId("figure-succeeded-async")).toHaveTextContent("10");
    expect(screen.getByTestId("figure-sent-sync")).toHaveTextContent("10 / 10");
    expect(screen.getByTestId("figure-throughput-sync")).toHaveTextContent("23.8 /s");
    expect(screen.getByTestId("figure-wall-sync")).toHaveTextContent("0.42 s");
    expect(screen.getByTestId("figure-response-p95-sync")).toHaveTextContent("230.5 ms");
    expect(screen.getByTestId("figure-response-max-async")).toHaveTextContent("7.2 ms");
    expect(screen.getByTestId("figure-callbacks-async")).toHaveTextContent("10 (0 missing)");
    expect(screen.getByTestId("figure-completion-p99-async")).toHaveTextContent("270.0 ms");
    expect(screen.getByTestId("figure-completed-rate-async")).toHaveTextContent("32.3 /s");
  });

  it("shows failures by status and the deadline", () => {
    const run = benchmarkRun({
      sync: syncFigures({
        succeeded: 7,
        failed: 3,
        failed_by_status: { "503": 2, timeout: 1 },
        not_sent: 0,
      }),
      async: asyncFigures({ sent: 6, not_sent: 4, stopped_by_deadline: true, callbacks_missing: 2, callbacks_received: 4 }),
    });
    render(<BenchmarkFigures run={run} />);

    expect(screen.getByTestId("figure-failed-sync")).toHaveTextContent("3 (503: 2, timeout: 1)");
    expect(screen.getByTestId("figure-not-sent-async")).toHaveTextContent("4, stopped by the deadline");
    expect(screen.getByTestId("figure-callbacks-async")).toHaveTextContent("4 (2 missing)");
  });

  it("shows dashes for a run without figures", () => {
    render(<BenchmarkFigures run={benchmarkRun({ status: "FAILED", sync: null, async: null })} />);
    expect(screen.getByTestId("figure-succeeded-sync")).toHaveTextContent("–");
    expect(screen.getByTestId("figure-completion-p50-async")).toHaveTextContent("–");
  });
});

describe("buildLatencyChartRows", () => {
  it("returns one row per percentile", () => {
    expect(buildLatencyChartRows(benchmarkRun())).toEqual([
      { percentile: "p50", syncResponse: 180.2, asyncResponse: 4.1, asyncCompletion: 190 },
      { percentile: "p95", syncResponse: 230.5, asyncResponse: 6.3, asyncCompletion: 260 },
      { percentile: "p99", syncResponse: 240.1, asyncResponse: 7, asyncCompletion: 270 },
      { percentile: "max", syncResponse: 241, asyncResponse: 7.2, asyncCompletion: 275.5 },
    ]);
  });

  it("gives null for a mode without latency", () => {
    const rows = buildLatencyChartRows(benchmarkRun({ sync: syncFigures({ latency_ms: null }), async: null }));
    expect(rows[0]).toEqual({ percentile: "p50", syncResponse: null, asyncResponse: null, asyncCompletion: null });
  });
});

describe("BenchmarkChart", () => {
  it("renders a captioned figure", () => {
    render(<BenchmarkChart run={benchmarkRun()} />);
    expect(screen.getByTestId("benchmark-chart")).toHaveTextContent(/Latency percentiles in milliseconds/);
  });

  it("says so when there is nothing to chart", () => {
    render(<BenchmarkChart run={benchmarkRun({ sync: null, async: null })} />);
    expect(screen.getByText("This run has no latency figures to chart.")).toBeInTheDocument();
  });
});
