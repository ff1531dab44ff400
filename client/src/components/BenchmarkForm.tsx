import { useId, useState, type FormEvent } from "react";
import type { BenchmarkParameters } from "../api/types";

type FieldName = keyof BenchmarkParameters;

interface FieldSpec {
  name: FieldName;
  label: string;
  hint: string;
  min: number;
  max: number;
}

// Bounds of BenchmarkRequest in server/src/schemas/benchmark.py.
export const BENCHMARK_FIELDS: readonly FieldSpec[] = [
  {
    name: "num_requests",
    label: "Requests per mode",
    hint: "1 to 1000, sent to each of /api/sync and /api/async.",
    min: 1,
    max: 1000,
  },
  { name: "concurrency", label: "Concurrency", hint: "1 to 100 clients sending at the same time.", min: 1, max: 100 },
  { name: "num_transactions", label: "Transactions per report", hint: "1 to 10000 rows.", min: 1, max: 10_000 },
  { name: "simulated_delay_ms", label: "Simulated delay per report (ms)", hint: "0 to 30000 ms.", min: 0, max: 30_000 },
];

export const DEFAULT_BENCHMARK_PARAMETERS: BenchmarkParameters = {
  num_requests: 20,
  concurrency: 5,
  num_transactions: 100,
  simulated_delay_ms: 100,
};

export type BenchmarkFormValues = Record<FieldName, string>;
export type BenchmarkFormErrors = Partial<Record<FieldName, string>>;

export type BenchmarkValidation =
  | { ok: true; parameters: BenchmarkParameters }
  | { ok: false; errors: BenchmarkFormErrors };

/** Checks each field against the server's bounds and converts the text of the inputs to numbers. */
export function validateBenchmarkForm(values: BenchmarkFormValues): BenchmarkValidation {
  const errors: BenchmarkFormErrors = {};
  const parameters: Partial<BenchmarkParameters> = {};
  for (const field of BENCHMARK_FIELDS) {
    const text = values[field.name].trim();
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) {
      errors[field.name] = `Enter a whole number from ${field.min} to ${field.max}.`;
    } else if (value < field.min || value > field.max) {
      errors[field.name] = `${value} is out of range: enter ${field.min} to ${field.max}.`;
    } else {
      parameters[field.name] = value;
    }
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, parameters: parameters as BenchmarkParameters };
}

function toFormValues(parameters: BenchmarkParameters): BenchmarkFormValues {
  return {
    num_requests: String(parameters.num_requests),
    concurrency: String(parameters.concurrency),
    num_transactions: String(parameters.num_transactions),
    simulated_delay_ms: String(parameters.simulated_delay_ms),
  };
}

const INPUT_CLASS =
  "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500 aria-[invalid=true]:border-rose-500 disabled:bg-slate-100";
const PRIMARY_BUTTON =
  "rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2 disabled:cursor-not-allowed disabled:bg-indigo-300";

export interface BenchmarkFormProps {
  onStart: (parameters: BenchmarkParameters) => void;
  /** True while a run is active, which disables the Start button. */
  busy: boolean;
  initialValues?: BenchmarkParameters;
}

export function BenchmarkForm({ onStart, busy, initialValues = DEFAULT_BENCHMARK_PARAMETERS }: BenchmarkFormProps) {
  const baseId = useId();
  const [values, setValues] = useState<BenchmarkFormValues>(() => toFormValues(initialValues));
  const [errors, setErrors] = useState<BenchmarkFormErrors>({});

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = validateBenchmarkForm(values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    onStart(result.parameters);
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Benchmark parameters" className="flex flex-col gap-3">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        {BENCHMARK_FIELDS.map((field) => {
          const id = `${baseId}-${field.name}`;
          const error = errors[field.name];
          const describedBy = error ? `${id}-hint ${id}-error` : `${id}-hint`;
          return (
            <div key={field.name} className="flex flex-col gap-1">
              <label htmlFor={id} className="text-sm font-medium">
                {field.label}
              </label>
              <input
                id={id}
                name={field.name}
                type="number"
                inputMode="numeric"
                min={field.min}
                max={field.max}
                step={1}
                required
                value={values[field.name]}
                onChange={(event) => setValues((current) => ({ ...current, [field.name]: event.target.value }))}
                aria-invalid={Boolean(error)}
                aria-describedby={describedBy}
                className={INPUT_CLASS}
              />
              <p id={`${id}-hint`} className="text-xs text-slate-600">
                {field.hint}
              </p>
              {error ? (
                <p id={`${id}-error`} className="text-xs font-medium text-rose-700">
                  {error}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
      <div>
        <button type="submit" disabled={busy} className={PRIMARY_BUTTON}>
          {busy ? "Benchmark running…" : "Start benchmark"}
        </button>
      </div>
    </form>
  );
}
