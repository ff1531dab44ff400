"""Helpers shared by the performance scripts: servers on loopback ports, a scratch database, wrk."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

SERVER_DIR = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SCRATCH_DATABASE = "frg_bench"
SERVER_START_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scratch_database_url(driver: str = "postgresql") -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql', driver, 1)}/{SCRATCH_DATABASE}"


async def _admin_execute(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """Create the scratch database, yield its URL, and drop it afterwards, even on failure."""
    asyncio.run(_admin_execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
    asyncio.run(_admin_execute(f"CREATE DATABASE {SCRATCH_DATABASE}"))
    try:
        yield scratch_database_url()
    finally:
        asyncio.run(_admin_execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def uvicorn_server(app: str, *, env: dict[str, str], log_path: Path, health_path: str) -> Iterator[ServerProcess]:
    """Run `uvicorn APP` on a free 127.0.0.1 port from server/, one process, no access log."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", app,
        "--host", "127.0.0.1", "--port", str(port),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command, no shell
            command, cwd=SERVER_DIR, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
    server = ServerProcess(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    try:
        _wait_until_up(server, health_path)
        yield server
    finally:
        server.stop()


def _wait_until_up(server: ServerProcess, health_path: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}; see {server.log_path}")
        try:
            if httpx.get(server.base_url + health_path, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not respond on {health_path} within {SERVER_START_TIMEOUT_SECONDS:.0f} s")


# wrk's `--latency` table and totals (wrk 4.1).
_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_WRK_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")
_WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_WRK_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, *, script: Path, connections: int, threads: int, seconds: int) -> dict[str, Any]:
    """Run wrk against `url` and return requests, non-2xx count, socket errors, successes per second and percentiles."""
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout  # noqa: S603
    total = _WRK_TOTAL.search(output)
    if total is None:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    duration = float(total.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[total.group(3)]
    requests = int(total.group(1))
    non_2xx_match = _WRK_NON_2XX.search(output)
    non_2xx = int(non_2xx_match.group(1)) if non_2xx_match else 0
    errors_match = _WRK_SOCKET_ERRORS.search(output)
    socket_errors = sum(int(value) for value in errors_match.groups()) if errors_match else 0
    percentiles = {
        f"p{match.group(1)}": float(match.group(2)) * _WRK_UNITS[match.group(3)]
        for match in _WRK_PERCENTILE.finditer(output)
    }
    return {
        "requests": requests,
        "seconds": round(duration, 2),
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
        "success_per_second": round((requests - non_2xx) / duration, 1),
        "latency_ms": percentiles,
        "raw": output,
    }


def wrk_post_script(path: Path, *, body: str, headers: dict[str, str]) -> Path:
    lines = ['wrk.method = "POST"', f"wrk.body = [[{body}]]"]
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
