"""The `benchmark_runs` table: one row per sync-versus-async benchmark run and its figures."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from src.models.base import Base, JSONDocument, UTCDateTime, utc_now


class BenchmarkRunStatus(StrEnum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class BenchmarkRun(Base):
    __tablename__ = "benchmark_runs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    status: Mapped[str] = mapped_column(String(16), default=BenchmarkRunStatus.RUNNING)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    results: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)

    # The process that runs the benchmark, and the "host:port" of the callback receiver
    # that the load generator listens on. The URL guard lets this run's jobs, and no
    # others, call that receiver while the run is RUNNING and before deadline_at.
    owner: Mapped[str] = mapped_column(String(64))
    callback_receiver: Mapped[str | None] = mapped_column(String(64), default=None)

    # Report requests of the run that could not be deleted when it ended (still PROCESSING).
    leftover_requests: Mapped[int] = mapped_column(Integer, default=0)

    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        Index("ix_benchmark_runs_started_at", "started_at"),
        Index("ix_benchmark_runs_status", "status"),
    )

    def __repr__(self) -> str:
        return f"<BenchmarkRun {self.id} {self.status}>"
