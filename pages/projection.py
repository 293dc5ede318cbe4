"""将来人口と需要の見通し (Step 4 分析): cohort change-ratio projection by 町丁目 and the demand it implies."""
import streamlit as st

from lib import ui
from lib.analysis.cohort_projection import MIN_BASE, STEP_YEARS
from lib.analysis.disclosure import MIN_CELL, suppressed_cells
from lib.analysis.indicators import population_bands
from lib.data.catalog import load_catalog
from lib.deck.analyses.projection_common import RATIOS, whole_label
from lib.errors import WorkbenchError
from lib.ui.analysis_view import show_analysis
from lib.ui.city_choice import city_choice
from lib.ui.derived import analysis_result, projection_choices
from lib.ui.evidence_form import evidence_form

K = "projection:"
catalog = load_catalog()
st.title(ui.tr("page.projection"))
st.caption(ui.tr("projection.lead"))

city = city_choice(K + "city", everyone=False)  # a joint course: each municipality with its own data
choices = projection_choices(city)
routes = [r for r in RATIOS if (choices.points if r == "own" else choices.reference and choices.latest)]
if not routes:
    st.warning(ui.tr("projection.error.no_pair", years="-"), icon=":material/edit:")
    st.stop()
ratios = st.radio(ui.tr("projection.route"), routes, key=K + "route", horizontal=True,
                  format_func=lambda r: ui.tr(f"projection.route.{r}"))
if ratios == "own":
    earlier, base = choices.points
    st.caption(ui.tr("projection.points", earlier=earlier, base=base))
else:
    earlier, base = None, choices.latest
    reference_city, first, last = choices.reference
    st.caption(ui.tr("projection.points_reference", base=base, city=reference_city, first=first, last=last))
if not choices.reference:
    st.caption(ui.tr("projection.route.no_reference"))
targets = [base + STEP_YEARS * i for i in range(1, 6)]


def show(spec: dict, key: str, title: str) -> None:
    try:
        result = analysis_result(spec, ui.lang())
    except WorkbenchError as problem:
        st.warning(problem.text(ui.lang()), icon=":material/edit:")
        return
    show_analysis(result, key)
    ui.show_suppressed(suppressed_cells(result.table) + (result.map_data.suppressed_count if result.map_data else 0))
    evidence_form(key + "save", "analysis", lambda _title, saved=dict(spec): saved, default_title=title,
                  note_value=result.reading, button=ui.tr("projection.save_button"))


population_tab, demand_tab, method_tab = st.tabs(
    [ui.tr("projection.tab.population"), ui.tr("projection.tab.demand"), ui.tr("projection.tab.method")])

with population_tab:
    left, right = st.columns([1, 3], gap="large")
    with left:
        target = st.selectbox(ui.tr("projection.target_year"), targets, index=1, key=K + "target")
        view = st.radio(ui.tr("projection.show"), ["pyramid", "map"], key=K + "show",
                        format_func=lambda v: ui.tr(f"projection.show.{v}"))
        spec = {"method": "cohort_projection", "base_year": base, "target_year": target, "show": view}
        if ratios != "own":  # a spec saved before the choice existed stays as it was
            spec["ratios"] = ratios
        if city:
            spec["city"] = city
        if view == "pyramid":
            spec["district"] = st.selectbox(ui.tr("projection.place"), ["", *choices.districts], key=K + "place",
                                            format_func=lambda d: d or whole_label(spec, ui.lang()))
        else:
            spec["measure"] = st.radio(ui.tr("projection.measure"), ["p75_share", "p75", "total_change"],
                                       key=K + "measure",
                                       format_func=lambda m: ui.tr(f"projection.map.{m}", year=target, base=base))
    with right:
        place = spec.get("district") or whole_label(spec, ui.lang())
        show(spec, K + "population:", ui.tr("projection.pyramid_title", place=place, base=base, target=target)
             if view == "pyramid" else ui.tr(f"projection.map.{spec['measure']}", year=target, base=base))

with demand_tab:
    if not choices.record_tables:
        st.info(ui.tr("projection.error.dataset", dataset="-"))
    else:
        left, right = st.columns([1, 3], gap="large")
        with left:
            dataset = st.selectbox(ui.tr("projection.dataset"), choices.record_tables, key=K + "dataset",
                                   format_func=lambda n: catalog[n].title_in(ui.lang()))
            demand_target = st.selectbox(ui.tr("projection.target_year"), targets, index=1, key=K + "demand_target")
            rates_by = st.radio(ui.tr("projection.rates_by"), ["city", "district"], key=K + "rates_by",
                                format_func=lambda r: ui.tr(f"demand.rates_by.{r}"))
            demand_view = st.radio(ui.tr("projection.show"), ["chart", "map"], key=K + "demand_show",
                                   format_func=lambda v: ui.tr(f"projection.show.{v}"))
        with right:
            label = catalog[dataset].title_in(ui.lang())
            demand_spec = {"method": "demand_projection", "dataset": dataset, "base_year": base,
                           "target_year": demand_target, "rates_by": rates_by, "show": demand_view}
            if ratios != "own":
                demand_spec["ratios"] = ratios
            if city:
                demand_spec["city"] = city
            show(demand_spec, K + "demand:",
                 ui.tr("demand.chart_title", label=label) if demand_view == "chart"
                 else ui.tr("demand.map_label", label=label, base=base, target=demand_target))

with method_tab:
    bands = population_bands(catalog) or ["85-89", "90+"]
    if ratios == "own":
        st.markdown(ui.tr("projection.method_text", earlier=earlier, base=base, top=bands[-1], below=bands[-2],
                          min_base=MIN_BASE, threshold=MIN_CELL))
    else:
        st.markdown(ui.tr("projection.method_text_reference", city=reference_city, first=first, last=last, base=base,
                          a=base, b=base + STEP_YEARS, top=bands[-1], below=bands[-2], threshold=MIN_CELL))
    st.markdown(ui.tr("projection.method_demand", base=base))
