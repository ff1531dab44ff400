"""The scheduler loop: claims due jobs and due webhook deliveries from the database.

The database is the queue. A job or delivery runs only after a conditional UPDATE has
given it to this process, so several processes can share one database, and whatever a
dead process held is taken over once its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from src.models.base import utc_now
from src.services import job_store
from src.services.job_runner import ReportJobRunner
from src.services.webhook_delivery import WebhookDeliverer
from src.services.worker_pool import WorkerPool

logger = structlog.get_logger(__name__)

MIN_SCAN_INTERVAL_SECONDS = 0.02


class JobDispatcher:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        runner: ReportJobRunner,
        deliverer: WebhookDeliverer,
        pool: WorkerPool,
        owner: str,
        lease_seconds: float,
        poll_seconds: float,
        delivery_concurrency: int,
        delivery_timeout_seconds: float,
    ) -> None:
        self._session_factory = session_factory
        self._runner = runner
        self._deliverer = deliverer
        self._pool = pool
        self.owner = owner
        self._lease = timedelta(seconds=lease_seconds)
        # A delivery lease must outlive one attempt, or another process could send the same
        # attempt while this one is still waiting for the receiver.
        self._delivery_lease = timedelta(seconds=delivery_timeout_seconds + lease_seconds)
        self._poll_seconds = poll_seconds
        self._delivery_concurrency = delivery_concurrency
        self._wake_event = asyncio.Event()
        self._jobs: set[asyncio.Task[None]] = set()
        self._deliveries: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_heartbeat = 0.0

    @property
    def running_jobs(self) -> int:
        return len(self._jobs)

    @property
    def deliveries_in_flight(self) -> int:
        return len(self._deliveries)

    def start(self) -> None:
        logger.info("dispatcher_started", owner=self.owner)
        self._loop_task = asyncio.create_task(self._loop(), name="job-dispatcher")

    def wake(self) -> None:
        """Look for work now instead of at the next poll, e.g. right after a job is committed."""
        self._wake_event.set()

    async def _loop(self) -> None:
        consecutive_failures = 0
        while not self._stopping:
            sleep_seconds = self._poll_seconds
            try:
                sleep_seconds = await self._tick()
            except Exception as error:
                consecutive_failures += 1
                # One full report per outage; later failures of the same outage are counted.
                if consecutive_failures == 1:
                    logger.exception("dispatch_failed", owner=self.owner)
                else:
                    logger.debug(
                        "dispatch_failed_again", owner=self.owner, failures=consecutive_failures, error=str(error)
                    )
            else:
                if consecutive_failures:
                    logger.info("dispatch_recovered", owner=self.owner, failures=consecutive_failures)
                consecutive_failures = 0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_event.wait(), timeout=sleep_seconds)
            # Under load every accepted job wakes the loop; waiting a moment turns a burst of
            # wake-ups into one scan instead of a scan per request.
            await asyncio.sleep(MIN_SCAN_INTERVAL_SECONDS)
            self._wake_event.clear()

    async def _tick(self) -> float:
        loop = asyncio.get_running_loop()
        now = utc_now()
        async with self._session_factory() as session:
            if loop.time() - self._last_heartbeat >= self._lease.total_seconds() / 3:
                await job_store.renew_leases(session, owner=self.owner, now=now, lease=self._lease)
                requeued, failed = await job_store.recover_abandoned_jobs(session, now=now)
                await session.commit()
                self._last_heartbeat = loop.time()
                if requeued or failed:
                    logger.warning("abandoned_jobs_recovered", requeued=requeued, failed_sync=failed)

            job_ids: list[uuid.UUID] = []
            free_threads = self._pool.threads - len(self._jobs)
            if free_threads > 0 and not self._stopping:
                job_ids = await job_store.claim_pending_jobs(
                    session, owner=self.owner, limit=free_threads, now=now, lease=self._lease
                )
                await session.commit()

            delivery_ids: list[uuid.UUID] = []
            free_slots = self._delivery_concurrency - len(self._deliveries)
            if free_slots > 0 and not self._stopping:
                delivery_ids = await job_store.claim_due_deliveries(
                    session, owner=self.owner, limit=free_slots, now=now, lease=self._delivery_lease
                )
                await session.commit()

            next_due = await job_store.next_delivery_due_at(session)

        for request_id in job_ids:
            self._spawn(self._jobs, self._run_job(request_id), f"job-{request_id}")
        for request_id in delivery_ids:
            self._spawn(self._deliveries, self._deliver(request_id), f"delivery-{request_id}")

        if next_due is None:
            return self._poll_seconds
        return min(self._poll_seconds, max((next_due - utc_now()).total_seconds(), 0.01))

    def _spawn(self, tasks: set[asyncio.Task[None]], coroutine: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    async def _run_job(self, request_id: uuid.UUID) -> None:
        try:
            await self._runner.run(request_id)
        except Exception:
            logger.exception("job_crashed", request_id=str(request_id))
        finally:
            self.wake()

    async def _deliver(self, request_id: uuid.UUID) -> None:
        try:
            result = await self._deliverer.deliver(request_id, owner=self.owner)
        except Exception:
            logger.exception("delivery_crashed", request_id=str(request_id))
            return
        if result is not None and result.next_attempt_at is not None:
            delay = max((result.next_attempt_at - utc_now()).total_seconds(), 0)
            asyncio.get_running_loop().call_later(delay, self.wake)

    async def shutdown(self, timeout_seconds: float) -> None:
        """Stop claiming, let running jobs finish within the timeout, hand the rest back."""
        self._stopping = True
        self.wake()
        if self._loop_task is not None:
            await self._loop_task
        logger.info(
            "dispatcher_stopping", owner=self.owner, running_jobs=len(self._jobs), deliveries=len(self._deliveries)
        )

        if self._jobs:
            _, unfinished = await asyncio.wait(self._jobs, timeout=timeout_seconds)
            if unfinished:
                # Generation checks the stop event between batches and during the delay.
                self._pool.stop_event.set()
                await asyncio.wait(unfinished, timeout=5)

        for task in self._deliveries:
            task.cancel()
        await asyncio.gather(*self._deliveries, return_exceptions=True)

        async with self._session_factory() as session:
            released = await job_store.release_jobs(session, owner=self.owner)
            await job_store.release_delivery_leases(session, owner=self.owner)
            await session.commit()
        logger.info("dispatcher_stopped", owner=self.owner, released_jobs=released)
