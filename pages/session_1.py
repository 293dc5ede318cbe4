"""第1回 課題を定める: Step 0 (goal / problem / issue) and Step 1 (situation, logic tree, hypotheses)."""
import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.ui import session_widgets as widgets
from lib.ui.item_editor import Field, item_editor
from lib.ui.user_text import literal
from lib.workspace import curriculum

member = widgets.session_header(1)
group_id = member["group_id"]
ws = ui.workspace()

step0 = curriculum.step("step0")
widgets.step_intro(step0)
widgets.worksheet(group_id, step0)

step1 = curriculum.step("step1")
widgets.step_intro(step1)
widgets.worksheet(group_id, step1)
widgets.logic_tree_editor(group_id)

st.subheader(ui.tr("hyp.title"), anchor="hypotheses")
st.caption(ui.tr("hyp.lead"))
catalog = load_catalog()


def hypothesis_fields(key: str) -> list[Field]:
    return [
        Field("text", ui.tr("hyp.text"), widget="text_input", placeholder=ui.tr("hyp.text_example")),
        Field("dataset", ui.tr("hyp.dataset"), widget="selectbox", options=list(catalog),
                 format_func=widgets.dataset_label, row="data"),
        Field("columns", ui.tr("hyp.columns"), widget="multiselect",
                 options=lambda values: widgets.column_options(values.get("dataset")),
                 format_func=lambda name: widgets.column_label(st.session_state.get(f"{key}:dataset"), name),
                 row="data"),
    ]


def check(values: dict) -> list[str]:
    errors = [] if str(values.get("text") or "").strip() else [ui.tr("hyp.error.text")]
    return errors + curriculum.check_hypothesis_data(values.get("dataset"), values.get("columns") or [],
                                                     catalog, ui.lang())


for number, hypothesis in enumerate(ws.items(group_id, "hypothesis"), start=1):
    with st.expander(f"{ui.tr('hyp.label', n=number)}: {literal(hypothesis.payload.get('text', ''))}", expanded=False):
        item_editor(f"hyp:{hypothesis.item_id}", group_id, "hypothesis", hypothesis_fields(f"hyp:{hypothesis.item_id}"),
                       item_id=hypothesis.item_id, validate=check, deletable=True)
with st.container(border=True):
    st.markdown(f"**{ui.tr('hyp.new')}**")
    item_editor("hyp:new", group_id, "hypothesis", hypothesis_fields("hyp:new"), validate=check, new=True,
                   save_label=ui.tr("hyp.add"))

widgets.progress_panel(group_id, 1)
