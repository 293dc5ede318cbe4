"""The printable join-code sheet: every group's name and code on its own page, escaped, nothing fetched."""
from __future__ import annotations

import re
from datetime import date

from lib.workspace import course
from lib.workspace.items import Group
from lib.workspace.join_sheet import join_sheet_html


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
