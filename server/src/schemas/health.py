"""The health check body."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class DatabaseHealth(BaseModel):
    ok: bool
    dialect: str
    latency_ms: float | None
    error: str | None


class WorkerHealth(BaseModel):
    threads: int
    busy: int
    queued: int
    pending_jobs: int | None
    deliveries_in_flight: int


class HealthResponse(BaseModel):
    status: Literal["ok", "unavailable"]
    version: str
    uptime_seconds: float
    database: DatabaseHealth
    worker: WorkerHealth
