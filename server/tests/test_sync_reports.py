"""POST /api/sync end to end, downloads, deletion and health under load."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import httpx

from src.config import Settings
from tests.conftest import running_app
from tests.support import unreachable_database


def sync_body(
    rows: int = 200, *, seed: int | None = 11, delay_ms: int = 0, name: str = "Q3 ledger"
) -> dict[str, object]:
    payload: dict[str, object] = {"num_transactions": rows, "report_name": name, "simulated_delay_ms": delay_ms}
    if seed is not None:
        payload["seed"] = seed
    return {"payload": payload}


async def test_sync_report_matches_downloaded_csv(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/sync", json=sync_body(rows=1234))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "COMPLETED"
    assert body["mode"] == "sync"
    result = body["result"]

    download = await api.get(result["download_url"])
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"Q3 ledger.csv\"; filename*=UTF-8''Q3%20ledger.csv"
    )
    content = download.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))

    assert len(rows) == 1234
    assert result["rows"] == 1234
    assert list(rows[0].keys()) == result["columns"]
    assert result["size_bytes"] == len(content)
    assert result["sha256"] == hashlib.sha256(content).hexdigest()
    credits = sum(Decimal(row["amount"]) for row in rows if row["type"] == "credit")
    debits = -sum(Decimal(row["amount"]) for row in rows if row["type"] == "debit")
    assert Decimal(result["summary"]["total_credits"]) == credits
    assert Decimal(result["summary"]["total_debits"]) == debits
    assert Decimal(result["summary"]["net"]) == credits - debits


async def test_same_seed_gives_same_sha256(api: httpx.AsyncClient) -> None:
    first = (await api.post("/api/sync", json=sync_body(seed=5))).json()["result"]
    second = (await api.post("/api/sync", json=sync_body(seed=5))).json()["result"]
    other = (await api.post("/api/sync", json=sync_body(seed=6))).json()["result"]

    assert first["sha256"] == second["sha256"]
    assert first["file_name"] != second["file_name"]
    assert other["sha256"] != first["sha256"]


async def test_missing_seed_is_chosen_and_reported(api: httpx.AsyncClient) -> None:
    body = (await api.post("/api/sync", json=sync_body(seed=None))).json()
    stored = (await api.get(f"/api/requests/{body['request_id']}")).json()

    assert isinstance(body["result"]["seed"], int)
    assert stored["input_payload"]["seed"] == body["result"]["seed"]


async def test_sync_over_limit_suggests_async(make_settings: Callable[..., Settings]) -> None:
    async with running_app(make_settings(sync_max_transactions=1000)) as api:
        response = await api.post("/api/sync", json=sync_body(rows=1001))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "1 to 1000" in problem["detail"]
    assert "/api/async" in problem["detail"]
    assert problem["errors"][0]["location"] == "body.payload.num_transactions"


async def test_delete_removes_row_logs_and_file(api: httpx.AsyncClient, make_settings: Callable[..., Settings]) -> None:
    body = (await api.post("/api/sync", json=sync_body())).json()
    request_id = body["request_id"]
    reports_dir: Path = make_settings().reports_dir
    assert (reports_dir / body["result"]["file_name"]).exists()

    deleted = await api.delete(f"/api/requests/{request_id}")

    assert deleted.status_code == 204
    assert (await api.get(f"/api/requests/{request_id}")).status_code == 404
    assert (await api.get(f"/api/requests/{request_id}/callback-logs")).status_code == 404
    assert (await api.get(body["result"]["download_url"])).status_code == 404
    assert not (reports_dir / body["result"]["file_name"]).exists()


async def test_delete_unknown_request_is_404(api: httpx.AsyncClient) -> None:
    response = await api.delete("/api/requests/00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert "was not found" in response.json()["detail"]


async def test_malformed_request_id_is_422(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/requests/not-a-uuid")

    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "path.request_id"


async def test_health_answers_while_sync_report_runs(api: httpx.AsyncClient) -> None:
    slow_report = asyncio.create_task(api.post("/api/sync", json=sync_body(delay_ms=1500)))
    await asyncio.sleep(0.3)

    health = await api.get("/api/health")

    assert not slow_report.done()
    assert health.status_code == 200
    assert health.json()["database"]["ok"] is True
    assert health.json()["worker"]["busy"] == 1
    assert (await slow_report).status_code == 200


async def test_list_is_newest_first_and_filters(api: httpx.AsyncClient) -> None:
    ids = [(await api.post("/api/sync", json=sync_body(seed=index))).json()["request_id"] for index in range(3)]

    page = (await api.get("/api/requests", params={"limit": 2})).json()
    filtered = (await api.get("/api/requests", params={"mode": "async"})).json()
    completed = (await api.get("/api/requests", params={"status": "COMPLETED", "offset": 2})).json()

    assert page["total"] == 3
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]]
    assert filtered["total"] == 0
    assert completed["total"] == 3
    assert [item["id"] for item in completed["items"]] == [ids[0]]


async def test_health_reports_unreachable_database(make_settings: Callable[..., Settings]) -> None:
    async with running_app(make_settings()) as api, unreachable_database(api):
        response = await api.get("/api/health")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"]["ok"] is False
