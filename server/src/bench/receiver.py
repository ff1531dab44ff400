"""The benchmark's webhook receiver: records when each job's callback arrives."""

from __future__ import annotations

import asyncio
import json
import time

from starlette.types import Receive, Scope, Send

from src.bench.listener import InProcessServer

CALLBACK_PATH = "/benchmark-callback"
# A webhook body above this size is counted but not parsed; report callbacks are about 1 KB.
MAX_PARSED_BODY_BYTES = 1024 * 1024


class CallbackReceiver:
    """An ASGI app that responds to every POST with 204 and stores the first arrival time per request_id.

    Times are `time.perf_counter()` values of this process, the same clock the load
    generator uses for send times. Repeats of one request_id (webhook retries) are counted
    but keep the first arrival time.
    """

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.callbacks = 0
        self.repeats = 0
        self.unparsed = 0
        # Set on every first arrival, so a waiter can re-check its condition.
        self.arrived = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        arrived = time.perf_counter()
        self._record(body, arrived)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def _record(self, body: bytes, arrived: float) -> None:
        self.callbacks += 1
        request_id = _request_id(body)
        if request_id is None:
            self.unparsed += 1
        elif request_id in self.arrivals:
            self.repeats += 1
        else:
            self.arrivals[request_id] = arrived
            self.arrived.set()


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_PARSED_BODY_BYTES:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks) if size <= MAX_PARSED_BODY_BYTES else b""


def _request_id(body: bytes) -> str | None:
    try:
        event = json.loads(body)
    except ValueError:
        return None
    request_id = event.get("request_id") if isinstance(event, dict) else None
    return request_id if isinstance(request_id, str) else None


async def start_receiver(host: str, port: int) -> tuple[CallbackReceiver, InProcessServer]:
    receiver = CallbackReceiver()
    server = InProcessServer(receiver, host=host, port=port)
    await server.start()
    return receiver, server
