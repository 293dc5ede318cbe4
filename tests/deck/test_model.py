"""The deck model: pre-filled storyline, editing, storage in the workspace with conflicts."""
from __future__ import annotations

import io
import subprocess

import pytest
from pptx import Presentation

from lib.data.catalog import load_catalog
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.access import deck_access
from lib.workspace import curriculum
from tests.fixtures.deck import demo_workspace, example


@pytest.fixture()
def ws(store):
    return demo_workspace(store)


def _new_group(ws, name):
    course_id = ws.courses()[0].course_id
    return ws.create_group(course_id, name, "ABC-DEF")


def test_prefill_follows_the_storyline_from_the_worksheets(ws):
    group = example(ws)
    deck, version = deck_model.current_deck(ws, group.group_id, load_catalog())
    assert version is None  # a draft until the group saves it
    sections = list(dict.fromkeys(s["section"] for s in deck["slides"]))
    assert sections == list(deck_model.SECTIONS)
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
    deck, _ = deck_model.current_deck(ws, group.group_id, load_catalog())
    assert deck["title"] == "空のグループ の政策提案"
    assert [s["section"] for s in deck["slides"]] == [s for s in deck_model.SECTIONS if s != "results"]


def test_move_remove_add_slides():
    deck = {"title": "x", "slides": [{"id": str(i), "section": "background", "title": str(i), "bullets": [],
                                      "evidence": "", "table": None, "notes": ""} for i in range(3)]}
    moved = deck_model.move_slide(deck, 0, 1)
    assert [s["id"] for s in moved["slides"]] == ["1", "0", "2"]
    assert deck_model.move_slide(deck, 0, -1) == deck  # the first slide cannot go up
    assert [s["id"] for s in deck_model.remove_slide(deck, 1)["slides"]] == ["0", "2"]
    added = deck_model.add_slide(deck, "background", "ja")
    assert len(added["slides"]) == 4 and added["slides"][3]["title"] == "背景"


def test_deck_is_stored_as_its_own_kind_with_history_and_conflicts(ws):
    group = _new_group(ws, "保存のグループ")
    deck, version = deck_model.current_deck(ws, group.group_id, load_catalog())
    first = deck_model.save_deck(ws, group.group_id, deck, version, "花子（企画課）").item
    assert first.kind == "deck" and first.version == 1
    mine = deck_model.update_slide(deck, 0, notes="私のメモ")
    theirs = deck_model.update_slide(deck, 0, notes="別のメモ")
    deck_model.save_deck(ws, group.group_id, theirs, first.version, "一郎（企画課）")
    refused = deck_model.save_deck(ws, group.group_id, mine, first.version, "花子（企画課）")
    assert refused.item is None and [c.fields for c in refused.conflicts] == [("notes",)]
    stored, stored_version = deck_model.current_deck(ws, group.group_id, load_catalog())
    assert stored["slides"][0]["notes"] == "別のメモ" and stored_version == 2
    assert [c.action for c in ws.history(item_id=deck_model.deck_id(group.group_id))] == ["update", "create"]


def test_unknown_group_is_a_japanese_sentence(ws):
    with pytest.raises(deck_model.DeckError, match="見つかりません"):
        deck_export.find_group(ws, "存在しない班")
    assert deck_export.find_group(ws, "example").group_id == example(ws).group_id


def test_who_may_open_and_edit_which_deck(ws):
    own = _new_group(ws, "自分のグループ")
    member = deck_access(ws, own.group_id, instructor=False)
    assert member.groups == [own] and member.editable and not member.choose
    teacher = deck_access(ws, None, instructor=True)
    assert own in teacher.groups and example(ws) in teacher.groups and teacher.editable and teacher.choose
    guest = deck_access(ws, None, instructor=False)
    assert guest.groups == [example(ws)] and not guest.editable


def test_a_new_results_slide_starts_with_the_first_evidence_not_shown_yet(ws):
    group = _new_group(ws, "根拠のグループ")
    older = ws.create_item(group.group_id, "map", {"title": "地図A", "spec": {}}, "a")
    newer = ws.create_item(group.group_id, "chart", {"title": "グラフB", "spec": {}}, "a")
    deck = {"title": "x", "slides": []}
    first = deck_model.add_new_slide(deck, "results", ws.evidence(group.group_id))
    assert [(s["evidence"], s["title"]) for s in first["slides"]] == [(older.item_id, "地図A")]
    second = deck_model.add_new_slide(first, "results", ws.evidence(group.group_id))
    assert second["slides"][-1]["evidence"] == newer.item_id
    third = deck_model.add_new_slide(second, "results", ws.evidence(group.group_id))
    assert third["slides"][-1]["evidence"] == "" and third["slides"][-1]["title"] == "分析結果"
    assert deck_model.add_new_slide(deck, "background", ws.evidence(group.group_id))["slides"][0]["evidence"] == ""


def test_bullets_beyond_the_limit_go_on_over_continuation_slides_in_every_export(ws, store):
    group = _new_group(ws, "政策の多い班")
    for number in range(27):
        ws.create_item(group.group_id, "policy", {"title": f"政策{number:02d}", "description": ""}, "tester")
    deck = deck_model.prefill_deck(curriculum.load_content(ws, group.group_id), load_catalog())
    proposal = next(s for s in deck["slides"] if s["section"] == "proposal")
    assert len(proposal["bullets"]) == 27  # the builder keeps them all (and warns)
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    pages = [s for s in prepared.slides if s["section"] == "proposal"]
    assert [len(s["bullets"]) for s in pages] == [12, 12, 3]
    assert [s["title"] for s in pages[1:]] == [f"{proposal['title']}（続き）"] * 2
    assert len({s["id"] for s in prepared.slides}) == len(prepared.slides)
    pdf_text = subprocess.run(["pdftotext", "-", "-"], input=deck_export.export_deck(prepared, "pdf"),
                              capture_output=True, check=True).stdout.decode()
    html = deck_export.export_deck(prepared, "html").decode()
    pptx = Presentation(io.BytesIO(deck_export.export_deck(prepared, "pptx")))
    pptx_text = "\n".join(shape.text_frame.text for slide in pptx.slides for shape in slide.shapes
                          if shape.has_text_frame)
    assert len(pptx.slides) == len(prepared.slides) + 1
    for text in (pdf_text, html, pptx_text):
        assert all(f"政策{n:02d}" in text for n in range(27))
        assert "（続き）" in text
