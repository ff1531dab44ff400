import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { deleteRequest, getCallbackLogs, getRequest, retryCallback } from "../api/client";
import { ApiError } from "../api/problem";
import type { RequestDetail } from "../api/types";
import { formatDateTime, formatDuration, formatTime } from "../lib/format";
import { CallbackTimeline } from "./CallbackTimeline";
import { ErrorMessage } from "./ErrorMessage";
import { ResultSummary } from "./ResultSummary";
import { ModeBadge, StatusBadge } from "./StatusBadge";

const BUTTON =
  "rounded-md border px-3 py-1.5 text-sm font-medium focus:outline-none focus:ring-2 focus:ring-indigo-500 disabled:cursor-not-allowed disabled:opacity-50";

/** Pretty-prints a payload, writing a long seed (kept as a string by parseJson) as the number it is. */
function formatPayload(payload: Record<string, unknown>): string {
  return JSON.stringify(payload, null, 2).replace(/"seed": "(\d+)"/, '"seed": $1');
}

function isActive(request: RequestDetail | undefined): boolean {
  if (!request) {
    return true;
  }
  return request.status === "PENDING" || request.status === "PROCESSING" || request.callback_status === "PENDING";
}

export interface RequestDetailPanelProps {
  requestId: string;
  onClose: () => void;
  /** Called after a successful DELETE, so the parent stops polling the request and closes the panel. */
  onDeleted: (requestId: string) => void;
}

