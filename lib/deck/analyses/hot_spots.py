"""Saved hot spots: {"method": "hot_spots", "column": "<area indicator>"} — a map of LISA clusters."""
from __future__ import annotations

import pandas as pd

from lib.analysis import hot_spots as hs
from lib.analysis.area_indicators import NAME as AREAS_TABLE
from lib.deck.analyses.area_inputs import area_rows, column_labels, left_out_sentence
from lib.deck.analysis_evidence import AnalysisResult
from lib.i18n import t
from lib.maps.area_results import area_result_map, category_classes
from lib.maps.units import area_units

COLOURS = {"high_high": "#d7191c", "low_low": "#2c7bb6", "high_low": "#fdae61", "low_high": "#abd9e9",
           "not_significant": "#f0f0f0", "no_neighbour": "#c2a5cf"}


def datasets(spec: dict) -> list[str]:
    return [AREAS_TABLE, "areas"]


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    column = str(spec["column"])
    label = column_labels(catalog, AREAS_TABLE, [column], lang)[column]
    frame, hidden = area_rows(cursor, catalog, [column])
    shapes = area_units(cursor, catalog).set_index("unit_id")
    shapes.index = shapes.index.astype(str)
    used = frame[~hidden & frame[column].notna()]
    result = hs.hot_spots(shapes.loc[used.index], used[column], list(used.index))
    codes = pd.Series({c: float(hs.CLUSTERS.index(k)) for c, k in result.clusters.items()})
    classes = category_classes([t(f"hot.cluster.{k}", lang) for k in hs.CLUSTERS], [COLOURS[k] for k in hs.CLUSTERS])
    map_data = area_result_map(cursor, catalog, codes, hidden, classes, t("hot.map_label", lang, label=label))
    islands = hs.islands_sentence(result, frame["area_name"].astype(str).to_dict(), lang)
    caution = " ".join(p for p in (islands, t("hot.caution", lang), left_out_sentence(hidden, lang)) if p)
    return AnalysisResult(cluster_table(result, used, column, label, lang),
                          reading=hs.hot_spot_reading(result, label, lang), caution=caution,
                          map_data=map_data, datasets=datasets(spec))


def cluster_table(result: hs.HotSpotResult, used: pd.DataFrame, column: str, label: str, lang: str) -> pd.DataFrame:
    """One row per area in the statistic, clusters first (high-high, low-low, outliers, the rest)."""
    order = {k: i for i, k in enumerate(hs.CLUSTERS)}
    table = pd.DataFrame({
        t("mreg.col.area", lang): used["area_name"].to_numpy(),
        label: used[column].to_numpy(),
        t("hot.col.cluster", lang): [t(f"hot.cluster.{k}", lang) for k in result.clusters[used.index]],
        t("hot.col.local_i", lang): result.local_i[used.index].round(3).to_numpy(),
        t("hot.col.p", lang): result.local_p[used.index].round(3).to_numpy(),
        "_order": [order[k] for k in result.clusters[used.index]],
    })
    return table.sort_values(["_order", label], ascending=[True, False], kind="stable").drop(
        columns="_order").reset_index(drop=True)
