"""Run the performance suite and write docs/benchmarks.md.

Each script runs as its own subprocess, writes JSON, and compares the service with a
baseline measured in the same run on the same machine. Run from server/:

    .venv/bin/python -m bench.run_all

It needs wrk (apt-get install -y wrk) and PostgreSQL on 127.0.0.1:5432 (user postgres),
where it creates and drops the scratch database frg_bench. py-spy, when installed, adds
a profile of POST /api/async. bench/listing.py runs too when it exists.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.async_accept import find_py_spy
from bench.common import POSTGRES_ADMIN_URL, SERVER_DIR
from bench.report_page import render_page

DOCS_PAGE = SERVER_DIR.parent / "docs" / "benchmarks.md"
SCRIPT_TIMEOUT_SECONDS = 300
LISTING_SCRIPT = SERVER_DIR / "bench" / "listing.py"


def run_script(module: str, output: Path, *extra: str) -> tuple[dict[str, Any] | None, str]:
    command = [sys.executable, "-m", module, "--json", str(output), *extra]
    print(f"running {' '.join(command[1:])}", file=sys.stderr)
    try:
        completed = subprocess.run(  # noqa: S603 - fixed command
            command, cwd=SERVER_DIR, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired:
        return None, f"{module} did not finish within {SCRIPT_TIMEOUT_SECONDS} s"
    if completed.returncode != 0:
        return None, f"{module} failed with exit code {completed.returncode}: {completed.stderr[-1500:]}"
    return json.loads(output.read_text(encoding="utf-8")), ""


def run_listing() -> str | None:
    if not LISTING_SCRIPT.exists():
        return None
    print("running bench/listing.py", file=sys.stderr)
    try:
        completed = subprocess.run(  # noqa: S603 - fixed command, no shell
            [sys.executable, "-m", "bench.listing", "--postgres-url", POSTGRES_ADMIN_URL],
            cwd=SERVER_DIR, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"bench/listing.py did not finish within {SCRIPT_TIMEOUT_SECONDS} s"
    # Keep the figures; leave out the migration log lines the app prints while it starts.
    figures = [line for line in completed.stdout.splitlines() if not line.startswith("20")]
    return "\n".join(figures).strip() + f"\n(exit code {completed.returncode})"


def machine_facts() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text(encoding="ascii").splitlines()[0].split()[1])
        memory = f"{total_kb / 2**20:.1f} GiB"
    wrk_version = ""
    if shutil.which("wrk"):
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]  # noqa: S607
    return {
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "wrk": wrk_version,
    }


def main() -> int:
    started = time.monotonic()
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="frg-bench-") as temporary:
        work_dir = Path(temporary)
        extra = ("--profile", str(work_dir / "profile.json"))
        for name, module, arguments in (
            ("async_accept", "bench.async_accept", extra if find_py_spy() else ()),
            ("report_generation", "bench.report_generation", ()),
            ("isolation", "bench.isolation", ()),
            ("isolation_postgresql", "bench.isolation", ("--postgres",)),
        ):
            results[name], errors[name] = run_script(module, work_dir / f"{name}.json", *arguments)
    listing = run_listing()

    page = render_page(
        results=results,
        errors=errors,
        listing=listing,
        machine=machine_facts(),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        suite_seconds=time.monotonic() - started,
    )
    DOCS_PAGE.parent.mkdir(parents=True, exist_ok=True)
    DOCS_PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {DOCS_PAGE}", file=sys.stderr)
    return 1 if any(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
