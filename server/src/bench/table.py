"""Plain-text table of a benchmark's per-mode figures, for the command line and docs."""

from __future__ import annotations

from typing import Any

MISSING = "-"


def _number(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def _percentile(figures: dict[str, Any] | None, key: str, name: str) -> str:
    summary = (figures or {}).get(key)
    return _number(summary.get(name)) if summary else MISSING


def _failures(figures: dict[str, Any]) -> str:
    by_status = figures.get("failed_by_status") or {}
    detail = ", ".join(f"{status}: {count}" for status, count in by_status.items())
    return f"{figures['failed']} ({detail})" if detail else str(figures["failed"])


def render_table(modes: dict[str, dict[str, Any]]) -> str:
    """Render one column per mode (sync, async) and one row per figure."""
    names = [mode for mode in ("sync", "async") if mode in modes]
    rows: list[tuple[str, list[str]]] = [
        ("requests sent", [_number(modes[m]["sent"]) for m in names]),
        ("succeeded", [_number(modes[m]["succeeded"]) for m in names]),
        ("failed", [_failures(modes[m]) for m in names]),
        ("not sent (deadline)", [_number(modes[m]["not_sent"]) for m in names]),
        ("wall time (s)", [_number(modes[m]["wall_seconds"]) for m in names]),
        ("throughput (req/s)", [_number(modes[m]["throughput_per_second"]) for m in names]),
    ]
    for name in ("p50", "p95", "p99", "max"):
        rows.append((f"response latency {name} (ms)", [_percentile(modes[m], "latency_ms", name) for m in names]))
    if "async" in modes:
        figures = modes["async"]
        blank = [MISSING] * (len(names) - 1)
        for name in ("p50", "p95", "p99", "max"):
            rows.append((f"time to completion {name} (ms)", [*blank, _percentile(figures, "completion_ms", name)]))
        rows.append(("callbacks received", [*blank, _number(figures["callbacks_received"])]))
        rows.append(("completed per second", [*blank, _number(figures["completed_per_second"])]))

    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(name), *(len(cells[i]) for _, cells in rows)) for i, name in enumerate(names)]
    header = " " * label_width + "  " + "  ".join(name.rjust(width) for name, width in zip(names, widths, strict=True))
    lines = [header]
    for label, cells in rows:
        padded = [cell.rjust(width) for cell, width in zip(cells, widths, strict=True)]
        lines.append(label.ljust(label_width) + "  " + "  ".join(padded))
    return "\n".join(lines)
