"""Benchmark runs: start one (one at a time), run it to the end, store its figures, list them."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from src.errors import ConflictError, NotFoundError
from src.models import BenchmarkRun
from src.models.base import utc_now
from src.runtime import Runtime
from src.schemas.benchmark import BenchmarkRequest
from src.services import benchmark_store
from src.services.benchmark_registry import BenchmarkBusy, BenchmarkGrant, BenchmarkRegistry
from src.services.benchmark_runner import BenchmarkFailed, measure, remove_run_requests
from src.services.url_guard import AllowedHost

logger = structlog.get_logger(__name__)

# Runs continue when the client that started them disconnects; this keeps their tasks referenced.
_running_tasks: set[asyncio.Task[BenchmarkRun]] = set()


async def start_benchmark(
    *, body: BenchmarkRequest, runtime: Runtime, registry: BenchmarkRegistry, app: ASGIApp
) -> asyncio.Task[BenchmarkRun]:
    """Register a new run and start it in its own task; raise ConflictError while another run is active."""
    run_id = uuid.uuid4()
    try:
        grant = registry.begin(run_id)
    except BenchmarkBusy as busy:
        raise _busy_error(busy.run_id) from busy

    try:
        await _insert_run(runtime, run_id, body)
    except BaseException:
        registry.end(run_id)
        raise

    task = asyncio.create_task(_execute(runtime, registry, app, grant, body), name=f"benchmark-{run_id}")
    _running_tasks.add(task)
    task.add_done_callback(_running_tasks.discard)
    return task


def _busy_error(run_id: uuid.UUID) -> ConflictError:
    return ConflictError(
        f"benchmark run {run_id} is still running; one run at a time is allowed. "
        f"Follow it with GET /api/benchmark/runs/{run_id} and start a new one when it has finished",
        headers={"Retry-After": "10"},
        extensions={"run_id": str(run_id)},
    )


async def _insert_run(runtime: Runtime, run_id: uuid.UUID, body: BenchmarkRequest) -> None:
    now = utc_now()
    async with runtime.session_factory() as session:
        abandoned = await benchmark_store.expire_abandoned_runs(session, now=now)
        active = await benchmark_store.find_active_run(session, now=now)
        if active is not None:
            raise _busy_error(active.id)
        session.add(
            BenchmarkRun(
                id=run_id,
                parameters=body.model_dump(),
                owner=runtime.owner,
                started_at=now,
                deadline_at=now + timedelta(seconds=runtime.settings.benchmark_max_seconds),
            )
        )
        await session.commit()

    for stale_id in abandoned:
        logger.warning("benchmark_run_abandoned", run_id=str(stale_id))
        await remove_run_requests(runtime.session_factory, stale_id, reports_dir=runtime.settings.reports_dir)


async def _execute(
    runtime: Runtime, registry: BenchmarkRegistry, app: ASGIApp, grant: BenchmarkGrant, body: BenchmarkRequest
) -> BenchmarkRun:
    run_id = grant.run_id
    log = logger.bind(run_id=str(run_id))
    log.info("benchmark_started", **body.model_dump())

    async def register_receiver(host: str, port: int) -> None:
        receiver = AllowedHost(host=host, port=port)
        registry.set_receiver(run_id, receiver)
        async with runtime.session_factory() as session:
            await benchmark_store.set_receiver(session, run_id, receiver)
            await session.commit()

    async def store_phase(mode: str, figures: dict[str, Any]) -> None:
        async with runtime.session_factory() as session:
            await benchmark_store.store_phase(session, run_id, mode, figures)
            await session.commit()

    results: dict[str, Any] | None = None
    error: str | None = None
    try:
        results = await measure(
            app,
            grant=grant,
            parameters=body.model_dump(),
            deadline_seconds=runtime.settings.benchmark_max_seconds,
            on_receiver_ready=register_receiver,
            on_phase_done=store_phase,
        )
        results.pop("created_request_ids", None)
    except BenchmarkFailed as failed:
        error = str(failed)
        log.warning("benchmark_failed", error=error)
    except Exception as unexpected:
        error = f"the run failed: {type(unexpected).__name__}: {unexpected}"
        log.exception("benchmark_crashed")
    finally:
        # Ending the run first revokes the token and the receiver exemption, so no new job
        # of this run is accepted or delivered while its requests are being deleted.
        registry.end(run_id)
        async with runtime.session_factory() as session:
            await benchmark_store.finish_run(session, run_id, results=results, error=error, now=utc_now())
            await session.commit()

    leftover = await remove_run_requests(runtime.session_factory, run_id, reports_dir=runtime.settings.reports_dir)
    async with runtime.session_factory() as session:
        await benchmark_store.record_leftovers(session, run_id, leftover)
        await session.commit()
        run = await get_run(session, run_id)
    if leftover:
        log.warning("benchmark_requests_left", leftover_requests=leftover)
    log.info("benchmark_finished", status=run.status)
    return run


async def get_run(session: AsyncSession, run_id: uuid.UUID) -> BenchmarkRun:
    run: BenchmarkRun | None = await session.get(BenchmarkRun, run_id)
    if run is None:
        raise NotFoundError(f"benchmark run {run_id} was not found; list runs with GET /api/benchmark/runs")
    return run


async def list_runs(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[BenchmarkRun], int]:
    """Return one page of runs, newest first, and the number of runs."""
    return await benchmark_store.list_runs(session, limit=limit, offset=offset)
