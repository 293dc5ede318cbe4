"""データ準備 (instructor): import → preview → clean → classify → anonymize → risk report → publish."""
from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import settings, ui
from lib.data import anonymize, column_types, generalization_presets, jp_cleaning, publishing, small_cells, staging
from lib.data.catalog import load_catalog
from lib.data.dictionary_edits import dictionary_changes
from lib.data.import_result import DataImportError, ImportResult
from lib.data.import_worker import read_file_guarded
from lib.data.text_encoding import ENCODING_LABELS, ENCODINGS
from lib.data.zones import with_zones, zone_layer
from lib.deck.evidence import dependants
from lib.settings import REPO_ROOT
from lib.table_export import csv_bytes
from lib.ui.city_setup import city_setup_section
from lib.ui.user_text import literal
from lib.ui.zone_panel import zones_section
from lib.workspace import course

ui.require_instructor()
lang = ui.lang()
state = st.session_state
SAMPLE = REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv"
ENCODING_CHOICES = ["auto"] + ENCODINGS
city_name = course.current_municipality(ui.workspace())

st.title(ui.tr("prep.title"))
st.caption(ui.tr("prep.lead"))


@st.cache_data(show_spinner=False)
def area_table() -> pd.DataFrame:
    cursor = ui.store().published()
    try:
        return cursor.execute("SELECT area_code, area_name, district FROM areas").df()
    finally:
        cursor.close()


def read_into_state(path: Path, shown_name: str, encoding: str | None, sheet: str | None) -> None:
    state["prep_source"] = (str(path), shown_name)
    state["prep_read_encoding"] = encoding
    bar = st.progress(0.0, text=ui.tr("prep.reading"))
    try:
        result = read_file_guarded(path, encoding=encoding, sheet=sheet, source_name=shown_name,
                                   progress=lambda f, _m: bar.progress(min(f, 1.0), text=ui.tr("prep.reading")))
    except DataImportError as error:
        state.pop("prep_result", None)
        state["prep_error"] = error
        return
    finally:
        bar.empty()
    state.pop("prep_error", None)
    state["prep_result"] = result


