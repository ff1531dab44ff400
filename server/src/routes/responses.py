"""Shaping stored rows into response bodies, and the error statuses each route declares."""

from __future__ import annotations

from typing import Any

from src.models import CallbackLog, ReportRequest
from src.schemas.problem import Problem
from src.schemas.report import ReportResult
from src.schemas.requests import CallbackLogEntry, DuplicateRequestResponse, RequestDetail


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses, all with the problem details body."""
    return {
        status: {
            "model": Problem,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


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
