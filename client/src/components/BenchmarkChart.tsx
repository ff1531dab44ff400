import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { BenchmarkRunDetail, LatencySummary } from "../api/types";

const PERCENTILES = ["p50", "p95", "p99", "max"] as const satisfies readonly (keyof LatencySummary)[];

/** One bar group of the chart: a percentile and each series' value in milliseconds. */
export interface LatencyChartRow {
  percentile: (typeof PERCENTILES)[number];
  syncResponse: number | null;
  asyncResponse: number | null;
  asyncCompletion: number | null;
}

const SERIES = [
  { key: "syncResponse", name: "Sync response", color: "#0369a1" },
  { key: "asyncResponse", name: "Async response (202)", color: "#7c3aed" },
  { key: "asyncCompletion", name: "Async completion (callback)", color: "#d97706" },
] as const;

/** Builds the chart rows, one per percentile. A mode without successful requests gives null values. */
export function buildLatencyChartRows(run: BenchmarkRunDetail): LatencyChartRow[] {
  return PERCENTILES.map((percentile) => ({
    percentile,
    syncResponse: run.sync?.latency_ms?.[percentile] ?? null,
    asyncResponse: run.async?.latency_ms?.[percentile] ?? null,
    asyncCompletion: run.async?.completion_ms?.[percentile] ?? null,
  }));
}

function formatMs(value: unknown): string {
  return typeof value === "number" ? `${value.toFixed(1)} ms` : "–";
}

/** Draws grouped bars of the response latency of both modes and the async time to completion. */
export function BenchmarkChart({ run }: { run: BenchmarkRunDetail }) {
  const rows = buildLatencyChartRows(run);
  const hasData = rows.some((row) => row.syncResponse !== null || row.asyncResponse !== null);
  if (!hasData) {
    return <p className="text-sm text-slate-600">This run has no latency figures to chart.</p>;
  }
  return (
    <figure className="min-w-0" data-testid="benchmark-chart">
      <figcaption className="mb-2 text-sm font-medium">
        Latency percentiles in milliseconds: response of each mode, and async time to completion
      </figcaption>
      <BarChart
        responsive
        data={rows}
        style={{ width: "100%", height: 280 }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        accessibilityLayer
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="percentile" tick={{ fontSize: 12 }} />
        <YAxis unit=" ms" width={64} tick={{ fontSize: 12 }} />
        <Tooltip formatter={(value) => formatMs(value)} />
        {/* Without itemSorter={null} the legend sorts the series by name instead of keeping SERIES order. */}
        <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} />
        {SERIES.map((series) => (
          <Bar
            key={series.key}
            dataKey={series.key}
            name={series.name}
            fill={series.color}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </figure>
  );
}
