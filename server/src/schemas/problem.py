"""RFC 9457 problem details, the body of every error response."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    location: str = Field(description="Where the invalid value is, e.g. body.payload.num_transactions.")
    message: str
    type: str
    value: object | None = None


class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI that identifies the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = Field(default=None, description="The X-Request-ID of the failed request.")
    report_request_id: str | None = Field(
        default=None, description="The stored report request involved, e.g. the original of a reused Idempotency-Key."
    )
    errors: list[FieldError] | None = None
