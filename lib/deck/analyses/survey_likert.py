"""Survey answers on a 5-level scale (Likert) as a saved chart: the survey page's diverging bars.

    spec = {"method": "survey_likert", "dataset": "survey", "items": ["sat_公共交通", ...],
            "filters": [Filter dicts]}

The shares follow the page's small-cell rule (lib.charts.survey.likert_shares): a hidden share is no
bar in the figure, no value in PowerPoint's chart and its data sheet, and blank in the table.
"""
from __future__ import annotations

import pandas as pd

from lib.analysis import disclosure
from lib.charts import survey
from lib.charts.style import colour
from lib.data.catalog import Dataset
from lib.data.query import Filter, fetch_columns
from lib.deck.analysis_evidence import AnalysisResult
from lib.deck.native_chart import ChartSeries
from lib.i18n import t

METHOD = "survey_likert"
CENTRE = 100.0  # the neutral answer's middle on PowerPoint's 0–200 value axis (the app's 0 of −100…100)


def spec_for(dataset: str, items: list[str], filters: list[Filter]) -> dict:
    return {"method": METHOD, "dataset": dataset, "items": list(items), "filters": [f.__dict__ for f in filters]}


def datasets(spec: dict) -> list[str]:
    return [spec["dataset"]]


def scale_of(ds: Dataset, items: list[str]) -> dict[int, str]:
    """The answer words of the first item (the page compares items on one scale)."""
    return ds.column(items[0]).scale or {i: str(i) for i in range(1, 6)}


def compute(cursor, catalog: dict[str, Dataset], spec: dict) -> tuple[pd.DataFrame, int]:
    """The shares with the small-cell rule applied, and how many respondents the filters leave."""
    ds, items = catalog[spec["dataset"]], list(spec["items"])
    filters = [Filter.from_dict(f) for f in spec.get("filters") or []]
    data = fetch_columns(cursor, catalog, ds.name, items, filters)
    return survey.likert_shares(data, items, sorted(scale_of(ds, items))), len(data)


def likert_table(shares: pd.DataFrame, item_labels: dict[str, str], scale: dict[int, str], lang: str) -> pd.DataFrame:
    """The shares with readable headers (percentages to 0.1); hidden cells stay blank."""
    table = shares.assign(item=shares["item"].map(item_labels), level=shares["level"].map(scale)).round({"share": 1})
    table = table.rename(columns={c: t(f"survey.col.{c}", lang)
                                  for c in ("item", "level", "count", "share", "answered", "no_answer")})
    table.attrs["suppressed_cells"] = int(shares["count"].isna().sum())
    return table


def likert_series(shares: pd.DataFrame, item_labels: dict[str, str], scale: dict[int, str], lang: str) -> ChartSeries:
    """The diverging bars as PowerPoint stacks them (see ChartSeries.diverging_centre): a spacer, then one
    series per answer in scale order; hidden shares are gaps, and the spacer is reckoned from shown shares only,
    as the app draws them (it would otherwise give a hidden share away)."""
    levels = sorted(scale)
    order = survey.likert_order(shares, levels)
    middle = (len(levels) - 1) / 2
    by_level = {lv: shares[shares["level"] == lv].set_index("item")["share"].reindex(order) for lv in levels}
    left = sum(by_level[lv].fillna(0) * (0.5 if i == middle else 1.0) for i, lv in enumerate(levels) if i <= middle)
    series = [(t("survey.spacer_series", lang), [round(CENTRE - v, 6) for v in left])]
    series += [(scale[lv], [None if pd.isna(v) else float(v) for v in by_level[lv]]) for lv in levels]
    colours = ["#FFFFFF"] + [colour(i, len(levels)) for i in range(len(levels))]
    return ChartSeries("bar", [item_labels.get(i, i) for i in order], series, "stacked",
                       value_title=t("survey.share_axis", lang), top_first=True, colours=colours,
                       diverging_centre=CENTRE)


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    ds, items = catalog[spec["dataset"]], list(spec["items"])
    shares, respondents = compute(cursor, catalog, spec)
    scale = scale_of(ds, items)
    item_labels = {i: ds.column(i).label_in(lang) for i in items}
    reading = (t("survey.respondents_few", lang, threshold=disclosure.MIN_CELL)
               if disclosure.is_small([respondents])[0] else t("survey.respondents", lang, n=respondents))
    return AnalysisResult(likert_table(shares, item_labels, scale, lang), reading=reading,
                          chart=survey.diverging_likert_chart(shares, item_labels, scale, lang),
                          series=likert_series(shares, item_labels, scale, lang), datasets=datasets(spec))
