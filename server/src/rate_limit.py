"""Rate limiting with slowapi, keyed by the client's address.

X-Forwarded-For is trusted only when the direct peer is a proxy listed in
FORWARDED_ALLOW_IPS. Otherwise a client could pick a new address for every request.
Uvicorn has its own proxy-header handling, which by default trusts 127.0.0.1 and rewrites
the peer address before the app receives the request. Run it with --no-proxy-headers, or
set its --forwarded-allow-ips to the same proxies.

The limits are declared with `@limiter.limit` on the routes, but `RateLimitMiddleware`
counts them before FastAPI reads the body, so invalid bodies count too, and writes the
X-RateLimit-* headers once per response.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import anyio.to_thread
import structlog
from fastapi import APIRouter
from fastapi.routing import APIRoute
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.config import Settings
from src.problems import problem_response, rate_limited_response
from src.services.benchmark_registry import BenchmarkRegistry

logger = structlog.get_logger(__name__)

Endpoint = Callable[..., Any]

# Seconds a client should wait when the rate-limit storage cannot be reached.
STORAGE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5


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
    registry: BenchmarkRegistry | None = getattr(request.app.state, "benchmark_registry", None)
    if registry is None:
        return False
    return registry.grant_for(request.headers.get(BENCHMARK_TOKEN_HEADER)) is not None


def create_limiter(settings: Settings) -> Limiter:
    """Build the limiter. Its own header writing is off because RateLimitMiddleware writes them."""
    return Limiter(
        key_func=client_address_key(settings.forwarded_allow_ips),
        storage_uri=settings.rate_limit_storage_uri,
        enabled=settings.rate_limit_enabled,
        headers_enabled=False,
        strategy="fixed-window",
    )


def limited_endpoints(router: APIRouter, *, prefix: str, limiter: Limiter) -> dict[tuple[str, str], Endpoint]:
    """Map (method, path) to each endpoint of `router` that carries `@limiter.limit`.

    The middleware looks requests up here by exact path, which works because the limited
    routes have no path parameters.
    """
    endpoints: dict[tuple[str, str], Endpoint] = {}
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        if f"{route.endpoint.__module__}.{route.endpoint.__name__}" not in limiter._route_limits:
            continue
        for method in route.methods or ():
            endpoints[(method, prefix + route.path)] = route.endpoint
    return endpoints


class RateLimitMiddleware:
    """Count a request against the limits of its route before the route parses the body.

    It calls `Limiter._check_request_limit`, the private check that slowapi's own
    middleware calls (slowapi 0.1.10). It then marks the request as counted, so the
    route's decorator does not count it a second time.
    """

    def __init__(
        self, app: ASGIApp, limiter: Limiter, *, endpoints: dict[tuple[str, str], Endpoint], storage_uri: str
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.endpoints = endpoints
        # Redis calls block, so they run in a worker thread instead of on the event loop.
        self.blocking_storage = not storage_uri.startswith("memory://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limiter.enabled:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._write_headers(scope, message)
            await send(message)

        endpoint = self.endpoints.get((scope["method"], scope["path"]))
        if endpoint is None:
            await self.app(scope, receive, send_with_headers)
            return

        request = Request(scope)
        try:
            await self._run(self.limiter._check_request_limit, request, endpoint, False)
        except RateLimitExceeded as exceeded:
            await rate_limited_response(request, exceeded)(scope, receive, send_with_headers)
            return
        except Exception as error:
            logger.warning("rate_limit_storage_failed", error=repr(error), path=scope["path"])
            await self._storage_unavailable(request)(scope, receive, send)
            return

        request.state._rate_limiting_complete = True
        await self.app(scope, receive, send_with_headers)

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        if self.blocking_storage:
            return await anyio.to_thread.run_sync(function, *args)
        return function(*args)

    async def _write_headers(self, scope: Scope, message: Message) -> None:
        """Set the X-RateLimit-* headers, and Retry-After on a 429, each exactly once."""
        current_limit = scope.get("state", {}).get("view_rate_limit")
        if current_limit is None:
            return

        item, identifiers = current_limit
        try:
            reset_at, remaining = await self._run(self.limiter.limiter.get_window_stats, item, *identifiers)
        except Exception as error:
            logger.warning("rate_limit_storage_failed", error=repr(error), path=scope["path"])
            return

        headers = MutableHeaders(scope=message)
        headers["X-RateLimit-Limit"] = str(item.amount)
        headers["X-RateLimit-Remaining"] = str(remaining)
        # Unix time in seconds at which the current window ends, as slowapi and GitHub write it.
        headers["X-RateLimit-Reset"] = str(math.ceil(reset_at))
        if message["status"] == 429:
            headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))

    def _storage_unavailable(self, request: Request) -> Any:
        return problem_response(
            request,
            status=503,
            title="Service unavailable",
            detail="the rate-limit storage (RATE_LIMIT_STORAGE_URI) is unreachable; retry later",
            type_slug="rate-limit-storage-unavailable",
            headers={"Retry-After": str(STORAGE_UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
