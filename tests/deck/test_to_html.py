"""The example group's deck as one offline HTML report."""
from __future__ import annotations

import re

import pytest

from lib.deck.to_html import deck_html
from lib.workspace import example_group
from tests.fixtures.deck import demo_workspace, prepared_example


@pytest.fixture(scope="module")
def report(store):
    return deck_html(prepared_example(store, demo_workspace(store))).decode("utf-8")


def test_storyline_and_group_are_in_japanese(report):
    for heading in ("背景", "課題", "仮説", "分析結果", "評価", "政策提案", "効果・指標"):
        assert f'<p class="step">{heading}</p>' in report or f"<h2>{heading}</h2>" in report
    assert "見本グループ（完成例）" in report and "見本 花子（高齢福祉課）" in report
    assert '<html lang="ja">' in report


def test_plotly_is_embedded_once_and_every_chart_is_inline(report):
    assert report.count("Plotly.newPlot") == len(example_group.example_charts())
    # plotly.js is a few MB and appears once (its licence header marks it)
    assert len(re.findall(r"plotly\.js v\d", report)) == 1


def test_maps_are_inline_offline_leaflet_pages(report):
    frames = re.findall(r'<iframe class="map"[^>]*srcdoc="([^"]*)"', report)
    assert len(frames) == len(example_group.example_maps())
    import html

    inner = html.unescape(frames[0])
    assert "L.map(" in inner or "L.map (" in inner
    assert "leaflet" in inner.lower()


def test_no_resource_is_loaded_from_the_network(report):
    import html

    everything = report + "".join(html.unescape(f) for f in re.findall(r'srcdoc="([^"]*)"', report))
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', everything)
    assert "@import url(http" not in everything


def test_sources_and_notes_are_in_the_report(report):
    assert report.count("出典：") >= 4 and "匿名化：" in report
    assert "発表メモ" in report
def test_every_map_frame_is_sandboxed_without_the_reports_origin(report):
    frames = re.findall(r"<iframe\b[^>]*>", report)
    assert frames and all('sandbox="allow-scripts"' in frame for frame in frames)
