"""Fixtures: a migrated database per backend, the real app over ASGI, a real webhook receiver.

Every test that takes `db_url` runs on SQLite and, when TEST_DATABASE_URL is set, again on
PostgreSQL. With CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from src.app import create_app
from src.config import Settings
from src.database import create_engine
from src.runtime import run_migrations
from src.services.url_guard import Resolver
from tests.support import WebhookReceiver

IN_CI = os.environ.get("CI", "").lower() == "true"
# CI always tests on PostgreSQL: the machine's own server unless TEST_DATABASE_URL names another.
CI_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or (CI_DATABASE_URL if IN_CI else None)
TEST_WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwdGVzdC1zZWNyZXQ="
BACKENDS = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]


def _reset_postgresql(url: str) -> None:
    async def reset() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        finally:
            await engine.dispose()

    asyncio.run(reset())


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated database: a SQLite file, or the PostgreSQL of TEST_DATABASE_URL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        assert TEST_DATABASE_URL is not None
        url = TEST_DATABASE_URL
        try:
            _reset_postgresql(url)
        except OSError as error:
            if IN_CI:
                raise
            pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is unreachable ({error}); start it or unset the variable")
    run_migrations(url)
    return url


@pytest.fixture(autouse=True)
async def clean_tables(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    if "db_url" not in request.fixturenames:
        yield
        return
    url: str = request.getfixturevalue("db_url")
    engine = create_engine(url)
    async with engine.begin() as connection:
        for table in ("callback_logs", "requests", "inbox_messages"):
            await connection.execute(text(f"DELETE FROM {table}"))
        if connection.dialect.name == "postgresql":
            # Refresh the row estimate that unfiltered listings report for large tables.
            await connection.execute(text("ANALYZE requests"))
    await engine.dispose()
    yield


@pytest.fixture
def make_settings(db_url: str, tmp_path: Path) -> Callable[..., Settings]:
    """Settings for one test: its own reports folder, a fixed secret, short backoff, no rate limits."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "database_url": db_url,
            "migrate_on_start": False,
            "reports_dir": tmp_path / "reports",
            "webhook_secret": TEST_WEBHOOK_SECRET,
            "webhook_secret_file": tmp_path / "webhook_secret",
            "rate_limit_enabled": False,
            "callback_backoff_base_seconds": 0.05,
            "callback_timeout_seconds": 5.0,
            "dispatch_poll_seconds": 0.2,
            "job_lease_seconds": 5.0,
            "shutdown_timeout_seconds": 5.0,
            "log_level": "WARNING",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def receiver(receiver_server: WebhookReceiver) -> WebhookReceiver:
    receiver_server.reset()
    return receiver_server


@asynccontextmanager
async def running_app(
    settings: Settings,
    *,
    resolver: Resolver | None = None,
    callback_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """Start the real app with its lifespan and yield an HTTP client talking to it over ASGI."""
    app = create_app(settings, resolver=resolver, callback_transport=callback_transport)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as client:
            yield client


@pytest.fixture
async def api(make_settings: Callable[..., Settings], receiver: WebhookReceiver) -> AsyncIterator[httpx.AsyncClient]:
    """The app with default test settings, allowed to call the test receiver."""
    async with running_app(make_settings(callback_allowed_hosts=[receiver.allowed_host])) as client:
        yield client
