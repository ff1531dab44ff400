"""POST /api/async accepted per second on PostgreSQL, against a bare FastAPI + asyncpg INSERT endpoint.

Both servers run one uvicorn process on 127.0.0.1, against the same scratch database
(created and dropped here), and take the same wrk load (64 connections). Rate limits stay
on in the service, with RATE_LIMIT_ASYNC raised to 1000000/minute so no request gets a
429; the limiter's cost is measured, the benchmark token is not used. Jobs carry
simulated_delay_ms=30000, so the 4 worker threads hold 4 jobs and the rest stay PENDING
for the length of the measurement: the figure is the acceptance path, not job execution.

    python -m bench.async_accept --json out.json [--profile profile.txt]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import run_wrk, scratch_postgres, uvicorn_server, wrk_available, wrk_post_script

CONNECTIONS = 64
WRK_THREADS = 2
WARMUP_SECONDS = 3
MEASURE_SECONDS = 10
ROUNDS = 2
PROFILE_SECONDS = 8
TARGET_THROUGHPUT_RATIO = 0.7
TARGET_P99_RATIO = 1.5


def _job_body(callback_port: int) -> str:
    return json.dumps(
        {
            "payload": {"num_transactions": 10, "report_name": "wrk load", "simulated_delay_ms": 30000},
            "callback_url": f"http://127.0.0.1:{callback_port}/callback",
        }
    )


def _service_env(database_url: str, work_dir: Path, callback_port: int) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REPORTS_DIR": str(work_dir / "reports"),
        "WEBHOOK_SECRET_FILE": str(work_dir / "webhook_secret"),
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_ASYNC": "1000000/minute",
        "CALLBACK_ALLOWED_HOSTS": f"127.0.0.1:{callback_port}",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "SHUTDOWN_TIMEOUT_SECONDS": "0",
    }


def find_py_spy() -> str | None:
    """Return py-spy from PATH or from this interpreter's virtual environment."""
    return shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))


def _measure(url: str, script: Path) -> dict[str, Any]:
    run_wrk(url, script=script, connections=CONNECTIONS, threads=WRK_THREADS, seconds=WARMUP_SECONDS)
    return run_wrk(url, script=script, connections=CONNECTIONS, threads=WRK_THREADS, seconds=MEASURE_SECONDS)


