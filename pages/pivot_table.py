"""クロス集計: rows × columns with totals and percentages, downloads for Excel."""

import duckdb
import streamlit as st

from lib import ui
from lib.analysis.area_indicators import analysis_catalog
from lib.charts.pivot import PERCENT_BY, percentages
from lib.charts.result_table import pivot_table_spec
from lib.charts.spec import (
    ChartSpec,
    ChartSpecError,
    dimension_choices,
    measure_columns,
)
from lib.ui import derived
from lib.ui.analysis_controls import (
    KEEP,
    column_labeller,
    dataset_picker,
    download_row,
    measure_picker,
    step_label,
)
from lib.ui.evidence_form import save_table_form
from lib.ui.filters import filter_editor

lang = ui.lang()
catalog = analysis_catalog()
cursor = ui.store().published()
K = "pivot:"

st.title(ui.tr("page.pivot"))
st.caption(ui.tr("pivot.lead"))

settings_column, table_column = st.columns([1, 3], gap="large")
with settings_column:
    dataset = dataset_picker(catalog, [n for n, ds in catalog.items() if dimension_choices(catalog, ds)],
                             K + "dataset", step=1)
    ds = catalog[dataset]
    label_of = column_labeller(catalog, ds)

    choices = dimension_choices(catalog, ds)
    row = st.selectbox(
        step_label(2, ui.tr("pivot.rows")),
        choices,
        key=K + "rows",
        persist_state=KEEP,
        format_func=label_of,
        index=choices.index("areas.district") if "areas.district" in choices else 0,
    )
    column_choices = [None] + [c for c in choices if c != row]
    # A column with its own category order (e.g. 要介護度) makes the most readable default.
    ordered = [c for c in column_choices[1:] if not c.startswith("areas.") and ds.column(c).order
               and ds.column(c).role is None]
    column = st.selectbox(
        step_label(3, ui.tr("pivot.columns")),
        column_choices,
        key=K + "columns",
        format_func=label_of,
        persist_state=KEEP,
        index=column_choices.index(ordered[0]) if ordered else min(1, len(column_choices) - 1),
    )
    numeric = measure_columns(ds)
    kinds = ["count"] + (["sum", "mean", "median", "min", "max"] if numeric else []) + ["rate_per_1000"]
    measure = measure_picker(cursor, catalog, ds, kinds, K, step=4)
    kind = measure.kind
    filters = filter_editor(cursor, catalog, dataset, K.rstrip(":"), step=5)
    percent_by = st.radio(ui.tr("pivot.percent"), PERCENT_BY, key=K + "percent", persist_state=KEEP, horizontal=True,
                          format_func=lambda p: ui.tr(f"pivot.percent.{p}"), disabled=kind not in {"count", "sum"})

spec = ChartSpec(dataset=dataset, measure=measure, dimensions=[d for d in (row, column) if d],
                 filters=filters, chart_type="heatmap" if column else "bar")
with table_column:
    pivot = None
    try:
        pivot = derived.pivot(spec, lang)
    except ChartSpecError as error:
        for problem in error.texts(lang):
            st.warning(problem, icon=":material/edit:")
    except duckdb.Error:
        st.error(ui.tr("chart.run_failed"))
    if pivot is not None:
        table = pivot.table
        shown = percentages(table, percent_by, table.columns[-1]) if pivot.additive else table
        unit = "%" if pivot.additive and percent_by != "none" else pivot.value_label
        st.markdown(f"**{pivot.row_label}** × **{pivot.column_label or '-'}**" + ui.tr("chart.paren", text=unit))
        digits = 1 if unit == "%" or not pivot.additive else 0
        st.dataframe(shown.style.format(precision=digits, thousands=",", na_rep="-"), width="stretch")
        ui.show_suppressed(pivot.hidden_cells)
        export = shown.copy()
        export.index.name = pivot.row_label
        title = (ds.title_in(lang) + ui.tr("chart.colon") + pivot.value_label
                 + ui.tr("chart.paren", text=f"{pivot.row_label} × {pivot.column_label or '-'}"))
        download_row(export, "pivot", K, title=title)
        if not pivot.additive:
            st.caption(ui.tr("pivot.not_additive"))
        save_table_form(K + "save", title, pivot_table_spec(spec, percent_by if pivot.additive else "none"))
