"""The data-prep page's zones step: the city's own 地区 table or zones of adjacent 町丁・字 built to a
minimum of persons, shown on a map before anonymization uses them (lib.data.zones)."""
from __future__ import annotations

import io

import geopandas as gpd
import pandas as pd
import streamlit as st

from lib.data.address_matching import match_addresses
from lib.data.catalog import load_catalog
from lib.data.zones import Zones, ZoneTableError, build_zones, default_min_people, zones_from_table
from lib.maps.units import area_units
from lib.maps.zone_map import zones_map
from lib.ui import lang, store, tr
from lib.ui.analysis_view import show_map

CHOICES = ("none", "build", "upload")


@st.cache_data(show_spinner=False)
def _area_shapes(_fingerprint: str) -> gpd.GeoDataFrame:
    cursor = store().published()
    try:
        units = area_units(cursor, load_catalog())
    finally:
        cursor.close()
    return units.rename(columns={"unit_id": "area_code", "unit_name": "area_name"})[["area_code", "area_name", "geometry"]]


def _read_table(raw: bytes) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return pd.read_csv(io.BytesIO(raw), dtype=str, encoding=encoding)
        except UnicodeDecodeError:
            continue
    raise ZoneTableError("columns", columns="?")


def zones_section(frame: pd.DataFrame, address_column: str, k: int, city_name: str) -> Zones | None:
    """The zones chosen, or None (anonymize on 町丁・字 as before)."""
    st.subheader(tr("zones.title"))
    st.caption(tr("zones.help"))
    choice = st.radio(tr("zones.choice"), CHOICES, key="prep_zone_choice", horizontal=True,
                      format_func=lambda c: tr(f"zones.choice.{c}"))
    if choice == "none":
        return None
    fingerprint = store().published_fingerprint()
    areas = _area_shapes(fingerprint)
    try:
        if choice == "build":
            minimum = st.number_input(tr("zones.min_people"), min_value=int(k), value=default_min_people(int(k)),
                                      key="prep_zone_min", help=tr("zones.min_help", k=int(k)))
            source = None
        else:
            upload = st.file_uploader(tr("zones.upload"), type=["csv"], key="prep_zone_upload")
            if upload is None:
                return None
            minimum, source = None, upload.getvalue()
        # built once per input, not on every rerun of the page (matching and merging take ~1 s on 11,000 rows)
        key = (fingerprint, address_column, city_name, minimum, source,
               int(pd.util.hash_pandas_object(frame[address_column], index=False).sum()))
        cached = st.session_state.get("prep_zone_cache")
        if cached is None or cached[0] != key:
            records = match_addresses(frame[address_column], areas, city_name).values.dropna().value_counts()
            zones = (build_zones(areas, records, int(minimum)) if source is None
                     else zones_from_table(_read_table(source), areas, records))
            st.session_state["prep_zone_cache"] = cached = (key, zones)
        zones = cached[1]
    except ZoneTableError as error:
        st.error(error.text(lang()))
        return None
    people = zones.shapes["people"]
    st.caption(tr("zones.summary", zones=len(zones.shapes), areas=len(areas), low=int(people.min()),
                  high=int(people.max())))
    show_map(zones_map(zones.shapes, lang()), key="prep_zones_map")
    return zones
