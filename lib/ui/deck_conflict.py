"""When another member saved first and changed some of the same slides: only those are shown, side by side;
the member chooses per slide, and everything else (theirs and mine) is saved with the choices."""
from __future__ import annotations

import streamlit as st

from lib.deck import model as deck_model
from lib.deck.deck_merge import DELETED, ORDER, TITLE
from lib.ui import tr
from lib.ui.deck_editor import DeckEditor
from lib.ui.user_text import literal


def conflict_panel(editor: DeckEditor) -> None:
    """The slides a save could not merge, if the last save met any; nothing otherwise."""
    conflict = st.session_state.get(editor.key("conflict"))
    if conflict is None:
        return
    theirs_deck = deck_model.normalize_deck(conflict.theirs.payload)
    titles = {s["id"]: s["title"] for s in theirs_deck["slides"] + editor.draft.slides}

    def side_text(found, key: str) -> str:
        if key == TITLE:
            return literal(found["title"])
        if key == ORDER:
            return "\n".join(f"{n}. {literal(titles.get(i, ''))}" for n, i in enumerate(found["ids"], start=2))
        return literal(deck_model.slide_line(found, editor.lang)) if found is not None else tr("pres.conflict_deleted")

    st.error(tr("pres.conflict", who=literal(conflict.theirs.updated_by), version=conflict.theirs.version,
                n=len(conflict.conflicts)))
    for found in conflict.conflicts:
        with st.container(border=True):
            heading = (tr("pres.deck_title") if found.key == TITLE else tr("pres.conflict_order")
                       if found.key == ORDER else literal(titles.get(found.key, "")))
            if DELETED in found.fields:
                heading += tr("pres.conflict_deleted_note")
            st.markdown(f"**{heading}**")
            mine_column, theirs_column = st.columns(2)
            mine_column.caption(tr("pres.conflict_mine"))
            mine_column.markdown(side_text(found.mine, found.key))
            theirs_column.caption(tr("pres.conflict_theirs", who=literal(conflict.theirs.updated_by),
                                     version=conflict.theirs.version))
            theirs_column.markdown(side_text(found.theirs, found.key))
            st.radio(tr("pres.conflict_keep"), ["mine", "theirs"], key=editor.key("choice", found.key),
                     horizontal=True, format_func=lambda side: tr(f"pres.conflict_choice.{side}"))
    choose = st.columns(2)
    choose[0].button(tr("pres.save_choices"), on_click=editor.save_choices, key=editor.key("save_choices"),
                     type="primary")
    choose[1].button(tr("pres.reload"), on_click=editor.load, key=editor.key("reload_conflict"),
                     help=tr("pres.reload_drops"))
