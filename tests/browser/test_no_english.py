"""A walk through every page in Chromium finds no English interface text and no raw text keys.

Two personas walk every page: the instructor (signed in, and joined to group A so that every page
shows its full content) and, in a browser of their own, a trainee of group A. Each page's visible
text, the text of its frames (maps) and its tooltips (title attributes: Plotly's toolbar) are
scanned for known English strings and, by a heuristic, for any English word that is not on the
allow-list. The first-start test has a fresh server of its own: while the first start builds the
database, the sidebar must never list the pages' file names.
"""
from __future__ import annotations

import json
import re
import time

import pytest

from lib.data.catalog import load_catalog
from lib.i18n import STRINGS, t
from tests.browser.conftest import guard_offline, screenshot, wait_for_app, wait_until_drawn
from tests.browser.test_sessions_flow import _enter_as_instructor, go, join, join_code_on_instructor_page

pytestmark = pytest.mark.browser

PAGE_KEYS = [
    "page.home",
    "page.join",
    "page.session_1",
    "page.session_2",
    "page.session_3",
    "page.session_4",
    "page.workspace",
    "page.presentation",
    "page.exercises",
    "page.catalog",
    "page.charts",
    "page.pivot",
    "page.statistics",
    "page.area_patterns",
    "page.projection",
    "page.survey",
    "page.sql",
    "page.map",
    "page.instructor",
    "page.instructor_data",
    "page.instructor_exports",
    "page.privacy_checklist",
    "page.instructor_guide",
]
# Seen by trainees before: Streamlit's own English, untranslated values and names of columns.
ENGLISH = ["Select all", "Upload", "MB per file", "Drag and drop", "Browse files", "None", "NaN", "1 mi",
           "（完成例）（完成例）", "depth_class", "baseline", "Traceback", "Error:", "左のスキーマ",
           "Download as CSV", "Fullscreen", "Search", "Binder", "Catalog Error", "Parser Error", "Did you mean",
           "View more", "README", "datasets/generate.py"]
KEY = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b")
# An English word: a lower-case or capitalised word standing alone (not part of an identifier such as
# care_level, a file name, an address or a mixed-case name such as GeoJSON; acronyms like SQL pass).
WORD = re.compile(r"(?<![\w.@/:\\-])[A-Za-z][a-z]+(?![\w.@/:\\-])")
# Names and the words of SQL that the course teaches as they are written.
ALLOWED = {"Leaflet", "Excel", "Edge", "Chrome", "Windows", "Step", "PowerPoint", "Shapefile", "Python",
           "Okabe", "Ito", "Plotly", "Streamlit", "select", "from", "where", "group", "by", "order", "as",
           "limit", "count", "sum", "avg", "and", "or", "not", "on", "join", "desc", "asc", "cast", "case",
           "when", "then", "else", "end", "in", "is", "null", "like", "with", "having", "distinct", "round",
           "nullif", "e", "km", "m", "yeer"}  # yeer: the misspelt column this test types on the SQL page


def _identifiers() -> set[str]:
    """Table and column names: the vocabulary of the SQL page, shown as they must be typed."""
    names = set()
    for ds in load_catalog().values():
        names.add(ds.name)
        names.update(c.name for c in ds.columns)
    return names


def _leaks(text: str, allowed: set[str]) -> list[str]:
    found = [word for word in ENGLISH if word in text]
    found += sorted({key for key in KEY.findall(text) if key in STRINGS})
    return found + sorted({w for w in WORD.findall(text) if w not in allowed and w.lower() not in allowed})


def _icon_names(page) -> set[str]:
    """Material icons are drawn from their names' text (ligatures): "home" is a picture, not a word."""
    return set(page.evaluate("""() => [...document.querySelectorAll('[data-testid=stApp] span')]
        .filter(e => e.children.length === 0 && getComputedStyle(e).fontFamily.includes('Material'))
        .map(e => e.innerText.trim())"""))


