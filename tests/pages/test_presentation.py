"""The presentation page and the instructor's exports page in AppTest (no browser)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.data.catalog import load_catalog
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.workspace import course
from tests.fixtures.deck import demo_workspace, example_payloads

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture()
def ws(store):
    return demo_workspace(store)


def _member_of(ws, group_name: str, name: str) -> dict:
    demo = course.current_course(ws)
    group = next(g for g in ws.groups(demo.course_id) if g.name == group_name)
    joined = course.join_group(ws, group.group_id, group.join_code, name, "企画課")
    return {"group_id": group.group_id, "group_name": group.name, "course_id": group.course_id,
            "member_id": joined.member_id, "name": joined.name, "department": joined.department}


def _page(session: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.switch_page("pages/presentation.py").run()
    assert not at.exception, at.exception
    return at


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_guest_sees_the_finished_example_read_only(store, ws):
    at = _page()
    assert not at.error
    assert "**見本グループ（完成例）**" in [m.value for m in at.markdown]
    assert _button(at, "保存").disabled
    assert len(at.expander) == 10  # the storyline, with one slide per saved chart or map


def test_member_saves_reorders_and_writes_notes(store, ws):
    member = _member_of(ws, "B班", "発表 太郎")
    at = _page({"member": member})
    assert any("まだ保存されていない下書き" in i.value for i in at.info)
    _button(at, "保存").click().run()
    assert not at.exception, at.exception
    stored = deck_model.load_deck(ws, member["group_id"])
    assert stored is not None and stored.kind == "deck" and stored.updated_by == "発表 太郎（企画課）"
    first_id = stored.payload["slides"][0]["id"]
    at.text_area(key=f"pres:{member['group_id']}:{first_id}:notes").input("最初に目標を話す").run()
    at.button(key=f"pres:{member['group_id']}:{first_id}:down").click().run()
    assert any("保存していない変更" in w.value for w in at.warning)
    _button(at, "保存").click().run()
    saved = deck_model.load_deck(ws, member["group_id"]).payload["slides"]
    assert saved[1]["id"] == first_id and saved[1]["notes"] == "最初に目標を話す"
    assert any("保存しました（版 2）" in s.value for s in at.success)


def test_someone_elses_save_is_not_overwritten(store, ws):
    member = _member_of(ws, "C班", "発表 花子")
    at = _page({"member": member})
    _button(at, "保存").click().run()
    item = deck_model.load_deck(ws, member["group_id"])
    other = deck_model.update_slide(item.payload, 0, notes="ほかのメンバーのメモ")
    deck_model.save_deck(ws, member["group_id"], other, item.version, "別の人（企画課）")
    first_id = item.payload["slides"][0]["id"]
    second_id = item.payload["slides"][1]["id"]
    at.text_area(key=f"pres:{member['group_id']}:{first_id}:notes").input("私のメモ").run()
    at.text_area(key=f"pres:{member['group_id']}:{second_id}:notes").input("2 枚目のメモ").run()
    _button(at, "保存").click().run()
    assert any("ほかのメンバー（別の人（企画課） さん、版 2）が先に資料を保存していて" in e.value for e in at.error)
    assert deck_model.load_deck(ws, member["group_id"]).payload["slides"][0]["notes"] == "ほかのメンバーのメモ"
    # Only the slide both changed is shown, both versions side by side; the member chooses for it.
    shown = " ".join(m.value for m in at.markdown)
    assert "私のメモ" in shown and "ほかのメンバーのメモ" in shown and "2 枚目のメモ" not in shown
    assert [r.key for r in at.radio] == [f"pres:{member['group_id']}:choice:{first_id}"]
    _button(at, "選んだ版で保存する").click().run()
    stored = deck_model.load_deck(ws, member["group_id"])
    assert stored.version == 3 and [s["notes"] for s in stored.payload["slides"][:2]] == ["私のメモ", "2 枚目のメモ"]


def test_two_members_editing_different_slides_both_keep_their_work(store, ws):
    ws.create_group(course.current_course(ws).course_id, "合わせ班", "MRG-PRS")  # a deck nobody else saves
    member = _member_of(ws, "合わせ班", "発表 三郎")
    at = _page({"member": member})
    _button(at, "保存").click().run()
    item = deck_model.load_deck(ws, member["group_id"])
    first_id, second_id = item.payload["slides"][0]["id"], item.payload["slides"][1]["id"]
    other = deck_model.update_slide(item.payload, 0, notes="ほかのメンバーのメモ")
    deck_model.save_deck(ws, member["group_id"], other, item.version, "別の人（企画課）")
    at.text_area(key=f"pres:{member['group_id']}:{second_id}:notes").input("私のメモ").run()
    _button(at, "保存").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("ほかのメンバーが先に保存した変更も合わせてあります" in s.value for s in at.success)
    stored = deck_model.load_deck(ws, member["group_id"]).payload["slides"]
    assert [s["notes"] for s in stored[:2]] == ["ほかのメンバーのメモ", "私のメモ"]
    assert at.text_area(key=f"pres:{member['group_id']}:{first_id}:notes").value == "ほかのメンバーのメモ"


def test_presentation_mode_one_slide_at_a_time(store, ws):
    at = _page()
    _button(at, "発表モード").click().run()
    assert not at.exception, at.exception
    texts = [m.value for m in at.markdown]
    assert any("スライド 1 / 11" in t for t in texts)
    issue = next(w["issue"] for w in example_payloads(ws, "worksheet") if w.get("issue"))
    assert any(issue in t for t in texts)
    assert any("[data-testid='stSidebar']" in t for t in texts)  # the sidebar is hidden while presenting
    _button(at, "次へ").click().run()
    texts = [m.value for m in at.markdown]
    assert any("スライド 2 / 11" in t for t in texts) and "### 背景" not in texts and "# 背景" in texts
    _button(at, "前へ").click().run()
    assert any("スライド 1 / 11" in m.value for m in at.markdown)
    _button(at, "発表を終える").click().run()
    assert at.title[0].value == "発表資料"


def test_download_makes_a_pptx_of_the_current_draft(store, ws):
    at = _page()
    _button(at, "書き出す（PPTX）").click().run()
    assert not at.exception, at.exception
    (status,) = at.status  # the steps were shown while the file was made (issue 21)
    assert status.label == "PPTX ファイルができました。"
    assert [m.value for m in status.markdown] == [
        "スライドのグラフと地図を描いています…",
        "PPTX ファイルを作っています…",
    ]
    group = deck_export.find_group(ws, "example")
    data = at.session_state[f"pres:{group.group_id}:file:pptx"]
    from pptx import Presentation

    assert len(Presentation(io.BytesIO(data)).slides) == 11


def test_instructor_downloads_summary_and_every_groups_deliverables(store, ws):
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.session_state["instructor"] = True
    at.switch_page("pages/instructor_exports.py").run()
    assert not at.exception, at.exception
    demo = next(c for c in course.courses(ws) if c.is_demo)
    at.selectbox(key="exports_course").set_value(demo.course_id).run()
    summary = "\n".join(m.value for m in at.markdown)
    first_policy = example_payloads(ws, "policy")[0]["title"]
    assert "## 見本グループ（完成例）" in summary and first_policy in summary
    _button(at, "ZIP ファイルを作る").click().run()
    assert not at.exception, at.exception
    assert "全グループの資料ができました。" in [s.label for s in at.status]  # the steps were shown (issue 21)
    data = at.session_state[f"exports_zip:{demo.course_id}"]
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "研修のまとめ.xlsx" in names and "研修のまとめ.md" in names
    groups = ws.groups(demo.course_id)
    for group in groups:
        for fmt in ("pptx", "html", "pdf"):
            assert any(n.endswith(deck_export.file_name(group.name, fmt)) for n in names)


def test_instructor_exports_page_needs_the_passcode(store, ws):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/instructor_exports.py").run()
    assert not at.exception
    assert "ZIP ファイルを作る" not in [b.label for b in at.button]


def test_a_new_results_slide_starts_with_a_chart_not_shown_yet(store, ws):
    from lib.workspace import example_group

    demo = course.current_course(ws)
    own = ws.create_group(demo.course_id, "新スライド班", course.new_join_code())  # no other module's charts
    member = _member_of(ws, own.name, "発表 次郎")
    at = _page({"member": member})
    _button(at, "保存").click().run()
    title, note, spec = example_group.example_charts()[2]
    chart = ws.create_item(
        member["group_id"], "chart", {"title": title, "note": note, "spec": spec}, "発表 次郎（企画課）"
    )
    at = _page({"member": member})  # a fresh browser session sees the new chart
    at.selectbox(key=f"pres:{member['group_id']}:new").set_value("results").run()
    _button(at, "スライドを追加").click().run()
    _button(at, "保存").click().run()
    slides = deck_model.load_deck(ws, member["group_id"]).payload["slides"]
    added = next(s for s in slides if s["evidence"] == chart.item_id)
    assert added["section"] == "results" and added["title"] == title
    # it sits after the hypotheses, before the evaluation
    sections = [s["section"] for s in slides]
    assert sections.index("results") > sections.index("hypotheses")
    assert sections.index("results") < sections.index("evaluation")


def test_a_slide_with_too_many_bullets_says_so_and_presents_on_continuation_slides(store, ws):
    member = _member_of(ws, "B班", "発表 次郎")
    deck, version = deck_model.current_deck(ws, member["group_id"], load_catalog())
    bullets = [f"論点{n:02d}" for n in range(14)]
    deck_model.save_deck(ws, member["group_id"], deck_model.update_slide(deck, 0, bullets=bullets), version, "tester")
    at = _page({"member": member})
    assert any("箇条書きが 14 項目あります" in w.value and "（続き）" in w.value for w in at.warning)
    _button(at, "発表モード").click().run()
    total = len(deck["slides"]) + 2  # the title slide and one continuation slide
    for _ in range(2):
        _button(at, "次へ").click().run()
    texts = [m.value for m in at.markdown]
    assert any(f"スライド 3 / {total}" in t for t in texts)
    assert any("（続き）" in t for t in texts) and any("論点13" in t for t in texts)
