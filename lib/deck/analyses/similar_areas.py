"""Saved similar areas: {"method": "similar_areas", "columns": [...], "k": null | n, "algorithm": "kmeans" | "ward"}
— a map of the groups, and each group's profile."""
from __future__ import annotations

import pandas as pd

from lib.analysis import similar_areas as sa
from lib.analysis.area_indicators import NAME as AREAS_TABLE
from lib.charts.style import PALETTE
from lib.deck.analyses.area_inputs import area_rows, column_labels, left_out_sentence
from lib.deck.analysis_evidence import AnalysisResult
from lib.i18n import t
from lib.maps.area_results import area_result_map, category_classes


def datasets(spec: dict) -> list[str]:
    return [AREAS_TABLE, "areas"]


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    columns = [str(c) for c in spec.get("columns") or []]
    labels = column_labels(catalog, AREAS_TABLE, columns, lang)
    frame, hidden = area_rows(cursor, catalog, columns)
    k = spec.get("k")
    result = sa.similar_areas(frame.loc[~hidden, columns], k=int(k) if k else None,
                              method=str(spec.get("algorithm") or "kmeans"))
    groups = list(result.means.index)
    classes = category_classes(
        [
            f"{t('similar.group', lang, n=g)}：{sa.group_description(result.standardized.loc[g], labels, lang)}"
            for g in groups
        ],
        [PALETTE[i % len(PALETTE)] for i in range(len(groups))],
    )
    codes = pd.Series(result.groups.to_numpy(dtype=float) - 1, index=result.groups.index)
    map_data = area_result_map(cursor, catalog, codes, hidden, classes, t("similar.map_label", lang))
    caution = " ".join(p for p in (t("similar.caution", lang), left_out_sentence(hidden, lang)) if p)
    return AnalysisResult(sa.profile_table(result, labels, lang), reading=sa.similar_reading(result, labels, lang),
                          caution=caution, map_data=map_data, datasets=datasets(spec))

