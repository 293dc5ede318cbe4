"""Controls the analysis pages share: the dataset and measure pickers, and the row of
downloads under a table (Excel, CSV for Excel, Shift_JIS CSV)."""
from __future__ import annotations

from functools import partial
from typing import Callable

import streamlit as st

from lib.charts.spec import Measure, measure_columns
from lib.data.catalog import Dataset
from lib.data.query import distinct_values, resolve_column
from lib.table_export import csv_bytes, xlsx_bytes
from lib.ui import dataset_title, lang, tr

# Settings come back when the member returns to the page (Streamlit forgets an undrawn widget otherwise).
KEEP = "session"

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Measures that count rows or add up a column (the base), rather than aggregating one column.
BASED_KINDS = {"share", "rate_per_1000", "change"}


def step_label(step: int | None, text: str) -> str:
    """A setting's label with its step number as the page counts its steps (① データセット); as is for None."""
    return text if step is None else f"{chr(0x2460 + step - 1)} {text}"


def dataset_picker(catalog: dict[str, Dataset], names: list[str], key: str, default: str | None = None,
                   step: int | None = None) -> str:
    """The dataset to analyse, shown by its title; on a real city its own data first (the demo city's after it,
    marked), record tables before map layers."""
    ordered = sorted(names, key=lambda n: (catalog[n].demo_on_real_city, catalog[n].is_geo))
    return st.selectbox(
        step_label(step, tr("chart.dataset")),
        ordered,
        index=ordered.index(default) if default in ordered else 0,
        key=key,
        persist_state=KEEP,
        format_func=lambda n: dataset_title(catalog[n]),
    )


def column_labeller(catalog: dict[str, Dataset], ds: Dataset) -> Callable[[str | None], str]:
    """A format_func showing a column (or an "areas." attribute) by its label, and None as 「なし」."""
    def label_of(name: str | None) -> str:
        if name is None:
            return tr("chart.none")
        col = resolve_column(catalog, ds, name)
        return col.label_in(lang()) if col else name
    return label_of


def measure_picker(cursor, catalog: dict[str, Dataset], ds: Dataset, kinds: list[str], key: str,
                   step: int | None = None) -> Measure:
    """What is computed: the kind, its base (rows or a column's sum), its column, and a change's years."""
    label_of = column_labeller(catalog, ds)
    numeric = measure_columns(ds)
    kind = st.selectbox(step_label(step, tr("chart.measure")), kinds, key=key + "measure", persist_state=KEEP,
                        format_func=lambda k: tr(f"chart.measure.kind.{k}"))
    measure = Measure(kind=kind)
    if kind in BASED_KINDS and numeric:
        bases = ["count", "sum"] + (["mean"] if kind == "change" else [])
        measure.base = st.radio(tr("chart.base"), bases, key=key + "base", persist_state=KEEP, horizontal=True,
                                format_func=lambda b: tr(f"chart.base.{b}"))
    if kind not in {"count"} | BASED_KINDS or measure.base in {"sum", "mean"}:
        measure.column = st.selectbox(tr("chart.measure_column"), numeric, key=key + "measure_column",
                                      persist_state=KEEP, format_func=label_of)
    if kind == "change":
        year_columns = ds.columns_with_role("year")
        years = distinct_values(cursor, catalog, ds.name, year_columns[0].name) if year_columns else []
        if len(years) >= 2:
            first, last = st.columns(2)
            measure.from_year = first.selectbox(tr("chart.from_year"), years, index=0, key=key + "from_year",
                                                   persist_state=KEEP)
            measure.to_year = last.selectbox(tr("chart.to_year"), years, index=len(years) - 1, key=key + "to_year",
                                                 persist_state=KEEP)
        measure.relative = st.checkbox(tr("chart.relative"), key=key + "relative", persist_state=KEEP)
    return measure


def download_row(table, file_stem: str, key: str, title: str | None = None) -> None:
    """Excel, CSV (UTF-8 with BOM, for Excel) and Shift_JIS CSV of a table, side by side; files are
    made only when clicked, and a click does not run the page again."""
    excel, csv, sjis = st.columns(3)
    excel.download_button(tr("chart.download_xlsx"), partial(xlsx_bytes, table, title=title),
                          file_name=f"{file_stem}.xlsx", mime=XLSX_MIME, key=key + "xlsx", on_click="ignore")
    csv.download_button(tr("chart.download_csv"), partial(csv_bytes, table), file_name=f"{file_stem}.csv",
                        mime="text/csv", key=key + "csv", on_click="ignore")
    sjis.download_button(tr("chart.download_csv_sjis"), partial(csv_bytes, table, "cp932"),
                         file_name=f"{file_stem}_sjis.csv", mime="text/csv", key=key + "csv_sjis",
                         on_click="ignore")
