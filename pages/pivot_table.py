"""クロス集計: rows × columns with totals and percentages, downloads for Excel."""
from functools import partial

import duckdb
import streamlit as st

from lib import ui
from lib.analysis.area_indicators import with_area_indicators
from lib.charts.pivot import PERCENT_BY, build_pivot, percentages
from lib.charts.result_table import pivot_table_spec
from lib.charts.spec import (
    ChartSpec,
    Measure,
    dimension_choices,
    measure_columns,
    resolve_column,
    validate_spec,
)
from lib.data.catalog import load_catalog
from lib.table_export import csv_bytes, xlsx_bytes
from lib.ui.filters import filter_editor

lang = ui.lang()
catalog = with_area_indicators(load_catalog())
cursor = ui.store().published()
K = "pivot:"

st.title(ui.tr("page.pivot"))
st.caption(ui.tr("pivot.lead"))

settings_column, table_column = st.columns([1, 3], gap="large")
with settings_column:
    names = sorted((n for n, ds in catalog.items() if dimension_choices(catalog, ds)),
                   key=lambda n: catalog[n].is_geo)
    dataset = st.selectbox(ui.tr("chart.dataset"), names, key=K + "dataset",
                           format_func=lambda n: catalog[n].title_in(lang))
    ds = catalog[dataset]

    def label_of(name):
        if name is None:
            return ui.tr("chart.none")
        col = resolve_column(catalog, ds, name)
        return col.label_in(lang) if col else name

    choices = dimension_choices(catalog, ds)
    row = st.selectbox(ui.tr("pivot.rows"), choices, key=K + "rows", format_func=label_of,
                       index=choices.index("areas.district") if "areas.district" in choices else 0)
    column_choices = [None] + [c for c in choices if c != row]
    # A column with its own category order (e.g. 要介護度) makes the most readable default.
    ordered = [c for c in column_choices[1:] if not c.startswith("areas.") and ds.column(c).order
               and ds.column(c).role is None]
    column = st.selectbox(ui.tr("pivot.columns"), column_choices, key=K + "columns", format_func=label_of,
                          index=column_choices.index(ordered[0]) if ordered else min(1, len(column_choices) - 1))
    numeric = measure_columns(ds)
    kinds = ["count"] + (["sum", "mean", "median", "min", "max"] if numeric else []) + ["rate_per_1000"]
    kind = st.selectbox(ui.tr("chart.measure"), kinds, key=K + "measure",
                        format_func=lambda k: ui.tr(f"chart.measure.kind.{k}"))
    measure = Measure(kind=kind)
    if kind not in {"count", "rate_per_1000"}:
        measure.column = st.selectbox(ui.tr("chart.measure_column"), numeric, key=K + "measure_column",
                                      format_func=label_of)
    filters = filter_editor(cursor, catalog, dataset, K.rstrip(":"))
    percent_by = st.radio(ui.tr("pivot.percent"), PERCENT_BY, key=K + "percent", horizontal=True,
                          format_func=lambda p: ui.tr(f"pivot.percent.{p}"), disabled=kind not in {"count", "sum"})

spec = ChartSpec(dataset=dataset, measure=measure, dimensions=[d for d in (row, column) if d],
                 filters=filters, chart_type="heatmap" if column else "bar")
with table_column:
    problems = validate_spec(spec, catalog, lang)
    for problem in problems:
        st.warning(problem, icon=":material/edit:")
    pivot = None
    if not problems:
        try:
            pivot = build_pivot(cursor, spec, catalog, lang)
        except duckdb.Error:
            st.error(ui.tr("chart.run_failed"))
    if pivot is not None:
        table = pivot.table
        shown = percentages(table, percent_by, table.columns[-1]) if pivot.additive else table
        unit = "%" if pivot.additive and percent_by != "none" else pivot.value_label
        st.markdown(f"**{pivot.row_label}** × **{pivot.column_label or '-'}**" + ui.tr("chart.paren", text=unit))
        digits = 1 if unit == "%" or not pivot.additive else 0
        st.dataframe(shown.style.format(precision=digits, thousands=",", na_rep="-"), width="stretch")
        export = shown.copy()
        export.index.name = pivot.row_label
        title = (ds.title_in(lang) + ui.tr("chart.colon") + pivot.value_label
                 + ui.tr("chart.paren", text=f"{pivot.row_label} × {pivot.column_label or '-'}"))
        downloads = st.columns(3)
        downloads[0].download_button(ui.tr("chart.download_xlsx"), partial(xlsx_bytes, export, title=title),
                                     file_name="pivot.xlsx", key=K + "xlsx",
                                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        downloads[1].download_button(ui.tr("chart.download_csv"), partial(csv_bytes, export), file_name="pivot.csv",
                                     mime="text/csv", key=K + "csv")
        downloads[2].download_button(ui.tr("chart.download_csv_sjis"), partial(csv_bytes, export, "cp932"),
                                     file_name="pivot_sjis.csv", mime="text/csv", key=K + "csv_sjis")
        if not pivot.additive:
            st.caption(ui.tr("pivot.not_additive"))
        ui.save_table_form(K + "save", title, pivot_table_spec(spec, percent_by if pivot.additive else "none"))
