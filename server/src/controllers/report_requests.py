"""Creating report requests: sync (generate now, respond with the result) and async (accept, queue)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from src.config import Settings
from src.controllers import idempotency
from src.errors import (
    CallbackUrlRejectedError,
    ConflictError,
    InvalidRequestError,
    ReportGenerationError,
)
from src.models import ReportRequest, RequestMode, RequestStatus
from src.models.base import utc_now
from src.schemas.report import AsyncReportRequest, ReportPayload, SyncReportRequest
from src.services.benchmark_registry import BenchmarkGrant
from src.services.dispatcher import JobDispatcher
from src.services.job_runner import JobOutcome, ReportJobRunner
from src.services.url_guard import AllowedHost, CallbackUrlRejected, Resolver, check_callback_url

logger = structlog.get_logger(__name__)

# How long a client should wait before repeating a request whose original is still running.
IN_PROGRESS_RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True)
class CreatedRequest:
    request: ReportRequest
    duplicate: bool


def check_transaction_limit(payload: ReportPayload, *, mode: RequestMode, settings: Settings) -> None:
    maximum = settings.sync_max_transactions if mode == RequestMode.SYNC else settings.async_max_transactions
    if payload.num_transactions <= maximum:
        return
    hint = " For larger reports use POST /api/async." if mode == RequestMode.SYNC else ""
    raise InvalidRequestError(
        f"num_transactions is {payload.num_transactions}; /api/{mode} accepts 1 to {maximum}.{hint}",
        extensions={
            "errors": [
                {
                    "location": "body.payload.num_transactions",
                    "message": f"must be between 1 and {maximum} for {mode} requests",
                    "type": "less_than_equal",
                    "value": payload.num_transactions,
                }
            ]
        },
    )


def _stored_payload(payload: ReportPayload) -> dict[str, Any]:
    # The seed is fixed when the request is accepted, so a job that is run again after a
    # crash writes the same bytes.
    stored = payload.model_dump()
    if stored["seed"] is None:
        # 53 bits, so JavaScript clients, whose numbers are doubles, read the seed exactly.
        stored["seed"] = secrets.randbits(53)
    return stored


async def _find_replay(session: AsyncSession, *, key: str | None, fingerprint: str) -> CreatedRequest | None:
    if key is None:
        return None
    existing = await idempotency.find_live_request(session, key, now=utc_now())
    if existing is None:
        return None
    idempotency.ensure_same_body(existing, key=key, fingerprint=fingerprint)
    return CreatedRequest(existing, duplicate=True)


async def _insert(
    session: AsyncSession,
    *,
    row: ReportRequest,
    key: str | None,
    fingerprint: str,
    settings: Settings,
) -> CreatedRequest:
    """Commit `row` with its idempotency key, or return the request that won the key meanwhile."""
    if key is not None:
        row.idempotency_key = key
        row.idempotency_expires_at = idempotency.key_expiry(utc_now(), settings.idempotency_ttl_hours)
        row.request_hash = fingerprint

    session.add(row)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        replay = await _find_replay(session, key=key, fingerprint=fingerprint)
        if replay is None:
            raise
        return replay
    return CreatedRequest(row, duplicate=False)


async def create_async_report(
    session: AsyncSession,
    *,
    body: AsyncReportRequest,
    idempotency_key: str | None,
    settings: Settings,
    resolver: Resolver,
    allowed_hosts: Sequence[AllowedHost],
    dispatcher: JobDispatcher,
    benchmark_grant: BenchmarkGrant | None = None,
) -> CreatedRequest:
    """Store a PENDING job and wake the dispatcher once the row is committed."""
    check_transaction_limit(body.payload, mode=RequestMode.ASYNC, settings=settings)
    fingerprint = idempotency.request_fingerprint(RequestMode.ASYNC, body.model_dump(mode="json"))

    replay = await _find_replay(session, key=idempotency_key, fingerprint=fingerprint)
    if replay is not None:
        return replay

    # A request with the active benchmark run's token may also call that run's receiver.
    if benchmark_grant is not None and benchmark_grant.receiver is not None:
        allowed_hosts = [*allowed_hosts, benchmark_grant.receiver]
    try:
        await check_callback_url(body.callback_url, resolver=resolver, allowed_hosts=allowed_hosts)
    except CallbackUrlRejected as rejected:
        raise CallbackUrlRejectedError(str(rejected), extensions={"callback_url": body.callback_url}) from rejected

    row = ReportRequest(
        mode=RequestMode.ASYNC,
        status=RequestStatus.PENDING,
        input_payload=_stored_payload(body.payload),
        callback_url=body.callback_url,
        benchmark_run_id=benchmark_grant.run_id if benchmark_grant is not None else None,
    )
    created = await _insert(session, row=row, key=idempotency_key, fingerprint=fingerprint, settings=settings)
    if not created.duplicate:
        logger.info("async_request_accepted", request_id=str(row.id), rows=body.payload.num_transactions)
        dispatcher.wake()
    return created


async def create_sync_report(
    session: AsyncSession,
    *,
    body: SyncReportRequest,
    idempotency_key: str | None,
    settings: Settings,
    runner: ReportJobRunner,
    benchmark_grant: BenchmarkGrant | None = None,
) -> CreatedRequest:
    """Store the request as PROCESSING, generate it in the worker pool and return the finished row."""
    check_transaction_limit(body.payload, mode=RequestMode.SYNC, settings=settings)
    fingerprint = idempotency.request_fingerprint(RequestMode.SYNC, body.model_dump(mode="json"))
    created = await _find_replay(session, key=idempotency_key, fingerprint=fingerprint)
    if created is None:
        now = utc_now()
        row = ReportRequest(
            mode=RequestMode.SYNC,
            status=RequestStatus.PROCESSING,
            input_payload=_stored_payload(body.payload),
            claimed_by=runner.owner,
            claimed_at=now,
            started_at=now,
            lease_expires_at=now + timedelta(seconds=settings.job_lease_seconds),
            benchmark_run_id=benchmark_grant.run_id if benchmark_grant is not None else None,
        )
        created = await _insert(session, row=row, key=idempotency_key, fingerprint=fingerprint, settings=settings)

    if created.duplicate:
        if created.request.status in (RequestStatus.PENDING, RequestStatus.PROCESSING):
            raise ConflictError(
                f"request {created.request.id} with Idempotency-Key {idempotency_key!r} is still being processed; "
                f"repeat the request after {IN_PROGRESS_RETRY_AFTER_SECONDS} s to get its result",
                headers={"Retry-After": str(IN_PROGRESS_RETRY_AFTER_SECONDS)},
                extensions={"report_request_id": str(created.request.id)},
            )
        return created

    row = created.request
    logger.info("sync_request_started", request_id=str(row.id), rows=body.payload.num_transactions)
    job = await runner.run(row.id)
    await session.refresh(row)

    if job.outcome != JobOutcome.COMPLETED:
        raise ReportGenerationError(
            f"report for request {row.id} could not be generated: {job.error or row.error}",
            extensions={"report_request_id": str(row.id)},
        )
    return created
