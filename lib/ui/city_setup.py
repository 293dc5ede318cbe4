"""The instructor's sections that turn the workbench to the trainees' own city (setup-city in the browser)
and publish the city's projection by the national institute (ipss-projection in the browser)."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from lib import ui
from lib.data.census_tables import CensusTableError
from lib.data.city import CitySetupError, setup_city
from lib.data.city_file import city_list, current_city
from lib.data.facility_lists import MAPPED_FIELDS, FacilityListError
from lib.data.importing import DataImportError
from lib.data.ipss_projection import IpssProjectionError, publish_ipss_projection
from lib.data.population_layouts import PopulationLayoutError
from lib.ui.city_choice import city_totals_table

YEAR_CHOICES = [None, 2020, 2015]


def city_setup_section() -> None:
    """Upload an e-Stat 小地域 boundary file, give the city code, and publish the city's layers."""
    st.header(ui.tr("city.section.title"))
    st.caption(ui.tr("city.section.lead"))
    cities = city_list()
    st.info(ui.tr("city.section.current", city="、".join(f"{c['pref_name']}{c['city_name']}（{c['city_code']}）"
                                                         for c in cities)) if cities else ui.tr("city.section.demo"))
    if cities:
        cursor = ui.store().published()
        try:
            city_totals_table(cursor)
        finally:
            cursor.close()
        st.caption(ui.tr("city.section.add_city"))
    uploaded = st.file_uploader(ui.tr("city.section.file"), type=["zip", "geojson", "json"], key="city_file",
                                accept_multiple_files=True)
    population = st.file_uploader(ui.tr("city.section.population"), type=["csv", "tsv", "txt", "xlsx"],
                                  key="city_population", accept_multiple_files=True)
    census = st.file_uploader(ui.tr("city.section.census"), type=["csv", "txt"], key="city_census")
    households = st.file_uploader(ui.tr("city.section.households"), type=["csv", "txt"], key="city_households")
    facilities = st.file_uploader(ui.tr("city.section.facilities"), type=["csv", "tsv", "txt", "xlsx"],
                                  accept_multiple_files=True, key="city_facilities")
    with st.expander(ui.tr("city.section.columns"), expanded=False):
        st.caption(ui.tr("city.section.columns_lead"))
        boxes = st.columns(len(MAPPED_FIELDS))
        facility_columns = {field: box.text_input(ui.tr(f"city.section.column.{field}"), key=f"city_column_{field}")
                            .strip() for field, box in zip(MAPPED_FIELDS, boxes, strict=True)}
    left, right = st.columns(2)
    code = left.text_input(ui.tr("city.section.code"), key="city_code", placeholder="31201",
                           value=", ".join(c["city_code"] for c in cities))
    year = right.selectbox(ui.tr("city.section.year"), YEAR_CHOICES, key="city_year",
                           format_func=lambda y: ui.tr("city.section.year_auto") if y is None else str(y))
    if not st.button(ui.tr("city.section.run"), type="primary", disabled=not uploaded or not code.strip(),
                     key="city_run"):
        return
    folder = Path(tempfile.mkdtemp(prefix="workbench-city-"))

    def saved(upload, n: int) -> Path:  # numbered folders: two uploads may share a name
        path = folder / str(n) / Path(upload.name).name
        path.parent.mkdir()
        path.write_bytes(upload.getvalue())
        return path

    try:
        with st.spinner(ui.tr("city.section.running")):
            report = setup_city(
                [saved(f, 10 + i) for i, f in enumerate(uploaded)], re.split(r"[\s,、，]+", code.strip()), year=year,
                set_by=ui.actor(), source_name=[f.name for f in uploaded], store=ui.store(),
                population=[saved(f, 100 + i) for i, f in enumerate(population or [])] or None,
                population_name=[f.name for f in population or []] or None,
                census=saved(census, 2) if census else None, census_name=census.name if census else None,
                households=saved(households, 3) if households else None,
                households_name=households.name if households else None,
                facilities=[saved(f, i + 200) for i, f in enumerate(facilities or [])],
                facility_names=[f.name for f in facilities or []],
                facility_columns={field: column for field, column in facility_columns.items() if column})
    except (CitySetupError, DataImportError, PopulationLayoutError, FacilityListError, CensusTableError) as error:
        st.error(error.text(ui.lang()))
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    st.success("\n\n".join(report.lines(ui.lang())))


def ipss_section() -> None:
    """Upload IPSS's 「日本の地域別将来推計人口」 file as published, and publish the city's projection.

    Here, not on the projection page: it is the same public statistic for every group, read once, and
    published data is what saved evidence, exports and every PC of the room can draw again."""
    st.header(ui.tr("ipss.section.title"))
    st.caption(ui.tr("ipss.section.lead"))
    city = current_city()
    uploaded = st.file_uploader(ui.tr("ipss.section.file"), type=["xlsx", "csv"], key="ipss_file")
    cities = {c["city_code"]: c["city_name"] for c in city_list()}
    if len(cities) > 1:  # a joint course: each municipality's projection is published in turn, beside the others'
        code = st.selectbox(ui.tr("ipss.section.joint_city"), list(cities), key="ipss_code",
                            format_func=lambda c: f"{cities[c]}（{c}）")
    else:
        code = st.text_input(ui.tr("ipss.section.code"), value=city["city_code"] if city else "", max_chars=5,
                             key="ipss_code", placeholder="31201")
    if not st.button(ui.tr("ipss.section.run"), type="primary", disabled=uploaded is None, key="ipss_run"):
        return
    folder = Path(tempfile.mkdtemp(prefix="workbench-ipss-"))
    path = folder / Path(uploaded.name).name
    path.write_bytes(uploaded.getvalue())
    try:
        with st.spinner(ui.tr("ipss.section.running")):
            report = publish_ipss_projection(path, code.strip() or None, published_by=ui.actor(),
                                             source_name=uploaded.name, store=ui.store(),
                                             course_cities=list(cities))
    except (IpssProjectionError, DataImportError) as error:
        st.error(error.text(ui.lang()))
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    st.success("\n\n".join(report.lines(ui.lang())))
