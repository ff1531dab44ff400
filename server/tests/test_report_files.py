"""GET /api/reports/{file}: only server-made files, safe download names, CSV safe for spreadsheets."""

from __future__ import annotations

import asyncio
import csv
import http.client
import io
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import uvicorn

from src.app import create_app
from src.config import Settings
from src.services.report_generator import CATEGORIES, FORMULA_PREFIXES, ledger_csv_writer, neutralize_cell
from tests.test_sync_reports import sync_body

SECRET = "top secret contents that must never be served"


@pytest.fixture
def reports_dir(make_settings: Callable[..., Settings]) -> Path:
    return make_settings().reports_dir


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


async def get_raw(api: httpx.AsyncClient, raw_path: bytes) -> httpx.Response:
    """Send the path exactly as given, without the client's normalisation of dot segments."""
    request = api.build_request("GET", "/api/reports/placeholder")
    request.url = request.url.copy_with(raw_path=raw_path)
    return await api.send(request)


async def create_report(api: httpx.AsyncClient, *, name: str = "Q3 ledger", rows: int = 50) -> dict[str, object]:
    response = await api.post("/api/sync", json=sync_body(rows=rows, name=name))
    assert response.status_code == 200
    result: dict[str, object] = response.json()["result"]
    return result


def assert_not_served(response: httpx.Response) -> None:
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert SECRET not in response.text
    assert "date,transaction_id" not in response.text


TRAVERSALS = [
    b"/api/reports/../../secret.txt",
    b"/api/reports/..%2F..%2Fsecret.txt",
    b"/api/reports/%2e%2e%2f%2e%2e%2fsecret.txt",
    b"/api/reports/..%252F..%252Fsecret.txt",
    b"/api/reports/..%5C..%5Csecret.txt",
    b"/api/reports/..\\..\\secret.txt",
    b"/api/reports//etc/passwd",
    b"/api/reports/%2Fetc%2Fpasswd",
    b"/api/reports/%2e%2e",
    b"/api/reports/.",
    b"/api/reports/secret.txt%00.csv",
    b"/api/reports/%00",
]


@pytest.mark.parametrize("raw_path", TRAVERSALS, ids=[path.decode() for path in TRAVERSALS])
async def test_traversal_is_404(api: httpx.AsyncClient, secret_file: Path, raw_path: bytes) -> None:
    await create_report(api)

    assert_not_served(await get_raw(api, raw_path))


async def test_served_name_with_extra_segments_is_404(api: httpx.AsyncClient) -> None:
    file_name = str((await create_report(api))["file_name"])

    for raw_path in (
        f"/api/reports/%2E%2E%2F{file_name}",
        f"/api/reports//{file_name}",
        f"/api/reports/.%2F{file_name}",
        f"/api/reports/{file_name}%00",
        f"/api/reports/{file_name.upper()}",
        f"/api/reports/{file_name}/",
    ):
        response = await get_raw(api, raw_path.encode())
        assert response.status_code in (404, 307), raw_path
        if response.status_code == 307:
            # Starlette redirects a trailing slash to the route without it; the target is the real file.
            assert response.headers["location"].endswith(f"/api/reports/{file_name}")
            continue
        assert_not_served(response)


async def test_symlink_under_server_name_is_404(api: httpx.AsyncClient, reports_dir: Path, secret_file: Path) -> None:
    file_name = str((await create_report(api))["file_name"])
    served = reports_dir / file_name
    served.unlink()
    os.symlink(secret_file, served)

    assert_not_served(await api.get(f"/api/reports/{file_name}"))


