import { describe, expect, it } from "vitest";
import { withInboxFailures } from "./callbackUrl";

const INBOX = "http://127.0.0.1:8000/api/webhooks/inbox";

describe("withInboxFailures", () => {
  it("appends fail_first and fail_status", () => {
    expect(withInboxFailures(INBOX, 2, 503)).toBe(`${INBOX}?fail_first=2&fail_status=503`);
  });

  it("replaces earlier values", () => {
    const once = withInboxFailures(INBOX, 2, 503);
    expect(withInboxFailures(once, 3, 500)).toBe(`${INBOX}?fail_first=3&fail_status=500`);
  });

  it("removes both parameters for a count of 0 and keeps others", () => {
    expect(withInboxFailures(`${INBOX}?tag=a&fail_first=2&fail_status=503`, 0, 503)).toBe(`${INBOX}?tag=a`);
  });

  it("leaves a URL that does not parse as it is", () => {
    expect(withInboxFailures("not a url", 2, 503)).toBe("not a url");
  });
});
