"""Deterministic synthetic ledger written as CSV, streaming, in constant memory.

Runs in a worker thread: it blocks (CPU and the simulated upstream delay) and must never
run on the event loop.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

COLUMNS = ["date", "transaction_id", "description", "category", "amount", "type"]
REPORT_FILE_PATTERN = re.compile(r"^[0-9a-f]{32}\.csv$")

# Dates depend only on the row index and the row count, never on today's date, so a
# report is reproducible byte for byte.
LEDGER_START = date(2026, 1, 1)
LEDGER_DAYS = 365
ROWS_PER_BATCH = 2000

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Category:
    name: str
    kind: str  # "credit" or "debit"
    min_cents: int
    max_cents: int
    descriptions: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "Revenue",
        "credit",
        50_00,
        25_000_00,
        ("Invoice payment, Acme Corp", "Invoice payment, Globex", "Card settlement, Stripe", "Wire from Initech"),
    ),
    Category("Interest", "credit", 1_00, 900_00, ("Savings interest", "Money market interest")),
    Category("Refunds", "credit", 5_00, 2_000_00, ("Supplier refund", "Chargeback reversal")),
    Category("Payroll", "debit", 1_500_00, 12_000_00, ("Salary run", "Contractor payout", "Payroll taxes")),
    Category("Rent", "debit", 2_000_00, 9_000_00, ("Office rent", "Warehouse lease")),
    Category("Software", "debit", 10_00, 3_000_00, ("Cloud hosting", "Accounting SaaS", "Code hosting seats")),
    Category("Travel", "debit", 20_00, 4_000_00, ("Airfare", 'Hotel, "Grand" Plaza', "Rail tickets, return")),
    Category("Supplies", "debit", 5_00, 1_500_00, ("Office supplies", "Printer toner", "Coffee, beans & filters")),
    Category("Café & catering", "debit", 8_00, 900_00, ("Team lunch, Café Łódź", "Client dinner, Müller's")),
    Category("Utilities", "debit", 40_00, 1_200_00, ("Electricity", "Internet, fibre line", "Water")),
    Category("Taxes", "debit", 100_00, 20_000_00, ("VAT remittance", "Corporate tax instalment")),
)


class GenerationCancelled(Exception):
    """The service is shutting down; the job stays PENDING for the next start."""


@dataclass(frozen=True)
class ReportSpec:
    num_transactions: int
    seed: int
    simulated_delay_ms: int


@dataclass(frozen=True)
class GeneratedReport:
    file_name: str
    rows: int
    size_bytes: int
    sha256: str
    seed: int
    generated_in_ms: int
    total_credits: Decimal
    total_debits: Decimal
    credit_count: int
    debit_count: int
    by_category: dict[str, Decimal]

    @property
    def net(self) -> Decimal:
        return self.total_credits - self.total_debits


def neutralize_cell(text: str) -> str:
    """Prefix a text cell with an apostrophe when a spreadsheet would run it as a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def ledger_csv_writer(sink: Any) -> Any:
    """Create the CSV writer of every report: RFC 4180 CRLF line ends.

    With CRLF as the terminator, csv.writer quotes any cell that contains a carriage return
    or a line feed, so such cells round-trip through a CSV reader.
    """
    return csv.writer(sink, lineterminator="\r\n")


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


