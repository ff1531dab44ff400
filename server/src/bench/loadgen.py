"""The load generator: sends one load through /api/sync and through /api/async and measures both.

It runs in its own process, so its CPU work is not counted against the server's event
loop. Run as `python -m src.bench.loadgen` (from server/), it reads a JSON configuration
line on standard input, starts its callback receiver, prints
`{"event": "receiver_ready", "host": ..., "port": ...}`, waits for a `start` line, runs,
and prints `{"event": "result", ...}`. Standard output carries only these JSON lines.
It stops early when its standard input closes, so it never outlives its parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from src.bench.receiver import CALLBACK_PATH, CallbackReceiver, start_receiver
from src.bench.stats import mode_figures, summarize_ms

BENCHMARK_TOKEN_HEADER = "X-Benchmark-Token"  # noqa: S105 - a header name, not a secret
MODES = ("sync", "async")
SUCCESS_STATUS = {"sync": "200", "async": "202"}
# With both modes, the sync phase may use this share of the deadline; async gets the rest,
# because it also waits for the callbacks.
SYNC_SHARE_OF_DEADLINE = 0.5


@dataclass(frozen=True)
class LoadConfig:
    base_url: str
    num_requests: int
    concurrency: int
    num_transactions: int
    simulated_delay_ms: int
    deadline_seconds: float
    modes: tuple[str, ...] = MODES
    benchmark_token: str | None = None
    receiver_host: str = "127.0.0.1"
    receiver_port: int = 0
    # The host written into callback URLs; the receiver's bind address when not set.
    callback_host: str | None = None

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> LoadConfig:
        values = dict(document)
        values["modes"] = tuple(values.get("modes", MODES))
        return cls(**values)


@dataclass
class PhaseRecord:
    outcomes: list[tuple[str, float]] = field(default_factory=list)
    # request_id -> perf_counter() when its POST was sent, for accepted async requests.
    submitted: dict[str, float] = field(default_factory=dict)


ReadyHook = Callable[[str, int], Awaitable[None]]


async def run_load(
    config: LoadConfig,
    *,
    on_receiver_ready: ReadyHook | None = None,
    on_phase_done: Callable[[str, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Start the receiver, run each mode in turn within the deadline, and return the figures.

    `on_phase_done` receives each mode's figures as soon as that mode has finished.
    """
    started = time.perf_counter()
    deadline = started + config.deadline_seconds
    receiver, server = await start_receiver(config.receiver_host, config.receiver_port)
    try:
        if on_receiver_ready is not None:
            await on_receiver_ready(server.host, server.port)
        callback_url = f"http://{config.callback_host or server.host}:{server.port}{CALLBACK_PATH}"
        limits = httpx.Limits(max_connections=config.concurrency, max_keepalive_connections=config.concurrency)
        client = httpx.AsyncClient(
            base_url=config.base_url, limits=limits, timeout=config.deadline_seconds, trust_env=False
        )
        async with client:
            results: dict[str, Any] = {}
            created: list[str] = []
            for mode in config.modes:
                phase_deadline = deadline
                if mode == "sync" and "async" in config.modes:
                    phase_deadline = started + config.deadline_seconds * SYNC_SHARE_OF_DEADLINE
                results[mode] = await _run_mode(client, mode, config, receiver, callback_url, phase_deadline, created)
                if on_phase_done is not None:
                    on_phase_done(mode, results[mode])
    finally:
        await server.stop()
    return {
        "modes": results,
        "created_request_ids": created,
        "receiver": {"callbacks": receiver.callbacks, "repeats": receiver.repeats, "unparsed": receiver.unparsed},
        "wall_seconds": round(time.perf_counter() - started, 3),
    }


async def _run_mode(
    client: httpx.AsyncClient,
    mode: str,
    config: LoadConfig,
    receiver: CallbackReceiver,
    callback_url: str,
    phase_deadline: float,
    created: list[str],
) -> dict[str, Any]:
    record = PhaseRecord()
    indexes = iter(range(config.num_requests))
    stopped = False

    async def client_loop() -> None:
        nonlocal stopped
        # All loops share one iterator, so each request index is sent once.
        for index in indexes:
            remaining = phase_deadline - time.perf_counter()
            if remaining <= 0:
                stopped = True
                return
            await _send_one(client, mode, index, config, callback_url, remaining, record, created)

    phase_started = time.perf_counter()
    await asyncio.gather(*(client_loop() for _ in range(min(config.concurrency, config.num_requests))))
    wall = time.perf_counter() - phase_started
    stopped = stopped or any(outcome == "timeout" for outcome, _ in record.outcomes)

    figures = mode_figures(
        mode=mode,
        planned=config.num_requests,
        outcomes=record.outcomes,
        success_outcome=SUCCESS_STATUS[mode],
        wall_seconds=wall,
        stopped_by_deadline=stopped,
    )
    if mode == "async":
        figures |= await _await_callbacks(record, receiver, phase_started, phase_deadline)
        figures["stopped_by_deadline"] = figures["stopped_by_deadline"] or figures["callbacks_missing"] > 0
    return figures


