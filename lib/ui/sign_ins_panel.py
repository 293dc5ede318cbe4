"""The instructor's list of the members signed in on a group's PCs, with buttons that end sign-ins: one
member's, the group's, or the whole course's (a lost PC, a member who left)."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.workspace import sign_ins


def _revoke(revoke, ws, key: str) -> None:
    """End sign-ins (one member's, a group's, a course's) before the page is drawn, which then lists the rest."""
    st.session_state["inst_revoked"] = revoke(ws, key)


def sign_ins_panel(ws, group_id: str, course_id: str) -> None:
    revoked = st.session_state.pop("inst_revoked", None)
    with st.expander(ui.tr("inst.sign_ins"), expanded=revoked is not None):
        st.caption(ui.tr("inst.sign_ins_lead"))
        if revoked is not None:
            st.success(ui.tr("inst.revoked", n=revoked))
        signed_in = sign_ins.signed_in_members(ws, group_id)
        for m in ws.members(group_id):
            if m.member_id in signed_in:
                left, right = st.columns([3, 2])
                left.markdown(ui.tr_literal("inst.sign_ins_member", name=m.name, department=m.department,
                                            n=str(signed_in[m.member_id])))
                right.button(ui.tr("inst.revoke_member"), key=f"inst_revoke:{m.member_id}", on_click=_revoke,
                             args=(sign_ins.revoke_member, ws, m.member_id))
        if signed_in:
            st.button(ui.tr("inst.revoke_group"), key="inst_revoke_group", on_click=_revoke,
                      args=(sign_ins.revoke_group, ws, group_id))
        else:
            st.caption(ui.tr("inst.no_sign_ins"))
        st.button(ui.tr("inst.revoke_course"), key="inst_revoke_course", on_click=_revoke,
                  args=(sign_ins.revoke_course, ws, course_id))
