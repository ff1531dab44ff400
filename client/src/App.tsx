import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { submitReport, type SubmitInput } from "./api/client";
import type { RequestMode } from "./api/types";
import { BenchmarkPanel } from "./components/BenchmarkPanel";
import { HealthIndicator } from "./components/HealthIndicator";
import { Inbox } from "./components/Inbox";
import { RequestDetailPanel } from "./components/RequestDetailPanel";
import { RequestForm } from "./components/RequestForm";
import { RequestsTable } from "./components/RequestsTable";
import { AsyncSubmissionPanel, SyncSubmissionPanel, type SubmissionState } from "./components/SubmissionPanels";

interface Submission {
  input: SubmitInput;
  startedAt: number;
}

function useSubmission() {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (submission: Submission) => submitReport(submission.input),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ["requests"] });
    },
  });
  const state: SubmissionState = {
    pending: mutation.isPending,
    startedAt: mutation.variables?.startedAt ?? null,
    outcome: mutation.data,
    error: mutation.error,
  };
  return { mutation, state };
}

const CARD = "rounded-lg border border-slate-200 bg-white p-4 shadow-sm";

export function App() {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [deletedIds, setDeletedIds] = useState<ReadonlySet<string>>(() => new Set());
  const sync = useSubmission();
  const async = useSubmission();

  function submit(input: SubmitInput) {
    const target = input.mode === "sync" ? sync : async;
    target.mutation.mutate({ input, startedAt: performance.now() });
  }

  function handleDeleted(requestId: string) {
    setDeletedIds((current) => new Set(current).add(requestId));
    setSelectedId(null);
  }

  function isBusy(mode: RequestMode): boolean {
    return mode === "sync" ? sync.mutation.isPending : async.mutation.isPending;
  }

  return (
    <div className="mx-auto flex max-w-screen-2xl flex-col gap-4 p-3 sm:p-6">
      <header className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <h1 className="text-xl font-bold">Financial Report Generator</h1>
          <p className="text-sm text-slate-600">
            The same report, two ways: wait on the connection (sync), or get 202 Accepted and a signed webhook (async).
          </p>
        </div>
        <HealthIndicator />
      </header>

      <main className="flex flex-col gap-4">
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 lg:grid-cols-3">
          <section aria-labelledby="form-title" className={`${CARD} md:col-span-2 lg:col-span-1`}>
            <h2 id="form-title" className="mb-3 text-lg font-semibold">
              New report request
            </h2>
            <RequestForm onSubmit={submit} isBusy={isBusy} />
          </section>
          <div className={`${CARD} min-w-0`}>
            <SyncSubmissionPanel state={sync.state} onSelect={setSelectedId} />
          </div>
          <div className={`${CARD} min-w-0`}>
            <AsyncSubmissionPanel state={async.state} onSelect={setSelectedId} deletedIds={deletedIds} />
          </div>
        </div>

        {/* Phones get table, detail, inbox in that order. From lg up the detail is a column on the right. */}
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,7fr)_minmax(0,5fr)] lg:grid-rows-[auto_1fr]">
          <div className={`${CARD} min-w-0 lg:col-start-1 lg:row-start-1`}>
            <RequestsTable selectedId={selectedId} onSelect={setSelectedId} />
          </div>
          <div className="min-w-0 lg:col-start-2 lg:row-span-2 lg:row-start-1">
            {selectedId ? (
              <RequestDetailPanel
                key={selectedId}
                requestId={selectedId}
                onClose={() => setSelectedId(null)}
                onDeleted={handleDeleted}
              />
            ) : (
              <p className={`${CARD} text-sm text-slate-500`}>
                Select a request in the table or the inbox to see its input, result and webhook attempts.
              </p>
            )}
          </div>
          <div className={`${CARD} min-w-0 self-start lg:col-start-1 lg:row-start-2`}>
            <Inbox onSelect={setSelectedId} />
          </div>
        </div>

        <section aria-labelledby="benchmark-title" className={`${CARD} min-w-0`}>
          <BenchmarkPanel />
        </section>
      </main>
    </div>
  );
}
