"""The instructor's course summary (Excel and Markdown) for the municipality's records."""
from __future__ import annotations

import io

import openpyxl

from lib.data.catalog import load_catalog
from lib.deck import course_summary
from lib.workspace import course
from tests.fixtures.deck import demo_workspace, example_payloads


def _demo(ws):
    return next(c for c in course.courses(ws) if c.is_demo)


def test_summary_lists_theme_findings_and_proposals_per_group(store):
    ws = demo_workspace(store)
    info = _demo(ws)
    summaries = course_summary.course_summaries(ws, info.course_id, load_catalog())
    example = next(s for s in summaries if s.name == "見本グループ（完成例）")
    assert example.theme and example.theme in [w.get("issue") for w in example_payloads(ws, "worksheet")]
    assert len(example.findings) == 2 and example.findings[0]["verdict"] == "支持"
    assert [p["title"] for p in example.proposals] == [p["title"] for p in example_payloads(ws, "policy")]
    assert example.steps_done == 8

    book = openpyxl.load_workbook(io.BytesIO(course_summary.summary_xlsx(summaries, info)))
    assert book.sheetnames == ["グループ", "分かったこと", "政策提案", "指標"]
    sheet = book["グループ"]
    assert sheet["A1"].value == f"{info.name} 研修のまとめ"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:3] == ["グループ", "メンバー", "テーマ（課題）"]
    assert any(r[0] == "見本グループ（完成例）" and "見本 花子" in r[1] for r in rows[1:])
    proposals = [[c.value for c in row] for row in book["政策提案"].iter_rows(min_row=4)]
    last_policy = example_payloads(ws, "policy")[-1]["title"]
    assert ["見本グループ（完成例）", last_policy] in [r[:2] for r in proposals]

    markdown = course_summary.summary_markdown(summaries, info)
    assert "## 見本グループ（完成例）" in markdown and "## A班" in markdown
    assert "（まだありません）" in markdown  # groups that have not started yet
