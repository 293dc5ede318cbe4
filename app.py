"""Data Academy Workbench: page setup, navigation and the sidebar."""
import streamlit as st

from lib import ui
from lib.ui.leave_guard import warn_before_leaving_typed_text

# An emoji favicon is drawn in the page; a Material icon one would be fetched from the internet.
st.set_page_config(page_title="データアカデミー ワークベンチ", page_icon="📊", layout="wide")

pages = {
    ui.tr("nav.start"): [
        st.Page("pages/home.py", title=ui.tr("page.home"), icon=":material/home:", default=True),
    ],
    ui.tr("nav.sessions"): [
        st.Page("pages/join.py", title=ui.tr("page.join"), icon=":material/group_add:", url_path="join"),
        st.Page("pages/session_1.py", title=ui.tr("page.session_1"), icon=":material/looks_one:", url_path="session_1"),
        st.Page("pages/session_2.py", title=ui.tr("page.session_2"), icon=":material/looks_two:", url_path="session_2"),
        st.Page("pages/session_3.py", title=ui.tr("page.session_3"), icon=":material/looks_3:", url_path="session_3"),
        st.Page("pages/session_4.py", title=ui.tr("page.session_4"), icon=":material/looks_4:", url_path="session_4"),
        st.Page("pages/workspace.py", title=ui.tr("page.workspace"), icon=":material/folder_shared:", url_path="workspace"),
        st.Page("pages/presentation.py", title=ui.tr("page.presentation"), icon=":material/co_present:", url_path="presentation"),
        st.Page("pages/exercises.py", title=ui.tr("page.exercises"), icon=":material/edit_note:", url_path="exercises"),
    ],
    ui.tr("nav.data"): [
        st.Page("pages/catalog.py", title=ui.tr("page.catalog"), icon=":material/dataset:", url_path="catalog"),
    ],
    ui.tr("nav.analysis"): [
        st.Page("pages/chart_builder.py", title=ui.tr("page.charts"), icon=":material/bar_chart:", url_path="chart_builder"),
        st.Page("pages/pivot_table.py", title=ui.tr("page.pivot"), icon=":material/table_chart:", url_path="pivot_table"),
        st.Page("pages/statistics.py", title=ui.tr("page.statistics"), icon=":material/functions:", url_path="statistics"),
        st.Page("pages/survey_analysis.py", title=ui.tr("page.survey"), icon=":material/forum:", url_path="survey_analysis"),
        st.Page("pages/sql_console.py", title=ui.tr("page.sql"), icon=":material/terminal:", url_path="sql_console"),
    ],
    ui.tr("nav.maps"): [
        st.Page("pages/map.py", title=ui.tr("page.map"), icon=":material/map:", url_path="map"),
    ],
    ui.tr("nav.instructor"): [
        st.Page("pages/instructor.py", title=ui.tr("page.instructor"), icon=":material/school:", url_path="instructor"),
        st.Page("pages/instructor_data.py", title=ui.tr("page.instructor_data"), icon=":material/cleaning_services:", url_path="instructor_data"),
        st.Page("pages/instructor_exports.py", title=ui.tr("page.instructor_exports"), icon=":material/inventory_2:",
                url_path="instructor_exports"),
        st.Page("pages/privacy_checklist.py", title=ui.tr("page.privacy_checklist"), icon=":material/verified_user:",
                url_path="privacy_checklist"),
        st.Page("pages/instructor_guide.py", title=ui.tr("page.instructor_guide"), icon=":material/menu_book:", url_path="instructor_guide"),
    ],
}
# The menu is drawn here, before the slow first start below, as page links with Japanese titles:
# Streamlit's own sidebar menu is off (client.showSidebarNavigation), since on a fresh server its first
# run lists the pages/ files by their English names until this script reaches st.navigation.
navigation = st.navigation(pages, position="hidden")
ui.page_menu(pages)

ui.store()  # builds the demo database on first start, and map assets

with st.sidebar:
    st.caption(ui.tr("app.title"))
    ui.language_switch()
    ui.who_am_i()
    st.caption(ui.tr("sidebar.offline"))
warn_before_leaving_typed_text()
ui.streamlit_in_language()

ui.run_page(navigation)
