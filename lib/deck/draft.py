"""A deck draft: a group's deck as one browser edits it, before and between saves.

The draft holds the deck being edited, the deck it started from (`base`: what a save merges another member's
changes against, slide by slide) and that deck's stored version (None: a pre-filled deck not stored yet).
Every edit goes through the draft and marks it unsaved; `save` stores it with lib.deck.model.save_deck, and
a save that meets conflicting changes leaves the draft as it was, so the member can choose per slide.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from lib.deck import model
from lib.deck.model import DeckSave
from lib.workspace import curriculum
from lib.workspace.items import Item, Workspace


@dataclass
class DeckDraft:
    group_id: str
    deck: dict
    base: dict
    version: int | None
    dirty: bool = False

    @classmethod
    def load(cls, ws: Workspace, group_id: str, catalog: dict, lang: str = "ja") -> DeckDraft:
        """The stored deck (or a pre-filled one), as the member starts from it."""
        deck, version = model.current_deck(ws, group_id, catalog, lang)
        return cls(group_id, deck, copy.deepcopy(deck), version)

    @property
    def slides(self) -> list[dict]:
        return self.deck["slides"]

    def change(self, deck: dict) -> None:
        self.deck, self.dirty = deck, True

    def set_title(self, title: str) -> None:
        self.change({**self.deck, "title": title})

    def edit(self, index: int, name: str, value) -> None:
        """One field of one slide, as typed (bullets: one a line, blank lines dropped)."""
        if name == "bullets":
            value = [line.strip() for line in str(value).splitlines() if line.strip()]
        self.change(model.update_slide(self.deck, index, **{name: value}))

    def move(self, index: int, offset: int) -> None:
        self.change(model.move_slide(self.deck, index, offset))

    def remove(self, index: int) -> None:
        self.change(model.remove_slide(self.deck, index))

    def add(self, section: str, evidence: list[Item], lang: str = "ja") -> None:
        self.change(model.add_new_slide(self.deck, section, evidence, lang))

    def rebuild(self, ws: Workspace, catalog: dict, lang: str, group_name: str) -> None:
        """Start again from the group's worksheets (what the pre-filled deck would be now); unsaved until saved."""
        self.change(model.prefill_deck(curriculum.load_content(ws, self.group_id), catalog, lang, group_name))

    def save(self, ws: Workspace, actor: str, choices: dict[str, str] | None = None,
             choices_version: int | None = None) -> tuple[DeckSave, bool]:
        """Store the draft; (the save, whether another member's changes were merged in).

        With conflicts nothing is written and the draft is unchanged; otherwise the draft becomes the
        stored deck, and the next save merges against it."""
        result = model.save_deck(ws, self.group_id, self.deck, self.version, actor, base=self.base,
                                 choices=choices, choices_version=choices_version)
        if result.conflicts:
            return result, False
        merged_in = result.deck != model.normalize_deck(self.deck)
        self.deck, self.base, self.version, self.dirty = (result.deck, copy.deepcopy(result.deck),
                                                         result.item.version, False)
        return result, merged_in
