"""One group walks through the four sessions in Chromium, offline, and the instructor view reflects it.

Frame (Step 0) → logic tree (3 levels) → hypothesis → data check and analysis sketch → a saved chart
(chart page) and a saved map (map page) → a finding with its verdict → a policy idea → a logic model
with a KPI; then the instructor's overview shows every step done. Nothing may leave the machine.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def _css_key(key: str) -> str:
    """The class Streamlit gives a keyed widget's container."""
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def fill(page, key: str, text: str) -> None:
    box = page.locator(f"{_css_key(key)} textarea, {_css_key(key)} input").first
    box.fill(text)
    box.press("Tab")  # commits the value (Streamlit sends it on blur)
    wait_for_app(page)


def click(page, key: str) -> None:
    page.locator(f"{_css_key(key)} button").first.click()
    wait_for_app(page)


def choose(page, key: str, option: str) -> None:
    page.locator(_css_key(key)).locator("[role='combobox']").first.click()
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


def go(page, title: str) -> None:
    """Move through the sidebar navigation (the browser session, and who I am, stay)."""
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("link", name=title, exact=False).first.click()
    wait_for_app(page)


def join(page, group: str, code: str, name: str = "試験 太郎", department: str = "企画課") -> None:
    """Join a group on the 参加する page, as a trainee does (through the sidebar: the session stays)."""
    go(page, "参加する")
    choose(page, "join_group", group)
    fill(page, "join_code", code)
    fill(page, "join_name", name)
    fill(page, "join_department", department)
    page.get_by_role("button", name="参加する").click()
    wait_for_app(page)


def join_code_on_instructor_page(page, group: str) -> str:
    """The group's join code, read from the instructor page's コースとグループ tab."""
    page.get_by_role("tab", name="コースとグループ").click()
    row = page.locator("[data-testid='stTable']", has_text="参加コード").first.locator("tr", has_text=group).first
    return re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}", row.inner_text()).group()


