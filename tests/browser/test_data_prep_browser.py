"""The instructor's data preparation in Chromium, offline: sample → staging → anonymize → risk report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser
PASSCODE = "kenshu-2026"  # the same as the sessions flow, whichever test sets it first


def _css_key(key: str) -> str:
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def fill(page, key: str, text: str) -> None:
    box = page.locator(f"{_css_key(key)} textarea, {_css_key(key)} input").first
    box.fill(text)
    box.press("Tab")
    wait_for_app(page)


def click(page, key: str) -> None:
    page.locator(f"{_css_key(key)} button").first.click()
    wait_for_app(page)


def enter_as_instructor(page, base: str, path: str) -> None:
    page.goto(base)  # the first start builds the database; the page URLs exist after it
    wait_for_app(page)
    page.get_by_role("heading", name="データアカデミー ワークベンチ").first.wait_for()
    page.goto(f"{base}/{path}")
    wait_for_app(page)
    page.locator(f"{_css_key('auth_new')}, {_css_key('auth_passcode')}").first.wait_for()
    if page.locator(_css_key("auth_new")).count():
        fill(page, "auth_new", PASSCODE)
        fill(page, "auth_again", PASSCODE)
        page.get_by_role("button", name="パスコードを設定する").click()
    else:
        fill(page, "auth_passcode", PASSCODE)
        page.get_by_role("button", name="講師として入る").click()
    wait_for_app(page)


def upload(page, path) -> None:
    page.locator(f"{_css_key('prep_upload')} input[type='file']").set_input_files(str(path))
    wait_for_app(page)


def test_upload_shows_the_detected_encoding_and_refuses_bad_files(app_server, offline_page, tmp_path):
    page = offline_page
    page.set_default_timeout(60_000)
    enter_as_instructor(page, app_server, "instructor_data")
    good = tmp_path / "meibo.csv"
    good.write_bytes("氏名,年齢\n見本 太郎,81\n見本 花子,79\n".encode("euc_jp"))
    upload(page, good)
    page.get_by_text("「meibo.csv」：2 行 × 2 列").wait_for()
    assert "EUC-JP" in page.locator("[data-testid='stAlertContentInfo']").first.inner_text()
    bad = tmp_path / "zure.csv"
    bad.write_text("氏名,年齢\n見本 太郎,81,余分\n", encoding="utf-8")
    upload(page, bad)
    page.get_by_text("行によって列の数が違います").wait_for()
    screenshot(page, "data-prep-refused")
    assert "Traceback" not in page.locator("body").inner_text()
    assert page.external_requests == []


def test_data_preparation_offline(app_server, offline_page):
    page = offline_page
    page.set_default_timeout(60_000)
    enter_as_instructor(page, app_server, "instructor_data")
    page.get_by_text("データ準備（取り込み・クレンジング・匿名化・公開）").wait_for()
    click(page, "prep_use_sample")
    page.get_by_text("Shift_JIS (CP932)").first.wait_for()
    screenshot(page, "data-prep-import")
    click(page, "prep_store")
    page.get_by_text("匿名化前の領域（ステージング）に保存しました").wait_for()
    click(page, "prep_run")
    page.get_by_text("達成した k").wait_for()
    page.get_by_text("情報の損失").scroll_into_view_if_needed()
    screenshot(page, "data-prep-report")
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    steps = next(line for line in body.splitlines() if "さらに一般化した列" in line)
    assert steps.count("area_code") <= 1
    fill(page, "prep_pub_record_unit", "認定者1人")
    page.locator(_css_key("prep_pub_labels")).scroll_into_view_if_needed()
    screenshot(page, "data-prep-publish")
    click(page, "prep_publish")
    page.get_by_text("公開しました").wait_for()
    assert page.external_requests == []

    page.locator("[data-testid='stSidebar'] a", has_text="データ準備の手引き").first.click()
    wait_for_app(page)
    page.get_by_text("各手順が防ぐこと").wait_for()
    screenshot(page, "data-prep-guide")
    assert page.external_requests == []

    # Back on the data page, what was published can still be saved as a recipe to re-run next year. Last in
    # the walk: a sidebar link clicked after a download started a run the waits did not see.
    page.locator("[data-testid='stSidebar'] a", has_text=re.compile(r"データ準備$")).first.click()
    wait_for_app(page)
    with page.expect_download() as saved:
        page.locator(f"{_css_key('prep_recipe_download')} button").first.click()
    assert "形式: データ準備の手順/1" in Path(saved.value.path()).read_text(encoding="utf-8")
    assert page.external_requests == []
