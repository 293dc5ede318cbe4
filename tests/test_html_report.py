"""The example group's deck as one offline HTML report."""
from __future__ import annotations

import re

import pytest

from lib.deck.to_html import deck_html
from lib.workspace import example_group
from tests.deck_fixtures import demo_workspace, prepared_example


@pytest.fixture(scope="module")
def page(store):
    return deck_html(prepared_example(store, demo_workspace(store))).decode("utf-8")


def test_storyline_and_group_are_in_japanese(page):
    for heading in ("背景", "課題", "仮説", "分析結果", "評価", "政策提案", "効果・指標"):
        assert f'<p class="step">{heading}</p>' in page or f"<h2>{heading}</h2>" in page
    assert "見本グループ（完成例）" in page and "見本 花子（高齢福祉課）" in page
    assert '<html lang="ja">' in page


def test_plotly_is_embedded_once_and_every_chart_is_inline(page):
    assert page.count("Plotly.newPlot") == len(example_group.example_charts())
    # plotly.js is a few MB and appears once (its licence header marks it)
    assert len(re.findall(r"plotly\.js v\d", page)) == 1


def test_maps_are_inline_offline_leaflet_pages(page):
    frames = re.findall(r'<iframe class="map"[^>]*srcdoc="([^"]*)"', page)
    assert len(frames) == len(example_group.example_maps())
    import html

    inner = html.unescape(frames[0])
    assert "L.map(" in inner or "L.map (" in inner
    assert "leaflet" in inner.lower()


def test_no_resource_is_loaded_from_the_network(page):
    import html

    everything = page + "".join(html.unescape(f) for f in re.findall(r'srcdoc="([^"]*)"', page))
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', everything)
    assert "@import url(http" not in everything


def test_sources_and_notes_are_in_the_report(page):
    assert page.count("出典：") >= 4 and "匿名化：" in page
    assert "発表メモ" in page


def test_every_map_frame_is_sandboxed_without_the_reports_origin(page):
    frames = re.findall(r"<iframe\b[^>]*>", page)
    assert frames and all('sandbox="allow-scripts"' in frame for frame in frames)
