"""The one form that saves a chart, map, statistics result or table as evidence.

The title and note are emptied only after the save succeeded: a failed save (full
disk, busy database) leaves what the member typed in the form, as the message says.
The message after a save says where the saved thing is now listed, and only places that list it:
the page's own list (charts, maps), the group workspace's 「グラフ・地図」 and the presentation's
evidence picker (every kind, for a member of a group); a save without a group is listed nowhere else.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

import streamlit as st

from lib.ui.errors import show_save_error
from lib.ui.identity import actor, current_member
from lib.ui.startup import workspace
from lib.ui.text import tr, tr_literal
from lib.workspace.backend import WorkspaceError


def save_evidence(kind: str, title: str, note: str, spec: dict, extra: dict | None = None) -> bool:
    """Save a chart, map or table, as its spec, in the group's workspace (True); `extra` adds payload fields
    (a SQL table's saved result and review).

    Without a group joined, it stays in this browser session only (False): say so.
    """
    member = current_member()
    if member is not None:
        workspace().create_item(member["group_id"], kind, {"title": title, "note": note, "spec": spec, **(extra or {})},
                                actor())
        return True
    st.session_state.setdefault("saved_evidence", []).append({
        **(extra or {}), "kind": kind, "title": title, "note": note, "spec": spec,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
    })
    return False


def saved_evidence(kind: str | None = None) -> list[dict]:
    """Saved charts / maps / tables, newest last; `kind` = "chart", "map" or "table" to filter."""
    member = current_member()
    if member is None:
        items = st.session_state.get("saved_evidence", [])
        return [i for i in items if kind is None or i["kind"] == kind]
    stored = workspace().evidence(member["group_id"])
    return [{"kind": i.kind, "title": i.payload.get("title", ""), "note": i.payload.get("note", ""),
             "spec": i.payload.get("spec") or {}, "saved_at": i.updated_at.isoformat(timespec="seconds"),
             "item_id": i.item_id, "saved_by": i.created_by}
            for i in stored if kind is None or i.kind == kind]


def saved_message(kept_in_group: bool, listed_here: str = "", title: str = "") -> str:
    """What a save says: saved, and where it is listed (`listed_here`: the name of this page's own list)."""
    said = tr_literal("evidence.saved_titled", title=title) if title else tr("evidence.saved")
    if kept_in_group:
        where = tr("evidence.where.group_and_page", place=listed_here) if listed_here else tr("evidence.where.group")
    else:
        where = tr("evidence.where.page", place=listed_here) if listed_here else tr("evidence.where.nowhere")
    return f"{said}{where}"


def _save(key: str, kind: str, spec: Callable[[str], dict], default_title: str, title_required: bool,
          listed_here: str, name_title: bool, fresh: dict, extra: Callable[[], dict] | None = None) -> None:
    title = (st.session_state.get(f"{key}:title") or "").strip()
    note = (st.session_state.get(f"{key}:note") or "").strip()
    if title_required and not title:
        st.session_state[f"{key}:missing_title"] = True
        return
    title = title or default_title
    try:
        kept_in_group = save_evidence(kind, title, note, spec(title), extra() if extra else None)
    except WorkspaceError as exc:
        st.session_state[f"{key}:failed"] = exc  # said beside the form, which keeps the text
        return
    st.session_state[f"{key}:title"] = fresh["title"]
    st.session_state[f"{key}:note"] = fresh["note"]
    st.session_state[f"{key}:done"] = (saved_message(kept_in_group, listed_here, title if name_title else ""),
                                       kept_in_group)


def evidence_form(key: str, kind: str, spec: Callable[[str], dict], *, default_title: str,
                  button: str, listed_here: str = "", name_title: bool = False, heading: str | None = None,
                  title_label: str | None = None, note_label: str | None = None,
                  title_value: str = "", note_value: str = "", note_placeholder: str = "",
                  title_required: bool = False, missing_title: str = "",
                  extra: Callable[[], dict] | None = None) -> None:
    """A title, a note and a save button; `spec(title)` gives the spec to save under that title, `extra()` more
    payload fields (computed when the button is pressed). `listed_here` names the list of saved things on this
    page (the message points to it); `name_title` repeats the title in the message."""
    fresh = {"title": title_value, "note": note_value}
    shown_fresh = st.session_state.get(f"{key}:fresh") or {}
    for part, value in fresh.items():
        # A new suggestion (another chart) replaces the old one, never text the member typed.
        if f"{key}:{part}" not in st.session_state or st.session_state[f"{key}:{part}"] == shown_fresh.get(part):
            st.session_state[f"{key}:{part}"] = value
    st.session_state[f"{key}:fresh"] = fresh
    with st.form(key):
        if heading:
            st.markdown(f"**{heading}**")
        st.text_input(title_label or tr("chart.save_title"), key=f"{key}:title", placeholder=default_title)
        st.text_area(note_label or tr("chart.save_note"), key=f"{key}:note", placeholder=note_placeholder)
        st.form_submit_button(
            button,
            type="primary",
            icon=":material/save:",
            on_click=_save,
            args=(key, kind, spec, default_title, title_required, listed_here, name_title, fresh, extra),
        )
    if (failure := st.session_state.pop(f"{key}:failed", None)) is not None:
        show_save_error(failure)
    if st.session_state.pop(f"{key}:missing_title", False):
        st.error(missing_title)
    if (outcome := st.session_state.pop(f"{key}:done", None)) is not None:
        message, kept_in_group = outcome
        st.success(message)
        if not kept_in_group:
            st.info(tr("evidence.session_only"), icon=":material/info:")


def save_table_form(key: str, default_title: str, spec: dict, extra: Callable[[], dict] | None = None) -> None:
    """A title, a note and a button that save a table (pivot, survey or SQL result) as evidence; a SQL result
    passes `extra` (its checked result and review, lib.workspace.output_review.checked_result)."""
    evidence_form(key, "table", lambda _title: spec, default_title=default_title, button=tr("table.save_button"),
                  extra=extra)
