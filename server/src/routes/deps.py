"""FastAPI dependencies shared by the routes."""

from __future__ import annotations

import email.message
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from src.config import Settings
from src.errors import BadRequestError, UnsupportedMediaTypeError
from src.rate_limit import BENCHMARK_TOKEN_HEADER
from src.runtime import Runtime
from src.services.benchmark_registry import BenchmarkGrant, BenchmarkRegistry

MAX_IDEMPOTENCY_KEY_LENGTH = 255


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_settings_from_runtime(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings_from_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="1 to 255 printable ASCII characters; repeats return the original request.",
        ),
    ] = None,
    x_idempotency_key: Annotated[
        str | None, Header(alias="X-Idempotency-Key", description="The same as Idempotency-Key, for older clients.")
    ] = None,
) -> str | None:
    if idempotency_key is not None and x_idempotency_key is not None and idempotency_key != x_idempotency_key:
        raise BadRequestError(
            "Idempotency-Key and X-Idempotency-Key were both sent with different values; send only one of them"
        )
    key = idempotency_key if idempotency_key is not None else x_idempotency_key
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        raise BadRequestError(
            f"Idempotency-Key is {len(key)} characters long; "
            f"use 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters"
        )
    for position, character in enumerate(key):
        if not " " <= character <= "~":
            raise BadRequestError(
                f"Idempotency-Key contains {character!r} at position {position}; use only printable ASCII "
                "characters (0x20 to 0x7E), e.g. a UUID"
            )
    return key


IdempotencyKeyDep = Annotated[str | None, Depends(get_idempotency_key)]


def is_json_media_type(content_type: str) -> bool:
    """Tell whether a Content-Type value is application/json or an application/*+json type."""
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


async def require_json_body(request: Request) -> None:
    """Reject a request body that is not declared as JSON with 415, before the 422 of a parse failure."""
    content_type = request.headers.get("content-type")
    if content_type is not None and is_json_media_type(content_type):
        return
    if not await request.body():
        return
    shown = "no Content-Type" if content_type is None else f"Content-Type {content_type!r}"
    raise UnsupportedMediaTypeError(
        f"the request body was sent with {shown}; send a JSON body with Content-Type: application/json"
    )


async def get_benchmark_grant(request: Request) -> BenchmarkGrant | None:
    """Return the active benchmark run's grant when the request carries its X-Benchmark-Token."""
    registry: BenchmarkRegistry = request.app.state.benchmark_registry
    return registry.grant_for(request.headers.get(BENCHMARK_TOKEN_HEADER))


BenchmarkGrantDep = Annotated[BenchmarkGrant | None, Depends(get_benchmark_grant)]