def _page_text(page) -> str:
    """The visible text of the app, of its frames (maps), and its tooltips: the browser's (title attributes)
    and Plotly's toolbar's (drawn by CSS from data-title, which CSS may replace)."""
    text = page.locator("[data-testid='stApp']").inner_text()
    for code in page.locator("[data-testid='stApp'] code").all_inner_texts():
        text = text.replace(code, " ")  # commands and SQL, shown to be typed as they are
    text += "\n" + "\n".join(page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stApp] [title], [data-testid=stApp] [data-title]')]
        .filter(e => e.checkVisibility())
        .map(e => (e.getAttribute('title') || '') + ' '
                  + (e.hasAttribute('data-title') ? getComputedStyle(e, '::after').content : ''))"""))
    for frame in page.frames[1:]:
        try:
            if not frame.frame_element().is_visible():
                continue  # a map in a tab not opened: its text is its script, which no one sees
            # <noscript> says "You need to enable JavaScript"; scripts run here, so no one sees it.
            text += "\n" + frame.evaluate("() => { document.querySelectorAll('noscript').forEach(n => n.remove());"
                                          " return document.body.innerText; }")
            if frame.locator(".leaflet-attribution-flag").count():
                text += "\nLeaflet's flag"
        except Exception:  # noqa: BLE001 - a frame that went away while the page reran
            continue
    return text


def _open_column_menu(page) -> None:
    """Open the column menu of the first table on the page (its header is drawn on a canvas) and its 統計."""
    table = page.locator("[data-testid='stDataFrame']:visible").first
    table.wait_for()
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.move(box["x"] + 80, box["y"] + 17)
    page.mouse.click(box["x"] + 110, box["y"] + 17)
    menu = page.locator("[data-testid='stDataFrameColumnMenu']")
    menu.get_by_text("統計").hover()
    page.locator("[data-testid='stDataFrameStatisticsMenu']").get_by_text("異なる値の数").wait_for()


def _walk(page, allowed: set[str]) -> dict[str, list[str]]:
    leaks = {}
    for key in PAGE_KEYS:
        go(page, t(key))
        wait_until_drawn(page)
        if key == "page.sql":  # DuckDB's own error, retold
            box = page.locator(".st-key-sql-text textarea")
            box.fill("SELECT yeer FROM care_certification")
            box.press("Tab")
            page.locator(".st-key-sql-run button").click()
            wait_for_app(page)
            page.get_by_text("1 行目の ^ のところで止まりました").wait_for()
        if key == "page.charts":  # Plotly's toolbar
            page.locator(".modebar-btn").first.wait_for(state="attached")
        if key == "page.catalog":  # a table's column menu and its statistics, open
            _open_column_menu(page)
        found = _leaks(_page_text(page), allowed | _icon_names(page))
        if found:
            leaks[t(key)] = found
            screenshot(page, f"english-{key}")
    return leaks


def test_the_first_start_never_lists_the_page_files(fresh_app_server, offline_page):
    page = offline_page
    page.goto(fresh_app_server)
    sidebar, app = page.locator("[data-testid='stSidebar']"), page.locator("[data-testid='stApp']")
    seen = []  # the sidebar's text and the script's state, every 150 ms while the first start builds the database
    icons = set()
    deadline = time.time() + 180
    while time.time() < deadline:
        state = app.first.get_attribute("data-test-script-state") if app.count() else None
        seen.append((sidebar.first.inner_text() if sidebar.count() else "", state))
        icons |= _icon_names(page)
        if state == "notRunning" and t("page.catalog") in seen[-1][0]:
            break
        page.wait_for_timeout(150)
    assert t("page.catalog") in seen[-1][0]  # the menu, in Japanese
    # Never a file name (chart builder, …) once the Japanese menu is there: app.py sets it before anything
    # slow. Until app.py's first line has run, Streamlit's own list of the pages/ folder can flash (for as
    # long as the machine takes to import Streamlit's page code and lib.i18n): app.py keeps Streamlit's
    # navigation, since a menu of st.page_link loses typed text in a race (issue 21).
    menu = next(i for i, (text, _state) in enumerate(seen) if t("page.catalog") in text)
    assert [text for text, _state in seen[menu:] if _leaks(text, ALLOWED | icons)] == []
    assert page.external_requests == []


@pytest.mark.parametrize("persona", ["instructor", "trainee"])
def test_every_page_speaks_japanese(app_server, offline_page, browser, persona):
    """Each persona walks on its own (the two walks run side by side on the shared servers)."""
    allowed = ALLOWED | _identifiers()
    page = offline_page
    page.set_default_timeout(60_000)
    _enter_as_instructor(page, app_server)
    code = join_code_on_instructor_page(page, "A班")
    if persona == "instructor":
        join(page, "A班", code)
        walker = page
    else:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
        walker = guard_offline(context.new_page())
        walker.set_default_timeout(60_000)
        walker.goto(app_server)
        wait_for_app(walker)
        join(walker, "A班", code, name="試験 花子", department="福祉課")
    leaks = _walk(walker, allowed)
    if walker is not page:
        walker.context.close()
    assert leaks == {}, json.dumps(leaks, ensure_ascii=False, indent=1)
    assert page.external_requests == [] and walker.external_requests == []
