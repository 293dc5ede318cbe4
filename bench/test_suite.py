"""Does pytest-xdist make the quick (non-browser) test run faster on this machine?

Runs the same test files serially and with `-n 2` (two worker processes), each in a fresh
interpreter, and prints both medians with the load average seen before each pair of runs
(other work on the machine changes the answer). The files are a fixed, representative
slice of the suite: library tests on the demo database and AppTest page runs.

An earlier measurement (load average 19–26 from other work: serial 59.7 s, `-n 2` 84.6 s) came
from each worker building its own demo database; since tests/conftest.py builds it once per run
and shares copies, the suite runs with `-n auto` (pyproject.toml). Needs pytest-xdist
(requirements.txt).
"""
from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import Figure, benchmark

ROOT = Path(__file__).resolve().parent.parent
FILES = ["tests/charts/test_spec_sql.py", "tests/maps/test_data.py", "tests/charts/test_pivot.py",
         "tests/pages/test_analysis.py", "tests/workspace/test_items.py"]


def _seconds(extra: list[str]) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser", *extra, *FILES]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


@benchmark("test_suite_xdist")
def run(runs: int) -> list[Figure]:
    if importlib.util.find_spec("xdist") is None:
        print("test_suite_xdist skipped: it needs pytest-xdist (python -m pip install pytest-xdist==3.8.0)",
              file=sys.stderr)
        return []
    serial, parallel, loads = [], [], []
    for _ in range(runs):
        loads.append(os.getloadavg()[0])
        serial.append(_seconds([]))
        parallel.append(_seconds(["-n", "2"]))
    note = f"load average (1 min) before each pair: {', '.join(f'{x:.1f}' for x in loads)}; cores: {os.cpu_count()}"
    return [Figure("test_suite_xdist", f"{len(FILES)} test files", "s", statistics.median(parallel), runs,
                   baseline_median=statistics.median(serial), note=note)]
