"""The objects one running service owns: engine, worker pool, dispatcher, HTTP client.

The app's lifespan builds one Runtime on start-up and closes it on shutdown.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import structlog
from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from src.config import SERVER_DIR, Settings
from src.database import create_engine, create_session_factory
from src.services.dispatcher import JobDispatcher
from src.services.job_runner import ReportJobRunner
from src.services.signing import WebhookSigner, load_or_create_secret
from src.services.url_guard import AllowedHost, Resolver, system_resolver
from src.services.webhook_delivery import DeliveryPolicy, WebhookDeliverer
from src.services.worker_pool import WorkerPool

logger = structlog.get_logger(__name__)

ALEMBIC_INI = SERVER_DIR.parent / "alembic.ini"


@dataclass
class Runtime:
    settings: Settings
    owner: str
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    pool: WorkerPool
    http_client: httpx.AsyncClient
    webhook_secret: str
    runner: ReportJobRunner
    dispatcher: JobDispatcher
    resolver: Resolver
    allowed_hosts: Sequence[AllowedHost]
    started_at: float = field(default_factory=time.monotonic)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def run_migrations(database_url: str) -> None:
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


def instance_id() -> str:
    """Name this process uniquely among all processes sharing the database."""
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


async def start_runtime(
    settings: Settings,
    *,
    resolver: Resolver | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Runtime:
    if settings.migrate_on_start:
        await asyncio.to_thread(run_migrations, settings.database_url)

    owner = instance_id()
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    pool = WorkerPool(settings.worker_threads)
    # Proxies from the environment are ignored: a callback must reach the checked address.
    http_client = httpx.AsyncClient(transport=transport, follow_redirects=False, trust_env=False)
    secret = load_or_create_secret(settings.webhook_secret, settings.webhook_secret_file)
    resolver = resolver or system_resolver
    allowed_hosts = [AllowedHost.parse(entry) for entry in settings.callback_allowed_hosts]

    runner = ReportJobRunner(session_factory=session_factory, pool=pool, reports_dir=settings.reports_dir, owner=owner)
    deliverer = WebhookDeliverer(
        session_factory=session_factory,
        client=http_client,
        signer=WebhookSigner(secret),
        resolver=resolver,
        allowed_hosts=allowed_hosts,
        policy=DeliveryPolicy(
            max_attempts=settings.callback_max_attempts,
            backoff_base_seconds=settings.callback_backoff_base_seconds,
            timeout_seconds=settings.callback_timeout_seconds,
            max_response_bytes=settings.callback_max_response_bytes,
        ),
    )
    dispatcher = JobDispatcher(
        session_factory=session_factory,
        runner=runner,
        deliverer=deliverer,
        pool=pool,
        owner=owner,
        lease_seconds=settings.job_lease_seconds,
        poll_seconds=settings.dispatch_poll_seconds,
        delivery_concurrency=settings.callback_concurrency,
        delivery_timeout_seconds=settings.callback_timeout_seconds,
    )
    dispatcher.start()
    logger.info(
        "service_started",
        owner=owner,
        database=engine.dialect.name,
        worker_threads=settings.worker_threads,
        callback_allowed_hosts=settings.callback_allowed_hosts,
    )
    return Runtime(
        settings=settings,
        owner=owner,
        engine=engine,
        session_factory=session_factory,
        pool=pool,
        http_client=http_client,
        webhook_secret=secret,
        runner=runner,
        dispatcher=dispatcher,
        resolver=resolver,
        allowed_hosts=allowed_hosts,
    )


async def stop_runtime(runtime: Runtime) -> None:
    logger.info("service_stopping", owner=runtime.owner)
    await runtime.dispatcher.shutdown(runtime.settings.shutdown_timeout_seconds)
    runtime.pool.shutdown()
    await runtime.http_client.aclose()
    await runtime.engine.dispose()
    logger.info("service_stopped", owner=runtime.owner)
