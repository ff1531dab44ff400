"""Exception handlers that render every error as RFC 9457 problem details."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from slowapi.errors import RateLimitExceeded
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from src.errors import AppError

logger = structlog.get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://financial-report-generator.dev/problems/"
DATABASE_RETRY_AFTER_SECONDS = 5


def problem_response(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
    }
    body.update(extensions or {})
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers, media_type=PROBLEM_CONTENT_TYPE)


async def handle_app_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AppError)
    if error.status >= 500:
        logger.error(
            "request_failed",
            status=error.status,
            detail=error.detail,
            path=request.url.path,
            http_request_id=getattr(request.state, "request_id", None),
        )
    return problem_response(
        request,
        status=error.status,
        title=error.title,
        detail=error.detail,
        type_slug=error.type_slug,
        headers=error.headers,
        extensions=error.extensions,
    )


async def handle_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    field_errors = [_field_error(item) for item in error.errors()]
    if any(item["type"] == "json_invalid" for item in field_errors):
        detail = "The request body is not valid JSON: " + "; ".join(item["message"] for item in field_errors)
    else:
        detail = "; ".join(f"{item['location']}: {item['message']}" for item in field_errors)
    return problem_response(
        request,
        status=422,
        title="Validation failed",
        detail=detail,
        type_slug="validation-failed",
        extensions={"errors": field_errors},
    )


def _field_error(item: dict[str, Any]) -> dict[str, Any]:
    location = ".".join(str(part) for part in item.get("loc", ()))
    message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
    field_error: dict[str, Any] = {"location": location, "message": message, "type": item.get("type", "value_error")}
    value = item.get("input")
    if isinstance(value, (str, int, float, bool)) or value is None:
        field_error["value"] = value[:200] if isinstance(value, str) else value
    return field_error


async def handle_http_exception(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = error.status_code
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = (
        error.detail if isinstance(error.detail, str) and error.detail != title else _default_detail(request, status)
    )
    return problem_response(
        request,
        status=status,
        title=title,
        detail=detail,
        type_slug=title.lower().replace(" ", "-"),
        headers=dict(error.headers or {}),
    )


def _default_detail(request: Request, status: int) -> str:
    if status == 404:
        return f"no endpoint matches {request.url.path}; see /docs for the API"
    if status == 405:
        return f"{request.method} is not allowed on {request.url.path}; see /docs for the allowed methods"
    return HTTPStatus(status).description


def rate_limited_response(request: Request, error: RateLimitExceeded) -> JSONResponse:
    """Build the 429 body. RateLimitMiddleware adds Retry-After and the X-RateLimit-* headers."""
    return problem_response(
        request,
        status=429,
        title="Too many requests",
        detail=f"rate limit of {error.detail} exceeded for this client; wait for the Retry-After seconds and try again",
        type_slug="rate-limited",
    )


async def handle_rate_limit(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RateLimitExceeded)
    return rate_limited_response(request, error)


def is_database_unavailable(error: BaseException) -> bool:
    """Tell a lost or refused database connection apart from a failing query, which is a bug."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (ConnectionError, SQLAlchemyTimeoutError))


async def handle_database_unavailable(request: Request, error: Exception) -> JSONResponse:
    logger.warning(
        "database_unavailable",
        error=type(error).__name__,
        path=request.url.path,
        http_request_id=getattr(request.state, "request_id", None),
    )
    return database_unavailable_response(request)


def database_unavailable_response(request: Request) -> JSONResponse:
    return problem_response(
        request,
        status=503,
        title="Service unavailable",
        detail=f"the database is unreachable; retry after {DATABASE_RETRY_AFTER_SECONDS} s",
        type_slug="database-unavailable",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def internal_error_response(request: Request) -> JSONResponse:
    """Build the 500 body, which names only the request id, never the cause."""
    return problem_response(
        request,
        status=500,
        title="Internal server error",
        detail="The server failed to process the request. Report the request_id to the operator.",
        type_slug="internal-error",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, handle_app_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_exception)
    app.add_exception_handler(RateLimitExceeded, handle_rate_limit)
    for error_type in (ConnectionError, SQLAlchemyTimeoutError):
        app.add_exception_handler(error_type, handle_database_unavailable)
    # Other exceptions, including DBAPIError, reach UnhandledErrorMiddleware, which returns
    # 503 for a lost connection and 500 for anything else.
