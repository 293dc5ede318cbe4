"""Pivot, survey and SQL results saved as evidence are drawn again in the workspace, the deck and its exports."""
from __future__ import annotations

import io

import pytest
from pptx import Presentation

from lib.analysis.disclosure import check_query_result
from lib.analysis.user_sql import run_user_sql
from lib.charts.result_table import draw_table, pivot_table_spec, sql_table_spec, survey_table_spec
from lib.charts.spec import ChartSpec, Measure
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.workspace import course, output_review
from tests.conftest import app_test
from tests.fixtures.deck import demo_workspace

SPECS = {
    "pivot": pivot_table_spec(ChartSpec("care_certification", Measure("count"), ["areas.district", "sex"]), "row"),
    "survey": survey_table_spec("survey", ["sat_公共交通", "sat_買い物"], [Filter("district", "in", ["丘陵地区"])]),
    "sql": sql_table_spec("SELECT district, COUNT(*) AS n FROM survey GROUP BY district ORDER BY district"),
}


def test_each_table_is_computed_again_from_the_data(published):
    catalog = load_catalog()
    pivot = draw_table(published, catalog, SPECS["pivot"])
    assert len(pivot) == 1 + published.execute("SELECT COUNT(DISTINCT district) FROM areas").fetchone()[0]
    assert pivot.iloc[:-1, 1:-1].sum(axis=1).round(0).eq(100).all()  # row percentages
    shares = draw_table(published, catalog, SPECS["survey"])
    assert len(shares) == 2 * 5 and shares.groupby(shares.columns[0])[shares.columns[3]].sum().round(0).eq(100).all()
    with pytest.raises(ValueError):  # a SQL table is never run again to be drawn: its saved result is used
        draw_table(published, catalog, SPECS["sql"])


@pytest.fixture(scope="module")
def group_with_tables(store):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, "表班", "TBL-EEE")
    items = {name: ws.create_item(group.group_id, "table", {"title": f"表：{name}", "spec": spec}, "tester")
             for name, spec in SPECS.items() if name != "sql"}
    # A SQL table is saved with its checked result, and exported once the instructor approved it.
    frame = check_query_result(SPECS["sql"]["sql"], run_user_sql(store.published_path, SPECS["sql"]["sql"]).frame,
                               load_catalog())
    cursor = store.published()
    try:
        saved = output_review.checked_result(cursor, load_catalog(), SPECS["sql"]["sql"], frame)
    finally:
        cursor.close()
    sql = ws.create_item(group.group_id, "table", {"title": "表：sql", "spec": SPECS["sql"], **saved}, "tester")
    items["sql"] = output_review.approve(ws, sql, "講師")
    return ws, group, items


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_tables_reach_every_export(store, group_with_tables, fmt):
    ws, group, items = group_with_tables
    assert [i.item_id for i in ws.evidence(group.group_id)] == [i.item_id for i in items.values()]
    deck = {
        "title": "表",
        "slides": [
            {"section": "results", "title": f"表：{name}", "bullets": [], "evidence": item.item_id}
            for name, item in items.items()
        ],
    }
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    assert [e.error for e in prepared.evidence.values()] == ["", "", ""]
    data = deck_export.export_deck(prepared, fmt)
    if fmt == "pptx":
        tables = [shape.table for slide in Presentation(io.BytesIO(data)).slides for shape in slide.shapes
                  if shape.has_table]
        assert len(tables) == 3 and tables[2].cell(0, 1).text == "n"
    elif fmt == "html":
        text = data.decode("utf-8")
        assert text.count('<table class="data">') >= 3 and "丘陵地区" in text
    else:
        assert data.startswith(b"%PDF") and len(data) > 10_000


def test_the_workspace_draws_a_saved_table(store, group_with_tables):
    ws, group, items = group_with_tables
    member = course.join_group(ws, group.group_id, group.join_code, "表 太郎", "企画課")
    at = app_test(timeout=120).run()
    at.session_state["member"] = {"member_id": member.member_id, "group_id": group.group_id,
                                  "group_name": group.name, "course_id": group.course_id,
                                  "name": "表 太郎", "department": "企画課"}
    at.switch_page("pages/workspace.py").run()
    at.toggle(key=f"show:{items['sql'].item_id}").set_value(True).run()
    assert not at.exception, at.exception
    assert any("n" in frame.value.columns for frame in at.dataframe)


def test_the_sql_page_saves_the_query_that_made_the_result(store, group_with_tables):
    ws, group, _items = group_with_tables
    member = course.join_group(ws, group.group_id, group.join_code, "表 花子", "企画課")
    at = app_test(timeout=120).run()
    at.session_state["member"] = {"member_id": member.member_id, "group_id": group.group_id,
                                  "group_name": group.name, "course_id": group.course_id,
                                  "name": "表 花子", "department": "企画課"}
    at.switch_page("pages/sql_console.py").run()
    at.text_area(key="sql:text").set_value(SPECS["sql"]["sql"]).run()
    at.button(key="sql:run").click().run()
    at.text_area(key="sql:text").set_value("SELECT 1").run()  # edited after running: not what is saved
    next(b for b in at.button if b.label == "根拠として保存（表）").click().run()
    assert not at.exception, at.exception
    saved = [i for i in ws.items(group.group_id, "table") if i.created_by == "表 花子（企画課）"]
    assert [i.payload["spec"] for i in saved] == [SPECS["sql"]]