async def test_symlinked_directory_is_404(api: httpx.AsyncClient, reports_dir: Path, tmp_path: Path) -> None:
    file_name = str((await create_report(api))["file_name"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inner.csv").write_text(SECRET)
    served = reports_dir / file_name
    served.unlink()
    os.symlink(elsewhere, served)

    assert_not_served(await api.get(f"/api/reports/{file_name}"))


async def test_planted_file_without_request_is_404(api: httpx.AsyncClient, reports_dir: Path) -> None:
    await create_report(api)
    planted = "0123456789abcdef0123456789abcdef.csv"
    (reports_dir / planted).write_text(SECRET)

    assert_not_served(await api.get(f"/api/reports/{planted}"))


async def test_partial_file_is_404(api: httpx.AsyncClient, reports_dir: Path) -> None:
    file_name = str((await create_report(api))["file_name"])
    (reports_dir / f".{file_name}.part").write_text(SECRET)

    assert_not_served(await api.get(f"/api/reports/.{file_name}.part"))


@pytest.mark.parametrize(
    ("report_name", "ascii_name"),
    [
        ("Q3 ledger", "Q3 ledger"),
        ("Bilanz März", "Bilanz Marz"),
        ("財務報告", "report"),
        ("...", "report"),
        ("-leading dash", "-leading dash"),
        ("Žluťoučký kůň 2026", "Zlutoucky kun 2026"),
    ],
)
async def test_content_disposition_is_safe(api: httpx.AsyncClient, report_name: str, ascii_name: str) -> None:
    result = await create_report(api, name=report_name)

    response = await api.get(str(result["download_url"]))

    unicode_name = report_name.strip(" .") or "report"
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{ascii_name}.csv\"; filename*=UTF-8''{quote(unicode_name + '.csv')}"
    )
    assert response.headers["content-disposition"].isascii()


async def test_csv_cells_are_safe_and_round_trip(api: httpx.AsyncClient) -> None:
    result = await create_report(api, rows=3000)

    response = await api.get(str(result["download_url"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))

    known_descriptions = {neutralize_cell(text) for category in CATEGORIES for text in category.descriptions}
    seen_descriptions = {row["description"] for row in rows}
    assert seen_descriptions <= known_descriptions
    assert 'Hotel, "Grand" Plaza' in seen_descriptions
    negative_amounts = 0
    for row in rows:
        for column in ("date", "transaction_id", "description", "category", "type"):
            assert not row[column].startswith(FORMULA_PREFIXES), row
        amount = Decimal(row["amount"])
        assert row["amount"] == f"{amount:.2f}"
        negative_amounts += row["amount"].startswith("-")
    assert negative_amounts > 0


@pytest.mark.parametrize(
    "cell",
    [
        "=1+2",
        "+SUM(A1)",
        "-2+3",
        "@cmd",
        "\tTAB",
        "line one\nline two",
        'say "hi", then go',
        "plain, text",
        "\rCR",
        "carriage\rreturn",
    ],
)
def test_neutralised_cell_round_trips(cell: str) -> None:
    buffer = io.StringIO()
    ledger_csv_writer(buffer).writerow([neutralize_cell(cell), "-12.50"])

    read_back = next(csv.reader(io.StringIO(buffer.getvalue())))

    assert read_back == [neutralize_cell(cell), "-12.50"]
    assert not read_back[0].startswith(FORMULA_PREFIXES)
    assert Decimal(read_back[1]) == Decimal("-12.50")


@dataclass
class LiveServer:
    """The real app under uvicorn on 127.0.0.1, for paths that httpx would normalise before sending."""

    port: int

    def request(self, method: str, raw_path: str, body: dict[str, object] | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            payload = json.dumps(body).encode() if body is not None else None
            # http.client sends the path exactly as given, like curl --path-as-is.
            connection.request(method, raw_path, body=payload, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


@pytest.fixture
def live_server(make_settings: Callable[..., Settings]) -> Iterator[LiveServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(make_settings()), log_level="warning", proxy_headers=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.01)
    yield LiveServer(port=sock.getsockname()[1])
    server.should_exit = True
    thread.join(timeout=15)


async def test_raw_traversal_paths_are_404(live_server: LiveServer, secret_file: Path) -> None:
    status, body = await asyncio.to_thread(live_server.request, "POST", "/api/sync", sync_body(rows=20))
    assert status == 200
    file_name = json.loads(body)["result"]["file_name"]
    raw_paths = [path.decode() for path in TRAVERSALS] + [
        f"/api/reports/x/../{file_name}",
        f"/api/reports/./{file_name}",
        f"/api/reports/../reports/{file_name}",
        f"/api/reports/%2E%2E/{file_name}",
    ]

    for raw_path in raw_paths:
        status, body = await asyncio.to_thread(live_server.request, "GET", raw_path)
        assert status == 404, raw_path
        assert SECRET.encode() not in body
        assert b"date,transaction_id" not in body
