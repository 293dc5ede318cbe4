"""The UI layer, the only part of lib/ that imports streamlit: helpers shared by pages.

This module holds what every page needs (language, text, the store, who the user
is, saving evidence, the instructor check); lib/ui/ modules hold larger widgets.
"""
from __future__ import annotations

import functools
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Callable

import streamlit as st
from streamlit.runtime import get_instance
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from lib import i18n, settings
from lib.analysis import disclosure
from lib.analysis.sql_errors import explain_sql_error
from lib.analysis.user_sql import UserQueryError
from lib.charts.plotly_config import plotly_config
from lib.data.catalog import Dataset
from lib.data.city import is_demo_on_real_city
from lib.data.import_guards import MAX_IMPORT_BYTES
from lib.data.store import Store, get_store
from lib.ui import sign_in
from lib.ui.user_text import literal
from lib.workspace import example_group, group_pc, instructor_auth, passcode_guard
from lib.workspace.backend import SaveFailed, WorkspaceError, WorkspaceUnavailable
from lib.workspace.client_address import real_address
from lib.workspace.drafts import Drafts
from lib.workspace.items import forget_workspace, open_workspace
from lib.workspace.sign_ins import GROUP_PC, INSTRUCTOR, MEMBER

log = logging.getLogger(__name__)
APP_SCRIPT = str(settings.REPO_ROOT / "app.py")
RAN_THROUGH_APP = "ui:ran_through_app"  # a session key; app.py's sidebar sets it on every run
_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="published-build")


def _leave_pages_folder_mode() -> None:
    """Make every run go through app.py's st.navigation.

    Streamlit treats an app with a pages/ folder as a legacy multipage app until
    st.navigation first runs, so on a fresh server a deep link (e.g. /catalog)
    runs that page alone, without app.py's sidebar; in such a run Streamlit's own
    navigation lists app.py as a page. The first such run switches the mode off;
    each one (several browsers may open at once) asks for a rerun through app.py.
    The rerun is requested, not raised: raising inside this module's import made
    concurrent first imports fail with "cannot import name 'ui' from 'lib'".
    """
    PagesManager.uses_pages_directory = False
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or ctx.script_requests is None:
        return
    # Only a session's runs before its first one through app.py can be such runs (app.py may have
    # switched the mode off already: its st.navigation comes first); app.py itself is not one, and
    # such a run is known by Streamlit's legacy page list, which holds app.py.
    if RAN_THROUGH_APP in st.session_state or ThreadState.get().active_script_hash == ctx.pages_manager.main_script_hash:
        return
    if any(page["script_path"] == APP_SCRIPT for page in ctx.pages_manager.get_pages().values()):
        ctx.script_requests.request_rerun(RerunData(
            query_string=ctx.query_string, page_script_hash=ctx.page_script_hash,
            cached_message_hashes=ctx.cached_message_hashes, context_info=ctx.context_info))


def lang() -> str:
    _leave_pages_folder_mode()  # every page asks for the language first
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def tr_literal(key: str, **values) -> str:
    """The message `key` with each value (text someone typed) shown as typed, never as Markdown."""
    return tr(key, **{name: literal(value) for name, value in values.items()})


def dataset_title(ds: Dataset) -> str:
    """A dataset's title in the pickers; on a real city, the made-up demo city's data says so."""
    title = ds.title_in(lang())
    return tr("catalog.demo_title", title=title) if is_demo_on_real_city(ds) else title


_builds: dict[str, Future] = {}  # data folder → its published database being built (first start)
_builds_lock = threading.Lock()


def _build(data_dir: str) -> Store:
    store = get_store(Path(data_dir))
    store.refresh_published()
    store.published().close()
    return store


def _building(data_dir: str) -> Future:
    with _builds_lock:
        if data_dir not in _builds:
            _builds[data_dir] = _builder.submit(_build, data_dir)
        return _builds[data_dir]


def start_store() -> None:
    """Start building the published database (first start) without waiting for it: the page draws
    at once and waits (with a spinner) only where it first reads data (app.py calls it)."""
    _building(str(settings.data_dir().resolve()))


