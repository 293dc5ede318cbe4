"""The deck survives presentation mode: leaving it shows the same deck, and later actions keep it."""
from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sessions_flow import _enter_as_instructor, click, go

pytestmark = pytest.mark.browser


def _title_boxes(page) -> list[str]:
    boxes = page.locator("[class*='st-key-pres-'][class*='-title'] input")
    return [boxes.nth(i).input_value() for i in range(boxes.count())]


def test_leaving_presentation_mode_keeps_the_deck(fresh_app_server, offline_page):
    page = offline_page
    page.set_default_timeout(60_000)
    _enter_as_instructor(page, fresh_app_server)
    go(page, "発表資料")
    deck_title = page.locator("[class*='st-key-pres-'][class*='-title'] input").first
    deck_title.fill("丘陵地区の外出を増やす")
    deck_title.press("Tab")
    wait_for_app(page)
    page.locator("[class*='st-key-pres-'][class*='-save'] button").first.click()
    wait_for_app(page)
    before = _title_boxes(page)
    assert before[0] == "丘陵地区の外出を増やす" and all(before), before

    click(page, "pres_start")
    page.get_by_text("丘陵地区の外出を増やす").first.wait_for()
    click(page, "pres_next")
    click(page, "pres_exit")
    assert _title_boxes(page) == before

    # Any further action (here: the preview's slider) keeps the deck and its saved state.
    page.get_by_role("tab", name="プレビュー").click()
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")
    wait_for_app(page)
    page.get_by_role("tab", name="編集").click()
    assert _title_boxes(page) == before
    assert page.get_by_text("保存していない変更があります").count() == 0
    screenshot(page, "presentation-after-present-mode")
    assert page.external_requests == []
