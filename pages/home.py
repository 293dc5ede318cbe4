"""Home: what the workbench is and how the four sessions go."""
import streamlit as st

from lib import ui
from lib.data import profile as dataset_profile
from lib.data.catalog import load_catalog
from lib.ui.user_text import literal

st.title(ui.tr("app.title"))
st.write(ui.tr("home.lead"))
st.info(ui.tr("app.demo_notice"), icon=":material/info:")

st.subheader(ui.tr("home.sessions"))
for column, number in zip(st.columns(4), range(1, 5), strict=True):
    with column.container(border=True):
        st.markdown(f"**{ui.tr(f'session.{number}.title')}**")
        st.caption(ui.tr(f"session.{number}.steps"))
        st.write(ui.tr(f"session.{number}.body"))

st.subheader(ui.tr("home.datasets"))
catalog = load_catalog()
cursor = ui.store().published()
total_rows = sum(dataset_profile.row_count(cursor, ds) for ds in catalog.values())
st.write(ui.tr("home.datasets_count", n=len(catalog), rows=total_rows))
st.markdown(literal("、".join(ds.title_in(ui.lang()) for ds in catalog.values())))
st.page_link("pages/catalog.py", label=ui.tr("home.open_catalog"), icon=":material/dataset:")

st.subheader(ui.tr("home.how"))
st.markdown(ui.tr("home.how_body"))
st.page_link("pages/join.py", label=ui.tr("page.join"), icon=":material/group_add:")
st.page_link("pages/session_1.py", label=ui.tr("page.session_1"), icon=":material/looks_one:")
