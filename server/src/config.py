"""Service settings, read from the environment and from `.env` (see `.env.example`)."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SERVER_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = SERVER_DIR / "data"

# Upper bound of `simulated_delay_ms` in a report payload: 30 s stands for a slow upstream
# without letting one request hold a worker thread for minutes.
MAX_SIMULATED_DELAY_MS = 30_000

# Secrets that appear in examples and must never sign production traffic.
PLACEHOLDER_SECRETS = {"", "whsec_change_me", "changeme", "secret"}


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Every setting has a default that runs on a fresh machine."""

    model_config = SettingsConfigDict(
        env_file=(".env", SERVER_DIR.parent / ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "development"
    log_level: str = "INFO"
    log_format: Literal["console", "json"] = "console"

    database_url: str = f"sqlite+aiosqlite:///{DATA_DIR / 'app.db'}"
    migrate_on_start: bool = True
    reports_dir: Path = DATA_DIR / "reports"

    worker_threads: int = Field(default=4, ge=1, le=64)
    sync_max_transactions: int = Field(default=100_000, ge=1)
    async_max_transactions: int = Field(default=1_000_000, ge=1)
    job_lease_seconds: float = Field(default=30.0, gt=0)
    dispatch_poll_seconds: float = Field(default=1.0, gt=0)
    shutdown_timeout_seconds: float = Field(default=10.0, ge=0)

    rate_limit_enabled: bool = True
    rate_limit_sync: str = "30/minute"
    rate_limit_async: str = "60/minute"
    rate_limit_storage_uri: str = "memory://"
    # POST /api/benchmark/both, per client address. One run sends up to 2,000 report requests.
    rate_limit_benchmark: str = "10/hour"
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_request_body_bytes: int = Field(default=64 * 1024, ge=1024)

    callback_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    callback_max_attempts: int = Field(default=4, ge=1, le=20)
    callback_backoff_base_seconds: float = Field(default=2.0, ge=0)
    callback_timeout_seconds: float = Field(default=10.0, gt=0)
    callback_max_response_bytes: int = Field(default=4096, ge=0)
    callback_concurrency: int = Field(default=50, ge=1)

    webhook_secret: str | None = None
    webhook_secret_file: Path = DATA_DIR / "webhook_secret"

    # Wall-clock limit of one benchmark run; the run stops then and reports what it measured.
    benchmark_max_seconds: float = Field(default=300.0, gt=0, le=3600)

    idempotency_ttl_hours: float = Field(default=24.0, gt=0)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://localhost:5173", "http://127.0.0.1:5173"]
    )

    _split_lists = field_validator("forwarded_allow_ips", "callback_allowed_hosts", "cors_origins", mode="before")(
        _split_csv
    )

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret_format(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith("whsec_"):
            raise ValueError(
                "WEBHOOK_SECRET must be 'whsec_' followed by base64, e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            )
        try:
            key = base64.b64decode(value.removeprefix("whsec_"), validate=True)
        except binascii.Error as error:
            raise ValueError(f"WEBHOOK_SECRET is not valid base64 after 'whsec_': {error}") from error
        if len(key) < 24:
            raise ValueError(f"WEBHOOK_SECRET decodes to {len(key)} bytes; use at least 24 random bytes")
        return value

    @model_validator(mode="after")
    def _reject_placeholders_in_production(self) -> Settings:
        if self.environment == "production" and (self.webhook_secret or "") in PLACEHOLDER_SECRETS:
            raise ValueError("WEBHOOK_SECRET must be set to a real secret when ENVIRONMENT=production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
