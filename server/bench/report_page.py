"""Render docs/benchmarks.md from the suite's JSON results."""

from __future__ import annotations

from typing import Any

COMMAND = "cd server && .venv/bin/python -m bench.run_all"

# Reading of a py-spy profile taken on 2026-12-04 (200 Hz, 10 s under wrk, 2 cores shared with
# PostgreSQL and wrk). The tables above are regenerated on every run; this text is not, so
# recheck it against them after changing the acceptance path.
ANALYSIS = [
    "Reading of the 2026-12-04 profile: the service's event loop spent about a third of its time in",
    "FastAPI's request handling (body parsing, seven dependencies, response-model validation). About a",
    "third went to the SQLAlchemy ORM insert and commit. The rest went to the middleware stack (request",
    "id, CORS, rate limit, body size, error handling) and uvicorn. The baseline does none of that work.",
    "Already done: `pool_pre_ping` is off, dispatcher wake-ups within 20 ms share one scan, and request",
    "dependencies are coroutines (FastAPI runs plain functions in a thread pool), which moved the figure",
    "from about 300 to 320-390 accepted per second. A Core INSERT in place of `session.add()` measured",
    "slower (about 210 per second), so the ORM path stays. Closing the rest of the gap means doing less",
    "per request, such as a raw asyncpg INSERT outside the ORM, no response-model validation, fewer",
    "middleware layers, each of which gives up part of what this service demonstrates.",
]


# Comparison of the two isolation rows, first measured on 2026-12-04; recheck it against them.
ISOLATION_ANALYSIS = [
    "Failing deliveries hold no worker thread: a waiting retry is a row with a due time, sent when it",
    "is due. What they share with healthy jobs is the event loop and the database: each failed attempt",
    "reads its request, sends the POST, writes a callback log row and updates the request. A py-spy",
    "profile of the SQLite service during the loaded phase (2026-12-04, 25 s at 200 Hz) found the event",
    "loop busy about half the time. Half of that busy time was webhook delivery, two thirds of it httpx",
    "sending the failing attempts. The rest was HTTP handling of the healthy requests. So the",
    "retries' CPU on the one event loop, plus SQLite's single writer, delay the healthy jobs. Measured",
    "p50 ratios: 2.19x to 2.92x on SQLite and 1.24x and 1.90x on PostgreSQL over several runs. Running",
    "deliveries in a separate worker process, as the Celery path in the design does, would isolate them.",
]


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


def _summary_rows(results: dict[str, Any]) -> list[str]:
    rows = ["| Target | Service | Baseline (same run) | Ratio | Goal | Result |", "|---|---|---|---|---|---|"]
    accept = results.get("async_accept")
    if accept:
        ratio = accept["throughput_ratio"]
        rows.append(
            f"| POST /api/async accepted/s, PostgreSQL, 64 connections | {accept['service_per_second']:,.0f}/s "
            f"| {accept['baseline_per_second']:,.0f}/s (FastAPI + asyncpg INSERT) | {ratio:.2f} | >= 0.7 "
            f"| {_verdict(ratio >= 0.7)} ({ratio / 0.7:.0%} of the goal) |"
        )
        p99 = accept["p99_ratio"]
        rows.append(
            f"| POST /api/async p99 latency | {accept['service_p99_ms']:,.0f} ms | {accept['baseline_p99_ms']:,.0f} ms "
            f"| {p99:.2f}x | <= 1.5x | {_verdict(p99 <= 1.5)} |"
        )
    generation = results.get("report_generation")
    if generation:
        throughput, memory = generation["throughput"], generation["memory"]
        ratio = throughput["ratio"]
        rows.append(
            f"| Report generation, rows/s ({throughput['rows']:,} rows) "
            f"| {throughput['generator_rows_per_second']:,} | {throughput['csv_writer_rows_per_second']:,} "
            f"(csv.writer, rows in memory) | {ratio:.2f} | >= 0.5 | {_verdict(ratio >= 0.5)} |"
        )
        added = max(memory["rss_added_mb"], memory["tracemalloc_added_mb"])
        rows.append(
            f"| Peak memory added by a {memory['rows']:,}-row report | {memory['rss_added_mb']} MB RSS, "
            f"{memory['tracemalloc_added_mb']} MB traced | - | - | < 50 MB | {_verdict(added < 50)} |"
        )
    for key, database in (("isolation", "SQLite"), ("isolation_postgresql", "PostgreSQL")):
        isolation = results.get(key)
        if not isolation:
            continue
        alone = isolation["alone"]["completion_ms"]
        loaded = isolation["with_failing_endpoints"]["completion_ms"]
        ratio = isolation["completion_p50_ratio"]
        rows.append(
            f"| Healthy job completion p50 / p95 with 50 failing endpoints, {database} "
            f"| {loaded['p50']:,.0f} / {loaded['p95']:,.0f} ms "
            f"| {alone['p50']:,.0f} / {alone['p95']:,.0f} ms (no failing endpoints) "
            f"| {ratio:.2f}x / {isolation['completion_p95_ratio']:.2f}x | <= 1.5x | {_verdict(ratio <= 1.5)} |"
        )
    return rows


