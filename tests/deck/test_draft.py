"""The deck draft (lib.deck.draft): edits mark it unsaved; a save stores it and it then starts from the stored
deck; a save that meets another member's change of the same slide writes nothing and leaves the draft as it was."""
from __future__ import annotations

import pytest

from lib.data.catalog import load_catalog
from lib.deck import model as deck_model
from lib.deck.draft import DeckDraft
from tests.fixtures.deck import demo_workspace


@pytest.fixture()
def ws(store):
    return demo_workspace(store)


def _draft(ws, name: str, code: str) -> DeckDraft:
    group = ws.create_group(ws.courses()[0].course_id, name, code)
    return DeckDraft.load(ws, group.group_id, load_catalog())


def test_edits_mark_the_draft_unsaved_and_a_save_makes_it_the_base(ws):
    draft = _draft(ws, "下書き班", "DRF-ONE")
    assert draft.version is None and not draft.dirty and draft.base == draft.deck
    first, second = (s["id"] for s in draft.slides[:2])
    draft.edit(0, "bullets", "  一つ目 \n\n二つ目\n")
    draft.move(0, 1)
    draft.set_title("私たちの提案")
    assert draft.dirty and draft.base != draft.deck
    assert [s["id"] for s in draft.slides[:2]] == [second, first] and draft.slides[1]["bullets"] == ["一つ目", "二つ目"]
    result, merged_in = draft.save(ws, "花子（企画課）")
    assert result.item.version == 1 and not merged_in
    assert (draft.version, draft.dirty, draft.base) == (1, False, draft.deck)
    stored = deck_model.load_deck(ws, draft.group_id).payload
    assert stored["title"] == "私たちの提案" and stored["slides"][1]["bullets"] == ["一つ目", "二つ目"]


def test_a_conflicting_save_leaves_the_draft_and_a_merged_one_takes_the_other_members_work(ws):
    draft = _draft(ws, "二人の班", "DRF-TWO")
    draft.save(ws, "花子（企画課）")
    other = DeckDraft.load(ws, draft.group_id, load_catalog())
    other.edit(0, "notes", "一郎のメモ")
    other.save(ws, "一郎（企画課）")
    draft.edit(0, "notes", "花子のメモ")
    before = draft.deck
    result, _ = draft.save(ws, "花子（企画課）")
    assert [c.key for c in result.conflicts] == [draft.slides[0]["id"]]
    assert (draft.deck, draft.version, draft.dirty) == (before, 1, True)
    draft.edit(0, "notes", "一郎のメモ")  # the same as theirs now: no conflict; another slide changed
    draft.remove(len(draft.slides) - 1)
    result, merged_in = draft.save(ws, "花子（企画課）")
    assert result.item.version == 3 and not draft.dirty and draft.version == 3
    assert draft.slides[0]["notes"] == "一郎のメモ" and not merged_in
    other.edit(1, "notes", "一郎の二つ目")
    other.save(ws, "一郎（企画課）")  # merges: my removal of the last slide stays
    draft.edit(0, "title", "花子の題")
    result, merged_in = draft.save(ws, "花子（企画課）")
    assert merged_in and draft.slides[1]["notes"] == "一郎の二つ目" and draft.slides[0]["title"] == "花子の題"
