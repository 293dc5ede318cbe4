"""The deck's conflicts are per slide: two members who edit different slides both keep their work; only a
slide both changed differently is a conflict, settled by a choice for that slide alone (two saves from the
same base, as two browsers make them)."""
from __future__ import annotations

import pytest

from lib.data.catalog import load_catalog
from lib.deck import model as deck_model
from lib.deck.deck_merge import DELETED, ORDER, merge_decks
from lib.workspace import curriculum
from tests.fixtures.deck import demo_workspace


def _slide(slide_id: str, **fields) -> dict:
    return {"id": slide_id, "section": "results", "title": slide_id.upper(), "bullets": [], "evidence": "",
            "table": None, "notes": "", **fields}


BASE = {"title": "資料", "slides": [_slide("a"), _slide("b"), _slide("c")]}


def _edited(index: int, **fields) -> dict:
    return deck_model.update_slide(BASE, index, **fields)


def test_edits_of_different_slides_and_fields_merge_without_conflict():
    merged = merge_decks(BASE, _edited(0, notes="花子のメモ"), deck_model.update_slide(
        _edited(1, bullets=["一郎の要点"]), 0, title="一郎の題"))
    assert merged.conflicts == ()
    a, b, _c = merged.merged["slides"]
    assert (a["notes"], a["title"], b["bullets"]) == ("花子のメモ", "一郎の題", ["一郎の要点"])


def test_the_same_field_of_one_slide_is_the_only_conflict_and_a_choice_settles_it():
    mine = deck_model.update_slide(_edited(0, notes="私のメモ"), 2, notes="私だけの変更")
    theirs = _edited(0, notes="別のメモ")
    merged = merge_decks(BASE, mine, theirs)
    assert [(c.key, c.fields) for c in merged.conflicts] == [("a", ("notes",))]
    assert merged.merged["slides"][2]["notes"] == "私だけの変更"
    settled = merge_decks(BASE, mine, theirs, {"a": "theirs"})
    assert settled.conflicts == ()
    assert [s["notes"] for s in settled.merged["slides"]] == ["別のメモ", "", "私だけの変更"]
    assert merge_decks(BASE, mine, theirs, {"a": "mine"}).merged["slides"][0]["notes"] == "私のメモ"


def test_added_deleted_and_moved_slides_merge():
    mine = deck_model.remove_slide(BASE, 2)  # I delete c (nobody changed it) and add d after a
    mine = {**mine, "slides": [mine["slides"][0], _slide("d"), mine["slides"][1]]}
    theirs = deck_model.move_slide(_edited(0, notes="変更"), 0, 1)  # they move a below b, and change it
    theirs = {**theirs, "slides": theirs["slides"] + [_slide("e")]}  # and add e at the end
    merged = merge_decks(BASE, mine, theirs)
    assert merged.conflicts == ()
    assert [s["id"] for s in merged.merged["slides"]] == ["b", "a", "d", "e"]
    assert merged.merged["slides"][1]["notes"] == "変更"


def test_a_slide_deleted_on_one_side_and_changed_on_the_other_is_a_conflict():
    merged = merge_decks(BASE, deck_model.remove_slide(BASE, 1), _edited(1, notes="まだ使う"))
    assert [(c.key, c.fields, c.mine) for c in merged.conflicts] == [("b", (DELETED,), None)]
    assert [s["id"] for s in merged.merged["slides"]] == ["a", "c"]
    kept = merge_decks(BASE, deck_model.remove_slide(BASE, 1), _edited(1, notes="まだ使う"), {"b": "theirs"})
    assert [s["id"] for s in kept.merged["slides"]] == ["a", "b", "c"] and kept.conflicts == ()


def test_two_different_orders_are_one_conflict():
    mine, theirs = deck_model.move_slide(BASE, 0, 1), deck_model.move_slide(BASE, 2, -1)
    merged = merge_decks(BASE, mine, theirs)
    assert [c.key for c in merged.conflicts] == [ORDER]
    assert [s["id"] for s in merge_decks(BASE, mine, theirs, {ORDER: "theirs"}).merged["slides"]] == ["a", "c", "b"]


@pytest.fixture()
def ws(store):
    return demo_workspace(store)


