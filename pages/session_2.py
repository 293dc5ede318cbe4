"""第2回 データを確かめる: Step 2 (datasets, columns, quality) and Step 3 (the analysis sketch)."""
import streamlit as st

from lib import ui
from lib.data import profile as dataset_profile
from lib.data.catalog import load_catalog
from lib.ui import session_widgets as widgets
from lib.ui.item_editor import Field, item_editor
from lib.ui.user_text import literal
from lib.workspace import curriculum

member = widgets.session_header(2)
group_id = member["group_id"]
ws = ui.workspace()
catalog = load_catalog()
hypotheses = ws.items(group_id, "hypothesis")

step2 = curriculum.step("step2")
widgets.step_intro(step2)
if not hypotheses:
    st.info(ui.tr("hyp.none_yet"))
cursor = ui.store().published()
for number, hypothesis in enumerate(hypotheses, start=1):
    p = hypothesis.payload
    ds = catalog.get(p.get("dataset", ""))
    with st.container(border=True):
        st.markdown(f"**{ui.tr('hyp.label', n=number)}: {literal(p.get('text', ''))}**")
        if ds is None:
            st.warning(ui.tr("check.no_dataset"))
            continue
        st.caption(literal(f"{ds.title_in(ui.lang())}（{ds.name}） — {ds.record_unit_in(ui.lang())}"))
        rows = curriculum.data_check_rows(ds, p.get("columns") or [], dataset_profile.column_statistics(cursor, ds),
                                          ui.lang())
        st.dataframe(rows, hide_index=True, width="stretch")
widgets.worksheet(group_id, step2)

step3 = curriculum.step("step3")
widgets.step_intro(step3)
for number, hypothesis in enumerate(hypotheses, start=1):
    p = hypothesis.payload
    key = f"sketch:{hypothesis.item_id}"
    with st.container(border=True):
        st.markdown(f"**{ui.tr('hyp.label', n=number)}: {literal(p.get('text', ''))}**")
        fields = [
            Field("dataset", ui.tr("sketch.dataset"), widget="selectbox", options=list(catalog),
                     format_func=widgets.dataset_label, default=p.get("dataset"), row="a"),
            Field("columns", ui.tr("sketch.columns"), widget="multiselect",
                     options=lambda values: widgets.column_options(values.get("dataset")),
                     format_func=lambda name, k=key: widgets.column_label(st.session_state.get(f"{k}:dataset"), name),
                     default=p.get("columns") or [], row="a"),
            Field("method", ui.tr("sketch.method"), widget="selectbox", options=list(curriculum.METHODS),
                     format_func=lambda m: ui.tr(f"method.{m}"), row="b"),
            Field("display", ui.tr("sketch.display"), widget="selectbox", options=list(curriculum.DISPLAYS),
                     format_func=lambda d: ui.tr(f"display.{d}"), row="b"),
        ]
        item_editor(key, group_id, "sketch", fields, item_id=f"{hypothesis.item_id}:sketch",
                       to_payload=lambda values, h=hypothesis.item_id: {**values, "hypothesis_id": h})

widgets.progress_panel(group_id, 2)
