"""ChartSpec → figure on synthetic scale-ups of the care records (10 k, 1 M, 10 M rows).

The records are copied into a scratch DuckDB file (never the published
database) until they reach the size, with the area and population tables
beside them. Each figure is timed end to end (spec → SQL → DataFrame →
Plotly figure); the baseline does the same aggregation in pandas on a frame
already in memory, then builds the same figure.
"""
from __future__ import annotations

import gc
import shutil
import tempfile
from functools import partial
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd

from bench.harness import Figure, benchmark, median_seconds

SIZES = [10_000, 1_000_000, 10_000_000]
ELDERLY = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
CARE_COLUMNS = ["year", "area_code", "age_band", "sex", "care_level"]


def _scratch_database(path: Path, rows: int) -> duckdb.DuckDBPyConnection:
    from lib import settings
    from lib.data.catalog import load_catalog

    catalog = load_catalog()
    con = duckdb.connect(str(path), config={"threads": settings.DUCKDB_THREADS, "memory_limit": "4GB"})
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE care_source AS SELECT * FROM read_parquet(?)",
                [str(catalog["care_certification"].file)])
    source_rows = con.execute("SELECT COUNT(*) FROM care_source").fetchone()[0]
    copies = -(-rows // source_rows)
    # Copies of the real records with fresh ids, laid out like the real table (by year, shuffled
    # within a year): the same distributions, scaled up.
    con.execute(
        "CREATE TABLE care_certification AS SELECT 'S' || lpad(CAST(row_number() OVER () AS VARCHAR), 9, '0') "
        "AS record_id, * EXCLUDE (record_id, shuffle) FROM ("
        "  SELECT s.*, hash(copy.range, s.record_id) AS shuffle FROM range(?) AS copy, care_source AS s"
        "  ORDER BY shuffle LIMIT ?) ORDER BY year, shuffle", [copies, rows])
    con.execute("DROP TABLE care_source")
    con.execute("CREATE TABLE population AS SELECT * FROM read_parquet(?)", [str(catalog["population"].file)])
    frame = pd.DataFrame(gpd.read_file(catalog["areas"].file).drop(columns="geometry"))
    con.register("areas_frame", frame)
    con.execute("CREATE TABLE areas AS SELECT * FROM areas_frame")
    con.unregister("areas_frame")
    con.execute("CHECKPOINT")
    con.close()
    # Read-only, as the app reads a published build (so a chart's cube can be kept: lib.charts.cubes).
    return duckdb.connect(str(path), read_only=True,
                          config={"threads": settings.DUCKDB_THREADS, "memory_limit": "4GB"})


def _pandas_count(care: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    chosen = care[care["year"].isin([2024, 2025]) & care["age_band"].isin(ELDERLY)]
    merged = chosen.merge(areas[["area_code", "district"]], on="area_code", how="left")
    out = merged.groupby(["district", "care_level"]).size().rename("value").reset_index()
    return out.rename(columns={"district": "areas.district"})


def _pandas_rate(care: pd.DataFrame, population: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    districts = areas[["area_code", "district"]]
    chosen = care[(care["year"] == 2025) & care["age_band"].isin(ELDERLY)]
    numerator = chosen.merge(districts, on="area_code").groupby(["district", "sex"]).size().rename("numerator")
    people = population[(population["year"] == 2025) & population["age_band"].isin(ELDERLY)]
    denominator = people.merge(districts, on="area_code").groupby(["district", "sex"])["population"].sum()
    out = pd.concat([numerator, denominator.rename("denominator")], axis=1).reset_index()
    out["value"] = 1000.0 * out["numerator"] / out["denominator"]
    return out.rename(columns={"district": "areas.district"})


@benchmark("charts")
def charts(runs: int) -> list[Figure]:
    from lib.charts.spec import ChartSpec, Measure
    from lib.data.catalog import load_catalog
    from lib.data.query import Filter

    catalog = load_catalog()
    count_spec = ChartSpec(
        "care_certification", Measure("count"), ["areas.district", "care_level"], chart_type="bar",
        filters=[Filter("year", "in", [2024, 2025]), Filter("age_band", "in", ELDERLY)],
        options={"bar_mode": "stacked"})
    rate_spec = ChartSpec(
        "care_certification", Measure("rate_per_1000"), ["areas.district", "sex"], chart_type="bar",
        filters=[Filter("year", "in", [2025]), Filter("age_band", "in", ELDERLY)])
    figures: list[Figure] = []
    root = Path(tempfile.mkdtemp(prefix="bench-charts-"))
    try:
        for size in SIZES:
            figures += _figures_at(root / f"scratch_{size}.duckdb", size, runs, catalog, count_spec, rate_spec)
            gc.collect()
            for leftover in root.glob(f"scratch_{size}.duckdb*"):
                leftover.unlink()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return figures


def _figures_at(path: Path, size: int, runs: int, catalog, count_spec, rate_spec) -> list[Figure]:
    """Both charts at one size; the frames held for the pandas baseline are freed on return."""
    from lib.charts import cubes
    from lib.charts.figure import build_figure
    from lib.charts.sql import run_chart

    con = _scratch_database(path, size)
    cursor = con.cursor()
    care = con.execute(f"SELECT {', '.join(CARE_COLUMNS)} FROM care_certification").df()
    population = con.execute("SELECT * FROM population").df()
    areas = con.execute("SELECT * FROM areas").df()
    figures = []
    for name, spec, baseline in (
        ("chart_bar_count_s", count_spec, partial(_pandas_count, care, areas)),
        ("chart_rate_per_1000_s", rate_spec, partial(_pandas_rate, care, population, areas)),
    ):
        def ours_once(spec=spec):
            return build_figure(run_chart(cursor, catalog, spec), spec, catalog)

        def ours_cold(spec=spec):
            cubes.clear()
            return ours_once(spec)

        def theirs_once(spec=spec, baseline=baseline):
            return build_figure(baseline(), spec, catalog)

        ours_once(), theirs_once()  # warm caches for both, untimed
        theirs = median_seconds(theirs_once, runs)
        for suffix, ours, how in (
                ("", ours_once, "the records' cube kept from a chart of the same columns (other filter values)"),
                ("_cold", ours_cold, "the records' cube computed (first chart of these columns)")):
            figures.append(Figure(
                name + suffix, size, "s", median_seconds(ours, runs), runs, baseline_median=theirs,
                note=f"ChartSpec → DuckDB SQL → DataFrame → Plotly figure, {how}; baseline: same "
                     "aggregation in pandas on a frame already in memory, same figure"))
    cursor.close()
    con.close()
    return figures