def step_import() -> None:
    st.header(ui.tr("prep.step.import"))
    uploaded = st.file_uploader(ui.tr("prep.upload"), type=["csv", "tsv", "txt", "xlsx", "geojson", "json", "zip", "gpkg"],
                                key="prep_upload")
    left, right = st.columns(2)
    encoding = left.selectbox(ui.tr("prep.encoding"), ENCODING_CHOICES, key="prep_encoding",
                              format_func=lambda e: ui.tr("prep.encoding_auto") if e == "auto"
                              else ENCODING_LABELS[e])
    chosen_encoding = None if encoding == "auto" else encoding
    if right.button(ui.tr("prep.use_sample"), key="prep_use_sample"):
        read_into_state(SAMPLE, SAMPLE.name, chosen_encoding, None)
    if uploaded is not None and state.get("prep_uploaded_id") != (uploaded.file_id, encoding):
        if state.get("prep_upload_dir"):  # the previous upload's copy is no longer needed
            shutil.rmtree(state["prep_upload_dir"], ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix="workbench-upload-"))
        state["prep_upload_dir"] = str(folder)
        path = folder / Path(uploaded.name).name
        path.write_bytes(uploaded.getvalue())
        state["prep_uploaded_id"] = (uploaded.file_id, encoding)
        read_into_state(path, uploaded.name, chosen_encoding, None)
    elif state.get("prep_source") and state.get("prep_read_encoding", None) != chosen_encoding:
        source, shown = state["prep_source"]  # the encoding was changed: read the same file again
        read_into_state(Path(source), shown, chosen_encoding, None)
    if state.get("prep_error") is not None:
        st.error(state["prep_error"].text(lang))
    result: ImportResult | None = state.get("prep_result")
    if result is None:
        return
    if result.sheets and len(result.sheets) > 1:
        sheet = st.selectbox(ui.tr("prep.sheet"), result.sheets, index=result.sheets.index(result.sheet),
                             key="prep_sheet")
        if sheet != result.sheet:
            read_into_state(Path(state["prep_source"][0]), state["prep_source"][1], chosen_encoding, sheet)
            st.rerun()
    summary = result.summary(lang)
    st.info(ui.tr("prep.detected", name=result.source_name, rows=summary["rows"], columns=len(summary["columns"]),
                  encoding=ENCODING_LABELS.get(result.encoding or "", result.encoding or "—"),
                  detected=ENCODING_LABELS.get(result.detected_encoding or "", result.detected_encoding or "—")))
    for warning in summary["warnings"]:
        st.warning(warning)
    preview = pd.DataFrame(result.frame.drop(columns="geometry") if result.is_geo else result.frame).head(20)
    st.dataframe(preview, hide_index=True)
    st.subheader(ui.tr("prep.types"))
    type_of_label = {ui.tr(f"type.{kind}"): kind for kind in column_types.EDITABLE_TYPES}
    types_table = pd.DataFrame({"column": summary["columns"],
                                "type": [ui.tr(f"type.{summary['types'][c]}") for c in summary["columns"]]})
    edited = st.data_editor(
        types_table, hide_index=True, disabled=["column"], key="prep_types_editor",
        column_config={"column": ui.tr("prep.column"),
                       "type": st.column_config.SelectboxColumn(ui.tr("prep.type"), options=list(type_of_label),
                                                                required=True)})
    types = {column: type_of_label.get(label, summary["types"][column])
             for column, label in zip(edited["column"], edited["type"])}
    losses = column_types.conversion_losses(result.frame, types)
    for column, lost in losses.items():
        st.warning(ui.tr("prep.type_loss", column=column, n=lost))
    name = st.text_input(ui.tr("prep.staging_name"), value=staging.suggest_name(result.source_name),
                         key="prep_staging_name")
    if st.button(ui.tr("prep.store"), key="prep_store", type="primary"):
        try:
            with st.spinner(ui.tr("wait.import")):
                staging.store_import(result, name, types=types, imported_by="instructor")
                frame, stored_types = staging.load_staged(name)
        except DataImportError as error:
            st.error(error.text(lang))
        else:
            start_working(name, frame, stored_types)
            st.success(ui.tr("prep.stored", name=name))


def start_working(name: str, frame: pd.DataFrame, types: dict) -> None:
    state["prep_name"] = name
    state["prep_frame"] = frame
    state["prep_class"] = anonymize.suggest_classification(frame)
    state.pop("prep_anonymized", None)


def step_pick_staged() -> None:
    try:
        staged = staging.staged_imports()
    except DataImportError as error:  # another worker is importing this moment
        st.warning(error.text(lang))
        return
    if staged.empty:
        return
    names = staged["name"].tolist()
    with st.expander(ui.tr("prep.staged", n=len(names))):
        st.dataframe(staged[["name", "source", "rows", "imported_at"]].rename(columns={
            "name": ui.tr("prep.staging_name"), "source": ui.tr("prep.source"), "rows": ui.tr("prep.rows"),
            "imported_at": ui.tr("prep.imported_at")}), hide_index=True)
        choice = st.selectbox(ui.tr("prep.staged_pick"), names, key="prep_staged_pick")
        if st.button(ui.tr("prep.staged_open"), key="prep_staged_open"):
            try:
                frame, types = staging.load_staged(choice)
            except DataImportError as error:
                st.warning(error.text(lang))
            else:
                start_working(choice, frame, types)


