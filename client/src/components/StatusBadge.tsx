import type { CallbackStatus, RequestStatus } from "../api/types";

const STYLES: Record<string, string> = {
  PENDING: "bg-amber-100 text-amber-900 ring-amber-300",
  PROCESSING: "bg-sky-100 text-sky-900 ring-sky-300",
  COMPLETED: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  SUCCESS: "bg-emerald-100 text-emerald-900 ring-emerald-300",
  FAILED: "bg-rose-100 text-rose-900 ring-rose-300",
};

export function StatusBadge({ status }: { status: RequestStatus | CallbackStatus | null }) {
  if (status === null) {
    return <span className="text-slate-400">–</span>;
  }
  const style = STYLES[status] ?? "bg-slate-100 text-slate-800 ring-slate-300";
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${style}`}>
      {status}
    </span>
  );
}

export function ModeBadge({ mode }: { mode: string }) {
  const style = mode === "sync" ? "bg-violet-100 text-violet-900" : "bg-teal-100 text-teal-900";
  return <span className={`inline-flex rounded px-1.5 py-0.5 font-mono text-xs ${style}`}>{mode}</span>;
}
