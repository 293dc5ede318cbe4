"""The data-prep page's zones step: the city's own 地区 table or zones of adjacent 町丁・字 built to a
minimum of persons, shown on a map before anonymization uses them (lib.data.zones)."""
from __future__ import annotations

import streamlit as st

from lib.data.city_areas import CityAreas
from lib.data.preparation import Preparation
from lib.data.recipe import ZONINGS
from lib.data.zones import ZoneTableError, default_min_people, read_zone_table
from lib.maps.zone_map import zones_map
from lib.ui import lang, tr
from lib.ui.analysis_view import show_map


def zones_section(prep: Preparation, areas: CityAreas) -> None:
    """The zones chosen go to the preparation (none: anonymize on 町丁・字 as before)."""
    st.subheader(tr("zones.title"))
    st.caption(tr("zones.help"))
    choice = st.radio(tr("zones.choice"), ZONINGS, key="prep_zone_choice", horizontal=True,
                      format_func=lambda c: tr(f"zones.choice.{c}"))
    k = prep.recipe.k
    try:
        if choice == "build":
            minimum = st.number_input(tr("zones.min_people"), min_value=k, value=default_min_people(k),
                                      key="prep_zone_min", help=tr("zones.min_help", k=k))
            zones = prep.choose_zones("build", areas, min_people=int(minimum))
        elif choice == "upload":
            upload = st.file_uploader(tr("zones.upload"), type=["csv"], key="prep_zone_upload")
            zones = prep.choose_zones("upload", areas, table=read_zone_table(upload.getvalue()) if upload else None)
        else:
            zones = prep.choose_zones("none", areas)
    except ZoneTableError as error:
        prep.choose_zones("none", areas)
        st.error(error.text(lang()))
        return
    if zones is None:
        return
    people = zones.shapes["people"]
    st.caption(tr("zones.summary", zones=len(zones.shapes), areas=len(zones.table), low=int(people.min()),
                  high=int(people.max())))
    show_map(zones_map(zones.shapes, lang()), key="prep_zones_map")
