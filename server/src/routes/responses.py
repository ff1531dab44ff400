"""Shaping stored rows into response bodies, and the error statuses each route declares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from src.models import CallbackLog, ReportRequest
from src.schemas.problem import Problem
from src.schemas.report import ReportResult
from src.schemas.requests import CallbackLogEntry, DuplicateRequestResponse, RequestDetail

PROBLEM_MEDIA_TYPE = "application/problem+json"

_INTEGER_HEADER: dict[str, Any] = {"schema": {"type": "integer", "minimum": 0}}
RATE_LIMIT_HEADERS: dict[str, Any] = {
    "X-RateLimit-Limit": {**_INTEGER_HEADER, "description": "Requests allowed per window for this client."},
    "X-RateLimit-Remaining": {**_INTEGER_HEADER, "description": "Requests left in the current window."},
    "X-RateLimit-Reset": {**_INTEGER_HEADER, "description": "Unix time in seconds when the window ends."},
}
RETRY_AFTER_HEADER: dict[str, Any] = {
    "Retry-After": {**_INTEGER_HEADER, "required": True, "description": "Seconds to wait before retrying."}
}

# Statuses whose problem response always carries Retry-After.
_RETRY_AFTER_STATUSES = {429, 503}

PROBLEM_DESCRIPTIONS = {
    400: "A header such as Idempotency-Key is invalid.",
    404: "Not found.",
    409: "The request conflicts with the current state of the resource.",
    413: "The request body is larger than MAX_REQUEST_BODY_BYTES.",
    415: "The request body is not declared as JSON.",
    422: "The body, a path or a query parameter is invalid; `errors` lists each invalid field.",
    429: "The client exceeded its rate limit.",
    500: "An unexpected server error; the body names only the request id.",
    503: "A dependency such as the database is unreachable.",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Build the OpenAPI entries for error statuses, all with the problem details body."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "model": Problem,
            "description": PROBLEM_DESCRIPTIONS.get(status, "Error."),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        if status in _RETRY_AFTER_STATUSES:
            entry["headers"] = dict(RETRY_AFTER_HEADER)
        responses[status] = entry
    return responses


def install_problem_openapi(app: FastAPI) -> None:
    """Adjust the OpenAPI document for problem responses.

    FastAPI adds an application/json entry for every response with a `model`. Problem
    responses are never sent as application/json, so that entry is removed. FastAPI's
    default 422 entry is replaced with the problem body too. Every
    operation also gets the 500 and 503 problem responses, which any route can return,
    unless it declares those statuses or the 5XX range itself.
    """
    build_schema: Callable[[], dict[str, Any]] = app.openapi
    server_errors = {str(status): entry for status, entry in problem_responses(500, 503).items()}

    def openapi() -> dict[str, Any]:
        schema = build_schema()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, entry in server_errors.items():
                    if status not in responses and "5XX" not in responses:
                        responses[status] = {
                            "description": entry["description"],
                            "content": entry["content"],
                            **({"headers": entry["headers"]} if "headers" in entry else {}),
                        }
                for response in responses.values():
                    content = response.get("content", {})
                    json_schema = content.get("application/json", {}).get("schema", {})
                    if json_schema.get("$ref", "").endswith("/HTTPValidationError"):
                        # FastAPI's default 422 entry; the handler sends problem details instead.
                        content[PROBLEM_MEDIA_TYPE] = {"schema": {"$ref": "#/components/schemas/Problem"}}
                    if PROBLEM_MEDIA_TYPE in content:
                        content.pop("application/json", None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def status_url(request: ReportRequest) -> str:
    return f"/api/requests/{request.id}"


def duration_ms(request: ReportRequest) -> int | None:
    if request.completed_at is None:
        return None
    return round((request.completed_at - request.created_at).total_seconds() * 1000)


def to_result(request: ReportRequest) -> ReportResult | None:
    if request.result_payload is None:
        return None
    return ReportResult.model_validate(request.result_payload)


def to_detail(request: ReportRequest) -> RequestDetail:
    return RequestDetail(
        id=request.id,
        mode=request.mode,
        status=request.status,
        input_payload=request.input_payload,
        result=to_result(request),
        error=request.error,
        callback_url=request.callback_url,
        callback_status=request.callback_status,
        callback_attempts=request.callback_attempts,
        callback_next_attempt_at=request.callback_next_attempt_at,
        webhook_id=request.webhook_id,
        created_at=request.created_at,
        started_at=request.started_at,
        completed_at=request.completed_at,
        duration_ms=duration_ms(request),
    )


def to_duplicate(request: ReportRequest) -> DuplicateRequestResponse:
    return DuplicateRequestResponse(
        request_id=request.id,
        mode=request.mode,
        request_status=request.status,
        status_url=status_url(request),
        result=to_result(request),
        error=request.error,
        created_at=request.created_at,
        completed_at=request.completed_at,
    )


def to_log_entry(log: CallbackLog) -> CallbackLogEntry:
    return CallbackLogEntry.model_validate(log, from_attributes=True)
