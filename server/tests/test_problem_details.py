"""Every error is RFC 9457 problem details, with a request id and no internal detail."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from src.config import Settings
from src.database import create_engine
from src.runtime import run_migrations
from tests.conftest import running_app
from tests.support import unreachable_database
from tests.test_sync_reports import sync_body

PROBLEM_FIELDS = ("type", "title", "status", "detail")


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, object] = response.json()
    for field in PROBLEM_FIELDS:
        assert field in problem, f"{field} missing from {problem}"
    assert problem["status"] == status
    assert str(problem["type"]).startswith("https://")
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


async def test_unknown_path_is_404(api: httpx.AsyncClient) -> None:
    problem = assert_problem(await api.get("/api/no-such-thing"), 404)

    assert "/api/no-such-thing" in str(problem["detail"])


async def test_wrong_method_is_405(api: httpx.AsyncClient) -> None:
    response = await api.delete("/api/sync")

    problem = assert_problem(response, 405)
    assert "DELETE" in str(problem["detail"])
    assert response.headers["allow"] == "POST"


async def test_invalid_header_is_400(api: httpx.AsyncClient) -> None:
    problem = assert_problem(await api.post("/api/sync", json=sync_body(), headers={"Idempotency-Key": ""}), 400)

    assert "Idempotency-Key" in str(problem["detail"])


async def test_given_request_id_is_echoed(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/no-such-thing", headers={"X-Request-ID": "trace-123"})

    assert response.headers["x-request-id"] == "trace-123"
    assert response.json()["request_id"] == "trace-123"


async def test_unsafe_request_id_is_replaced(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/no-such-thing", headers={"X-Request-ID": "bad id"})

    assert response.headers["x-request-id"] != "bad id"
    assert len(response.headers["x-request-id"]) == 32


@pytest.fixture
async def small_body_api(make_settings: Callable[..., Settings]) -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(make_settings(max_request_body_bytes=1024)) as client:
        yield client


async def test_body_over_limit_is_413(small_body_api: httpx.AsyncClient) -> None:
    body = sync_body(name="x" * 100)
    body["padding"] = "p" * 2000

    problem = assert_problem(await small_body_api.post("/api/sync", json=body), 413)

    assert "MAX_REQUEST_BODY_BYTES" in str(problem["detail"])
    assert "1024" in str(problem["detail"])


async def test_streamed_body_over_limit_is_413(small_body_api: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * 512

    response = await small_body_api.post("/api/sync", content=chunks(), headers={"Content-Type": "application/json"})

    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", None],
)
async def test_non_json_body_is_415(api: httpx.AsyncClient, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    body = json.dumps(sync_body()).encode()

    response = await api.post("/api/sync", content=body, headers=headers)

    problem = assert_problem(response, 415)
    assert "Content-Type: application/json" in str(problem["detail"])
    if content_type is not None:
        assert content_type in str(problem["detail"])


async def test_json_suffix_media_type_is_accepted(api: httpx.AsyncClient) -> None:
    body = json.dumps(sync_body()).encode()

    response = await api.post("/api/sync", content=body, headers={"Content-Type": "application/vnd.api+json"})

    assert response.status_code == 200


async def test_malformed_json_is_422(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/sync", content=b'{"payload": {"num_transactions": 5,', headers={"Content-Type": "application/json"}
    )

    problem = assert_problem(response, 422)
    assert "not valid JSON" in str(problem["detail"])


async def test_validation_lists_every_invalid_field(api: httpx.AsyncClient) -> None:
    body = {"payload": {"num_transactions": 0, "report_name": "a<b", "extra": 1}}

    problem = assert_problem(await api.post("/api/sync", json=body), 422)

    errors = problem["errors"]
    assert isinstance(errors, list)
    locations = sorted(error["location"] for error in errors)
    assert locations == ["body.payload.extra", "body.payload.num_transactions", "body.payload.report_name"]
    for error in errors:
        assert error["message"]
        assert error["type"]


async def test_unexpected_error_is_500_without_detail(
    make_settings: Callable[..., Settings], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A database that lacks one table makes the route that reads it fail with a query error.
    broken = f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}"
    await asyncio.to_thread(run_migrations, broken)
    engine = create_engine(broken)
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE inbox_messages"))
    await engine.dispose()

    async with running_app(make_settings(database_url=broken, log_level="INFO")) as api:
        response = await api.get("/api/webhooks/inbox", headers={"X-Request-ID": "failing-request-1"})

    problem = assert_problem(response, 500)
    assert problem["request_id"] == "failing-request-1"
    text_body = response.text.lower()
    for leak in ("traceback", "sqlite", "no such table", "inbox_messages", "select"):
        assert leak not in text_body, f"the 500 body shows {leak!r}: {response.text}"
    logs = capsys.readouterr().err
    assert "unhandled_error" in logs
    assert "failing-request-1" in logs
    assert "no such table: inbox_messages" in logs


async def test_lost_database_is_503(make_settings: Callable[..., Settings]) -> None:
    async with running_app(make_settings()) as api, unreachable_database(api):
        response = await api.get(f"/api/reports/{'a' * 32}.csv")

    problem = assert_problem(response, 503)
    assert "database is unreachable" in str(problem["detail"])
    assert response.headers["retry-after"] == "5"
    assert "127.0.0.1" not in response.text
