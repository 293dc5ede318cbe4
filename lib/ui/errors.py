"""What a page shows when something fails: one Japanese (or English) sentence of what was wrong and what to
do, never a traceback or a server path (the convention: lib/errors.py).

Every error a user is shown is a WorkbenchError, shown with `show_error`; a failed save is remembered by
`saving` and shown on the next run; a page that fails on the workspace is caught by `run_page`.
"""
from __future__ import annotations

import functools
from typing import Callable

import streamlit as st

from lib.analysis.sql_errors import explain_sql_error
from lib.analysis.user_sql import UserQueryError
from lib.errors import WorkbenchError
from lib.ui.runtime import begin_page_run
from lib.ui.startup import unavailable_notice, workspace_lost
from lib.ui.text import lang, tr
from lib.ui.user_text import literal
from lib.workspace.backend import WorkspaceError, WorkspaceUnavailable

SAVE_ERROR = "ws:save_error"


def show_error(error: WorkbenchError, **options) -> None:
    """The error's sentence in the user's language (`options`: st.error's, e.g. an icon)."""
    st.error(error.text(lang()), **options)


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
    """A save the workspace refused or could not take; a vanished workspace is dropped and explained."""
    if isinstance(error, WorkspaceUnavailable):
        workspace_lost()
        unavailable_notice(error)
    else:
        show_error(error, icon=":material/error:")


def show_query_error(error: UserQueryError) -> None:
    """A refused or failed query: a sentence in the user's language; what DuckDB said, retold, folded away.

    DuckDB's own English is never shown (lib.analysis.sql_errors)."""
    show_error(error)
    explanation = explain_sql_error(error.detail, lang())
    if explanation.summary or explanation.excerpt:
        with st.expander(tr("sql.error.details"), expanded=True):
            if explanation.summary:
                st.markdown(literal(explanation.summary))
            if explanation.excerpt:
                st.caption(tr("sql.error.where", line=explanation.line))
                st.code(explanation.excerpt, language=None)


def run_page(navigation) -> None:
    """Run the chosen page; a workspace that fails mid-page is a Japanese message, never a traceback."""
    begin_page_run(navigation.url_path)
    pending = st.session_state.pop(SAVE_ERROR, None)
    if pending is not None:
        show_save_error(pending)
    try:
        navigation.run()
    except WorkspaceError as exc:
        show_save_error(exc)
