"""The FastAPI application: middleware, routers, exception handlers and the lifespan.

Run from server/: `uvicorn src.app:app` or `fastapi dev src/app.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from src import __version__
from src.config import Settings, get_settings
from src.logging_setup import configure_logging
from src.middleware import BodySizeLimitMiddleware, RequestIdMiddleware, UnhandledErrorMiddleware
from src.problems import install_problem_handlers
from src.rate_limit import RateLimitMiddleware, create_limiter, limited_endpoints
from src.routes import files, health, inbox, requests
from src.routes.benchmark import build_benchmark_router
from src.routes.reports import build_reports_router
from src.routes.responses import install_problem_openapi
from src.runtime import start_runtime, stop_runtime
from src.services.benchmark_registry import BenchmarkRegistry
from src.services.url_guard import Resolver

DESCRIPTION = """
Generate CSV financial reports in two ways and compare them:

* **POST /api/sync** waits on the connection until the report exists.
* **POST /api/async** answers `202 Accepted` at once, builds the report in the background and
  POSTs the result to your `callback_url`, signed with the Standard Webhooks scheme and
  retried with exponential backoff.

Errors are RFC 9457 problem details (`application/problem+json`).
"""


def create_app(
    settings: Settings | None = None,
    *,
    resolver: Resolver | None = None,
    callback_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the app. Tests pass a stub `resolver` and `callback_transport` for the URL guard."""
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, resolver=resolver, transport=callback_transport)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await stop_runtime(runtime)

    app = FastAPI(
        title="Financial Report Generator",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    limiter = create_limiter(settings)
    app.state.limiter = limiter
    app.state.benchmark_registry = BenchmarkRegistry()
    app.state.settings = settings

    install_problem_handlers(app)
    install_problem_openapi(app)
    # Added innermost first: a request passes RequestId, CORS, UnhandledError, RateLimit,
    # then BodySizeLimit, so even a 429 or a 500 carries X-Request-ID and CORS headers.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    reports_router = build_reports_router(limiter, settings)
    benchmark_router = build_benchmark_router(limiter, settings)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=limiter,
        endpoints={
            **limited_endpoints(reports_router, prefix="/api", limiter=limiter),
            **limited_endpoints(benchmark_router, prefix="/api", limiter=limiter),
        },
        storage_uri=settings.rate_limit_storage_uri,
    )
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Idempotency-Key", "X-Idempotency-Key", "X-Request-ID"],
        expose_headers=[
            "Location",
            "Retry-After",
            "Idempotent-Replayed",
            "X-Request-ID",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
    )
    app.add_middleware(RequestIdMiddleware)

    app.include_router(reports_router, prefix="/api")
    app.include_router(benchmark_router, prefix="/api")
    app.include_router(requests.router, prefix="/api")
    app.include_router(files.router, prefix="/api")
    app.include_router(health.router, prefix="/api")
    app.include_router(inbox.router, prefix="/api")
    return app


app = create_app()
