"""Idempotency keys over HTTP: replays, key reuse, in-progress repeats, expiry and races."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text, update

from src.config import Settings
from src.database import create_engine, create_session_factory
from src.models import ReportRequest
from src.models.base import utc_now
from tests.conftest import running_app
from tests.support import WebhookReceiver, wait_for
from tests.test_async_reports import async_body, wait_until_settled
from tests.test_sync_reports import sync_body


async def count_requests(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text("SELECT COUNT(*) FROM requests"))).scalar_one())
    finally:
        await engine.dispose()


async def expire_key(db_url: str, key: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(ReportRequest)
                .where(ReportRequest.idempotency_key == key)
                .values(idempotency_expires_at=utc_now() - timedelta(minutes=1))
            )
    finally:
        await engine.dispose()


def new_key() -> str:
    return f"test-{uuid.uuid4()}"


async def test_sync_repeat_replays_original(api: httpx.AsyncClient, db_url: str) -> None:
    key = new_key()

    first = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})
    repeat = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})

    assert first.status_code == 200
    assert "idempotent-replayed" not in first.headers
    assert repeat.status_code == 200
    assert repeat.headers["idempotent-replayed"] == "true"
    replay = repeat.json()
    assert replay["status"] == "duplicate"
    assert replay["request_id"] == first.json()["request_id"]
    assert replay["request_status"] == "COMPLETED"
    assert replay["result"] == first.json()["result"]
    assert await count_requests(db_url) == 1


async def test_x_idempotency_key_names_same_key(api: httpx.AsyncClient, db_url: str) -> None:
    key = new_key()

    first = await api.post("/api/sync", json=sync_body(), headers={"X-Idempotency-Key": key})
    repeat = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})

    assert first.status_code == 200
    assert repeat.json()["status"] == "duplicate"
    assert repeat.json()["request_id"] == first.json()["request_id"]
    assert await count_requests(db_url) == 1


async def test_key_order_and_spacing_do_not_matter(api: httpx.AsyncClient) -> None:
    key = new_key()
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}

    first = await api.post(
        "/api/sync", content=b'{"payload": {"num_transactions": 10, "report_name": "a", "seed": 1}}', headers=headers
    )
    repeat = await api.post(
        "/api/sync", content=b'{"payload":{"seed":1,"report_name":"a","num_transactions":10}}', headers=headers
    )

    assert first.status_code == 200
    assert repeat.json()["status"] == "duplicate"


async def test_key_reused_with_other_body_is_422(api: httpx.AsyncClient, db_url: str) -> None:
    key = new_key()
    first = await api.post("/api/sync", json=sync_body(seed=1), headers={"Idempotency-Key": key})

    reused = await api.post("/api/sync", json=sync_body(seed=2), headers={"Idempotency-Key": key})

    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    problem = reused.json()
    assert problem["type"].endswith("/idempotency-key-reused")
    assert problem["report_request_id"] == first.json()["request_id"]
    assert problem["request_id"] == reused.headers["x-request-id"]
    assert key in problem["detail"]
    assert await count_requests(db_url) == 1


async def test_key_reused_on_other_endpoint_is_422(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    key = new_key()
    await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})

    reused = await api.post("/api/async", json=async_body(receiver.url("/hook")), headers={"Idempotency-Key": key})

    assert reused.status_code == 422
    assert reused.json()["type"].endswith("/idempotency-key-reused")
    assert receiver.calls("/hook") == []


async def test_repeat_while_sync_runs_is_409(api: httpx.AsyncClient) -> None:
    key = new_key()
    body = sync_body(delay_ms=1500)
    original = asyncio.create_task(api.post("/api/sync", json=body, headers={"Idempotency-Key": key}))

    async def is_processing() -> bool:
        page = (await api.get("/api/requests", params={"status": "PROCESSING"})).json()
        return bool(page["total"] == 1)

    await wait_for(is_processing, timeout=10)
    in_progress = await api.post("/api/sync", json=body, headers={"Idempotency-Key": key})
    finished = await original
    after = await api.post("/api/sync", json=body, headers={"Idempotency-Key": key})

    assert in_progress.status_code == 409
    assert in_progress.headers["retry-after"] == "1"
    assert in_progress.headers["content-type"] == "application/problem+json"
    assert in_progress.json()["report_request_id"] == finished.json()["request_id"]
    assert finished.status_code == 200
    assert after.status_code == 200
    assert after.json()["status"] == "duplicate"
    assert after.json()["request_status"] == "COMPLETED"


async def test_async_repeat_returns_job_state(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    key = new_key()
    body = async_body(receiver.url("/once"))

    accepted = await api.post("/api/async", json=body, headers={"Idempotency-Key": key})
    early = await api.post("/api/async", json=body, headers={"Idempotency-Key": key})
    request_id = accepted.json()["request_id"]
    await wait_until_settled(api, request_id)
    late = await api.post("/api/async", json=body, headers={"Idempotency-Key": key})

    assert accepted.status_code == 202
    assert early.status_code == 200
    assert early.headers["idempotent-replayed"] == "true"
    assert early.headers["location"] == f"/api/requests/{request_id}"
    assert early.json()["status"] == "duplicate"
    assert early.json()["request_id"] == request_id
    assert early.json()["request_status"] in ("PENDING", "PROCESSING", "COMPLETED")
    assert late.json()["request_status"] == "COMPLETED"
    assert late.json()["result"]["rows"] == 100
    assert len(receiver.calls("/once")) == 1


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "characters long"),
        (b"k" * 256, "256 characters long"),
        ("clé".encode(), "printable ASCII"),
        (b"tab\tinside", "printable ASCII"),
        (b"bell\x07", "printable ASCII"),
    ],
    ids=["empty", "too-long", "non-ascii", "tab", "control"],
)
async def test_invalid_key_is_400(api: httpx.AsyncClient, value: bytes, reason: str) -> None:
    response = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": value})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert reason in response.json()["detail"]


async def test_longest_key_is_accepted(api: httpx.AsyncClient) -> None:
    key = "k" * 255

    first = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})
    repeat = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})

    assert first.status_code == 200
    assert repeat.json()["status"] == "duplicate"


async def test_two_different_key_headers_are_400(api: httpx.AsyncClient, db_url: str) -> None:
    response = await api.post(
        "/api/sync", json=sync_body(), headers={"Idempotency-Key": "one", "X-Idempotency-Key": "two"}
    )

    assert response.status_code == 400
    assert "send only one" in response.json()["detail"]
    assert await count_requests(db_url) == 0


async def stored_request(db_url: str, key: str) -> ReportRequest:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            row = await session.scalar(select(ReportRequest).where(ReportRequest.idempotency_key == key))
    finally:
        await engine.dispose()
    assert row is not None
    return row


async def test_key_expiry_follows_ttl_setting(make_settings: Callable[..., Settings], db_url: str) -> None:
    key = new_key()
    async with running_app(make_settings(idempotency_ttl_hours=2)) as api:
        await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})

    row = await stored_request(db_url, key)
    assert row.idempotency_expires_at is not None
    assert timedelta(hours=1, minutes=59) < row.idempotency_expires_at - row.created_at <= timedelta(hours=2)


async def test_expired_key_starts_new_request(api: httpx.AsyncClient, db_url: str) -> None:
    key = new_key()
    first = (await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})).json()
    await expire_key(db_url, key)

    after_expiry = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})
    repeat = await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": key})

    assert after_expiry.status_code == 200
    assert "idempotent-replayed" not in after_expiry.headers
    assert after_expiry.json()["request_id"] != first["request_id"]
    assert repeat.json()["request_id"] == after_expiry.json()["request_id"]
    assert await count_requests(db_url) == 2


CONCURRENT_REPEATS = 50


async def test_concurrent_sync_repeats_create_one_request(api: httpx.AsyncClient, db_url: str) -> None:
    key = new_key()

    responses = await asyncio.gather(
        *(
            api.post("/api/sync", json=sync_body(rows=50), headers={"Idempotency-Key": key})
            for _ in range(CONCURRENT_REPEATS)
        )
    )

    statuses = [response.status_code for response in responses]
    originals = [r for r in responses if r.status_code == 200 and r.json().get("status") == "COMPLETED"]
    # A 409 names the running original in report_request_id; its request_id is the X-Request-ID.
    request_ids = {r.json()["request_id" if r.status_code == 200 else "report_request_id"] for r in responses}
    assert set(statuses) <= {200, 409}
    assert len(originals) == 1
    assert len(request_ids) == 1
    assert await count_requests(db_url) == 1


async def test_concurrent_async_repeats_create_one_job(
    api: httpx.AsyncClient, receiver: WebhookReceiver, db_url: str
) -> None:
    key = new_key()
    body = async_body(receiver.url("/race"))

    responses = await asyncio.gather(
        *(api.post("/api/async", json=body, headers={"Idempotency-Key": key}) for _ in range(CONCURRENT_REPEATS))
    )
    request_ids = {response.json()["request_id"] for response in responses}
    await wait_until_settled(api, request_ids.pop())

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (CONCURRENT_REPEATS - 1) + [202]
    assert request_ids == set()
    assert await count_requests(db_url) == 1
    assert len(receiver.calls("/race")) == 1
