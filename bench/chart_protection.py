"""The small-cell rule's cost: protected chart data by the one-scan plan (lib.charts.sql.run_chart)
against the plan it replaced (the chart again for persons per cell, once more per filter left out:
N + 2 queries; kept as the reference in tests/charts/test_sql_cell_counts.py), on the scale-ups of
bench/charts.py (1 M and 10 M records). Wall and CPU (all threads) medians: CPU time says more than
wall time on a shared machine. The note gives the load average before and after.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.charts import ELDERLY, _scratch_database
from bench.harness import Figure, benchmark

SIZES = [1_000_000, 10_000_000]


def _medians(fn, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


@benchmark("chart_protection")
def chart_protection(runs: int) -> list[Figure]:
    import pandas as pd

    import tests.charts.test_sql_cell_counts as reference
    from lib.charts.spec import ChartSpec, Measure
    from lib.charts.sql import run_chart
    from lib.data.catalog import load_catalog
    from lib.data.query import Filter

    catalog = load_catalog()
    reference.CATALOG = catalog
    filters = [Filter("year", "in", [2024, 2025]), Filter("age_band", "in", ELDERLY)]
    specs = {"count": ChartSpec("care_certification", Measure("count"), ["areas.district", "care_level"],
                                filters=filters),
             "rate_per_1000": ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district", "sex"],
                                        filters=[Filter("year", "in", [2025]), filters[1]])}
    figures = []
    root = Path(tempfile.mkdtemp(prefix="bench-protection-"))
    try:
        for size in SIZES:
            con = _scratch_database(root / f"scratch_{size}.duckdb", size)
            cursor = con.cursor()
            for name, spec in specs.items():
                pd.testing.assert_frame_equal(run_chart(cursor, catalog, spec),
                                              reference._old_run_chart(cursor, spec), check_dtype=False)
                load = " ".join(f"{v:.2f}" for v in os.getloadavg())
                new_wall, new_cpu = _medians(partial(run_chart, cursor, catalog, spec), runs)
                old_wall, old_cpu = _medians(partial(reference._old_run_chart, cursor, spec), runs)
                after = " ".join(f"{v:.2f}" for v in os.getloadavg())
                note = (
                    f"one scan vs N + 2 queries (baseline), 2 filters; CPU medians {new_cpu:.3f} vs {old_cpu:.3f} s;"
                    f" load average before {load}, after {after}"
                )
                figures.append(Figure(f"chart_protection_{name}_s", size, "s", new_wall, runs,
                                      baseline_median=old_wall, note=note))
            cursor.close()
            con.close()
            for leftover in root.glob(f"scratch_{size}.duckdb*"):
                leftover.unlink()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return figures
