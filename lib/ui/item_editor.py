"""An editor for one workspace item that never loses typed text.

- A save writes only the fields the member changed, merged field by field onto the newest
  stored version (lib.workspace.field_merge); both versions are shown only when the same
  field was changed on both sides, and nothing is written until the member chooses.
- What the member types is kept as a draft (lib.workspace.drafts) until it is saved, and
  comes back after a page change, F5 (joining again) or a server restart.
- The values are sent to the browser again whenever it may have forgotten them (ui.page_arrived).
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Callable

import streamlit as st

from lib.ui import actor, current_member, drafts, page_arrived, saving, tr, tr_literal, workspace, workspace_lost
from lib.workspace.drafts import Draft
from lib.workspace.field_merge import FieldConflict, SaveResult, merge_fields, save_fields
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


@dataclass(frozen=True)
class _Editor:
    """What the callbacks of one editor need."""
    key: str
    item_id: str | None
    group_id: str
    kind: str
    fields: list[Field]
    to_payload: Callable[[dict], dict]
    from_payload: Callable[[dict], dict]
    validate: Callable[[dict], list[str]] | None
    new: bool

    def widget_key(self, name: str) -> str:
        return f"{self.key}:{name}"

    def normalized(self, values: dict) -> dict:
        """Values as the widgets hold them (lists for multiselects, text for text inputs)."""
        out = {}
        for f in self.fields:
            value = values.get(f.name, f.default)
            if f.widget == "multiselect":
                value = list(value or [])
            elif f.widget in ("text_area", "text_input"):
                value = "" if value is None else str(value)
            out[f.name] = value
        return out

    def stored_values(self, payload: dict) -> dict:
        return self.normalized(self.from_payload(payload))

    def typed(self) -> dict:
        return {f.name: st.session_state.get(self.widget_key(f.name)) for f in self.fields}

    def start_from(self, version: int, base_values: dict, values: dict | None = None) -> None:
        """Show `values` (default: `base_values`), edited from `version` whose values were `base_values`."""
        for name, value in (base_values if values is None else values).items():
            st.session_state[self.widget_key(name)] = value
        st.session_state[f"{self.key}:base"] = version
        st.session_state[f"{self.key}:loaded"] = dict(base_values)

    def coerce(self, name: str, value) -> None:
        """Give a choice a value its options allow; a loaded value so changed is not the member's edit."""
        loaded = st.session_state.get(f"{self.key}:loaded")
        if loaded is not None and loaded.get(name) == st.session_state.get(self.widget_key(name)):
            st.session_state[f"{self.key}:loaded"] = {**loaded, name: value}
        st.session_state[self.widget_key(name)] = value

    def is_dirty(self) -> bool:
        """True when the member typed something since the values were loaded."""
        return self.typed() != (st.session_state.get(f"{self.key}:loaded") or {})

    # drafts: only a joined member has them (the instructor's comment box is not a draft)
    def draft(self) -> Draft | None:
        member = current_member()
        return drafts().get(member["member_id"], self.key) if member else None

    def keep_draft(self) -> None:
        member = current_member()
        if member is None:
            return
        if self.is_dirty():
            drafts().put(member["member_id"], self.key,
                         Draft(st.session_state.get(f"{self.key}:base", 0),
                               st.session_state.get(f"{self.key}:loaded") or {}, self.typed()))
        else:
            drafts().drop(member["member_id"], self.key)


def _keep_draft(editor: _Editor) -> None:
    editor.keep_draft()


def _apply(editor: _Editor, result: SaveResult) -> None:
    if result.conflict is not None:
        st.session_state[f"{editor.key}:conflict"] = result.conflict
        return
    editor.start_from(result.item.version, result.values)
    editor.keep_draft()
    st.session_state[f"{editor.key}:saved"] = True


def _save(editor: _Editor, base_version: int, base_values: dict, mine: dict) -> SaveResult:
    return save_fields(workspace(), item_id=editor.item_id, group_id=editor.group_id, kind=editor.kind,
                       base_version=base_version, base_values=base_values, mine=mine, actor=actor(),
                       to_payload=editor.to_payload, from_payload=editor.stored_values)


@saving
def _save_item(editor: _Editor) -> None:
    key = editor.key
    values = editor.typed()
    errors = editor.validate(values) if editor.validate else []
    if errors:
        st.session_state[f"{key}:errors"] = errors
        return
    st.session_state.pop(f"{key}:errors", None)
    try:
        if editor.new:
            workspace().create_item(editor.group_id, editor.kind, editor.to_payload(values), actor())
            editor.start_from(0, editor.normalized({}))
            editor.keep_draft()
            st.session_state[f"{key}:saved"] = True
            return
        result = _save(editor, st.session_state.get(f"{key}:base", 0),
                       st.session_state.get(f"{key}:loaded") or editor.normalized({}), values)
    except Conflict as conflict:  # the item was deleted meanwhile
        st.session_state[f"{key}:conflict"] = conflict
        return
    except SaveFailed:
        # The typed values stay in the widgets (and the draft); Save works again once the cause is gone.
        st.session_state[f"{key}:errors"] = [tr("ws.save_failed")]
        return
    except WorkspaceUnavailable:
        # Gone or damaged: this run stops with the notice until the instructor restores; the draft keeps the text.
        workspace_lost()
        return
    _apply(editor, result)


