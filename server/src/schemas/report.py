"""Report request bodies and the report result."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from src.config import MAX_SIMULATED_DELAY_MS

MAX_SEED = 2**63 - 1
MAX_CALLBACK_URL_LENGTH = 2048
REPORT_NAME_PUNCTUATION = frozenset(" _-.")


class ReportPayload(BaseModel):
    """Report parameters. The same payload with the same seed gives a byte-identical CSV."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"num_transactions": 1000, "report_name": "Q3 ledger", "seed": 42, "simulated_delay_ms": 0}]
        },
    )

    # strict: a JSON string, float or boolean is rejected instead of converted.
    num_transactions: int = Field(
        ge=1,
        strict=True,
        description="Number of ledger rows. The maximum is SYNC_MAX_TRANSACTIONS for /api/sync "
        "and ASYNC_MAX_TRANSACTIONS for /api/async.",
    )
    report_name: str = Field(
        min_length=1,
        max_length=100,
        description="1 to 100 characters: letters, digits, space, '_', '-' and '.'.",
    )
    seed: int | None = Field(
        default=None,
        ge=0,
        le=MAX_SEED,
        strict=True,
        description="Random seed. Omit it for a random one; the result returns the seed used.",
    )
    simulated_delay_ms: int = Field(
        default=0,
        ge=0,
        le=MAX_SIMULATED_DELAY_MS,
        strict=True,
        description="Extra wait in milliseconds that stands for a slow upstream such as a bank API.",
    )

    @field_validator("report_name")
    @classmethod
    def _check_report_name(cls, value: str) -> str:
        for position, character in enumerate(value):
            if not (character.isalnum() or character in REPORT_NAME_PUNCTUATION):
                raise ValueError(
                    f"report_name contains {character!r} (U+{ord(character):04X}) at position {position}; "
                    "use only letters, digits, space, '_', '-' and '.'"
                )
        if not value.strip():
            raise ValueError("report_name must contain at least one character other than a space")
        return value


class SyncReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payload: ReportPayload


class AsyncReportRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "payload": {"num_transactions": 5000, "report_name": "Q3 ledger", "simulated_delay_ms": 2000},
                    "callback_url": "http://127.0.0.1:9000/webhook",
                }
            ]
        },
    )

    payload: ReportPayload
    callback_url: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_CALLBACK_URL_LENGTH,
            description="http(s) URL that receives the signed result. It must resolve to public "
            "addresses only, unless its host is in CALLBACK_ALLOWED_HOSTS.",
        ),
    ]


Money = Annotated[Decimal, Field(description="Amount with two decimal places, as a string.")]


class ReportSummary(BaseModel):
    total_credits: Money
    total_debits: Money
    net: Money
    credit_count: int
    debit_count: int
    by_category: dict[str, Money] = Field(description="Net amount per category.")


class ReportResult(BaseModel):
    rows: int = Field(description="Data rows in the CSV, not counting the header.")
    columns: list[str]
    size_bytes: int
    sha256: str
    seed: int
    file_name: str
    download_url: str
    generated_in_ms: int
    summary: ReportSummary
