"""A chart saved from 統計で確かめる on the derived per-area table is drawn again everywhere it is shown."""
from __future__ import annotations

import pytest

from lib.charts.spec import ChartSpec, Measure
from lib.data.catalog import load_catalog
from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.deck.evidence import resolve_evidence, source_text, spec_sources
from tests.fixtures.deck import demo_workspace

# What the statistics page saves for 単回帰 on 町丁目別の指標（派生）.
REGRESSION = ChartSpec("area_indicators", Measure("mean", "care_rate_65plus"), [], chart_type="scatter",
                       options={"x": "ageing_rate", "trend_line": True}).to_dict()


def test_the_plain_catalog_is_enough_to_redraw_a_derived_chart(published):
    evidence = resolve_evidence(published, load_catalog(), "chart", {"title": "単回帰", "spec": REGRESSION})
    assert evidence.error == ""
    assert len(evidence.frame) > 10 and evidence.figure is not None
    assert [s.dataset for s in spec_sources(load_catalog(), "chart", REGRESSION)] == ["町丁目別の指標（派生）"]


def test_the_source_line_names_where_the_figures_come_from_and_no_file_or_seed():
    line = source_text(spec_sources(load_catalog(), "chart", REGRESSION), "ja", short=True)
    assert "（）" not in line and "公開データ" in line
    demo = source_text(spec_sources(load_catalog(), "chart", {**REGRESSION, "dataset": "population",
                                                             "measure": {"kind": "count"}}), "ja")
    assert "架空のデモデータ" in demo
    assert not [word for word in ("generate.py", "乱数", "datasets/") if word in line + demo]


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_every_export_draws_it(store, fmt):
    ws = demo_workspace(store)
    group = ws.create_group(ws.courses()[0].course_id, f"統計班 {fmt}", "STA-TTT")
    item = ws.create_item(group.group_id, "chart", {"title": "高齢化率と認定率", "spec": REGRESSION}, "tester")
    deck = {"title": "統計", "slides": [{"section": "results", "title": "高齢化率と認定率", "bullets": [],
                                          "evidence": item.item_id}]}
    cursor = store.published()
    try:
        prepared = deck_model.prepare_deck(ws, cursor, load_catalog(), group, deck=deck)
    finally:
        cursor.close()
    assert [e.error for e in prepared.evidence.values()] == [""]
    assert deck_export.export_deck(prepared, fmt)
