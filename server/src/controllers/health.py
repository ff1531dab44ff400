"""The health check: database reachability and worker load."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from src.models import ReportRequest, RequestStatus
from src.schemas.health import DatabaseHealth, HealthResponse, WorkerHealth
from src.services.dispatcher import JobDispatcher
from src.services.worker_pool import WorkerPool

DATABASE_CHECK_TIMEOUT_SECONDS = 2.0


async def check_health(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    dialect: str,
    pool: WorkerPool,
    dispatcher: JobDispatcher,
    version: str,
    started_at: float,
) -> HealthResponse:
    database, pending = await _check_database(session_factory, dialect)
    return HealthResponse(
        status="ok" if database.ok else "unavailable",
        version=version,
        uptime_seconds=round(time.monotonic() - started_at, 3),
        database=database,
        worker=WorkerHealth(
            threads=pool.threads,
            busy=pool.busy,
            queued=pool.queued,
            pending_jobs=pending,
            deliveries_in_flight=dispatcher.deliveries_in_flight,
        ),
    )


async def _check_database(
    session_factory: async_sessionmaker[AsyncSession], dialect: str
) -> tuple[DatabaseHealth, int | None]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(DATABASE_CHECK_TIMEOUT_SECONDS), session_factory() as session:
            await session.execute(text("SELECT 1"))
            latency_ms = round((time.perf_counter() - started) * 1000, 2)
            pending = await session.scalar(
                select(func.count()).select_from(ReportRequest).where(ReportRequest.status == RequestStatus.PENDING)
            )
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        message = (
            f"timed out after {DATABASE_CHECK_TIMEOUT_SECONDS:g} s"
            if isinstance(error, TimeoutError)
            else type(error).__name__
        )
        return DatabaseHealth(ok=False, dialect=dialect, latency_ms=None, error=message), None
    return DatabaseHealth(ok=True, dialect=dialect, latency_ms=latency_ms, error=None), pending or 0
