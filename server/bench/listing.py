"""Time the first page of GET /api/requests with 100 and with 100,000 stored requests.

Fills a scratch database by bulk insert, serves it with the real app over httpx's
ASGITransport (no network), and prints the median and p95 latency of the first page and
the ratio between the two sizes. SQLite always runs, in a temporary folder; PostgreSQL runs
when --postgres-url names a server, in a scratch database that is created and dropped here.

    cd server && .venv/bin/python -m bench.listing
    cd server && .venv/bin/python -m bench.listing --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

NOTE: the page query uses ix_requests_created_at at both sizes. What grows is the exact
COUNT(*) behind `total`: about 15 ms of the 20 ms first page with 100,000 rows on
PostgreSQL (measured once on the development VM). An unfiltered PostgreSQL listing can report the
planner's estimate (pg_class.reltuples) above a few thousand rows; filtered listings keep
the exact count, because the estimate ignores the filters.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from src.app import create_app
from src.config import Settings
from src.database import create_engine
from src.models import ReportRequest, RequestMode, RequestStatus
from src.models.base import utc_now
from src.runtime import run_migrations

SIZES = (100, 100_000)
INSERT_BATCH = 5_000
SCRATCH_DATABASE = "frg_bench_listing"
WARM_UP_REQUESTS = 20


def build_rows(start: int, count: int) -> list[dict[str, Any]]:
    """Build completed sync and async rows with distinct, increasing creation times."""
    base = utc_now() - timedelta(days=30)
    rows = []
    for index in range(start, start + count):
        created = base + timedelta(milliseconds=index * 10)
        is_async = index % 2 == 0
        rows.append(
            {
                "id": uuid.uuid4(),
                "mode": RequestMode.ASYNC if is_async else RequestMode.SYNC,
                "status": RequestStatus.COMPLETED,
                "input_payload": {"num_transactions": 100, "report_name": f"bench {index}", "seed": index},
                "callback_url": "https://hooks.example.com/bench" if is_async else None,
                "callback_status": "SUCCESS" if is_async else None,
                "callback_attempts": 1 if is_async else 0,
                "callback_series_attempts": 1 if is_async else 0,
                "created_at": created,
                "started_at": created,
                "completed_at": created + timedelta(milliseconds=50),
            }
        )
    return rows


async def fill(database_url: str, *, existing: int, target: int) -> None:
    engine = create_engine(database_url)
    try:
        for start in range(existing, target, INSERT_BATCH):
            count = min(INSERT_BATCH, target - start)
            async with engine.begin() as connection:
                await connection.execute(insert(ReportRequest), build_rows(start, count))
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execute(text("ANALYZE requests"))
    finally:
        await engine.dispose()


async def time_first_page(settings: Settings, *, requests: int) -> list[float]:
    """Return the latency in milliseconds of `requests` calls of the first page."""
    app = create_app(settings)
    latencies = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for index in range(WARM_UP_REQUESTS + requests):
                started = time.perf_counter()
                response = await client.get("/api/requests", params={"limit": 20})
                elapsed_ms = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if index >= WARM_UP_REQUESTS:
                    latencies.append(elapsed_ms)
    return latencies


def summarise(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


async def run_backend(label: str, database_url: str, work_dir: Path, *, requests: int) -> None:
    await asyncio.to_thread(run_migrations, database_url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        migrate_on_start=False,
        reports_dir=work_dir / "reports",
        webhook_secret_file=work_dir / "webhook_secret",
        rate_limit_enabled=False,
        log_level="WARNING",
        dispatch_poll_seconds=60,
    )

    medians = {}
    existing = 0
    for size in SIZES:
        started = time.perf_counter()
        await fill(database_url, existing=existing, target=size)
        existing = size
        fill_seconds = time.perf_counter() - started
        median, p95 = summarise(await time_first_page(settings, requests=requests))
        medians[size] = median
        print(
            f"{label:10} rows={size:>7,}  first page median={median:7.2f} ms  p95={p95:7.2f} ms  "
            f"(filled in {fill_seconds:.1f} s, {requests} requests)"
        )
    print(f"{label:10} ratio median {SIZES[-1]:,} / {SIZES[0]:,} rows = {medians[SIZES[-1]] / medians[SIZES[0]]:.2f}")


async def run_postgresql(admin_url: str, work_dir: Path, *, requests: int) -> None:
    """Create the scratch database, measure, and drop it again."""
    admin = create_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    scratch_url = make_url(admin_url).set(database=SCRATCH_DATABASE).render_as_string(hide_password=False)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}"))
            await connection.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
        await run_backend("postgresql", scratch_url, work_dir, requests=requests)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--postgres-url",
        help="URL of a PostgreSQL server and a database to connect to for CREATE DATABASE, "
        f"e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres; {SCRATCH_DATABASE} is created there",
    )
    parser.add_argument("--requests", type=int, default=200, help="timed first-page requests per size (default 200)")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="frg-bench-listing-") as directory:
        work_dir = Path(directory)
        await run_backend(
            "sqlite", f"sqlite+aiosqlite:///{work_dir / 'bench.db'}", work_dir, requests=arguments.requests
        )
        if arguments.postgres_url:
            await run_postgresql(arguments.postgres_url, work_dir, requests=arguments.requests)


if __name__ == "__main__":
    asyncio.run(main())
