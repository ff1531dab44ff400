"""Webhook delivery under failure: retries that hold no thread, deadlines, caps, redelivery."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from src.config import Settings
from src.services.signing import load_or_create_secret
from tests.conftest import running_app
from tests.support import WebhookReceiver, wait_for


def async_body(callback_url: str, *, seed: int = 1) -> dict[str, object]:
    return {"payload": {"num_transactions": 20, "report_name": "sched", "seed": seed}, "callback_url": callback_url}


async def callback_status(api: httpx.AsyncClient, request_id: str) -> str | None:
    detail = (await api.get(f"/api/requests/{request_id}")).json()
    status: str | None = detail["callback_status"]
    return status


async def test_failing_endpoints_do_not_delay_healthy_callback(
    make_settings: Callable[..., Settings], receiver: WebhookReceiver
) -> None:
    receiver.plan("/dead", [], then=503)
    settings = make_settings(
        callback_allowed_hosts=[receiver.allowed_host],
        worker_threads=2,
        callback_backoff_base_seconds=1.0,
        callback_max_attempts=2,
    )

    async with running_app(settings) as api:
        for seed in range(6):
            assert (await api.post("/api/async", json=async_body(receiver.url("/dead"), seed=seed))).status_code == 202
        await wait_for(lambda: len(receiver.calls("/dead")) >= 6)
        healthy = (await api.post("/api/async", json=async_body(receiver.url("/healthy")))).json()

        await wait_for(lambda: receiver.calls("/healthy"))
        await wait_for(lambda: len(receiver.calls("/dead")) >= 12)
        healthy_status = await callback_status(api, healthy["request_id"])

    dead_calls = receiver.calls("/dead")
    first_retry_at = min(call.received_at for call in dead_calls[6:])
    assert receiver.calls("/healthy")[0].received_at < first_retry_at
    assert healthy_status == "SUCCESS"


async def test_slow_response_hits_overall_deadline(
    make_settings: Callable[..., Settings], receiver: WebhookReceiver
) -> None:
    receiver.misbehave("/slow", "slow")
    settings = make_settings(
        callback_allowed_hosts=[receiver.allowed_host], callback_timeout_seconds=1.0, callback_max_attempts=1
    )

    async with running_app(settings) as api:
        accepted = (await api.post("/api/async", json=async_body(receiver.url("/slow")))).json()

        async def failed() -> bool:
            return await callback_status(api, accepted["request_id"]) == "FAILED"

        await wait_for(failed, timeout=15)
        logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()

    assert logs[0]["error_message"] == "timed out after 1 s"
    assert logs[0]["response_time_ms"] < 5000


async def test_large_response_is_read_up_to_cap(
    make_settings: Callable[..., Settings], receiver: WebhookReceiver
) -> None:
    receiver.misbehave("/huge", "huge")
    settings = make_settings(callback_allowed_hosts=[receiver.allowed_host], callback_max_response_bytes=512)

    async with running_app(settings) as api:
        accepted = (await api.post("/api/async", json=async_body(receiver.url("/huge")))).json()

        async def delivered() -> bool:
            return await callback_status(api, accepted["request_id"]) == "SUCCESS"

        await wait_for(delivered)
        logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()

    assert logs[0]["response_excerpt"] == "x" * 512


async def test_manual_redelivery_after_final_failure(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    receiver.plan("/later", [410])
    accepted = (await api.post("/api/async", json=async_body(receiver.url("/later")))).json()
    request_id = accepted["request_id"]

    async def has_status(expected: str) -> bool:
        return await callback_status(api, request_id) == expected

    await wait_for(lambda: has_status("FAILED"))
    retry = await api.post(f"/api/requests/{request_id}/callback-retry")
    await wait_for(lambda: has_status("SUCCESS"))
    logs = (await api.get(f"/api/requests/{request_id}/callback-logs")).json()
    again = await api.post(f"/api/requests/{request_id}/callback-retry")

    assert retry.status_code == 202
    assert retry.json()["callback_status"] == "PENDING"
    assert [(log["attempt_number"], log["status_code"], log["trigger"]) for log in logs] == [
        (1, 410, "automatic"),
        (2, 200, "manual"),
    ]
    assert again.status_code == 409
    assert "already delivered" in again.json()["detail"]
    webhook_ids = {call.headers["webhook-id"] for call in receiver.calls("/later")}
    assert len(webhook_ids) == 1


async def test_redelivery_conflicts_while_delivery_pending(
    make_settings: Callable[..., Settings], receiver: WebhookReceiver
) -> None:
    receiver.plan("/busy", [], then=503)
    settings = make_settings(callback_allowed_hosts=[receiver.allowed_host], callback_backoff_base_seconds=30)

    async with running_app(settings) as api:
        accepted = (await api.post("/api/async", json=async_body(receiver.url("/busy")))).json()
        await wait_for(lambda: receiver.calls("/busy"))
        await asyncio.sleep(0.2)
        response = await api.post(f"/api/requests/{accepted['request_id']}/callback-retry")

    assert response.status_code == 409
    assert "already in progress" in response.json()["detail"]


async def test_redelivery_of_sync_request_conflicts(api: httpx.AsyncClient) -> None:
    created = (await api.post("/api/sync", json={"payload": {"num_transactions": 5, "report_name": "s"}})).json()

    response = await api.post(f"/api/requests/{created['request_id']}/callback-retry")

    assert response.status_code == 409
    assert "sync request" in response.json()["detail"]


async def test_redelivery_of_unknown_request_is_404(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/requests/00000000-0000-4000-8000-000000000001/callback-retry")

    assert response.status_code == 404


def test_generated_secret_survives_restart(tmp_path: Path) -> None:
    secret_file = tmp_path / "data" / "webhook_secret"

    first = load_or_create_secret(None, secret_file)
    second = load_or_create_secret(None, secret_file)

    assert first.startswith("whsec_")
    assert second == first
    assert secret_file.stat().st_mode & 0o777 == 0o600


def test_configured_secret_wins_over_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "webhook_secret"
    generated = load_or_create_secret(None, secret_file)

    configured = load_or_create_secret("whsec_Y29uZmlndXJlZC1zZWNyZXQtZm9yLXRlc3Rz", secret_file)

    assert configured == "whsec_Y29uZmlndXJlZC1zZWNyZXQtZm9yLXRlc3Rz"
    assert configured != generated
