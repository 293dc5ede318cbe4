"""地図: pick what to map in a few clicks; analyses, click-to-inspect, downloads, saving."""
import json

import streamlit as st
from streamlit_folium import st_folium

from lib import settings, ui
from lib.data.catalog import load_catalog
from lib.data.query import Filter, distinct_values
from lib.maps import data as map_data
from lib.maps import export as map_export
from lib.maps.measures import preset_measures
from lib.maps.queries import MapDataError, snapshot_year_column
from lib.maps.render import render_compare_map, render_map
from lib.maps.spec import (
    CLASSIFY_METHODS,
    PALETTES,
    CatchmentSpec,
    ClassificationSpec,
    CompareSpec,
    MapSpec,
    MapSpecError,
    MeasureSpec,
    NearestSpec,
    PointLayerSpec,
    parse_breaks,
)
from lib.maps.units import city_name
from lib.ui import derived
from lib.ui.analysis_controls import download_row
from lib.ui.city_choice import city_choice
from lib.ui.evidence_form import evidence_form
from lib.ui.map_units import unit_choice
from lib.ui.user_text import literal

lang = ui.lang()
catalog = load_catalog()
cursor = ui.store().published()
st.title(ui.tr("page.map"))
st.write(ui.tr("map.page.lead"))
if city := city_name(cursor, catalog):
    st.caption(ui.tr("map.page.city", city=city))


def build(spec: MapSpec):
    """Data (figures cached, words added) and fresh folium maps: a folium map rendered twice by
    st_folium draws 0 px high."""
    data = derived.map_data_for(spec, lang)
    second = render_compare_map(data, lang) if spec.compare and spec.compare.mode == "side_by_side" else None
    return data, render_map(data, lang), second


presets = preset_measures(cursor, catalog)
# Places of the made-up demo city are not offered on a real city's map (they would lie elsewhere).
place_datasets = {name for name in ("facilities", "kayoi_places")
                  if name in catalog and not catalog[name].demo_on_real_city}
facility_categories = (distinct_values(cursor, catalog, "facilities", "category")
                       if "facilities" in place_datasets else [])

# --- 1. what to map -------------------------------------------------------------
st.subheader(ui.tr("map.step.measure"))
shown_city = city_choice("map_city")  # a joint course: the group's municipality first, or all of them
c1, c2 = st.columns([2, 1])
unit = unit_choice(c2, catalog)  # 町丁目, a mesh, or the zones a published dataset was anonymized to
presets = unit.presets(presets)
choices = list(presets) + ["map.preset.custom", "map.preset.none"]
choice = c1.selectbox(ui.tr("map.measure.choose"), choices, format_func=unit.label, key=unit.measure_key)
measure = presets.get(choice)
if choice == "map.preset.custom":
    mappable = [n for n, ds in catalog.items() if not ds.demo_on_real_city
                and (ds.columns_with_role("area") or ds.columns_with_role("mesh") or n == unit.zones)]
    d1, d2, d3, d4 = st.columns(4)
    name = d1.selectbox(ui.tr("map.custom.dataset"), mappable,
                        format_func=lambda n: catalog[n].title_in(lang), key="map_custom_dataset")
    ds = catalog[name]
    numeric = [None] + [c.name for c in ds.data_columns if c.is_numeric and c.role not in ("year",)]
    column = d2.selectbox(ui.tr("map.custom.column"), numeric, key="map_custom_column",
                          format_func=lambda c: ui.tr("map.custom.count") if c is None else ds.column(c).label_in(lang))
    normalize = d3.selectbox(ui.tr("map.custom.normalize"), ["population", "elderly", "area_km2", "none"],
                             format_func=lambda v: ui.tr(f"map.normalize.{v}"), key="map_custom_normalize")
    per = d4.selectbox(ui.tr("map.custom.per"), [1000, 100, 10000, 1], key="map_custom_per",
                       format_func=lambda v: ui.tr(f"map.per_choice.{v}"), disabled=normalize in ("none", "area_km2"))
    filters = []
    year_col = snapshot_year_column(ds)
    if year_col:
        years = distinct_values(cursor, catalog, name, year_col)
        year = st.select_slider(ui.tr("map.custom.year"), years, value=years[-1], key=f"map_year_{name}")
        filters.append(Filter(year_col, "in", [year]))
    measure = MeasureSpec(name, column, filters, normalize, 1 if normalize in ("none", "area_km2") else per)

# --- 2. places on top -----------------------------------------------------------
st.subheader(ui.tr("map.step.points"))
p1, p2, p3 = st.columns([3, 1, 1])
chosen_categories = p1.multiselect(ui.tr("map.points.facilities"), facility_categories, key="map_facilities",
                                   placeholder=ui.tr("map.points.placeholder"), select_all=False)
