"""Webhook delivery: one signed attempt per call, each recorded in `callback_logs`.

Retries are not awaited here. A failed attempt stores the due time of the next one in
`requests.callback_next_attempt_at`, and the dispatcher sends it when it is due, so a
waiting retry occupies neither a worker thread nor a task.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from src.models import CallbackLog, CallbackStatus, ReportRequest, RequestStatus
from src.models.base import utc_now
from src.services.benchmark_store import active_receiver
from src.services.retry_policy import backoff_seconds, is_retryable_status
from src.services.signing import WebhookSigner
from src.services.url_guard import AllowedHost, CallbackUrlRejected, Resolver, check_callback_url
from src.services.webhook_sender import SendOutcome, post_to_checked_address

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int
    backoff_base_seconds: float
    timeout_seconds: float
    max_response_bytes: int


@dataclass(frozen=True)
class AttemptResult:
    success: bool
    next_attempt_at: datetime | None


def webhook_body(request: ReportRequest) -> bytes:
    """Serialize the callback body once; the signature covers exactly these bytes."""
    event: dict[str, Any] = {
        "type": "report.completed" if request.status == RequestStatus.COMPLETED else "report.failed",
        "request_id": str(request.id),
        "status": request.status,
    }
    if request.status == RequestStatus.COMPLETED:
        event["result"] = request.result_payload
    else:
        event["error"] = request.error
    event["completed_at"] = request.completed_at.isoformat() if request.completed_at else None
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def failure_message(outcome: SendOutcome, *, success: bool) -> str | None:
    """Describe why an attempt failed, for the callback log and the service log."""
    if success:
        return None
    return outcome.error or f"receiver responded with HTTP {outcome.status_code}"


class WebhookDeliverer:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        client: httpx.AsyncClient,
        signer: WebhookSigner,
        resolver: Resolver,
        allowed_hosts: Sequence[AllowedHost],
        policy: DeliveryPolicy,
    ) -> None:
        self._session_factory = session_factory
        self._client = client
        self._signer = signer
        self._resolver = resolver
        self._allowed_hosts = allowed_hosts
        self._policy = policy

    async def deliver(self, request_id: uuid.UUID, *, owner: str) -> AttemptResult | None:
        """Make one attempt for a delivery that `owner` has leased, and record it.

        Returns None when the lease was lost or the request is gone.
        """
        async with self._session_factory() as session:
            request = await session.get(ReportRequest, request_id)
            if request is None or request.callback_lease_owner != owner or request.callback_url is None:
                return None
            body = webhook_body(request)
            attempt_number = request.callback_attempts + 1
            series_attempt = request.callback_series_attempts + 1
            trigger = request.callback_trigger
            webhook_id = request.webhook_id
            callback_url = request.callback_url
            # A benchmark run's job may call that run's receiver, and only while the run is active.
            receiver = None
            if request.benchmark_run_id is not None:
                receiver = await active_receiver(session, request.benchmark_run_id, now=utc_now())
        assert webhook_id is not None and trigger is not None

        log = logger.bind(request_id=str(request_id), webhook_id=webhook_id, attempt=attempt_number, trigger=trigger)
        extra_hosts = [receiver] if receiver is not None else []
        outcome, retryable = await self._attempt(callback_url, webhook_id, body, extra_hosts)
        result = self._classify(outcome, retryable=retryable, series_attempt=series_attempt)

        recorded = await self._record(
            request_id=request_id,
            owner=owner,
            attempt_number=attempt_number,
            series_attempt=series_attempt,
            trigger=trigger,
            outcome=outcome,
            result=result,
        )
        if not recorded:
            log.warning("webhook_lease_lost", status_code=outcome.status_code)
            return None

        if result.success:
            log.info("webhook_delivered", status_code=outcome.status_code, response_time_ms=outcome.elapsed_ms)
        elif result.next_attempt_at is not None:
            log.info(
                "webhook_retry_scheduled",
                status_code=outcome.status_code,
                error=failure_message(outcome, success=False),
                next_attempt_at=result.next_attempt_at.isoformat(),
            )
        else:
            log.warning(
                "webhook_failed", status_code=outcome.status_code, error=failure_message(outcome, success=False)
            )
        return result

    async def _attempt(
        self, callback_url: str, webhook_id: str, body: bytes, extra_hosts: Sequence[AllowedHost] = ()
    ) -> tuple[SendOutcome, bool]:
        allowed_hosts = [*self._allowed_hosts, *extra_hosts]
        try:
            target = await check_callback_url(callback_url, resolver=self._resolver, allowed_hosts=allowed_hosts)
        except CallbackUrlRejected as error:
            # The address was public when the request was accepted; a name that now points
            # inside is not retried, because waiting does not make it safe.
            return SendOutcome(None, f"not sent: {error}", None, 0), False

        headers = self._signer.headers(webhook_id, utc_now(), body)
        outcome = await post_to_checked_address(
            self._client,
            target,
            body=body,
            headers=headers,
            deadline_seconds=self._policy.timeout_seconds,
            max_response_bytes=self._policy.max_response_bytes,
        )
        retryable = outcome.status_code is None or is_retryable_status(outcome.status_code)
        return outcome, retryable

    def _classify(self, outcome: SendOutcome, *, retryable: bool, series_attempt: int) -> AttemptResult:
        if outcome.status_code is not None and 200 <= outcome.status_code <= 299:
            return AttemptResult(success=True, next_attempt_at=None)
        if retryable and series_attempt < self._policy.max_attempts:
            delay = backoff_seconds(series_attempt, self._policy.backoff_base_seconds)
            return AttemptResult(success=False, next_attempt_at=utc_now() + timedelta(seconds=delay))
        return AttemptResult(success=False, next_attempt_at=None)

    async def _record(
        self,
        *,
        request_id: uuid.UUID,
        owner: str,
        attempt_number: int,
        series_attempt: int,
        trigger: str,
        outcome: SendOutcome,
        result: AttemptResult,
    ) -> bool:
        if result.success:
            callback_status = CallbackStatus.SUCCESS
        elif result.next_attempt_at is not None:
            callback_status = CallbackStatus.PENDING
        else:
            callback_status = CallbackStatus.FAILED

        error = failure_message(outcome, success=result.success)
        async with self._session_factory() as session:
            updated = await session.execute(
                update(ReportRequest)
                .where(ReportRequest.id == request_id, ReportRequest.callback_lease_owner == owner)
                .values(
                    callback_status=callback_status,
                    callback_attempts=attempt_number,
                    callback_series_attempts=series_attempt,
                    callback_next_attempt_at=result.next_attempt_at,
                    callback_lease_owner=None,
                    callback_lease_until=None,
                )
            )
            if not updated.rowcount:  # type: ignore[attr-defined]
                await session.rollback()
                return False
            session.add(
                CallbackLog(
                    request_id=request_id,
                    attempt_number=attempt_number,
                    trigger=trigger,
                    status_code=outcome.status_code,
                    success=result.success,
                    error_message=error,
                    response_excerpt=outcome.response_excerpt,
                    response_time_ms=outcome.elapsed_ms,
                    next_attempt_at=result.next_attempt_at,
                )
            )
            await session.commit()
        return True
