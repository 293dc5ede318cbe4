"""Data Academy Workbench: page setup, navigation and the sidebar."""
import streamlit as st

from lib import i18n
from lib.server_sockets import answer_without_delay

answer_without_delay()  # before lib.ui: on every connection accepted from the first run on

# An emoji favicon is drawn in the page; a Material icon one would be fetched from the internet.
st.set_page_config(page_title="データアカデミー ワークベンチ", page_icon="📊", layout="wide")
_lang = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def _title(key: str) -> str:
    return i18n.t(key, _lang)


def _page(name: str, title_key: str, icon: str) -> st.Page:
    """pages/<name>.py, served at /<name>, with a Material icon."""
    return st.Page(f"pages/{name}.py", title=_title(title_key), icon=f":material/{icon}:", url_path=name)


pages = {
    _title("nav.start"): [
        st.Page("pages/home.py", title=_title("page.home"), icon=":material/home:", default=True),
    ],
    _title("nav.sessions"): [
        _page("join", "page.join", "group_add"),
        _page("session_1", "page.session_1", "looks_one"),
        _page("session_2", "page.session_2", "looks_two"),
        _page("session_3", "page.session_3", "looks_3"),
        _page("session_4", "page.session_4", "looks_4"),
        _page("workspace", "page.workspace", "folder_shared"),
        _page("presentation", "page.presentation", "co_present"),
        _page("exercises", "page.exercises", "edit_note"),
    ],
    _title("nav.data"): [
        _page("catalog", "page.catalog", "dataset"),
    ],
    _title("nav.analysis"): [
        _page("chart_builder", "page.charts", "bar_chart"),
        _page("pivot_table", "page.pivot", "table_chart"),
        _page("statistics", "page.statistics", "functions"),
        _page("area_patterns", "page.area_patterns", "hub"),
        _page("projection", "page.projection", "trending_up"),
        _page("survey_analysis", "page.survey", "forum"),
        _page("sql_console", "page.sql", "terminal"),
    ],
    _title("nav.maps"): [
        _page("map", "page.map", "map"),
    ],
    _title("nav.instructor"): [
        _page("instructor", "page.instructor", "school"),
        _page("instructor_data", "page.instructor_data", "cleaning_services"),
        _page("instructor_exports", "page.instructor_exports", "inventory_2"),
        _page("privacy_checklist", "page.privacy_checklist", "verified_user"),
        _page("instructor_guide", "page.instructor_guide", "menu_book"),
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
