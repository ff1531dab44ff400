"""Values of the mode and status columns."""

from __future__ import annotations

from enum import StrEnum


class RequestMode(StrEnum):
    SYNC = "sync"
    ASYNC = "async"


class RequestStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class CallbackStatus(StrEnum):
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


class DeliveryTrigger(StrEnum):
    """Origin of a delivery series: the job finishing, or a user requesting redelivery."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"
