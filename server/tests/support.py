"""Test helpers: a real webhook receiver on 127.0.0.1 and guards that forbid connections."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route


@dataclass
class ReceivedCallback:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float


@dataclass
class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that records callbacks and responds with planned statuses."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[ReceivedCallback] = field(default_factory=list)
    _plans: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    _defaults: dict[str, int] = field(default_factory=dict)
    _behaviours: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def allowed_host(self) -> str:
        return f"{self.host}:{self.port}"

    def plan(self, path: str, statuses: list[int], *, then: int = 200) -> None:
        """Respond to `path` with `statuses` in order, then with `then` for every later call."""
        with self._lock:
            self._plans[path] = deque(statuses)
            self._defaults[path] = then

    def misbehave(self, path: str, behaviour: str) -> None:
        """Make `path` respond 200 with a body that trickles one byte every 0.2 s ("slow")
        or with 1 MiB of body ("huge")."""
        with self._lock:
            self._behaviours[path] = behaviour

    def calls(self, path: str) -> list[ReceivedCallback]:
        with self._lock:
            return [call for call in self.received if call.path == path]

    def reset(self) -> None:
        with self._lock:
            self.received.clear()
            self._plans.clear()
            self._defaults.clear()
            self._behaviours.clear()

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        with self._lock:
            self.received.append(ReceivedCallback(path, dict(request.headers), body, time.monotonic()))
            plan = self._plans[path]
            status = plan.popleft() if plan else self._defaults.get(path, 200)
            behaviour = self._behaviours.get(path)
        if behaviour == "slow":
            return StreamingResponse(_trickle(seconds=10), status_code=200)
        if behaviour == "huge":
            return Response(b"x" * (1 << 20), status_code=200)
        if status in (301, 302, 307, 308):
            return Response(status_code=status, headers={"Location": self.url("/redirect-target")})
        return Response(f"status {status}", status_code=status)

    def start(self) -> None:
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST", "GET"])])
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("webhook receiver did not start within 10 s")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)


async def _trickle(seconds: float) -> AsyncIterator[bytes]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        yield b"."
        await asyncio.sleep(0.2)


class ConnectionForbidden(AssertionError):
    pass


class ForbidConnectionsTransport(httpx.AsyncBaseTransport):
    """An httpx transport that fails the test if anything tries to send a request through it."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts.append(str(request.url))
        raise ConnectionForbidden(f"a connection to {request.url} was attempted")


class RefuseConnectionsTransport(httpx.AsyncBaseTransport):
    """An httpx transport that records where it was asked to connect and refuses, as a closed port would."""

    def __init__(self) -> None:
        self.attempts: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts.append(request)
        raise httpx.ConnectError("connection refused by the test transport", request=request)


def stub_resolver(table: dict[str, list[str]]) -> Callable[[str, int], asyncio.Future[list[str]]]:
    """A resolver that answers from `table` and never touches DNS; unknown names fail like NXDOMAIN."""

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])

    return resolve  # type: ignore[return-value]


async def wait_for(condition: Callable[[], object], *, timeout: float = 15.0, interval: float = 0.05) -> None:
    """Poll `condition` (sync or async) until it is truthy, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)


SERVER_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """The real service in its own uvicorn process on 127.0.0.1, for crash and shutdown tests."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._env = {**os.environ, **env}
        self._log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        log = self._log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "src.app:app",
                "--no-proxy-headers",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=SERVER_DIR,
            env=self._env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self._log_path}")
            try:
                if httpx.get(self.base_url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not become healthy within {timeout} s; see {self._log_path}")

    def kill(self) -> None:
        """End the process with SIGKILL, as a crash or an OOM kill would."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30.0) -> int:
        """Send SIGTERM, as an orchestrator does, and wait for a graceful exit."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_events(self) -> list[dict[str, object]]:
        """Parse the JSON log lines the process wrote (LOG_FORMAT=json)."""
        events = []
        for line in self._log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(json.JSONDecodeError):
                    events.append(json.loads(line))
        return events


@contextlib.asynccontextmanager
async def unreachable_database(api: httpx.AsyncClient) -> AsyncIterator[None]:
    """Point the running app's sessions at a database that refuses every connection, then restore them."""
    from src.database import create_engine, create_session_factory

    runtime = api._transport.app.state.runtime  # type: ignore[attr-defined]
    # Nothing listens on loopback port 1, so every connection is refused at once.
    unreachable = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    working_factory = runtime.session_factory
    runtime.session_factory = create_session_factory(unreachable)
    try:
        yield
    finally:
        runtime.session_factory = working_factory
        await unreachable.dispose()