/** Shows one request (input, result, download link, callback timeline) with delete and redeliver buttons. */
export function RequestDetailPanel({ requestId, onClose, onDeleted }: RequestDetailPanelProps) {
  const queryClient = useQueryClient();
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const sectionRef = useRef<HTMLElement>(null);

  // On a phone the panel opens below the table, out of view.
  useEffect(() => {
    sectionRef.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, []);

  const request = useQuery({
    queryKey: ["request", requestId],
    queryFn: () => getRequest(requestId),
    refetchInterval: (query) => (isActive(query.state.data) ? 1000 : 5000),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
  const isAsync = request.data?.mode === "async";
  const logs = useQuery({
    queryKey: ["callback-logs", requestId],
    queryFn: () => getCallbackLogs(requestId),
    enabled: isAsync,
    refetchInterval: isActive(request.data) ? 1000 : 5000,
  });

  const remove = useMutation({
    mutationFn: () => deleteRequest(requestId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["requests"] });
      onDeleted(requestId);
    },
  });
  const redeliver = useMutation({
    mutationFn: () => retryCallback(requestId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["request", requestId] });
      void queryClient.invalidateQueries({ queryKey: ["callback-logs", requestId] });
      void queryClient.invalidateQueries({ queryKey: ["requests"] });
    },
  });

  const data = request.data;

  return (
    <section
      ref={sectionRef}
      aria-labelledby="detail-title"
      data-testid="detail-panel"
      className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex items-start justify-between gap-2">
        <h2 id="detail-title" className="text-lg font-semibold">
          Request detail
        </h2>
        <button type="button" onClick={onClose} className={`${BUTTON} border-slate-300 bg-white hover:bg-slate-100`}>
          Close
        </button>
      </div>

      {request.isError ? <ErrorMessage error={request.error} label={`Could not load request ${requestId}.`} /> : null}
      {!data && request.isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}

      {data ? (
        <>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-600">Id</dt>
            <dd className="break-all font-mono text-xs" data-testid="detail-request-id">
              {data.id}
            </dd>
            <dt className="text-slate-600">Mode</dt>
            <dd>
              <ModeBadge mode={data.mode} />
            </dd>
            <dt className="text-slate-600">Status</dt>
            <dd>
              <StatusBadge status={data.status} />
            </dd>
            <dt className="text-slate-600">Created</dt>
            <dd>{formatDateTime(data.created_at)}</dd>
            <dt className="text-slate-600">Started</dt>
            <dd>{formatDateTime(data.started_at)}</dd>
            <dt className="text-slate-600">Completed</dt>
            <dd>{formatDateTime(data.completed_at)}</dd>
            <dt className="text-slate-600">Duration</dt>
            <dd>{formatDuration(data.duration_ms)}</dd>
          </dl>

          <div className="flex flex-col gap-1">
            <h3 className="text-sm font-semibold">Input</h3>
            <pre className="overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
              {formatPayload(data.input_payload)}
            </pre>
          </div>

          {data.error ? (
            <p role="alert" className="rounded-md bg-rose-50 p-2 text-sm text-rose-900">
              Report failed: {data.error}
            </p>
          ) : null}
          {data.result ? (
            <div className="flex flex-col gap-1">
              <h3 className="text-sm font-semibold">Result</h3>
              <ResultSummary result={data.result} />
            </div>
          ) : null}

          {data.mode === "async" ? (
            <div className="flex flex-col gap-2">
              <h3 className="text-sm font-semibold">Webhook</h3>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
                <dt className="text-slate-600">Callback URL</dt>
                <dd className="wrap-anywhere font-mono text-xs">{data.callback_url}</dd>
                <dt className="text-slate-600">Callback status</dt>
                <dd>
                  <StatusBadge status={data.callback_status} /> after {data.callback_attempts} attempt
                  {data.callback_attempts === 1 ? "" : "s"}
                </dd>
                <dt className="text-slate-600">webhook-id</dt>
                <dd className="break-all font-mono text-xs">{data.webhook_id ?? "–"}</dd>
                {data.callback_next_attempt_at ? (
                  <>
                    <dt className="text-slate-600">Next attempt</dt>
                    <dd>{formatTime(data.callback_next_attempt_at)}</dd>
                  </>
                ) : null}
              </dl>
              {logs.isError ? <ErrorMessage error={logs.error} label="Could not load the callback attempts." /> : null}
              {logs.data ? <CallbackTimeline entries={logs.data} /> : null}
              {data.callback_status === "FAILED" ? (
                <button
                  type="button"
                  onClick={() => redeliver.mutate()}
                  disabled={redeliver.isPending}
                  className={`${BUTTON} self-start border-indigo-300 bg-indigo-50 text-indigo-900 hover:bg-indigo-100`}
                >
                  {redeliver.isPending ? "Scheduling redelivery…" : "Redeliver webhook"}
                </button>
              ) : null}
              {redeliver.isError ? <ErrorMessage error={redeliver.error} label="Redelivery failed." /> : null}
              {redeliver.isSuccess ? (
                <p role="status" className="text-sm text-emerald-800">
                  Redelivery scheduled for {formatTime(redeliver.data.callback_next_attempt_at)}.
                </p>
              ) : null}
            </div>
          ) : null}

          <div className="flex flex-wrap items-center gap-2 border-t border-slate-100 pt-3">
            {confirmingDelete ? (
              <>
                <span className="text-sm">Delete this request, its attempts and its CSV?</span>
                <button
                  type="button"
                  onClick={() => remove.mutate()}
                  disabled={remove.isPending}
                  className={`${BUTTON} border-rose-600 bg-rose-600 text-white hover:bg-rose-700`}
                >
                  {remove.isPending ? "Deleting…" : "Confirm delete"}
                </button>
                <button
                  type="button"
                  onClick={() => setConfirmingDelete(false)}
                  className={`${BUTTON} border-slate-300 bg-white hover:bg-slate-100`}
                >
                  Cancel
                </button>
              </>
            ) : (
              <button
                type="button"
                onClick={() => setConfirmingDelete(true)}
                className={`${BUTTON} border-rose-300 bg-white text-rose-800 hover:bg-rose-50`}
              >
                Delete request
              </button>
            )}
          </div>
          {remove.isError ? <ErrorMessage error={remove.error} label="Delete failed." /> : null}
        </>
      ) : null}
    </section>
  );
}
