"""The data page's widgets after import: cleaning, classes, anonymization settings, the risk report and the
publication form. Each reads and writes the page's Preparation (kept under one session key)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib import settings
from lib.data import anonymize, generalization_presets, jp_cleaning, publishing, small_cells
from lib.data.city_areas import CityAreas
from lib.data.preparation import Anonymized, Preparation
from lib.table_export import csv_bytes
from lib.ui import lang, store, tr
from lib.ui.zone_panel import zones_section

SESSION_KEY = "prep"


def preparation(city_name: str) -> Preparation:
    """This browser session's preparation, for the municipality the workbench is for."""
    prep = st.session_state.setdefault(SESSION_KEY, Preparation())
    prep.recipe.city_name = city_name
    return prep


@st.cache_resource(show_spinner=False, max_entries=2)
def _city_areas(_fingerprint: str) -> CityAreas:
    return CityAreas(store())


def city_areas() -> CityAreas:
    """The 町丁・字 of the published data, read once per published build for every session."""
    return _city_areas(store().published_fingerprint())


def cleaning_widgets(prep: Preparation, areas: CityAreas) -> None:
    st.header(tr("prep.step.clean"))
    left, right = st.columns(2)
    column = left.selectbox(tr("prep.column"), [c for c in prep.frame.columns if c != "geometry"],
                            key="prep_clean_column")
    helper = right.selectbox(tr("prep.helper"), list(jp_cleaning.HELPERS), key="prep_clean_helper",
                             format_func=lambda h: tr(f"clean.helper.{h}"))
    target = st.text_input(tr("prep.target"), value="area_code", key="prep_clean_target") if helper == "area" else None
    preview = prep.preview_cleaning(column, helper, areas, lang())
    st.caption(tr("prep.clean_counts", changed=preview.changed, missing=preview.became_missing, total=preview.total))
    st.dataframe(preview.sample.rename(columns={"row": tr("prep.row"), "before": tr("prep.before"),
                                                "after": tr("prep.after"), "reason": tr("prep.reason")}),
                 hide_index=True)
    if preview.reasons:
        st.dataframe(
            pd.DataFrame({tr("prep.reason"): list(preview.reasons), tr("prep.rows"): list(preview.reasons.values())}),
            hide_index=True,
        )
    if preview.unmatched is not None and not preview.unmatched.empty:
        st.warning(tr("prep.unmatched", n=len(preview.unmatched)))
        st.dataframe(preview.unmatched.rename(columns={"value": tr("prep.value"), "city": tr("prep.city"),
                                                       "rows": tr("prep.rows"), "reason": tr("prep.reason")}),
                     hide_index=True)
    if st.button(tr("prep.apply"), key="prep_clean_apply"):
        prep.clean(column, helper, target, areas)
        st.rerun()


def classification_widgets(prep: Preparation) -> dict[str, str]:
    """The suggested class of each column, as the instructor corrects it."""
    st.header(tr("prep.step.classify"))
    st.caption(tr("prep.classify_help"))
    frame = prep.frame
    columns = [c for c in frame.columns if c != "geometry"]
    labels = {tr(f"anon.class.{c}"): c for c in anonymize.CLASSES}
    table = pd.DataFrame(
        {
            "column": columns,
            "class": [tr(f"anon.class.{prep.suggested.get(c, 'other')}") for c in columns],
            "example": [str(frame[c].dropna().iloc[0]) if frame[c].notna().any() else "" for c in columns],
        }
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        disabled=["column", "example"],
        key="prep_class_editor",
        column_config={
            "column": tr("prep.column"),
            "example": tr("prep.example"),
            "class": st.column_config.SelectboxColumn(tr("prep.class"), options=list(labels), required=True),
        },
    )
    return {column: labels.get(label, "other") for column, label in zip(edited["column"], edited["class"], strict=True)}


def plan_widgets(prep: Preparation, areas: CityAreas) -> None:
    """k, method, first generalizations, l, reference date, then zones when addresses become areas."""
    st.header(tr("prep.step.settings"))
    left, middle, right = st.columns(3)
    k = left.number_input(tr("prep.k"), min_value=2, max_value=50, value=settings.MIN_CELL, key="prep_k",
                          help=tr("prep.k_one_number", threshold=settings.MIN_CELL))
    if k < settings.MIN_CELL:
        left.warning(tr("prep.k_below_threshold", threshold=settings.MIN_CELL))
    method = middle.radio(tr("prep.method"), ["generalize", "suppress"], key="prep_method",
                          format_func=lambda m: tr(f"prep.method.{m}"))
    # A share of records, shown and chosen in percent (5%, not 0.05).
    max_suppression = right.slider(tr("prep.max_suppression"), 0, 20, 5, 1, format="%d%%", key="prep_max_supp") / 100
    presets = {}
    for column in generalization_presets.columns_to_generalize(prep.classification):
        offered = generalization_presets.presets_for(column, prep.frame[column])
        default = generalization_presets.default_preset(column)
        presets[column] = st.selectbox(tr("prep.generalize", column=column), offered,
                                       index=offered.index(default) if default in offered else 0,
                                       key=f"prep_gen_{column}", format_func=lambda g: tr(f"anon.gen.{g}"))
    sensitive_columns = [c for c, role in prep.classification.items() if role == "sensitive"]
    left, right = st.columns(2)
    sensitive = left.selectbox(tr("prep.sensitive"), ["—"] + sensitive_columns, key="prep_sensitive")
    l_value = right.number_input(tr("prep.l"), min_value=0, max_value=10, value=0, key="prep_l")
    reference = st.date_input(tr("prep.reference_date"), value=date(2025, 4, 1), key="prep_reference")
    prep.choose_plan(k=int(k), l=int(l_value), sensitive=None if sensitive == "—" else sensitive, method=method,
                     max_suppression=float(max_suppression), presets=presets, reference=reference)
    if prep.address_column:
        zones_section(prep, areas)
    else:
        prep.choose_zones("none", areas)


