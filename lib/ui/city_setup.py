"""The instructor's section that turns the workbench to the trainees' own city (setup-city in the browser)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from lib import ui
from lib.data.city import CitySetupError, current_city, setup_city
from lib.data.importing import DataImportError

YEAR_CHOICES = [None, 2020, 2015]


def city_setup_section() -> None:
    """Upload an e-Stat 小地域 boundary file, give the city code, and publish the city's layers."""
    st.header(ui.tr("city.section.title"))
    st.caption(ui.tr("city.section.lead"))
    city = current_city()
    st.info(ui.tr("city.section.current", city=f"{city['pref_name']}{city['city_name']}（{city['city_code']}）")
            if city else ui.tr("city.section.demo"))
    uploaded = st.file_uploader(ui.tr("city.section.file"), type=["zip", "geojson", "json"], key="city_file")
    left, right = st.columns(2)
    code = left.text_input(ui.tr("city.section.code"), max_chars=5, key="city_code", placeholder="31201")
    year = right.selectbox(ui.tr("city.section.year"), YEAR_CHOICES, key="city_year",
                           format_func=lambda y: ui.tr("city.section.year_auto") if y is None else str(y))
    if not st.button(ui.tr("city.section.run"), type="primary", disabled=uploaded is None or not code,
                     key="city_run"):
        return
    folder = Path(tempfile.mkdtemp(prefix="workbench-city-"))
    try:
        path = folder / Path(uploaded.name).name
        path.write_bytes(uploaded.getvalue())
        with st.spinner(ui.tr("city.section.running")):
            report = setup_city(path, code, year=year, set_by=ui.actor(), source_name=uploaded.name,
                                store=ui.store())
    except (CitySetupError, DataImportError) as error:
        st.error(error.text(ui.lang()))
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    st.success("\n\n".join(report.lines(ui.lang())))
