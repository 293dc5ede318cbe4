"""Setting a course up, on the instructor page: the groups' join codes and the printable join sheet, each
group's municipality (a joint course), adding a group, and creating a new course."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from lib import settings, ui
from lib.ui import session_widgets as widgets
from lib.ui.city_choice import group_cities_panel, new_group_city
from lib.workspace import course
from lib.workspace.join_sheet import join_sheet_html, workbench_address


def _add_group(ws, course_id: str, lang: str) -> None:
    """Add the typed group; the box is emptied only when it was added (a refusal keeps the name)."""
    try:
        course.add_group(ws, course_id, st.session_state.get("inst_new_group", ""), lang,
                         city_code=st.session_state.get("inst_new_group_city", ""))
        st.session_state["inst_new_group"] = ""
    except course.CourseError as exc:
        st.session_state["inst_add_group_refused"] = str(exc)


def join_codes(ws, info, groups: list) -> None:
    """The code each group joins with (the example groups have none to hand out), and the sheet to print."""
    lang = ui.lang()
    st.subheader(ui.tr("inst.join_codes"))
    joinable = [g for g in groups if not course.is_example(g)]
    codes = [{ui.tr("inst.group"): g.name, ui.tr("inst.join_code"): g.join_code,
              ui.tr("inst.members"): len(ws.members(g.group_id))} for g in joinable]
    if codes:
        st.table(pd.DataFrame(codes).set_index(ui.tr("inst.group")))
    else:
        st.info(ui.tr("inst.no_groups"))
    address = st.text_input(ui.tr("inst.join_address"), key="inst_join_address", help=ui.tr("inst.join_address_help"),
                            value=workbench_address(st.context.url, settings.SERVER_URL))
    st.download_button(ui.tr("inst.join_sheet"), join_sheet_html(info, joinable, lang, address.strip()),
                       f"参加コード_{info.name}.html", "text/html", key="inst_join_sheet", icon=":material/print:")


def add_group_form(ws, course_id: str) -> None:
    with st.form("inst_add_group"):
        st.text_input(ui.tr("inst.new_group"), key="inst_new_group")
        new_group_city()
        st.form_submit_button(ui.tr("inst.add_group"), on_click=_add_group, args=(ws, course_id, ui.lang()))
    if (refused := st.session_state.pop("inst_add_group_refused", None)) is not None:
        st.error(refused)  # the typed name stays in the box


def new_course_form(ws) -> None:
    """A new course: its name, municipality, four session dates (two weeks apart by default) and groups;
    the course picker shows it on the next run."""
    st.subheader(ui.tr("inst.new_course"))
    with st.form("inst_new_course"):
        name = st.text_input(ui.tr("inst.course_name"), key="inst_course_name")
        municipality = st.text_input(ui.tr("inst.municipality"), key="inst_municipality")
        start = date.today()
        date_columns = st.columns(4)
        dates = [date_columns[i].date_input(ui.tr(f"page.session_{i + 1}"), start + timedelta(days=14 * i),
                                            key=f"inst_date_{i}") for i in range(4)]
        group_text = st.text_area(ui.tr("inst.group_names"), "A班\nB班\nC班", key="inst_group_names")
        if st.form_submit_button(ui.tr("inst.create_course"), type="primary"):
            try:
                created, _ = course.create_course(ws, name, municipality, dates, group_text.splitlines(),
                                                  ui.actor(), ui.lang())
            except course.CourseError as exc:
                st.error(str(exc))
            else:
                widgets.pick_course_next_run("inst_course", created.course_id)
                st.rerun()


def course_setup(ws, info, groups: list) -> None:
    join_codes(ws, info, groups)
    group_cities_panel(ws, groups)
    add_group_form(ws, info.course_id)
    new_course_form(ws)
