"""POST /api/benchmark/both: bounds, one run at a time, and the limits of its guard and rate-limit exemptions.

Every run here is small (at most 10 requests per mode) and uses the real load generator
process, the real callback receiver and the real database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from src.app import create_app
from src.config import Settings
from src.database import create_engine
from src.rate_limit import BENCHMARK_TOKEN_HEADER
from tests.support import WebhookReceiver, wait_for

# A run long enough to act on while it is active: the sync phase alone takes 3 x 1 s.
SLOW_RUN = {"num_requests": 3, "concurrency": 1, "num_transactions": 5, "simulated_delay_ms": 1000}
ASYNC_BODY: dict[str, Any] = {"payload": {"num_transactions": 5, "report_name": "outside the run"}}


@pytest.fixture(autouse=True)
async def clean_benchmark_runs(db_url: str) -> None:
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM requests"))
        await connection.execute(text("DELETE FROM benchmark_runs"))
    await engine.dispose()


@asynccontextmanager
async def started_app(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """Start the real app with its lifespan; yield it (for its state) and a client over ASGI."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=120) as client:
            yield app, client


@dataclass
class ActiveRun:
    app: FastAPI
    client: httpx.AsyncClient
    run_id: str
    receiver_url: str
    token: str
    task: asyncio.Task[httpx.Response]


async def _running_run(client: httpx.AsyncClient) -> dict[str, Any] | None:
    page = (await client.get("/api/benchmark/runs")).json()
    for run in page["items"]:
        if run["status"] == "RUNNING" and run["callback_receiver"]:
            return dict(run)
    return None


@asynccontextmanager
async def active_run(settings: Settings) -> AsyncIterator[ActiveRun]:
    """Start a slow benchmark run, yield once its receiver is registered, then wait for it to end."""
    async with started_app(settings) as (app, client):
        task = asyncio.create_task(client.post("/api/benchmark/both", json=SLOW_RUN))
        await wait_for(lambda: _running_run(client), timeout=30)
        run = await _running_run(client)
        assert run is not None
        active = app.state.benchmark_registry.active
        assert active is not None
        token = active.token
        yield ActiveRun(
            app=app,
            client=client,
            run_id=run["id"],
            receiver_url=f"http://{run['callback_receiver']}/benchmark-callback",
            token=token,
            task=task,
        )
        response = await task
        assert response.status_code == 200, response.text


async def test_benchmark_rejects_oversized_runs(api: httpx.AsyncClient) -> None:
    too_many = await api.post("/api/benchmark/both", json={"num_requests": 1001})
    too_concurrent = await api.post("/api/benchmark/both", json={"concurrency": 101})

    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["location"] == "body.num_requests"
    assert too_concurrent.status_code == 422
    assert too_concurrent.json()["errors"][0]["location"] == "body.concurrency"


