"""Every page runs without an exception (Streamlit AppTest: no browser, no JavaScript)."""
from __future__ import annotations

from pathlib import Path

import pytest

from lib.data.catalog import load_catalog
from tests.conftest import app_test, menu_pages

PAGES = ["pages/home.py", "pages/catalog.py"]
ALL_PAGES = menu_pages()


@pytest.mark.parametrize("page_file", PAGES)
def test_page_renders_in_japanese_without_errors(store, page_file):
    at = app_test().run()
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    assert not at.error
    text = " ".join(m.value for m in at.markdown) + " ".join(t.value for t in at.title)
    assert any("\u3040" <= ch <= "\u30ff" for ch in text)


def test_home_lists_the_four_sessions(store):
    at = app_test().run()
    markdown = " ".join(m.value for m in at.markdown)
    for number in ("第1回", "第2回", "第3回", "第4回"):
        assert number in markdown


def test_language_switch_shows_english(store):
    at = app_test().run()
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Data Academy Workbench"


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_catalog_shows_every_dataset(store, name):
    at = app_test().run()
    at.switch_page("pages/catalog.py").run()
    at.selectbox(key="catalog_dataset").set_value(name).run()
    assert not at.exception, at.exception
    ds = load_catalog()[name]
    assert at.header[0].value == ds.title_in("ja")
    assert len(at.dataframe) >= 3  # dictionary, preview, statistics
    assert at.metric[0].value.replace(",", "").isdigit()


@pytest.mark.parametrize("page_file", ALL_PAGES)
@pytest.mark.parametrize("as_instructor", [False, True])
def test_every_page_in_the_navigation_runs(store, page_file, as_instructor):
    """A trainee who has not joined, and the signed-in instructor, can open every page."""
    at = app_test(timeout=120).run()
    if as_instructor:
        at.session_state["instructor"] = True
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.title) + " ".join(e.value for e in at.markdown)
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in shown)


def test_the_menu_lists_every_page_file():
    """The page lists these tests walk come from app.py's menu: each file in pages/ is in it, once."""
    files = sorted(f"pages/{path.name}" for path in (Path(__file__).resolve().parents[2] / "pages").glob("*.py"))
    assert sorted(ALL_PAGES) == files
