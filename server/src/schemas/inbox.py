"""Bodies of the built-in demo webhook inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class InboxMessageOut(BaseModel):
    id: int
    webhook_id: str | None
    request_id: str | None
    event_status: str | None
    signature_valid: bool
    signature_error: str | None
    response_status: int
    body: dict[str, Any] | None
    received_at: datetime


class InboxPage(BaseModel):
    items: list[InboxMessageOut]
    total: int


class InboxReceipt(BaseModel):
    received: bool
    signature_valid: bool
    response_status: int