class _HashingFile:
    """A text sink that writes UTF-8 to a binary file and hashes and counts the same bytes."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self._raw.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(text)


def generate_report(spec: ReportSpec, reports_dir: Path, stop: threading.Event) -> GeneratedReport:
    """Write the ledger for `spec` to a new file in `reports_dir` and summarise it.

    Raises GenerationCancelled when `stop` is set before the file is complete; no partial
    file is left behind.
    """
    started = time.perf_counter()

    if spec.simulated_delay_ms and stop.wait(spec.simulated_delay_ms / 1000):
        raise GenerationCancelled("shutdown during the simulated upstream delay")

    reports_dir.mkdir(parents=True, exist_ok=True)
    file_name = f"{uuid.uuid4().hex}.csv"
    final_path = reports_dir / file_name
    temporary_path = reports_dir / f".{file_name}.part"

    try:
        with temporary_path.open("wb") as raw:
            sink = _HashingFile(raw)
            totals = _write_ledger(sink, spec, stop)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary_path, final_path)
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise

    credit_cents, debit_cents, credit_count, debit_count, category_cents = totals
    return GeneratedReport(
        file_name=file_name,
        rows=spec.num_transactions,
        size_bytes=sink.size,
        sha256=sink.digest.hexdigest(),
        seed=spec.seed,
        generated_in_ms=round((time.perf_counter() - started) * 1000),
        total_credits=cents_to_decimal(credit_cents),
        total_debits=cents_to_decimal(debit_cents),
        credit_count=credit_count,
        debit_count=debit_count,
        by_category={
            category.name: cents_to_decimal(cents) for category, cents in zip(CATEGORIES, category_cents, strict=True)
        },
    )


def _csv_field(text: str) -> str:
    """Format one cell exactly as the ledger's csv.writer would, quoting it when needed."""
    buffer = io.StringIO()
    ledger_csv_writer(buffer).writerow([text])
    return buffer.getvalue().removesuffix("\r\n")


def _write_ledger(sink: _HashingFile, spec: ReportSpec, stop: threading.Event) -> tuple[int, int, int, int, list[int]]:
    rng = random.Random(spec.seed)
    next_random = rng.random
    category_count = len(CATEGORIES)
    # Money stays in integer cents while summing, so totals are exact; it becomes Decimal
    # only at the end.
    category_cents = [0] * category_count
    credit_cents = debit_cents = credit_count = debit_count = 0

    # Rows are built as text: the cells that may need quoting (description and category) are
    # formatted once here by csv.writer itself, and the others (date, id, amount, type)
    # never contain a delimiter, quote or line break. That skips csv.writer for each row.
    day_labels = [(LEDGER_START + timedelta(days=day)).isoformat() for day in range(LEDGER_DAYS)]
    middles = [
        [
            f"{_csv_field(neutralize_cell(text))},{_csv_field(neutralize_cell(category.name))}"
            for text in category.descriptions
        ]
        for category in CATEGORIES
    ]
    is_credit = [category.kind == "credit" for category in CATEGORIES]
    minimums = [category.min_cents for category in CATEGORIES]
    spans = [category.max_cents - category.min_cents for category in CATEGORIES]

    header = io.StringIO()
    ledger_csv_writer(header).writerow(COLUMNS)
    sink.write(header.getvalue())

    total = spec.num_transactions
    for batch_start in range(0, total, ROWS_PER_BATCH):
        if stop.is_set():
            raise GenerationCancelled(f"shutdown after {batch_start} of {total} rows")

        lines: list[str] = []
        append = lines.append
        for index in range(batch_start, min(batch_start + ROWS_PER_BATCH, total)):
            # One draw picks the category by its integer part and the description by the rest.
            draw = next_random() * category_count
            category_index = int(draw)
            options = middles[category_index]
            middle = options[int((draw - category_index) * len(options))]
            cents = minimums[category_index] + int(next_random() * spans[category_index])
            whole, fraction = divmod(cents, 100)
            day = day_labels[index * LEDGER_DAYS // total]

            if is_credit[category_index]:
                credit_cents += cents
                credit_count += 1
                category_cents[category_index] += cents
                append(f"{day},TX{index + 1:09d},{middle},{whole}.{fraction:02d},credit\r\n")
            else:
                debit_cents += cents
                debit_count += 1
                category_cents[category_index] -= cents
                append(f"{day},TX{index + 1:09d},{middle},-{whole}.{fraction:02d},debit\r\n")
        sink.write("".join(lines))

    return credit_cents, debit_cents, credit_count, debit_count, category_cents