show_kayoi = p2.checkbox(ui.tr("map.points.kayoi"), key="map_kayoi") if "kayoi_places" in place_datasets else False
heat = p2.checkbox(ui.tr("map.points.heat"), key="map_heat")
labels = p3.checkbox(ui.tr("map.labels"), key="map_labels", value=False)
tiles = p3.checkbox(ui.tr("map.tiles"), key="map_tiles", disabled=not settings.TILE_URL,
                    help=ui.tr("map.tiles.help") if settings.TILE_URL else ui.tr("map.tiles.none"))
points = []
if chosen_categories:
    points.append(PointLayerSpec("facilities", "category", chosen_categories, heat=heat))
if show_kayoi:
    points.append(PointLayerSpec("kayoi_places", heat=heat and not chosen_categories))

with st.expander(ui.tr("map.classify.title")):
    k1, k2, k3 = st.columns(3)
    method = k1.selectbox(ui.tr("map.classify.method"), CLASSIFY_METHODS,
                          format_func=lambda m: ui.tr(f"map.method.{m}"), key="map_method")
    k = k2.slider(ui.tr("map.classify.k"), 2, 9, 5, key="map_k", disabled=method == "user")
    palette = k3.selectbox(ui.tr("map.classify.palette"), PALETTES, key="map_palette")
    breaks: list[float] = []
    if method == "user":
        raw = st.text_input(ui.tr("map.classify.breaks"), "10, 20, 30", key="map_breaks")
        try:
            breaks = parse_breaks(raw)
        except MapSpecError as error:
            st.error(error.text(lang))
    st.caption(ui.tr("map.classify.help"))

# The map comes next on the page, but is drawn once the analysis settings below are read.
map_area = st.container()

# --- 3. analyses ------------------------------------------------------------------
st.subheader(ui.tr("map.step.analyses"))
tabs = st.tabs([ui.tr("map.analysis.catchment"), ui.tr("map.analysis.nearest"), ui.tr("map.analysis.counts"),
                ui.tr("map.analysis.flood"), ui.tr("map.analysis.compare")])
place_options = {"kayoi_places": None} if "kayoi_places" in place_datasets else {}
place_options.update({f"facilities:{c}": c for c in facility_categories})


def place_label(key: str) -> str:
    return ui.tr("map.points.kayoi") if key == "kayoi_places" else place_options[key]


def place_layer(key: str) -> PointLayerSpec:
    if key == "kayoi_places":
        return PointLayerSpec("kayoi_places")
    return PointLayerSpec("facilities", "category", [place_options[key]])


with tabs[0]:
    st.caption(ui.tr("map.analysis.catchment.help"))
    a1, a2, a3 = st.columns([1, 2, 2])
    use_catchment = a1.checkbox(ui.tr("map.analysis.on"), key="map_catchment_on")
    catchment_place = a2.selectbox(ui.tr("map.analysis.around"), list(place_options), format_func=place_label,
                                   key="map_catchment_place")
    radius = a3.select_slider(ui.tr("map.analysis.radius"), [250, 300, 500, 800, 1000, 1500, 2000], 500,
                              key="map_catchment_radius")
    catchment_box = st.container()
with tabs[1]:
    st.caption(ui.tr("map.analysis.nearest.help"))
    b1, b2 = st.columns([1, 3])
    use_nearest = b1.checkbox(ui.tr("map.analysis.on"), key="map_nearest_on")
    nearest_place = b2.selectbox(ui.tr("map.analysis.to"), list(place_options), format_func=place_label,
                                 key="map_nearest_place")
    nearest_box = st.container()
with tabs[2]:
    st.caption(ui.tr("map.analysis.counts.help"))
    c1, c2 = st.columns([1, 3])
    use_counts = c1.checkbox(ui.tr("map.analysis.on"), key="map_counts_on")
    counts_place = c2.selectbox(ui.tr("map.analysis.count_what"), list(place_options), format_func=place_label,
                                key="map_counts_place")
    counts_box = st.container()
with tabs[3]:
    st.caption(ui.tr("map.analysis.flood.help"))
    demo_flood = "flood_zones" in catalog and catalog["flood_zones"].demo_on_real_city
    if demo_flood:
        st.info(ui.tr("map.error.flood_demo_only"))
    use_flood = st.checkbox(ui.tr("map.analysis.on"), key="map_flood_on",
                            disabled="flood_zones" not in catalog or demo_flood)
    flood_box = st.container()
