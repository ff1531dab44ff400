"""POST /api/sync and POST /api/async."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from slowapi import Limiter

from src.config import Settings
from src.controllers.report_requests import create_async_report, create_sync_report
from src.rate_limit import is_rate_limit_exempt
from src.routes.deps import BenchmarkGrantDep, IdempotencyKeyDep, RuntimeDep, SessionDep, require_json_body
from src.routes.responses import (
    RATE_LIMIT_HEADERS,
    RETRY_AFTER_HEADER,
    problem_responses,
    status_url,
    to_duplicate,
    to_result,
)
from src.schemas.report import AsyncReportRequest, SyncReportRequest
from src.schemas.requests import AsyncReportAccepted, DuplicateRequestResponse, SyncReportResponse

REPLAYED_HEADER = "Idempotent-Replayed"

SUCCESS_HEADERS: dict[str, Any] = {
    **RATE_LIMIT_HEADERS,
    REPLAYED_HEADER: {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present when the body is the stored original of a repeated Idempotency-Key.",
    },
}
SYNC_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The finished report, or the original request of a repeated key.", "headers": SUCCESS_HEADERS},
    **problem_responses(400, 409, 413, 415, 422, 429, 500, 503),
}
SYNC_RESPONSES[409]["description"] = "The original request of this Idempotency-Key is still being generated."
SYNC_RESPONSES[409]["headers"] = dict(RETRY_AFTER_HEADER)

ASYNC_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": DuplicateRequestResponse,
        "description": "A repeat of an earlier request with the same Idempotency-Key.",
        "headers": SUCCESS_HEADERS,
    },
    202: {"description": "The job was accepted.", "headers": RATE_LIMIT_HEADERS},
    **problem_responses(400, 413, 415, 422, 429, 500, 503),
}


def build_reports_router(limiter: Limiter, settings: Settings) -> APIRouter:
    # A non-JSON body is a 415 before FastAPI reports it as a 422.
    router = APIRouter(tags=["reports"], dependencies=[Depends(require_json_body)])

    @router.post(
        "/sync",
        summary="Generate a report and wait for it",
        response_model=SyncReportResponse | DuplicateRequestResponse,
        responses=SYNC_RESPONSES,
    )
    @limiter.limit(settings.rate_limit_sync, exempt_when=is_rate_limit_exempt)
    async def create_sync(
        request: Request,
        response: Response,
        body: SyncReportRequest,
        session: SessionDep,
        runtime: RuntimeDep,
        idempotency_key: IdempotencyKeyDep,
        benchmark_grant: BenchmarkGrantDep,
    ) -> SyncReportResponse | DuplicateRequestResponse:
        created = await create_sync_report(
            session,
            body=body,
            idempotency_key=idempotency_key,
            settings=runtime.settings,
            runner=runtime.runner,
            benchmark_grant=benchmark_grant,
        )
        report = created.request
        if created.duplicate:
            response.headers[REPLAYED_HEADER] = "true"
            return to_duplicate(report)

        result = to_result(report)
        assert result is not None and report.completed_at is not None
        return SyncReportResponse(
            request_id=report.id,
            result=result,
            created_at=report.created_at,
            completed_at=report.completed_at,
            duration_ms=round((report.completed_at - report.created_at).total_seconds() * 1000),
        )

    @router.post(
        "/async",
        summary="Accept a report job and deliver the result to a webhook",
        status_code=202,
        response_model=AsyncReportAccepted | DuplicateRequestResponse,
        responses=ASYNC_RESPONSES,
    )
    @limiter.limit(settings.rate_limit_async, exempt_when=is_rate_limit_exempt)
    async def create_async(
        request: Request,
        response: Response,
        body: AsyncReportRequest,
        session: SessionDep,
        runtime: RuntimeDep,
        idempotency_key: IdempotencyKeyDep,
        benchmark_grant: BenchmarkGrantDep,
    ) -> AsyncReportAccepted | DuplicateRequestResponse:
        created = await create_async_report(
            session,
            body=body,
            idempotency_key=idempotency_key,
            settings=runtime.settings,
            resolver=runtime.resolver,
            allowed_hosts=runtime.allowed_hosts,
            dispatcher=runtime.dispatcher,
            benchmark_grant=benchmark_grant,
        )
        report = created.request
        response.headers["Location"] = status_url(report)
        if created.duplicate:
            response.status_code = 200
            response.headers[REPLAYED_HEADER] = "true"
            return to_duplicate(report)

        assert report.callback_url is not None
        return AsyncReportAccepted(
            request_id=report.id,
            status_url=status_url(report),
            callback_url=report.callback_url,
            created_at=report.created_at,
        )

    return router
