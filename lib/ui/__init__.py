"""The UI layer, the only part of lib/ that imports streamlit: helpers shared by pages.

This module holds what every page needs (language, text, the store, who the user
is, saving evidence, the instructor check); lib/ui/ modules hold larger widgets.
"""
from __future__ import annotations

import functools
from datetime import datetime
from typing import Callable

import streamlit as st
from streamlit.runtime import get_instance
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import i18n, settings
from lib.analysis.user_sql import UserQueryError
from lib.data.store import Store, get_store
from lib.maps import offline as offline_map
from lib.workspace import example_group, instructor_auth
from lib.workspace.backend import SaveFailed, WorkspaceError, WorkspaceUnavailable
from lib.workspace.items import open_workspace


def _leave_pages_folder_mode() -> None:
    """Make every run go through app.py's st.navigation.

    Streamlit treats an app with a pages/ folder as a legacy multipage app until
    st.navigation first runs, so a deep link (e.g. /catalog) opened first on a
    fresh server would run that page alone, without app.py's sidebar. Every page
    imports this module, so the first run of any script switches the mode off and
    reruns through app.py.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()



def lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


@st.cache_resource(show_spinner="データベースを準備しています…（初回のみ時間がかかります）")
def _prepared_store(data_dir: str) -> Store:
    store = get_store()
    store.refresh_published()
    store.published().close()
    offline_map.prepare()
    return store


def store() -> Store:
    """The store, with the published database built (first start) and map assets in place."""
    return _prepared_store(str(settings.data_dir().resolve()))


def language_switch() -> None:
    """The sidebar's language choice; bound to session_state["lang"], so every page sees it at once."""
    st.session_state.setdefault("lang", i18n.DEFAULT_LANGUAGE)
    st.sidebar.selectbox(
        i18n.t("sidebar.language", lang()), list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGES[code], key="lang",
    )


def show_query_error(error: UserQueryError) -> None:
    """A refused or failed query: a sentence in the user's language, details folded away."""
    st.error(error.text(lang()))
    if error.detail:
        with st.expander("詳細" if lang() == "ja" else "Details"):
            st.code(error.detail, language=None)


def save_evidence(kind: str, title: str, note: str, spec: dict) -> None:
    """Save a chart or map, as its spec, in the group's workspace.

    Without a group joined, it stays in this browser session only, and the page says so.
    """
    member = current_member()
    if member is not None:
        workspace().create_item(member["group_id"], kind, {"title": title, "note": note, "spec": spec},
                                actor())
        return
    st.session_state.setdefault("saved_evidence", []).append({
        "kind": kind, "title": title, "note": note, "spec": spec,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
    })
    st.info(tr("evidence.session_only"), icon=":material/info:")


def saved_evidence(kind: str | None = None) -> list[dict]:
    """Saved charts / maps, newest last; `kind` = "chart" or "map" to filter."""
    member = current_member()
    if member is None:
        items = st.session_state.get("saved_evidence", [])
        return [i for i in items if kind is None or i["kind"] == kind]
    stored = [i for i in workspace().items(member["group_id"]) if i.kind in ("chart", "map")]
    return [{"kind": i.kind, "title": i.payload.get("title", ""), "note": i.payload.get("note", ""),
             "spec": i.payload.get("spec") or {}, "saved_at": i.updated_at.isoformat(timespec="seconds"),
             "item_id": i.item_id, "saved_by": i.created_by}
            for i in stored if kind is None or i.kind == kind]


def require_instructor() -> None:
    """Stop the page unless the user is the instructor (passcode; see lib.workspace.instructor_auth)."""
    if st.session_state.get("instructor"):
        return
    st.title(tr("auth.title"))
    if not instructor_auth.passcode_is_set():
        if instructor_auth.may_set_first_passcode(client_address()):
            st.info(tr("auth.first_passcode"))
            with st.form("first_passcode"):
                first = st.text_input(tr("auth.new_passcode"), type="password", key="auth_new")
                again = st.text_input(tr("auth.new_passcode_again"), type="password", key="auth_again")
                if st.form_submit_button(tr("auth.set")):
                    if first != again:
                        st.error(tr("auth.mismatch"))
                    else:
                        try:
                            instructor_auth.set_passcode(first)
                        except instructor_auth.PasscodeError as exc:
                            st.error(str(exc))
                        else:
                            st.session_state["instructor"] = True
                            st.rerun()
        else:
            st.warning(tr("auth.not_set_remote"))
        st.stop()
    with st.form("instructor_login"):
        typed = st.text_input(tr("auth.passcode"), type="password", key="auth_passcode")
        if st.form_submit_button(tr("auth.login")):
            if instructor_auth.verify_passcode(typed):
                st.session_state["instructor"] = True
                st.rerun()
            st.error(tr("auth.wrong"))
    st.stop()


