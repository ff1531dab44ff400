/** The API's built-in webhook inbox, which the server itself posts callbacks to. */
export const DEFAULT_INBOX_URL: string =
  import.meta.env.VITE_INBOX_URL || "http://127.0.0.1:8000/api/webhooks/inbox";

export const INBOX_FAILURE_STATUSES = [503, 500, 429, 408, 400] as const;

/**
 * Sets the inbox's `fail_first` and `fail_status` query parameters on a callback URL, so
 * the inbox responds to the first `failFirst` deliveries with `failStatus`. A count of 0
 * removes both. Returns the URL unchanged when it does not parse.
 */
export function withInboxFailures(url: string, failFirst: number, failStatus: number): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  parsed.searchParams.delete("fail_first");
  parsed.searchParams.delete("fail_status");
  if (failFirst > 0) {
    parsed.searchParams.set("fail_first", String(failFirst));
    parsed.searchParams.set("fail_status", String(failStatus));
  }
  return parsed.toString();
}
