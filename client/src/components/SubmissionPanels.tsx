import { useQuery } from "@tanstack/react-query";
import { getRequest, type SubmitOutcome } from "../api/client";
import type { DuplicateRequestResponse, RequestDetail } from "../api/types";
import { formatDuration, formatTime } from "../lib/format";
import { useElapsedMs } from "../lib/useElapsedMs";
import { ErrorMessage } from "./ErrorMessage";
import { ResultSummary } from "./ResultSummary";
import { StatusBadge } from "./StatusBadge";

export interface SubmissionState {
  pending: boolean;
  /** performance.now() when the request was sent. */
  startedAt: number | null;
  outcome: SubmitOutcome | undefined;
  error: unknown;
}

interface PanelProps {
  state: SubmissionState;
  onSelect: (requestId: string) => void;
}

interface AsyncPanelProps extends PanelProps {
  /** Requests deleted in this page, which are no longer polled. */
  deletedIds?: ReadonlySet<string>;
}

const LINK_BUTTON =
  "text-sm font-medium text-indigo-700 underline hover:text-indigo-900 focus:outline-none focus:ring-2 focus:ring-indigo-500";

/** Shows the original request that the API replayed for a repeated Idempotency-Key and body. */
export function DuplicateNotice({
  body,
  replayed,
  onSelect,
}: {
  body: DuplicateRequestResponse;
  replayed: boolean;
  onSelect: (requestId: string) => void;
}) {
  return (
    <div role="status" className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-semibold text-amber-900">Replayed duplicate: no new report was made.</p>
      <p>
        This Idempotency-Key was already used with the same body, so the API returned the original {body.mode} request
        {replayed ? " (header Idempotent-Replayed: true)" : ""}.
      </p>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1">
        <dt className="text-slate-600">Original request</dt>
        <dd className="break-all font-mono text-xs" data-testid="duplicate-request-id">
          {body.request_id}
        </dd>
        <dt className="text-slate-600">Its status</dt>
        <dd>
          <StatusBadge status={body.request_status} />
        </dd>
        <dt className="text-slate-600">Created</dt>
        <dd>{formatTime(body.created_at)}</dd>
      </dl>
      {body.error ? <p className="text-rose-800">Error: {body.error}</p> : null}
      {body.result ? <ResultSummary result={body.result} title="Stored result" /> : null}
      <button type="button" className={`${LINK_BUTTON} self-start`} onClick={() => onSelect(body.request_id)}>
        Show the original request
      </button>
    </div>
  );
}

function Placeholder({ text }: { text: string }) {
  return <p className="text-sm text-slate-500">{text}</p>;
}

/** Shows the last sync submission: a live wait while the connection is open, then the result. */
export function SyncSubmissionPanel({ state, onSelect }: PanelProps) {
  const elapsed = useElapsedMs(state.startedAt, state.pending);

  let content;
  if (state.pending) {
    content = (
      <div role="status" className="flex items-center gap-3 text-sm">
        <span
          aria-hidden="true"
          className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-violet-300 border-t-violet-700"
        />
        <span>
          Waiting on the open connection…{" "}
          <span className="font-mono font-semibold" data-testid="sync-elapsed">
            {(elapsed / 1000).toFixed(1)} s
          </span>
        </span>
      </div>
    );
  } else if (state.error) {
    content = <ErrorMessage error={state.error} label="The sync request failed." />;
  } else if (state.outcome?.kind === "duplicate") {
    content = (
      <DuplicateNotice body={state.outcome.body} replayed={state.outcome.replayed} onSelect={onSelect} />
    );
  } else if (state.outcome?.kind === "sync") {
    const { body, elapsedMs } = state.outcome;
    content = (
      <div className="flex flex-col gap-3">
        <p className="text-sm">
          <StatusBadge status={body.status} /> HTTP {state.outcome.httpStatus} after{" "}
          <span className="font-semibold" data-testid="sync-response-time">
            {formatDuration(elapsedMs)}
          </span>
          : the client waited the whole time.
        </p>
        <ResultSummary result={body.result} />
        <button type="button" className={`${LINK_BUTTON} self-start`} onClick={() => onSelect(body.request_id)}>
          Show request {body.request_id.slice(0, 8)} in detail
        </button>
      </div>
    );
  } else {
    content = <Placeholder text="Send a sync request to see the client wait for the report." />;
  }

  return (
    <section aria-labelledby="sync-panel-title" data-testid="sync-panel" className="flex flex-col gap-3">
      <h3 id="sync-panel-title" className="text-base font-semibold">
        Sync: POST /api/sync
      </h3>
      {content}
    </section>
  );
}

