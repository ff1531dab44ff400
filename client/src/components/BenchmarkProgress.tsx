import { useEffect, useState } from "react";
import type { BenchmarkRunDetail } from "../api/types";
import { formatUptime } from "../lib/format";

/** Describes which phase of a RUNNING run is done, from the figures the API has stored so far. */
export function describePhase(run: BenchmarkRunDetail | null): string {
  if (run === null) {
    return "Starting the run: waiting for the API to register it.";
  }
  if (run.sync !== null && run.async === null) {
    return "Sync phase done, async running.";
  }
  if (run.sync !== null && run.async !== null) {
    return "Both phases done, cleaning up.";
  }
  // The API stores each mode's figures as soon as that mode finishes.
  return "Sync phase running; the async phase follows.";
}

/** Computes a run's elapsed and total seconds from its started_at and deadline_at, at the time `nowMs`. */
export function runTiming(run: BenchmarkRunDetail, nowMs: number): { elapsedSeconds: number; totalSeconds: number } {
  const started = Date.parse(run.started_at);
  const deadline = Date.parse(run.deadline_at);
  const totalSeconds = Math.max(0, (deadline - started) / 1000);
  const elapsedSeconds = Math.min(totalSeconds, Math.max(0, (nowMs - started) / 1000));
  return { elapsedSeconds, totalSeconds };
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Shows the active run's elapsed time against its deadline, and its phase. */
export function BenchmarkProgress({ run }: { run: BenchmarkRunDetail | null }) {
  const now = useNow(250);
  const timing = run ? runTiming(run, now) : null;
  const percent = timing && timing.totalSeconds > 0 ? (timing.elapsedSeconds / timing.totalSeconds) * 100 : 0;
  return (
    <div
      role="status"
      className="flex flex-col gap-2 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm"
      data-testid="benchmark-progress"
    >
      <p className="font-semibold text-sky-900">
        Benchmark running{run ? ` (run ${run.id.slice(0, 8)})` : ""}
      </p>
      <div
        role="progressbar"
        aria-label="Elapsed time against the run's deadline"
        aria-valuemin={0}
        aria-valuemax={timing ? Math.round(timing.totalSeconds) : undefined}
        aria-valuenow={timing ? Math.round(timing.elapsedSeconds) : undefined}
        className="h-2 w-full overflow-hidden rounded-full bg-sky-100"
      >
        <div className="h-full bg-sky-600 transition-[width]" style={{ width: `${percent.toFixed(1)}%` }} />
      </div>
      {timing ? (
        <p className="tabular-nums text-slate-700" data-testid="benchmark-elapsed">
          {formatUptime(timing.elapsedSeconds)} elapsed of at most {formatUptime(timing.totalSeconds)} (the run's
          deadline)
        </p>
      ) : null}
      <p data-testid="benchmark-phase">{describePhase(run)}</p>
    </div>
  );
}
