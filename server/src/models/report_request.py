"""The `requests` table: one row per report request, sync or async."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from src.models.base import Base, JSONDocument, UTCDateTime, utc_now
from src.models.callback_log import CallbackLog
from src.models.enums import RequestMode, RequestStatus


class ReportRequest(Base):
    __tablename__ = "requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    mode: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING)
    input_payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    result_payload: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    report_file: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    # Idempotency: the key is unique while it lives; request_hash detects a key reused
    # with a different body.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    idempotency_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), default=None)

    # Ownership of a running job: the process that claimed it keeps lease_expires_at in the
    # future, so a PROCESSING row whose lease ran out belongs to a process that died.
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    # Webhook delivery state, for async requests only.
    callback_url: Mapped[str | None] = mapped_column(Text, default=None)
    callback_status: Mapped[str | None] = mapped_column(String(16), default=None)
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    callback_series_attempts: Mapped[int] = mapped_column(Integer, default=0)
    callback_trigger: Mapped[str | None] = mapped_column(String(16), default=None)
    callback_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    callback_lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    callback_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    # Set on requests that a benchmark run sent with its token; the run deletes them when it ends.
    benchmark_run_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("benchmark_runs.id", ondelete="CASCADE"), default=None
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    callback_logs: Mapped[list[CallbackLog]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CallbackLog.attempt_number",
    )

    __table_args__ = (
        Index("ix_requests_created_at", "created_at"),
        Index("ix_requests_mode_created_at", "mode", "created_at"),
        Index("ix_requests_status_created_at", "status", "created_at"),
        Index("ix_requests_callback_due", "callback_status", "callback_next_attempt_at"),
        # Serves the default listing (benchmark_run_id IS NULL, newest first) and run clean-up.
        Index("ix_requests_benchmark_run_id_created_at", "benchmark_run_id", "created_at"),
    )

    @property
    def is_async(self) -> bool:
        return self.mode == RequestMode.ASYNC

    @property
    def webhook_id(self) -> str | None:
        """The Standard Webhooks message id: one per result, the same on every retry."""
        if not self.is_async:
            return None
        return f"msg_{self.id.hex}"

    def __repr__(self) -> str:
        return f"<ReportRequest {self.id} {self.mode} {self.status}>"
