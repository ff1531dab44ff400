import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { SubmitInput } from "../api/client";
import type { RequestMode } from "../api/types";
import { DEFAULT_INBOX_URL, INBOX_FAILURE_STATUSES, withInboxFailures } from "../lib/callbackUrl";
import {
  MAX_INBOX_FAILURES,
  MAX_SIMULATED_DELAY_MS,
  validateForm,
  type FormErrors,
  type FormValues,
} from "../lib/formValidation";
import { newIdempotencyKey } from "../lib/idempotencyKey";

interface FieldProps {
  label: string;
  error: string | undefined;
  hint?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-xs font-medium text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const INPUT_CLASS =
  "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 aria-[invalid=true]:border-rose-500 disabled:bg-slate-100";
const BUTTON_SECONDARY =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-medium hover:bg-slate-100 focus:outline-none focus:ring-2 focus:ring-indigo-500 disabled:cursor-not-allowed disabled:opacity-50";

export interface RequestFormProps {
  onSubmit: (input: SubmitInput) => void;
  /** Returns true while a request of that mode is in flight, which disables the submit button. */
  isBusy: (mode: RequestMode) => boolean;
  initialValues?: Partial<FormValues>;
}

function submitLabel(mode: RequestMode, busy: boolean): string {
  if (mode === "sync") {
    return busy ? "Waiting for the sync report…" : "Send sync request";
  }
  return busy ? "Sending…" : "Send async request";
}

/** Renders the report request form: payload, mode, callback URL and Idempotency-Key. */
export function RequestForm({ onSubmit, isBusy, initialValues }: RequestFormProps) {
  const [values, setValues] = useState<FormValues>(() => ({
    mode: "sync",
    numTransactions: "1000",
    reportName: "Q3 ledger",
    seed: "",
    simulatedDelayMs: "2000",
    callbackUrl: DEFAULT_INBOX_URL,
    idempotencyKey: newIdempotencyKey(),
    ...initialValues,
  }));
  const [failFirst, setFailFirst] = useState("0");
  const [failStatus, setFailStatus] = useState<number>(503);
  const [errors, setErrors] = useState<FormErrors>({});
  const [lastKey, setLastKey] = useState<string | null>(null);
  const failFirstId = useId();
  const failStatusId = useId();
  const modeGroupId = useId();

  function update<K extends keyof FormValues>(field: K, value: FormValues[K]) {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  }

  function updateFailures(countText: string, status: number) {
    setFailFirst(countText);
    setFailStatus(status);
    const count = Number.parseInt(countText, 10);
    if (Number.isInteger(count) && count >= 0 && count <= MAX_INBOX_FAILURES) {
      update("callbackUrl", withInboxFailures(values.callbackUrl, count, status));
    }
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = validateForm(values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    onSubmit(result.input);
    if (result.input.idempotencyKey !== "") {
      setLastKey(result.input.idempotencyKey);
    }
    setValues((current) => ({ ...current, idempotencyKey: newIdempotencyKey() }));
  }

  const busy = isBusy(values.mode);

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Report request" className="flex flex-col gap-4">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-medium">Mode</legend>
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
          {(
            [
              ["sync", "Sync", "POST /api/sync: the connection stays open until the report exists."],
              ["async", "Async", "POST /api/async: 202 at once, the result arrives by webhook."],
            ] as const
          ).map(([mode, title, description]) => (
            <label
              key={mode}
              className={`flex cursor-pointer gap-2 rounded-md border p-2 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 ${
                values.mode === mode ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white"
              }`}
            >
              <input
                type="radio"
                name="mode"
                value={mode}
                checked={values.mode === mode}
                onChange={() => update("mode", mode)}
                aria-label={title}
                aria-describedby={`${modeGroupId}-${mode}`}
                className="mt-0.5"
              />
              <span>
                <span className="font-semibold">{title}</span>
                <span id={`${modeGroupId}-${mode}`} className="block text-xs text-slate-600">
                  {description}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <Field label="Number of transactions" error={errors.numTransactions}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={values.numTransactions}
              onChange={(event) => update("numTransactions", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={INPUT_CLASS}
            />
          )}
        </Field>
        <Field label="Report name" error={errors.reportName}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="text"
              maxLength={200}
              value={values.reportName}
              onChange={(event) => update("reportName", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={INPUT_CLASS}
            />
          )}
        </Field>
        <Field label="Seed (optional)" error={errors.seed} hint="Same seed, same CSV. Empty picks a random one.">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={values.seed}
              onChange={(event) => update("seed", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={INPUT_CLASS}
            />
          )}
        </Field>
        <Field
          label="Simulated delay (ms)"
          error={errors.simulatedDelayMs}
          hint={`A slow upstream, 0 to ${MAX_SIMULATED_DELAY_MS} ms.`}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              min={0}
              max={MAX_SIMULATED_DELAY_MS}
              step={100}
              inputMode="numeric"
              value={values.simulatedDelayMs}
              onChange={(event) => update("simulatedDelayMs", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={INPUT_CLASS}
            />
          )}
        </Field>
      </div>

      {values.mode === "async" ? (
        <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium">Webhook</legend>
          <Field
            label="Callback URL"
            error={errors.callbackUrl}
            hint="Defaults to the API's built-in inbox, which records every delivery."
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type="url"
                value={values.callbackUrl}
                onChange={(event) => update("callbackUrl", event.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                className={`${INPUT_CLASS} font-mono text-xs`}
              />
            )}
          </Field>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
            <div className="flex flex-col gap-1">
              <label htmlFor={failFirstId} className="text-sm font-medium">
                Make the inbox fail the first N attempts
              </label>
              <input
                id={failFirstId}
                type="number"
                min={0}
                max={MAX_INBOX_FAILURES}
                step={1}
                value={failFirst}
                onChange={(event) => updateFailures(event.target.value, failStatus)}
                className={INPUT_CLASS}
              />
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor={failStatusId} className="text-sm font-medium">
                Failure status
              </label>
              <select
                id={failStatusId}
                value={failStatus}
                onChange={(event) => updateFailures(failFirst, Number(event.target.value))}
                className={INPUT_CLASS}
              >
                {INBOX_FAILURE_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {status}
                    {status === 400 ? " (final, not retried)" : " (retried)"}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </fieldset>
      ) : null}

      <Field
        label="Idempotency-Key"
        error={errors.idempotencyKey}
        hint="A new key per submission. Send the same key and body again to get the original request back."
      >
        {({ id, describedBy, invalid }) => (
          <div className="flex flex-col gap-2">
            <input
              id={id}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={values.idempotencyKey}
              onChange={(event) => update("idempotencyKey", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={`${INPUT_CLASS} font-mono text-xs`}
            />
            <div className="flex gap-2">
              <button
                type="button"
                className={`${BUTTON_SECONDARY} whitespace-nowrap`}
                onClick={() => update("idempotencyKey", newIdempotencyKey())}
              >
                New key
              </button>
              <button
                type="button"
                className={`${BUTTON_SECONDARY} whitespace-nowrap`}
                disabled={lastKey === null}
                onClick={() => lastKey !== null && update("idempotencyKey", lastKey)}
              >
                Reuse last key
              </button>
            </div>
          </div>
        )}
      </Field>

      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2 disabled:cursor-not-allowed disabled:bg-indigo-300"
      >
        {submitLabel(values.mode, busy)}
      </button>
    </form>
  );
}
