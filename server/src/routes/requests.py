"""Stored requests: list, read, delete, callback logs and redelivery."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from src.controllers import requests as controller
from src.models import RequestMode, RequestStatus
from src.routes.deps import RuntimeDep, SessionDep
from src.routes.responses import problem_responses, to_detail, to_log_entry
from src.schemas.requests import CallbackLogEntry, CallbackRetryAccepted, RequestDetail, RequestPage

router = APIRouter(prefix="/requests", tags=["requests"])

MAX_PAGE_SIZE = 100


@router.get("", summary="List requests, newest first", responses=problem_responses(422))
async def list_requests(
    session: SessionDep,
    mode: Annotated[RequestMode | None, Query(description="Only sync or only async requests.")] = None,
    status: Annotated[RequestStatus | None, Query(description="Only requests in this status.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> RequestPage:
    listing = await controller.list_requests(session, mode=mode, status=status, limit=limit, offset=offset)
    return RequestPage(
        items=[to_detail(row) for row in listing.rows],
        total=listing.total,
        total_is_estimate=listing.total_is_estimate,
        limit=limit,
        offset=offset,
    )


@router.get("/{request_id}", summary="Read one request", responses=problem_responses(404, 422))
async def get_request(request_id: uuid.UUID, session: SessionDep) -> RequestDetail:
    return to_detail(await controller.get_request(session, request_id))


@router.delete(
    "/{request_id}",
    summary="Delete a request, its callback logs and its file",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 409, 422),
)
async def delete_request(request_id: uuid.UUID, session: SessionDep, runtime: RuntimeDep) -> Response:
    await controller.delete_request(session, request_id, reports_dir=runtime.settings.reports_dir)
    return Response(status_code=204)


@router.get(
    "/{request_id}/callback-logs",
    summary="List the webhook delivery attempts of a request, in order",
    responses=problem_responses(404, 422),
)
async def list_callback_logs(request_id: uuid.UUID, session: SessionDep) -> list[CallbackLogEntry]:
    return [to_log_entry(log) for log in await controller.list_callback_logs(session, request_id)]


@router.post(
    "/{request_id}/callback-retry",
    summary="Start a new delivery series for a callback that failed",
    status_code=202,
    responses=problem_responses(404, 409, 422),
)
async def retry_callback(request_id: uuid.UUID, session: SessionDep, runtime: RuntimeDep) -> CallbackRetryAccepted:
    request = await controller.retry_callback(session, request_id, dispatcher=runtime.dispatcher)
    assert request.callback_status is not None and request.callback_next_attempt_at is not None
    return CallbackRetryAccepted(
        request_id=request.id,
        callback_status=request.callback_status,
        callback_next_attempt_at=request.callback_next_attempt_at,
    )
