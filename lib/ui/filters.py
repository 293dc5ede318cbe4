"""Filter widgets for the analysis pages: values for categories, a range for numbers."""
from __future__ import annotations

import streamlit as st

from lib.analysis.age_groups import groups_for
from lib.charts.spec import filter_choices
from lib.data.query import Filter, area_names, distinct_values, resolve_column, value_range
from lib.ui import lang, tr
from lib.ui.analysis_controls import KEEP, step_label
from lib.ui.city_choice import city_filters


def _age_presets(bands: list, widget_key: str) -> None:
    """One click for 65歳以上 / 75歳以上 / 15〜64歳 / 0〜14歳: fills the age multiselect with their bands."""
    groups = groups_for(bands)
    if not groups:
        return

    def apply() -> None:
        chosen = st.session_state.get(f"{widget_key}:preset")
        if chosen:
            st.session_state[widget_key] = groups[chosen]

    st.pills(tr("age.presets"), list(groups), format_func=lambda g: tr(f"age.group.{g}"), key=f"{widget_key}:preset",
             on_change=apply, persist_state=KEEP)


def filter_editor(cursor, catalog: dict, dataset: str, key: str, step: int | None = None) -> list:
    """Filters on any column of a dataset (analysis pages): values for categories, a range for numbers; in a
    joint course, the municipality (the group's first, or all of them)."""
    ds = catalog[dataset]
    current = lang()

    def label_of(name: str) -> str:
        col = resolve_column(catalog, ds, name)
        return col.label_in(current) if col else name

    chosen_columns = st.multiselect(
        step_label(step, tr("chart.filters")),
        filter_choices(catalog, ds),
        format_func=label_of,
        key=f"{key}:filter_columns",
        placeholder=tr("chart.filters_none"),
        select_all=False,
        persist_state=KEEP,
    )
    names = area_names(cursor, catalog)
    filters = []
    for name in chosen_columns:
        col = resolve_column(catalog, ds, name)
        if col.is_categorical:
            values = distinct_values(cursor, catalog, dataset, name)
            if col.order:
                rank = {str(v): i for i, v in enumerate(col.order)}
                values = sorted(values, key=lambda v: rank.get(str(v), len(rank)))
            scale = col.scale or {}
            if col.role == "age_band":
                _age_presets(values, f"{key}:filter:{name}")
            picked = st.multiselect(
                label_of(name), values, key=f"{key}:filter:{name}", placeholder=tr("chart.filter_pick"),
                format_func=lambda v, scale=scale: str(scale.get(int(v), v) if scale else names.get(v, v)),
                select_all=False, persist_state=KEEP,
            )
            if picked:
                filters.append(Filter(name, "in", list(picked)))
        else:
            low, high = value_range(cursor, catalog, dataset, name)
            if low is None or low == high:
                continue
            cast = int if col.type == "integer" else float
            picked = st.slider(label_of(name), cast(low), cast(high), (cast(low), cast(high)),
                               key=f"{key}:filter:{name}", persist_state=KEEP)
            if tuple(picked) != (cast(low), cast(high)):
                filters.append(Filter(name, "between", [picked[0], picked[1]]))
    return filters + city_filters(catalog, ds, f"{key}:city")  # a joint course: the group's municipality first
