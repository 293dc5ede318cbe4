"""データ準備の手引き (instructor): what each preparation step protects against."""
import streamlit as st

from lib import ui
from lib.analysis.disclosure import MIN_CELL

ui.require_instructor()

st.title(ui.tr("guide.title"))
st.markdown(ui.tr("guide.context"))
st.header(ui.tr("guide.steps_title"))
st.markdown(ui.tr("guide.steps"))
st.header(ui.tr("guide.practice_title"))
st.markdown(ui.tr("guide.practice"))
st.header(ui.tr("guide.disclosure_title"))
st.markdown(ui.tr("guide.disclosure", threshold=MIN_CELL, threshold_minus=MIN_CELL - 1))
st.header(ui.tr("guide.cli_title"))
st.markdown(ui.tr("guide.cli"))
st.header(ui.tr("guide.limits_title"))
st.markdown(ui.tr("guide.limits"))
