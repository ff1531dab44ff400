"""Rate limits per client address: headers, 429s, per-endpoint counts, proxies and Redis storage."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import redis
from redis.exceptions import RedisError

from src.config import Settings
from tests.conftest import IN_CI, running_app
from tests.support import WebhookReceiver, wait_for
from tests.test_sync_reports import sync_body

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RATE_LIMIT_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")

# The windows are an hour long, so no test can cross a window boundary while it runs.
INVALID_ASYNC_BODY = {"payload": {"num_transactions": 1, "report_name": "x"}, "callback_url": "ftp://example.com/"}


def assert_rate_limit_headers(response: httpx.Response, *, limit: int, remaining: int) -> None:
    for name in RATE_LIMIT_HEADERS:
        assert len(response.headers.get_list(name)) == 1, f"{name} appears {response.headers.get_list(name)}"
    assert response.headers["x-ratelimit-limit"] == str(limit)
    assert response.headers["x-ratelimit-remaining"] == str(remaining)
    assert int(response.headers["x-ratelimit-reset"]) >= int(time.time())


@pytest.fixture
async def limited_api(make_settings: Callable[..., Settings]) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(rate_limit_enabled=True, rate_limit_sync="3/hour", rate_limit_async="2/hour")
    async with running_app(settings) as client:
        yield client


async def test_sync_limit_gives_429_with_headers(limited_api: httpx.AsyncClient) -> None:
    allowed = [await limited_api.post("/api/sync", json=sync_body(rows=10)) for _ in range(3)]
    rejected = await limited_api.post("/api/sync", json=sync_body(rows=10), headers={"X-Request-ID": "flood-4"})

    for index, response in enumerate(allowed):
        assert response.status_code == 200
        assert_rate_limit_headers(response, limit=3, remaining=2 - index)
        assert "retry-after" not in response.headers
    assert rejected.status_code == 429
    assert_rate_limit_headers(rejected, limit=3, remaining=0)
    assert len(rejected.headers.get_list("retry-after")) == 1
    assert 1 <= int(rejected.headers["retry-after"]) <= 3600
    assert rejected.headers["content-type"] == "application/problem+json"
    assert rejected.headers["x-request-id"] == "flood-4"
    problem = rejected.json()
    assert problem["status"] == 429
    assert problem["type"].endswith("/rate-limited")
    assert "3 per 1 hour" in problem["detail"]
    assert problem["request_id"] == "flood-4"


async def test_endpoints_are_counted_separately(limited_api: httpx.AsyncClient) -> None:
    for _ in range(3):
        await limited_api.post("/api/sync", json=sync_body(rows=10))

    sync_rejected = await limited_api.post("/api/sync", json=sync_body(rows=10))
    first_async = await limited_api.post("/api/async", json=INVALID_ASYNC_BODY)

    assert sync_rejected.status_code == 429
    assert first_async.status_code == 422
    assert_rate_limit_headers(first_async, limit=2, remaining=1)


async def test_invalid_bodies_count_against_limit(limited_api: httpx.AsyncClient) -> None:
    invalid = [await limited_api.post("/api/async", json=INVALID_ASYNC_BODY) for _ in range(2)]
    malformed = await limited_api.post("/api/async", content=b"{not json", headers={"Content-Type": "application/json"})

    assert [response.status_code for response in invalid] == [422, 422]
    assert_rate_limit_headers(invalid[1], limit=2, remaining=0)
    assert malformed.status_code == 429


async def test_unlimited_routes_have_no_headers(limited_api: httpx.AsyncClient) -> None:
    response = await limited_api.get("/api/requests")

    assert response.status_code == 200
    for name in (*RATE_LIMIT_HEADERS, "retry-after"):
        assert name not in response.headers


async def test_disabled_limits_send_no_headers(api: httpx.AsyncClient) -> None:
    responses = [await api.post("/api/async", json=INVALID_ASYNC_BODY) for _ in range(5)]

    assert [response.status_code for response in responses] == [422] * 5
    for name in (*RATE_LIMIT_HEADERS, "retry-after"):
        assert name not in responses[-1].headers


async def test_conflict_keeps_its_retry_after(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(rate_limit_enabled=True, rate_limit_sync="10/hour")
    body = sync_body(delay_ms=1500)
    headers = {"Idempotency-Key": f"conflict-{uuid.uuid4()}"}
    async with running_app(settings) as api:
        original = asyncio.create_task(api.post("/api/sync", json=body, headers=headers))

        async def is_processing() -> bool:
            page = (await api.get("/api/requests", params={"status": "PROCESSING"})).json()
            return bool(page["total"] == 1)

        await wait_for(is_processing, timeout=10)
        conflict = await api.post("/api/sync", json=body, headers=headers)
        await original

    assert conflict.status_code == 409
    assert conflict.headers.get_list("retry-after") == ["1"]
    assert_rate_limit_headers(conflict, limit=10, remaining=8)


async def test_forwarded_for_ignored_from_untrusted_peer(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(rate_limit_enabled=True, rate_limit_async="2/hour")
    async with running_app(settings) as api:
        statuses = [
            (
                await api.post("/api/async", json=INVALID_ASYNC_BODY, headers={"X-Forwarded-For": f"203.0.113.{n}"})
            ).status_code
            for n in range(3)
        ]

    assert statuses == [422, 422, 429]


async def test_forwarded_for_trusted_from_listed_proxy(make_settings: Callable[..., Settings]) -> None:
    # The ASGI test client connects from 127.0.0.1, which is listed here as the proxy.
    settings = make_settings(rate_limit_enabled=True, rate_limit_async="2/hour", forwarded_allow_ips=["127.0.0.1"])
    async with running_app(settings) as api:

        async def post_as(forwarded_for: str) -> int:
            response = await api.post("/api/async", json=INVALID_ASYNC_BODY, headers={"X-Forwarded-For": forwarded_for})
            return response.status_code

        first_client = [await post_as("203.0.113.1") for _ in range(2)]
        second_client = await post_as("203.0.113.2")
        # A client that prepends a made-up hop is still keyed by the address the proxy saw.
        spoofed = await post_as("198.51.100.99, 203.0.113.1")

    assert first_client == [422, 422]
    assert second_client == 422
    assert spoofed == 429


async def test_benchmark_token_is_exempt(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(rate_limit_enabled=True, rate_limit_async="1/hour")
    async with running_app(settings) as api:
        registry = api._transport.app.state.benchmark_registry  # type: ignore[attr-defined]
        token = registry.begin(uuid.uuid4()).token
        exempt = [
            await api.post("/api/async", json=INVALID_ASYNC_BODY, headers={"X-Benchmark-Token": token})
            for _ in range(3)
        ]
        counted = await api.post("/api/async", json=INVALID_ASYNC_BODY)
        wrong_token = await api.post("/api/async", json=INVALID_ASYNC_BODY, headers={"X-Benchmark-Token": "guess"})

    assert [response.status_code for response in exempt] == [422] * 3
    assert "x-ratelimit-limit" not in exempt[0].headers
    assert counted.status_code == 422
    assert wrong_token.status_code == 429


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except RedisError as error:
        if IN_CI:
            raise
        pytest.skip(f"Redis at {TEST_REDIS_URL} is unreachable ({error}); start Redis or set TEST_REDIS_URL")
    return TEST_REDIS_URL


async def test_redis_storage_shares_counts_between_apps(
    make_settings: Callable[..., Settings], redis_url: str, receiver: WebhookReceiver
) -> None:
    # A fresh client address per run keeps counts of earlier runs out of this one.
    client_address = f"2001:db8::{uuid.uuid4().hex[:4]}"
    headers = {"X-Forwarded-For": client_address}
    settings = make_settings(
        rate_limit_enabled=True,
        rate_limit_async="3/hour",
        rate_limit_storage_uri=redis_url,
        forwarded_allow_ips=["127.0.0.1"],
    )
    try:
        async with running_app(settings) as first_app, running_app(settings) as second_app:
            on_first = [await first_app.post("/api/async", json=INVALID_ASYNC_BODY, headers=headers) for _ in range(2)]
            on_second = [
                await second_app.post("/api/async", json=INVALID_ASYNC_BODY, headers=headers) for _ in range(2)
            ]
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"*{client_address}*", count=100):
            client.delete(key)

    assert [response.status_code for response in on_first] == [422, 422]
    assert on_second[0].status_code == 422
    assert_rate_limit_headers(on_second[0], limit=3, remaining=0)
    assert on_second[1].status_code == 429


async def test_unreachable_storage_is_503(make_settings: Callable[..., Settings]) -> None:
    # Nothing listens on loopback port 1, so every connection is refused at once.
    settings = make_settings(rate_limit_enabled=True, rate_limit_storage_uri="redis://127.0.0.1:1/0")
    async with running_app(settings) as api:
        response = await api.post("/api/sync", json=sync_body(rows=10))

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "RATE_LIMIT_STORAGE_URI" in response.json()["detail"]
    assert response.headers["retry-after"] == "5"
