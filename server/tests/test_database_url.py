"""DATABASE_URL as hosted providers print it."""

from __future__ import annotations

import pytest

from src.database import normalize_database_url


def test_provider_postgres_url_becomes_asyncpg_with_ssl() -> None:
    url, connect_args = normalize_database_url("postgres://user:secret@db.example.com/app?sslmode=require")

    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "db.example.com"
    assert url.database == "app"
    assert "sslmode" not in url.query
    assert connect_args == {"ssl": "require"}


def test_postgresql_url_without_sslmode_has_no_ssl_argument() -> None:
    url, connect_args = normalize_database_url("postgresql://postgres@127.0.0.1:5432/test")

    assert url.drivername == "postgresql+asyncpg"
    assert connect_args == {}


def test_sslmode_disable_turns_ssl_off() -> None:
    _, connect_args = normalize_database_url("postgresql://u@h/d?sslmode=disable&channel_binding=prefer")

    assert connect_args == {"ssl": False}


def test_plain_sqlite_url_uses_aiosqlite() -> None:
    url, _ = normalize_database_url("sqlite:///data/app.db")

    assert url.drivername == "sqlite+aiosqlite"


def test_unknown_sslmode_is_rejected_with_choices() -> None:
    with pytest.raises(ValueError, match="sslmode='sometimes'"):
        normalize_database_url("postgres://u@h/d?sslmode=sometimes")


def test_unsupported_driver_is_rejected() -> None:
    with pytest.raises(ValueError, match="mysql"):
        normalize_database_url("mysql://u@h/d")
