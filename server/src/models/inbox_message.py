"""The `inbox_messages` table: callbacks received by the built-in demo webhook receiver."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from src.models.base import Base, JSONDocument, UTCDateTime, utc_now


class InboxMessage(Base):
    __tablename__ = "inbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_id: Mapped[str | None] = mapped_column(String(255), default=None)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    event_status: Mapped[str | None] = mapped_column(String(16), default=None)
    signature_valid: Mapped[bool] = mapped_column(Boolean)
    signature_error: Mapped[str | None] = mapped_column(Text, default=None)
    response_status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    __table_args__ = (
        Index("ix_inbox_messages_received_at", "received_at"),
        Index("ix_inbox_messages_webhook_id", "webhook_id"),
    )
