"""第3回 分析して評価する: Step 4 (evidence), Step 5 (findings and verdicts), Step 6 (policy ideas)."""
import pandas as pd
import streamlit as st

from lib import ui
from lib.ui import session_widgets as widgets
from lib.ui.item_editor import Field, item_editor
from lib.ui.user_text import literal
from lib.workspace import curriculum

member = widgets.session_header(3)
group_id = member["group_id"]
ws = ui.workspace()
hypotheses = ws.items(group_id, "hypothesis")
hypothesis_text = {h.item_id: h.payload.get("text", "") for h in hypotheses}

step4 = curriculum.step("step4")
widgets.step_intro(step4)
links = st.columns(3)
widgets.safe_page_link(links[0], "pages/chart_builder.py", ui.tr("evidence.open_chart"), ":material/bar_chart:")
widgets.safe_page_link(links[1], "pages/map.py", ui.tr("evidence.open_map"), ":material/map:")
widgets.safe_page_link(links[2], "pages/workspace.py", ui.tr("page.workspace"), ":material/folder_shared:")
sketches = {s.payload.get("hypothesis_id"): s.payload for s in ws.items(group_id, "sketch")}
for h in hypotheses:
    sketch = sketches.get(h.item_id)
    if sketch:
        st.caption(
            ui.tr(
                "evidence.plan",
                text=literal(h.payload.get("text", "")),
                method=ui.tr(f"method.{sketch['method']}"),
                display=ui.tr(f"display.{sketch['display']}"),
            )
        )
evidence = ws.evidence(group_id)
evidence_title = {e.item_id: f"{ui.tr(f'kind.{e.kind}')}: {e.payload.get('title', '')}" for e in evidence}
if evidence:
    st.table(pd.DataFrame([{ui.tr("evidence.title"): evidence_title[e.item_id],
                            ui.tr("evidence.note"): e.payload.get("note", ""),
                            ui.tr("evidence.saved_by"): e.created_by,
                            ui.tr("evidence.saved_at"): e.created_at.strftime("%m/%d %H:%M")}
                           for e in evidence]).set_index(ui.tr("evidence.title")))
else:
    st.info(ui.tr("evidence.none"))

step5 = curriculum.step("step5")
widgets.step_intro(step5)


def finding_fields() -> list[Field]:
    return [
        Field("sentence", ui.tr("finding.sentence"), placeholder=ui.tr("finding.sentence_example")),
        Field("evidence_id", ui.tr("finding.evidence"), widget="selectbox", options=list(evidence_title),
                 format_func=lambda i: evidence_title.get(i, "—"), row="a"),
        Field("strength", ui.tr("finding.strength"), widget="selectbox", options=list(curriculum.STRENGTHS),
                 format_func=lambda s: ui.tr(f"strength.{s}"), row="a"),
        Field("hypothesis_id", ui.tr("finding.hypothesis"), widget="selectbox", options=list(hypothesis_text),
                 format_func=lambda i: hypothesis_text.get(i, "—"), row="b"),
        Field("verdict", ui.tr("finding.verdict"), widget="selectbox", options=list(curriculum.VERDICTS),
                 format_func=lambda v: ui.tr(f"verdict.{v}"), row="b"),
    ]


def check_finding(values: dict) -> list[str]:
    errors = [] if str(values.get("sentence") or "").strip() else [ui.tr("finding.error.sentence")]
    if not values.get("evidence_id"):
        errors.append(ui.tr("finding.error.evidence"))
    if not values.get("hypothesis_id"):
        errors.append(ui.tr("finding.error.hypothesis"))
    return errors


for number, finding in enumerate(ws.items(group_id, "finding"), start=1):
    verdict = finding.payload.get("verdict")
    label = f"{ui.tr('finding.label', n=number)}【{ui.tr(f'verdict.{verdict}') if verdict else '—'}】 " \
            f"{literal(finding.payload.get('sentence', ''))}"
    with st.expander(label):
        item_editor(f"finding:{finding.item_id}", group_id, "finding", finding_fields(), item_id=finding.item_id,
                       validate=check_finding, deletable=True)
with st.container(border=True):
    st.markdown(f"**{ui.tr('finding.new')}**")
    if not evidence or not hypotheses:
        st.caption(ui.tr("finding.needs"))
    item_editor("finding:new", group_id, "finding", finding_fields(), validate=check_finding, new=True,
                   save_label=ui.tr("finding.add"))

st.subheader(ui.tr("verdict.summary"))
verdicts = widgets.verdict_rows(ws.items(group_id, "finding"), hypotheses)
if verdicts:
    st.dataframe(verdicts, hide_index=True, width="stretch")

step6 = curriculum.step("step6")
widgets.step_intro(step6)


def policy_fields() -> list[Field]:
    return [Field("title", ui.tr("policy.title"), widget="text_input", placeholder=ui.tr("policy.title_example")),
            Field("description", ui.tr("policy.description"), placeholder=ui.tr("policy.description_example"))]


def check_policy(values: dict) -> list[str]:
    return [] if str(values.get("title") or "").strip() else [ui.tr("policy.error.title")]


for policy in ws.items(group_id, "policy"):
    with st.expander(literal(policy.payload.get("title", "")), icon=":material/lightbulb:"):
        item_editor(f"policy:{policy.item_id}", group_id, "policy", policy_fields(), item_id=policy.item_id,
                       validate=check_policy, deletable=True)
with st.container(border=True):
    st.markdown(f"**{ui.tr('policy.new')}**")
    item_editor("policy:new", group_id, "policy", policy_fields(), validate=check_policy, new=True,
                   save_label=ui.tr("policy.add"))

widgets.progress_panel(group_id, 3)
