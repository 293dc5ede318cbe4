"""The instructor's passcode: setting the first one on the server's own machine, logging in (with the
lock-out after wrong passcodes, lib.workspace.passcode_guard), and clearing lock-outs."""
from __future__ import annotations

import streamlit as st

from lib import settings
from lib.i18n import time_text
from lib.ui import sign_in
from lib.ui.errors import show_error
from lib.ui.runtime import client_address, session_id
from lib.ui.startup import workspace_or_none
from lib.ui.text import lang, tr
from lib.workspace import instructor_auth, passcode_guard
from lib.workspace.sign_ins import INSTRUCTOR


def require_instructor() -> None:
    """Stop the page unless the user is the instructor (passcode; see lib.workspace.instructor_auth)."""
    if st.session_state.get("instructor"):
        return
    st.title(tr("auth.title"))
    if not instructor_auth.passcode_is_set():
        _first_passcode()
        st.stop()
    with st.form("instructor_login"):
        typed = st.text_input(tr("auth.passcode"), type="password", key="auth_passcode")
        # Off unless chosen: a PC the instructor shares must never stay signed in as the instructor.
        keep = st.checkbox(tr("auth.keep", hours=f"{settings.INSTRUCTOR_SIGN_IN_HOURS:g}"), key="auth_keep")
        if st.form_submit_button(tr("auth.login")):
            address = client_address()
            verdict = passcode_guard.GUARD.attempt(address, typed, instructor_auth.verify_passcode,
                                                   session=session_id(),
                                                   console=instructor_auth.is_loopback(address))
            if verdict.outcome == "ok":
                st.session_state["instructor"] = True
                if keep and (ws := workspace_or_none()) is not None:
                    sign_in.start(ws, INSTRUCTOR, None, keep=True)
                st.rerun()
            st.error(tr(f"auth.{verdict.outcome}", seconds=int(verdict.wait_s) + 1,
                        minutes=int(verdict.wait_s // 60) + 1))
    st.stop()


def _first_passcode() -> None:
    """The first passcode, set only from the server's own machine (else: how to set it there)."""
    if not instructor_auth.may_set_first_passcode(client_address()):
        st.warning(tr("auth.not_set_remote"))
        return
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
                    show_error(exc)
                else:
                    st.session_state["instructor"] = True
                    st.rerun()


def passcode_lockouts() -> None:
    """Instructor page: lock-outs after wrong passcodes since last cleared, and a button to clear them."""
    events = passcode_guard.lockouts_since_reset()
    if not events and not passcode_guard.GUARD.locked_clients():
        return
    lines = [
        tr(
            f"auth.lockout.{e['kind']}",
            at=time_text(e["at"], lang()),
            client=e.get("client") or "?",
            n=e.get("failures", 0),
        )
        for e in events
    ]
    st.warning(tr("auth.lockout.title") + "\n\n" + "\n".join(f"- {line}" for line in lines),
               icon=":material/lock:")
    if st.button(tr("auth.lockout.reset"), key="auth_lockout_reset"):
        passcode_guard.GUARD.reset()
        st.rerun()
