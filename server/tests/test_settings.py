"""Settings: every field documented in .env.example, and unsafe production values rejected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from src.config import SERVER_DIR, Settings

ENV_EXAMPLE = SERVER_DIR.parent / ".env.example"


def test_env_example_lists_every_setting() -> None:
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))

    missing = {name.upper() for name in Settings.model_fields} - documented

    assert missing == set()


def test_env_example_loads_as_is() -> None:
    settings = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]

    assert settings.callback_allowed_hosts == []
    assert settings.webhook_secret is None
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_production_requires_a_webhook_secret(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET must be set"):
        Settings(_env_file=None, environment="production")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("secret", "message"),
    [("plain-text", "must be 'whsec_'"), ("whsec_not base64!", "not valid base64"), ("whsec_c2hvcnQ=", "at least 24")],
)
def test_malformed_webhook_secret_is_rejected(secret: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, webhook_secret=secret)  # type: ignore[call-arg]


def test_comma_separated_lists_are_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBACK_ALLOWED_HOSTS", "127.0.0.1:9000, localhost ,")

    assert Settings(_env_file=None).callback_allowed_hosts == ["127.0.0.1:9000", "localhost"]  # type: ignore[call-arg]
