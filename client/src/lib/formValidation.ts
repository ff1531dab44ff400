import type { SubmitInput } from "../api/client";
import type { ReportPayload, RequestMode } from "../api/types";

// Limits of the API contract (server/src/schemas/report.py). The per-mode maximum of
// num_transactions is a server setting, so the server checks that one.
export const MAX_REPORT_NAME_LENGTH = 100;
export const MAX_SIMULATED_DELAY_MS = 30_000;
export const MAX_SEED = 2n ** 63n - 1n;
export const MAX_CALLBACK_URL_LENGTH = 2048;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const MAX_INBOX_FAILURES = 10;

const REPORT_NAME_PATTERN = /^[A-Za-z0-9 _.-]+$/;
// Printable ASCII without leading or trailing spaces, the characters an HTTP header keeps as sent.
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The request form's fields, as the inputs hold them. */
export interface FormValues {
  mode: RequestMode;
  numTransactions: string;
  reportName: string;
  seed: string;
  simulatedDelayMs: string;
  callbackUrl: string;
  idempotencyKey: string;
}

export type FormErrors = Partial<Record<keyof FormValues, string>>;

export type ValidationResult = { ok: true; input: SubmitInput } | { ok: false; errors: FormErrors };

function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    return null;
  }
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

function checkCallbackUrl(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === "") {
    return "Enter the URL that receives the result.";
  }
  if (trimmed.length > MAX_CALLBACK_URL_LENGTH) {
    return `The URL is ${trimmed.length} characters long; the maximum is ${MAX_CALLBACK_URL_LENGTH}.`;
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return "Enter an absolute URL, such as http://127.0.0.1:8000/api/webhooks/inbox.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `The URL must start with http:// or https://, not ${url.protocol}//.`;
  }
  return null;
}

/** Checks the form against the API contract and builds the request to send. */
export function validateForm(values: FormValues): ValidationResult {
  const errors: FormErrors = {};

  const numTransactions = parseWholeNumber(values.numTransactions);
  if (numTransactions === null || numTransactions < 1) {
    errors.numTransactions = "Enter a whole number of at least 1.";
  }

  const reportName = values.reportName;
  if (reportName.length === 0) {
    errors.reportName = "Enter a report name.";
  } else if (reportName.length > MAX_REPORT_NAME_LENGTH) {
    errors.reportName = `The name is ${reportName.length} characters long; the maximum is ${MAX_REPORT_NAME_LENGTH}.`;
  } else if (!REPORT_NAME_PATTERN.test(reportName)) {
    errors.reportName = "Use only letters, digits, space, '_', '-' and '.'.";
  } else if (reportName.trim() === "") {
    errors.reportName = "The name needs at least one character other than a space.";
  }

  const seedText = values.seed.trim();
  if (seedText !== "" && (!/^\d+$/.test(seedText) || BigInt(seedText) > MAX_SEED)) {
    errors.seed = `Enter a whole number from 0 to ${MAX_SEED}, or leave it empty for a random seed.`;
  }

  const delay = parseWholeNumber(values.simulatedDelayMs === "" ? "0" : values.simulatedDelayMs);
  if (delay === null || delay > MAX_SIMULATED_DELAY_MS) {
    errors.simulatedDelayMs = `Enter a whole number of milliseconds from 0 to ${MAX_SIMULATED_DELAY_MS}.`;
  }

  if (values.mode === "async") {
    const urlError = checkCallbackUrl(values.callbackUrl);
    if (urlError) {
      errors.callbackUrl = urlError;
    }
  }

  const key = values.idempotencyKey;
  if (key !== "" && (key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !IDEMPOTENCY_KEY_PATTERN.test(key))) {
    errors.idempotencyKey = `Use 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters, with no space at either end, or leave it empty.`;
  }

  if (Object.keys(errors).length > 0 || numTransactions === null || delay === null) {
    return { ok: false, errors };
  }

  const payload: ReportPayload = {
    num_transactions: numTransactions,
    report_name: reportName,
    simulated_delay_ms: delay,
  };
  if (seedText !== "") {
    payload.seed = BigInt(seedText).toString();
  }
  return {
    ok: true,
    input: {
      mode: values.mode,
      payload,
      callbackUrl: values.callbackUrl.trim(),
      idempotencyKey: key,
    },
  };
}
