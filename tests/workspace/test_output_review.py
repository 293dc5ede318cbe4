"""Issue 25 item 3 and item 9: SQL-derived evidence is saved with its checked result, reviewed by the instructor
(approve / send back / re-run) and exported from the saved result only, never by running the query again."""
from __future__ import annotations

import io
import sys
import zipfile

import pytest
from pptx import Presentation

from lib.analysis import user_sql
from lib.analysis.disclosure import check_query_result
from lib.charts.result_table import sql_table_spec
from lib.data.catalog import load_catalog
from lib.deck import course_summary
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.workspace import course
from lib.workspace import output_review as review
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace

SQL = "SELECT district, COUNT(*) AS n FROM survey GROUP BY district ORDER BY district"
PLACEHOLDER = "講師の確認待ちのため、この表はまだ書き出せません"
RUN_USER_SQL = user_sql.run_user_sql  # the real one, for what the SQL page saves


def _saved_payload(store, sql: str = SQL, title: str = "地区別の回答者") -> dict:
    """What the SQL page saves: the query, its checked result, the rule checks' findings, pending review."""
    catalog = load_catalog()
    frame = check_query_result(sql, RUN_USER_SQL(store.published_path, sql).frame, catalog)
    cursor = store.published()
    try:
        return {"title": title, "note": "", "spec": sql_table_spec(sql),
                **review.checked_result(cursor, catalog, sql, frame)}
    finally:
        cursor.close()


