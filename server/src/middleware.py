"""ASGI middleware: request ids, the last-resort error response and the request body size limit."""

from __future__ import annotations

import re
import uuid

import structlog
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.problems import database_unavailable_response, internal_error_response, is_database_unavailable

logger = structlog.get_logger(__name__)

REQUEST_ID_HEADER = b"x-request-id"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdMiddleware:
    """Take X-Request-ID from the request when it is safe to echo, else make one; bind it to logs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        given = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"").decode("latin-1")
        request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value) for name, value in message.get("headers", []) if name.lower() != REQUEST_ID_HEADER
                ]
                headers.append((REQUEST_ID_HEADER, request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(http_request_id=request_id):
            await self.app(scope, receive, send_with_id)


class UnhandledErrorMiddleware:
    """Return a 500 for an exception that no handler caught, or a 503 for a lost database connection.

    The response carries only the request id; the traceback goes to the log with the same id.
    Starlette's own last-resort handler runs outside every user middleware, so its responses
    would miss the X-Request-ID and CORS headers; this one runs inside them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            request = Request(scope)
            request_id = getattr(request.state, "request_id", None)
            if is_database_unavailable(error):
                logger.warning("database_unavailable", error=type(error).__name__, http_request_id=request_id)
                response = database_unavailable_response(request)
            else:
                logger.exception(
                    "unhandled_error", path=scope["path"], method=scope["method"], http_request_id=request_id
                )
                response = internal_error_response(request)
            if response_started:
                raise
            await response(scope, receive, send)


class BodySizeLimitMiddleware:
    """Reject request bodies over `max_bytes` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            too_large = self._error(int(declared))

            async def reject(_: Message | None = None) -> Message:
                raise too_large

            await self.app(scope, reject, send)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._error(received)
            return message

        await self.app(scope, counting_receive, send)

    def _error(self, size: int) -> HTTPException:
        # An HTTPException, because FastAPI turns any other error raised while it reads the
        # body into a 400 "There was an error parsing the body".
        return HTTPException(
            413,
            f"the request body has at least {size} bytes; the maximum is {self.max_bytes} bytes "
            "(MAX_REQUEST_BODY_BYTES); send a smaller body",
        )
