"""The printable join-code sheet: every group's name and code on its own page, escaped, nothing fetched."""
from __future__ import annotations

import re
from datetime import date

from lib.workspace import course
from lib.workspace.items import open_workspace
from lib.workspace.join_sheet import join_sheet_html


def test_one_page_per_group_with_its_code(store):
    ws = open_workspace(store)
    dates = [date(2026, 6, day) for day in (1, 8, 15, 22)]
    info, groups = course.create_course(ws, "印刷の研修", "みどり野市", dates, ["A班", "<b>B班</b>"], "tester")
    page = join_sheet_html(info, groups)
    assert page.count("<section>") == 2
    for group in groups:
        assert group.join_code in page
    assert "&lt;b&gt;B班&lt;/b&gt;" in page and "<b>B班</b>" not in page
    assert "参加する" in page
    assert not re.search(r"(src|href)=|https?://|@import|url\(", page)
