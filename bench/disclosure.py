"""The small-cell rule's cost on the published demo database (care records, 3 charts and a pivot).

Each figure times run_chart (SQL → DataFrame, with the persons, complement and secondary
suppression queries of lib.analysis.disclosure); the baseline runs the chart's own SQL only,
as run_chart did before the rule. The machine's load average is printed beside each figure,
since other work on a shared machine slows both.
"""
from __future__ import annotations

import os
from functools import partial

from bench.harness import Figure, benchmark, median_seconds


def _specs():
    from lib.charts.spec import ChartSpec, Measure
    from lib.data.query import Filter

    year, severe = Filter("year", "in", [2025]), Filter("care_level", "in", ["要介護4", "要介護5"])
    return {
        "count_by_area": ChartSpec("care_certification", Measure("count"), ["area_code"], filters=[year, severe]),
        "count_by_area_and_band": ChartSpec("care_certification", Measure("count"), ["area_code", "age_band"],
                                            chart_type="heatmap", filters=[year]),
        "rate_by_district": ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district", "sex"],
                                      filters=[year, severe]),
    }


def _unprotected(cursor, spec, catalog):
    from lib.charts.sql import build_chart_sql

    sql, params = build_chart_sql(catalog, spec)
    return cursor.execute(sql, params).df()


@benchmark("disclosure")
def run(runs: int) -> list[Figure]:
    from lib.charts.pivot import build_pivot
    from lib.charts.sql import run_chart
    from lib.data.catalog import load_catalog
    from lib.data.store import get_store

    catalog = load_catalog()
    cursor = get_store().published()
    rows = cursor.execute("SELECT COUNT(*) FROM care_certification").fetchone()[0]
    figures = []
    for name, spec in _specs().items():
        protected = median_seconds(partial(run_chart, cursor, catalog, spec), runs)
        plain = median_seconds(partial(_unprotected, cursor, spec, catalog), runs)
        figures.append(Figure(f"disclosure.chart.{name}", rows, "s", protected, runs, plain,
                              note=f"load average {os.getloadavg()[0]:.2f}"))
    pivot_spec = _specs()["count_by_area_and_band"]
    figures.append(Figure("disclosure.pivot.area_by_band", rows, "s",
                          median_seconds(partial(build_pivot, cursor, catalog, pivot_spec), runs), runs,
                          note=f"load average {os.getloadavg()[0]:.2f}; no baseline (4 protected queries)"))
    cursor.close()
    return figures
