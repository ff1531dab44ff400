"""The built-in demo webhook receiver: stores callbacks and can fail on purpose to show retries."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from src.models import InboxMessage


async def receive_callback(
    session: AsyncSession,
    *,
    raw_body: bytes,
    headers: dict[str, str],
    secret: str,
    fail_first: int,
    fail_status: int,
) -> InboxMessage:
    """Verify and store one callback, responding `fail_status` to its first `fail_first` deliveries.

    Deliveries are counted per webhook-id, which stays the same across retries.
    """
    signature_error: str | None = None
    try:
        Webhook(secret).verify(raw_body, headers)
    except WebhookVerificationError as error:
        signature_error = str(error) or "signature verification failed"

    body: dict[str, Any] | None
    try:
        parsed = json.loads(raw_body)
        body = parsed if isinstance(parsed, dict) else {"value": parsed}
    except (ValueError, UnicodeDecodeError):
        body = None

    webhook_id = headers.get("webhook-id")
    earlier = 0
    if webhook_id and fail_first:
        earlier = (
            await session.scalar(
                select(func.count()).select_from(InboxMessage).where(InboxMessage.webhook_id == webhook_id)
            )
            or 0
        )
    response_status = fail_status if earlier < fail_first else 200

    message = InboxMessage(
        webhook_id=webhook_id,
        request_id=str(body.get("request_id")) if body and body.get("request_id") else None,
        event_status=str(body.get("status")) if body and body.get("status") else None,
        signature_valid=signature_error is None,
        signature_error=signature_error,
        response_status=response_status,
        body=body,
    )
    session.add(message)
    await session.commit()
    return message


async def list_inbox(session: AsyncSession, *, limit: int) -> tuple[list[InboxMessage], int]:
    total = await session.scalar(select(func.count()).select_from(InboxMessage)) or 0
    rows = await session.scalars(
        select(InboxMessage).order_by(InboxMessage.received_at.desc(), InboxMessage.id.desc()).limit(limit)
    )
    return list(rows.all()), total