def test_a_group_walks_the_four_sessions_and_the_instructor_sees_it(fresh_app_server, offline_page):
    app_server = fresh_app_server
    page = offline_page
    page.set_default_timeout(60_000)

    # The instructor, on the serving machine, sets the first passcode in the browser.
    page.goto(f"{app_server}/instructor")
    wait_for_app(page)
    page.get_by_text("このパソコン（サーバー本体）から開いているので").wait_for()
    fill(page, "auth_new", "kenshu-2026")
    fill(page, "auth_again", "kenshu-2026")
    page.get_by_role("button", name="パスコードを設定する").click()
    wait_for_app(page)
    page.get_by_role("tab", name="コースとグループ").click()
    codes = page.locator("[data-testid='stTable']", has_text="参加コード").first
    row = codes.locator("tr", has_text="A班").first
    code = re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}", row.inner_text()).group()

    # A trainee joins group A with its code, name and department.
    join(page, "A班", code.lower())
    page.get_by_text("「A班」に 試験 太郎 さんとして参加しています。").wait_for()
    assert "A班" in page.locator("[data-testid='stSidebar']").inner_text()
    assert "member" not in page.url  # nothing on screen says who the trainee is
    page.reload()  # a reload starts a new browser session: the trainee stays signed in (a cookie, not the URL)
    wait_for_app(page)
    page.get_by_text("「A班」に 試験 太郎 さんとして参加しています。").wait_for()

    # Session 1: frame, tree of three levels, a hypothesis tied to data.
    go(page, "第1回 課題設定")
    fill(page, "ws:step0:goal", "高齢になっても住み慣れた地域で元気に暮らせる")
    fill(page, "ws:step0:problem", "丘陵地区の要介護認定率が市平均より高い")
    fill(page, "ws:step0:issue", "歩いて通える通いの場を増やす")
    click(page, "ws:step0:save")
    fill(page, "ws:step1:situation", "65歳以上の認定率は市全体で約20%、丘陵地区は約21%")
    click(page, "ws:step1:save")
    click(page, "tree:start")
    fill(page, "tree:add_label", "外出の機会が少ない")
    click(page, "tree:add")
    choose(page, "tree:add_parent", "外出の機会が少ない")
    fill(page, "tree:add_label", "歩いて行ける通いの場が少ない")
    click(page, "tree:add")
    # The diagram is drawn in the browser (Streamlit's bundled Graphviz), offline.
    page.locator("[data-testid='stGraphVizChart'] svg text", has_text="歩いて行ける通いの場が少ない").first.wait_for()
    assert page.locator("[data-testid='stGraphVizChart'] svg g.node").count() == 3
    fill(page, "hyp:new:text", "丘陵地区の住民は公共交通に不満がある")
    choose(page, "hyp:new:dataset", "（survey）")
    choose(page, "hyp:new:columns", "（district）")
    page.keyboard.press("Escape")
    click(page, "hyp:new:save")
    page.get_by_text("仮説 1: 丘陵地区の住民は公共交通に不満がある").wait_for()
    page.get_by_text("Step 1 仮説・現状分析 — 完了").wait_for()
    screenshot(page, "sessions-1")

    # Session 2: the data check and the analysis sketch.
    go(page, "第2回 データ確認")
    fill(page, "ws:step2:data_sources", "survey（district, sat_公共交通）")
    fill(page, "ws:step2:quality", "無回答は空。地区は 6 つ。")
    click(page, "ws:step2:save")
    sketch_key = page.locator("[class*='st-key-sketch-'][class*='-save']").first.get_attribute("class")
    sketch_key = re.search(r"st-key-(sketch-[a-z0-9]+)-save", sketch_key).group(1)
    page.locator(f".st-key-{sketch_key}-save button").click()
    wait_for_app(page)
    page.get_by_text("この回のステップはすべて完了しています").wait_for()
    screenshot(page, "sessions-2")

    # Session 3, Step 4: a chart saved on the chart page and a map saved on the map page.
    go(page, "グラフ作成")
    chart_form = page.locator("[data-testid='stForm']", has=page.get_by_role("button", name="保存する")).first
    chart_form.locator("input").first.fill("地区別の回答者数")
    chart_form.get_by_role("button", name="保存する").click()
    wait_for_app(page)
    go(page, "地図")
    map_form = page.locator("[data-testid='stForm']", has=page.get_by_role("button", name="根拠として保存")).first
    map_form.locator("input").first.fill("町丁目別の地図")
    map_form.get_by_role("button", name="根拠として保存").click()
    wait_for_app(page)

    go(page, "第3回 分析・評価")
    evidence = page.locator("[data-testid='stTable']").first
    evidence.get_by_text("グラフ: 地区別の回答者数").wait_for()
    evidence.get_by_text("地図: 町丁目別の地図").wait_for()
    fill(page, "finding:new:sentence", "丘陵地区の公共交通の満足度は市全体より低い")
    choose(page, "finding:new:evidence_id", "グラフ: 地区別の回答者数")
    choose(page, "finding:new:verdict", "支持")
    click(page, "finding:new:save")
    page.locator("[data-testid='stExpander']", has_text="所見 1").first.wait_for()
    fill(page, "policy:new:title", "丘陵地区にデマンド交通")
    fill(page, "policy:new:description", "通いの場までの送迎を兼ねる")
    click(page, "policy:new:save")
    page.locator("[data-testid='stExpander']", has_text="丘陵地区にデマンド交通").first.wait_for()
    page.get_by_text("この回のステップはすべて完了しています").wait_for()
    screenshot(page, "sessions-3")

    # Session 4: the logic model with a KPI and the presentation.
    go(page, "第4回 提案・発表")
    fill(page, "logic_model:activities", "デマンド交通の試行")
    fill(page, "logic_model:outputs", "週 3 日の運行")
    fill(page, "logic_model:outcomes", "高齢者の外出が増える")
    fill(page, "logic_model:kpi0_indicator", "公共交通の満足度（丘陵地区）")
    fill(page, "logic_model:kpi0_baseline", "2.2")
    fill(page, "logic_model:kpi0_target", "3.0")
    fill(page, "logic_model:kpi0_source", "survey")
    click(page, "logic_model:save")
    fill(page, "ws:step7:presentation", "丘陵地区の移動を支えて外出を増やす")
    click(page, "ws:step7:save")
    page.locator("[data-testid='stGraphVizChart'] svg text", has_text="デマンド交通の試行").first.wait_for()
    page.get_by_text("最後の回のステップはすべて完了しています").first.wait_for()
    screenshot(page, "sessions-4")

    # The workspace keeps who changed what.
    go(page, "グループの作業場所")
    page.locator(".st-key-ws_section").get_by_text("履歴").click()
    wait_for_app(page)
    page.get_by_text("試験 太郎（企画課）").first.wait_for()
    screenshot(page, "sessions-workspace")

    # The instructor's overview shows group A done through session 4. The reload above
    # began a new browser session, so the passcode is asked again (it never rides in the URL).
    go(page, "講師の画面")
    fill(page, "auth_passcode", "kenshu-2026")
    page.get_by_role("button", name="講師として入る").click()
    wait_for_app(page)
    overview = page.locator("[data-testid='stTable']").first
    a_row = overview.locator("tr", has_text="A班").first.inner_text()
    assert a_row.count("完了") == 8, a_row
    page.get_by_role("tab", name="グループの作業とコメント").click()
    choose(page, "inst_group", "A班")
    page.get_by_text("Step 0 目標・問題・課題").last.click()
    page.get_by_text("丘陵地区の要介護認定率が市平均より高い").first.wait_for()
    page.get_by_text("Step 7 効果・指標と発表").last.click()
    page.locator("[data-testid='stGraphVizChart'] svg text", has_text="デマンド交通の試行").first.wait_for()
    screenshot(page, "sessions-instructor")
    assert page.external_requests == []


def _enter_as_instructor(page, app_server) -> None:
    page.goto(f"{app_server}/instructor")
    wait_for_app(page)
    page.locator(f"{_css_key('auth_new')}, {_css_key('auth_passcode')}").first.wait_for()
    if page.locator(_css_key("auth_new")).count():
        fill(page, "auth_new", "kenshu-2026")
        fill(page, "auth_again", "kenshu-2026")
        page.get_by_role("button", name="パスコードを設定する").click()
    else:
        fill(page, "auth_passcode", "kenshu-2026")
        page.get_by_role("button", name="講師として入る").click()
    wait_for_app(page)


def test_instructor_shows_the_finished_example_with_its_chart_and_map(app_server, offline_page):
    page = offline_page
    page.set_default_timeout(60_000)
    _enter_as_instructor(page, app_server)
    page.get_by_role("tab", name="グループの作業とコメント").click()
    choose(page, "inst_group", "見本グループ（完成例）")
    page.get_by_text("Step 4 分析").last.click()
    toggles = page.locator("[data-testid='stExpanderDetails'] [data-testid='stCheckbox']")
    toggles.first.wait_for()
    toggles.nth(0).click()  # the first saved chart, drawn again from its spec
    wait_for_app(page)
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
    toggles.nth(3).click()  # the saved map
    wait_for_app(page)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']").first
    frame.locator(".leaflet-overlay-pane path").first.wait_for()
    page.locator("[data-testid='stPlotlyChart']").first.scroll_into_view_if_needed()
    screenshot(page, "sessions-example-evidence")
    assert page.external_requests == []
