import type { CallbackLogEntry } from "../api/types";
import { formatDuration, formatTime } from "../lib/format";

/** Lists every webhook delivery attempt of one request, in order (GET /api/requests/{id}/callback-logs). */
export function CallbackTimeline({ entries }: { entries: CallbackLogEntry[] }) {
  if (entries.length === 0) {
    return <p className="text-sm text-slate-500">No delivery attempt yet.</p>;
  }
  return (
    <ol aria-label="Callback attempts" className="flex flex-col gap-2" data-testid="callback-timeline">
      {entries.map((entry) => (
        <li
          key={entry.id}
          data-testid="callback-attempt"
          className={`rounded-md border-l-4 bg-white p-2 text-sm shadow-sm ${
            entry.success ? "border-emerald-500" : "border-rose-500"
          }`}
        >
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
            <span className="font-semibold">Attempt {entry.attempt_number}</span>
            <span className="rounded bg-slate-100 px-1.5 text-xs">{entry.trigger}</span>
            <span className={entry.success ? "text-emerald-800" : "text-rose-800"}>
              {entry.status_code === null ? "no response" : `HTTP ${entry.status_code}`}
              {entry.success ? ", delivered" : ", failed"}
            </span>
            <span className="text-slate-600">{formatDuration(entry.response_time_ms)}</span>
            <span className="font-mono text-xs text-slate-600">{formatTime(entry.created_at)}</span>
          </div>
          {entry.error_message ? <p className="mt-1 break-words text-rose-800">{entry.error_message}</p> : null}
          {entry.response_excerpt ? (
            <p className="mt-1 wrap-anywhere font-mono text-xs text-slate-600">Response: {entry.response_excerpt}</p>
          ) : null}
          {entry.next_attempt_at ? (
            <p className="mt-1 text-xs text-slate-700">Next attempt due at {formatTime(entry.next_attempt_at)}</p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
