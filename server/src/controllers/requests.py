"""Reading, deleting and redelivering stored report requests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import structlog
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from src.errors import ConflictError, NotFoundError
from src.models import CallbackLog, CallbackStatus, DeliveryTrigger, ReportRequest, RequestMode, RequestStatus
from src.models.base import utc_now
from src.services.dispatcher import JobDispatcher

logger = structlog.get_logger(__name__)


# Above this many rows an unfiltered PostgreSQL listing reports the planner's row estimate,
# because an exact COUNT(*) reads the whole table and would dominate the first page.
EXACT_COUNT_MAX_ROWS = 10_000


@dataclass(frozen=True)
class RequestListing:
    rows: list[ReportRequest]
    total: int
    total_is_estimate: bool


async def _estimated_row_count(session: AsyncSession) -> int | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    estimate = await session.scalar(text("SELECT reltuples::bigint FROM pg_class WHERE oid = 'requests'::regclass"))
    # reltuples is -1 until the table is first analysed.
    return int(estimate) if estimate is not None and estimate >= 0 else None


async def _count_without_benchmark_rows(session: AsyncSession) -> int:
    # SQLite counts a whole table much faster than the rows matching a condition, and the
    # benchmark rows are few and found through ix_requests_benchmark_run_id_created_at.
    everything = await session.scalar(select(func.count()).select_from(ReportRequest)) or 0
    benchmark_rows = await session.scalar(
        select(func.count()).select_from(ReportRequest).where(ReportRequest.benchmark_run_id.is_not(None))
    )
    return everything - (benchmark_rows or 0)


async def list_requests(
    session: AsyncSession,
    *,
    mode: RequestMode | None,
    status: RequestStatus | None,
    limit: int,
    offset: int,
) -> RequestListing:
    """Return one page of requests, newest first, and how many match the filters.

    Requests sent by a benchmark run are left out: the run deletes them when it ends.
    """
    filters: list[ColumnElement[bool]] = [ReportRequest.benchmark_run_id.is_(None)]
    if mode is not None:
        filters.append(ReportRequest.mode == mode)
    if status is not None:
        filters.append(ReportRequest.status == status)

    unfiltered = mode is None and status is None
    estimate = await _estimated_row_count(session) if unfiltered else None
    if estimate is not None and estimate > EXACT_COUNT_MAX_ROWS:
        total, total_is_estimate = estimate, True
    elif unfiltered:
        total, total_is_estimate = await _count_without_benchmark_rows(session), False
    else:
        total = await session.scalar(select(func.count()).select_from(ReportRequest).where(*filters)) or 0
        total_is_estimate = False

    rows = await session.scalars(
        select(ReportRequest)
        .where(*filters)
        .order_by(ReportRequest.created_at.desc(), ReportRequest.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return RequestListing(rows=list(rows.all()), total=total, total_is_estimate=total_is_estimate)


async def get_request(session: AsyncSession, request_id: uuid.UUID) -> ReportRequest:
    request = await session.get(ReportRequest, request_id)
    if request is None:
        raise NotFoundError(f"request {request_id} was not found; list requests with GET /api/requests")
    return request


async def list_callback_logs(session: AsyncSession, request_id: uuid.UUID) -> list[CallbackLog]:
    await get_request(session, request_id)
    rows = await session.scalars(
        select(CallbackLog)
        .where(CallbackLog.request_id == request_id)
        .order_by(CallbackLog.attempt_number, CallbackLog.id)
    )
    return list(rows.all())


async def delete_request(session: AsyncSession, request_id: uuid.UUID, *, reports_dir: Path) -> None:
    """Delete the request, its callback logs (by cascade) and its CSV file.

    A PROCESSING request is refused, because its worker is still writing the file.
    """
    request = await get_request(session, request_id)
    report_file = request.report_file

    deleted = await session.execute(
        delete(ReportRequest).where(ReportRequest.id == request_id, ReportRequest.status != RequestStatus.PROCESSING)
    )
    await session.commit()
    if not deleted.rowcount:  # type: ignore[attr-defined]
        raise ConflictError(
            f"request {request_id} is PROCESSING and cannot be deleted yet; retry when it is COMPLETED or FAILED",
            headers={"Retry-After": "1"},
        )

    if report_file:
        (reports_dir / report_file).unlink(missing_ok=True)
    logger.info("request_deleted", request_id=str(request_id), report_file=report_file)


async def retry_callback(session: AsyncSession, request_id: uuid.UUID, *, dispatcher: JobDispatcher) -> ReportRequest:
    """Start a new, manually triggered delivery series for a callback that ended FAILED."""
    now = utc_now()
    updated = await session.execute(
        update(ReportRequest)
        .where(
            ReportRequest.id == request_id,
            ReportRequest.mode == RequestMode.ASYNC,
            ReportRequest.status.in_([RequestStatus.COMPLETED, RequestStatus.FAILED]),
            ReportRequest.callback_status == CallbackStatus.FAILED,
        )
        .values(
            callback_status=CallbackStatus.PENDING,
            callback_next_attempt_at=now,
            callback_trigger=DeliveryTrigger.MANUAL,
            callback_series_attempts=0,
        )
    )
    await session.commit()

    request = await get_request(session, request_id)
    if not updated.rowcount:  # type: ignore[attr-defined]
        raise ConflictError(_retry_refusal(request))

    logger.info("callback_redelivery_requested", request_id=str(request_id))
    dispatcher.wake()
    return request


def _retry_refusal(request: ReportRequest) -> str:
    if request.mode != RequestMode.ASYNC:
        return f"request {request.id} is a sync request and has no callback to redeliver"
    if request.callback_status == CallbackStatus.PENDING:
        return f"a delivery for request {request.id} is already in progress; wait for it to end"
    if request.callback_status == CallbackStatus.SUCCESS:
        return f"the callback of request {request.id} was already delivered"
    return f"request {request.id} is {request.status}; redelivery is possible once it is COMPLETED or FAILED"
