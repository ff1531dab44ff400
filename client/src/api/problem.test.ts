import { describe, expect, it } from "vitest";
import { ApiError, NetworkError, describeError, fieldName, parseProblem, parseRetryAfter } from "./problem";

describe("parseProblem", () => {
  it("reads RFC 9457 fields and field errors", () => {
    const problem = parseProblem(
      {
        type: "https://example.test/problems/validation",
        title: "Unprocessable Content",
        status: 422,
        detail: "The request body is invalid.",
        errors: [
          {
            location: "body.payload.num_transactions",
            message: "Input should be greater than or equal to 1",
            type: "greater_than_equal",
            value: 0,
          },
        ],
      },
      422,
    );
    expect(problem.title).toBe("Unprocessable Content");
    expect(problem.detail).toBe("The request body is invalid.");
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors?.[0]?.location).toBe("body.payload.num_transactions");
    expect(problem.errors?.[0]?.value).toBe(0);
  });

  it("builds a problem from a non-JSON body", () => {
    const problem = parseProblem("<html>Bad Gateway</html>", 502, "Bad Gateway");
    expect(problem.status).toBe(502);
    expect(problem.title).toBe("Bad Gateway");
    expect(problem.detail).toBe("<html>Bad Gateway</html>");
  });

  it("builds a problem from an empty body", () => {
    const problem = parseProblem(null, 500, "Internal Server Error");
    expect(problem.title).toBe("Internal Server Error");
    expect(problem.detail).toContain("without problem details");
  });

  it("keeps the HTTP status when the body has none", () => {
    const problem = parseProblem({ title: "Conflict" }, 409);
    expect(problem.status).toBe(409);
    expect(problem.detail).toBe("Conflict");
    expect(problem.errors).toBeNull();
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("42")).toBe(42);
    expect(parseRetryAfter(" 7 ")).toBe(7);
  });

  it("reads an HTTP-date relative to now", () => {
    const now = new Date("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30);
  });

  it("gives 0 for a date in the past", () => {
    const now = new Date("2025-01-01T00:01:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(0);
  });

  it("rejects missing and malformed values", () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter("")).toBeNull();
    expect(parseRetryAfter("-5")).toBeNull();
    expect(parseRetryAfter("1.5")).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("describeError", () => {
  it("states the 429 wait from Retry-After", () => {
    const error = new ApiError(
      { type: "about:blank", title: "Too Many Requests", status: 429, detail: "Rate limit exceeded: 5 per 1 minute" },
      37,
    );
    const description = describeError(error);
    expect(description.headline).toBe("Rate limit reached: try again in 37 s");
    expect(description.detail).toBe("Rate limit exceeded: 5 per 1 minute");
  });

  it("handles a 429 without Retry-After", () => {
    const error = new ApiError({ type: "about:blank", title: "Too Many Requests", status: 429, detail: "" });
    expect(describeError(error).headline).toBe("Rate limit reached: wait a moment before trying again.");
  });

  it("lists validation errors by field name", () => {
    const error = new ApiError({
      type: "https://financial-report-generator.dev/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "body.payload.report_name: String should have at least 1 character",
      errors: [{ location: "body.payload.report_name", message: "String should have at least 1 character", type: "string_too_short" }],
    });
    const description = describeError(error);
    expect(description.headline).toBe("Validation failed (HTTP 422)");
    expect(description.detail).toBeNull();
    expect(description.fieldErrors).toEqual([
      { field: "report_name", message: "String should have at least 1 character" },
    ]);
  });

  it("shows the title and detail of other problems", () => {
    const error = new ApiError({
      type: "https://financial-report-generator.dev/problems/idempotency-key-reused",
      title: "Idempotency key reused with a different body",
      status: 422,
      detail: "Idempotency-Key 'k1' was already used for another request with a different body",
    });
    const description = describeError(error);
    expect(description.headline).toBe("Idempotency key reused with a different body (HTTP 422)");
    expect(description.detail).toBe("Idempotency-Key 'k1' was already used for another request with a different body");
    expect(description.fieldErrors).toEqual([]);
  });

  it("adds the Retry-After wait to a 409 of a running original", () => {
    const error = new ApiError(
      {
        type: "about:blank",
        title: "Conflict",
        status: 409,
        detail: "The original request of this Idempotency-Key is still being generated.",
      },
      2,
    );
    expect(describeError(error).detail).toBe(
      "The original request of this Idempotency-Key is still being generated. Try again in 2 s.",
    );
  });

  it("leaves out a detail that repeats the title", () => {
    const error = new ApiError({ type: "about:blank", title: "Bad Gateway", status: 502, detail: "Bad Gateway" });
    expect(describeError(error)).toEqual({ headline: "Bad Gateway (HTTP 502)", detail: null, fieldErrors: [] });
  });

  it("explains a network failure", () => {
    const description = describeError(new NetworkError(new TypeError("Failed to fetch")));
    expect(description.headline).toContain("Could not reach the API");
    expect(description.detail).toBe("Failed to fetch");
  });
});

describe("fieldName", () => {
  it("drops the body and payload prefixes", () => {
    expect(fieldName("body.payload.seed")).toBe("seed");
    expect(fieldName("body.callback_url")).toBe("callback_url");
    expect(fieldName("header.idempotency-key")).toBe("header.idempotency-key");
  });
});
