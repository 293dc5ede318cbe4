"""A saved table — a pivot table, a survey's answer shares or a SQL result.

Like a chart or a map, a pivot or survey table is saved as the spec that makes it (never its
numbers), so the workspace, the deck and its exports show what the data says now:

    {"source": "pivot",  "chart": ChartSpec dict, "percent_by": "none" | "row" | "column" | "total"}
    {"source": "survey", "dataset": str, "items": [column], "filters": [Filter dict]}
    {"source": "sql",    "sql": str}

A SQL table is the exception: it is saved with its checked result and reviewed by the instructor
before export (lib.workspace.output_review), and nothing draws it by running its query again.
"""
from __future__ import annotations

import pandas as pd

from lib.charts import survey
from lib.charts.pivot import build_pivot, percentages
from lib.charts.spec import ChartSpec, Filter
from lib.charts.sql import fetch_columns
from lib.data.catalog import Dataset
from lib.i18n import t


def pivot_table_spec(chart: ChartSpec, percent_by: str = "none") -> dict:
    return {"source": "pivot", "chart": chart.to_dict(), "percent_by": percent_by}


def survey_table_spec(dataset: str, items: list[str], filters: list[Filter]) -> dict:
    return {"source": "survey", "dataset": dataset, "items": list(items),
            "filters": [{"column": f.column, "op": f.op, "values": list(f.values)} for f in filters]}


def sql_table_spec(sql: str) -> dict:
    return {"source": "sql", "sql": sql}


def table_datasets(spec: dict) -> list[str]:
    """The datasets a saved table reads (for its source line); a SQL text names its own."""
    if spec.get("source") == "pivot":
        return [ChartSpec.from_dict(spec["chart"]).dataset]
    if spec.get("source") == "survey":
        return [spec["dataset"]]
    return []


def likert_table(cursor, catalog: dict[str, Dataset], dataset: str, items: list[str], filters: list[Filter],
                 lang: str = "ja") -> pd.DataFrame:
    """Per item and answer: count and % of those who answered, with the dictionary's words."""
    ds = catalog[dataset]
    data = fetch_columns(cursor, catalog, dataset, items, filters)
    scale = ds.column(items[0]).scale or {i: str(i) for i in range(1, 6)}
    shares = survey.likert_shares(data, items, sorted(scale))
    labels = {n: ds.column(n).label_in(lang) for n in items}
    table = shares.assign(item=shares["item"].map(labels), level=shares["level"].map(scale), share=shares["share"].round(1))
    return table.rename(columns={name: t(f"survey.col.{name}", lang)
                                 for name in ("item", "level", "count", "share", "answered", "no_answer")})


def draw_table(cursor, catalog: dict[str, Dataset], spec: dict, lang: str = "ja") -> pd.DataFrame:
    """A saved pivot or survey table computed again from the published data, with readable headers (a SQL
    table is never run again here: its saved result is in the item, see lib.workspace.output_review)."""
    source = spec.get("source")
    if source == "pivot":
        chart = ChartSpec.from_dict(spec["chart"])
        pivot = build_pivot(cursor, chart, catalog, lang)
        table = pivot.table
        if pivot.additive:
            table = percentages(table, spec.get("percent_by", "none"), table.columns[-1])
        table = table.round(1 if not pivot.additive or spec.get("percent_by", "none") != "none" else 0)
        table.index.name = pivot.row_label
        return table.reset_index()
    if source == "survey":
        filters = [Filter.from_dict(f) for f in spec.get("filters") or []]
        return likert_table(cursor, catalog, spec["dataset"], list(spec["items"]), filters, lang)
    raise ValueError(f"unknown table source: {source}")
