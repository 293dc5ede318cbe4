"""地区の特徴を調べる: where values cluster (hot spots) and which 町丁目 are alike (similar areas)."""
import streamlit as st

from lib import ui
from lib.analysis.area_indicators import NAME as AREAS_TABLE
from lib.analysis.area_indicators import analysis_catalog
from lib.analysis.stat_tests import StatInputError
from lib.charts.spec import measure_columns
from lib.maps.area_results import unit_classes
from lib.ui.analysis_controls import column_labeller
from lib.ui.analysis_view import show_analysis
from lib.ui.derived import analysis_result
from lib.ui.evidence_form import evidence_form

K = "area:"
SIMILAR_DEFAULT = ["ageing_rate", "care_rate_65plus", "kayoi_nearest_km", "kayoi_participants_per_100"]
# Counts of persons and places depend on the size of the area: the rates describe it.
NOT_FOR_GROUPING = {"population", "elderly_65plus", "care_certified_65plus", "kayoi_places"}

lang = ui.lang()
catalog = analysis_catalog()
st.title(ui.tr("page.area_patterns"))
st.caption(ui.tr("area.lead"))
if AREAS_TABLE not in catalog:
    st.info(ui.tr("area.no_indicators"))
    st.stop()
ds = catalog[AREAS_TABLE]
label_of = column_labeller(catalog, ds)
numeric = measure_columns(ds)

settings_column, result_column = st.columns([1, 2], gap="large")
with settings_column:
    task = st.radio(ui.tr("area.choose"), ["hot_spots", "similar_areas"], key=K + "task",
                    format_func=lambda k: ui.tr(f"area.choice.{k}"))
    st.caption(ui.tr(f"area.choice_help.{task}"))
    if task == "hot_spots":
        column = st.selectbox(ui.tr("area.measure"), numeric, key=K + "column", format_func=label_of)
        spec = {"method": "hot_spots", "column": column}
        title = ui.tr("hot.map_label", label=label_of(column))
    else:
        options = [c for c in numeric if c not in NOT_FOR_GROUPING]
        columns = st.multiselect(ui.tr("area.indicators"), options, key=K + "columns", format_func=label_of,
                                 default=[c for c in SIMILAR_DEFAULT if c in options], select_all=False,
                                 placeholder=ui.tr("ws.choose"))
        algorithm = st.radio(ui.tr("area.algorithm"), ["kmeans", "ward"], key=K + "algorithm", horizontal=True,
                             format_func=lambda a: ui.tr(f"area.algorithm.{a}"))
        k = st.selectbox(ui.tr("area.k"), [0, 2, 3, 4, 5, 6, 7, 8], key=K + "k",
                         format_func=lambda n: ui.tr("area.k.suggested") if n == 0 else str(n))
        spec = {"method": "similar_areas", "columns": columns, "k": k or None, "algorithm": algorithm}
        title = ui.tr("similar.map_label")

with result_column:
    try:
        result = analysis_result(spec, lang)
    except StatInputError as problem:
        st.warning(problem.text(lang), icon=":material/edit:")
        st.stop()
    show_analysis(result, K + task)
    if task == "similar_areas":
        with st.expander(ui.tr("area.which_group")):
            members = unit_classes(result.map_data).rename(
                columns={"area": ui.tr("mreg.col.area"), "class": ui.tr("similar.col.group")})
            st.dataframe(members, hide_index=True)
    evidence_form(K + "save", "analysis", lambda _title: spec, default_title=title, note_value=result.reading,
                  button=ui.tr("stat.save_button"))
