"""The instructor's section that adds a map background layer (rivers, railways, stations, main roads,
place names) from a file, as `python -m lib.cli base-layer` does: for the city's own map and pictures."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.data.importing import DataImportError
from lib.maps.base_layers import BaseLayerError, add_base_layer, base_layer_datasets
from lib.maps.layer_kinds import KINDS
from lib.maps.units import city_boundary


def base_layer_section() -> None:
    st.header(ui.tr("base_layer.section.title"))
    st.caption(ui.tr("base_layer.section.lead"))
    left, right = st.columns([2, 1])
    uploaded = left.file_uploader(ui.tr("base_layer.section.file"), type=["zip", "geojson", "json", "gpkg"],
                                  key="base_layer_file")
    kind = right.selectbox(ui.tr("base_layer.section.kind"), KINDS, key="base_layer_kind",
                           format_func=lambda k: ui.tr(f"base_layer.kind.{k}"))
    if st.button(ui.tr("base_layer.section.run"), disabled=uploaded is None, key="base_layer_run"):
        _add(uploaded, kind)
    present = [ds.title_in(ui.lang()) for ds in base_layer_datasets(load_catalog())]
    st.caption(ui.tr("base_layer.section.present", names="、".join(present)) if present
               else ui.tr("base_layer.section.none"))


def _add(uploaded, kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="workbench-base-layer-"))
    path = folder / Path(uploaded.name).name
    path.write_bytes(uploaded.getvalue())
    store = ui.store()
    try:
        with st.spinner(ui.tr("base_layer.section.running")):
            cursor = store.published()
            try:
                city = city_boundary(cursor, load_catalog())
            finally:
                cursor.close()
            kept = add_base_layer(path, kind, city, added_by=ui.actor(), source_name=uploaded.name, store=store)
    except (BaseLayerError, DataImportError) as error:
        st.error(error.text(ui.lang()))
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    st.success(ui.tr("base_layer.added", kind=ui.tr(f"base_layer.kind.{kind}"), count=kept))