def _profile(py_spy: str, pid: int, url: str, script: Path, output: Path) -> dict[str, Any]:
    """Sample the service with py-spy while wrk loads it; summarise where the process spends time.

    `--gil` keeps only samples of the thread that holds the GIL, so idle worker threads
    that sleep through the simulated delay do not count.
    """
    raw = output.with_suffix(".raw")
    recorder = subprocess.Popen(  # noqa: S603 - fixed command
        [py_spy, "record", "--pid", str(pid), "--duration", str(PROFILE_SECONDS), "--format", "raw",
         "--output", str(raw), "--nonblocking", "--gil"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(0.5)
    run_wrk(url, script=script, connections=CONNECTIONS, threads=WRK_THREADS, seconds=PROFILE_SECONDS)
    recorder.wait(timeout=60)
    if not raw.exists():
        return {"error": (recorder.stderr.read() if recorder.stderr else b"").decode(errors="replace")[-500:]}
    return summarize_profile(raw, output)


# Groups of frames that show what limits the endpoint, matched on substrings of "function (file:line)".
PROFILE_GROUPS = {
    "SQLAlchemy ORM and Core (flush, compile, results)": ("sqlalchemy/orm", "sqlalchemy/sql", "sqlalchemy/engine"),
    "asyncpg driver and SQLAlchemy's asyncpg adapter": ("asyncpg", "sqlalchemy/dialects/postgresql/asyncpg"),
    "pydantic validation and serialization": ("pydantic",),
    "FastAPI and Starlette routing, dependencies": ("fastapi/", "starlette/"),
    "rate limiter (slowapi, limits)": ("slowapi", "limits/"),
    "structlog logging": ("structlog", "logging/"),
    "URL guard": ("url_guard",),
    "uvicorn and httptools (HTTP parsing)": ("uvicorn", "httptools"),
    "job dispatcher ticks": ("dispatcher.py", "job_store.py"),
}


def summarize_profile(raw: Path, output: Path) -> dict[str, Any]:
    """Share of samples per frame group and the top leaf functions.

    Each sample counts for the group of its innermost matching frame, so the shares do
    not overlap. The group "other" is the rest, such as the event loop and the app's own code.
    """
    total = 0
    groups: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        groups[_innermost_group(frames)] += count
        leaves[frames[-1]] += count
    summary = {
        "samples": total,
        "groups_percent": (
            {name: round(100 * count / total, 1) for name, count in groups.most_common()} if total else {}
        ),
        "top_leaf_functions_percent": (
            {name: round(100 * count / total, 1) for name, count in leaves.most_common(12)} if total else {}
        ),
    }
    output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _innermost_group(frames: list[str]) -> str:
    for frame in reversed(frames):
        for group, markers in PROFILE_GROUPS.items():
            if any(marker in frame for marker in markers):
                return group
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="file to write the figures to")
    parser.add_argument("--profile", type=Path, help="also profile the service with py-spy; summary to this file")
    arguments = parser.parse_args()
    if not wrk_available():
        print("wrk is not installed; install it with: apt-get install -y wrk", file=sys.stderr)
        return 2

    rounds: list[dict[str, Any]] = []
    profile: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="frg-bench-") as temporary, scratch_postgres() as database_url:
        work_dir = Path(temporary)
        callback_port = 9  # nothing listens there; the 30 s delay keeps jobs from finishing during the run
        body = _job_body(callback_port)
        script = wrk_post_script(work_dir / "post.lua", body=body, headers={"Content-Type": "application/json"})
        for round_number in range(1, ROUNDS + 1):
            with uvicorn_server(
                "bench.baseline_app:app",
                env={"BENCH_DATABASE_URL": database_url},
                log_path=work_dir / "baseline.log",
                health_path="/health",
            ) as baseline:
                bare = _measure(baseline.base_url + "/insert", script)
            with uvicorn_server(
                "src.app:app",
                env=_service_env(database_url, work_dir, callback_port),
                log_path=work_dir / "service.log",
                health_path="/api/health",
            ) as service:
                real = _measure(service.base_url + "/api/async", script)
                py_spy = find_py_spy()
                if arguments.profile is not None and round_number == ROUNDS and py_spy:
                    url = service.base_url + "/api/async"
                    profile = _profile(py_spy, service.process.pid, url, script, arguments.profile)
            rounds.append({"round": round_number, "baseline": bare, "service": real})

    result = _summarize(rounds)
    result["profile"] = profile
    arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({key: value for key, value in result.items() if key != "rounds"}, indent=2))
    return 0


def _summarize(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(side: str, key: str) -> float:
        values = [r[side][key] if key != "p99" else r[side]["latency_ms"]["p99"] for r in rounds]
        return round(sum(values) / len(values), 1)

    baseline_rate, service_rate = mean("baseline", "success_per_second"), mean("service", "success_per_second")
    baseline_p99, service_p99 = mean("baseline", "p99"), mean("service", "p99")
    for entry in rounds:
        for side in ("baseline", "service"):
            entry[side].pop("raw", None)
    return {
        "connections": CONNECTIONS,
        "measure_seconds": MEASURE_SECONDS,
        "rounds": rounds,
        "baseline_per_second": baseline_rate,
        "service_per_second": service_rate,
        "throughput_ratio": round(service_rate / baseline_rate, 3),
        "baseline_p99_ms": baseline_p99,
        "service_p99_ms": service_p99,
        "p99_ratio": round(service_p99 / baseline_p99, 2),
        "non_2xx": sum(r["service"]["non_2xx"] for r in rounds),
        "targets": {"throughput_ratio_min": TARGET_THROUGHPUT_RATIO, "p99_ratio_max": TARGET_P99_RATIO},
    }


if __name__ == "__main__":
    sys.exit(main())