def test_two_saves_from_the_same_version_keep_both_members_work(ws):
    group = ws.create_group(ws.courses()[0].course_id, "二人で編集", "TWO-EDT")
    deck, version = deck_model.current_deck(ws, group.group_id, load_catalog())
    first = deck_model.save_deck(ws, group.group_id, deck, version, "花子（企画課）").item
    hanako = deck_model.update_slide(deck, 0, notes="花子のメモ")
    ichiro = deck_model.update_slide(deck, 1, bullets=["一郎の要点"])
    assert deck_model.save_deck(ws, group.group_id, hanako, first.version, "花子（企画課）").item.version == 2
    saved = deck_model.save_deck(ws, group.group_id, ichiro, first.version, "一郎（企画課）")
    assert saved.conflicts == () and saved.item.version == 3
    stored = deck_model.load_deck(ws, group.group_id).payload["slides"]
    assert stored[0]["notes"] == "花子のメモ" and stored[1]["bullets"] == ["一郎の要点"]

    # Both change the same slide: only that slide comes back, and nothing is written until a choice.
    hanako = deck_model.update_slide(deck_model.update_slide(saved.deck, 0, notes="花子の新しいメモ"), 2,
                                     notes="花子だけ")
    ichiro = deck_model.update_slide(saved.deck, 0, notes="一郎のメモ")
    assert deck_model.save_deck(ws, group.group_id, ichiro, 3, "一郎（企画課）").item.version == 4
    refused = deck_model.save_deck(ws, group.group_id, hanako, 3, "花子（企画課）")
    assert [c.key for c in refused.conflicts] == [deck["slides"][0]["id"]] and refused.theirs.version == 4
    assert deck_model.load_deck(ws, group.group_id).version == 4
    chosen = deck_model.save_deck(ws, group.group_id, hanako, 3, "花子（企画課）",
                                  choices={deck["slides"][0]["id"]: "theirs"}, choices_version=4)
    stored = chosen.item.payload["slides"]
    assert (stored[0]["notes"], stored[1]["bullets"], stored[2]["notes"]) == ("一郎のメモ", ["一郎の要点"], "花子だけ")


def test_a_choice_made_against_an_older_version_is_asked_again(ws):
    group = ws.create_group(ws.courses()[0].course_id, "三人で編集", "THR-EDT")
    deck, version = deck_model.current_deck(ws, group.group_id, load_catalog())
    deck_model.save_deck(ws, group.group_id, deck, version, "花子（企画課）")
    first_id = deck["slides"][0]["id"]
    deck_model.save_deck(ws, group.group_id, deck_model.update_slide(deck, 0, notes="一郎"), 1, "一郎（企画課）")
    mine = deck_model.update_slide(deck, 0, notes="花子")
    assert [c.key for c in deck_model.save_deck(ws, group.group_id, mine, 1, "花子（企画課）").conflicts] == [first_id]
    deck_model.save_deck(ws, group.group_id, deck_model.update_slide(deck, 0, notes="次郎"), 2, "次郎（企画課）")
    again = deck_model.save_deck(ws, group.group_id, mine, 1, "花子（企画課）", choices={first_id: "mine"},
                                 choices_version=2)  # chosen against 一郎's version; 次郎 saved since
    assert again.item is None and again.theirs.version == 3 and again.conflicts[0].theirs["notes"] == "次郎"


def test_two_unsaved_drafts_of_the_prefilled_deck_merge_slide_by_slide(ws):
    group = ws.create_group(ws.courses()[0].course_id, "下書き二つ", "DRF-TWO")
    prefilled = deck_model.prefill_deck(curriculum.load_content(ws, group.group_id), load_catalog())
    again = deck_model.prefill_deck(curriculum.load_content(ws, group.group_id), load_catalog())
    assert [s["id"] for s in prefilled["slides"]] == [s["id"] for s in again["slides"]]  # fixed ids
    deck_model.save_deck(ws, group.group_id, deck_model.update_slide(prefilled, 0, notes="花子"), None, "花子",
                         base=prefilled)
    saved = deck_model.save_deck(ws, group.group_id, deck_model.update_slide(again, 1, notes="一郎"), None, "一郎",
                                 base=again)
    assert saved.conflicts == () and [s["notes"] for s in saved.deck["slides"][:2]] == ["花子", "一郎"]
    assert len(saved.deck["slides"]) == len(prefilled["slides"])  # no slide twice
