"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`."""

from src.models.base import Base
from src.models.benchmark_run import BenchmarkRun, BenchmarkRunStatus
from src.models.callback_log import CallbackLog
from src.models.enums import CallbackStatus, DeliveryTrigger, RequestMode, RequestStatus
from src.models.inbox_message import InboxMessage
from src.models.report_request import ReportRequest

__all__ = [
    "Base",
    "BenchmarkRun",
    "BenchmarkRunStatus",
    "CallbackLog",
    "CallbackStatus",
    "DeliveryTrigger",
    "InboxMessage",
    "ReportRequest",
    "RequestMode",
    "RequestStatus",
]
