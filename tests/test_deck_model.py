"""The deck model: pre-filled storyline, editing, storage in the workspace with conflicts."""
from __future__ import annotations

import pytest

from lib import curriculum, deliverables
from lib.catalog import load_catalog
from lib.workspace import Conflict
from tests.deck_fixtures import demo_workspace, example


@pytest.fixture()
def ws(store):
    return demo_workspace(store)


def _new_group(ws, name):
    course_id = ws.courses()[0].course_id
    return ws.create_group(course_id, name, "ABC-DEF")


def test_prefill_follows_the_storyline_from_the_worksheets(ws):
    group = example(ws)
    deck, version = deliverables.current_deck(ws, group.group_id, load_catalog())
    assert version is None  # a draft until the group saves it
    sections = list(dict.fromkeys(s["section"] for s in deck["slides"]))
    assert sections == list(deliverables.SECTIONS)
    sheets = curriculum.load_content(ws, group.group_id).worksheets
    assert deck["title"] == sheets["step0"]["issue"]
    background = deck["slides"][0]
    assert any(sheets["step0"]["goal"] in b for b in background["bullets"])
    results = [s for s in deck["slides"] if s["section"] == "results"]
    assert len(results) == 4 and all(s["evidence"] for s in results)
    assert "丘陵地区の公共交通の満足度は平均 2.2" in " ".join(results[2]["bullets"])
    impact = deck["slides"][-1]
    assert impact["table"]["columns"][0] == "指標" and len(impact["table"]["rows"]) == 2


def test_empty_group_gets_a_deck_too(ws):
    group = _new_group(ws, "空のグループ")
    deck, _ = deliverables.current_deck(ws, group.group_id, load_catalog())
    assert deck["title"] == "空のグループ の政策提案"
    assert [s["section"] for s in deck["slides"]] == [s for s in deliverables.SECTIONS if s != "results"]


def test_move_remove_add_slides():
    deck = {"title": "x", "slides": [{"id": str(i), "section": "background", "title": str(i), "bullets": [],
                                      "evidence": "", "table": None, "notes": ""} for i in range(3)]}
    moved = deliverables.move_slide(deck, 0, 1)
    assert [s["id"] for s in moved["slides"]] == ["1", "0", "2"]
    assert deliverables.move_slide(deck, 0, -1) == deck  # the first slide cannot go up
    assert [s["id"] for s in deliverables.remove_slide(deck, 1)["slides"]] == ["0", "2"]
    added = deliverables.add_slide(deck, "background", "ja")
    assert len(added["slides"]) == 4 and added["slides"][3]["title"] == "背景"


def test_deck_is_stored_as_its_own_kind_with_history_and_conflicts(ws):
    group = _new_group(ws, "保存のグループ")
    deck, version = deliverables.current_deck(ws, group.group_id, load_catalog())
    first = deliverables.save_deck(ws, group.group_id, deck, version, "花子（企画課）")
    assert first.kind == "deck" and first.version == 1
    mine = deliverables.update_slide(deck, 0, notes="私のメモ")
    theirs = deliverables.update_slide(deck, 0, notes="別のメモ")
    deliverables.save_deck(ws, group.group_id, theirs, first.version, "一郎（企画課）")
    with pytest.raises(Conflict):
        deliverables.save_deck(ws, group.group_id, mine, first.version, "花子（企画課）")
    stored, stored_version = deliverables.current_deck(ws, group.group_id, load_catalog())
    assert stored["slides"][0]["notes"] == "別のメモ" and stored_version == 2
    assert [c.action for c in ws.history(item_id=deliverables.deck_id(group.group_id))] == ["update", "create"]


def test_unknown_group_is_a_japanese_sentence(ws):
    with pytest.raises(deliverables.DeckError, match="見つかりません"):
        deliverables.find_group(ws, "存在しない班")
    assert deliverables.find_group(ws, "example").group_id == example(ws).group_id
