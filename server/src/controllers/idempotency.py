"""Idempotency keys: a repeated request with the same key and body returns the original.

The key is a unique column of `requests`, written in the same transaction as the row, so
concurrent repeats cannot create a second request: the losers hit the unique constraint
and read the winner's row.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from src.errors import IdempotencyKeyReusedError
from src.models import ReportRequest


def request_fingerprint(mode: str, body: dict[str, Any]) -> str:
    """Hash the mode and the body in a canonical form, so key order and spacing do not matter."""
    canonical = json.dumps({"mode": mode, "body": body}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def key_expiry(now: datetime, ttl_hours: float) -> datetime:
    return now + timedelta(hours=ttl_hours)


async def find_live_request(session: AsyncSession, key: str, *, now: datetime) -> ReportRequest | None:
    """Return the request that owns `key`, freeing the key first if it has expired."""
    existing = await session.scalar(select(ReportRequest).where(ReportRequest.idempotency_key == key))
    if existing is None:
        return None
    if existing.idempotency_expires_at is not None and existing.idempotency_expires_at <= now:
        await session.execute(
            update(ReportRequest)
            .where(ReportRequest.id == existing.id, ReportRequest.idempotency_key == key)
            .values(idempotency_key=None)
        )
        await session.commit()
        return None
    return existing


def ensure_same_body(existing: ReportRequest, *, key: str, fingerprint: str) -> None:
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReusedError(
            f"Idempotency-Key {key!r} was already used for request {existing.id} with a different body "
            f"or endpoint; send the original body again, or use a new key for a new request",
            extensions={"report_request_id": str(existing.id)},
        )
