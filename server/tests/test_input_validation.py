"""Strict input: every invalid field is a 422 that names the field and the problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from src.config import MAX_SIMULATED_DELAY_MS, Settings
from src.schemas.report import MAX_SEED
from tests.conftest import running_app
from tests.support import WebhookReceiver

VALID_PAYLOAD: dict[str, Any] = {"num_transactions": 10, "report_name": "Q3 ledger", "seed": 1}


def payload_with(**changes: Any) -> dict[str, Any]:
    return {**VALID_PAYLOAD, **changes}


INVALID_PAYLOADS = [
    ("zero-rows", payload_with(num_transactions=0), "num_transactions", "greater than or equal to 1"),
    ("negative-rows", payload_with(num_transactions=-5), "num_transactions", "greater than or equal to 1"),
    ("string-rows", payload_with(num_transactions="10"), "num_transactions", "valid integer"),
    ("float-rows", payload_with(num_transactions=10.5), "num_transactions", "valid integer"),
    ("bool-rows", payload_with(num_transactions=True), "num_transactions", "valid integer"),
    ("null-rows", payload_with(num_transactions=None), "num_transactions", "valid integer"),
    ("missing-rows", {"report_name": "a"}, "num_transactions", "Field required"),
    ("empty-name", payload_with(report_name=""), "report_name", "at least 1 character"),
    ("long-name", payload_with(report_name="n" * 101), "report_name", "at most 100 characters"),
    ("blank-name", payload_with(report_name="   "), "report_name", "other than a space"),
    ("slash-name", payload_with(report_name="../etc/passwd"), "report_name", "'/'"),
    ("formula-name", payload_with(report_name="=SUM(A1)"), "report_name", "'='"),
    ("quote-name", payload_with(report_name='Q3 "final"'), "report_name", "'\"'"),
    ("newline-name", payload_with(report_name="Q3\nledger"), "report_name", "'\\n'"),
    ("nul-name", payload_with(report_name="Q3\x00"), "report_name", "'\\x00'"),
    ("number-name", payload_with(report_name=42), "report_name", "valid string"),
    ("negative-seed", payload_with(seed=-1), "seed", "greater than or equal to 0"),
    ("huge-seed", payload_with(seed=MAX_SEED + 1), "seed", f"less than or equal to {MAX_SEED}"),
    ("string-seed", payload_with(seed="7"), "seed", "valid integer"),
    ("negative-delay", payload_with(simulated_delay_ms=-1), "simulated_delay_ms", "greater than or equal to 0"),
    (
        "long-delay",
        payload_with(simulated_delay_ms=MAX_SIMULATED_DELAY_MS + 1),
        "simulated_delay_ms",
        f"less than or equal to {MAX_SIMULATED_DELAY_MS}",
    ),
    ("unknown-field", payload_with(format="xlsx"), "format", "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [case[1:] for case in INVALID_PAYLOADS],
    ids=[case[0] for case in INVALID_PAYLOADS],
)
async def test_invalid_sync_payload_is_422(
    api: httpx.AsyncClient, payload: dict[str, Any], field: str, message: str
) -> None:
    response = await api.post("/api/sync", json={"payload": payload})

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [error["location"] for error in errors] == [f"body.payload.{field}"]
    assert message in errors[0]["message"]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [case[1:] for case in INVALID_PAYLOADS],
    ids=[case[0] for case in INVALID_PAYLOADS],
)
async def test_invalid_async_payload_is_422(
    api: httpx.AsyncClient, receiver: WebhookReceiver, payload: dict[str, Any], field: str, message: str
) -> None:
    response = await api.post("/api/async", json={"payload": payload, "callback_url": receiver.url("/never")})

    assert response.status_code == 422
    assert [error["location"] for error in response.json()["errors"]] == [f"body.payload.{field}"]
    assert receiver.calls("/never") == []


async def test_report_name_error_names_character(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/sync", json={"payload": payload_with(report_name="Q3<ledger")})

    message = response.json()["errors"][0]["message"]
    assert "'<'" in message
    assert "U+003C" in message
    assert "position 2" in message


@pytest.mark.parametrize(
    "name", ["a", "n" * 100, "Q3 ledger-2026_final.v2", "Bilanz März", "-leading dash", "財務報告"]
)
async def test_valid_report_names_are_accepted(api: httpx.AsyncClient, name: str) -> None:
    response = await api.post("/api/sync", json={"payload": payload_with(report_name=name)})

    assert response.status_code == 200


async def test_boundary_values_are_accepted(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/sync", json={"payload": payload_with(num_transactions=1, seed=MAX_SEED)})

    assert response.status_code == 200
    assert response.json()["result"]["seed"] == MAX_SEED


async def test_sync_row_maximum_is_enforced(make_settings: Callable[..., Settings]) -> None:
    async with running_app(make_settings(sync_max_transactions=50)) as api:
        at_limit = await api.post("/api/sync", json={"payload": payload_with(num_transactions=50)})
        over_limit = await api.post("/api/sync", json={"payload": payload_with(num_transactions=51)})

    assert at_limit.status_code == 200
    assert over_limit.status_code == 422
    assert over_limit.json()["errors"][0]["location"] == "body.payload.num_transactions"


async def test_async_row_maximum_is_enforced(make_settings: Callable[..., Settings], receiver: WebhookReceiver) -> None:
    settings = make_settings(async_max_transactions=50, callback_allowed_hosts=[receiver.allowed_host])
    async with running_app(settings) as api:
        over_limit = await api.post(
            "/api/async", json={"payload": payload_with(num_transactions=51), "callback_url": receiver.url("/x")}
        )

    assert over_limit.status_code == 422
    assert "1 to 50" in over_limit.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"payload": VALID_PAYLOAD, "extra": True},
        {"payload": "not an object"},
        [VALID_PAYLOAD],
    ],
    ids=["empty", "unknown-top-level", "payload-string", "array"],
)
async def test_malformed_envelope_is_422(api: httpx.AsyncClient, body: object) -> None:
    response = await api.post("/api/sync", json=body)

    assert response.status_code == 422
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "callback_url",
    ["", "x" * 2049, 12, None],
    ids=["empty", "too-long", "number", "null"],
)
async def test_invalid_callback_url_is_422(api: httpx.AsyncClient, callback_url: object) -> None:
    response = await api.post("/api/async", json={"payload": VALID_PAYLOAD, "callback_url": callback_url})

    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.callback_url"


@pytest.mark.parametrize(
    "path",
    [
        "/api/requests/not-a-uuid",
        "/api/requests/12345",
        "/api/requests/00000000-0000-4000-8000-00000000000g",
        "/api/requests/not-a-uuid/callback-logs",
    ],
)
async def test_malformed_uuid_is_422(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(path)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"] == "path.request_id"


async def test_malformed_uuid_on_delete_is_422(api: httpx.AsyncClient) -> None:
    response = await api.delete("/api/requests/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "path.request_id"
