"""Standard Webhooks signatures (https://www.standardwebhooks.com) and the signing secret."""

from __future__ import annotations

import base64
import os
import secrets
import time
from datetime import datetime
from pathlib import Path

import structlog
from standardwebhooks import Webhook

logger = structlog.get_logger(__name__)


def generate_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def load_or_create_secret(configured: str | None, secret_file: Path) -> str:
    """Return WEBHOOK_SECRET when set, else the secret kept in `secret_file`, creating it once.

    The file is created with O_EXCL, so processes that start together agree on one secret,
    and it keeps the secret across restarts so receivers need not be reconfigured.
    """
    if configured:
        return configured

    secret_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(secret_file)

    secret = generate_secret()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    logger.info("webhook_secret_generated", path=str(secret_file))
    return secret


def _read_secret(secret_file: Path) -> str:
    # Another process may have created the file a moment ago and not yet written it.
    for _ in range(50):
        secret = secret_file.read_text(encoding="ascii").strip()
        if secret:
            return secret
        time.sleep(0.02)
    raise RuntimeError(f"webhook secret file {secret_file} is empty; delete it to generate a new secret")


class WebhookSigner:
    def __init__(self, secret: str) -> None:
        self._webhook = Webhook(secret)

    def headers(self, webhook_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
        """Build the webhook-id, webhook-timestamp and webhook-signature headers for `body`."""
        return {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": self._webhook.sign(webhook_id, timestamp, body),
        }