with tabs[4]:
    st.caption(ui.tr("map.analysis.compare.help"))
    e1, e2, e3 = st.columns([1, 2, 2])
    use_compare = e1.checkbox(ui.tr("map.analysis.on"), key="map_compare_on")
    compare_choice = e2.selectbox(ui.tr("map.analysis.compare_with"), list(presets), format_func=unit.label,
                                  index=min(1, len(presets) - 1), key="map_compare_measure")
    compare_mode = e3.radio(ui.tr("map.analysis.compare_mode"), ["symbols", "side_by_side"],
                            format_func=lambda m: ui.tr(f"map.compare.{m}"), key="map_compare_mode")
    compare_box = st.container()

spec = MapSpec(
    base_unit=unit.unit, zones=unit.zones, measure=measure,
    classification=ClassificationSpec(method, k, breaks, palette),
    points=points, labels=labels, background_tiles=bool(tiles),
    catchment=CatchmentSpec(place_layer(catchment_place), radius) if use_catchment and place_options else None,
    nearest=NearestSpec(place_layer(nearest_place)) if use_nearest and place_options else None,
    point_counts=place_layer(counts_place) if use_counts and place_options else None,
    flood_overlay=use_flood,
    compare=CompareSpec(presets[compare_choice], compare_mode) if use_compare and measure is not None else None,
    city=shown_city,
)
if use_compare and measure is None:
    compare_box.info(ui.tr("map.spec.compare_without_measure"))
# Circles and distances are easier to read with their places shown.
for used, place in ((use_catchment, catchment_place), (use_nearest, nearest_place)):
    layer = PointLayerSpec(**{**place_layer(place).__dict__, "cluster": "off"}) if used and place_options else None
    if layer is not None and layer not in spec.points:
        spec.points.append(layer)


def draw(spec: MapSpec, key: str):
    """Validate, build and show one map with its side panel; returns the MapData (or None)."""
    try:
        data, fmap, second = build(spec)
    except MapSpecError as error:
        for problem in error.texts(lang):
            st.error(problem)
        return None
    except MapDataError as error:
        st.error(error.text(lang))
        return None
    except Exception as error:  # noqa: BLE001 - a sentence for the user; the detail for the instructor
        st.error(ui.tr("map.error.failed"))
        with st.expander(ui.tr("map.error.details")):
            st.code(f"{type(error).__name__}: {error}", language=None)
        return None
    for warning in data.warnings:
        st.warning(warning)
    map_col, panel = st.columns([3, 1])
    with map_col:
        result = st_folium(fmap, height=560, use_container_width=True, key=key,
                           returned_objects=["last_active_drawing"])
        if second is not None:
            st.caption(ui.tr("map.compare.second_map", label=data.compare_label))
            st_folium(second, height=460, use_container_width=True, key=key + "_second", returned_objects=[])
    with panel:
        show_unit_panel(data, (result or {}).get("last_active_drawing"))
    for note in data.notes:
        st.caption("ℹ️ " + note)
    return data


def show_unit_panel(data, clicked):
    st.markdown(f"**{ui.tr('map.panel.title')}**")
    row = data.clicked_unit(clicked)
    if row is None:
        st.caption(ui.tr("map.panel.hint"))
        return
    st.markdown("### " + literal(row['unit_name']))
    if row["suppressed"]:
        st.info(ui.tr("map.legend.suppressed", threshold=map_data.PUBLICATION_THRESHOLD))
        return
    st.metric(ui.tr("map.table.population"), f"{row['population']:,.0f}")
    st.metric(ui.tr("map.table.ageing_rate"), f"{row['ageing_rate']:.1f}")
    shows_ageing = data.spec.measure is not None and data.spec.measure.label == "indicator.ageing_rate"
    if data.value_label and not shows_ageing and "value" in row and row["value"] == row["value"]:
        st.metric(data.value_label, f"{row['value']:,.1f} {data.value_unit}".strip())
    if data.compare_label and row.get("compare_value") == row.get("compare_value"):
        st.metric(data.compare_label, f"{row['compare_value']:,.1f} {data.compare_unit}".strip())
    for column, key, fmt in (("nearest_m", "map.panel.nearest", "{:,.0f} m"),
                             ("catchment_share", "map.panel.catchment", "{:.0%}"),
                             ("flood_share", "map.panel.flood", "{:.0%}"),
                             ("point_count", "map.panel.count", "{:,.0f}")):
        if column in row and row[column] == row[column]:
            st.metric(ui.tr(key), fmt.format(row[column]))


with map_area:
    data = draw(spec, "map_main")

