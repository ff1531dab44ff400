"""Retry policy of webhook delivery: the retried failures and the backoff."""

from __future__ import annotations

# Worth another attempt: the receiver is overloaded, restarting or rate-limiting us.
RETRYABLE_STATUS_CODES = frozenset({408, 429})


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRYABLE_STATUS_CODES or 500 <= status_code <= 599


def backoff_seconds(series_attempt: int, base_seconds: float) -> float:
    """Delay after the `series_attempt`-th failed attempt: base, 2 x base, 4 x base, ..."""
    return float(base_seconds * 2 ** (series_attempt - 1))
