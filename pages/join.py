"""参加する: choose your group, type its join code, and your name and department; or join as the group's
shared PC, naming the members at it (lib.ui.group_pc_join)."""
import streamlit as st

from lib import settings, ui
from lib.ui import group_pc_join
from lib.workspace import course

st.title(ui.tr("join.title"))
ws = ui.workspace()
member = ui.current_member()
pc = ui.shared_pc()
if pc is not None:
    st.success(ui.tr_literal("join.shared.already", group=pc.group.name, names="・".join(m.name for m in pc.present),
                             actor=pc.actor(ui.lang())))
    st.page_link("pages/session_1.py", label=ui.tr("page.session_1"), icon=":material/looks_one:")
    group_pc_join.change_present(pc)
elif member is not None:
    st.success(ui.tr_literal("join.already", group=member["group_name"], name=member["name"]))
    st.page_link("pages/session_1.py", label=ui.tr("page.session_1"), icon=":material/looks_one:")
if member is not None:
    if st.button(ui.tr("join.leave"), key="join_leave"):
        ui.sign_out_member()
        st.rerun()
    st.stop()

current = course.current_course(ws)
if current is None:
    st.info(ui.tr("join.no_course"))
    st.stop()
groups = [g for g in ws.groups(current.course_id) if not course.is_example(g)]
if st.radio(ui.tr("join.way"), ["own", "shared"], format_func=lambda way: ui.tr(f"join.way.{way}"),
            horizontal=True, key="join_way") == "shared":
    group_pc_join.join_form(groups)
    st.stop()
st.write(ui.tr("join.lead", course=current.name))
with st.form("join"):
    group_id = st.selectbox(ui.tr("join.group"), [g.group_id for g in groups],
                            format_func=lambda gid: next(g.name for g in groups if g.group_id == gid),
                            key="join_group")
    code = st.text_input(ui.tr("join.code"), placeholder="ABC-234", key="join_code")
    name = st.text_input(ui.tr("join.name"), key="join_name")
    department = st.text_input(ui.tr("join.department"), placeholder=ui.tr("join.department_example"),
                               key="join_department")
    keep = st.checkbox(
        ui.tr("join.keep"), value=True, key="join_keep", help=ui.tr("join.keep_help", days=f"{settings.SIGN_IN_DAYS:g}")
    )
    st.caption(ui.tr("join.no_email"))
    submitted = st.form_submit_button(ui.tr("join.submit"), type="primary")
if submitted:
    try:
        joined = course.join_group(ws, group_id, code, name, department, ui.lang())
    except course.CourseError as exc:
        st.error(str(exc))
    else:
        ui.sign_in_member(joined.member_id, keep)
        st.rerun()
