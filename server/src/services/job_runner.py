"""Runs one report job: generation in the worker pool, then the result stored in the database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from src.models import ReportRequest
from src.models.base import utc_now
from src.services import job_store
from src.services.report_generator import GeneratedReport, GenerationCancelled, ReportSpec, generate_report
from src.services.worker_pool import WorkerPool

logger = structlog.get_logger(__name__)


class JobOutcome(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    LOST = "lost"


@dataclass(frozen=True)
class JobReport:
    outcome: JobOutcome
    error: str | None = None


class ReportJobRunner:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        pool: WorkerPool,
        reports_dir: Path,
        owner: str,
    ) -> None:
        self._session_factory = session_factory
        self._pool = pool
        self._reports_dir = reports_dir
        self.owner = owner

    async def run(self, request_id: uuid.UUID) -> JobReport:
        """Generate the report of a job this process has claimed and store the outcome.

        An async job cancelled by shutdown goes back to PENDING; a sync one is FAILED,
        because its client's connection is closing with the server.
        """
        async with self._session_factory() as session:
            request = await session.get(ReportRequest, request_id)
            if request is None or request.claimed_by != self.owner:
                return JobReport(JobOutcome.LOST)
            payload = request.input_payload
            is_async = request.is_async

        log = logger.bind(request_id=str(request_id), mode="async" if is_async else "sync")
        spec = ReportSpec(
            num_transactions=payload["num_transactions"],
            seed=payload["seed"],
            simulated_delay_ms=payload.get("simulated_delay_ms", 0),
        )
        log.info("report_generation_started", rows=spec.num_transactions, delay_ms=spec.simulated_delay_ms)

        try:
            report = await self._pool.run(generate_report, spec, self._reports_dir, self._pool.stop_event)
        except GenerationCancelled as cancelled:
            log.info("report_generation_cancelled", reason=str(cancelled))
            await self._handle_cancelled(request_id, is_async=is_async)
            return JobReport(JobOutcome.CANCELLED, job_store.SHUTDOWN_SYNC_ERROR)
        except Exception as error:
            log.exception("report_generation_failed")
            message = f"report generation failed: {type(error).__name__}"
            await self._store_failure(request_id, message, is_async=is_async)
            return JobReport(JobOutcome.FAILED, message)

        if not await self._store_success(request_id, report, is_async=is_async):
            log.warning("job_claim_lost", file_name=report.file_name)
            (self._reports_dir / report.file_name).unlink(missing_ok=True)
            return JobReport(JobOutcome.LOST)

        log.info(
            "report_generation_completed", rows=report.rows, size_bytes=report.size_bytes, ms=report.generated_in_ms
        )
        return JobReport(JobOutcome.COMPLETED)

    async def _store_success(self, request_id: uuid.UUID, report: GeneratedReport, *, is_async: bool) -> bool:
        async with self._session_factory() as session:
            stored = await job_store.store_success(
                session, request_id=request_id, owner=self.owner, report=report, is_async=is_async, now=utc_now()
            )
            await session.commit()
        return stored

    async def _store_failure(self, request_id: uuid.UUID, error: str, *, is_async: bool) -> None:
        async with self._session_factory() as session:
            await job_store.store_failure(
                session, request_id=request_id, owner=self.owner, error=error, is_async=is_async, now=utc_now()
            )
            await session.commit()

    async def _handle_cancelled(self, request_id: uuid.UUID, *, is_async: bool) -> None:
        if not is_async:
            await self._store_failure(request_id, job_store.SHUTDOWN_SYNC_ERROR, is_async=False)
            return
        async with self._session_factory() as session:
            await job_store.release_jobs(session, owner=self.owner, request_id=request_id)
            await session.commit()
