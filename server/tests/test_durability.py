"""Crashes, shutdowns and several processes: no accepted job is lost or run twice.

These tests start the service as real uvicorn processes on 127.0.0.1 and kill or stop them
with real signals. Each takes a few seconds.
"""

from __future__ import annotations

import asyncio
import collections
import signal
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from src.database import create_engine
from tests.conftest import TEST_WEBHOOK_SECRET
from tests.support import ServerProcess, WebhookReceiver, wait_for

pytestmark = pytest.mark.slow


def server_env(db_url: str, tmp_path: Path, receiver: WebhookReceiver, **overrides: str) -> dict[str, str]:
    env = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": db_url,
        "MIGRATE_ON_START": "false",
        "REPORTS_DIR": str(tmp_path / "reports"),
        "WEBHOOK_SECRET": TEST_WEBHOOK_SECRET,
        "CALLBACK_ALLOWED_HOSTS": receiver.allowed_host,
        "RATE_LIMIT_ENABLED": "false",
        "WORKER_THREADS": "2",
        "JOB_LEASE_SECONDS": "2",
        "DISPATCH_POLL_SECONDS": "0.2",
        "CALLBACK_BACKOFF_BASE_SECONDS": "0.2",
        "SHUTDOWN_TIMEOUT_SECONDS": "5",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    env.update(overrides)
    return env


def job_body(receiver: WebhookReceiver, *, delay_ms: int, seed: int) -> dict[str, object]:
    return {
        "payload": {"num_transactions": 50, "report_name": "durable", "seed": seed, "simulated_delay_ms": delay_ms},
        "callback_url": receiver.url("/durable"),
    }


async def job_states(db_url: str) -> dict[str, tuple[str, str | None]]:
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT id, status, callback_status FROM requests"))
            return {str(uuid.UUID(str(row.id))): (row.status, row.callback_status) for row in rows}
    finally:
        await engine.dispose()


async def successful_deliveries(db_url: str) -> collections.Counter[str]:
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT request_id FROM callback_logs WHERE success"))
            return collections.Counter(str(uuid.UUID(str(row.request_id))) for row in rows)
    finally:
        await engine.dispose()


async def submit_jobs(base_urls: list[str], receiver: WebhookReceiver, count: int, delay_ms: int) -> list[str]:
    ids = []
    for index in range(count):
        base_url = base_urls[index % len(base_urls)]
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            response = await client.post("/api/async", json=job_body(receiver, delay_ms=delay_ms, seed=index))
        assert response.status_code == 202, response.text
        ids.append(response.json()["request_id"])
    return ids


async def wait_all_delivered(db_url: str, ids: list[str], timeout: float = 60) -> None:
    async def delivered() -> bool:
        states = await job_states(db_url)
        return all(states.get(request_id) == ("COMPLETED", "SUCCESS") for request_id in ids)

    await wait_for(delivered, timeout=timeout, interval=0.3)


async def test_sigkill_mid_way_loses_no_job(db_url: str, tmp_path: Path, receiver: WebhookReceiver) -> None:
    env = server_env(db_url, tmp_path, receiver)
    first = ServerProcess(env, tmp_path / "first.log")
    second = ServerProcess(env, tmp_path / "second.log")
    try:
        first.start()
        ids = await submit_jobs([first.base_url], receiver, count=20, delay_ms=300)

        async def some_completed() -> bool:
            states = await job_states(db_url)
            return sum(status == "COMPLETED" for status, _ in states.values()) >= 3

        await wait_for(some_completed, timeout=30)
        first.kill()
        before = await job_states(db_url)

        second.start()
        await wait_all_delivered(db_url, ids)
        successes = await successful_deliveries(db_url)
    finally:
        first.stop()
        second.stop()

    assert len(before) == 20
    assert any(status != "COMPLETED" for status, _ in before.values())
    assert all(status != "FAILED" for status, _ in before.values())
    for request_id in ids:
        assert successes[request_id] == 1, request_id


