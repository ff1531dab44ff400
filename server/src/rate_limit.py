"""Rate limiting with slowapi, keyed by the client's address.

X-Forwarded-For is trusted only when the direct peer is a proxy listed in
FORWARDED_ALLOW_IPS; otherwise a client could pick a new address for every request.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable, Sequence

from slowapi import Limiter
from starlette.requests import Request

from src.config import Settings


def _in_networks(address: str, networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address_key(trusted_proxies: Sequence[str]) -> Callable[[Request], str]:
    """Build the key function: the peer address, or the nearest untrusted X-Forwarded-For hop."""
    trust_all = "*" in trusted_proxies
    networks = [ipaddress.ip_network(entry, strict=False) for entry in trusted_proxies if entry != "*"]

    def key(request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        if not (trust_all or _in_networks(peer, networks)):
            return peer
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
        # Walk from the proxy nearest to us outwards; the first untrusted hop is the client.
        for hop in reversed(hops):
            if not (trust_all or _in_networks(hop, networks)):
                return hop
        return hops[0] if hops else peer

    return key


BENCHMARK_TOKEN_HEADER = "X-Benchmark-Token"  # noqa: S105 - a header name, not a secret


def is_rate_limit_exempt(request: Request) -> bool:
    """Exempt the requests of a running benchmark, which carry that run's one-time token.

    The token is random per run, exists only in this server's memory and in the load
    generator it started, and stops working when the run ends.
    """
    expected: str | None = getattr(request.app.state, "benchmark_token", None)
    given = request.headers.get(BENCHMARK_TOKEN_HEADER)
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def create_limiter(settings: Settings) -> Limiter:
    return Limiter(
        key_func=client_address_key(settings.forwarded_allow_ips),
        storage_uri=settings.rate_limit_storage_uri,
        enabled=settings.rate_limit_enabled,
        headers_enabled=True,
        strategy="fixed-window",
    )