@pytest.fixture()
def no_sql(monkeypatch):
    """run_user_sql replaced everywhere it was imported: any call is counted, and fails."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise user_sql.UserQueryError("時間切れです。", "Timed out.", "timeout")

    for module in list(sys.modules.values()):
        if getattr(module, "run_user_sql", None) is RUN_USER_SQL:
            monkeypatch.setattr(module, "run_user_sql", refuse)
    return calls


@pytest.fixture(scope="module")
def sql_group(store):
    ws = demo_workspace(store)
    group = ws.create_group(course.current_course(ws).course_id, "出力班", "OUT-CHK")
    return ws, group


def _export(store, ws, group, item_id: str, fmt: str) -> tuple[str, bytes]:
    deck = {"title": "SQL", "slides": [{"section": "results", "title": "SQL の表", "bullets": [], "evidence": item_id}]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        text = "\n".join(run.text for slide in Presentation(io.BytesIO(data)).slides for shape in slide.shapes
                         if shape.has_text_frame for p in shape.text_frame.paragraphs for run in p.runs)
        cells = [c.text for slide in Presentation(io.BytesIO(data)).slides for shape in slide.shapes
                 if shape.has_table for row in shape.table.rows for c in row.cells]
        return text + "\n" + "\n".join(cells), data
    if fmt == "html":
        return data.decode("utf-8"), data
    return "", data


def test_a_saved_sql_table_keeps_its_checked_result_and_is_pending(store):
    payload = _saved_payload(store)
    assert review.needs_review(payload) and review.status(payload) == review.PENDING
    frame = review.result_frame(payload)
    assert list(frame.columns) == ["district", "n"] and frame["n"].sum() == \
        store.published().execute("SELECT COUNT(*) FROM survey").fetchone()[0]
    assert not review.exportable(payload)
    # An item saved before results were kept is pending, whatever its review says.
    assert review.status({"spec": sql_table_spec(SQL), "review": {"status": "approved"}}) == review.PENDING


def test_a_result_too_large_to_keep_is_refused_in_japanese():
    import pandas as pd

    with pytest.raises(review.ResultTooLarge) as refused:
        review.encode_result(pd.DataFrame({"s": ["あ" * 100] * 5000}))
    assert "大きすぎる" in refused.value.text("ja") and "too large" in refused.value.text("en")


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_a_pending_sql_table_exports_as_the_placeholder(store, sql_group, no_sql, fmt):
    ws, group = sql_group
    item = ws.create_item(group.group_id, "table", _saved_payload(store), "member")
    no_sql.clear()
    text, data = _export(store, ws, group, item.item_id, fmt)
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    else:
        assert PLACEHOLDER in text and "丘陵地区" not in text
    assert no_sql == []


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_an_approved_sql_table_exports_its_saved_numbers_without_running_the_query(store, sql_group, no_sql, fmt):
    ws, group = sql_group
    payload = _saved_payload(store)
    # What the saved result says; the query itself would now fail (no_sql) — or could give other numbers.
    payload["result"]["rows"][0][1] = 12345
    item = ws.create_item(group.group_id, "table", payload, "member")
    approved = review.approve(ws, item, "講師")
    no_sql.clear()
    text, data = _export(store, ws, group, approved.item_id, fmt)
    if fmt != "pdf":
        assert PLACEHOLDER not in text and "12,345" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 10_000
    assert no_sql == []  # the export never called run_user_sql


def test_the_instructors_zip_draws_saved_results_only(store, sql_group, no_sql):
    ws, group = sql_group
    ws.create_item(group.group_id, "table", _saved_payload(store), "member")
    no_sql.clear()
    data = course_summary.deliverables_zip(ws, store, load_catalog(), group.course_id, formats=("html",))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any(name.endswith(".html") for name in archive.namelist())
    assert no_sql == []


def _instructor_page():
    at = app_test(timeout=120)
    at.session_state["instructor"] = True
    at.run()
    at.switch_page("pages/instructor.py").run()
    assert not at.exception, at.exception
    return at


def test_the_review_queue_approves_sends_back_and_reruns(store, sql_group):
    ws, group = sql_group
    first = ws.create_item(group.group_id, "table", _saved_payload(store, title="承認する表"), "member")
    second = ws.create_item(group.group_id, "table", _saved_payload(store, title="差し戻す表"), "member")
    old = ws.create_item(group.group_id, "table", {"title": "古い表", "note": "", "spec": sql_table_spec(SQL)},
                         "member")  # saved before results were kept
    at = _instructor_page()
    # The old item was run once when the queue was shown: it now holds a result and is still pending.
    assert review.result_frame(ws.item(old.item_id).payload) is not None
    assert review.status(ws.item(old.item_id).payload) == review.PENDING
    codes = [c.value for c in at.code]
    assert SQL in codes
    assert any(PLACEHOLDER in c.value or "確認待ち" in c.value for c in at.caption)

    at.button(key=f"outcheck:{first.item_id}:approve").click().run()
    assert not at.exception, at.exception
    approved = ws.item(first.item_id)
    assert review.status(approved.payload) == review.APPROVED and approved.updated_by == "講師"
    assert ws.history(item_id=first.item_id)[0].actor == "講師"  # the history shows who approved

    at.button(key=f"outcheck:{second.item_id}:send_back").click().run()  # no comment: refused
    assert review.status(ws.item(second.item_id).payload) == review.PENDING
    assert any("コメント" in e.value for e in at.error)
    at.text_input(key=f"outcheck:{second.item_id}:comment").input("人数の少ない地区を分けないでください").run()
    at.button(key=f"outcheck:{second.item_id}:send_back").click().run()
    returned = ws.item(second.item_id).payload
    assert review.status(returned) == review.RETURNED and returned["review"]["comment"].startswith("人数の少ない")

    # Re-run on request: the approved table gets a fresh result and goes back to pending.
    broken = {**approved.payload, "result": {**approved.payload["result"], "rows": [["x", 1]]}}
    stale = ws.update_item(first.item_id, broken, approved.version, "講師")
    at.run()
    at.button(key=f"outcheck:{first.item_id}:rerun").click().run()
    assert not at.exception, at.exception
    fresh = ws.item(first.item_id)
    assert fresh.version == stale.version + 1 and review.status(fresh.payload) == review.PENDING
    assert review.result_frame(fresh.payload)["n"].sum() == review.result_frame(_saved_payload(store))["n"].sum()
