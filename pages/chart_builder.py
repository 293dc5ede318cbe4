"""グラフ作成: dataset → measure → dimensions → filters → chart type; table, downloads, save as evidence."""

import duckdb
import streamlit as st

from lib import ui
from lib.analysis.area_indicators import analysis_catalog
from lib.analysis.disclosure import suppressed_cells
from lib.analysis.indicators import of_chart
from lib.charts.figure import build_figure
from lib.charts.labels import chart_title, filter_summary, labelled_table
from lib.charts.spec import (
    MEASURE_KINDS,
    ChartSpec,
    ChartSpecError,
    allowed_chart_types,
    dimension_choices,
    measure_columns,
)
from lib.charts.sql import build_chart_sql, run_chart
from lib.charts.table_display import styled_for_display
from lib.ui.analysis_controls import (
    BASED_KINDS,
    KEEP,
    column_labeller,
    dataset_picker,
    download_row,
    measure_picker,
    step_label,
)
from lib.ui.chart_builder_controls import K, chart_type_options, load_into_builder
from lib.ui.evidence_form import evidence_form
from lib.ui.filters import filter_editor
from lib.ui.user_text import literal

lang = ui.lang()
catalog = analysis_catalog()
cursor = ui.store().published()

st.title(ui.tr("page.charts"))
st.caption(ui.tr("chart.lead"))


def render(spec: ChartSpec, key: str):
    """Run and draw a spec; a problem is shown as a sentence, never a traceback."""
    try:
        with st.spinner(ui.tr("wait.chart")):
            frame = run_chart(cursor, catalog, spec)
    except ChartSpecError as error:
        for problem in error.texts(lang):
            st.warning(problem, icon=":material/edit:")
        return None
    except duckdb.Error:
        st.error(ui.tr("chart.run_failed"))
        return None
    if frame.empty:
        st.info(ui.tr("chart.no_rows"))
        return None
    ui.plotly_chart(build_figure(frame, spec, catalog, lang), key=f"{key}:figure", width="stretch")
    ui.show_suppressed(suppressed_cells(frame))
    indicator = of_chart(spec.to_dict(), catalog)
    if indicator is not None:
        st.caption(ui.tr("indicator.shown", definition=indicator.definition(lang)))
    return frame


settings_column, chart_column = st.columns([1, 2], gap="large")

with settings_column:
    dataset = dataset_picker(catalog, [n for n, ds in catalog.items()
                                       if ds.data_columns and dimension_choices(catalog, ds)], K + "dataset", step=1)
    ds = catalog[dataset]
    label_of = column_labeller(catalog, ds)
    numeric = measure_columns(ds)
    kinds = [k for k in MEASURE_KINDS if numeric or k in {"count"} | BASED_KINDS]
    measure = measure_picker(cursor, catalog, ds, kinds, K, step=2)

    choices = [None] + dimension_choices(catalog, ds)
    dim1 = st.selectbox(step_label(3, ui.tr("chart.dim1")), choices, index=1 if len(choices) > 1 else 0, key=K + "dim1",
                        persist_state=KEEP, format_func=label_of)
    dim2 = st.selectbox(ui.tr("chart.dim2"), [c for c in choices if c is None or c != dim1], key=K + "dim2",
                        persist_state=KEEP, format_func=label_of)
    facet = st.selectbox(ui.tr("chart.facet"), [c for c in choices if c is None or c not in {dim1, dim2}],
                         key=K + "facet", persist_state=KEEP, format_func=label_of, help=ui.tr("chart.facet_help"))
    dimensions = [d for d in (dim1, dim2) if d]
    filters = filter_editor(cursor, catalog, dataset, K.rstrip(":"), step=4)

    draft = ChartSpec(dataset=dataset, measure=measure, dimensions=dimensions, facet=facet, filters=filters)
    types = allowed_chart_types(draft, catalog) or ["bar"]
    chart_type = st.selectbox(step_label(5, ui.tr("chart.type")), types, key=K + "type", persist_state=KEEP,
                              format_func=lambda c: ui.tr(f"chart.type.{c}"))
    options = chart_type_options(chart_type, dimensions, measure, numeric, label_of)
    spec = ChartSpec(dataset=dataset, measure=measure, dimensions=dimensions, facet=facet, filters=filters,
                     chart_type=chart_type, options=options)
    spec.title = st.text_input(ui.tr("chart.title"), key=K + "title", persist_state=KEEP,
                               placeholder=chart_title(spec, catalog, lang)).strip()

with chart_column:
    frame = render(spec, K + "current")
    if frame is not None:
        table = labelled_table(frame, spec, catalog, lang)
        tab_table, tab_sql = st.tabs([ui.tr("chart.table"), ui.tr("chart.sql")])
        with tab_table:
            st.dataframe(styled_for_display(table), hide_index=True, width="stretch")
            title = chart_title(spec, catalog, lang)
            if spec.filters:
                title += ui.tr("chart.paren", text=ui.tr("chart.filter.prefix") + filter_summary(spec, catalog, lang))
            download_row(table, "chart_data", K, title=title)
        with tab_sql:
            sql, params = build_chart_sql(catalog, spec)
            st.code(sql, language="sql")
            st.caption(ui.tr("chart.sql_params", params=", ".join(map(str, params)) or "-"))

        evidence_form(K + "save", "chart", lambda _title: spec.to_dict(),
                      heading=ui.tr("chart.save"),
                      default_title=chart_title(spec, catalog, lang), note_placeholder=ui.tr("chart.note_hint"),
                      button=ui.tr("chart.save_button"), listed_here=ui.tr("chart.saved_list"))

st.divider()
st.subheader(ui.tr("chart.saved_list"))
saved = ui.saved_evidence("chart")
if not saved:
    st.caption(ui.tr("chart.saved_none"))
for index, item in enumerate(reversed(saved)):
    with st.expander(literal(item["title"]) + ui.tr("chart.paren", text=item.get("saved_at", ""))):
        if item.get("note"):
            st.markdown(literal(item["note"]))
        try:
            saved_spec = ChartSpec.from_dict(item["spec"])
        except (KeyError, TypeError, ValueError):
            st.warning(ui.tr("chart.saved_broken"))
            continue
        render(saved_spec, f"{K}saved:{index}")
        st.button(ui.tr("chart.edit_saved"), key=f"{K}edit:{index}", on_click=load_into_builder,
                  args=(item["spec"],), help=ui.tr("chart.edit_saved_help"))
