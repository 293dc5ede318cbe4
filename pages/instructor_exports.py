"""The instructor downloads every group's deck (zip) and the course summary for the municipality's records."""
import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.deck import course_summary
from lib.ui import session_widgets as widgets

ui.require_instructor()
st.title(ui.tr("page.instructor_exports"))
st.caption(ui.tr("inst_exports.lead"))
ws = ui.workspace()
lang = ui.lang()
catalog = load_catalog()
info = widgets.course_picker(ui.tr("inst_exports.course"), "exports_course")
course_id = info.course_id

st.subheader(ui.tr("inst_exports.summary"))
summaries = course_summary.course_summaries(ws, course_id, catalog, lang)
markdown = course_summary.summary_markdown(summaries, info, lang)
left, right = st.columns(2)
left.download_button(ui.tr("inst_exports.summary_xlsx"), course_summary.summary_xlsx(summaries, info, lang),
                     "研修のまとめ.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     icon=":material/table_view:", key="exports_xlsx", width="stretch")
right.download_button(ui.tr("inst_exports.summary_md"), markdown.encode("utf-8"), "研修のまとめ.md",
                      "text/markdown", icon=":material/description:", key="exports_md", width="stretch")
with st.expander(ui.tr("inst_exports.summary"), expanded=True):
    st.markdown(markdown)

st.subheader(ui.tr("inst_exports.zip"))
zip_key = f"exports_zip:{course_id}"
if st.button(ui.tr("inst_exports.make_zip"), icon=":material/inventory_2:", type="primary", key="exports_make_zip"):
    with st.status(ui.tr("inst_exports.making_zip"), expanded=True) as status:
        bar = st.progress(0.0, text=ui.tr("wait.zip_summary"))

        def on_group(number: int, total: int, name: str) -> None:
            bar.progress(number / total, text=ui.tr("wait.zip_group", group=name, n=number + 1, total=total))

        st.session_state[zip_key] = course_summary.deliverables_zip(ws, ui.store(), catalog, course_id, lang,
                                                                    on_group=on_group)
        status.update(label=ui.tr("wait.zip_done"), state="complete", expanded=False)
if st.session_state.get(zip_key):
    data = st.session_state[zip_key]
    st.success(ui.tr("inst_exports.zip_ready", groups=len(summaries), size=f"{len(data) / 1e6:.1f} MB"))
    st.download_button(
        ui.tr("inst_exports.zip"),
        data,
        "発表資料_全グループ.zip",
        "application/zip",
        icon=":material/download:",
        key="exports_zip_download",
    )