@saving
def _resolve_fields(editor: _Editor, keep_mine: bool) -> None:
    """Settle the conflicting fields one way; every other field keeps both sides' changes."""
    conflict: FieldConflict = st.session_state.pop(f"{editor.key}:conflict")
    names = [f.name for f in editor.fields]
    base_values = st.session_state.get(f"{editor.key}:loaded") or editor.normalized({})
    values = merge_fields(base_values, conflict.mine, conflict.theirs_values, names).merged
    if not keep_mine:
        values.update({name: conflict.theirs_values[name] for name in conflict.conflicts})
    if values == conflict.theirs_values:
        editor.start_from(conflict.theirs.version, conflict.theirs_values)
        editor.keep_draft()
        return
    editor.start_from(conflict.theirs.version, conflict.theirs_values, values)
    editor.keep_draft()
    try:
        result = _save(editor, conflict.theirs.version, conflict.theirs_values, values)
    except Conflict as again:
        st.session_state[f"{editor.key}:conflict"] = again
        return
    _apply(editor, result)


@saving
def _resolve_deleted(editor: _Editor, keep_mine: bool) -> None:
    """The item was deleted (or met a newer version while deleting): keep mine, or accept theirs."""
    conflict: Conflict = st.session_state.pop(f"{editor.key}:conflict")
    theirs = conflict.theirs
    if keep_mine:
        try:
            if conflict.mine is None:  # a delete that met a newer version
                workspace().delete_item(conflict.item_id, theirs.version, actor())
                return
            item = workspace().update_item(conflict.item_id, conflict.mine, theirs.version, actor())
        except Conflict as again:
            st.session_state[f"{editor.key}:conflict"] = again
            return
        editor.start_from(item.version, editor.typed())
        editor.keep_draft()
        st.session_state[f"{editor.key}:saved"] = True
    else:
        editor.start_from(theirs.version, editor.stored_values(theirs.payload) if not theirs.deleted
                          else editor.normalized({}))
        editor.keep_draft()


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
    """Inputs for one workspace item, saved as a merge onto the version they were loaded from.

    If another member changed the same field in between, both texts are shown and the
    member chooses; typed text is never thrown away without that choice.
    `new=True` makes a form that creates a new item each time and then clears.
    """
    editor = _Editor(key, None if new else item_id, group_id, kind, fields, to_payload or (lambda values: values),
                     from_payload or (lambda payload: payload), validate, new)
    ws = workspace()
    item = None if new else ws.item(item_id)
    version = item.version if item and not item.deleted else 0
    if item is not None and item.deleted:
        item = None
    stored = editor.stored_values(item.payload) if item else editor.normalized({})
    conflict = st.session_state.get(f"{key}:conflict")
    _load_inputs(editor, conflict, version, stored)
    if item is not None:
        st.caption(tr_literal("ws.last_saved", who=item.updated_by, when=item.updated_at.strftime("%m/%d %H:%M"),
                      version=item.version))
    values: dict = {}
    targets = _field_places(fields)
    for f in fields:
        _field_input(editor, f, targets[f.name], values)
        values[f.name] = st.session_state.get(editor.widget_key(f.name))
    for error in st.session_state.pop(f"{key}:errors", []):
        st.error(error)
    if conflict is None and current_member() is not None and editor.is_dirty():
        st.caption(tr("ws.unsaved_draft"))
    buttons = st.columns([3, 2, 5])
    buttons[0].button(save_label or tr("ws.save"), key=f"{key}:save", type="primary", on_click=_save_item,
                      args=(editor,), disabled=conflict is not None)
    if deletable and item is not None:
        buttons[1].button(tr("ws.delete"), key=f"{key}:delete", on_click=_delete_item, args=(key, item_id))
    if st.session_state.pop(f"{key}:saved", False):
        st.toast(tr("ws.saved"), icon=":material/check_circle:")
    if isinstance(conflict, FieldConflict):
        _field_conflict_panel(editor, conflict)
    elif conflict is not None:
        _conflict_panel(editor, conflict)


def _load_inputs(editor: _Editor, conflict, version: int, stored: dict) -> None:
    """What the inputs hold on this run: the member's typing, a restored draft or the stored version."""
    # Streamlit drops a widget's value when its page is left: then the draft or the stored version is shown.
    widgets_gone = any(editor.widget_key(f.name) not in st.session_state for f in editor.fields)
    newer = not editor.new and st.session_state.get(f"{editor.key}:base") != version
    if conflict is None and widgets_gone:
        draft = editor.draft()
        if draft is not None and draft.values != stored:
            editor.start_from(draft.base_version, editor.normalized(draft.base_values),
                              editor.normalized(draft.values))
            st.info(tr("ws.draft_restored"), icon=":material/edit_note:")
        else:
            editor.start_from(version, stored)
    elif widgets_gone:  # back on the page while a conflict waits: show the member's side of it
        mine = conflict.mine if isinstance(conflict, FieldConflict) else editor.stored_values(conflict.mine or {})
        for name, value in mine.items():
            st.session_state[editor.widget_key(name)] = value
    elif conflict is None and newer and not editor.is_dirty():
        editor.start_from(version, stored)
    elif page_arrived():
        # The browser may show this page's inputs empty while the server holds their text: send it again.
        for f in editor.fields:
            st.session_state[editor.widget_key(f.name)] = st.session_state[editor.widget_key(f.name)]
    if conflict is None and newer and editor.is_dirty():
        # Unsaved typing is kept; saving merges it with the newer version field by field.
        st.info(tr("ws.changed_meanwhile"), icon=":material/sync:")


