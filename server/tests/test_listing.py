"""GET /api/requests on a large table: exact totals, and PostgreSQL's estimate when unfiltered."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import insert, text

from src.database import create_engine
from src.models import ReportRequest, RequestMode, RequestStatus
from src.models.base import utc_now

ROWS = 10_050


async def fill_requests(db_url: str, count: int) -> None:
    now = utc_now()
    rows = [
        {
            "id": uuid.uuid4(),
            "mode": RequestMode.SYNC if index % 2 else RequestMode.ASYNC,
            "status": RequestStatus.COMPLETED,
            "input_payload": {"num_transactions": 1, "report_name": "bulk", "seed": index},
            "callback_attempts": 0,
            "callback_series_attempts": 0,
            "created_at": now - timedelta(seconds=index),
        }
        for index in range(count)
    ]
    engine = create_engine(db_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(ReportRequest), rows)
            if connection.dialect.name == "postgresql":
                await connection.execute(text("ANALYZE requests"))
    finally:
        await engine.dispose()


async def test_large_listing_totals(api: httpx.AsyncClient, db_url: str) -> None:
    await fill_requests(db_url, ROWS)

    unfiltered = (await api.get("/api/requests", params={"limit": 5})).json()
    filtered = (await api.get("/api/requests", params={"mode": "sync", "limit": 5})).json()

    assert len(unfiltered["items"]) == 5
    assert filtered["total"] == ROWS // 2
    assert filtered["total_is_estimate"] is False
    if db_url.startswith("postgresql"):
        assert unfiltered["total_is_estimate"] is True
        assert abs(unfiltered["total"] - ROWS) <= ROWS * 0.1
    else:
        assert unfiltered["total_is_estimate"] is False
        assert unfiltered["total"] == ROWS