def _profile_section(profile: dict[str, Any] | None) -> list[str]:
    if not profile or "groups_percent" not in profile:
        return ["py-spy was not installed, so this run has no profile (`pip install py-spy==0.4.3`)."]
    lines = [
        f"py-spy sampled the service's GIL-holding thread under the same wrk load ({profile['samples']} samples); "
        "each sample counts for the innermost matching library:",
        "",
        "| Where | Share of samples |",
        "|---|---|",
    ]
    lines += [f"| {name} | {share}% |" for name, share in profile["groups_percent"].items()]
    lines += ["", "Top leaf functions:", "", "| Function | Share |", "|---|---|"]
    lines += [f"| `{name}` | {share}% |" for name, share in profile["top_leaf_functions_percent"].items()]
    return lines


def render_page(
    *,
    results: dict[str, Any],
    errors: dict[str, str],
    listing: str | None,
    machine: dict[str, str],
    date: str,
    suite_seconds: float,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{COMMAND}` on {date}; the suite took {suite_seconds:.0f} s. Every figure is compared",
        "with a baseline measured in the same run on the same machine, so read the ratios, not the absolute",
        "numbers. The machine is shared with other engineers running tests, so figures vary between runs.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {name}: {value}" for name, value in machine.items() if value]
    lines += ["", "## Results", "", *_summary_rows(results), ""]
    failed = {name: error for name, error in errors.items() if error}
    if failed:
        lines += ["Scripts that failed in this run:", ""]
        lines += [f"- `{name}`: {error}" for name, error in failed.items()]
        lines.append("")
    lines += [
        "## How each figure is measured",
        "",
        "- **Accepted per second** (`python -m bench.async_accept`): each server runs as one uvicorn",
        "  process on 127.0.0.1 against a scratch PostgreSQL database `frg_bench`, which the script creates and",
        "  drops. wrk uses 2 threads and 64 connections: 3 s warm-up, then 10 s measured, in two rounds that",
        "  alternate baseline and service. The figures are the means. The baseline (`bench/baseline_app.py`)",
        "  is a bare FastAPI endpoint that parses the same JSON and does one INSERT with plain asyncpg.",
        "  The service runs with rate limits on and `RATE_LIMIT_ASYNC=1000000/minute`, so no request gets",
        "  a 429 and the limiter's cost is included. The benchmark token is not used. Logs are JSON at INFO.",
        "  Jobs carry `simulated_delay_ms=30000`, so the worker pool holds 4 of them and the rest stay PENDING: the",
        "  figure is the acceptance path (validation, URL guard, rate limit, ORM insert, dispatcher wake-up).",
        "- **Report generation** (`python -m bench.report_generation`): best of 3 for 200,000 rows, against",
        "  `csv.writer` writing the same rows (read back from a generated report) from memory into the same",
        "  folder. Memory: a fresh subprocess generates 1,000,000 rows, and the figures are the growth of peak",
        "  RSS (VmHWM) and tracemalloc's peak.",
        "- **Isolation** (`python -m bench.isolation`, then with `--postgres`): one service on SQLite, then",
        "  on PostgreSQL, runs 40 healthy async jobs (1,000 rows, 100 ms delay, 8 clients) alone, then again",
        "  while 50 jobs' callbacks go to endpoints that respond 503 and are retried (backoff base 0.25 s,",
        "  10 attempts). Completion is from sending POST /api/async to receiving the callback.",
        "",
    ]
    accept = results.get("async_accept")
    if accept:
        lines += ["## What limits POST /api/async", "", *_profile_section(accept.get("profile")), "", *ANALYSIS, ""]
    if results.get("isolation") or results.get("isolation_postgresql"):
        lines += ["## What limits isolation", "", *ISOLATION_ANALYSIS, ""]
    if listing is not None:
        lines += ["## Listing (bench/listing.py)", "", "```", listing, "```", ""]
    return "\n".join(lines)
