"""Two members of one group, each in their own browser: a save by one is announced on the other's page."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import _serve, guard_offline, screenshot, wait_for_app
from tests.browser.test_sessions_flow import choose, click, fill, go

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_data):
    yield from _serve(tmp_path_factory, {"WORKBENCH_LIVE_CHECK_S": "2"}, demo_data=demo_data)


def _join(page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/join")
    wait_for_app(page)
    choose(page, "join_group", "A班")
    fill(page, "join_code", code)
    fill(page, "join_name", name)
    fill(page, "join_department", "企画課")
    page.get_by_role("button", name="参加する").click()
    wait_for_app(page)
    page.get_by_text(f"「A班」に {name} さんとして参加しています。").wait_for()


def test_a_save_by_another_member_is_announced_without_a_reload(live_server, offline_page, browser,
                                                                 browser_context_args):
    first = offline_page
    first.goto(f"{live_server}/instructor")
    wait_for_app(first)
    fill(first, "auth_new", "kenshu-2026")
    fill(first, "auth_again", "kenshu-2026")
    first.get_by_role("button", name="パスコードを設定する").click()
    wait_for_app(first)
    first.get_by_role("tab", name="コースとグループ").click()
    row = first.locator("[data-testid='stTable']", has_text="参加コード").first.locator("tr", has_text="A班").first
    code = re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}", row.inner_text()).group()

    _join(first, live_server, code, "試験 太郎")
    go(first, "第1回 課題設定")
    first.get_by_text("Step 0").first.wait_for()

    second = guard_offline(browser.new_context(**browser_context_args).new_page())
    _join(second, live_server, code, "試験 花子")
    go(second, "第1回 課題設定")
    fill(second, "ws:step0:goal", "高齢になっても住み慣れた地域で元気に暮らせる")
    click(second, "ws:step0:save")

    # The first member's page, untouched, learns of it within a few seconds.
    first.get_by_text("ほかのメンバーが 1 件の変更を保存しました（試験 花子（企画課））").wait_for(timeout=20_000)
    screenshot(first, "live-change-notice")
    first.get_by_role("button", name="最新の状態を表示").click()
    wait_for_app(first)
    assert (
        first.locator(".st-key-ws-step0-goal textarea").input_value() == "高齢になっても住み慣れた地域で元気に暮らせる"
    )
    assert first.external_requests == [] and second.external_requests == []
    second.context.close()
