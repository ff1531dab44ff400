import type { ReactNode } from "react";
import type { AsyncModeFigures, BenchmarkRunDetail, LatencySummary, ModeFigures } from "../api/types";

/** Formats failed_by_status as "503: 2, timeout: 1", or "none". */
export function formatFailedByStatus(failedByStatus: Record<string, number>): string {
  const entries = Object.entries(failedByStatus).filter(([, count]) => count > 0);
  if (entries.length === 0) {
    return "none";
  }
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(", ");
}

function formatNumber(value: number | null | undefined, digits: number, unit = ""): string {
  if (value == null) {
    return "–";
  }
  return `${value.toFixed(digits)}${unit}`;
}

function formatPercentile(summary: LatencySummary | null | undefined, key: keyof LatencySummary): string {
  return formatNumber(summary?.[key], 1, " ms");
}

interface FigureRow {
  label: string;
  testId: string;
  sync: ReactNode;
  async: ReactNode;
}

function modeRows(sync: ModeFigures | null, async: AsyncModeFigures | null): FigureRow[] {
  const percentiles = (["p50", "p95", "p99", "max"] as const).map((key) => ({
    label: `Response ${key}`,
    testId: `response-${key}`,
    sync: formatPercentile(sync?.latency_ms, key),
    async: formatPercentile(async?.latency_ms, key),
  }));
  return [
    {
      label: "Sent / planned",
      testId: "sent",
      sync: sync ? `${sync.sent} / ${sync.planned}` : "–",
      async: async ? `${async.sent} / ${async.planned}` : "–",
    },
    { label: "Succeeded", testId: "succeeded", sync: sync?.succeeded ?? "–", async: async?.succeeded ?? "–" },
    {
      label: "Failed by status",
      testId: "failed",
      sync: sync ? `${sync.failed} (${formatFailedByStatus(sync.failed_by_status)})` : "–",
      async: async ? `${async.failed} (${formatFailedByStatus(async.failed_by_status)})` : "–",
    },
    {
      label: "Not sent (deadline)",
      testId: "not-sent",
      sync: sync ? `${sync.not_sent}${sync.stopped_by_deadline ? ", stopped by the deadline" : ""}` : "–",
      async: async ? `${async.not_sent}${async.stopped_by_deadline ? ", stopped by the deadline" : ""}` : "–",
    },
    {
      label: "Wall time",
      testId: "wall",
      sync: formatNumber(sync?.wall_seconds, 2, " s"),
      async: formatNumber(async?.wall_seconds, 2, " s"),
    },
    {
      label: "Throughput",
      testId: "throughput",
      sync: formatNumber(sync?.throughput_per_second, 1, " /s"),
      async: formatNumber(async?.throughput_per_second, 1, " /s"),
    },
    ...percentiles,
  ];
}

function asyncOnlyRows(async: AsyncModeFigures | null): FigureRow[] {
  const completion = (["p50", "p95", "p99", "max"] as const).map((key) => ({
    label: `Completion ${key}`,
    testId: `completion-${key}`,
    sync: "",
    async: formatPercentile(async?.completion_ms, key),
  }));
  return [
    {
      label: "Callbacks received",
      testId: "callbacks",
      sync: "",
      async: async ? `${async.callbacks_received} (${async.callbacks_missing} missing)` : "–",
    },
    ...completion,
    {
      label: "Completion wall time",
      testId: "completion-wall",
      sync: "",
      async: formatNumber(async?.completion_wall_seconds, 2, " s"),
    },
    {
      label: "Completed per second",
      testId: "completed-rate",
      sync: "",
      async: formatNumber(async?.completed_per_second, 1, " /s"),
    },
  ];
}

/** Shows one run's figures as a table with a row per measure and a column per mode. */
export function BenchmarkFigures({ run }: { run: BenchmarkRunDetail }) {
  const rows = [...modeRows(run.sync, run.async), ...asyncOnlyRows(run.async)];
  return (
    <div className="min-w-0 overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="benchmark-figures">
        <caption className="sr-only">Figures of benchmark run {run.id}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase text-slate-600">
            <th scope="col" className="py-1.5 pr-3 font-medium">
              Measure
            </th>
            <th scope="col" className="py-1.5 pr-3 font-medium">
              Sync
            </th>
            <th scope="col" className="py-1.5 font-medium">
              Async
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.testId} className="border-b border-slate-100 last:border-0">
              <th scope="row" className="py-1 pr-3 font-normal text-slate-600">
                {row.label}
              </th>
              <td className="py-1 pr-3 tabular-nums" data-testid={`figure-${row.testId}-sync`}>
                {row.sync}
              </td>
              <td className="py-1 tabular-nums" data-testid={`figure-${row.testId}-async`}>
                {row.async}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
