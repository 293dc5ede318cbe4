"""This process's store and workspace for the pages: prepared once (lib.workspace.startup, shared with the
CLI), cached, and opened again after they vanish or are restored. A workspace that cannot be opened stops
the page with a calm notice, never a traceback."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import streamlit as st

from lib import settings
from lib.data.store import Store, get_store
from lib.ui.identity import is_instructor
from lib.ui.text import tr
from lib.workspace import startup
from lib.workspace.backend import WorkspaceUnavailable
from lib.workspace.drafts import Drafts
from lib.workspace.items import forget_workspace

log = logging.getLogger(__name__)
_builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="published-build")
_builds: dict[str, Future] = {}  # data folder → its store being prepared (the first start's build)
_builds_lock = threading.Lock()


def _build(data_dir: str) -> Store:
    store = startup.prepare_store(get_store(Path(data_dir)))
    try:  # the demo course on a first start, as before anyone opens a page that needs it
        startup.open_seeded_workspace(store)
    except Exception:  # noqa: BLE001  only a head start: the pages that need it open it and say what failed
        log.warning("workspace not opened at start", exc_info=True)
    return store


def _building(data_dir: str) -> Future:
    with _builds_lock:
        if data_dir not in _builds:
            _builds[data_dir] = _builder.submit(_build, data_dir)
        return _builds[data_dir]


def start_store() -> None:
    """Start preparing the store (the published database on a first start) without waiting for it: the
    page draws at once and waits, with a spinner, only where it first reads data (app.py calls this)."""
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
    """The store, with the published database built (first start) and map assets in place."""
    return _prepared_store(str(settings.data_dir().resolve()))


@st.cache_resource(show_spinner=False)
def _workspace(data_dir: str):
    return startup.open_seeded_workspace(store())


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


def workspace_or_none():
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


def drafts() -> Drafts:
    """Where members' unsaved editor text is kept (lib.workspace.drafts)."""
    return Drafts(settings.data_dir())