function isSettled(request: RequestDetail | undefined): boolean {
  if (!request) {
    return false;
  }
  const jobDone = request.status === "COMPLETED" || request.status === "FAILED";
  return jobDone && request.callback_status !== "PENDING";
}

function offsetFrom(start: string, end: string | null): string {
  if (!end) {
    return "";
  }
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return Number.isFinite(ms) ? `+${formatDuration(ms)}` : "";
}

interface JobProgressProps {
  requestId: string;
  deleted: boolean;
  onSelect: (requestId: string) => void;
}

function JobProgress({ requestId, deleted, onSelect }: JobProgressProps) {
  const job = useQuery({
    queryKey: ["request", requestId],
    queryFn: () => getRequest(requestId),
    refetchInterval: (query) => (isSettled(query.state.data) ? false : 500),
    enabled: !deleted,
  });

  if (deleted) {
    return <p className="text-sm text-slate-600">Request {requestId} was deleted.</p>;
  }
  if (job.isError) {
    return <ErrorMessage error={job.error} label="Could not read the job state." />;
  }
  const request = job.data;
  if (!request) {
    return <Placeholder text="Reading the job state…" />;
  }

  const steps: { label: string; reached: boolean; time: string | null }[] = [
    { label: "Accepted (PENDING)", reached: true, time: request.created_at },
    { label: "Processing", reached: request.started_at !== null, time: request.started_at },
    {
      label: request.status === "FAILED" ? "Failed" : "Completed",
      reached: request.completed_at !== null,
      time: request.completed_at,
    },
  ];

  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="async-progress">
      <p>
        Job status: <StatusBadge status={request.status} /> · callback:{" "}
        <StatusBadge status={request.callback_status} /> after {request.callback_attempts} attempt
        {request.callback_attempts === 1 ? "" : "s"}
      </p>
      <ol className="flex flex-col gap-1 border-l-2 border-slate-200 pl-3">
        {steps.map((step) => (
          <li key={step.label} className={step.reached ? "text-slate-900" : "text-slate-400"}>
            <span aria-hidden="true">{step.reached ? "●" : "○"}</span> {step.label}
            {step.reached && step.time ? (
              <span className="ml-2 font-mono text-xs text-slate-600">
                {formatTime(step.time)} {offsetFrom(request.created_at, step.time)}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {request.error ? <p className="text-rose-800">Error: {request.error}</p> : null}
      {!isSettled(request) ? <p className="text-xs text-slate-500">Polling GET /api/requests/{"{id}"} every 0.5 s…</p> : null}
      <button type="button" className={`${LINK_BUTTON} self-start`} onClick={() => onSelect(request.id)}>
        Show request {request.id.slice(0, 8)} in detail
      </button>
    </div>
  );
}

/** Shows the last async submission: the 202 response time, then the job as it progresses. */
export function AsyncSubmissionPanel({ state, onSelect, deletedIds }: AsyncPanelProps) {
  let content;
  if (state.pending) {
    content = <Placeholder text="Sending…" />;
  } else if (state.error) {
    content = <ErrorMessage error={state.error} label="The async request failed." />;
  } else if (state.outcome?.kind === "duplicate") {
    content = (
      <DuplicateNotice body={state.outcome.body} replayed={state.outcome.replayed} onSelect={onSelect} />
    );
  } else if (state.outcome?.kind === "accepted") {
    const { body, elapsedMs, httpStatus } = state.outcome;
    content = (
      <div className="flex flex-col gap-3">
        <p className="text-sm" data-testid="async-accepted">
          <StatusBadge status={body.status} /> HTTP {httpStatus} Accepted after{" "}
          <span className="font-semibold" data-testid="async-response-time">
            {formatDuration(elapsedMs)}
          </span>
          : the client is free while the report is built.
        </p>
        <p className="wrap-anywhere font-mono text-xs text-slate-600">
          Request <span data-testid="async-request-id">{body.request_id}</span>, Location:{" "}
          {state.outcome.location ?? body.status_url}
        </p>
        <JobProgress
          requestId={body.request_id}
          deleted={deletedIds?.has(body.request_id) ?? false}
          onSelect={onSelect}
        />
      </div>
    );
  } else {
    content = <Placeholder text="Send an async request to see 202 Accepted, then the job and its webhook." />;
  }

  return (
    <section aria-labelledby="async-panel-title" data-testid="async-panel" className="flex flex-col gap-3">
      <h3 id="async-panel-title" className="text-base font-semibold">
        Async: POST /api/async
      </h3>
      {content}
    </section>
  );
}
