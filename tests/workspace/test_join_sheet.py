"""The printable join-code sheet: every group's name and code on its own page, escaped, nothing fetched."""
from __future__ import annotations

import re
from datetime import date

import pytest

from lib.workspace import course
from lib.workspace.items import Group
from lib.workspace.join_sheet import join_sheet_html, workbench_address


def test_one_page_per_group_with_its_code():
    info = course.CourseInfo("c1", "印刷の研修", "みどり野市", (date(2026, 6, 1),) * 4, 1, 1, False)
    groups = [Group("g1", "c1", "A班", "ABC-DEF", {}), Group("g2", "c1", "<b>B班</b>", "GHJ-KMN", {})]
    page = join_sheet_html(info, groups)
    assert page.count("<section>") == 2
    for group in groups:
        assert group.join_code in page
    assert "&lt;b&gt;B班&lt;/b&gt;" in page and "<b>B班</b>" not in page
    assert "参加する" in page
    assert not re.search(r"(src|href)=|https?://|@import|url\(", page)


def test_the_sheet_prints_the_address_the_trainees_open():
    info = course.CourseInfo("c1", "印刷の研修", "みどり野市", (date(2026, 6, 1),) * 4, 1, 1, False)
    groups = [Group("g1", "c1", "A班", "ABC-DEF", {}), Group("g2", "c1", "B班", "GHJ-KMN", {})]
    page = join_sheet_html(info, groups, address="http://192.0.2.10:8501/")
    assert page.count("http://192.0.2.10:8501/") == 2  # on every group's page
    assert "アドレス" in page
    blank = join_sheet_html(info, groups)
    assert blank.count("開くアドレス：＿") == 2  # a line to write it on


@pytest.mark.parametrize("page_url, configured, expected", [
    ("http://192.0.2.10:8501/instructor", "", "http://192.0.2.10:8501/"),
    ("http://kenshu-server/instructor", "", "http://kenshu-server/"),
    ("http://localhost:8501/instructor", "", ""),  # the server itself: no other PC reaches it
    ("http://127.0.0.1:8501/instructor", "", ""),
    ("http://localhost:8501/instructor", "http://192.0.2.10/", "http://192.0.2.10/"),
    (None, "", ""),
])
def test_the_address_is_the_configured_one_or_the_one_the_browser_used(page_url, configured, expected):
    assert workbench_address(page_url, configured) == expected
