"""One benchmark run: serve the app on a loopback port, drive the load generator process, clean up.

The load generator runs as a separate process (`python -m src.bench.loadgen`), so its
own CPU work does not run on the server's event loop or threads and does not count
against the figures. It talks JSON lines over standard input and output.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from src.bench.listener import InProcessServer
from src.config import SERVER_DIR
from src.services import benchmark_store
from src.services.benchmark_registry import BenchmarkGrant

logger = structlog.get_logger(__name__)

LOADGEN_MODULE = "src.bench.loadgen"
# Time the load generator gets after the deadline to finish its last requests and print figures.
LOADGEN_EXIT_GRACE_SECONDS = 15.0
# How long the cleanup waits for the run's jobs that are still PROCESSING, and how often it looks.
CLEANUP_GRACE_SECONDS = 30.0
CLEANUP_POLL_SECONDS = 0.2
STDERR_TAIL_LINES = 20

ReceiverHook = Callable[[str, int], Awaitable[None]]
PhaseHook = Callable[[str, dict[str, Any]], Awaitable[None]]


class BenchmarkFailed(Exception):
    """The run could not produce figures. The message gives the reason."""


async def measure(
    app: ASGIApp,
    *,
    grant: BenchmarkGrant,
    parameters: dict[str, Any],
    deadline_seconds: float,
    on_receiver_ready: ReceiverHook,
    on_phase_done: PhaseHook | None = None,
) -> dict[str, Any]:
    """Serve `app` on 127.0.0.1 for the length of the run and send the load through it.

    A dedicated listener makes the run independent of how the main server is reached
    (a proxy, a Unix socket, another interface). It shares this process's event loop,
    worker pool and database pool, so the figures measure the running service.
    """
    server = InProcessServer(app)
    await server.start()
    try:
        config = {
            **parameters,
            "base_url": server.base_url,
            "deadline_seconds": deadline_seconds,
            "benchmark_token": grant.token,
            "receiver_host": "127.0.0.1",
            "receiver_port": 0,
        }
        return await drive_load_generator(
            config,
            on_receiver_ready=on_receiver_ready,
            on_phase_done=on_phase_done,
            timeout_seconds=deadline_seconds + LOADGEN_EXIT_GRACE_SECONDS,
        )
    finally:
        await server.stop()


async def drive_load_generator(
    config: dict[str, Any],
    *,
    on_receiver_ready: ReceiverHook,
    timeout_seconds: float,
    on_phase_done: PhaseHook | None = None,
) -> dict[str, Any]:
    """Start the load generator, hand it `config`, let it start once the receiver is registered, return its result.

    Raises BenchmarkFailed when the process exits without a result or overruns `timeout_seconds`.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        LOADGEN_MODULE,
        cwd=SERVER_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    stderr_reader = asyncio.create_task(_collect_lines(process.stderr, stderr_tail))
    try:
        async with asyncio.timeout(timeout_seconds):
            # The token travels on standard input, never in the command line that `ps` shows.
            await _write_line(process.stdin, config)
            ready = await _read_event(process.stdout, "receiver_ready", stderr_tail)
            await on_receiver_ready(str(ready["host"]), int(ready["port"]))
            await _write_line(process.stdin, {"command": "start"})
            while (event := await _read_event(process.stdout, ("phase_done", "result"), stderr_tail))[
                "event"
            ] != "result":
                if on_phase_done is not None:
                    await on_phase_done(str(event["mode"]), event["figures"])
            result = event
            await process.wait()
    except TimeoutError as error:
        raise BenchmarkFailed(f"the load generator did not finish within {timeout_seconds:.0f} s") from error
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        stderr_reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stderr_reader
    result.pop("event", None)
    return result


async def _write_line(stream: asyncio.StreamWriter, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message).encode() + b"\n")
    await stream.drain()


async def _read_event(
    stream: asyncio.StreamReader, expected: str | tuple[str, ...], stderr_tail: deque[str]
) -> dict[str, Any]:
    names = (expected,) if isinstance(expected, str) else expected
    line = await stream.readline()
    if not line:
        # Give the stderr reader a moment to collect the traceback of the failed process.
        await asyncio.sleep(0.2)
        details = " | ".join(stderr_tail) or "no error output"
        raise BenchmarkFailed(f"the load generator exited before sending {' or '.join(names)}: {details}")
    event: dict[str, Any] = json.loads(line)
    if event.get("event") not in names:
        raise BenchmarkFailed(f"the load generator sent {event.get('event')!r} where {' or '.join(names)} was expected")
    return event


async def _collect_lines(stream: asyncio.StreamReader, tail: deque[str]) -> None:
    async for line in stream:
        tail.append(line.decode(errors="replace").rstrip())


async def remove_run_requests(
    session_factory: async_sessionmaker[AsyncSession],
    run_id: uuid.UUID,
    *,
    reports_dir: Path,
    grace_seconds: float = CLEANUP_GRACE_SECONDS,
) -> int:
    """Delete the run's requests, their callback logs and their files; return how many are left.

    Rows that a worker is still processing, or whose callback is being sent, are deleted
    once they are released, for at most `grace_seconds`.
    """
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + grace_seconds
    while True:
        async with session_factory() as session:
            files, remaining = await benchmark_store.delete_finished_requests(session, run_id)
            await session.commit()
        await asyncio.to_thread(_unlink_all, reports_dir, files)
        if remaining == 0 or loop.time() >= give_up_at:
            return remaining
        await asyncio.sleep(CLEANUP_POLL_SECONDS)


def _unlink_all(reports_dir: Path, file_names: list[str]) -> None:
    for name in file_names:
        (reports_dir / name).unlink(missing_ok=True)
