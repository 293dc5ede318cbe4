"""Who this browser session is: a member of a group, the group's shared PC, the instructor, or nobody yet;
and the name the history writes for what they change."""
from __future__ import annotations

import streamlit as st

from lib.ui.runtime import session_id
from lib.ui.text import lang, tr
from lib.ui.user_text import literal
from lib.workspace import group_pc


def current_member() -> dict | None:
    """The member this browser session joined as: group_id, group_name, member_id, name, department.

    Nothing in the URL says who the member is (a link on a projector or in a screenshot must not
    let anyone act as them): a new session (a reload, a restart) gets the member back from the
    browser's sign-in cookie (restore_sign_in), or by joining again with the group's code, the same
    name and department. An old link with ?member=… is ignored and the id is taken out of the address.
    """
    if "member" in st.query_params:
        del st.query_params["member"]
    return st.session_state.get("member")


def is_instructor() -> bool:
    return bool(st.session_state.get("instructor"))


def actor() -> str:
    """Who is changing things, as written in the history."""
    member = current_member()
    if member is not None and "shared_pc" in member:
        return group_pc.actor_text(member["present"], lang())
    if member is not None:
        return f"{member['name']}（{member['department']}）"
    return tr("who.instructor") if is_instructor() else tr("who.guest")


def who_am_i() -> None:
    """Sidebar: the group and member (or instructor) of this browser."""
    member = current_member()
    if member is not None and "shared_pc" in member:
        st.sidebar.markdown(tr("who.group_pc", group=literal(member["group_name"]),
                               names=literal("・".join(member["present"]))))
    elif member is not None:
        st.sidebar.markdown(tr("who.member", group=literal(member["group_name"]), name=literal(member["name"]),
                               department=literal(member["department"])))
    elif is_instructor():
        st.sidebar.markdown(tr("who.as_instructor"))
    else:
        st.sidebar.caption(tr("who.nobody"))


def require_group() -> dict:
    """The joined member, or stop the page with a link to the join page."""
    member = current_member()
    if member is None:
        st.info(tr("who.join_first"), icon=":material/group_add:")
        st.page_link("pages/join.py", label=tr("page.join"), icon=":material/group_add:")
        st.stop()
    return member


def sql_owner() -> str | None:
    """Who holds at most one SQL worker: the member (all their tabs), else this browser tab."""
    member = st.session_state.get("member")
    if member is not None:
        return "member:" + member["member_id"]
    session = session_id()
    return "session:" + session if session is not None else None
