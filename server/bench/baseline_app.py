"""Baseline for POST /api/async: a bare FastAPI endpoint that does one INSERT with plain asyncpg.

Run from server/: `BENCH_DATABASE_URL=postgresql://... uvicorn bench.baseline_app:app`.
It parses the same JSON body and responds with 202, with no validation, rate limit or ORM.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse

# The service's SQLAlchemy pool allows 20 connections plus 20 overflow; the baseline gets the same.
POOL_SIZE = 40

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS baseline_requests (
    id uuid PRIMARY KEY,
    payload jsonb NOT NULL,
    callback_url text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
INSERT = "INSERT INTO baseline_requests (id, payload, callback_url) VALUES ($1, $2, $3)"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(os.environ["BENCH_DATABASE_URL"], min_size=10, max_size=POOL_SIZE)
    async with pool.acquire() as connection:
        await connection.execute(CREATE_TABLE)
    app.state.pool = pool
    try:
        yield
    finally:
        await pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/insert", status_code=202)
async def insert(body: dict[str, Any] = Body()) -> JSONResponse:  # noqa: B008 - FastAPI's parameter style
    request_id = uuid.uuid4()
    async with app.state.pool.acquire() as connection:
        await connection.execute(INSERT, request_id, json.dumps(body.get("payload")), str(body.get("callback_url")))
    return JSONResponse({"request_id": str(request_id)}, status_code=202)
