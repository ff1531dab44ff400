"""Responses that describe stored report requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from src.models.enums import CallbackStatus, DeliveryTrigger, RequestMode, RequestStatus
from src.schemas.report import ReportResult


class RequestDetail(BaseModel):
    id: uuid.UUID
    mode: RequestMode
    status: RequestStatus
    input_payload: dict[str, Any]
    result: ReportResult | None
    error: str | None
    callback_url: str | None
    callback_status: CallbackStatus | None
    callback_attempts: int = Field(description="Delivery attempts made so far, over every series.")
    callback_next_attempt_at: datetime | None
    webhook_id: str | None = Field(description="The webhook-id header, the same on every retry of one result.")
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    duration_ms: int | None = Field(description="From creation to completion.")


class RequestPage(BaseModel):
    items: list[RequestDetail]
    total: int = Field(description="Requests that match the filters.")
    total_is_estimate: bool = Field(
        default=False,
        description="True when total is PostgreSQL's row estimate, used for unfiltered listings of large tables.",
    )
    limit: int
    offset: int


class SyncReportResponse(BaseModel):
    request_id: uuid.UUID
    mode: Literal[RequestMode.SYNC] = RequestMode.SYNC
    status: Literal[RequestStatus.COMPLETED] = RequestStatus.COMPLETED
    result: ReportResult
    created_at: datetime
    completed_at: datetime
    duration_ms: int


class AsyncReportAccepted(BaseModel):
    request_id: uuid.UUID
    mode: Literal[RequestMode.ASYNC] = RequestMode.ASYNC
    status: Literal[RequestStatus.PENDING] = RequestStatus.PENDING
    status_url: str
    callback_url: str
    created_at: datetime


class DuplicateRequestResponse(BaseModel):
    """The original request, returned for a repeated Idempotency-Key with the same body."""

    status: Literal["duplicate"] = "duplicate"
    request_id: uuid.UUID
    mode: RequestMode
    request_status: RequestStatus
    status_url: str
    result: ReportResult | None
    error: str | None
    created_at: datetime
    completed_at: datetime | None


class CallbackLogEntry(BaseModel):
    id: int
    attempt_number: int
    trigger: DeliveryTrigger
    status_code: int | None
    success: bool
    error_message: str | None
    response_excerpt: str | None
    response_time_ms: int
    next_attempt_at: datetime | None = Field(description="When the next attempt is due, if one is scheduled.")
    created_at: datetime


class CallbackRetryAccepted(BaseModel):
    request_id: uuid.UUID
    callback_status: CallbackStatus
    callback_next_attempt_at: datetime
