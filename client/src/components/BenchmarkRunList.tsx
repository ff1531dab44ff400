import type { BenchmarkRunDetail } from "../api/types";
import { formatDateTime } from "../lib/format";

const STATUS_CLASS: Record<BenchmarkRunDetail["status"], string> = {
  RUNNING: "bg-sky-100 text-sky-900",
  COMPLETED: "bg-emerald-100 text-emerald-900",
  FAILED: "bg-rose-100 text-rose-900",
};

function rate(value: number | undefined): string {
  return value === undefined ? "–" : value.toFixed(1);
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? "–" : value.toFixed(0);
}

export interface BenchmarkRunListProps {
  runs: BenchmarkRunDetail[];
  total: number;
  selectedId: string | null;
  onSelect: (runId: string) => void;
}

/** Lists past runs, newest first, with the throughput and p95 of each mode side by side for comparison. */
export function BenchmarkRunList({ runs, total, selectedId, onSelect }: BenchmarkRunListProps) {
  if (runs.length === 0) {
    return <p className="text-sm text-slate-600">No benchmark runs yet.</p>;
  }
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div className="min-w-0 overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="benchmark-runs">
          <caption className="sr-only">Past benchmark runs, newest first</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs uppercase text-slate-600">
              <th scope="col" className="py-1.5 pr-3 font-medium">
                Run
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Sync /s
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Async /s
              </th>
              <th scope="col" className="py-1.5 pr-3 text-right font-medium">
                Sync p95 (ms)
              </th>
              <th scope="col" className="py-1.5 text-right font-medium">
                Async p95 (ms)
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const selected = run.id === selectedId;
              return (
                <tr
                  key={run.id}
                  data-run-id={run.id}
                  className={`border-b border-slate-100 last:border-0 ${selected ? "bg-indigo-50" : ""}`}
                >
                  <td className="py-1.5 pr-3 align-top">
                    <button
                      type="button"
                      onClick={() => onSelect(run.id)}
                      aria-pressed={selected}
                      aria-label={`Show benchmark run ${run.id}`}
                      className="text-left font-medium text-indigo-700 underline hover:text-indigo-900 focus:outline-none focus:ring-2 focus:ring-indigo-500"
                    >
                      {formatDateTime(run.started_at)}
                    </button>
                    <div className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-slate-600">
                      <span className={`rounded px-1.5 py-0.5 font-semibold ${STATUS_CLASS[run.status]}`}>
                        {run.status}
                      </span>
                      <span className="tabular-nums">
                        {run.parameters.num_requests} requests × {run.parameters.concurrency},{" "}
                        {run.parameters.num_transactions} rows, {run.parameters.simulated_delay_ms} ms delay
                      </span>
                    </div>
                  </td>
                  <td className="py-1.5 pr-3 text-right align-top tabular-nums">{rate(run.sync?.throughput_per_second)}</td>
                  <td className="py-1.5 pr-3 text-right align-top tabular-nums">{rate(run.async?.throughput_per_second)}</td>
                  <td className="py-1.5 pr-3 text-right align-top tabular-nums">{milliseconds(run.sync?.latency_ms?.p95)}</td>
                  <td className="py-1.5 text-right align-top tabular-nums">{milliseconds(run.async?.latency_ms?.p95)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {total > runs.length ? (
        <p className="text-xs text-slate-600">
          The newest {runs.length} of {total} runs.
        </p>
      ) : null}
    </div>
  );
}
