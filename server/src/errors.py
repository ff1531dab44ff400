"""The service's exceptions. Each carries the HTTP status and title of its problem details body."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the API reports on purpose; rendered as RFC 9457 problem details."""

    status: int = 500
    title: str = "Internal server error"
    type_slug: str = "internal-error"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions or {}


class BadRequestError(AppError):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"


class NotFoundError(AppError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class ConflictError(AppError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class UnsupportedMediaTypeError(AppError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class InvalidRequestError(AppError):
    """A 422 for a request that is well-formed JSON but cannot be processed as sent."""

    status = 422
    title = "Invalid request"
    type_slug = "invalid-request"


class CallbackUrlRejectedError(InvalidRequestError):
    title = "Callback URL rejected"
    type_slug = "callback-url-rejected"


class IdempotencyKeyReusedError(InvalidRequestError):
    title = "Idempotency key reused with a different body"
    type_slug = "idempotency-key-reused"


class ServiceUnavailableError(AppError):
    status = 503
    title = "Service unavailable"
    type_slug = "service-unavailable"


class ReportGenerationError(AppError):
    status = 500
    title = "Report generation failed"
    type_slug = "report-generation-failed"
