"""Data Academy Workbench: page setup, navigation and the sidebar."""
import streamlit as st

from lib import i18n

# An emoji favicon is drawn in the page; a Material icon one would be fetched from the internet.
st.set_page_config(page_title="データアカデミー ワークベンチ", page_icon="📊", layout="wide")
_lang = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def _title(key: str) -> str:
    return i18n.t(key, _lang)


pages = {
    _title("nav.start"): [
        st.Page("pages/home.py", title=_title("page.home"), icon=":material/home:", default=True),
    ],
    _title("nav.sessions"): [
        st.Page("pages/join.py", title=_title("page.join"), icon=":material/group_add:", url_path="join"),
        st.Page("pages/session_1.py", title=_title("page.session_1"), icon=":material/looks_one:", url_path="session_1"),
        st.Page("pages/session_2.py", title=_title("page.session_2"), icon=":material/looks_two:", url_path="session_2"),
        st.Page("pages/session_3.py", title=_title("page.session_3"), icon=":material/looks_3:", url_path="session_3"),
        st.Page("pages/session_4.py", title=_title("page.session_4"), icon=":material/looks_4:", url_path="session_4"),
        st.Page("pages/workspace.py", title=_title("page.workspace"), icon=":material/folder_shared:", url_path="workspace"),
        st.Page("pages/presentation.py", title=_title("page.presentation"), icon=":material/co_present:", url_path="presentation"),
        st.Page("pages/exercises.py", title=_title("page.exercises"), icon=":material/edit_note:", url_path="exercises"),
    ],
    _title("nav.data"): [
        st.Page("pages/catalog.py", title=_title("page.catalog"), icon=":material/dataset:", url_path="catalog"),
    ],
    _title("nav.analysis"): [
        st.Page("pages/chart_builder.py", title=_title("page.charts"), icon=":material/bar_chart:", url_path="chart_builder"),
        st.Page("pages/pivot_table.py", title=_title("page.pivot"), icon=":material/table_chart:", url_path="pivot_table"),
        st.Page("pages/statistics.py", title=_title("page.statistics"), icon=":material/functions:", url_path="statistics"),
        st.Page("pages/area_patterns.py", title=_title("page.area_patterns"), icon=":material/hub:", url_path="area_patterns"),
        st.Page("pages/projection.py", title=_title("page.projection"), icon=":material/trending_up:", url_path="projection"),
        st.Page("pages/survey_analysis.py", title=_title("page.survey"), icon=":material/forum:", url_path="survey_analysis"),
        st.Page("pages/sql_console.py", title=_title("page.sql"), icon=":material/terminal:", url_path="sql_console"),
    ],
    _title("nav.maps"): [
        st.Page("pages/map.py", title=_title("page.map"), icon=":material/map:", url_path="map"),
    ],
    _title("nav.instructor"): [
        st.Page("pages/instructor.py", title=_title("page.instructor"), icon=":material/school:", url_path="instructor"),
        st.Page("pages/instructor_data.py", title=_title("page.instructor_data"), icon=":material/cleaning_services:", url_path="instructor_data"),
        st.Page("pages/instructor_exports.py", title=_title("page.instructor_exports"), icon=":material/inventory_2:",
                url_path="instructor_exports"),
        st.Page("pages/privacy_checklist.py", title=_title("page.privacy_checklist"), icon=":material/verified_user:",
                url_path="privacy_checklist"),
        st.Page("pages/instructor_guide.py", title=_title("page.instructor_guide"), icon=":material/menu_book:", url_path="instructor_guide"),
    ],
}
# The menu is set first, before lib.ui is imported (~2 s on a fresh start) and the first start builds
# the demo database: until this script reaches st.navigation, Streamlit's sidebar lists the pages/
# files by their English names. It stays Streamlit's own menu: with a menu of st.page_link, a rerun of
# the page being left could win the race with the click and the editors showed empty fields (issue 21).
navigation = st.navigation(pages, expanded=True)  # every page listed: no English 「View 11 more」

from lib import ui  # noqa: E402  (after the menu, as said above)
from lib.ui.connection_notice import tell_when_the_connection_drops  # noqa: E402
from lib.ui.font_size import font_size_choice  # noqa: E402
from lib.ui.leave_guard import warn_before_leaving_typed_text  # noqa: E402

ui.start_store()  # builds the demo database on first start, while the page draws
ui.restore_sign_in()  # F5, a new tab, a server restart: still the member (or instructor) of before

with st.sidebar:
    st.caption(_title("app.title"))
    ui.language_switch()
    ui.who_am_i()
    font_size_choice()
    st.caption(_title("sidebar.offline"))
warn_before_leaving_typed_text()
tell_when_the_connection_drops()
ui.streamlit_in_language()

ui.run_page(navigation)
