"""地図: pick what to map in a few clicks; analyses, click-to-inspect, downloads, saving.

The settings' widgets are lib/ui/map_controls.py (what to map, places, classes) and lib/ui/map_analyses.py
(the analyses and their results); the map and its panel lib/ui/map_view.py."""
import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.ui import derived
from lib.ui.evidence_form import evidence_form
from lib.ui.map_analyses import MapAnalyses
from lib.ui.map_controls import MapControls
from lib.ui.map_downloads import map_downloads
from lib.ui.map_view import draw_map, saved_maps

catalog = load_catalog()
cursor = ui.store().published()
st.title(ui.tr("page.map"))
st.write(ui.tr("map.page.lead"))
if city := derived.map_choices().city:
    st.caption(ui.tr("map.page.city", city=city))

controls = MapControls(cursor, catalog)
st.subheader(ui.tr("map.step.measure"))
controls.what_to_map()
st.subheader(ui.tr("map.step.points"))
controls.places_on_top()
controls.classes()

# The map comes next on the page, but is drawn once the analysis settings below are read.
map_area = st.container()

st.subheader(ui.tr("map.step.analyses"))
analyses = MapAnalyses(controls)
analyses.settings()
spec = controls.spec(analyses.spec_fields(), analyses.places_shown())

with map_area:
    data = draw_map(spec, "map_main")

if data is not None:
    analyses.show_results(data)
    st.subheader(ui.tr("map.step.export"))
    map_downloads(data, spec)
    st.subheader(ui.tr("map.step.save"))
    evidence_form("map_save", "map", lambda title: {**spec.to_dict(), "title": title},
                  default_title="", title_label=ui.tr("map.save.title"),
                  note_label=ui.tr("map.save.note"), title_value=data.value_label,
                  note_placeholder=ui.tr("map.save.note_hint"), button=ui.tr("map.save.button"),
                  listed_here=ui.tr("map.saved.list"), name_title=True, title_required=True,
                  missing_title=ui.tr("map.save.need_title"))

saved_maps()
