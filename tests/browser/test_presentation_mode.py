"""The deck survives presentation mode: leaving it shows the same deck, and later actions keep it."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_sessions_flow import (
    _enter_as_instructor,
    choose,
    click,
    fill,
    go,
    join,
    join_code_on_instructor_page,
)

pytestmark = pytest.mark.browser


def _title_boxes(page, expected: int | None = None) -> list[str]:
    boxes = page.locator("[class*='st-key-pres-'][class*='-title'] input")
    if expected:
        boxes.nth(expected - 1).wait_for(state="attached")  # a loaded machine draws the builder slowly
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
    assert _title_boxes(page, len(before)) == before

    # Any further action (here: the preview's slider) keeps the deck and its saved state.
    page.get_by_role("tab", name="プレビュー").click()
    slider = page.get_by_role("slider").first
    slider.focus()
    slider.press("ArrowRight")
    wait_for_app(page)
    page.get_by_role("tab", name="編集").click()
    assert _title_boxes(page, len(before)) == before
    assert page.get_by_text("保存していない変更があります").count() == 0
    screenshot(page, "presentation-after-present-mode")
    assert page.external_requests == []


IMAGE = "![x](https://example.com/tracker.png)"


def test_typed_markdown_images_are_shown_as_text_and_fetch_nothing(fresh_app_server, offline_page):
    page = offline_page
    page.set_default_timeout(60_000)
    _enter_as_instructor(page, fresh_app_server)
    # The instructor comments on group A, then a member of group A reads it.
    code = join_code_on_instructor_page(page, "A班")
    page.get_by_role("tab", name="グループの作業とコメント").click()
    choose(page, "inst_group", "A班")
    fill(page, "inst_comment_text", f"**よい** {IMAGE}")
    page.get_by_role("button", name="コメントを送る").click()
    wait_for_app(page)
    assert page.external_requests == []
    page.get_by_text(f"**よい** {IMAGE}").first.wait_for()

    # A slide bullet with an image, in the preview and in presentation mode.
    go(page, "発表資料")
    page.locator("[data-testid='stExpander'] summary").first.click()
    bullets = page.locator("[class*='st-key-pres-'][class*='-bullets'] textarea").first
    bullets.fill(f"{IMAGE}\n**強調**")
    bullets.press("Tab")
    wait_for_app(page)
    shown = page.locator("[data-testid='stMarkdownContainer'] li")
    page.get_by_role("tab", name="プレビュー").click()
    shown.filter(has_text=IMAGE).first.wait_for()
    click(page, "pres_start")
    click(page, "pres_next")
    shown.filter(has_text=IMAGE).first.wait_for()
    shown.filter(has_text="**強調**").first.wait_for()
    click(page, "pres_exit")

    join(page, "A班", code)
    go(page, "グループの作業場所")
    page.locator(".st-key-ws_section").get_by_text("講師からのコメント").click()
    wait_for_app(page)
    page.get_by_text(f"**よい** {IMAGE}").first.wait_for()
    screenshot(page, "typed-markdown-as-text")
    assert page.locator("img[src*='example.com']").count() == 0
    assert page.external_requests == []


def _slide_number(page) -> tuple[int, int]:
    shown = re.search(r"スライド (\d+) / (\d+)", page.locator("[data-testid='stApp']").inner_text())
    return int(shown.group(1)), int(shown.group(2))


def _legend_share(page) -> float | None:
    """The share of the slide's map that its legend covers (None: no map on this slide)."""
    for frame in page.frames[1:]:
        try:
            if frame.locator(".dab-legend").count():
                return frame.evaluate("""() => {
                    const area = (e) => { const r = e.getBoundingClientRect(); return r.width * r.height; };
                    return area(document.querySelector('.dab-legend'))
                         / area(document.querySelector('.leaflet-container'));
                }""")
        except Exception:  # noqa: BLE001 - a frame that went away while the page reran
            continue
    return None


def test_a_clickers_keys_and_full_screen_drive_presentation_mode(app_server, offline_page):
    page = offline_page
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1366, "height": 768})  # an LGWAN PC
    page.goto(f"{app_server}/presentation")  # a visitor: the finished example's deck
    wait_for_app(page)
    click(page, "pres_start")
    page.get_by_text("スライド 1 /").wait_for()
    _, total = _slide_number(page)
    # What a presenter's clicker sends: PageDown / PageUp, → / ←, Space; Home and End.
    for key, expected in [("PageDown", 2), ("ArrowRight", 3), ("Space", 4), ("ArrowLeft", 3), ("PageUp", 2),
                          ("End", total), ("Home", 1)]:
        page.keyboard.press(key)
        wait_for_app(page)
        page.get_by_text(f"スライド {expected} / {total}").wait_for()
    # After the 次へ button was clicked with the mouse, Space moves one slide, not two.
    click(page, "pres_next")
    page.keyboard.press("Space")
    wait_for_app(page)
    assert _slide_number(page) == (3, total)

    # The exit button's label is shown whole, on one line (as high as 前へ's).
    label, one_line = (page.locator(f".st-key-{key} button p").first for key in ("pres_exit", "pres_prev"))
    assert label.evaluate("p => p.scrollWidth <= p.clientWidth + 1")
    assert label.bounding_box()["height"] <= one_line.bounding_box()["height"] + 1

    # A map on a slide: the legend covers little of it.
    shares = []
    for _ in range(total):
        page.wait_for_timeout(1500)  # the map's frame loads after the run
        share = _legend_share(page)
        if share is not None:
            shares.append(share)
            screenshot(page, "presentation-map-slide")
        page.keyboard.press("PageDown")
        wait_for_app(page)
    assert shares and max(shares) < 0.12, shares

    page.get_by_role("button", name="全画面").click()
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.get_by_role("button", name="全画面を終える").wait_for()
    screenshot(page, "presentation-full-screen")
    page.keyboard.press("Home")
    wait_for_app(page)
    page.get_by_text(f"スライド 1 / {total}").wait_for()
    click(page, "pres_exit")
    assert page.external_requests == []
