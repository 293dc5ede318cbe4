"""統計で確かめる (Step 5 評価): chi-square, correlation, comparison of means, regression, multiple regression."""
import duckdb
import streamlit as st

from lib import ui
from lib.analysis import stat_tests
from lib.analysis.area_indicators import analysis_catalog
from lib.analysis.disclosure import suppressed_cells
from lib.charts.figure import build_figure
from lib.charts.spec import dimension_choices, measure_columns
from lib.charts.sql import run_chart
from lib.charts.stat_check import TESTS, StatCheck
from lib.data.query import fetch_columns, resolve_column
from lib.ui.analysis_controls import KEEP, column_labeller, dataset_picker, step_label
from lib.ui.analysis_view import show_analysis, show_test_result, show_test_table
from lib.ui.derived import analysis_result
from lib.ui.evidence_form import evidence_form
from lib.ui.filters import filter_editor

lang = ui.lang()
catalog = analysis_catalog()
cursor = ui.store().published()
K = "stat:"

st.title(ui.tr("page.statistics"))
st.caption(ui.tr("stat.lead"))

settings_column, result_column = st.columns([1, 2], gap="large")
with settings_column:
    test = st.radio(step_label(1, ui.tr("stat.choose_test")), [*TESTS, "mreg"], key=K + "test", persist_state=KEEP,
                    format_func=lambda k: ui.tr(f"stat.choice.{k}"))
    st.caption(ui.tr(f"stat.choice_help.{test}"))
    names = [n for n, ds in catalog.items() if measure_columns(ds) or len(dimension_choices(catalog, ds)) > 1]
    dataset = dataset_picker(catalog, names, K + "dataset", default="area_indicators", step=2)
    ds = catalog[dataset]
    label_of = column_labeller(catalog, ds)

    numeric = measure_columns(ds)
    # Groups of one row (a 町丁目 in a per-area table) cannot be compared: other columns come first.
    categorical = sorted(dimension_choices(catalog, ds),
                         key=lambda c: (resolve_column(catalog, ds, c).role == "area" and ds.name == "area_indicators"))
    ordered = [c for c in categorical if (resolve_column(catalog, ds, c).order or resolve_column(catalog, ds, c).scale)]
    def pick(step: int, label_key: str, options: list, key: str):
        return st.selectbox(step_label(step, ui.tr(label_key)), options, key=K + key, persist_state=KEEP,
                            format_func=label_of)

    def method_choice(methods: list[str], key: str) -> str:
        return st.radio(ui.tr("stat.method"), methods, key=K + key, horizontal=True, persist_state=KEEP,
                        format_func=lambda m: ui.tr(f"stat.method.{m}"))

    if test == "mreg":
        y = pick(3, "mreg.y", numeric, "mreg_y")
        x = st.multiselect(step_label(4, ui.tr("mreg.x")), [c for c in numeric if c != y], key=K + "mreg_x",
                           persist_state=KEEP, format_func=label_of, select_all=False, placeholder=ui.tr("ws.choose"))
        view = "effects"
        if dataset == "area_indicators":  # a map of residuals needs 町丁目
            view = st.radio(ui.tr("mreg.view"), ["effects", "residual_map"], key=K + "mreg_view", horizontal=True,
                            persist_state=KEEP, format_func=lambda v: ui.tr(f"mreg.view.{v}"))
    elif test in {"corr", "reg"}:
        x = pick(3, "stat.x", numeric + ([c for c in ordered if c not in numeric] if test == "corr" else []), "x")
        y = pick(4, "stat.y", [c for c in numeric if c != x] or numeric, "y")
        method = "pearson"
        if test == "corr" and x not in numeric:
            method = "spearman"  # ordered categories: a rank correlation
        elif test == "corr":
            method = method_choice(["pearson", "spearman"], "method")
        columns = [x, y]
    elif test == "means":
        x = pick(3, "stat.group", categorical, "group")
        y = pick(4, "stat.value", numeric, "value")
        method = method_choice(["parametric", "rank"], "means_method")
        columns = [x, y]
    else:
        x = pick(3, "stat.row", categorical, "row")
        y = pick(4, "stat.column", [c for c in categorical if c != x] or categorical, "col")
        method = None
        columns = [x, y]
    filters = filter_editor(cursor, catalog, dataset, K.rstrip(":"), step=5)

with result_column:
    if test == "mreg":
        if not x:
            st.info(ui.tr("mreg.pick_columns"))
            st.stop()
        spec = {"method": "multiple_regression", "dataset": dataset, "y": y, "x": x,
                "filters": [f.__dict__ for f in filters], "view": view}
        try:
            result = analysis_result(spec, lang)
        except stat_tests.StatInputError as problem:
            st.warning(problem.text(lang), icon=":material/edit:")
            st.stop()
        except duckdb.Error:
            st.error(ui.tr("chart.run_failed"))
            st.stop()
        st.subheader(ui.tr("mreg.title"))
        show_analysis(result, K + "mreg")
        evidence_form(K + "save", "analysis", lambda _title: spec,
                      default_title=ui.tr("mreg.title") + ui.tr("chart.colon") + label_of(y),
                      note_value=result.reading, button=ui.tr("stat.save_button"))
        st.stop()
    if not x or not y or x == y:
        st.info(ui.tr("stat.pick_columns"))
        st.stop()
    try:
        with st.spinner(ui.tr("wait.analysis")):
            data = fetch_columns(cursor, catalog, dataset, columns, filters)
    except duckdb.Error:
        st.error(ui.tr("chart.run_failed"))
        st.stop()
    x_label, y_label = label_of(x), label_of(y)
    check = StatCheck(test, dataset, x, y, method, filters)
    try:
        result = check.run(data, catalog, lang, x_label, y_label)
    except stat_tests.StatInputError as problem:
        st.warning(problem.text(lang), icon=":material/edit:")
        st.stop()
    show_test_result(result)
    # The same data as a chart spec, so that it can be saved and re-drawn as evidence.
    spec = check.chart_spec(catalog)
    frame = run_chart(cursor, catalog, spec)
    ui.plotly_chart(build_figure(frame, spec, catalog, lang), key=K + "figure", width="stretch")
    ui.show_suppressed(suppressed_cells(frame))
    show_test_table(result, expanded=test == "chi")
    evidence_form(K + "save", "chart", lambda _title: spec.to_dict(),
                  default_title=ui.tr(result.test) + ui.tr("chart.colon") + f"{x_label} × {y_label}",
                  note_value=result.reading, button=ui.tr("stat.save_button"))
