"""State changes of report jobs in the database.

Every transition is a conditional UPDATE, so when several processes share one database
only one of them can claim a job, store its result or deliver its webhook. Callers commit.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from src.models import CallbackStatus, DeliveryTrigger, ReportRequest, RequestMode, RequestStatus
from src.services.report_generator import COLUMNS, GeneratedReport

SHUTDOWN_SYNC_ERROR = "the server stopped while this report was being generated; send the request again"


def _is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def result_payload(report: GeneratedReport) -> dict[str, Any]:
    """Shape a generated report as the stored result (the ReportResult schema)."""
    return {
        "rows": report.rows,
        "columns": COLUMNS,
        "size_bytes": report.size_bytes,
        "sha256": report.sha256,
        "seed": report.seed,
        "file_name": report.file_name,
        "download_url": f"/api/reports/{report.file_name}",
        "generated_in_ms": report.generated_in_ms,
        "summary": {
            "total_credits": str(report.total_credits),
            "total_debits": str(report.total_debits),
            "net": str(report.net),
            "credit_count": report.credit_count,
            "debit_count": report.debit_count,
            "by_category": {name: str(amount) for name, amount in report.by_category.items()},
        },
    }


async def _claim(
    session: AsyncSession,
    *,
    claimable: ColumnElement[bool],
    order_by: InstrumentedAttribute[Any],
    limit: int,
    values: dict[str, Any],
) -> list[uuid.UUID]:
    """Apply `values` to up to `limit` claimable rows and return the ids this call won.

    The UPDATE repeats the claimable condition, so a row another process claimed between the
    SELECT and the UPDATE is skipped. PostgreSQL also skips rows locked by a concurrent claim.
    """
    candidates = select(ReportRequest.id).where(claimable).order_by(order_by).limit(limit)
    if _is_postgresql(session):
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list((await session.scalars(candidates)).all())
    if not ids:
        return []

    claimed = await session.scalars(
        update(ReportRequest).where(ReportRequest.id.in_(ids), claimable).values(**values).returning(ReportRequest.id)
    )
    return list(claimed.all())


async def claim_pending_jobs(
    session: AsyncSession, *, owner: str, limit: int, now: datetime, lease: timedelta
) -> list[uuid.UUID]:
    """Move up to `limit` of the oldest PENDING async jobs to PROCESSING for `owner`."""
    return await _claim(
        session,
        claimable=and_(ReportRequest.status == RequestStatus.PENDING, ReportRequest.mode == RequestMode.ASYNC),
        order_by=ReportRequest.created_at,
        limit=limit,
        values={
            "status": RequestStatus.PROCESSING,
            "claimed_by": owner,
            "claimed_at": now,
            "started_at": now,
            "lease_expires_at": now + lease,
        },
    )


async def renew_leases(session: AsyncSession, *, owner: str, now: datetime, lease: timedelta) -> None:
    await session.execute(
        update(ReportRequest)
        .where(ReportRequest.claimed_by == owner, ReportRequest.status == RequestStatus.PROCESSING)
        .values(lease_expires_at=now + lease)
    )


async def recover_abandoned_jobs(session: AsyncSession, *, now: datetime) -> tuple[int, int]:
    """Requeue async jobs and fail sync requests whose owner's lease ran out.

    A sync request cannot be resumed because its client's connection died with the
    process. Returns the numbers of requeued and failed rows.
    """
    abandoned = and_(ReportRequest.status == RequestStatus.PROCESSING, ReportRequest.lease_expires_at < now)
    requeued = await session.execute(
        update(ReportRequest)
        .where(abandoned, ReportRequest.mode == RequestMode.ASYNC)
        .values(status=RequestStatus.PENDING, claimed_by=None, lease_expires_at=None)
    )
    failed = await session.execute(
        update(ReportRequest)
        .where(abandoned, ReportRequest.mode == RequestMode.SYNC)
        .values(
            status=RequestStatus.FAILED,
            error=SHUTDOWN_SYNC_ERROR,
            completed_at=now,
            claimed_by=None,
            lease_expires_at=None,
        )
    )
    return requeued.rowcount, failed.rowcount  # type: ignore[attr-defined]


def _owned_by(request_id: uuid.UUID, owner: str) -> Any:
    return and_(
        ReportRequest.id == request_id,
        ReportRequest.claimed_by == owner,
        ReportRequest.status == RequestStatus.PROCESSING,
    )


def _finished_values(*, is_async: bool, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"completed_at": now, "claimed_by": None, "lease_expires_at": None}
    if is_async:
        values |= {
            "callback_status": CallbackStatus.PENDING,
            "callback_next_attempt_at": now,
            "callback_trigger": DeliveryTrigger.AUTOMATIC,
            "callback_series_attempts": 0,
        }
    return values


async def store_success(
    session: AsyncSession, *, request_id: uuid.UUID, owner: str, report: GeneratedReport, is_async: bool, now: datetime
) -> bool:
    """Mark the job COMPLETED with its result. Returns False if `owner` no longer owns the claim."""
    updated = await session.execute(
        update(ReportRequest)
        .where(_owned_by(request_id, owner))
        .values(
            status=RequestStatus.COMPLETED,
            result_payload=result_payload(report),
            report_file=report.file_name,
            **_finished_values(is_async=is_async, now=now),
        )
    )
    return bool(updated.rowcount)  # type: ignore[attr-defined]


async def store_failure(
    session: AsyncSession, *, request_id: uuid.UUID, owner: str, error: str, is_async: bool, now: datetime
) -> bool:
    updated = await session.execute(
        update(ReportRequest)
        .where(_owned_by(request_id, owner))
        .values(status=RequestStatus.FAILED, error=error, **_finished_values(is_async=is_async, now=now))
    )
    return bool(updated.rowcount)  # type: ignore[attr-defined]


async def release_jobs(session: AsyncSession, *, owner: str, request_id: uuid.UUID | None = None) -> int:
    """Hand `owner`'s running async jobs back to PENDING, for example on shutdown."""
    conditions = [
        ReportRequest.claimed_by == owner,
        ReportRequest.status == RequestStatus.PROCESSING,
        ReportRequest.mode == RequestMode.ASYNC,
    ]
    if request_id is not None:
        conditions.append(ReportRequest.id == request_id)
    released = await session.execute(
        update(ReportRequest)
        .where(*conditions)
        .values(status=RequestStatus.PENDING, claimed_by=None, lease_expires_at=None)
    )
    return released.rowcount  # type: ignore[attr-defined,no-any-return]


def _delivery_claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        ReportRequest.callback_status == CallbackStatus.PENDING,
        ReportRequest.callback_next_attempt_at <= now,
        or_(ReportRequest.callback_lease_until.is_(None), ReportRequest.callback_lease_until < now),
    )


async def claim_due_deliveries(
    session: AsyncSession, *, owner: str, limit: int, now: datetime, lease: timedelta
) -> list[uuid.UUID]:
    """Lease up to `limit` webhook deliveries that are due, so no other process sends them."""
    return await _claim(
        session,
        claimable=_delivery_claimable(now),
        order_by=ReportRequest.callback_next_attempt_at,
        limit=limit,
        values={"callback_lease_owner": owner, "callback_lease_until": now + lease},
    )


async def next_delivery_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(func.min(ReportRequest.callback_next_attempt_at)).where(
            ReportRequest.callback_status == CallbackStatus.PENDING
        )
    )


async def release_delivery_leases(session: AsyncSession, *, owner: str) -> None:
    await session.execute(
        update(ReportRequest)
        .where(ReportRequest.callback_lease_owner == owner)
        .values(callback_lease_owner=None, callback_lease_until=None)
    )
