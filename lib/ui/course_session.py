"""Which of the four sessions a course is at: the instructor moves it on (or back), and the session pages follow."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.workspace import course


def course_session_panel(ws, info) -> None:
    """`info`: the course (lib.workspace.course's Course)."""
    st.metric(ui.tr("inst.current_session"), ui.tr(f"page.session_{info.current_session}"))
    if info.current_session < 4 and st.button(ui.tr("inst.next_session"), type="primary", key="inst_next"):
        course.move_to_session(ws, info.course_id, info.current_session + 1, ui.actor(), ui.lang())
        st.rerun()
    session_titles = {n: ui.tr(f"page.session_{n}") for n in course.SESSIONS}
    session = st.selectbox(ui.tr("inst.set_session"), course.SESSIONS, index=info.current_session - 1,
                           format_func=session_titles.get, key="inst_session")
    if st.button(ui.tr("inst.set_session_button"), key="inst_set_session") and session != info.current_session:
        course.move_to_session(ws, info.course_id, session, ui.actor(), ui.lang())
        st.rerun()