async def _send_one(
    client: httpx.AsyncClient,
    mode: str,
    index: int,
    config: LoadConfig,
    callback_url: str,
    remaining: float,
    record: PhaseRecord,
    created: list[str],
) -> None:
    payload = {
        "num_transactions": config.num_transactions,
        "report_name": f"benchmark {mode} {index}",
        "seed": index,
        "simulated_delay_ms": config.simulated_delay_ms,
    }
    body: dict[str, Any] = {"payload": payload}
    if mode == "async":
        body["callback_url"] = callback_url
    headers = {BENCHMARK_TOKEN_HEADER: config.benchmark_token} if config.benchmark_token else {}

    sent = time.perf_counter()
    try:
        async with asyncio.timeout(remaining):
            response = await client.post(f"/api/{mode}", json=body, headers=headers)
    except TimeoutError:
        record.outcomes.append(("timeout", time.perf_counter() - sent))
        return
    except httpx.HTTPError:
        record.outcomes.append(("connection_error", time.perf_counter() - sent))
        return
    latency = time.perf_counter() - sent

    outcome = str(response.status_code)
    record.outcomes.append((outcome, latency))
    if outcome == SUCCESS_STATUS[mode]:
        request_id = str(response.json().get("request_id", ""))
        created.append(request_id)
        if mode == "async":
            record.submitted[request_id] = sent


async def _await_callbacks(
    record: PhaseRecord, receiver: CallbackReceiver, phase_started: float, phase_deadline: float
) -> dict[str, Any]:
    """Wait until every accepted job's callback arrived or the deadline passed; summarise completions."""
    expected = set(record.submitted)
    while not expected <= receiver.arrivals.keys():
        remaining = phase_deadline - time.perf_counter()
        if remaining <= 0:
            break
        receiver.arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(receiver.arrived.wait(), timeout=remaining)

    completions = [
        receiver.arrivals[request_id] - sent
        for request_id, sent in record.submitted.items()
        if request_id in receiver.arrivals
    ]
    last_arrival = max((receiver.arrivals[r] for r in expected if r in receiver.arrivals), default=phase_started)
    completion_wall = last_arrival - phase_started
    return {
        "callbacks_received": len(completions),
        "callbacks_missing": len(expected) - len(completions),
        "completion_ms": summarize_ms(completions),
        "completion_wall_seconds": round(completion_wall, 3),
        "completed_per_second": round(len(completions) / completion_wall, 2) if completion_wall > 0 else 0.0,
    }


async def _main() -> int:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    config = LoadConfig.from_json(json.loads(await reader.readline()))
    start_received = asyncio.Event()

    async def wait_for_start(host: str, port: int) -> None:
        _emit({"event": "receiver_ready", "host": host, "port": port})
        command = await reader.readline()
        if json.loads(command or b"{}").get("command") != "start":
            raise RuntimeError("load generator: standard input closed before the start command")
        start_received.set()

    def report_phase(mode: str, figures: dict[str, Any]) -> None:
        _emit({"event": "phase_done", "mode": mode, "figures": figures})

    run = asyncio.create_task(run_load(config, on_receiver_ready=wait_for_start, on_phase_done=report_phase))
    started = asyncio.create_task(start_received.wait())
    await asyncio.wait({run, started}, return_when=asyncio.FIRST_COMPLETED)

    # After the start command, any further input or the end of input (the parent died)
    # cancels the run. A StreamReader allows one reader at a time, hence the wait above.
    parent_gone = asyncio.create_task(reader.read())
    done, _ = await asyncio.wait({run, parent_gone}, return_when=asyncio.FIRST_COMPLETED)
    if run not in done:
        run.cancel()
        return 1
    parent_gone.cancel()
    started.cancel()
    _emit({"event": "result", **run.result()})
    return 0


def _emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def config_to_json(config: LoadConfig) -> str:
    return json.dumps(asdict(config))


if __name__ == "__main__":
    sys.exit(asyncio.run(_main()))
