"""Benchmark request and result bodies."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from src.config import MAX_SIMULATED_DELAY_MS
from src.models.benchmark_run import BenchmarkRunStatus

MAX_BENCHMARK_REQUESTS = 1000
MAX_BENCHMARK_CONCURRENCY = 100
# Each mode writes up to num_requests reports of this many rows (about 70 bytes each)
# before the run deletes them, so this caps the run's disk use near 1.4 GB.
MAX_BENCHMARK_TRANSACTIONS = 10_000


class BenchmarkRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"num_requests": 100, "concurrency": 50, "num_transactions": 100, "simulated_delay_ms": 500}]
        },
    )

    num_requests: int = Field(default=100, ge=1, le=MAX_BENCHMARK_REQUESTS, description="Requests sent per mode.")
    concurrency: int = Field(
        default=10, ge=1, le=MAX_BENCHMARK_CONCURRENCY, description="Clients sending at the same time."
    )
    num_transactions: int = Field(default=100, ge=1, le=MAX_BENCHMARK_TRANSACTIONS, description="Rows per report.")
    simulated_delay_ms: int = Field(
        default=0, ge=0, le=MAX_SIMULATED_DELAY_MS, description="Upstream delay per report, in milliseconds."
    )


class LatencySummary(BaseModel):
    """Nearest-rank percentiles in milliseconds."""

    p50: float
    p95: float
    p99: float
    max: float


class ModeFigures(BaseModel):
    mode: str
    planned: int
    sent: int
    succeeded: int = Field(description="200 for sync, 202 for async.")
    failed: int
    failed_by_status: dict[str, int] = Field(
        description="Failed requests by HTTP status, or by 'timeout' and 'connection_error'."
    )
    not_sent: int = Field(description="Requests not sent because the deadline passed.")
    stopped_by_deadline: bool
    wall_seconds: float = Field(description="From the first request sent to the last response received.")
    throughput_per_second: float = Field(description="Successful requests per wall-clock second.")
    latency_ms: LatencySummary | None = Field(description="Response latency of successful requests.")


class AsyncModeFigures(ModeFigures):
    callbacks_received: int
    callbacks_missing: int = Field(description="Accepted jobs whose callback had not arrived by the deadline.")
    completion_ms: LatencySummary | None = Field(
        description="From sending POST /api/async to receiving the job's callback."
    )
    completion_wall_seconds: float = Field(description="From the first request sent to the last callback received.")
    completed_per_second: float


class BenchmarkRunDetail(BaseModel):
    id: uuid.UUID
    status: BenchmarkRunStatus
    parameters: BenchmarkRequest
    sync: ModeFigures | None
    async_: AsyncModeFigures | None = Field(alias="async")
    error: str | None
    leftover_requests: int = Field(
        description="Requests of the run that were still PROCESSING and could not be deleted when it ended."
    )
    callback_receiver: str | None = Field(description="host:port of the run's callback receiver while it runs.")
    started_at: datetime
    deadline_at: datetime
    finished_at: datetime | None


class BenchmarkRunPage(BaseModel):
    items: list[BenchmarkRunDetail]
    total: int
    limit: int
    offset: int