if data is not None:
    # --- analysis results, in plain words ----------------------------------------
    if data.catchment is not None:
        with catchment_box:
            c = data.catchment
            m1, m2 = st.columns(2)
            m1.metric(ui.tr("map.result.population_inside"), f"{c.population:,.0f}")
            m1.caption(ui.tr("map.result.share", share=f"{c.population_share:.1%}"))
            m2.metric(ui.tr("map.result.elderly_inside"), f"{c.elderly_65plus:,.0f}")
            m2.caption(ui.tr("map.result.share_elderly", share=f"{c.elderly_share:.1%}"))
            st.info(ui.tr("map.result.apportioned"))
            per_place = c.circles.drop(columns="geometry")
            show = [col for col in ("name", "population", "elderly_65plus") if col in per_place]
            st.dataframe(per_place[show].round(0).rename(columns={
                "name": ui.tr("map.table.unit_name"), "population": ui.tr("map.result.population_circle"),
                "elderly_65plus": ui.tr("map.result.elderly_circle")}), hide_index=True, width="stretch")
    nearest = data.nearest_summary()
    if nearest is not None:
        with nearest_box:
            n1, n2, n3 = st.columns(3)
            n1.metric(ui.tr("map.result.nearest_median"), f"{nearest.median_m:,.0f} m")
            n2.metric(ui.tr("map.result.nearest_max"), f"{nearest.max_m:,.0f} m")
            n3.metric(ui.tr("map.result.nearest_far"), f"{nearest.elderly_far:,.0f}")
    without = data.units_without_points()
    if without is not None:
        with counts_box:
            st.metric(ui.tr("map.result.units_without"), f"{without} / {len(data.units)}")
    if data.flood is not None:
        with flood_box:
            f = data.flood
            f1, f2, f3 = st.columns(3)
            f1.metric(ui.tr("map.result.population_inside"), f"{f.population:,.0f}")
            f1.caption(ui.tr("map.result.share", share=f"{f.population_share:.1%}"))
            f2.metric(ui.tr("map.result.elderly_inside"), f"{f.elderly_65plus:,.0f}")
            f2.caption(ui.tr("map.result.share_elderly", share=f"{f.elderly_share:.1%}"))
            f3.metric(ui.tr("map.result.facilities_inside"), len(f.facilities_inside))
            st.info(ui.tr("map.result.apportioned"))
            if not f.facilities_inside.empty:
                st.dataframe(map_data.labelled_facilities(f.facilities_inside, catalog, lang), hide_index=True,
                             width="stretch")

    # --- table and downloads -------------------------------------------------
    st.subheader(ui.tr("map.step.export"))
    table = map_export.map_table(data, lang)
    with st.expander(ui.tr("map.export.table")):
        st.dataframe(table, hide_index=True, width="stretch")
    download_row(table, "map", "map_dl_", title=data.value_label or None)
    x1, x4 = st.columns(2)
    # Built when clicked (without running the page again): rendering the map for the HTML was the page's largest cost.
    x1.download_button(ui.tr("map.export.html"), lambda: map_export.map_html(render_map(data, lang)),
                       "map.html", "text/html", key="map_dl_html", on_click="ignore")
    png_key = "map_png_" + json.dumps(spec.to_dict(), sort_keys=True, ensure_ascii=False)
    if x4.button(ui.tr("map.export.png_make"), key="map_png_make"):
        with st.spinner(ui.tr("map.export.png_wait")):
            st.session_state[png_key] = map_export.map_png(data, lang)
    if png_key in st.session_state:
        x4.download_button(ui.tr("map.export.png"), st.session_state[png_key], "map.png", "image/png",
                           key="map_dl_png")

    # --- save as evidence --------------------------------------------------------
    st.subheader(ui.tr("map.step.save"))
    evidence_form("map_save", "map", lambda title, shown=spec.to_dict(): {**shown, "title": title},
                  default_title="", title_label=ui.tr("map.save.title"),
                  note_label=ui.tr("map.save.note"), title_value=data.value_label,
                  note_placeholder=ui.tr("map.save.note_hint"), button=ui.tr("map.save.button"),
                  listed_here=ui.tr("map.saved.list"), name_title=True, title_required=True,
                  missing_title=ui.tr("map.save.need_title"))

saved = ui.saved_evidence("map")
if saved:
    with st.expander(ui.tr("map.saved.title", n=len(saved))):
        index = st.selectbox(ui.tr("map.saved.choose"), range(len(saved)), key="map_saved_choice",
                             format_func=lambda i: f"{saved[i]['title']}（{saved[i]['saved_at']}）")
        item = saved[index]
        if item["note"]:
            st.markdown(literal(item["note"]))
        try:
            draw(MapSpec.from_dict(item["spec"]), "map_saved")
        except (TypeError, KeyError, ValueError):
            st.error(ui.tr("map.saved.broken"))
