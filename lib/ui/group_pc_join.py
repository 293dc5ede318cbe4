"""The join page's second way in: a group's shared PC (lib.workspace.group_pc).

Two steps: the group and its join code (once), then who is at the PC. The group's
members' names are shown only after the code was right. The second step comes back,
without the code, when the PC changes who is at it.
"""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.workspace import course, group_pc
from lib.workspace.items import Group

VERIFIED = "join_pc:verified"  # the group whose code this browser typed right


def _present_form(group_id: str, ticked: list[str], submit_label: str, key: str) -> None:
    """Tick the members at the PC, write the newcomers, and make this browser the group's shared PC."""
    ws = ui.workspace()
    members = ws.members(group_id)
    with st.form(key):
        st.markdown(f"**{ui.tr('join.shared.present')}**")
        if not members:
            st.caption(ui.tr("join.shared.no_members_yet"))
        chosen = [m.member_id for m in members
                  if st.checkbox(f"{m.name}（{m.department}）", value=m.member_id in ticked,
                                 key=f"{key}:{m.member_id}")]
        newcomers = st.text_area(ui.tr("join.shared.newcomers"), placeholder=ui.tr("join.shared.newcomers_example"),
                                 key=f"{key}:newcomers", height=100)
        submitted = st.form_submit_button(submit_label, type="primary")
    if submitted:
        try:
            pc = group_pc.name_present(ws, group_id, chosen, newcomers, ui.lang())
        except course.CourseError as exc:
            st.error(str(exc))
        else:
            ui.sign_in_shared_pc(pc)
            st.session_state.pop(VERIFIED, None)
            st.session_state.pop(f"{key}:newcomers", None)
            st.rerun()


def join_form(groups: list[Group]) -> None:
    """Join as the group's shared PC: the group and its code, then the members at the PC."""
    st.caption(ui.tr("join.shared.lead"))
    verified = st.session_state.get(VERIFIED)
    if verified in {g.group_id for g in groups}:
        _present_form(verified, [], ui.tr("join.shared.submit"), "join_pc_present")
        return
    with st.form("join_pc"):
        group_id = st.selectbox(ui.tr("join.group"), [g.group_id for g in groups],
                                format_func=lambda gid: next(g.name for g in groups if g.group_id == gid),
                                key="join_pc_group")
        code = st.text_input(ui.tr("join.code"), placeholder="ABC-234", key="join_pc_code")
        submitted = st.form_submit_button(ui.tr("join.submit"), type="primary")
    if submitted:
        try:
            course.joinable_group(ui.workspace(), group_id, code, ui.lang())
        except course.CourseError as exc:
            st.error(str(exc))
        else:
            st.session_state[VERIFIED] = group_id
            st.rerun()


def change_present(pc: group_pc.SharedPC) -> None:
    """On the shared PC: change who is at it, without the code."""
    with st.expander(ui.tr("join.shared.change"), icon=":material/groups:"):
        _present_form(pc.group.group_id, [m.member_id for m in pc.present], ui.tr("join.shared.change_submit"),
                      "join_pc_change")
