"""Latency percentiles and per-mode figures of a load run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of values sorted in ascending order (`fraction` 0.5 is the median)."""
    if not sorted_values:
        raise ValueError("percentile of an empty sequence")
    rank = max(math.ceil(fraction * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def summarize_ms(seconds: Iterable[float]) -> dict[str, float] | None:
    """Return p50, p95, p99 and max in milliseconds, or None when there are no samples."""
    values = sorted(seconds)
    if not values:
        return None
    return {
        "p50": round(percentile(values, 0.50) * 1000, 1),
        "p95": round(percentile(values, 0.95) * 1000, 1),
        "p99": round(percentile(values, 0.99) * 1000, 1),
        "max": round(values[-1] * 1000, 1),
    }


def mode_figures(
    *,
    mode: str,
    planned: int,
    outcomes: Sequence[tuple[str, float]],
    success_outcome: str,
    wall_seconds: float,
    stopped_by_deadline: bool,
) -> dict[str, Any]:
    """Summarise one mode's requests.

    `outcomes` contains one (outcome, latency in seconds) pair per request sent, where the
    outcome is the HTTP status as text or "timeout" or "connection_error". Latency
    percentiles cover successful requests only, because a fast 429 would make them look
    better than the service is. Throughput is successful requests per wall-clock second.
    """
    succeeded = [latency for outcome, latency in outcomes if outcome == success_outcome]
    failed = Counter(outcome for outcome, _ in outcomes if outcome != success_outcome)
    return {
        "mode": mode,
        "planned": planned,
        "sent": len(outcomes),
        "succeeded": len(succeeded),
        "failed": sum(failed.values()),
        "failed_by_status": dict(sorted(failed.items())),
        "not_sent": planned - len(outcomes),
        "stopped_by_deadline": stopped_by_deadline,
        "wall_seconds": round(wall_seconds, 3),
        "throughput_per_second": round(len(succeeded) / wall_seconds, 2) if wall_seconds > 0 else 0.0,
        "latency_ms": summarize_ms(succeeded),
    }
