"""Streamlit-internal workarounds: every run through app.py, the page a run belongs to, the browser's address.

These reach into Streamlit's runtime (script-run context, pages manager, sessions); they are kept
here, away from the pages and the other helpers, so that a Streamlit upgrade is checked in one place.
"""
from __future__ import annotations

# Imported whole here, once, while app.py imports lib.ui (other sessions wait for that): pages import openpyxl's
# parts (styles, workbooks) from several sessions' threads at once on a fresh server, and its circular imports
# then fail half-initialised ("cannot import name 'Sequence' from partially initialized module").
import openpyxl  # noqa: F401
import streamlit as st
from streamlit import delta_generator
from streamlit.runtime import get_instance
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from lib import settings
from lib.workspace.client_address import real_address

APP_SCRIPT = str(settings.REPO_ROOT / "app.py")
RAN_THROUGH_APP = "ui:ran_through_app"  # a session key; app.py's sidebar sets it on every run

# On a process's first element Streamlit asks whether it runs in a Python REPL, to print a warning: it reads the
# source of every frame on the stack (inspect.stack), half a second of a fresh server's first page. The app runs
# under `streamlit run`, never in a REPL: that warning is marked as given.
delta_generator._use_warning_has_been_displayed = True


def leave_pages_folder_mode() -> None:
    """Make every run go through app.py's st.navigation.

    Streamlit treats an app with a pages/ folder as a legacy multipage app until
    st.navigation first runs, so on a fresh server a deep link (e.g. /catalog)
    runs that page alone, without app.py's sidebar; in such a run Streamlit's own
    navigation lists app.py as a page. The first such run switches the mode off;
    each one (several browsers may open at once) asks for a rerun through app.py.
    The rerun is requested, not raised: raising inside lib.ui's import made
    concurrent first imports fail with "cannot import name 'ui' from 'lib'".
    """
    PagesManager.uses_pages_directory = False
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None or ctx.script_requests is None:
        return
    # Only a session's runs before its first one through app.py can be such runs (app.py may have
    # switched the mode off already: its st.navigation comes first); app.py itself is not one, and
    # such a run is known by Streamlit's legacy page list, which holds app.py.
    if (
        RAN_THROUGH_APP in st.session_state
        or ThreadState.get().active_script_hash == ctx.pages_manager.main_script_hash
    ):
        return
    if any(page["script_path"] == APP_SCRIPT for page in ctx.pages_manager.get_pages().values()):
        ctx.script_requests.request_rerun(RerunData(
            query_string=ctx.query_string, page_script_hash=ctx.page_script_hash,
            cached_message_hashes=ctx.cached_message_hashes, context_info=ctx.context_info))


def mark_run_through_app() -> None:
    """app.py's sidebar: this session's runs go through app.py from now on."""
    st.session_state[RAN_THROUGH_APP] = True


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


def begin_page_run(url_path: str) -> None:
    """Note which page this run draws (see page_arrived)."""
    previous = st.session_state.get(PAGE_RUN)
    st.session_state[PAGE_RUN] = url_path
    st.session_state[PAGE_ARRIVED] = previous != url_path or st.session_state.pop(RESYNC, False)


def session_id() -> str | None:
    """This browser tab's Streamlit session (None outside a run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


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
