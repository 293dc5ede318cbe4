"""データ準備の手引き (instructor): what each preparation step protects against."""
import streamlit as st

from lib import ui

ui.require_instructor()

st.title(ui.tr("guide.title"))
st.markdown(ui.tr("guide.context"))
st.header(ui.tr("guide.steps_title"))
st.markdown(ui.tr("guide.steps"))
st.header(ui.tr("guide.practice_title"))
st.markdown(ui.tr("guide.practice"))
st.header(ui.tr("guide.cli_title"))
st.markdown(ui.tr("guide.cli"))
st.header(ui.tr("guide.limits_title"))
st.markdown(ui.tr("guide.limits"))