def step_clean(frame: pd.DataFrame) -> None:
    st.header(ui.tr("prep.step.clean"))
    left, right = st.columns(2)
    columns = [c for c in frame.columns if c != "geometry"]
    column = left.selectbox(ui.tr("prep.column"), columns, key="prep_clean_column")
    helper = right.selectbox(ui.tr("prep.helper"), list(jp_cleaning.HELPERS), key="prep_clean_helper",
                             format_func=lambda h: ui.tr(f"clean.helper.{h}"))
    options, target = {}, None
    if helper == "area":
        areas = area_table()
        options = {"areas": areas, "city_name": city_name}
        target = st.text_input(ui.tr("prep.target"), value="area_code", key="prep_clean_target")
    preview = jp_cleaning.preview_cleaning(frame, column, helper, lang=lang, **options)
    st.caption(ui.tr("prep.clean_counts", changed=preview.changed, missing=preview.became_missing, total=preview.total))
    st.dataframe(preview.sample.rename(columns={"row": ui.tr("prep.row"), "before": ui.tr("prep.before"),
                                                "after": ui.tr("prep.after"), "reason": ui.tr("prep.reason")}),
                 hide_index=True)
    if preview.reasons:
        st.dataframe(pd.DataFrame({ui.tr("prep.reason"): list(preview.reasons),
                                   ui.tr("prep.rows"): list(preview.reasons.values())}), hide_index=True)
    if preview.unmatched is not None and not preview.unmatched.empty:
        st.warning(ui.tr("prep.unmatched", n=len(preview.unmatched)))
        st.dataframe(preview.unmatched.rename(columns={"value": ui.tr("prep.value"), "rows": ui.tr("prep.rows"),
                                                       "reason": ui.tr("prep.reason")}),
                     hide_index=True)
    if st.button(ui.tr("prep.apply"), key="prep_clean_apply"):
        state["prep_frame"] = jp_cleaning.apply_cleaning(frame, column, helper, target=target or None, **options)
        if target and target not in state["prep_class"]:
            state["prep_class"][target] = "quasi"
        state.pop("prep_anonymized", None)
        st.rerun()


def step_classify(frame: pd.DataFrame) -> dict[str, str]:
    st.header(ui.tr("prep.step.classify"))
    st.caption(ui.tr("prep.classify_help"))
    suggested = state["prep_class"]
    columns = [c for c in frame.columns if c != "geometry"]
    labels = {ui.tr(f"anon.class.{c}"): c for c in anonymize.CLASSES}
    table = pd.DataFrame({"column": columns,
                          "class": [ui.tr(f"anon.class.{suggested.get(c, 'other')}") for c in columns],
                          "example": [str(frame[c].dropna().iloc[0]) if frame[c].notna().any() else "" for c in columns]})
    edited = st.data_editor(
        table, hide_index=True, disabled=["column", "example"], key="prep_class_editor",
        column_config={"column": ui.tr("prep.column"), "example": ui.tr("prep.example"),
                       "class": st.column_config.SelectboxColumn(ui.tr("prep.class"), options=list(labels),
                                                                 required=True)})
    return {column: labels.get(label, "other") for column, label in zip(edited["column"], edited["class"])}


