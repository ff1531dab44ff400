"""POST /api/async end to end against a real receiver on 127.0.0.1: delivery, retries, signatures."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from src.config import Settings
from src.services.signing import WebhookSigner, generate_secret
from tests.conftest import TEST_WEBHOOK_SECRET, running_app
from tests.support import WebhookReceiver, wait_for


def async_body(callback_url: str, *, rows: int = 100, delay_ms: int = 0, seed: int = 3) -> dict[str, object]:
    return {
        "payload": {"num_transactions": rows, "report_name": "Q3 ledger", "seed": seed, "simulated_delay_ms": delay_ms},
        "callback_url": callback_url,
    }


async def wait_until_settled(api: httpx.AsyncClient, request_id: str) -> dict[str, object]:
    """Wait until the job is done and its callback ended in SUCCESS or FAILED."""
    detail: dict[str, object] = {}

    async def settled() -> bool:
        nonlocal detail
        detail = (await api.get(f"/api/requests/{request_id}")).json()
        return detail["callback_status"] in ("SUCCESS", "FAILED")

    await wait_for(settled, timeout=20)
    return detail


async def test_async_report_is_delivered(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    response = await api.post("/api/async", json=async_body(receiver.url("/hook")))

    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] == "PENDING"
    assert response.headers["location"] == f"/api/requests/{accepted['request_id']}"

    detail = await wait_until_settled(api, accepted["request_id"])
    assert detail["status"] == "COMPLETED"
    assert detail["callback_status"] == "SUCCESS"
    calls = receiver.calls("/hook")
    assert len(calls) == 1
    event = json.loads(calls[0].body)
    assert event["type"] == "report.completed"
    assert event["request_id"] == accepted["request_id"]
    assert event["status"] == "COMPLETED"
    assert event["result"]["rows"] == 100
    logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()
    assert [(log["attempt_number"], log["status_code"], log["success"]) for log in logs] == [(1, 200, True)]
    assert logs[0]["trigger"] == "automatic"


async def test_failing_twice_then_success_logs_three_attempts(
    api: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    receiver.plan("/flaky", [503, 500])

    accepted = (await api.post("/api/async", json=async_body(receiver.url("/flaky")))).json()
    detail = await wait_until_settled(api, accepted["request_id"])
    logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()

    assert detail["callback_status"] == "SUCCESS"
    assert detail["callback_attempts"] == 3
    assert [log["attempt_number"] for log in logs] == [1, 2, 3]
    assert [log["status_code"] for log in logs] == [503, 500, 200]
    assert [log["success"] for log in logs] == [False, False, True]
    assert logs[0]["next_attempt_at"] is not None
    assert logs[1]["next_attempt_at"] is not None
    assert logs[2]["next_attempt_at"] is None
    assert "HTTP 503" in logs[0]["error_message"]
    webhook_ids = {call.headers["webhook-id"] for call in receiver.calls("/flaky")}
    assert webhook_ids == {detail["webhook_id"]}


@pytest.mark.parametrize("status", [408, 429, 502])
async def test_retryable_statuses_are_retried(api: httpx.AsyncClient, receiver: WebhookReceiver, status: int) -> None:
    receiver.plan("/retryable", [status])

    accepted = (await api.post("/api/async", json=async_body(receiver.url("/retryable")))).json()
    detail = await wait_until_settled(api, accepted["request_id"])

    assert detail["callback_status"] == "SUCCESS"
    assert detail["callback_attempts"] == 2


async def test_404_from_receiver_is_not_retried(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    receiver.plan("/gone", [], then=404)

    accepted = (await api.post("/api/async", json=async_body(receiver.url("/gone")))).json()
    detail = await wait_until_settled(api, accepted["request_id"])
    logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()

    assert detail["status"] == "COMPLETED"
    assert detail["callback_status"] == "FAILED"
    assert len(logs) == 1
    assert logs[0]["status_code"] == 404
    assert len(receiver.calls("/gone")) == 1


async def test_redirect_is_not_followed(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    receiver.plan("/moved", [], then=302)

    accepted = (await api.post("/api/async", json=async_body(receiver.url("/moved")))).json()
    detail = await wait_until_settled(api, accepted["request_id"])

    assert detail["callback_status"] == "FAILED"
    assert len(receiver.calls("/moved")) == 1
    assert receiver.calls("/redirect-target") == []


async def test_exhausted_retries_end_failed(make_settings: Callable[..., Settings], receiver: WebhookReceiver) -> None:
    receiver.plan("/down", [], then=503)
    settings = make_settings(callback_allowed_hosts=[receiver.allowed_host], callback_max_attempts=3)

    async with running_app(settings) as api:
        accepted = (await api.post("/api/async", json=async_body(receiver.url("/down")))).json()
        detail = await wait_until_settled(api, accepted["request_id"])
        logs = (await api.get(f"/api/requests/{accepted['request_id']}/callback-logs")).json()

    assert detail["callback_status"] == "FAILED"
    assert [log["status_code"] for log in logs] == [503, 503, 503]
    assert logs[-1]["next_attempt_at"] is None


async def test_delivered_callback_verifies_with_standardwebhooks(
    api: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    accepted = (await api.post("/api/async", json=async_body(receiver.url("/signed")))).json()
    await wait_until_settled(api, accepted["request_id"])
    call = receiver.calls("/signed")[0]
    headers = {name: call.headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}

    verified = Webhook(TEST_WEBHOOK_SECRET).verify(call.body, headers)

    assert verified["request_id"] == accepted["request_id"]
    assert "Café & catering" in call.body.decode("utf-8")
    assert headers["webhook-id"] == f"msg_{accepted['request_id'].replace('-', '')}"


async def test_signature_fails_on_tampering(api: httpx.AsyncClient, receiver: WebhookReceiver) -> None:
    accepted = (await api.post("/api/async", json=async_body(receiver.url("/tamper")))).json()
    await wait_until_settled(api, accepted["request_id"])
    call = receiver.calls("/tamper")[0]
    headers = {name: call.headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    changed_body = bytearray(call.body)
    changed_body[10] ^= 0x01

    with pytest.raises(WebhookVerificationError):
        Webhook(TEST_WEBHOOK_SECRET).verify(bytes(changed_body), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(call.body, headers)


def test_signer_output_verifies_with_non_ascii_body() -> None:
    secret = generate_secret()
    body = json.dumps({"note": "Café Łódź — ¥100 ✓"}, ensure_ascii=False).encode("utf-8")
    headers = WebhookSigner(secret).headers("msg_test", datetime.now(UTC), body)

    assert Webhook(secret).verify(body, headers) == {"note": "Café Łódź — ¥100 ✓"}


def test_old_timestamp_fails_verification() -> None:
    secret = generate_secret()
    body = b'{"request_id":"x"}'
    old = datetime.now(UTC) - timedelta(minutes=10)
    headers = WebhookSigner(secret).headers("msg_old", old, body)

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, headers)


async def test_built_in_inbox_receives_and_verifies(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    async with running_app(settings) as api:
        body = b'{"request_id":"abc","status":"COMPLETED"}'
        headers = WebhookSigner(TEST_WEBHOOK_SECRET).headers("msg_inbox", datetime.now(UTC), body)
        first = await api.post("/api/webhooks/inbox?fail_first=1&fail_status=502", content=body, headers=headers)
        second = await api.post("/api/webhooks/inbox?fail_first=1&fail_status=502", content=body, headers=headers)
        forged = await api.post("/api/webhooks/inbox", content=body, headers={**headers, "webhook-id": "msg_other"})
        listing = (await api.get("/api/webhooks/inbox")).json()

    assert first.status_code == 502
    assert second.status_code == 200
    assert forged.status_code == 200
    assert forged.json()["signature_valid"] is False
    assert listing["total"] == 3
    assert [item["signature_valid"] for item in listing["items"]] == [False, True, True]
    assert listing["items"][1]["request_id"] == "abc"
