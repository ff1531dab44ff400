"""Benchmark runs in the database: start, finish, expire, and removal of the requests a run sent."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from src.models import BenchmarkRun, BenchmarkRunStatus, ReportRequest, RequestStatus
from src.services.url_guard import AllowedHost

# A RUNNING row whose deadline passed this long ago belongs to a process that died mid-run.
ABANDONED_AFTER = timedelta(minutes=2)
ABANDONED_ERROR = "the server stopped during the run; no figures were stored"


async def find_active_run(session: AsyncSession, *, now: datetime) -> BenchmarkRun | None:
    """Return a RUNNING run whose deadline has not passed, from any process."""
    run: BenchmarkRun | None = await session.scalar(
        select(BenchmarkRun)
        .where(BenchmarkRun.status == BenchmarkRunStatus.RUNNING, BenchmarkRun.deadline_at > now)
        .limit(1)
    )
    return run


async def expire_abandoned_runs(session: AsyncSession, *, now: datetime) -> list[uuid.UUID]:
    """Mark FAILED the RUNNING runs whose process died, and return their ids."""
    expired = await session.scalars(
        update(BenchmarkRun)
        .where(BenchmarkRun.status == BenchmarkRunStatus.RUNNING, BenchmarkRun.deadline_at < now - ABANDONED_AFTER)
        .values(status=BenchmarkRunStatus.FAILED, error=ABANDONED_ERROR, finished_at=now)
        .returning(BenchmarkRun.id)
    )
    return list(expired.all())


async def active_receiver(session: AsyncSession, run_id: uuid.UUID, *, now: datetime) -> AllowedHost | None:
    """Return the callback receiver of run `run_id` while that run is RUNNING and before its deadline."""
    receiver = await session.scalar(
        select(BenchmarkRun.callback_receiver).where(
            BenchmarkRun.id == run_id,
            BenchmarkRun.status == BenchmarkRunStatus.RUNNING,
            BenchmarkRun.deadline_at > now,
        )
    )
    return AllowedHost.parse(receiver) if receiver else None


async def set_receiver(session: AsyncSession, run_id: uuid.UUID, receiver: AllowedHost) -> None:
    await session.execute(
        update(BenchmarkRun)
        .where(BenchmarkRun.id == run_id)
        .values(callback_receiver=f"{receiver.host}:{receiver.port}")
    )


async def store_phase(session: AsyncSession, run_id: uuid.UUID, mode: str, figures: dict[str, Any]) -> None:
    """Store one finished mode's figures while the run goes on, so clients can show progress."""
    run = await session.get(BenchmarkRun, run_id)
    if run is None:
        return
    results = dict(run.results or {})
    results["modes"] = {**results.get("modes", {}), mode: figures}
    run.results = results


async def finish_run(
    session: AsyncSession,
    run_id: uuid.UUID,
    *,
    results: dict[str, Any] | None,
    error: str | None,
    now: datetime,
) -> None:
    status = BenchmarkRunStatus.COMPLETED if error is None else BenchmarkRunStatus.FAILED
    await session.execute(
        update(BenchmarkRun)
        .where(BenchmarkRun.id == run_id)
        .values(status=status, results=results, error=error, finished_at=now, callback_receiver=None)
    )


async def record_leftovers(session: AsyncSession, run_id: uuid.UUID, leftover: int) -> None:
    await session.execute(update(BenchmarkRun).where(BenchmarkRun.id == run_id).values(leftover_requests=leftover))


async def delete_finished_requests(session: AsyncSession, run_id: uuid.UUID) -> tuple[list[str], int]:
    """Delete the run's requests that no worker or delivery holds; their callback logs go by cascade.

    Returns the report file names of the deleted rows and the number of rows left, which
    are PROCESSING or have a delivery attempt in flight.
    """
    deletable = and_(
        ReportRequest.benchmark_run_id == run_id,
        ReportRequest.status != RequestStatus.PROCESSING,
        ReportRequest.callback_lease_owner.is_(None),
    )
    deleted = await session.scalars(delete(ReportRequest).where(deletable).returning(ReportRequest.report_file))
    files = [name for name in deleted.all() if name]
    remaining = await session.scalar(
        select(func.count()).select_from(ReportRequest).where(ReportRequest.benchmark_run_id == run_id)
    )
    return files, remaining or 0


async def list_runs(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[BenchmarkRun], int]:
    total = await session.scalar(select(func.count()).select_from(BenchmarkRun))
    rows = await session.scalars(
        select(BenchmarkRun)
        .order_by(BenchmarkRun.started_at.desc(), BenchmarkRun.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows.all()), total or 0
