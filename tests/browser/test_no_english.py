"""A walk through every page in Chromium finds no English interface text and no raw text keys.

The trainee joins group A and the instructor signs in in the same browser, so that every page
shows its full content; each page's visible text (and the text of its maps) is scanned.
"""
from __future__ import annotations

import re

import pytest

from lib.i18n import STRINGS, t
from tests.browser.conftest import screenshot
from tests.browser.test_sessions_flow import _enter_as_instructor, go, join, join_code_on_instructor_page

pytestmark = pytest.mark.browser

PAGE_KEYS = ["page.home", "page.join", "page.session_1", "page.session_2", "page.session_3", "page.session_4",
             "page.workspace", "page.presentation", "page.exercises", "page.catalog", "page.charts",
             "page.pivot", "page.statistics", "page.survey", "page.sql", "page.map", "page.instructor",
             "page.instructor_data", "page.instructor_exports", "page.instructor_guide"]
# Seen by trainees before: Streamlit's own English, untranslated values and names of columns.
ENGLISH = ["Select all", "Upload", "MB per file", "Drag and drop", "Browse files", "None", "NaN", "1 mi",
           "（完成例）（完成例）", "depth_class", "baseline", "Traceback", "Error:", "左のスキーマ"]
KEY = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b")


def _leaks(text: str) -> list[str]:
    found = [word for word in ENGLISH if word in text]
    return found + sorted({key for key in KEY.findall(text) if key in STRINGS})


def test_every_page_speaks_japanese(fresh_app_server, offline_page):
    page = offline_page
    page.set_default_timeout(60_000)
    _enter_as_instructor(page, fresh_app_server)
    code = join_code_on_instructor_page(page, "A班")
    join(page, "A班", code)

    leaks = {}
    for key in PAGE_KEYS:
        go(page, t(key))
        page.wait_for_timeout(1000)
        text = page.locator("[data-testid='stApp']").inner_text()
        for frame in page.frames[1:]:
            try:
                text += "\n" + frame.locator("body").inner_text(timeout=5_000)
            except Exception:  # noqa: BLE001 - a frame that went away while the page reran
                continue
        if _leaks(text):
            leaks[t(key)] = _leaks(text)
            screenshot(page, f"english-{key}")
    assert leaks == {}
    assert page.external_requests == []