def step_settings(frame: pd.DataFrame, classification: dict[str, str]) -> anonymize.Plan:
    st.header(ui.tr("prep.step.settings"))
    left, middle, right = st.columns(3)
    k = left.number_input(ui.tr("prep.k"), min_value=2, max_value=50, value=settings.MIN_CELL, key="prep_k",
                           help=ui.tr("prep.k_one_number", threshold=settings.MIN_CELL))
    if k < settings.MIN_CELL:
        left.warning(ui.tr("prep.k_below_threshold", threshold=settings.MIN_CELL))
    method = middle.radio(ui.tr("prep.method"), ["generalize", "suppress"], key="prep_method",
                          format_func=lambda m: ui.tr(f"prep.method.{m}"))
    max_suppression = right.slider(ui.tr("prep.max_suppression"), 0.0, 0.2, 0.05, 0.01, key="prep_max_supp")
    generalize = {}
    for column in generalization_presets.columns_to_generalize(classification):
        choice = st.selectbox(ui.tr("prep.generalize", column=column), generalization_presets.PRESETS,
                              index=generalization_presets.PRESETS.index(generalization_presets.default_preset(column)),
                              key=f"prep_gen_{column}", format_func=lambda g: ui.tr(f"anon.gen.{g}"))
        spec = generalization_presets.preset_spec(choice, city_name)
        if spec:
            generalize[column] = spec
    sensitive_columns = [c for c, role in classification.items() if role == "sensitive"]
    left, right = st.columns(2)
    sensitive = left.selectbox(ui.tr("prep.sensitive"), ["—"] + sensitive_columns, key="prep_sensitive")
    l_value = right.number_input(ui.tr("prep.l"), min_value=0, max_value=10, value=0, key="prep_l")
    reference = st.date_input(ui.tr("prep.reference_date"), value=date(2025, 4, 1), key="prep_reference")
    state["prep_reference_date"] = reference
    address = next((c for c, spec in generalize.items() if spec["kind"] == "area_code"), None)
    state["prep_zones"] = zones_section(frame, address, int(k), city_name) if address else None
    return anonymize.Plan(classification=classification, k=int(k), l=int(l_value) or None,
                          sensitive=None if sensitive == "—" else sensitive, method=method,
                          max_suppression=float(max_suppression), generalize=generalize)


def step_report(frame: pd.DataFrame, plan: anonymize.Plan) -> None:
    st.header(ui.tr("prep.step.report"))
    if st.button(ui.tr("prep.run"), key="prep_run", type="primary"):
        try:
            with st.spinner(ui.tr("wait.anonymize")):
                result, report = anonymize.anonymize(frame, plan, reference=state.get("prep_reference_date"),
                                                     areas=with_zones(area_table(), state.get("prep_zones")))
        except (ValueError, KeyError):
            st.error(ui.tr("prep.run_failed"))
            return
        state["prep_anonymized"] = (result, report, anonymize.applied_plan(plan, report))
    stored = state.get("prep_anonymized")
    if not stored:
        return
    result, report, used_plan = stored
    cols = st.columns(4)
    cols[0].metric(ui.tr("prep.k_achieved"), report.k_achieved, help=ui.tr("prep.k_help", k=report.k_required))
    cols[1].metric(ui.tr("prep.l_achieved"), report.l_achieved if report.l_achieved is not None else "—")
    cols[2].metric(ui.tr("prep.suppressed"), f"{report.records_suppressed:,}",
                   help=ui.tr("prep.suppressed_help", share=report.suppressed_share))
    cols[3].metric(ui.tr("prep.information_loss"), f"{report.information_loss:.1%}")
    (st.success if report.passed else st.error)(ui.tr("prep.passed" if report.passed else "prep.failed"))
    st.caption(ui.tr("prep.removed", columns="、".join(report.removed_columns) or "—"))
    if report.steps:
        st.caption(ui.tr("prep.steps", columns="、".join(anonymize.describe_steps(report.steps, report.renamed, lang))))
    st.dataframe(result.head(20), hide_index=True)
    aggregate_table(result)
    step_publish(result, report, used_plan)


def aggregate_table(result: pd.DataFrame) -> None:
    """A cross table of the anonymized data with small cells hidden (and secondary suppression)."""
    columns = [c for c in result.columns if c != "geometry" and result[c].nunique() <= 60]
    if len(columns) < 2:
        return
    with st.expander(ui.tr("prep.aggregate")):
        left, middle, right = st.columns(3)
        rows = left.selectbox(ui.tr("prep.aggregate_rows"), columns, key="prep_agg_rows")
        cols = middle.selectbox(ui.tr("prep.aggregate_columns"), [c for c in columns if c != rows], key="prep_agg_cols")
        threshold = right.number_input(ui.tr("prep.aggregate_threshold"), 2, 50, settings.MIN_CELL,
                                       key="prep_agg_threshold")
        table = small_cells.suppress_small_cells(small_cells.cross_table(result, rows, cols), int(threshold),
                                                 total_label=ui.tr("prep.total"))
        st.caption(ui.tr("prep.aggregate_counts", primary=int(table.primary.to_numpy().sum()),
                         secondary=int(table.secondary.to_numpy().sum())))
        shown = table.table.astype("string").fillna("x")
        st.dataframe(shown)
        st.download_button(ui.tr("prep.aggregate_download"), csv_bytes(shown),
                           file_name=f"{rows}_{cols}.csv", mime="text/csv", key="prep_agg_download")


