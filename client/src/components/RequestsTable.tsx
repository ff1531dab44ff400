import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { listRequests } from "../api/client";
import { REQUEST_MODES, REQUEST_STATUSES, type RequestMode, type RequestStatus } from "../api/types";
import { formatDateTime, formatDuration, shortId } from "../lib/format";
import { ErrorMessage } from "./ErrorMessage";
import { ModeBadge, StatusBadge } from "./StatusBadge";

const PAGE_SIZES = [10, 25, 50] as const;
const SELECT_CLASS =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-indigo-500";
const PAGER_BUTTON =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-sm hover:bg-slate-100 focus:outline-none focus:ring-2 focus:ring-indigo-500 disabled:cursor-not-allowed disabled:opacity-50";

export interface RequestsTableProps {
  selectedId: string | null;
  onSelect: (requestId: string) => void;
}

/** Lists GET /api/requests newest first, refreshed every 2 s, with filters and pagination. */
export function RequestsTable({ selectedId, onSelect }: RequestsTableProps) {
  const [mode, setMode] = useState<RequestMode | "">("");
  const [status, setStatus] = useState<RequestStatus | "">("");
  const [limit, setLimit] = useState<number>(10);
  const [offset, setOffset] = useState(0);
  const modeId = useId();
  const statusId = useId();
  const limitId = useId();

  const query = { limit, offset, mode: mode || undefined, status: status || undefined };
  const page = useQuery({
    queryKey: ["requests", query],
    queryFn: () => listRequests(query),
    refetchInterval: 2000,
    placeholderData: keepPreviousData,
  });

  const total = page.data?.total ?? 0;
  // Deleting rows can leave the current page past the end: go back to the last page.
  useEffect(() => {
    if (offset > 0 && offset >= total && page.isSuccess) {
      setOffset(Math.max(0, Math.floor((total - 1) / limit) * limit));
    }
  }, [offset, total, limit, page.isSuccess]);

  const items = page.data?.items ?? [];
  const first = total === 0 ? 0 : offset + 1;
  const last = offset + items.length;

  return (
    <section aria-labelledby="requests-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="requests-title" className="text-lg font-semibold">
          Requests
        </h2>
        <div className="flex flex-wrap gap-3">
          <div className="flex flex-col gap-0.5">
            <label htmlFor={modeId} className="text-xs font-medium text-slate-700">
              Mode
            </label>
            <select
              id={modeId}
              value={mode}
              onChange={(event) => {
                setMode(event.target.value as RequestMode | "");
                setOffset(0);
              }}
              className={SELECT_CLASS}
            >
              <option value="">All</option>
              {REQUEST_MODES.map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-0.5">
            <label htmlFor={statusId} className="text-xs font-medium text-slate-700">
              Status
            </label>
            <select
              id={statusId}
              value={status}
              onChange={(event) => {
                setStatus(event.target.value as RequestStatus | "");
                setOffset(0);
              }}
              className={SELECT_CLASS}
            >
              <option value="">All</option>
              {REQUEST_STATUSES.map((item) => (
                <option key={item} value={item}>
                  {item}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-0.5">
            <label htmlFor={limitId} className="text-xs font-medium text-slate-700">
              Per page
            </label>
            <select
              id={limitId}
              value={limit}
              onChange={(event) => {
                setLimit(Number(event.target.value));
                setOffset(0);
              }}
              className={SELECT_CLASS}
            >
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>

      {page.isError ? <ErrorMessage error={page.error} label="Could not load the requests." /> : null}

      <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
        <table className="w-full min-w-[640px] text-left text-sm">
          <caption className="sr-only">Report requests, newest first. Select a row to see its detail.</caption>
          <thead className="bg-slate-50 text-xs text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Request
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Mode
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Created
              </th>
              <th scope="col" className="px-3 py-2 text-right font-medium">
                Duration
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Callback
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const selected = item.id === selectedId;
              return (
                <tr
                  key={item.id}
                  data-request-id={item.id}
                  className={`border-t border-slate-100 ${selected ? "bg-indigo-50" : "hover:bg-slate-50"}`}
                >
                  <td className="px-3 py-1.5">
                    <button
                      type="button"
                      onClick={() => onSelect(item.id)}
                      aria-pressed={selected}
                      aria-label={`Show request ${item.id}`}
                      className="font-mono text-xs text-indigo-700 underline hover:text-indigo-900 focus:outline-none focus:ring-2 focus:ring-indigo-500"
                    >
                      {shortId(item.id)}
                    </button>
                  </td>
                  <td className="px-3 py-1.5">
                    <ModeBadge mode={item.mode} />
                  </td>
                  <td className="px-3 py-1.5">
                    <StatusBadge status={item.status} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-1.5 text-xs">{formatDateTime(item.created_at)}</td>
                  <td className="whitespace-nowrap px-3 py-1.5 text-right text-xs">{formatDuration(item.duration_ms)}</td>
                  <td className="whitespace-nowrap px-3 py-1.5 text-xs">
                    <StatusBadge status={item.callback_status} />
                    {item.mode === "async" && item.callback_attempts > 0 ? (
                      <span className="ml-1 text-slate-600">×{item.callback_attempts}</span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
            {items.length === 0 && !page.isPending ? (
              <tr>
                <td colSpan={6} className="px-3 py-4 text-center text-slate-500">
                  No requests match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      <nav aria-label="Requests pages" className="flex items-center justify-between gap-2 text-sm">
        <span aria-live="polite">
          {first}–{last} of {total}
        </span>
        <div className="flex gap-2">
          <button
            type="button"
            className={PAGER_BUTTON}
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - limit))}
          >
            Previous
          </button>
          <button
            type="button"
            className={PAGER_BUTTON}
            disabled={offset + limit >= total}
            onClick={() => setOffset(offset + limit)}
          >
            Next
          </button>
        </div>
      </nav>
    </section>
  );
}
