import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { listBenchmarkRuns, startBenchmark } from "../api/client";
import type { BenchmarkRunDetail } from "../api/types";
import { formatDateTime } from "../lib/format";
import { BenchmarkChart } from "./BenchmarkChart";
import { BenchmarkFigures } from "./BenchmarkFigures";
import { BenchmarkForm } from "./BenchmarkForm";
import { BenchmarkProgress } from "./BenchmarkProgress";
import { BenchmarkRunList } from "./BenchmarkRunList";
import { ErrorMessage } from "./ErrorMessage";

const RUN_LIST_LIMIT = 10;
const POLL_INTERVAL_MS = 1000;
export const BENCHMARK_RUNS_KEY = ["benchmark-runs", RUN_LIST_LIMIT] as const;

/** Picks the run to show: the selected one, else the newest run that has ended. */
function pickShownRun(
  runs: BenchmarkRunDetail[],
  selectedId: string | null,
  lastStarted: BenchmarkRunDetail | undefined,
): BenchmarkRunDetail | null {
  if (selectedId !== null) {
    return runs.find((run) => run.id === selectedId) ?? (lastStarted?.id === selectedId ? lastStarted : null);
  }
  return runs.find((run) => run.status !== "RUNNING") ?? null;
}

function RunResult({ run }: { run: BenchmarkRunDetail }) {
  const { parameters } = run;
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="benchmark-result" data-run-id={run.id}>
      <div className="text-sm">
        <p className="font-semibold">
          Run {run.id.slice(0, 8)}: {run.status}
        </p>
        <p className="text-slate-600">
          {parameters.num_requests} requests per mode, concurrency {parameters.concurrency},{" "}
          {parameters.num_transactions} transactions per report, {parameters.simulated_delay_ms} ms delay. Started{" "}
          {formatDateTime(run.started_at)}, finished {formatDateTime(run.finished_at)}.
        </p>
        {run.error ? <p className="mt-1 text-rose-800">Error: {run.error}</p> : null}
        {run.leftover_requests > 0 ? (
          <p className="mt-1 text-amber-800">
            {run.leftover_requests} report requests of this run were still processing and were not deleted.
          </p>
        ) : null}
      </div>
      <div className="grid min-w-0 grid-cols-1 gap-4 xl:grid-cols-2">
        <BenchmarkChart run={run} />
        <BenchmarkFigures run={run} />
      </div>
    </div>
  );
}

/** Runs POST /api/benchmark/both from a form, follows the active run and shows the figures of past runs. */
export function BenchmarkPanel() {
  const queryClient = useQueryClient();
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: startBenchmark,
    onSuccess: (run) => setSelectedId(run.id),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: BENCHMARK_RUNS_KEY });
    },
  });

  // The list is polled every second while this page waits for its own run or the newest stored run
  // is RUNNING. A run from another tab or client shows its progress when the list is loaded while
  // it runs, which includes the refetch after a 409.
  const runsQuery = useQuery({
    queryKey: BENCHMARK_RUNS_KEY,
    queryFn: () => listBenchmarkRuns({ limit: RUN_LIST_LIMIT, offset: 0 }),
    refetchInterval: (query) =>
      mutation.isPending || query.state.data?.items[0]?.status === "RUNNING" ? POLL_INTERVAL_MS : false,
  });

  const runs = runsQuery.data?.items ?? [];
  const newest = runs[0];
  const activeRun = newest?.status === "RUNNING" ? newest : null;
  const running = mutation.isPending || activeRun !== null;
  const shownRun = pickShownRun(runs, selectedId, mutation.data);

  return (
    <div className="flex min-w-0 flex-col gap-4">
      <div>
        <h2 id="benchmark-title" className="text-lg font-semibold">
          Benchmark: sync vs async
        </h2>
        <p className="text-sm text-slate-600">
          Sends the same load through POST /api/sync and then POST /api/async, and compares response latency,
          throughput and the async time to completion. One run at a time.
        </p>
      </div>

      <div className="grid min-w-0 grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <div className="flex min-w-0 flex-col gap-3">
          <BenchmarkForm onStart={(parameters) => mutation.mutate(parameters)} busy={running} />
          {mutation.isError ? (
            <ErrorMessage error={mutation.error} label="The benchmark run failed or did not start" />
          ) : null}
        </div>
        <div className="flex min-w-0 flex-col gap-3">
          {running ? <BenchmarkProgress run={activeRun} /> : null}
          {shownRun ? (
            <RunResult run={shownRun} />
          ) : running ? null : (
            <p className="text-sm text-slate-600">Start a run, or pick a past run below, to see its chart and figures.</p>
          )}
        </div>
      </div>

      <div className="flex min-w-0 flex-col gap-2">
        <h3 className="text-base font-semibold">Past runs</h3>
        {runsQuery.isError ? <ErrorMessage error={runsQuery.error} label="Could not load the benchmark runs" /> : null}
        {runsQuery.isPending ? <p className="text-sm text-slate-600">Loading runs…</p> : null}
        {runsQuery.data ? (
          <BenchmarkRunList
            runs={runs}
            total={runsQuery.data.total}
            selectedId={shownRun?.id ?? null}
            onSelect={setSelectedId}
          />
        ) : null}
      </div>
    </div>
  );
}
