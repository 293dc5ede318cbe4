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

from dataclasses import dataclass, field

import pandas as pd

from lib.charts import survey
from lib.charts.pivot import build_pivot, percentages
from lib.charts.spec import ChartSpec
from lib.data.catalog import Dataset
from lib.data.query import Filter, fetch_columns
from lib.i18n import t


@dataclass
class TableSpec:
    """A saved table's spec; `to_dict()` writes the stored JSON shape above, `from_dict()` reads it."""
    source: str  # "pivot", "survey" or "sql"
    chart: ChartSpec | None = None  # pivot: the chart whose numbers it tabulates
    percent_by: str = "none"  # pivot
    dataset: str = ""  # survey
    items: list[str] = field(default_factory=list)  # survey: the Likert columns
    filters: list[Filter] = field(default_factory=list)  # survey
    sql: str = ""  # sql

    @classmethod
    def from_dict(cls, data: dict) -> "TableSpec":
        source = data.get("source")
        if source == "pivot":
            return cls(
                "pivot", chart=ChartSpec.from_dict(data["chart"]), percent_by=str(data.get("percent_by", "none"))
            )
        if source == "survey":
            return cls("survey", dataset=str(data["dataset"]), items=[str(i) for i in data.get("items") or []],
                       filters=[Filter.from_dict(f) for f in data.get("filters") or []])
        if source == "sql":
            return cls("sql", sql=str(data.get("sql") or ""))
        raise ValueError(f"unknown table source: {source!r}")

    def to_dict(self) -> dict:
        if self.source == "pivot":
            return {"source": "pivot", "chart": self.chart.to_dict(), "percent_by": self.percent_by}
        if self.source == "survey":
            return {"source": "survey", "dataset": self.dataset, "items": list(self.items),
                    "filters": [{"column": f.column, "op": f.op, "values": list(f.values)} for f in self.filters]}
        return {"source": "sql", "sql": self.sql}

    @property
    def from_sql(self) -> bool:
        """A SQL result: saved with its checked result, reviewed before export, never run again here."""
        return self.source == "sql"

    def datasets(self) -> list[str]:
        """The datasets the table reads (for its source line); a SQL text names its own."""
        if self.source == "pivot":
            return [self.chart.dataset]
        if self.source == "survey":
            return [self.dataset]
        return []

    def draw(self, cursor, catalog: dict[str, Dataset], lang: str = "ja") -> pd.DataFrame:
        """The pivot or survey table computed again from the published data, with readable headers (a SQL
        table is never run again here: its saved result is in the item, see lib.workspace.output_review)."""
        if self.source == "pivot":
            return _pivot_table(cursor, catalog, self.chart, self.percent_by, lang)
        if self.source == "survey":
            return likert_table(cursor, catalog, self.dataset, list(self.items), self.filters, lang)
        raise ValueError("a SQL table is drawn from its saved result, never run again")


def pivot_table_spec(chart: ChartSpec, percent_by: str = "none") -> dict:
    return TableSpec("pivot", chart=chart, percent_by=percent_by).to_dict()


def survey_table_spec(dataset: str, items: list[str], filters: list[Filter]) -> dict:
    return TableSpec("survey", dataset=dataset, items=list(items), filters=list(filters)).to_dict()


def sql_table_spec(sql: str) -> dict:
    return TableSpec("sql", sql=sql).to_dict()


def likert_table(cursor, catalog: dict[str, Dataset], dataset: str, items: list[str], filters: list[Filter],
                 lang: str = "ja") -> pd.DataFrame:
    """Per item and answer: count and % of those who answered, with the dictionary's words."""
    ds = catalog[dataset]
    data = fetch_columns(cursor, catalog, dataset, items, filters)
    scale = ds.column(items[0]).scale or {i: str(i) for i in range(1, 6)}
    shares = survey.likert_shares(data, items, sorted(scale))
    labels = {n: ds.column(n).label_in(lang) for n in items}
    table = shares.assign(
        item=shares["item"].map(labels), level=shares["level"].map(scale), share=shares["share"].round(1)
    )
    return table.rename(columns={name: t(f"survey.col.{name}", lang)
                                 for name in ("item", "level", "count", "share", "answered", "no_answer")})


def _pivot_table(cursor, catalog: dict[str, Dataset], chart: ChartSpec, percent_by: str, lang: str) -> pd.DataFrame:
    pivot = build_pivot(cursor, catalog, chart, lang)
    table = pivot.table
    if pivot.additive:
        table = percentages(table, percent_by, table.columns[-1])
    table = table.round(1 if not pivot.additive or percent_by != "none" else 0)
    table.index.name = pivot.row_label
    return table.reset_index()


def draw_table(cursor, catalog: dict[str, Dataset], spec: dict, lang: str = "ja") -> pd.DataFrame:
    """A saved pivot or survey table (its spec as stored) computed again; see TableSpec.draw."""
    return TableSpec.from_dict(spec).draw(cursor, catalog, lang)