async def test_benchmark_compares_modes_and_cleans_up(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    body = {"num_requests": 10, "concurrency": 5, "num_transactions": 10, "simulated_delay_ms": 0}
    async with started_app(make_settings()) as (app, client):
        response = await client.post("/api/benchmark/both", json=body)
        listed = (await client.get("/api/requests")).json()
        stored = await client.get(f"/api/benchmark/runs/{response.json()['id']}")
        token_after_run = app.state.benchmark_registry.active

    assert response.status_code == 200, response.text
    run = response.json()
    assert run["status"] == "COMPLETED"
    assert run["sync"]["succeeded"] == 10
    assert run["sync"]["latency_ms"]["p99"] > 0
    assert run["async"]["succeeded"] == 10
    assert run["async"]["callbacks_received"] == 10
    assert run["async"]["completion_ms"]["p50"] > 0
    assert run["leftover_requests"] == 0
    assert listed["total"] == 0
    assert list((tmp_path / "reports").glob("*.csv")) == []
    assert stored.status_code == 200
    assert stored.json()["async"] == run["async"]
    assert token_after_run is None


async def test_benchmark_conflicts_while_running(make_settings: Callable[..., Settings]) -> None:
    async with active_run(make_settings()) as run:
        second = await run.client.post("/api/benchmark/both", json={"num_requests": 10})

    assert second.status_code == 409
    assert second.json()["run_id"] == run.run_id


async def test_benchmark_token_allows_only_its_receiver(
    make_settings: Callable[..., Settings], receiver: WebhookReceiver
) -> None:
    async with active_run(make_settings()) as run:
        headers = {BENCHMARK_TOKEN_HEADER: run.token}
        other_loopback = await run.client.post(
            "/api/async", json={**ASYNC_BODY, "callback_url": receiver.url("/hook")}, headers=headers
        )
        own_receiver = await run.client.post(
            "/api/async", json={**ASYNC_BODY, "callback_url": run.receiver_url}, headers=headers
        )
        own_row = (await run.client.get(f"/api/requests/{own_receiver.json()['request_id']}")).json()
        await run.task
        listed_after = (await run.client.get("/api/requests")).json()

    assert other_loopback.status_code == 422
    assert "loopback" in other_loopback.json()["detail"]
    assert own_receiver.status_code == 202
    assert own_row["callback_url"] == run.receiver_url
    assert listed_after["total"] == 0


async def test_benchmark_receiver_needs_the_token(make_settings: Callable[..., Settings]) -> None:
    async with active_run(make_settings()) as run:
        body = {**ASYNC_BODY, "callback_url": run.receiver_url}
        without_token = await run.client.post("/api/async", json=body)
        wrong_token = await run.client.post(
            "/api/async", json=body, headers={BENCHMARK_TOKEN_HEADER: run.token[:-2] + "xx"}
        )

    assert without_token.status_code == 422
    assert wrong_token.status_code == 422


async def test_benchmark_rate_limit_exemption_needs_live_token(
    make_settings: Callable[..., Settings], receiver: WebhookReceiver
) -> None:
    settings = make_settings(
        rate_limit_enabled=True,
        rate_limit_async="2/minute",
        rate_limit_benchmark="100/minute",
        callback_allowed_hosts=[receiver.allowed_host],
    )
    body = {**ASYNC_BODY, "callback_url": receiver.url("/limited")}

    async with active_run(settings) as run:
        live_token = {BENCHMARK_TOKEN_HEADER: run.token}
        exempt = [(await run.client.post("/api/async", json=body, headers=live_token)).status_code for _ in range(3)]
        wrong_token = {BENCHMARK_TOKEN_HEADER: "not-the-token"}
        wrong = [(await run.client.post("/api/async", json=body, headers=wrong_token)).status_code for _ in range(3)]
        await run.task
        stale = [(await run.client.post("/api/async", json=body, headers=live_token)).status_code for _ in range(3)]

    assert exempt == [202, 202, 202]
    assert 429 in wrong
    assert stale == [429, 429, 429]


async def test_benchmark_has_its_own_rate_limit(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(rate_limit_enabled=True, rate_limit_benchmark="1/minute")
    body = {"num_requests": 1, "concurrency": 1, "num_transactions": 5}
    async with started_app(settings) as (_, client):
        first = await client.post("/api/benchmark/both", json=body)
        second = await client.post("/api/benchmark/both", json=body)

    assert first.status_code == 200, first.text
    assert second.status_code == 429


async def test_running_run_shows_finished_sync_phase(make_settings: Callable[..., Settings]) -> None:
    async with active_run(make_settings()) as run:
        detail: dict[str, Any] = {}

        async def sync_phase_stored() -> bool:
            nonlocal detail
            detail = (await run.client.get(f"/api/benchmark/runs/{run.run_id}")).json()
            return detail["sync"] is not None

        await wait_for(sync_phase_stored, timeout=30)

    assert detail["status"] == "RUNNING"
    assert detail["sync"]["succeeded"] == 3
    assert detail["async"] is None
