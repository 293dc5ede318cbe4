"""The instructor's look at one group of the course: its members, its work step by step (lib.ui.step_review),
who is signed in, the instructor's comments to it and its history."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.ui import session_widgets as widgets
from lib.ui.sign_ins_panel import sign_ins_panel
from lib.ui.step_review import StepReview
from lib.ui.user_text import literal
from lib.workspace import curriculum


def group_review(ws, groups: list, course_id: str, catalog: dict) -> None:
    if not groups:
        st.info(ui.tr("inst.no_groups"))
        return
    group_ids = [g.group_id for g in groups]
    group_id = st.selectbox(ui.tr("inst.group"), group_ids, key="inst_group",
                            format_func=lambda gid: next(g.name for g in groups if g.group_id == gid))
    group = ws.group(group_id)
    st.markdown(ui.tr("wspage.members") + " " + literal("、".join(f"{m.name}（{m.department}）"
                                                                  for m in ws.members(group_id)) or "—"))
    StepReview(curriculum.load_content(ws, group_id), catalog, ui.lang()).show()
    sign_ins_panel(ws, group_id, course_id)
    st.subheader(ui.tr("inst.comment"))
    widgets.comment_form(group)
    for comment in reversed(ws.items(group_id, "comment")):
        st.caption(literal(f"{comment.created_at.strftime('%m/%d %H:%M')} {comment.created_by}: "
                           f"{comment.payload.get('text')}"))
    with st.expander(ui.tr("wspage.history")):
        widgets.history_view(group_id, limit=50)
