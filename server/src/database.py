"""Async engine and session factory for SQLite (the default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# libpq's sslmode values, as hosted providers print them, mapped onto what asyncpg's
# `ssl` argument accepts. "require" encrypts without verifying the certificate, as libpq does.
_SSLMODE_TO_ASYNCPG = {
    "disable": False,
    "allow": "allow",
    "prefer": "prefer",
    "require": "require",
    "verify-ca": "verify-ca",
    "verify-full": "verify-full",
}


def normalize_database_url(raw_url: str) -> tuple[URL, dict[str, Any]]:
    """Turn a URL as a provider prints it into a SQLAlchemy async URL and driver arguments.

    `postgres://` and `postgresql://` become `postgresql+asyncpg://`, `sqlite://` becomes
    `sqlite+aiosqlite://`, and libpq's `sslmode` query parameter, which asyncpg rejects,
    is moved into the `ssl` connect argument.
    """
    url = make_url(raw_url)
    connect_args: dict[str, Any] = {}

    if url.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        url = url.set(drivername="postgresql+asyncpg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")

    if url.drivername == "postgresql+asyncpg":
        query = dict(url.query)
        sslmode = query.pop("sslmode", None)
        for libpq_only in ("sslrootcert", "sslcert", "sslkey", "channel_binding"):
            query.pop(libpq_only, None)
        url = url.set(query=query)
        if isinstance(sslmode, str):
            if sslmode not in _SSLMODE_TO_ASYNCPG:
                raise ValueError(f"DATABASE_URL has sslmode={sslmode!r}; use one of {', '.join(_SSLMODE_TO_ASYNCPG)}")
            connect_args["ssl"] = _SSLMODE_TO_ASYNCPG[sslmode]
    elif url.drivername == "sqlite+aiosqlite":
        connect_args["timeout"] = 30
    else:
        raise ValueError(
            f"DATABASE_URL driver {url.drivername!r} is not supported; use sqlite+aiosqlite:// or postgresql://"
        )

    return url, connect_args


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(raw_url: str) -> AsyncEngine:
    url, connect_args = normalize_database_url(raw_url)

    if url.drivername == "sqlite+aiosqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args=connect_args)
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        return engine

    # NOTE: no pool_pre_ping. It costs a round trip on every checkout, a large share of a
    # one-INSERT request. After a database restart, the first query on each stale connection
    # fails instead (reported as 503), and the pool replaces that connection.
    return create_async_engine(url, connect_args=connect_args, pool_size=20, max_overflow=20, pool_recycle=1800)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer. busy_timeout makes a writer wait for the
    # lock instead of failing at once. foreign_keys enables ON DELETE CASCADE.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
