"""Data Academy Workbench: page setup, navigation and the sidebar."""
import streamlit as st

from lib import ui

st.set_page_config(page_title="データアカデミー ワークベンチ", page_icon="📊", layout="wide")

ui.store()  # builds the demo database on first start, and map assets

pages = {
    ui.tr("nav.start"): [
        st.Page("pages/home.py", title=ui.tr("page.home"), icon="🏠", default=True, url_path="home"),
    ],
    ui.tr("nav.data"): [
        st.Page("pages/catalog.py", title=ui.tr("page.catalog"), icon="🗂️", url_path="catalog"),
    ],
}
navigation = st.navigation(pages)

with st.sidebar:
    st.caption(ui.tr("app.title"))
    ui.language_switch()
    st.caption(ui.tr("sidebar.offline"))

navigation.run()
