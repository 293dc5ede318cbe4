"""Joint courses in the pages: which municipality a map or chart shows (the group's first), and each group's
municipality on the instructor page. Nothing shows while the workbench has one city."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import ui
from lib.charts.spec import city_column
from lib.data.city_file import city_list, city_totals
from lib.data.query import Filter
from lib.workspace import course

ALL = ""  # 全市町


def _names() -> dict[str, str]:
    return {c["city_code"]: c["city_name"] for c in city_list()}


def city_choice(key: str, everyone: bool = True) -> str:
    """A select box of the joint course's municipalities and 「全市町」 (not with `everyone` False: what only
    makes sense per municipality, as a projection), opening on the member's group's municipality; the chosen
    code ("" = all). Without a joint course: "" and nothing drawn."""
    names = _names()
    if len(names) < 2:
        return ALL
    member = ui.current_member()
    ws = ui.workspace() if member is not None else None
    default = course.group_city(ws.group(member["group_id"])) if ws is not None else ALL
    options = [*names, ALL] if everyone else list(names)
    default = default if default in options else options[0]
    return st.selectbox(ui.tr("city.choice.label"), options, index=options.index(default), key=key,
                        format_func=lambda code: names.get(code) or ui.tr("city.choice.all"),
                        help=ui.tr("city.choice.help"))


def city_filters(catalog: dict, ds, key: str) -> list[Filter]:
    """The chart's filter to one municipality of a joint course (none for 「全市町」, for a dataset without
    町丁目, or with one city): the choice is drawn only where it applies."""
    column = city_column(catalog, ds) if len(city_list()) > 1 else None
    code = city_choice(key) if column is not None else ALL
    return [Filter(column, "in", [_names()[code]])] if code else []


def _assign(ws, group) -> None:
    code = st.session_state.get(f"inst_group_city_{group.group_id}", ALL)
    course.set_group_city(ws, group.group_id, code, ui.lang())
    st.session_state["inst_group_city_saved"] = ui.tr("city.groups.saved", group=group.name,
                                                      city=_names().get(code) or ui.tr("city.groups.none"))


def group_cities_panel(ws, groups: list) -> None:
    """Each group's municipality in a joint course (the example group's is the first municipality)."""
    names = _names()
    if len(names) < 2:
        return
    st.subheader(ui.tr("city.groups.title"))
    st.caption(ui.tr("city.groups.lead"))
    options = [*names, ALL]
    for group in (g for g in groups if not course.is_example(g)):
        st.selectbox(group.name, options, index=options.index(course.group_city(group)),
                     key=f"inst_group_city_{group.group_id}", on_change=_assign, args=(ws, group),
                     format_func=lambda code: names.get(code) or ui.tr("city.groups.none"))
    if (saved := st.session_state.pop("inst_group_city_saved", None)) is not None:
        st.success(saved)


def new_group_city() -> str:
    """The municipality of a group being added (a joint course only; "" otherwise)."""
    names = _names()
    if len(names) < 2:
        return ALL
    options = [*names, ALL]
    return st.selectbox(ui.tr("city.choice.label"), options, key="inst_new_group_city",
                        format_func=lambda code: names.get(code) or ui.tr("city.groups.none"))


def city_totals_table(cursor) -> None:
    """Each municipality's areas, households and population as published."""
    totals = city_totals(cursor)
    if totals.empty:
        return
    st.markdown(f"**{ui.tr('city.section.totals')}**")
    shown = totals.rename(columns={c: ui.tr(f"city.totals.{c}") for c in totals.columns})
    st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch")
