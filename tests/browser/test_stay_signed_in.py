"""Issue 21 item 3: a member stays signed in across F5 (a new browser session) without anything in the URL,
and 退出する signs them out for good (F5 after it does not bring them back)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_app
from tests.browser.test_sessions_flow import _css_key, _enter_as_instructor, click, join, join_code_on_instructor_page

pytestmark = pytest.mark.browser

NAME = "継続 太郎"


def _sidebar(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def test_a_member_stays_signed_in_across_a_reload_until_signing_out(app_server, offline_page):
    page = offline_page
    _enter_as_instructor(page, app_server)
    code = join_code_on_instructor_page(page, "C班")
    page.context.clear_cookies()  # the trainee's own browser
    join(page, "C班", code, NAME)
    assert NAME in _sidebar(page)
    [cookie] = [c for c in page.context.cookies() if c["name"] == "workbench_member"]
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and cookie["expires"] > 0
    assert cookie["value"] not in page.url and cookie["value"] not in page.content()  # nowhere on the page

    page.reload()  # F5: a new Streamlit session
    wait_for_app(page)
    page.get_by_text(f"「C班」に {NAME} さんとして参加しています。").wait_for()
    assert NAME in _sidebar(page)

    click(page, "join_leave")  # 退出する
    page.locator(_css_key("join_group")).wait_for()
    assert not [c for c in page.context.cookies() if c["name"] == "workbench_member"]
    page.reload()
    wait_for_app(page)
    page.locator(_css_key("join_group")).wait_for()  # the join form again: signed out
    assert NAME not in _sidebar(page)
    assert page.external_requests == []
