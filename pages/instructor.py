"""The instructor's view: every group's progress at a glance, their work, comments, the course."""
import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.i18n import date_text
from lib.ui import exercise_editor
from lib.ui import session_widgets as widgets
from lib.ui.course_overview import course_overview
from lib.ui.course_session import course_session_panel
from lib.ui.course_setup import course_setup
from lib.ui.group_review import group_review
from lib.ui.output_review_panel import review_panel
from lib.ui.snapshot_panel import lost_saves_notice, snapshot_panel

ui.require_instructor()
st.title(ui.tr("page.instructor"))
problem = ui.workspace_problem()
if problem is not None:  # missing or damaged: say so, and offer the snapshots (a read-only folder: no restore)
    st.error(ui.tr(f"ws.unavailable.{problem.reason}"), icon=":material/error:")
    if problem.reason != "read_only":
        snapshot_panel(workspace_ok=False)
    st.stop()
ws = ui.workspace()
lost_saves = ws.backend.lost_saves()
if lost_saves:  # acknowledged saves missing since an unclean stop: say so, and offer the snapshots
    lost_saves_notice(ws, lost_saves)
catalog = load_catalog()
info = widgets.course_picker(ui.tr("inst.course"), "inst_course")
groups = ws.groups(info.course_id)
st.caption(ui.tr("inst.course_line", municipality=info.municipality, session=info.current_session,
                 dates=" / ".join(date_text(d, ui.lang()) for d in info.session_dates)))
if st.button(ui.tr("ws.refresh"), icon=":material/refresh:"):
    st.rerun()
ui.passcode_lockouts()

overview, detail, output_check, running, setup, themes, backups = st.tabs([
    ui.tr("inst.overview"), ui.tr("inst.detail"), ui.tr("output_check.tab"), ui.tr("inst.running"), ui.tr("inst.setup"),
    ui.tr("inst.themes"), ui.tr("snap.title")])
with overview:
    course_overview(ws, groups, catalog)
with detail:
    group_review(ws, groups, info.course_id, catalog)
with output_check:
    review_panel(ws, info.course_id)
with running:
    course_session_panel(ws, info)
with setup:
    course_setup(ws, info, groups)
with themes:
    exercise_editor.themes_tab()
with backups:
    if lost_saves:
        st.caption(ui.tr("lost_saves.panel_above"))
    else:
        snapshot_panel()

if st.sidebar.button(ui.tr("inst.logout"), key="inst_logout"):
    ui.sign_out_instructor()
    st.rerun()
