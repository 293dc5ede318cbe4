"""The group's workspace: saved charts and maps, findings, notes, homework, comments, history."""
import pandas as pd
import streamlit as st

from lib import ui
from lib.deck.evidence import kind_icon
from lib.ui import session_widgets as widgets
from lib.ui.item_editor import Field, delete_plain_item, item_editor
from lib.ui.user_text import literal

st.title(ui.tr("page.workspace"))
member = ui.require_group()
group_id = member["group_id"]
ws = ui.workspace()
st.caption(ui.tr_literal("wspage.lead", group=member["group_name"]))
st.markdown(
    ui.tr("wspage.members") + " " + literal("、".join(f"{m.name}（{m.department}）" for m in ws.members(group_id)))
)
if st.button(ui.tr("ws.refresh"), icon=":material/refresh:"):
    st.rerun()
if st.session_state.pop("ws:delete_conflict", False):
    st.warning(ui.tr("wspage.delete_conflict"))

# One section at a time (a table drawn inside a hidden tab comes out squeezed).
SECTIONS = ("evidence", "findings", "notes", "homework", "comments", "history")
section_titles = {name: ui.tr(f"wspage.{name}") for name in SECTIONS}
section = st.segmented_control(ui.tr("wspage.section"), SECTIONS, default="evidence", required=True,
                               format_func=section_titles.get, key="ws_section")

if section == "evidence":
    evidence = ws.evidence(group_id)
    if not evidence:
        st.info(ui.tr("evidence.none"))
    for item in evidence:
        with st.expander(literal(f"{item.payload.get('title', '')} — {item.created_by}"
                                 f"（{item.created_at.strftime('%m/%d %H:%M')}）"), icon=kind_icon(item.kind)):
            if item.payload.get("note"):
                st.markdown(literal(item.payload["note"]))
            if st.toggle(ui.tr("wspage.show"), key=f"show:{item.item_id}"):
                widgets.show_evidence(item.kind, item.payload, f"ev:{item.item_id}")
            st.button(ui.tr("ws.delete"), key=f"del:{item.item_id}", on_click=delete_plain_item,
                      args=(item.item_id, item.version))

if section == "findings":
    titles = {e.item_id: e.payload.get("title", "") for e in ws.evidence(group_id)}
    hypotheses = {h.item_id: h.payload.get("text", "") for h in ws.items(group_id, "hypothesis")}
    findings = ws.items(group_id, "finding")
    if not findings:
        st.caption(ui.tr("wspage.no_findings"))
    else:
        st.table(pd.DataFrame([{
            ui.tr("finding.sentence"): f.payload.get("sentence", ""),
            ui.tr("finding.evidence"): titles.get(f.payload.get("evidence_id"), "—"),
            ui.tr("finding.strength"): ui.tr(f"strength.{f.payload.get('strength')}"),
            ui.tr("finding.hypothesis"): hypotheses.get(f.payload.get("hypothesis_id"), "—"),
            ui.tr("finding.verdict"): ui.tr(f"verdict.{f.payload.get('verdict')}") if f.payload.get("verdict") else "—",
            ui.tr("history.who"): f.updated_by,
        } for f in findings]))
    widgets.safe_page_link(st, "pages/session_3.py", ui.tr("page.session_3"), ":material/looks_3:")

if section == "notes":
    note_fields = [Field("text", ui.tr("wspage.note"), placeholder=ui.tr("wspage.note_example"))]
    for note in ws.items(group_id, "note"):
        with st.container(border=True):
            item_editor(f"note:{note.item_id}", group_id, "note", note_fields, item_id=note.item_id,
                           deletable=True)
    st.markdown(f"**{ui.tr('wspage.note_new')}**")
    item_editor("note:new", group_id, "note", note_fields, new=True, save_label=ui.tr("wspage.add"),
                   validate=lambda v: [] if str(v.get("text") or "").strip() else [ui.tr("wspage.error.empty")])

if section == "homework":
    names = [m.name for m in ws.members(group_id)]

    def homework_fields() -> list[Field]:
        return [
            Field("task", ui.tr("homework.task"), widget="text_input", placeholder=ui.tr("homework.task_example")),
            Field("assignee", ui.tr("homework.assignee"), widget="selectbox", options=names, row="h"),
            Field("due", ui.tr("homework.due"), widget="text_input", placeholder="2026-06-19", row="h"),
            Field("done", ui.tr("homework.done"), widget="selectbox", options=["未", "済"], row="h",
                     format_func=lambda v: ui.tr("homework.state_done") if v == "済" else ui.tr("homework.state_open")),
        ]

    for task in ws.items(group_id, "homework"):
        done = task.payload.get("done") == "済"
        with st.expander(f"{widgets.DONE_MARK if done else widgets.PENDING_MARK} "
                         + literal(f"{task.payload.get('task', '')} — {task.payload.get('assignee', '')}")):
            item_editor(f"hw:{task.item_id}", group_id, "homework", homework_fields(), item_id=task.item_id,
                           deletable=True)
    st.markdown(f"**{ui.tr('homework.new')}**")
    item_editor("hw:new", group_id, "homework", homework_fields(), new=True, save_label=ui.tr("wspage.add"),
                   validate=lambda v: [] if str(v.get("task") or "").strip() else [ui.tr("wspage.error.empty")])

if section == "comments":
    comments = ws.items(group_id, "comment")
    if not comments:
        st.caption(ui.tr("wspage.no_comments"))
    for comment in reversed(comments):
        with st.chat_message("assistant", avatar=":material/school:"):
            st.markdown(f"**{literal(comment.created_by)}**（{comment.created_at.strftime('%m/%d %H:%M')}）")
            st.markdown(literal(comment.payload.get("text", "")))

if section == "history":
    widgets.history_view(group_id)
