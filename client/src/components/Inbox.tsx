import { useQuery } from "@tanstack/react-query";
import { getInbox } from "../api/client";
import type { InboxMessage } from "../api/types";
import { formatTime, shortId } from "../lib/format";
import { ErrorMessage } from "./ErrorMessage";

function SignatureBadge({ message }: { message: InboxMessage }) {
  if (message.signature_valid) {
    return (
      <span className="inline-flex rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900">
        Signature valid
      </span>
    );
  }
  return (
    <span
      className="inline-flex rounded-full bg-rose-100 px-2 py-0.5 text-xs font-semibold text-rose-900"
      title={message.signature_error ?? undefined}
    >
      Signature invalid
    </span>
  );
}

function ResponseStatus({ status }: { status: number }) {
  const ok = status >= 200 && status < 300;
  return (
    <span className={`font-mono text-xs font-semibold ${ok ? "text-emerald-800" : "text-rose-800"}`}>
      {status}
      {ok ? "" : " (failure)"}
    </span>
  );
}

export interface InboxProps {
  onSelect: (requestId: string) => void;
}

/** Lists every callback that the built-in inbox received (GET /api/webhooks/inbox), refreshed every 2 s. */
export function Inbox({ onSelect }: InboxProps) {
  const inbox = useQuery({ queryKey: ["inbox"], queryFn: getInbox, refetchInterval: 2000 });
  const items = inbox.data?.items ?? [];

  return (
    <section aria-labelledby="inbox-title" className="flex flex-col gap-3" data-testid="inbox">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="inbox-title" className="text-lg font-semibold">
          Webhook inbox
        </h2>
        <p className="text-xs text-slate-600">
          {inbox.data ? `${inbox.data.total} received` : ""} · the API posts async results here and the inbox verifies
          each signature
        </p>
      </div>
      {inbox.isError ? <ErrorMessage error={inbox.error} label="Could not load the inbox." /> : null}
      {items.length === 0 && inbox.isSuccess ? (
        <p className="text-sm text-slate-500">No callback received yet.</p>
      ) : null}
      <ul className="flex flex-col gap-2">
        {items.map((message) => (
          <li
            key={message.id}
            data-testid="inbox-message"
            data-request-id={message.request_id ?? ""}
            className="rounded-md border border-slate-200 bg-white p-2 text-sm"
          >
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span className="font-mono text-xs text-slate-600">{formatTime(message.received_at)}</span>
              {message.request_id ? (
                <button
                  type="button"
                  onClick={() => message.request_id && onSelect(message.request_id)}
                  aria-label={`Show request ${message.request_id}`}
                  className="font-mono text-xs text-indigo-700 underline hover:text-indigo-900 focus:outline-none focus:ring-2 focus:ring-indigo-500"
                >
                  {shortId(message.request_id)}
                </button>
              ) : (
                <span className="text-xs text-slate-500">no request id</span>
              )}
              <span className="text-xs">event: {message.event_status ?? "–"}</span>
              <SignatureBadge message={message} />
              <span className="text-xs">
                responded <ResponseStatus status={message.response_status} />
              </span>
            </div>
            {message.signature_error ? (
              <p className="mt-1 text-xs text-rose-800">Signature check: {message.signature_error}</p>
            ) : null}
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-600 focus:outline-none focus:ring-2 focus:ring-indigo-500">
                Body and webhook-id {message.webhook_id ?? ""}
              </summary>
              <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
                {JSON.stringify(message.body, null, 2)}
              </pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
