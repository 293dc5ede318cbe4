"""SQL: trainee SQL over the published tables, on the locked-down path, with schema and samples."""
from dataclasses import replace

import streamlit as st

from lib import settings, ui
from lib.analysis.disclosure import ResultRefused, check_query_result, suppressed_cells
from lib.analysis.sql_samples import sample_queries, table_schema
from lib.analysis.sql_worker import NESTED_TEXT_CHARS
from lib.analysis.user_sql import UserQueryError, run_user_sql
from lib.charts.figure import quick_figure
from lib.charts.result_table import sql_table_spec
from lib.data.catalog import load_catalog
from lib.ui.analysis_controls import download_row
from lib.ui.evidence_form import save_table_form
from lib.ui.user_text import literal
from lib.workspace import output_review

lang = ui.lang()
catalog = load_catalog()
store = ui.store()
cursor = store.published()
K = "sql:"

st.title(ui.tr("sql.title"))
st.caption(ui.tr("sql.lead"))

tables = store.published_tables()
editor_column, schema_column = st.columns([2, 1], gap="large")

with schema_column:
    st.markdown(f"**{ui.tr('sql.schema')}**")
    for table in tables:
        ds = catalog.get(table)
        with st.expander(literal(f"{table}" + (f"（{ui.dataset_title(ds)}）" if ds else ""))):
            schema = table_schema(cursor, catalog, table, lang).rename(columns={
                "column": ui.tr("sql.col.column"), "type": ui.tr("sql.col.type"), "label": ui.tr("sql.col.label")})
            st.dataframe(schema, hide_index=True, width="stretch")

with editor_column:
    with_samples = sorted((t for t in tables if t in catalog), key=lambda n: catalog[n].is_geo)
    sample_table = st.selectbox(ui.tr("sql.sample_dataset"), with_samples, key=K + "sample_ds",
                                format_func=lambda n: ui.dataset_title(catalog[n]))
    samples = sample_queries(catalog[sample_table], catalog, lang) if sample_table else []
    titles = [title for title, _ in samples]

    def use_sample():
        chosen = dict(sample_queries(catalog[st.session_state[K + "sample_ds"]], catalog, lang))
        st.session_state[K + "text"] = chosen.get(st.session_state.get(K + "sample"), next(iter(chosen.values())))

    st.selectbox(ui.tr("sql.sample"), titles, key=K + "sample", on_change=use_sample)
    st.button(ui.tr("sql.use_sample"), on_click=use_sample, key=K + "use_sample")
    st.session_state.setdefault(K + "text", samples[0][1] if samples else "SELECT 1")
    sql = st.text_area(ui.tr("sql.editor"), key=K + "text", height=220)
    run = st.button(ui.tr("sql.run"), type="primary", key=K + "run")
    st.caption(ui.tr("sql.limits"))

    if run:
        try:
            result = run_user_sql(store.published_path, sql, owner=ui.sql_owner())
            st.session_state[K + "result"] = replace(result, frame=check_query_result(sql, result.frame, catalog))
            st.session_state[K + "result_sql"] = sql  # what is saved is the query that made this result
            st.session_state.pop(K + "error", None)
        except (UserQueryError, ResultRefused) as error:
            st.session_state[K + "error"] = error
            st.session_state.pop(K + "result", None)
    error = st.session_state.get(K + "error")
    result = st.session_state.get(K + "result")
    if error is not None:
        ui.show_query_error(error)
    elif result is not None:
        frame = result.frame
        st.caption(ui.tr("sql.rows", n=len(frame), seconds=f"{result.elapsed_s:.2f}"))
        if result.limited_by_size:
            st.warning(ui.tr("sql.truncated_size", megabytes=f"{settings.USER_SQL_RESULT_MB:g}"))
        elif result.truncated:
            st.warning(ui.tr("sql.truncated", cap=result.row_cap))
        if result.nested_as_text:
            st.caption(ui.tr_literal("sql.nested_as_text", columns="、".join(result.nested_as_text),
                                     chars=NESTED_TEXT_CHARS))
        st.dataframe(frame, hide_index=True, width="stretch")
        ui.show_suppressed(suppressed_cells(frame))
        saved_sql = st.session_state[K + "result_sql"]
        # Saved WITH the checked result shown here; the instructor reviews it before it can be exported.
        save_table_form(K + "save", ui.tr("sql.saved_title"), sql_table_spec(saved_sql),
                        extra=lambda: output_review.checked_result(cursor, catalog, saved_sql, frame))
        st.caption(ui.tr("output_check.save_note"))
        download_row(frame, "query", K)
        if st.toggle(ui.tr("sql.chart"), key=K + "chart"):
            figure = quick_figure(frame, lang)
            if figure is None:
                st.info(ui.tr("sql.no_chart"))
            else:
                ui.plotly_chart(figure, key=K + "figure", width="stretch")