def step_publish(result: pd.DataFrame, report: anonymize.Report, plan: anonymize.Plan) -> None:
    st.header(ui.tr("prep.step.publish"))
    name = st.text_input(ui.tr("prep.publish_name"), value=state.get("prep_name", "my_data"), key="prep_pub_name")
    title_ja = st.text_input(ui.tr("prep.publish_title"), value=name, key="prep_pub_title")
    description = st.text_area(ui.tr("prep.publish_description"), key="prep_pub_description")
    record_unit = st.text_input(ui.tr("prep.record_unit"), key="prep_pub_record_unit",
                                placeholder=ui.tr("prep.record_unit_example"))
    st.caption(ui.tr("prep.labels_help"))
    suggested = publishing.suggest_labels(result)
    labels = st.data_editor(
        pd.DataFrame({"column": list(suggested), "label": [v["ja"] for v in suggested.values()],
                      "unit": [""] * len(suggested)}),
        hide_index=True, disabled=["column"], key="prep_pub_labels",
        column_config={"column": ui.tr("prep.column"), "label": ui.tr("prep.label"), "unit": ui.tr("prep.unit")})
    who = st.text_input(ui.tr("prep.published_by"), value=ui.tr("prep.instructor"), key="prep_pub_by")
    replace = st.checkbox(ui.tr("prep.replace"), key="prep_pub_replace")
    if st.button(ui.tr("prep.publish"), key="prep_publish", type="primary"):
        if not record_unit.strip():
            st.error(ui.tr("prep.record_unit_missing"))
            return
        rows = labels.to_dict("records")
        japanese = {r["column"]: r["label"] or r["column"] for r in rows}
        dictionary = publishing.build_dictionary(
            result, name, {"ja": title_ja, "en": title_ja}, {"ja": description, "en": description},
            labels={c: {"ja": label, "en": suggested[c]["en"]} for c, label in japanese.items()},
            units={r["column"]: {"ja": r["unit"], "en": r["unit"]} for r in rows if r["unit"]},
            record_unit={"ja": record_unit.strip(), "en": record_unit.strip()},
            anonymization=publishing.anonymization_summary(plan, report.to_dict(), japanese))
        try:
            with st.spinner(ui.tr("wait.publish")):
                publishing.publish(result, dictionary, plan, published_by=who, report=report.to_dict(),
                                   replace=replace)
            if anonymize.ZONE_COLUMN in result.columns and state.get("prep_zones") is not None:  # the shapes the map draws
                publishing.publish_public_statistics([zone_layer(state["prep_zones"], name)], published_by=who,
                                                     source=name)
        except publishing.PublishError as error:
            st.error(error.text(lang))
        else:
            st.success(ui.tr("prep.published", name=name))


