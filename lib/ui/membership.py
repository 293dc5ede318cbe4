"""Joining a group (as a member or as the group's shared PC), leaving it, and signing in again after F5,
a new tab or a server restart (the browser's sign-in cookie, lib.ui.sign_in)."""
from __future__ import annotations

import logging

import streamlit as st

from lib.ui import sign_in
from lib.ui.identity import current_member, is_instructor
from lib.ui.startup import workspace, workspace_or_none
from lib.ui.text import lang
from lib.workspace import group_pc, instructor_auth
from lib.workspace.backend import WorkspaceError
from lib.workspace.sign_ins import GROUP_PC, INSTRUCTOR, MEMBER

log = logging.getLogger(__name__)
SHARED_FONT_SIZE = "ui:shared_pc_font_size"  # the font size the shared PC chose before, for the sidebar's next run


def remember_member(member_id: str) -> dict | None:
    """Make this browser session the member `member_id` (None if no such member, or no workspace to ask now)."""
    ws = workspace_or_none()
    member = ws.member(member_id) if ws else None
    group = ws.group(member.group_id) if member else None
    if group is None:
        return None
    st.session_state["member"] = {
        "group_id": group.group_id, "group_name": group.name, "course_id": group.course_id,
        "member_id": member.member_id, "name": member.name, "department": member.department,
    }
    return st.session_state["member"]


def sign_in_member(member_id: str, keep: bool) -> None:
    """Join as `member_id`, in this session and in this browser after F5 and restarts (lib.ui.sign_in):
    until the browser closes, or for the sign-in's days when `keep` (「この PC で次回も続ける」)."""
    if remember_member(member_id) is not None:
        sign_in.start(workspace_or_none(), MEMBER, member_id, keep)


def sign_out_member() -> None:
    """「退出する」: this browser's sign-in ends on the server, its cookie is cleared, the session forgets."""
    if (ws := workspace_or_none()) is not None:
        sign_in.end(ws, MEMBER)
    st.session_state.pop("member", None)


def remember_shared_pc(pc: group_pc.SharedPC) -> dict:
    """Make this browser the group's shared PC with `pc.present` at it (lib.workspace.group_pc).

    It acts as one more member of the group (its id is the group's), whose saves the history
    writes as 「グループ PC（A・B・C）」; it gets back the font size the shared PC chose before."""
    group = pc.group
    st.session_state["member"] = {
        "group_id": group.group_id, "group_name": group.name, "course_id": group.course_id,
        "member_id": pc.pc_id, "name": pc.actor(lang()), "department": "",
        "shared_pc": [m.member_id for m in pc.present], "present": [m.name for m in pc.present],
    }
    if group_pc.font_size(group):
        st.session_state[SHARED_FONT_SIZE] = group_pc.font_size(group)
    return st.session_state["member"]


def sign_in_shared_pc(pc: group_pc.SharedPC) -> None:
    """Make this browser the group's shared PC, also after F5 and restarts until the browser closes (a shared
    PC never keeps a sign-in beyond that); naming who is at it again keeps the sign-in it has."""
    remember_shared_pc(pc)
    if not sign_in.holds_token(MEMBER) and (ws := workspace_or_none()) is not None:
        sign_in.start(ws, MEMBER, pc.pc_id, keep=False, signs_in_as=GROUP_PC)


def shared_pc() -> group_pc.SharedPC | None:
    """The shared PC this browser is (None for a member on their own PC or nobody)."""
    member = current_member()
    if member is None or "shared_pc" not in member:
        return None
    return group_pc.resume(workspace(), member["group_id"], member["shared_pc"])


def sign_out_instructor() -> None:
    if (ws := workspace_or_none()) is not None:
        sign_in.end(ws, INSTRUCTOR)
    st.session_state.pop("instructor", None)


def restore_sign_in() -> None:
    """Before any page runs (app.py): who this browser signed in as, from its cookie, in a new session
    (F5, a new tab, a server restart); a session whose sign-in was revoked meanwhile is signed out.
    A workspace that cannot answer now (missing, locked, full) changes nothing: the page says why."""
    if sign_in.nothing_to_restore():  # no workspace read for a browser that never signed in
        sign_in.write_cookies()
        return
    ws = workspace_or_none()
    try:
        if ws is not None:
            _restore_sign_in(ws)
    except WorkspaceError:
        log.warning("sign-in not checked: the workspace did not answer", exc_info=True)
    sign_in.write_cookies()


def _restore_sign_in(ws) -> None:
    if "member" in st.session_state:
        if not sign_in.still_active(ws, MEMBER):
            st.session_state.pop("member")
    elif (found := sign_in.restored(ws, MEMBER)) is not None:
        if found.role == GROUP_PC:
            if (pc := group_pc.last_named(ws, found.member_id)) is not None:
                remember_shared_pc(pc)
        else:
            remember_member(found.member_id)
    if is_instructor():
        if not sign_in.still_active(ws, INSTRUCTOR):
            st.session_state.pop("instructor")
    elif (found := sign_in.restored(ws, INSTRUCTOR)) is not None:
        set_at = instructor_auth.passcode_set_at()
        if set_at is not None and found.created_at > set_at:
            st.session_state["instructor"] = True
        else:  # a new passcode (python -m lib.cli set-passcode) ends every instructor sign-in made before it
            sign_in.end(ws, INSTRUCTOR)