async def test_sigterm_finishes_running_job_and_keeps_queue(
    db_url: str, tmp_path: Path, receiver: WebhookReceiver
) -> None:
    env = server_env(db_url, tmp_path, receiver, WORKER_THREADS="1", SHUTDOWN_TIMEOUT_SECONDS="10")
    server = ServerProcess(env, tmp_path / "server.log")
    restarted = ServerProcess(env, tmp_path / "restarted.log")
    try:
        server.start()
        ids = await submit_jobs([server.base_url], receiver, count=3, delay_ms=1500)

        async def first_running() -> bool:
            return (await job_states(db_url))[ids[0]][0] == "PROCESSING"

        await wait_for(first_running, timeout=10)
        exit_code = await asyncio.to_thread(server.terminate)
        after_stop = await job_states(db_url)

        restarted.start()
        await wait_all_delivered(db_url, ids)
    finally:
        server.stop()
        restarted.stop()

    # uvicorn re-raises the signal after its graceful shutdown, so the exit status is -SIGTERM.
    assert exit_code in (0, -signal.SIGTERM)
    assert any(event.get("event") == "service_stopped" for event in server.log_events())
    statuses = [status for status, _ in after_stop.values()]
    assert "FAILED" not in statuses
    assert "PROCESSING" not in statuses
    assert statuses.count("COMPLETED") == 1
    assert statuses.count("PENDING") == 2


async def test_sigterm_after_timeout_hands_jobs_back(db_url: str, tmp_path: Path, receiver: WebhookReceiver) -> None:
    env = server_env(db_url, tmp_path, receiver, SHUTDOWN_TIMEOUT_SECONDS="0.3")
    server = ServerProcess(env, tmp_path / "server.log")
    restarted = ServerProcess({**env, "SHUTDOWN_TIMEOUT_SECONDS": "10"}, tmp_path / "restarted.log")
    try:
        server.start()
        ids = await submit_jobs([server.base_url], receiver, count=4, delay_ms=3000)

        async def two_running() -> bool:
            states = await job_states(db_url)
            return sum(status == "PROCESSING" for status, _ in states.values()) == 2

        await wait_for(two_running, timeout=10)
        exit_code = await asyncio.to_thread(server.terminate)
        after_stop = await job_states(db_url)

        restarted.start()
        await wait_all_delivered(db_url, ids)
    finally:
        server.stop()
        restarted.stop()

    assert exit_code in (0, -signal.SIGTERM)
    assert any(event.get("event") == "service_stopped" for event in server.log_events())
    assert [status for status, _ in after_stop.values()] == ["PENDING"] * 4


async def test_two_processes_run_each_job_once(db_url: str, tmp_path: Path, receiver: WebhookReceiver) -> None:
    env = server_env(db_url, tmp_path, receiver, WORKER_THREADS="3")
    servers = [ServerProcess(env, tmp_path / f"server-{index}.log") for index in range(2)]
    try:
        for server in servers:
            server.start()
        ids = await submit_jobs([server.base_url for server in servers], receiver, count=30, delay_ms=100)
        await wait_all_delivered(db_url, ids)
        successes = await successful_deliveries(db_url)
        events = [event for server in servers for event in server.log_events()]
    finally:
        for server in servers:
            server.stop()

    generation_starts = collections.Counter(
        str(event["request_id"]) for event in events if event.get("event") == "report_generation_started"
    )
    workers_used = {str(event.get("owner")) for event in events if event.get("event") == "dispatcher_started"}
    received = collections.Counter(call.headers["webhook-id"] for call in receiver.calls("/durable"))
    assert len(workers_used) == 2
    for request_id in ids:
        assert generation_starts[request_id] == 1, request_id
        assert successes[request_id] == 1, request_id
        assert received[f"msg_{uuid.UUID(request_id).hex}"] == 1, request_id
