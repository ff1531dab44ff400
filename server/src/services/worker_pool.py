"""The thread pool that runs blocking report generation off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class WorkerPool:
    """A ThreadPoolExecutor that counts busy and queued tasks and can ask them to stop.

    `stop_event` is passed to every task; it is set on shutdown so long tasks end early.
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.stop_event = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="report-worker")
        self._lock = threading.Lock()
        self._submitted = 0
        self._busy = 0

    @property
    def busy(self) -> int:
        return self._busy

    @property
    def queued(self) -> int:
        return self._submitted - self._busy

    @property
    def free(self) -> int:
        return max(self.threads - self._submitted, 0)

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        with self._lock:
            self._submitted += 1
        try:
            return await loop.run_in_executor(self._executor, self._call, function, args, kwargs)
        finally:
            with self._lock:
                self._submitted -= 1

    def _call(self, function: Callable[..., T], args: tuple[object, ...], kwargs: dict[str, object]) -> T:
        with self._lock:
            self._busy += 1
        try:
            return function(*args, **kwargs)
        finally:
            with self._lock:
                self._busy -= 1

    def shutdown(self) -> None:
        self.stop_event.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