@st.cache_resource(show_spinner="データベースを準備しています…（初回のみ時間がかかります）")
def _prepared_store(data_dir: str) -> Store:
    build = _building(data_dir)
    try:
        return build.result()
    except Exception:
        with _builds_lock:  # not kept: the next run tries again
            if _builds.get(data_dir) is build:
                del _builds[data_dir]
        raise


def store() -> Store:
    """The store, with the published database built (first start)."""
    return _prepared_store(str(settings.data_dir().resolve()))


def streamlit_in_language() -> None:
    """Streamlit's own words are English whatever the language; each is hidden or replaced by ours.

    - the file uploader's "Upload" and "200MB per file": ours, with the workbench's own size limit;
    - the toolbar over tables and charts ("Download as CSV", "Search", "Fullscreen"): hidden; tables
      and charts are saved and downloaded with the pages' own buttons, which check what leaves the room;
    - the link that keyboard users meet first, "Skip to main content": ours;
    - the full-screen button Streamlit adds to Plotly's toolbar: its tooltip (drawn by CSS) ours.
    """
    limit = tr("upload.limit", mb=MAX_IMPORT_BYTES // (1024 * 1024))
    st.markdown(
        "<style>[data-testid='stFileUploaderDropzone'] button > *, "
        "[data-testid='stFileUploaderDropzoneInstructions'] * {display: none;} "
        f"[data-testid='stFileUploaderDropzone'] button::after {{content: '{tr('upload.choose')}';}} "
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div::after {{content: '{limit}'; font-size: 0.85rem;}}"
        " [data-testid='stElementToolbar'] {display: none !important;}"
        " [data-testid='stSkipToContent'] {visibility: hidden; font-size: 0;}"
        f" [data-testid='stSkipToContent']::after {{visibility: visible; font-size: 1rem; content: '{tr('app.skip_to_content')}';}}"
        f" .js-plotly-plot .plotly .modebar-btn[data-title='Fullscreen']::after {{content: '{tr('app.full_screen')}' !important;}}"
        " .js-plotly-plot .plotly .modebar-btn[data-title='Close fullscreen']::after"
        f" {{content: '{tr('app.leave_full_screen')}' !important;}}"
        "</style>", unsafe_allow_html=True)


def language_switch() -> None:
    """The sidebar's language choice; bound to session_state["lang"], so every page sees it at once."""
    st.session_state[RAN_THROUGH_APP] = True
    st.session_state.setdefault("lang", i18n.DEFAULT_LANGUAGE)
    st.sidebar.selectbox(
        i18n.t("sidebar.language", lang()), list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGES[code], key="lang",
    )


def show_query_error(error: UserQueryError) -> None:
    """A refused or failed query: a sentence in the user's language; what DuckDB said, retold, folded away.

    DuckDB's own English is never shown (lib.analysis.sql_errors)."""
    st.error(error.text(lang()))
    explanation = explain_sql_error(error.detail, lang())
    if explanation.summary or explanation.excerpt:
        with st.expander(tr("sql.error.details"), expanded=True):
            if explanation.summary:
                st.markdown(literal(explanation.summary))
            if explanation.excerpt:
                st.caption(tr("sql.error.where", line=explanation.line))
                st.code(explanation.excerpt, language=None)


def plotly_chart(figure, key: str, **kwargs) -> None:
    """st.plotly_chart with the chart's toolbar and messages in the user's language."""
    st.plotly_chart(figure, key=key, config=plotly_config(lang()), **kwargs)


def show_suppressed(count: int) -> None:
    """Say, in the user's language, that and why figures are hidden (lib.analysis.disclosure)."""
    if count:
        st.info(disclosure.notice(count, lang()), icon=":material/visibility_off:")


def save_evidence(kind: str, title: str, note: str, spec: dict, extra: dict | None = None) -> bool:
    """Save a chart, map or table, as its spec, in the group's workspace (True); `extra` adds payload fields
    (a SQL table's saved result and review).

    Without a group joined, it stays in this browser session only (False): say so.
    """
    member = current_member()
    if member is not None:
        workspace().create_item(member["group_id"], kind, {"title": title, "note": note, "spec": spec, **(extra or {})},
                                actor())
        return True
    st.session_state.setdefault("saved_evidence", []).append({
        **(extra or {}), "kind": kind, "title": title, "note": note, "spec": spec,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
    })
    return False


def saved_evidence(kind: str | None = None) -> list[dict]:
    """Saved charts / maps / tables, newest last; `kind` = "chart", "map" or "table" to filter."""
    member = current_member()
    if member is None:
        items = st.session_state.get("saved_evidence", [])
        return [i for i in items if kind is None or i["kind"] == kind]
    stored = workspace().evidence(member["group_id"])
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
        # Off unless chosen: a PC the instructor shares must never stay signed in as the instructor.
        keep = st.checkbox(tr("auth.keep", hours=f"{settings.INSTRUCTOR_SIGN_IN_HOURS:g}"), key="auth_keep")
        if st.form_submit_button(tr("auth.login")):
            address = client_address()
            ctx = get_script_run_ctx()
            verdict = passcode_guard.GUARD.attempt(address, typed, instructor_auth.verify_passcode,
                                                   session=ctx.session_id if ctx else None,
                                                   console=instructor_auth.is_loopback(address))
            if verdict.outcome == "ok":
                st.session_state["instructor"] = True
                if keep and (ws := _workspace_or_none()) is not None:
                    sign_in.start(ws, INSTRUCTOR, None, keep=True)
                st.rerun()
            st.error(tr(f"auth.{verdict.outcome}", seconds=int(verdict.wait_s) + 1,
                        minutes=int(verdict.wait_s // 60) + 1))
    st.stop()


def passcode_lockouts() -> None:
    """Instructor page: lock-outs after wrong passcodes since last cleared, and a button to clear them."""
    events = passcode_guard.lockouts_since_reset()
    if not events and not passcode_guard.GUARD.locked_clients():
        return
    lines = [tr(f"auth.lockout.{e['kind']}", at=e["at"], client=e.get("client") or "?", n=e.get("failures", 0))
             for e in events]
    st.warning(tr("auth.lockout.title") + "\n\n" + "\n".join(f"- {line}" for line in lines),
               icon=":material/lock:")
    if st.button(tr("auth.lockout.reset"), key="auth_lockout_reset"):
        passcode_guard.GUARD.reset()
        st.rerun()


# --- who am I, and the group workspace ---------------------------------------------

def client_address() -> str | None:
    """This browser's address (None when unknown): the TCP peer, or behind a trusted proxy the
    address the proxy saw (lib.workspace.client_address).

    st.context.ip_address maps loopback to None, which cannot be told apart from
    "unknown"; the raw peer is what decides whether the browser is on this machine.
    """
    try:
        ctx = get_script_run_ctx()
        client = get_instance().get_client(ctx.session_id) if ctx else None
        context = getattr(client, "client_context", None)
        peer = getattr(context, "remote_ip", None)
        forwarded = st.context.headers.get("X-Forwarded-For") if peer else None
    except Exception:  # noqa: BLE001 - no runtime (tests) means unknown, never local
        return None
    return real_address(peer, forwarded)


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


def _workspace_or_none():
    """The workspace, or None while it is missing or damaged (the caller goes on without it)."""
    try:
        return _workspace(str(settings.data_dir().resolve()))
    except WorkspaceUnavailable:
        return None


def workspace_problem() -> WorkspaceUnavailable | None:
    """Why the workspace cannot be used (for the instructor's recovery panel), or None.

    The open workspace is cached: this asks the database itself, so one deleted or damaged
    while the app runs is found on the next run (and dropped from the cache, see workspace_lost).
    """
    try:
        _workspace(str(settings.data_dir().resolve())).backend.probe()
    except WorkspaceUnavailable as exc:
        workspace_lost()
        return exc
    return None


def workspace_lost() -> None:
    """The workspace vanished or broke while the app ran: drop the cached one, so that every next open
    checks it again (and refuses to make a new, empty one while snapshots show there was one)."""
    _workspace.clear()
    forget_workspace(settings.data_dir())


def workspace_restored() -> None:
    """After a restore, the next run opens the workspace again."""
    _workspace.clear()


def unavailable_notice(exc: WorkspaceUnavailable) -> None:
    if is_instructor():
        st.error(tr(f"ws.unavailable.{exc.reason}"), icon=":material/error:")
        if exc.reason != "read_only":  # a restore cannot help a folder that cannot be written
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
        workspace_lost()
        unavailable_notice(error)
    elif isinstance(error, SaveFailed):
        st.error(tr("ws.save_failed"), icon=":material/error:")
    elif hasattr(error, "text"):
        st.error(error.text(lang()), icon=":material/error:")
    else:
        st.error(str(error), icon=":material/error:")


PAGE_RUN = "ui:page_run"  # the page whose run began last
PAGE_ARRIVED = "ui:page_arrived"
RESYNC = "ui:resync"


def page_arrived() -> bool:
    """True on a page's first run after another page's run began (or after `resync`).

    The browser forgets a page's typed values when the member clicks another page, but
    a rerun of the old page that was already on its way can still win (type, then click
    the sidebar at once): the browser then shows the old page with empty inputs while
    the server holds the text. Editors send their values again on such a run.
    """
    return bool(st.session_state.get(PAGE_ARRIVED))


def resync() -> None:
    """Make the next run send every editor's values to the browser again (「最新の状態に更新」)."""
    st.session_state[RESYNC] = True


def run_page(navigation) -> None:
    """Run the chosen page; a workspace that fails mid-page is a Japanese message, never a traceback."""
    previous = st.session_state.get(PAGE_RUN)
    st.session_state[PAGE_RUN] = navigation.url_path
    st.session_state[PAGE_ARRIVED] = previous != navigation.url_path or st.session_state.pop(RESYNC, False)
    pending = st.session_state.pop(SAVE_ERROR, None)
    if pending is not None:
        show_save_error(pending)
    try:
        navigation.run()
    except WorkspaceError as exc:
        show_save_error(exc)


def remember_member(member_id: str) -> dict | None:
    """Make this browser session the member `member_id` (None if no such member, or no workspace to ask now)."""
    ws = _workspace_or_none()
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
        sign_in.start(_workspace_or_none(), MEMBER, member_id, keep)


def sign_out_member() -> None:
    """「退出する」: this browser's sign-in ends on the server, its cookie is cleared, the session forgets."""
    if (ws := _workspace_or_none()) is not None:
        sign_in.end(ws, MEMBER)
    st.session_state.pop("member", None)


SHARED_FONT_SIZE = "ui:shared_pc_font_size"  # the font size the shared PC chose before, for the sidebar's next run


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
    if not sign_in.holds_token(MEMBER) and (ws := _workspace_or_none()) is not None:
        sign_in.start(ws, MEMBER, pc.pc_id, keep=False, signs_in_as=GROUP_PC)


def shared_pc() -> group_pc.SharedPC | None:
    """The shared PC this browser is (None for a member on their own PC or nobody)."""
    member = current_member()
    if member is None or "shared_pc" not in member:
        return None
    return group_pc.resume(workspace(), member["group_id"], member["shared_pc"])


def sign_out_instructor() -> None:
    if (ws := _workspace_or_none()) is not None:
        sign_in.end(ws, INSTRUCTOR)
    st.session_state.pop("instructor", None)


def restore_sign_in() -> None:
    """Before any page runs (app.py): who this browser signed in as, from its cookie, in a new session
    (F5, a new tab, a server restart); a session whose sign-in was revoked meanwhile is signed out.
    A workspace that cannot answer now (missing, locked, full) changes nothing: the page says why."""
    if sign_in.nothing_to_restore():  # no workspace read for a browser that never signed in
        sign_in.write_cookies()
        return
    ws = _workspace_or_none()
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


def sql_owner() -> str | None:
    """Who holds at most one SQL worker: the member (all their tabs), else this browser tab."""
    member = st.session_state.get("member")
    if member is not None:
        return "member:" + member["member_id"]
    ctx = get_script_run_ctx(suppress_warning=True)
    return "session:" + ctx.session_id if ctx is not None else None


def drafts() -> Drafts:
    """Where members' unsaved editor text is kept (lib.workspace.drafts)."""
    return Drafts(settings.data_dir())


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


_leave_pages_folder_mode()
