"""The benchmark run active in this process, its one-time token and its callback receiver.

A request that carries the active run's token in X-Benchmark-Token is exempt from rate
limits (see src/rate_limit.py) and may send callbacks to that run's receiver. The
token is random per run, exists only in this process and in the load generator it
starts, and stops working when the run ends.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass, replace

from src.services.url_guard import AllowedHost


class BenchmarkBusy(Exception):
    """Another benchmark run is active in this process."""

    def __init__(self, run_id: uuid.UUID) -> None:
        super().__init__(f"benchmark run {run_id} is active")
        self.run_id = run_id


@dataclass(frozen=True)
class BenchmarkGrant:
    run_id: uuid.UUID
    token: str
    receiver: AllowedHost | None = None


class BenchmarkRegistry:
    """Allows one benchmark run at a time in this process and checks its token."""

    def __init__(self) -> None:
        self._active: BenchmarkGrant | None = None

    @property
    def active(self) -> BenchmarkGrant | None:
        return self._active

    def begin(self, run_id: uuid.UUID) -> BenchmarkGrant:
        """Make `run_id` the active run with a new token; raise BenchmarkBusy if one is active."""
        if self._active is not None:
            raise BenchmarkBusy(self._active.run_id)
        self._active = BenchmarkGrant(run_id=run_id, token=secrets.token_urlsafe(32))
        return self._active

    def set_receiver(self, run_id: uuid.UUID, receiver: AllowedHost) -> None:
        if self._active is None or self._active.run_id != run_id:
            raise RuntimeError(f"benchmark run {run_id} is not the active run")
        self._active = replace(self._active, receiver=receiver)

    def end(self, run_id: uuid.UUID) -> None:
        if self._active is not None and self._active.run_id == run_id:
            self._active = None

    def grant_for(self, token: str | None) -> BenchmarkGrant | None:
        """Return the active run's grant if `token` is its token, compared in constant time."""
        active = self._active
        if active is None or not token:
            return None
        if not hmac.compare_digest(active.token.encode(), token.encode()):
            return None
        return active