# --- who am I, and the group workspace ---------------------------------------------

def client_address() -> str | None:
    """The TCP peer address of this browser session (None when unknown).

    st.context.ip_address maps loopback to None, which cannot be told apart from
    "unknown"; the raw peer is what decides whether the browser is on this machine.
    """
    try:
        ctx = get_script_run_ctx()
        client = get_instance().get_client(ctx.session_id) if ctx else None
        context = getattr(client, "client_context", None)
        return getattr(context, "remote_ip", None)
    except Exception:  # noqa: BLE001 - no runtime (tests) means unknown, never local
        return None


@st.cache_resource(show_spinner=False)
def _workspace(data_dir: str):
    ws = open_workspace(get_store())
    example_group.seed_if_empty(ws, store().published())
    return ws


def workspace():
    """The group workspace (seeded with the demo course and its finished example on first start).

    If it is missing or damaged the page stops with a calm notice (members) or what to
    do (the instructor), never a traceback; a failed open is not cached, so the next run
    tries again (after a restore).
    """
    try:
        return _workspace(str(settings.data_dir().resolve()))
    except WorkspaceUnavailable as exc:
        unavailable_notice(exc)
        st.stop()


def workspace_problem() -> WorkspaceUnavailable | None:
    """Why the workspace cannot be opened (for the instructor's recovery panel), or None."""
    try:
        _workspace(str(settings.data_dir().resolve()))
    except WorkspaceUnavailable as exc:
        return exc
    return None


def workspace_restored() -> None:
    """After a restore, the next run opens the workspace again."""
    _workspace.clear()


def unavailable_notice(exc: WorkspaceUnavailable) -> None:
    if is_instructor():
        st.error(tr(f"ws.unavailable.{exc.reason}"), icon=":material/error:")
        st.page_link("pages/instructor.py", label=tr("ws.unavailable.go_restore"), icon=":material/restore:")
    else:
        st.info(tr("ws.unavailable.member"), icon=":material/hourglass_empty:")


SAVE_ERROR = "ws:save_error"


def saving(callback: Callable) -> Callable:
    """A widget callback that saves: a failed save leaves a message for the page instead of a traceback.

    The widgets keep what was typed (nothing is cleared), so pressing Save again works
    once the cause (a full disk, a lock) is gone.
    """
    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except WorkspaceError as exc:
            st.session_state[SAVE_ERROR] = exc
    return guarded


def show_save_error(error: WorkspaceError) -> None:
    if isinstance(error, WorkspaceUnavailable):
        unavailable_notice(error)
    elif isinstance(error, SaveFailed):
        st.error(tr("ws.save_failed"), icon=":material/error:")
    else:
        st.error(str(error), icon=":material/error:")


def run_page(navigation) -> None:
    """Run the chosen page; a workspace that fails mid-page is a Japanese message, never a traceback."""
    pending = st.session_state.pop(SAVE_ERROR, None)
    if pending is not None:
        show_save_error(pending)
    try:
        navigation.run()
    except WorkspaceError as exc:
        show_save_error(exc)


def remember_member(member_id: str) -> dict | None:
    """Make this browser the member `member_id` (None if no such member, or no workspace to ask now)."""
    try:
        ws = _workspace(str(settings.data_dir().resolve()))
    except WorkspaceUnavailable:
        return None
    member = ws.member(member_id)
    group = ws.group(member.group_id) if member else None
    if group is None:
        return None
    st.session_state["member"] = {
        "group_id": group.group_id, "group_name": group.name, "course_id": group.course_id,
        "member_id": member.member_id, "name": member.name, "department": member.department,
    }
    return st.session_state["member"]


def forget_member() -> None:
    st.session_state.pop("member", None)
    st.query_params.pop("member", None)


def current_member() -> dict | None:
    """The member this browser joined as: group_id, group_name, member_id, name, department.

    The member id also rides in the URL (?member=...), so reloading the page keeps it.
    """
    member = st.session_state.get("member")
    if member is None and st.query_params.get("member"):
        member = remember_member(st.query_params["member"])
    if member is not None and st.query_params.get("member") != member["member_id"]:
        st.query_params["member"] = member["member_id"]
    return member


def is_instructor() -> bool:
    return bool(st.session_state.get("instructor"))


def actor() -> str:
    """Who is changing things, as written in the history."""
    member = current_member()
    if member is not None:
        return f"{member['name']}（{member['department']}）"
    return tr("who.instructor") if is_instructor() else tr("who.guest")


def who_am_i() -> None:
    """Sidebar: the group and member (or instructor) of this browser."""
    member = current_member()
    if member is not None:
        st.sidebar.markdown(tr("who.member", group=member["group_name"], name=member["name"],
                               department=member["department"]))
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


_leave_pages_folder_mode()
