"""An editor for one workspace item with optimistic concurrency: a save based on an
old version is refused and both versions are shown, so no edit is lost silently."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Callable

import streamlit as st

from lib.ui import actor, saving, tr, tr_literal, workspace
from lib.workspace.items import Conflict, SaveFailed, WorkspaceUnavailable


@dataclass
class Field:
    """One input of an item editor; `options` may depend on the values entered so far."""
    name: str
    label: str
    widget: str = "text_area"  # text_input, text_area, selectbox, multiselect
    options: list | Callable[[dict], list] | None = None
    format_func: Callable[[Any], str] = str
    placeholder: str = ""
    default: Any = ""
    row: str | None = None  # fields with the same row sit side by side
    extra: dict = dataclass_field(default_factory=dict)


def _widget_key(key: str, name: str) -> str:
    return f"{key}:{name}"


def _load_values(key: str, fields: list[Field], values: dict) -> None:
    for f in fields:
        value = values.get(f.name, f.default)
        if f.widget == "multiselect":
            value = list(value or [])
        elif f.widget in ("text_area", "text_input"):
            value = "" if value is None else str(value)
        st.session_state[_widget_key(key, f.name)] = value
    st.session_state[f"{key}:loaded"] = {f.name: st.session_state[_widget_key(key, f.name)] for f in fields}


def _is_dirty(key: str, fields: list[Field]) -> bool:
    """True when the user typed something since the values were loaded."""
    loaded = st.session_state.get(f"{key}:loaded") or {}
    return any(st.session_state.get(_widget_key(key, f.name)) != loaded.get(f.name) for f in fields)


@saving
def _save_item(key: str, item_id: str | None, group_id: str, kind: str, fields: list[Field],
               to_payload: Callable[[dict], dict], validate: Callable[[dict], list[str]] | None,
               clear_after: bool) -> None:
    values = {f.name: st.session_state.get(_widget_key(key, f.name)) for f in fields}
    errors = validate(values) if validate else []
    if errors:
        st.session_state[f"{key}:errors"] = errors
        return
    st.session_state.pop(f"{key}:errors", None)
    payload = to_payload(values)
    base = st.session_state.get(f"{key}:base", 0)
    ws = workspace()
    try:
        if base == 0:
            item = ws.create_item(group_id, kind, payload, actor(), item_id=item_id)
        else:
            item = ws.update_item(item_id, payload, base, actor())
    except Conflict as conflict:
        st.session_state[f"{key}:conflict"] = conflict
        return
    except (SaveFailed, WorkspaceUnavailable):
        # The typed values stay in the widgets; Save works again once the cause is gone.
        st.session_state[f"{key}:errors"] = [tr("ws.save_failed")]
        return
    st.session_state[f"{key}:saved"] = True
    if clear_after:
        _load_values(key, fields, {})
    else:
        st.session_state[f"{key}:base"] = item.version
        st.session_state[f"{key}:loaded"] = values


@saving
def _resolve_conflict(key: str, fields: list[Field], from_payload: Callable[[dict], dict],
                      keep_mine: bool) -> None:
    conflict = st.session_state.pop(f"{key}:conflict")
    theirs = conflict.theirs
    if keep_mine:
        try:
            if conflict.mine is None:  # a delete that met a newer version
                workspace().delete_item(conflict.item_id, theirs.version, actor())
                return
            item = workspace().update_item(conflict.item_id, conflict.mine, theirs.version, actor())
        except Conflict as again:
            st.session_state[f"{key}:conflict"] = again
            return
        st.session_state[f"{key}:base"] = item.version
        st.session_state[f"{key}:loaded"] = {f.name: st.session_state.get(_widget_key(key, f.name)) for f in fields}
        st.session_state[f"{key}:saved"] = True
    else:
        _load_values(key, fields, from_payload(theirs.payload) if not theirs.deleted else {})
        st.session_state[f"{key}:base"] = theirs.version


@saving
def _delete_item(key: str, item_id: str) -> None:
    try:
        workspace().delete_item(item_id, st.session_state.get(f"{key}:base", 0), actor())
    except Conflict as conflict:
        st.session_state[f"{key}:conflict"] = conflict


def _show_payload(fields: list[Field], values: dict) -> None:
    for f in fields:
        value = values.get(f.name)
        if isinstance(value, list):
            shown = "、".join(f.format_func(v) for v in value)
        else:
            shown = f.format_func(value) if value not in (None, "") else ""
        st.markdown(f"**{f.label}**")
        st.text(shown or "—")


def item_editor(key: str, group_id: str, kind: str, fields: list[Field], item_id: str | None = None,
                to_payload: Callable[[dict], dict] | None = None,
                from_payload: Callable[[dict], dict] | None = None,
                validate: Callable[[dict], list[str]] | None = None,
                new: bool = False, deletable: bool = False, save_label: str | None = None) -> None:
    """Inputs for one workspace item, saved with the version they were loaded from.

    If another member saved the item in between, both versions are shown and the
    user chooses; typed text is never thrown away without that choice.
    `new=True` makes a form that creates a new item each time and then clears.
    """
    to_payload = to_payload or (lambda values: values)
    from_payload = from_payload or (lambda payload: payload)
    ws = workspace()
    item = None if new else ws.item(item_id)
    version = item.version if item and not item.deleted else 0
    if item is not None and item.deleted:
        item = None
    conflict = st.session_state.get(f"{key}:conflict")
    # Widget values vanish when a page is left; the stored version is then loaded again.
    widgets_gone = any(_widget_key(key, f.name) not in st.session_state for f in fields)
    newer = not new and st.session_state.get(f"{key}:base") != version
    if conflict is None and (widgets_gone or newer and not _is_dirty(key, fields)):
        _load_values(key, fields, from_payload(item.payload) if item else {})
        st.session_state[f"{key}:base"] = version
    elif conflict is None and newer:
        # Unsaved typing is kept; saving it will show both versions to choose from.
        st.info(tr("ws.changed_meanwhile"), icon=":material/sync:")
    if item is not None:
        st.caption(tr_literal("ws.last_saved", who=item.updated_by, when=item.updated_at.strftime("%m/%d %H:%M"),
                      version=item.version))
    values: dict = {}
    rows: dict[str | None, list] = {}
    for f in fields:
        if f.row is not None and f.row not in rows:
            members = [g for g in fields if g.row == f.row]
            rows[f.row] = list(zip(members, st.columns(len(members))))
    for f in fields:
        target = st
        if f.row is not None:
            target = dict((g.name, col) for g, col in rows[f.row])[f.name]
        wkey = _widget_key(key, f.name)
        options = f.options(values) if callable(f.options) else f.options
        if f.widget in ("selectbox", "multiselect"):
            options = list(options or [])
            # Labels are made now, in the user's language, not later when the widget is drawn.
            labels = {option: f.format_func(option) for option in options}
        if f.widget == "selectbox":
            if st.session_state.get(wkey) not in options:
                st.session_state[wkey] = options[0] if options else None
            target.selectbox(f.label, options, format_func=labels.get, key=wkey)
        elif f.widget == "multiselect":
            st.session_state[wkey] = [v for v in st.session_state.get(wkey) or [] if v in options]
            target.multiselect(f.label, options, format_func=labels.get, key=wkey,
                               placeholder=tr("ws.choose"), select_all=False)
        elif f.widget == "text_input":
            target.text_input(f.label, key=wkey, placeholder=f.placeholder)
        else:
            target.text_area(f.label, key=wkey, placeholder=f.placeholder, height=f.extra.get("height", 90))
        values[f.name] = st.session_state.get(wkey)
    for error in st.session_state.pop(f"{key}:errors", []):
        st.error(error)
    buttons = st.columns([3, 2, 5])
    buttons[0].button(save_label or tr("ws.save"), key=f"{key}:save", type="primary",
                      on_click=_save_item,
                      args=(key, None if new else item_id, group_id, kind, fields, to_payload, validate, new),
                      disabled=conflict is not None)
    if deletable and item is not None:
        buttons[1].button(tr("ws.delete"), key=f"{key}:delete", on_click=_delete_item, args=(key, item_id))
    if st.session_state.pop(f"{key}:saved", False):
        st.toast(tr("ws.saved"), icon=":material/check_circle:")
    if conflict is not None:
        _conflict_panel(key, fields, from_payload, conflict)


def _conflict_panel(key: str, fields: list[Field], from_payload, conflict) -> None:
    theirs = conflict.theirs
    with st.container(border=True):
        st.warning(tr_literal("ws.conflict", who=theirs.updated_by, when=theirs.updated_at.strftime("%H:%M:%S")),
                   icon=":material/warning:")
        mine_col, theirs_col = st.columns(2)
        with mine_col:
            st.markdown(f"#### {tr('ws.conflict_mine', version=conflict.base_version)}")
            _show_payload(fields, from_payload(conflict.mine or {}))
            st.button(tr("ws.keep_mine"), key=f"{key}:keep_mine", on_click=_resolve_conflict,
                      args=(key, fields, from_payload, True))
        with theirs_col:
            st.markdown(f"#### {tr_literal('ws.conflict_theirs', who=theirs.updated_by, version=theirs.version)}")
            _show_payload(fields, from_payload(theirs.payload) if not theirs.deleted else {})
            st.button(tr("ws.take_theirs"), key=f"{key}:take_theirs", on_click=_resolve_conflict,
                      args=(key, fields, from_payload, False))


@saving
def delete_plain_item(item_id: str, version: int) -> None:
    try:
        workspace().delete_item(item_id, version, actor())
    except Conflict:
        st.session_state["ws:delete_conflict"] = True
