import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { submitReport, type SubmitInput } from "./api/client";
import type { RequestMode } from "./api/types";
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
  const sync = useSubmission();
  const async = useSubmission();

  function submit(input: SubmitInput) {
    const target = input.mode === "sync" ? sync : async;
    target.mutation.mutate({ input, startedAt: performance.now() });
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

      <main className="grid grid-cols-1 gap-4 xl:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <div className="flex min-w-0 flex-col gap-4">
          <section aria-labelledby="form-title" className={CARD}>
            <h2 id="form-title" className="mb-3 text-lg font-semibold">
              New report request
            </h2>
            <RequestForm onSubmit={submit} isBusy={isBusy} />
          </section>
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-1 2xl:grid-cols-2">
            <div className={CARD}>
              <SyncSubmissionPanel state={sync.state} onSelect={setSelectedId} />
            </div>
            <div className={CARD}>
              <AsyncSubmissionPanel state={async.state} onSelect={setSelectedId} />
            </div>
          </div>
        </div>

        <div className="flex min-w-0 flex-col gap-4">
          <div className={CARD}>
            <RequestsTable selectedId={selectedId} onSelect={setSelectedId} />
          </div>
          {selectedId ? (
            <RequestDetailPanel key={selectedId} requestId={selectedId} onClose={() => setSelectedId(null)} />
          ) : null}
          <div className={CARD}>
            <Inbox onSelect={setSelectedId} />
          </div>
        </div>
      </main>
    </div>
  );
}
