import { useQuery } from "@tanstack/react-query";
import { getHealth } from "../api/client";
import { formatUptime } from "../lib/format";

const DOT_STYLES = {
  unknown: "bg-slate-300",
  up: "bg-emerald-500",
  down: "bg-rose-500",
} as const;

function Dot({ ok, label, detail }: { ok: boolean | null; label: string; detail: string }) {
  let state: keyof typeof DOT_STYLES = "unknown";
  if (ok !== null) {
    state = ok ? "up" : "down";
  }
  const color = DOT_STYLES[state];
  return (
    <li className="flex items-center gap-1.5" title={detail}>
      <span aria-hidden="true" className={`inline-block h-2.5 w-2.5 rounded-full ${color}`} />
      <span className="font-medium">{label}</span>
      <span className="sr-only">{state}</span>
      <span className="text-slate-600">{detail}</span>
    </li>
  );
}

/** Shows the API, database and worker state from GET /api/health, refreshed every 5 s. */
export function HealthIndicator() {
  const health = useQuery({ queryKey: ["health"], queryFn: getHealth, refetchInterval: 5000, retry: false });

  let api: { ok: boolean | null; detail: string } = { ok: null, detail: "checking…" };
  let database: { ok: boolean | null; detail: string } = { ok: null, detail: "–" };
  let worker: { ok: boolean | null; detail: string } = { ok: null, detail: "–" };

  if (health.data) {
    const data = health.data;
    api = { ok: data.status === "ok", detail: `v${data.version}, up ${formatUptime(data.uptime_seconds)}` };
    database = {
      ok: data.database.ok,
      detail: data.database.ok
        ? `${data.database.dialect}, ${data.database.latency_ms?.toFixed(1) ?? "?"} ms`
        : (data.database.error ?? "unavailable"),
    };
    worker = {
      ok: data.worker.threads > 0,
      detail: `${data.worker.busy}/${data.worker.threads} busy, ${data.worker.queued} queued`,
    };
  } else if (health.isError) {
    api = { ok: false, detail: "unreachable" };
  }

  return (
    <section aria-label="Service health" className="text-xs">
      <ul className="flex flex-wrap gap-x-4 gap-y-1">
        <Dot ok={api.ok} label="API" detail={api.detail} />
        <Dot ok={database.ok} label="Database" detail={database.detail} />
        <Dot ok={worker.ok} label="Worker" detail={worker.detail} />
      </ul>
    </section>
  );
}
