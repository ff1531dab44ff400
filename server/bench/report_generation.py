"""Report generation rows per second against csv.writer, and the peak memory of a 1,000,000-row report.

The baseline writes the same six columns, from rows already in memory (read back from a
generated report), with Python's csv.writer into a file in the same folder. Peak memory
is measured in fresh subprocesses, as the growth of peak RSS (VmHWM) across one
generation and as tracemalloc's peak of Python allocations.

    python -m bench.report_generation --json out.json
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

from src.services.report_generator import ReportSpec, generate_report

THROUGHPUT_ROWS = 200_000
REPETITIONS = 3
MEMORY_ROWS = 1_000_000
TARGET_RATIO = 0.5
TARGET_MEMORY_MB = 50.0


def _best_of(repetitions: int, action: Any) -> float:
    best = float("inf")
    for _ in range(repetitions):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def measure_throughput(work_dir: Path) -> dict[str, Any]:
    stop = threading.Event()
    spec = ReportSpec(num_transactions=THROUGHPUT_ROWS, seed=1, simulated_delay_ms=0)
    sample = generate_report(spec, work_dir, stop)
    with (work_dir / sample.file_name).open(newline="", encoding="utf-8") as source:
        rows = list(csv.reader(source))

    def write_baseline() -> None:
        with (work_dir / "baseline.csv").open("w", newline="", encoding="utf-8") as target:
            csv.writer(target, lineterminator="\n").writerows(rows)

    generator_seconds = _best_of(REPETITIONS, lambda: generate_report(spec, work_dir, stop))
    baseline_seconds = _best_of(REPETITIONS, write_baseline)
    generator_rate = THROUGHPUT_ROWS / generator_seconds
    baseline_rate = THROUGHPUT_ROWS / baseline_seconds
    return {
        "rows": THROUGHPUT_ROWS,
        "generator_rows_per_second": round(generator_rate),
        "csv_writer_rows_per_second": round(baseline_rate),
        "ratio": round(generator_rate / baseline_rate, 3),
        "target_ratio_min": TARGET_RATIO,
    }


def _peak_rss_kb() -> int:
    """Peak resident memory of this process in KB.

    VmHWM from /proc is used on Linux because ru_maxrss keeps the parent's peak across
    fork and exec, which would hide the child's own growth.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(rows: int, work_dir: Path, mode: str) -> None:
    """Print the memory growth while generating `rows` rows: peak RSS, or tracemalloc's peak allocation."""
    spec = ReportSpec(num_transactions=rows, seed=7, simulated_delay_ms=0)
    if mode == "tracemalloc":
        tracemalloc.start()
        generate_report(spec, work_dir, threading.Event())
        _, peak = tracemalloc.get_traced_memory()
        print(json.dumps({"added_mb": peak / 2**20}))
        return
    before_kb = _peak_rss_kb()
    generate_report(spec, work_dir, threading.Event())
    print(json.dumps({"before_mb": before_kb / 1024, "added_mb": (_peak_rss_kb() - before_kb) / 1024}))


def measure_memory(work_dir: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {"rows": MEMORY_ROWS, "target_added_mb_max": TARGET_MEMORY_MB}
    for mode in ("rss", "tracemalloc"):
        command = [
            sys.executable, "-m", "bench.report_generation", "--memory-child", str(MEMORY_ROWS), str(work_dir), mode,
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)  # noqa: S603
        child = json.loads(output.stdout)
        figures[f"{mode}_added_mb"] = round(child["added_mb"], 1)
        if "before_mb" in child:
            figures["rss_before_mb"] = round(child["before_mb"], 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="file to write the figures to")
    parser.add_argument("--memory-child", nargs=3, metavar=("ROWS", "DIR", "MODE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.memory_child:
        rows, folder, mode = arguments.memory_child
        memory_child(int(rows), Path(folder), mode)
        return 0
    if arguments.json is None:
        parser.error("--json FILE is required")

    with tempfile.TemporaryDirectory(prefix="frg-bench-") as temporary:
        result = {"throughput": measure_throughput(Path(temporary)), "memory": measure_memory(Path(temporary))}
    arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