def manage() -> None:
    names = publishing.published_names()
    if not names:
        st.info(ui.tr("manage.none"))
    else:
        name = st.selectbox(ui.tr("manage.dataset"), names, key="manage_dataset")
        ds = load_catalog()[name]
        st.subheader(literal(ds.title_in(lang)))
        # Keyed per dataset and filled once from the stored text: an input made from the stored value
        # would be a new widget after each save, and the next edit would be dropped.
        keys = {part: f"manage:{name}:{part}" for part in ("title", "description", "record_unit", "who")}
        for part, stored in (("title", ds.title_in("ja")), ("description", ds.description_in("ja")),
                             ("record_unit", ds.record_unit_in("ja")), ("who", ui.tr("prep.instructor"))):
            st.session_state.setdefault(keys[part], stored)
        with st.form("manage_dictionary"):
            title = st.text_input(ui.tr("prep.publish_title"), key=keys["title"])
            description = st.text_area(ui.tr("prep.publish_description"), key=keys["description"])
            record_unit = st.text_input(ui.tr("prep.record_unit"), key=keys["record_unit"])
            labels = st.data_editor(
                pd.DataFrame({"column": [c.name for c in ds.columns], "label": [c.label_in("ja") for c in ds.columns],
                              "unit": [c.unit_in("ja") for c in ds.columns]}),
                hide_index=True, disabled=["column"], key=f"manage:{name}:labels",
                column_config={"column": ui.tr("prep.column"), "label": ui.tr("prep.label"),
                               "unit": ui.tr("prep.unit")})
            who = st.text_input(ui.tr("prep.published_by"), key=keys["who"])
            if st.form_submit_button(ui.tr("manage.save")):
                changes = dictionary_changes(ds, title, description, labels.to_dict("records"), record_unit)
                try:
                    publishing.edit_dictionary(name, changes, who)
                    st.success(ui.tr("manage.saved"))
                except publishing.PublishError as error:
                    st.error(error.text(lang))
        # Evidence saved only in this browser session (no group joined) counts too.
        session_saved = [dict(item, group="—") for item in st.session_state.get("saved_evidence", [])]
        users = dependants(name, session_saved + course.saved_evidence_of_every_group(ui.workspace()))
        st.subheader(ui.tr("manage.dependants", n=len(users)))
        if users:
            st.dataframe(pd.DataFrame([{ui.tr("manage.kind"): ui.tr(f"kind.{u.get('kind')}"),
                                        ui.tr("prep.publish_title"): u.get("title"),
                                        ui.tr("manage.group"): u.get("group", "")} for u in users]), hide_index=True)
        st.subheader(ui.tr("manage.withdraw"))
        confirm = st.checkbox(ui.tr("manage.withdraw_confirm", name=name), key="manage_withdraw_confirm")
        if st.button(ui.tr("manage.withdraw"), key="manage_withdraw", disabled=not confirm):
            with st.spinner(ui.tr("wait.withdraw")):
                publishing.withdraw(name, ui.tr("prep.instructor"))
            st.success(ui.tr("manage.withdrawn", name=name))
            st.rerun()
    st.subheader(ui.tr("manage.log"))
    log = publishing.publication_log()
    if log:
        rows = [{**entry, "at": publishing.log_time_text(entry["at"]),
                 "action": ui.tr(f"manage.action.{entry['action']}")} for entry in log[::-1]]
        columns = ("at", "action", "dataset", "by", "rows")
        st.dataframe(pd.DataFrame([{ui.tr(f"manage.log.{c}"): row.get(c) for c in columns} for row in rows]),
                     hide_index=True)
    copies = publishing.kept_copies()
    if copies:
        st.subheader(ui.tr("manage.copies"))
        pick = st.selectbox(ui.tr("manage.copy"), [c.name for c in copies], key="manage_copy")
        if st.button(ui.tr("manage.restore"), key="manage_restore"):
            with st.spinner(ui.tr("wait.restore")):
                publishing.restore(next(c for c in copies if c.name == pick), ui.tr("prep.instructor"))
            st.success(ui.tr("manage.restored"))
            st.rerun()


prepare_tab, manage_tab, city_tab = st.tabs([ui.tr("prep.tab.prepare"), ui.tr("prep.tab.manage"), ui.tr("city.tab")])
with prepare_tab:
    step_import()
    step_pick_staged()
    if "prep_frame" in state:
        working = state["prep_frame"]
        st.divider()
        st.caption(ui.tr("prep.working", name=state["prep_name"], rows=len(working)))
        step_clean(working)
        classes = step_classify(working)
        plan = step_settings(working, classes)
        step_report(working, plan)
with manage_tab:
    manage()
with city_tab:
    city_setup_section()
