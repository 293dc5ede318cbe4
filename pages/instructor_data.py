"""データ準備 (instructor): import → preview → clean → classify → anonymize → risk report → publish.

The workflow is a lib.data.preparation.Preparation under one session key ("prep"); this page lays out
its steps (their widgets are in lib/ui/preparation_*.py) and runs the slow ones behind a spinner.
"""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.data.import_result import DataImportError
from lib.data.publishing import PublishError
from lib.ui import preparation_steps as steps
from lib.ui.base_layer_upload import base_layer_section
from lib.ui.city_setup import city_setup_section, ipss_section
from lib.ui.preparation_import import import_widgets, staged_widgets
from lib.ui.publication_manager import manage_section
from lib.workspace import course

ui.require_instructor()
lang = ui.lang()
prep = steps.preparation(course.current_municipality(ui.workspace()))

st.title(ui.tr("prep.title"))
st.caption(ui.tr("prep.lead"))


def import_step() -> None:
    chosen = import_widgets(prep)
    if chosen:
        name, types = chosen
        try:
            with st.spinner(ui.tr("wait.import")):
                prep.store_import(name, types)
        except DataImportError as error:
            st.error(error.text(lang))
        else:
            st.success(ui.tr("prep.stored", name=name))
    staged_widgets(prep)


def anonymize_step(areas) -> None:
    st.header(ui.tr("prep.step.report"))
    if st.button(ui.tr("prep.run"), key="prep_run", type="primary"):
        try:
            with st.spinner(ui.tr("wait.anonymize")):
                prep.anonymize(areas)
        except (ValueError, KeyError):
            st.error(ui.tr("prep.run_failed"))
            return
    if prep.anonymized:
        steps.report_widgets(prep.anonymized)
        publish_step()


def publish_step() -> None:
    st.header(ui.tr("prep.step.publish"))
    chosen = steps.publication_widgets(prep)
    if chosen:
        try:
            with st.spinner(ui.tr("wait.publish")):
                prep.publish(**chosen)
        except PublishError as error:
            st.error(error.text(lang))
        else:
            st.success(ui.tr("prep.published", name=chosen["name"]))
    if prep.published:
        steps.recipe_download(prep)


prepare_tab, manage_tab, city_tab = st.tabs([ui.tr("prep.tab.prepare"), ui.tr("prep.tab.manage"), ui.tr("city.tab")])
with prepare_tab:
    import_step()
    if prep.frame is not None:
        areas = steps.city_areas()
        st.divider()
        st.caption(ui.tr("prep.working", name=prep.name, rows=len(prep.frame)))
        steps.cleaning_widgets(prep, areas)
        prep.classify(steps.classification_widgets(prep))
        steps.plan_widgets(prep, areas)
        anonymize_step(areas)
with manage_tab:
    manage_section()
with city_tab:
    city_setup_section()
    st.divider()
    ipss_section()
    st.divider()
    base_layer_section()
