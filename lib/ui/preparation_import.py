"""The data page's first step: a file (uploaded, or the practice sample) read, previewed with its column
types and stored in staging; or an import staged before, opened again. The state is the page's Preparation."""
from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import streamlit as st

from lib.data import column_types, staging
from lib.data.import_result import DataImportError
from lib.data.preparation import Preparation
from lib.data.text_encoding import ENCODING_LABELS, ENCODINGS
from lib.settings import REPO_ROOT
from lib.ui import lang, tr

SAMPLE = REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv"
ENCODING_CHOICES = ["auto"] + ENCODINGS


@contextmanager
def _reading():
    """A progress bar while a file is read; the Progress callback to give the reader."""
    bar = st.progress(0.0, text=tr("prep.reading"))
    try:
        yield lambda fraction, _message: bar.progress(min(fraction, 1.0), text=tr("prep.reading"))
    finally:
        bar.empty()


def import_widgets(prep: Preparation) -> tuple[str, dict[str, str]] | None:
    """Step 1; the staging name and the confirmed column types when 保存 is clicked."""
    st.header(tr("prep.step.import"))
    uploaded = st.file_uploader(tr("prep.upload"), type=["csv", "tsv", "txt", "xlsx", "geojson", "json", "zip", "gpkg"],
                                key="prep_upload")
    left, right = st.columns(2)
    encoding = left.selectbox(tr("prep.encoding"), ENCODING_CHOICES, key="prep_encoding",
                              format_func=lambda e: tr("prep.encoding_auto") if e == "auto" else ENCODING_LABELS[e])
    chosen = None if encoding == "auto" else encoding
    if right.button(tr("prep.use_sample"), key="prep_use_sample"):
        with _reading() as progress:
            prep.read(SAMPLE, SAMPLE.name, chosen, progress=progress)
    if uploaded is not None and prep.upload_token != (uploaded.file_id, encoding):
        with _reading() as progress:
            prep.read_upload(uploaded.name, uploaded.getvalue(), (uploaded.file_id, encoding), chosen, progress)
    elif prep.source_path and prep.read_encoding != chosen:  # the encoding was changed: read the same file again
        with _reading() as progress:
            prep.reread(chosen, progress=progress)
    if prep.import_error is not None:
        st.error(prep.import_error.text(lang()))
    result = prep.imported
    if result is None:
        return None
    if result.sheets and len(result.sheets) > 1:
        sheet = st.selectbox(tr("prep.sheet"), result.sheets, index=result.sheets.index(result.sheet), key="prep_sheet")
        if sheet != result.sheet:
            with _reading() as progress:
                prep.reread(chosen, sheet, progress)
            st.rerun()
    summary = result.summary(lang())
    st.info(tr("prep.detected", name=result.source_name, rows=summary["rows"], columns=len(summary["columns"]),
               encoding=ENCODING_LABELS.get(result.encoding or "", result.encoding or "—"),
               detected=ENCODING_LABELS.get(result.detected_encoding or "", result.detected_encoding or "—")))
    for warning in summary["warnings"]:
        st.warning(warning)
    st.dataframe(pd.DataFrame(result.frame.drop(columns="geometry") if result.is_geo else result.frame).head(20),
                 hide_index=True)
    types = _types_editor(result, summary)
    for column, lost in column_types.conversion_losses(result.frame, types).items():
        st.warning(tr("prep.type_loss", column=column, n=lost))
    name = st.text_input(
        tr("prep.staging_name"), value=staging.suggest_name(result.source_name), key="prep_staging_name"
    )
    return (name, types) if st.button(tr("prep.store"), key="prep_store", type="primary") else None


def _types_editor(result, summary: dict) -> dict[str, str]:
    st.subheader(tr("prep.types"))
    type_of_label = {tr(f"type.{kind}"): kind for kind in column_types.EDITABLE_TYPES}
    table = pd.DataFrame({"column": summary["columns"],
                          "type": [tr(f"type.{summary['types'][c]}") for c in summary["columns"]]})
    edited = st.data_editor(
        table, hide_index=True, disabled=["column"], key="prep_types_editor",
        column_config={"column": tr("prep.column"),
                       "type": st.column_config.SelectboxColumn(tr("prep.type"), options=list(type_of_label),
                                                                required=True)})
    return {column: type_of_label.get(label, summary["types"][column])
            for column, label in zip(edited["column"], edited["type"], strict=True)}


def staged_widgets(prep: Preparation) -> None:
    """Imports staged before: a list, and one opened to work on."""
    try:
        staged = staging.staged_imports()
    except DataImportError as error:  # another worker is importing this moment
        st.warning(error.text(lang()))
        return
    if staged.empty:
        return
    names = staged["name"].tolist()
    with st.expander(tr("prep.staged", n=len(names))):
        st.dataframe(staged[["name", "source", "rows", "imported_at"]].rename(columns={
            "name": tr("prep.staging_name"), "source": tr("prep.source"), "rows": tr("prep.rows"),
            "imported_at": tr("prep.imported_at")}), hide_index=True)
        choice = st.selectbox(tr("prep.staged_pick"), names, key="prep_staged_pick")
        if st.button(tr("prep.staged_open"), key="prep_staged_open"):
            try:
                prep.open_staged(choice)
            except DataImportError as error:
                st.warning(error.text(lang()))
