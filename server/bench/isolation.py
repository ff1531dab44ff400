"""Isolation: completion time of healthy async jobs while 50 callback endpoints fail and retry.

One service process (SQLite in a temporary folder, or with --postgres a scratch PostgreSQL
database; rate limits on with raised limits)
gets the same healthy load twice: first alone, then while 50 jobs' callbacks go to
endpoints that respond with 503 and are being retried (backoff base 0.25 s, up to 10
attempts). Completion is measured from sending POST /api/async to receiving the callback.

    python -m bench.isolation --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from bench.common import scratch_postgres, uvicorn_server
from src.bench.listener import InProcessServer
from src.bench.loadgen import LoadConfig, run_load

FAILING_ENDPOINTS = 50
HEALTHY_JOBS = 40
HEALTHY_CONCURRENCY = 8
HEALTHY_TRANSACTIONS = 1000
HEALTHY_DELAY_MS = 100
PHASE_DEADLINE_SECONDS = 120.0
TARGET_RATIO = 1.5


class FailingEndpoints:
    """An ASGI app that responds to every callback with 503 and counts the calls."""

    def __init__(self, expected_first_attempts: int) -> None:
        self.calls = 0
        self._expected = expected_first_attempts
        # Set once every failing job has had at least its first attempt.
        self.first_attempts_done = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body", False):
            pass
        self.calls += 1
        if self.calls >= self._expected:
            self.first_attempts_done.set()
        await send({"type": "http.response.start", "status": 503, "headers": [(b"retry-after", b"1")]})
        await send({"type": "http.response.body", "body": b"unavailable"})


async def _healthy_phase(base_url: str) -> dict[str, Any]:
    config = LoadConfig(
        base_url=base_url,
        num_requests=HEALTHY_JOBS,
        concurrency=HEALTHY_CONCURRENCY,
        num_transactions=HEALTHY_TRANSACTIONS,
        simulated_delay_ms=HEALTHY_DELAY_MS,
        deadline_seconds=PHASE_DEADLINE_SECONDS,
        modes=("async",),
    )
    result = await run_load(config)
    figures: dict[str, Any] = result["modes"]["async"]
    return figures


async def _start_failing_jobs(base_url: str, failing_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30, trust_env=False) as client:
        for index in range(FAILING_ENDPOINTS):
            response = await client.post(
                "/api/async",
                json={
                    "payload": {"num_transactions": 10, "report_name": f"failing {index}"},
                    "callback_url": f"{failing_url}/endpoint-{index}",
                },
            )
            response.raise_for_status()


async def run(base_url: str) -> dict[str, Any]:
    alone = await _healthy_phase(base_url)

    failing = FailingEndpoints(FAILING_ENDPOINTS)
    failing_server = InProcessServer(failing)
    await failing_server.start()
    try:
        await _start_failing_jobs(base_url, failing_server.base_url)
        # The healthy load starts once every failing endpoint has had its first attempt.
        await asyncio.wait_for(failing.first_attempts_done.wait(), timeout=60)
        calls_before = failing.calls
        loaded = await _healthy_phase(base_url)
        retries_during = failing.calls - calls_before
    finally:
        await failing_server.stop()

    ratio_p50 = loaded["completion_ms"]["p50"] / alone["completion_ms"]["p50"]
    ratio_p95 = loaded["completion_ms"]["p95"] / alone["completion_ms"]["p95"]
    return {
        "healthy_jobs": HEALTHY_JOBS,
        "failing_endpoints": FAILING_ENDPOINTS,
        "alone": alone,
        "with_failing_endpoints": loaded,
        "failing_attempts_during_healthy_phase": retries_during,
        "completion_p50_ratio": round(ratio_p50, 2),
        "completion_p95_ratio": round(ratio_p95, 2),
        "target_ratio_max": TARGET_RATIO,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="file to write the figures to")
    parser.add_argument(
        "--postgres", action="store_true", help="run on a scratch PostgreSQL database instead of SQLite"
    )
    arguments = parser.parse_args()

    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(scratch_postgres()) if arguments.postgres else None
        result = _measure(database_url)

    result["database"] = "postgresql" if arguments.postgres else "sqlite"
    arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("alone", "with_failing_endpoints")}, indent=2))
    return 0


def _measure(database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="frg-bench-") as temporary:
        work_dir = Path(temporary)
        env = {
            "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{work_dir / 'isolation.db'}",
            "REPORTS_DIR": str(work_dir / "reports"),
            "WEBHOOK_SECRET_FILE": str(work_dir / "webhook_secret"),
            "RATE_LIMIT_ENABLED": "true",
            "RATE_LIMIT_ASYNC": "1000000/minute",
            # Any port on loopback: the healthy and the failing receivers listen on ports chosen at start.
            "CALLBACK_ALLOWED_HOSTS": "127.0.0.1",
            "CALLBACK_BACKOFF_BASE_SECONDS": "0.25",
            "CALLBACK_MAX_ATTEMPTS": "10",
            "LOG_FORMAT": "json",
            "SHUTDOWN_TIMEOUT_SECONDS": "0",
        }
        with uvicorn_server(
            "src.app:app", env=env, log_path=work_dir / "service.log", health_path="/api/health"
        ) as service:
            return asyncio.run(run(service.base_url))


if __name__ == "__main__":
    sys.exit(main())
