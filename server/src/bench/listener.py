"""Serve an ASGI app with uvicorn on a socket inside the running event loop."""

from __future__ import annotations

import socket

import uvicorn
from starlette.types import ASGIApp


class InProcessServer:
    """A uvicorn server (127.0.0.1 by default) that starts and stops with the caller, not with the process.

    It calls uvicorn's `startup` and `shutdown` directly instead of `serve`, because
    `serve` replaces the process's SIGINT and SIGTERM handlers while it runs. No lifespan
    events are sent, and uvicorn's logging configuration is left alone.
    """

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._config = uvicorn.Config(
            app, host=host, port=port, lifespan="off", log_config=None, access_log=False, log_level="warning"
        )
        self._server = uvicorn.Server(self._config)
        self._socket: socket.socket | None = None
        self.host = host
        self.port = port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.host, self.port))
        self.port = self._socket.getsockname()[1]

        self._config.load()
        self._server.lifespan = self._config.lifespan_class(self._config)
        await self._server.startup(sockets=[self._socket])
        if self._server.should_exit:
            raise OSError(f"uvicorn could not start on {self.host}:{self.port}")

    async def stop(self) -> None:
        if self._socket is None:
            return
        await self._server.shutdown(sockets=[self._socket])
        self._socket.close()
        self._socket = None
