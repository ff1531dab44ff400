"""The CSV ledger: determinism, exact totals, formula neutralisation, cancellation."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from src.services.report_generator import (
    COLUMNS,
    GenerationCancelled,
    ReportSpec,
    generate_report,
    ledger_csv_writer,
    neutralize_cell,
)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    spec = ReportSpec(num_transactions=2500, seed=7, simulated_delay_ms=0)

    first = generate_report(spec, tmp_path, threading.Event())
    second = generate_report(spec, tmp_path, threading.Event())

    assert first.file_name != second.file_name
    assert (tmp_path / first.file_name).read_bytes() == (tmp_path / second.file_name).read_bytes()
    assert first.sha256 == second.sha256


def test_different_seed_gives_different_ledger(tmp_path: Path) -> None:
    first = generate_report(ReportSpec(100, 1, 0), tmp_path, threading.Event())
    second = generate_report(ReportSpec(100, 2, 0), tmp_path, threading.Event())

    assert first.sha256 != second.sha256


def test_summary_matches_csv_contents(tmp_path: Path) -> None:
    report = generate_report(
        ReportSpec(num_transactions=3001, seed=99, simulated_delay_ms=0), tmp_path, threading.Event()
    )
    path = tmp_path / report.file_name
    rows = read_rows(path)

    assert len(rows) == 3001
    assert list(rows[0].keys()) == COLUMNS
    assert report.size_bytes == path.stat().st_size
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    credits = sum(Decimal(row["amount"]) for row in rows if row["type"] == "credit")
    debits = -sum(Decimal(row["amount"]) for row in rows if row["type"] == "debit")
    assert report.total_credits == credits
    assert report.total_debits == debits
    assert report.net == credits - debits
    assert report.credit_count + report.debit_count == 3001
    for category, amount in report.by_category.items():
        assert amount == sum(Decimal(row["amount"]) for row in rows if row["category"] == category)


def test_amounts_have_two_decimal_places(tmp_path: Path) -> None:
    report = generate_report(ReportSpec(500, 3, 0), tmp_path, threading.Event())

    for row in read_rows(tmp_path / report.file_name):
        assert Decimal(row["amount"]).as_tuple().exponent == -2
        assert (row["type"] == "debit") == row["amount"].startswith("-")


def test_commas_quotes_and_non_ascii_round_trip(tmp_path: Path) -> None:
    report = generate_report(ReportSpec(4000, 5, 0), tmp_path, threading.Event())
    descriptions = {row["description"] for row in read_rows(tmp_path / report.file_name)}

    assert 'Hotel, "Grand" Plaza' in descriptions
    assert "Team lunch, Café Łódź" in descriptions


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralize_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Office rent", "1+1", "a=b", ""])
def test_plain_cells_are_unchanged(cell: str) -> None:
    assert neutralize_cell(cell) == cell


def test_stop_event_cancels_and_leaves_no_file(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()

    with pytest.raises(GenerationCancelled):
        generate_report(ReportSpec(10_000, 1, 0), tmp_path, stop)

    assert list(tmp_path.iterdir()) == []


def test_stop_event_interrupts_simulated_delay(tmp_path: Path) -> None:
    stop = threading.Event()
    threading.Timer(0.05, stop.set).start()

    with pytest.raises(GenerationCancelled):
        generate_report(ReportSpec(10, 1, simulated_delay_ms=30_000), tmp_path, stop)


def test_output_is_what_csv_writer_writes(tmp_path: Path) -> None:
    report = generate_report(ReportSpec(5000, 8, 0), tmp_path, threading.Event())
    content = (tmp_path / report.file_name).read_bytes().decode("utf-8")
    rewritten = io.StringIO()

    ledger_csv_writer(rewritten).writerows(csv.reader(io.StringIO(content, newline="")))

    assert rewritten.getvalue() == content
    assert content.endswith("\r\n")
