"""The benchmark registry and timing loop shared by bench/*.py."""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from typing import Callable

REGISTRY: dict[str, "Benchmark"] = {}


@dataclass
class Figure:
    """One printed line: a measured figure and how it was measured."""
    name: str
    size: int | str
    unit: str
    median: float
    runs: int
    baseline_median: float | None = None
    note: str = ""

    def as_json(self) -> str:
        data = {"name": self.name, "size": self.size, "unit": self.unit,
                "median": round(self.median, 6), "runs": self.runs}
        if self.baseline_median is not None:
            data["baseline_median"] = round(self.baseline_median, 6)
        if self.note:
            data["note"] = self.note
        return json.dumps(data, ensure_ascii=False)


@dataclass
class Benchmark:
    name: str
    run: Callable[[int], list[Figure]]


def benchmark(name: str):
    """Register a function `fn(runs) -> list[Figure]` under `name`."""
    def register(fn):
        REGISTRY[name] = Benchmark(name, fn)
        return fn
    return register


def median_seconds(fn: Callable[[], object], runs: int, setup: Callable[[], object] | None = None) -> float:
    """Median wall time of `fn` over `runs` runs (setup, if given, runs untimed before each)."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cpu_reference_seconds(runs: int = 3) -> float:
    """This machine's speed at the moment: the median time of one fixed pure-Python loop. A shared machine's speed
    moves (on this project's 2-core machines, by ±15 % within minutes), which the load average does not show."""
    return median_seconds(lambda: sum(i * i for i in range(5_000_000)), runs)