def report_widgets(anonymized: Anonymized) -> None:
    """What anonymization achieved, the first rows, and a cross table with small cells hidden."""
    result, report, _plan = anonymized
    cols = st.columns(4)
    cols[0].metric(tr("prep.k_achieved"), report.k_achieved, help=tr("prep.k_help", k=report.k_required))
    cols[1].metric(tr("prep.l_achieved"), report.l_achieved if report.l_achieved is not None else "—")
    cols[2].metric(tr("prep.suppressed"), f"{report.records_suppressed:,}",
                   help=tr("prep.suppressed_help", share=report.suppressed_share))
    cols[3].metric(tr("prep.information_loss"), f"{report.information_loss:.1%}")
    (st.success if report.passed else st.error)(tr("prep.passed" if report.passed else "prep.failed"))
    st.caption(tr("prep.removed", columns="、".join(report.removed_columns) or "—"))
    if report.steps:
        st.caption(tr("prep.steps", columns="、".join(anonymize.describe_steps(report.steps, report.renamed, lang()))))
    st.dataframe(result.head(20), hide_index=True)
    _aggregate_table(result)


def _aggregate_table(result: pd.DataFrame) -> None:
    columns = [c for c in result.columns if c != "geometry" and result[c].nunique() <= 60]
    if len(columns) < 2:
        return
    with st.expander(tr("prep.aggregate")):
        left, middle, right = st.columns(3)
        rows = left.selectbox(tr("prep.aggregate_rows"), columns, key="prep_agg_rows")
        cols = middle.selectbox(tr("prep.aggregate_columns"), [c for c in columns if c != rows], key="prep_agg_cols")
        threshold = right.number_input(tr("prep.aggregate_threshold"), 2, 50, settings.MIN_CELL,
                                       key="prep_agg_threshold")
        table = small_cells.suppress_small_cells(small_cells.cross_table(result, rows, cols), int(threshold),
                                                 total_label=tr("prep.total"))
        st.caption(tr("prep.aggregate_counts", primary=int(table.primary.to_numpy().sum()),
                      secondary=int(table.secondary.to_numpy().sum())))
        shown = table.table.astype("string").fillna("x")
        st.dataframe(shown)
        st.download_button(tr("prep.aggregate_download"), csv_bytes(shown), file_name=f"{rows}_{cols}.csv",
                           mime="text/csv", key="prep_agg_download")


def publication_widgets(prep: Preparation) -> dict | None:
    """The dictionary trainees see; Preparation.publish's arguments when 公開 is clicked."""
    name = st.text_input(tr("prep.publish_name"), value=prep.name or "my_data", key="prep_pub_name")
    title = st.text_input(tr("prep.publish_title"), value=name, key="prep_pub_title")
    description = st.text_area(tr("prep.publish_description"), key="prep_pub_description")
    record_unit = st.text_input(tr("prep.record_unit"), key="prep_pub_record_unit",
                                placeholder=tr("prep.record_unit_example"))
    st.caption(tr("prep.labels_help"))
    suggested = publishing.suggest_labels(prep.anonymized.frame)
    labels = st.data_editor(
        pd.DataFrame({"column": list(suggested), "label": [v["ja"] for v in suggested.values()],
                      "unit": [""] * len(suggested)}),
        hide_index=True, disabled=["column"], key="prep_pub_labels",
        column_config={"column": tr("prep.column"), "label": tr("prep.label"), "unit": tr("prep.unit")})
    who = st.text_input(tr("prep.published_by"), value=tr("prep.instructor"), key="prep_pub_by")
    replace = st.checkbox(tr("prep.replace"), key="prep_pub_replace")
    if not st.button(tr("prep.publish"), key="prep_publish", type="primary"):
        return None
    rows = labels.to_dict("records")
    return {"name": name, "title": title, "description": description, "record_unit": record_unit,
            "labels": {r["column"]: r["label"] for r in rows}, "units": {r["column"]: r["unit"] for r in rows},
            "published_by": who, "replace": replace}


def recipe_download(prep: Preparation) -> None:
    """「手順を保存」: the recipe of what was just published, to re-run on next year's file."""
    st.download_button(tr("prep.recipe_download"), prep.recipe_text().encode("utf-8"),
                       file_name=f"{prep.recipe.name}_recipe.yaml", mime="application/yaml",
                       key="prep_recipe_download", help=tr("prep.recipe_help"), on_click="ignore")