def _field_places(fields: list[Field]) -> dict:
    """Where each field's input goes: the page, or its column of a row of fields side by side."""
    places = {}
    rows: dict[str | None, list] = {}
    for f in fields:
        if f.row is not None and f.row not in rows:
            members = [g for g in fields if g.row == f.row]
            rows[f.row] = list(zip(members, st.columns(len(members)), strict=True))
    for f in fields:
        target = st
        if f.row is not None:
            target = dict((g.name, col) for g, col in rows[f.row])[f.name]
        places[f.name] = target
    return places


def _field_input(editor: _Editor, f: Field, target, values: dict) -> None:
    """The input of one field (its options may depend on the values of the fields above it)."""
    wkey = editor.widget_key(f.name)
    options = f.options(values) if callable(f.options) else f.options
    if f.widget in ("selectbox", "multiselect"):
        options = list(options or [])
        # Labels are made now, in the user's language, not later when the widget is drawn.
        labels = {option: f.format_func(option) for option in options}
    if f.widget == "selectbox":
        if st.session_state.get(wkey) not in options:
            editor.coerce(f.name, options[0] if options else None)
        target.selectbox(f.label, options, format_func=labels.get, key=wkey, on_change=_keep_draft,
                         args=(editor,))
    elif f.widget == "multiselect":
        editor.coerce(f.name, [v for v in st.session_state.get(wkey) or [] if v in options])
        target.multiselect(f.label, options, format_func=labels.get, key=wkey, on_change=_keep_draft,
                           args=(editor,), placeholder=tr("ws.choose"), select_all=False)
    elif f.widget == "text_input":
        target.text_input(f.label, key=wkey, placeholder=f.placeholder, on_change=_keep_draft, args=(editor,))
    else:
        target.text_area(f.label, key=wkey, placeholder=f.placeholder, height=f.extra.get("height", 90),
                         on_change=_keep_draft, args=(editor,))


def _field_conflict_panel(editor: _Editor, conflict: FieldConflict) -> None:
    """Only the fields both sides changed, each with both texts."""
    theirs = conflict.theirs
    by_name = {f.name: f for f in editor.fields}
    with st.container(border=True):
        st.warning(tr_literal("ws.conflict_fields", who=theirs.updated_by, when=theirs.updated_at.strftime("%H:%M:%S")),
                   icon=":material/warning:")
        mine_col, theirs_col = st.columns(2)
        with mine_col:
            st.markdown(f"#### {tr('ws.conflict_mine', version=st.session_state.get(f'{editor.key}:base', 0))}")
            _show_payload([by_name[n] for n in conflict.conflicts], conflict.mine)
            st.button(tr("ws.keep_mine_fields"), key=f"{editor.key}:keep_mine", on_click=_resolve_fields,
                      args=(editor, True))
        with theirs_col:
            st.markdown(f"#### {tr_literal('ws.conflict_theirs', who=theirs.updated_by, version=theirs.version)}")
            _show_payload([by_name[n] for n in conflict.conflicts], conflict.theirs_values)
            st.button(tr("ws.take_theirs_fields"), key=f"{editor.key}:take_theirs", on_click=_resolve_fields,
                      args=(editor, False))


def _conflict_panel(editor: _Editor, conflict: Conflict) -> None:
    theirs = conflict.theirs
    with st.container(border=True):
        st.warning(tr_literal("ws.conflict", who=theirs.updated_by, when=theirs.updated_at.strftime("%H:%M:%S")),
                   icon=":material/warning:")
        mine_col, theirs_col = st.columns(2)
        with mine_col:
            st.markdown(f"#### {tr('ws.conflict_mine', version=conflict.base_version)}")
            _show_payload(editor.fields, editor.from_payload(conflict.mine or {}))
            st.button(tr("ws.keep_mine"), key=f"{editor.key}:keep_mine", on_click=_resolve_deleted,
                      args=(editor, True))
        with theirs_col:
            st.markdown(f"#### {tr_literal('ws.conflict_theirs', who=theirs.updated_by, version=theirs.version)}")
            _show_payload(editor.fields, editor.from_payload(theirs.payload) if not theirs.deleted else {})
            st.button(tr("ws.take_theirs"), key=f"{editor.key}:take_theirs", on_click=_resolve_deleted,
                      args=(editor, False))


@saving
def delete_plain_item(item_id: str, version: int) -> None:
    try:
        workspace().delete_item(item_id, version, actor())
    except Conflict:
        st.session_state["ws:delete_conflict"] = True
