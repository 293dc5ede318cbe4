"""The deck builder: one group's deck draft (lib.deck.draft) bound to this browser session, and its widgets.

`DeckEditor` owns every widget key under `pres:<group id>` (the draft itself lives at that key); its
callbacks change the draft, and `forget_widgets` makes the widgets start again from the draft.
"""
from __future__ import annotations

import streamlit as st

from lib.deck import model as deck_model
from lib.deck.draft import DeckDraft
from lib.deck.evidence import kind_mark
from lib.ui import actor, saving, tr
from lib.ui.deck_slides import draw_slide
from lib.ui.user_text import literal
from lib.workspace.items import Group, Workspace


class DeckEditor:
    def __init__(self, ws: Workspace, group: Group, catalog: dict, lang: str, editable: bool):
        self.ws, self.group, self.catalog, self.lang, self.editable = ws, group, catalog, lang, editable
        self.prefix = f"pres:{group.group_id}"
        if self.prefix not in st.session_state:
            self.load()
        self.saved_evidence = ws.evidence(group.group_id)
        self.evidence = {item.item_id: item for item in self.saved_evidence}

    @property
    def draft(self) -> DeckDraft:
        return st.session_state[self.prefix]

    def key(self, *parts) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def forget_widgets(self) -> None:
        """The builder's widgets (and messages) start again from the draft on the next run."""
        for key in [k for k in st.session_state if str(k).startswith(f"{self.prefix}:")]:
            del st.session_state[key]

    def load(self) -> None:
        """The stored deck (or a pre-filled draft) into this browser's editing state."""
        draft = DeckDraft.load(self.ws, self.group.group_id, self.catalog, self.lang)
        self.forget_widgets()
        st.session_state[self.prefix] = draft

    def keep_widgets(self) -> None:
        """While presenting the builder's widgets are not drawn; Streamlit would drop their state, and the builder
        would come back blank. Re-assigning keeps it as plain session state until they are drawn again."""
        for widget_key in [k for k in st.session_state if str(k).startswith(f"{self.prefix}:")
                           and str(k).rsplit(":", 1)[-1] in deck_model.EDITED_FIELDS]:
            st.session_state[widget_key] = st.session_state[widget_key]

    # --- callbacks -------------------------------------------------------------------

    @saving
    def save(self, choices: dict[str, str] | None = None) -> None:
        shown = st.session_state.get(self.key("conflict"))
        result, merged_in = self.draft.save(self.ws, actor(), choices,
                                            shown.theirs.version if shown and choices else None)
        if result.conflicts:
            st.session_state[self.key("conflict")] = result  # only the slides both changed; nothing written yet
            return
        if merged_in:
            self.forget_widgets()  # the editors show the other members' changes too
        st.session_state.pop(self.key("conflict"), None)
        st.session_state[self.key("saved")] = (result.item.version, merged_in)

    def save_choices(self) -> None:
        conflict = st.session_state[self.key("conflict")]
        self.save({c.key: st.session_state.get(self.key("choice", c.key), "mine") for c in conflict.conflicts})

    def rebuild(self) -> None:
        st.session_state.pop(self.key("title"), None)
        self.draft.rebuild(self.ws, self.catalog, self.lang, self.group.name)

    def _edit_field(self, index: int, name: str, widget_key: str) -> None:
        self.draft.edit(index, name, st.session_state[widget_key])

    def _set_title(self) -> None:
        self.draft.set_title(st.session_state[self.key("title")])

    def _move(self, index: int, offset: int) -> None:
        self.draft.move(index, offset)

    def _remove(self, index: int) -> None:
        self.draft.remove(index)

    def _add(self) -> None:
        self.draft.add(st.session_state[self.key("new")], self.saved_evidence, self.lang)

    # --- the tabs --------------------------------------------------------------------

    def evidence_label(self, item_id: str) -> str:
        if not item_id:
            return tr("pres.no_evidence")
        item = self.evidence.get(item_id)
        if item is None:
            return tr("pres.evidence_deleted")
        return f"{kind_mark(item.kind)} {item.payload.get('title', '')}"

    def slide_editors(self) -> None:
        """The deck's title, one expander per slide, and adding a slide."""
        editable, lang = self.editable, self.lang
        st.session_state.setdefault(self.key("title"), self.draft.deck["title"])
        st.text_input(tr("pres.deck_title"), key=self.key("title"), on_change=self._set_title, disabled=not editable)
        if not self.evidence:
            st.caption(tr("pres.no_saved_evidence"))
        options = [""] + list(self.evidence)
        slides = self.draft.slides
        for index, slide in enumerate(slides):
            key = self.key(slide["id"])
            label = (f"{index + 2}. 【{deck_model.section_label(slide['section'], lang)}】 {literal(slide['title'])}"
                     + ("　📊" if slide["evidence"] else ""))
            with st.expander(label):
                for name in deck_model.EDITED_FIELDS:
                    value = "\n".join(slide[name]) if name == "bullets" else slide[name]
                    st.session_state.setdefault(f"{key}:{name}", value)
                top = st.columns([2, 1])
                top[0].text_input(tr("pres.slide_title"), key=f"{key}:title", on_change=self._edit_field,
                                  args=(index, "title", f"{key}:title"), disabled=not editable)
                top[1].selectbox(tr("pres.section"), deck_model.SECTIONS, key=f"{key}:section",
                                 format_func=lambda s: deck_model.section_label(s, lang), on_change=self._edit_field,
                                 args=(index, "section", f"{key}:section"), disabled=not editable)
                st.text_area(tr("pres.bullets"), key=f"{key}:bullets", on_change=self._edit_field,
                             args=(index, "bullets", f"{key}:bullets"), disabled=not editable)
                if len(slide["bullets"]) > deck_model.MAX_BULLETS:
                    st.warning(tr("pres.too_many_bullets", n=len(slide["bullets"]), limit=deck_model.MAX_BULLETS))
                if st.session_state[f"{key}:evidence"] not in options:
                    options = options + [st.session_state[f"{key}:evidence"]]
                st.selectbox(tr("pres.evidence"), options, key=f"{key}:evidence", format_func=self.evidence_label,
                             on_change=self._edit_field, args=(index, "evidence", f"{key}:evidence"),
                             disabled=not editable)
                if slide["table"]:
                    st.caption(tr("pres.has_table", rows=len(slide["table"]["rows"])))
                st.text_area(tr("pres.notes"), key=f"{key}:notes", on_change=self._edit_field,
                             args=(index, "notes", f"{key}:notes"), disabled=not editable, height=90)
                moves = st.columns(3)
                moves[0].button(tr("pres.up"), icon=":material/arrow_upward:", key=f"{key}:up",
                                disabled=not editable or index == 0, on_click=self._move, args=(index, -1))
                moves[1].button(tr("pres.down"), icon=":material/arrow_downward:", key=f"{key}:down",
                                disabled=not editable or index == len(slides) - 1, on_click=self._move,
                                args=(index, 1))
                moves[2].button(tr("pres.delete"), icon=":material/delete:", key=f"{key}:delete",
                                disabled=not editable, on_click=self._remove, args=(index,))
        add = st.columns([2, 1])
        add[0].selectbox(tr("pres.add_section"), deck_model.SECTIONS, index=3,
                         format_func=lambda s: deck_model.section_label(s, lang), key=self.key("new"))
        add[1].button(tr("pres.add"), icon=":material/add:", disabled=not editable, key=self.key("add"),
                      on_click=self._add)

    def draw_slide(self, slide: dict, key: str, large: bool = False) -> None:
        draw_slide(slide, self.evidence.get(slide["evidence"]), self.catalog, self.lang, key, large)

    def preview(self) -> None:
        """One slide at a time as the audience will see it, with its notes."""
        slides = self.draft.slides
        if not slides:
            return
        number = st.select_slider(tr("pres.preview_choose"), options=list(range(len(slides))),
                                  key=self.key("preview"), format_func=lambda i: f"{i + 2}. {slides[i]['title'][:18]}")
        with st.container(border=True):
            self.draw_slide(slides[number], f"preview:{slides[number]['id']}")
        if slides[number]["notes"]:
            st.caption(f"{tr('deck.notes_heading')}：{literal(slides[number]['notes'])}")
