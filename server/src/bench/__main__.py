"""Command line: compare /api/sync and /api/async on any running instance.

Run from server/:

    python -m src.bench --base-url http://127.0.0.1:8000 --requests 100 --concurrency 50 --delay-ms 500

From outside the server there is no benchmark token, so the target's rate limits and
callback URL guard apply. The command starts its own callback receiver (127.0.0.1:9100
by default); on the target set CALLBACK_ALLOWED_HOSTS=127.0.0.1:9100 and
RATE_LIMIT_ENABLED=false, or the rejected requests are counted as 422 and 429.
With --server-side it requests that the target run the benchmark itself (POST /api/benchmark/both).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx

from src.bench.loadgen import MODES, LoadConfig, run_load
from src.bench.receiver import CALLBACK_PATH
from src.bench.table import render_table

DEFAULT_RECEIVER_PORT = 9100
CLEANUP_CONCURRENCY = 10
CLEANUP_TIMEOUT_SECONDS = 60.0


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m src.bench",
        description="Send the same load through POST /api/sync and POST /api/async and compare them.",
    )
    parser.add_argument("--base-url", required=True, help="the instance to measure, e.g. http://127.0.0.1:8000")
    parser.add_argument("--requests", type=int, default=100, help="requests per mode (default 100)")
    parser.add_argument("--concurrency", type=int, default=10, help="clients sending at the same time (default 10)")
    parser.add_argument("--transactions", type=int, default=100, help="rows per report (default 100)")
    parser.add_argument("--delay-ms", type=int, default=0, help="simulated_delay_ms per report (default 0)")
    parser.add_argument("--deadline", type=float, default=300.0, help="stop after this many seconds (default 300)")
    parser.add_argument("--modes", default="sync,async", help="comma-separated: sync, async or both (default)")
    parser.add_argument("--receiver-host", default="127.0.0.1", help="address the callback receiver binds to")
    parser.add_argument(
        "--receiver-port",
        type=int,
        default=DEFAULT_RECEIVER_PORT,
        help=f"port of the callback receiver (default {DEFAULT_RECEIVER_PORT}); allow it in CALLBACK_ALLOWED_HOSTS",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--keep-requests", action="store_true", help="do not delete the requests this run created")
    parser.add_argument(
        "--server-side",
        action="store_true",
        help="ask the instance to run the benchmark itself (POST /api/benchmark/both) and print its figures",
    )
    arguments = parser.parse_args(argv)

    modes = tuple(mode.strip() for mode in arguments.modes.split(",") if mode.strip())
    if not modes or any(mode not in MODES for mode in modes):
        parser.error(f"--modes is {arguments.modes!r}; use sync, async or sync,async")
    arguments.modes = modes
    for name in ("requests", "concurrency", "transactions"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if arguments.deadline <= 0:
        parser.error("--deadline must be more than 0 seconds")
    return arguments


async def run_from_outside(arguments: argparse.Namespace) -> dict[str, Any]:
    config = LoadConfig(
        base_url=arguments.base_url.rstrip("/"),
        num_requests=arguments.requests,
        concurrency=arguments.concurrency,
        num_transactions=arguments.transactions,
        simulated_delay_ms=arguments.delay_ms,
        deadline_seconds=arguments.deadline,
        modes=arguments.modes,
        receiver_host=arguments.receiver_host,
        receiver_port=arguments.receiver_port,
    )

    async def announce(host: str, port: int) -> None:
        if "async" in config.modes:
            print(
                f"Callbacks go to http://{host}:{port}{CALLBACK_PATH}. The target must allow them with "
                f"CALLBACK_ALLOWED_HOSTS={host}:{port}, and needs RATE_LIMIT_ENABLED=false (or higher limits) "
                "for this load; rejected requests are counted as 422 and 429.",
                file=sys.stderr,
            )

    result = await run_load(config, on_receiver_ready=announce)
    created: list[str] = result.pop("created_request_ids")
    if not arguments.keep_requests and created:
        result["requests_left"] = await delete_requests(config.base_url, created)
    return result


async def delete_requests(base_url: str, request_ids: list[str]) -> int:
    """Delete the requests the run created, with their logs and files; return how many could not be deleted."""
    semaphore = asyncio.Semaphore(CLEANUP_CONCURRENCY)

    async def delete(client: httpx.AsyncClient, request_id: str) -> bool:
        async with semaphore:
            try:
                response = await client.delete(f"/api/requests/{request_id}")
            except httpx.HTTPError:
                return False
            return response.status_code in (204, 404)

    async with httpx.AsyncClient(base_url=base_url, timeout=CLEANUP_TIMEOUT_SECONDS, trust_env=False) as client:
        deleted = await asyncio.gather(*(delete(client, request_id) for request_id in request_ids))
    return deleted.count(False)


async def run_on_server(arguments: argparse.Namespace) -> dict[str, Any]:
    body = {
        "num_requests": arguments.requests,
        "concurrency": arguments.concurrency,
        "num_transactions": arguments.transactions,
        "simulated_delay_ms": arguments.delay_ms,
    }
    # The server's own deadline bounds the run; the extra minute covers its cleanup.
    timeout = arguments.deadline + 60
    async with httpx.AsyncClient(base_url=arguments.base_url.rstrip("/"), timeout=timeout, trust_env=False) as client:
        response = await client.post("/api/benchmark/both", json=body)
    if response.status_code != 200:
        raise SystemExit(f"POST /api/benchmark/both returned HTTP {response.status_code}: {response.text}")
    run: dict[str, Any] = response.json()
    return {"run": run, "modes": {mode: run[mode] for mode in ("sync", "async") if run.get(mode)}}


def print_hints(modes: dict[str, dict[str, Any]]) -> None:
    failures: dict[str, int] = {}
    for figures in modes.values():
        for status, count in figures["failed_by_status"].items():
            failures[status] = failures.get(status, 0) + count
    if failures.get("422"):
        print(
            f"{failures['422']} requests were rejected with 422: the callback URL is probably not allowed; "
            "set CALLBACK_ALLOWED_HOSTS on the target to the receiver's host:port printed above.",
            file=sys.stderr,
        )
    if failures.get("429"):
        print(
            f"{failures['429']} requests were rate-limited (429); set RATE_LIMIT_ENABLED=false on the target "
            "or raise RATE_LIMIT_SYNC and RATE_LIMIT_ASYNC.",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        result = asyncio.run(run_on_server(arguments) if arguments.server_side else run_from_outside(arguments))
    except (httpx.HTTPError, OSError) as error:
        print(f"benchmark failed against {arguments.base_url}: {error}", file=sys.stderr)
        return 1

    print(render_table(result["modes"]))
    print_hints(result["modes"])
    if result.get("requests_left"):
        print(f"{result['requests_left']} requests could not be deleted; they are still listed.", file=sys.stderr)
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {arguments.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
