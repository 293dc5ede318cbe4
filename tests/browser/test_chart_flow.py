"""A trainee builds a filtered bar chart from the care data, sees its table and downloads it as Excel,
in Chromium with every request that would leave the machine aborted."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def _choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox / multiselect by its label and the option's text."""
    widget = page.locator("[data-testid='stSelectbox'], [data-testid='stMultiSelect']").filter(
        has=page.locator("[data-testid='stWidgetLabel']").get_by_text(label, exact=True))
    widget.first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_for_app(page)


def test_trainee_builds_a_filtered_care_chart_and_downloads_excel(app_server, offline_page, tmp_path):
    page = offline_page
    page.goto(app_server)  # the first visit waits for the demo database to be built
    wait_for_app(page)
    page.goto(f"{app_server}/chart_builder")
    wait_for_app(page)
    page.get_by_role("heading", name="グラフ作成").wait_for()

    _choose(page, "① データセット", "要介護認定")
    _choose(page, "③ 分ける項目（横軸）", "要介護度")
    _choose(page, "④ 絞り込む列", "地区")
    page.keyboard.press("Escape")
    _choose(page, "地区", "丘陵地区")
    page.keyboard.press("Escape")
    wait_for_app(page)

    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator(".main-svg").first.wait_for()
    title = chart.locator(".gtitle").first.text_content()
    assert "要介護認定" in title and "要介護度" in title
    assert chart.locator(".point").count() == 7  # one bar per care level
    page.get_by_role("tab", name="元の表").wait_for()
    assert page.locator("[data-testid='stDataFrame']").first.is_visible()
    screenshot(page, "chart-builder")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel でダウンロード").click()
    path = tmp_path / "chart.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    assert "要介護認定" in sheet["A1"].value
    header = [c.value for c in sheet[3]]
    assert header[0] == "要介護度" and "人" in header[1]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert list(rows) == ["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"]

    from lib.data.store import get_store  # noqa: PLC0415  (the test's own copy of the demo database)

    expected = dict(get_store().published().execute(
        "SELECT c.care_level, COUNT(*) FROM care_certification c JOIN areas a USING (area_code) "
        "WHERE a.district = '丘陵地区' GROUP BY 1").fetchall())
    assert rows == expected
    assert page.external_requests == []


def test_sql_page_refuses_a_file_read_then_charts_a_sample(app_server, offline_page):
    page = offline_page
    page.goto(app_server)
    wait_for_app(page)
    page.goto(f"{app_server}/sql_console")
    wait_for_app(page)
    page.get_by_role("heading", name="SQL で問い合わせる").wait_for()
    editor = page.get_by_label("SQL", exact=True)
    editor.fill("SELECT * FROM read_csv('/etc/passwd')")
    page.get_by_role("button", name="実行", exact=True).click()
    wait_for_app(page)
    alert = page.locator("[data-testid='stAlert']").first
    alert.wait_for()
    assert "許可されていません" in alert.inner_text() or "SELECT 文だけ" in alert.inner_text()
    screenshot(page, "sql-refused")

    _choose(page, "サンプルのデータセット", "要介護認定")
    _choose(page, "サンプルクエリ", "「要介護度」ごとの件数")
    assert "GROUP BY" in editor.input_value()
    page.get_by_role("button", name="実行", exact=True).click()
    wait_for_app(page)
    page.get_by_text("グラフにする").click()
    wait_for_app(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator(".main-svg").first.wait_for()
    assert chart.locator(".point").count() == 7
    screenshot(page, "sql-chart")
    assert page.external_requests == []


def test_survey_page_draws_likert_bars_and_word_ranking(app_server, offline_page):
    page = offline_page
    page.goto(app_server)
    wait_for_app(page)
    page.goto(f"{app_server}/survey_analysis")
    wait_for_app(page)
    page.get_by_role("heading", name="アンケート分析").wait_for()
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.locator(".main-svg").first.wait_for()
    assert "公共交通の満足度" in chart.inner_text() or chart.locator("text", has_text="公共交通の満足度").count()
    page.get_by_role("tab", name="自由記述").click()
    words = page.locator("[data-testid='stPlotlyChart']").nth(1)
    words.locator(".main-svg").first.wait_for()
    assert words.locator(".point").count() >= 10
    screenshot(page, "survey-words")
    assert page.external_requests == []
