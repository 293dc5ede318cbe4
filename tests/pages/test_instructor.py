"""Instructor pages (AppTest): the whole practice pipeline, sample → staging → clean → anonymize → publish."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import settings
from lib.data.catalog import load_catalog
from lib.data.recipe import Recipe

APP = Path(__file__).resolve().parents[2] / "app.py"
PAGE = "pages/instructor_data.py"
GUIDE = "pages/instructor_guide.py"


@pytest.fixture(scope="module")
def own_data_dir(data_dir, tmp_path_factory):
    """A data folder of this module's own: what the page publishes must not reach other tests."""
    from lib.data.store import get_store

    previous = os.environ["WORKBENCH_DATA_DIR"]
    os.environ["WORKBENCH_DATA_DIR"] = str(tmp_path_factory.mktemp("instructor-pages"))
    yield
    get_store().close()
    os.environ["WORKBENCH_DATA_DIR"] = previous


def open_page(page: str, instructor: bool = True) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    if instructor:
        at.session_state["instructor"] = True
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_pages_need_the_instructor(own_data_dir):
    at = open_page(PAGE, instructor=False)
    texts = " ".join(t.value for t in at.title)
    assert "データ準備" not in texts
    assert not [b for b in at.button if b.key == "prep_use_sample"]


def test_guide_explains_each_step_with_the_consultation(own_data_dir):
    at = open_page(GUIDE)
    body = " ".join(m.value for m in at.markdown)
    for words in ("相談会", "統合型 GIS", "k 匿名性", "l 多様性", "二次秘匿", "ステージング"):
        assert words in body, words
    assert not at.error


def test_whole_pipeline_on_the_practice_sample(own_data_dir):
    at = open_page(PAGE)
    at.button(key="prep_use_sample").click().run()
    assert not at.exception, at.exception
    assert any("Shift_JIS" in i.value and "800" in i.value for i in at.info)
    types = next(d.value for d in at.dataframe if list(d.value.columns) == ["column", "type"])
    assert set(types["type"]) <= {"コード", "区分", "整数", "数値", "文章", "年", "日付"}  # in words, not keys
    assert len(at.dataframe) >= 1

    at.text_input(key="prep_staging_name").set_value("kaigo_practice").run()
    at.button(key="prep_store").click().run()
    assert not at.exception, at.exception
    assert any("kaigo_practice" in s.value for s in at.success)
    assert at.session_state["prep"].name == "kaigo_practice"

    # cleaning: preview, then apply the 和暦 conversion
    at.selectbox(key="prep_clean_column").set_value("生年月日").run()
    at.selectbox(key="prep_clean_helper").set_value("wareki").run()
    assert any("変わる値" in c.value for c in at.caption)
    at.button(key="prep_clean_apply").click().run()
    assert not at.exception, at.exception
    assert str(at.session_state["prep"].frame["生年月日"].iloc[0]).startswith(("19", "20"))

    # 町丁目 matching lists what did not match
    at.selectbox(key="prep_clean_column").set_value("住所").run()
    at.selectbox(key="prep_clean_helper").set_value("area").run()
    assert any("照合できなかった" in w.value for w in at.warning)

    # classification is suggested; a k below the small-cell threshold is said not to be publishable;
    # anonymize with the defaults (k = the threshold) and l = 2 on 要介護度
    assert at.number_input(key="prep_k").value == settings.MIN_CELL
    at.number_input(key="prep_k").set_value(settings.MIN_CELL - 1).run()
    assert any("公開できません" in w.value for w in at.warning)
    at.number_input(key="prep_k").set_value(settings.MIN_CELL).run()
    assert not any("公開できません" in w.value for w in at.warning)
    assert at.session_state["prep"].classification["氏名"] == "direct"
    assert at.session_state["prep"].classification["要介護度"] == "sensitive"
    # Issue 21: each column is offered the generalizations that fit it (性別 was offered 年齢 → 5 歳階級), and the
    # share of records that may be deleted reads 5%, not 0.05.
    assert at.selectbox(key="prep_gen_性別").options == ["そのまま", "少ないカテゴリーを「その他」にまとめる"]
    assert "生年月日 → 5 歳階級" in at.selectbox(key="prep_gen_生年月日").options
    assert at.selectbox(key="prep_gen_認定日").options == ["そのまま"]
    assert at.slider(key="prep_max_supp").value == 5 and at.slider(key="prep_max_supp").proto.format == "%d%%"
    at.selectbox(key="prep_sensitive").set_value("要介護度").run()
    at.number_input(key="prep_l").set_value(2).run()
    at.button(key="prep_run").click().run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["達成した k"]) >= 5 and int(metrics["達成した l"]) >= 2
    assert any("公開できます" in s.value for s in at.success)
    at.selectbox(key="prep_agg_rows").set_value("age_band").run()
    at.selectbox(key="prep_agg_cols").set_value("要介護度").run()
    assert any("秘匿したセル" in c.value for c in at.caption)
    result = at.session_state["prep"].anonymized[0]
    assert {"氏名", "フリガナ", "電話番号", "被保険者番号", "住所", "生年月日"}.isdisjoint(result.columns)
    # Addresses became 町丁目 codes, then 地区 names to reach k: the column is renamed to say so.
    assert {"age_band", "district"} <= set(result.columns) and "area_code" not in result.columns
    steps = next(c.value for c in at.caption if "さらに一般化した列" in c.value)
    assert steps.count("area_code") == 1 and "町を地区にまとめる" in steps and "列名を district に" in steps

    at.text_input(key="prep_pub_name").set_value("kaigo_practice").run()
    at.text_input(key="prep_pub_title").set_value("要介護認定（練習）").run()
    at.button(key="prep_publish").click().run()
    assert any("1 行の単位" in e.value for e in at.error)  # what one row is must be said
    assert "kaigo_practice" not in load_catalog()
    at.text_input(key="prep_pub_record_unit").set_value("認定者1人").run()
    at.button(key="prep_publish").click().run()
    assert not at.exception, at.exception
    assert any("公開しました" in s.value for s in at.success), [e.value for e in at.error]
    ds = load_catalog()["kaigo_practice"]
    assert ds.origin == "published" and ds.title_in("ja") == "要介護認定（練習）"
    assert ds.record_unit_in("ja") == "認定者1人"
    labels = {c.name: c.label_in("ja") for c in ds.columns}
    assert labels["age_band"].startswith("年齢") and labels["性別"] == "性別"
    assert not any(label.isascii() for label in labels.values())  # no raw column names left as labels
    assert "年齢" in ds.anonymization_in("ja") and "age_band" not in ds.anonymization_in("ja")
    # 「手順を保存」: the recipe of what was done, also kept beside the publication log, to re-run next year
    assert "手順を保存" in [b.label for b in at.get("download_button")]
    recipe = Recipe.from_text((settings.data_dir() / "recipes" / "kaigo_practice.yaml").read_text(encoding="utf-8"))
    assert [(s.column, s.helper) for s in recipe.cleaning] == [("生年月日", "wareki")]
    assert recipe.sensitive == "要介護度" and recipe.l == 2 and recipe.presets["住所"] == "area"
    assert recipe.max_suppression == 0.05
    assert list(recipe.labels) == [c.name for c in ds.columns] and recipe.record_unit == "認定者1人"


def test_zones_built_from_adjacent_areas_are_mapped_and_used_by_anonymization(own_data_dir):
    at = open_page(PAGE)
    at.button(key="prep_use_sample").click().run()
    at.text_input(key="prep_staging_name").set_value("kaigo_zones").run()
    at.button(key="prep_store").click().run()
    at.radio(key="prep_zone_choice").set_value("build").run()
    assert not at.exception, at.exception
    summary = next(c.value for c in at.caption if "の地区（1 地区" in c.value)
    zones = int(summary.split("から ")[1].split(" の地区")[0])
    assert zones >= 5
    table = at.session_state["prep"].zones.table
    assert table["zone_code"].nunique() == zones
    at.button(key="prep_run").click().run()
    assert not at.exception, at.exception
    result, report, _plan = at.session_state["prep"].anonymized
    assert report.passed and report.renamed.get("area_code") == "zone"
    assert set(result["zone"].dropna()) <= set(table["zone_name"])
    assert any("地区（ゾーン）にまとめる" in c.value for c in at.caption)
    # published with its zones: the zone column and the zones' shapes the map draws
    at.text_input(key="prep_pub_name").set_value("kaigo_zones").run()
    at.text_input(key="prep_pub_record_unit").set_value("認定者1人").run()
    at.button(key="prep_publish").click().run()
    assert not at.exception, at.exception
    catalog = load_catalog()
    assert "zone" in {c.name for c in catalog["kaigo_zones"].columns}
    assert catalog["kaigo_zones_zones"].kind == "geo"
    recipe = Recipe.from_text((settings.data_dir() / "recipes" / "kaigo_zones.yaml").read_text(encoding="utf-8"))
    assert recipe.zoning.kind == "build" and recipe.zoning.min_people == 10 * recipe.k


def test_two_dictionary_edits_in_a_row_are_both_saved(own_data_dir):
    """Issue 25: every second save in a row was dropped (inputs re-created from the stored value)."""
    at = open_page(PAGE)
    assert at.selectbox(key="manage_dataset").value == "kaigo_practice"
    for title in ("介護認定（一回目の直し）", "介護認定（二回目の直し）"):
        [t for t in at.text_input if t.label == "表示名"][-1].input(title)
        next(b for b in at.button if b.label == "データ辞書を保存する").click().run()
        assert not at.exception, at.exception
        assert load_catalog()["kaigo_practice"].title_in("ja") == title
        assert [t for t in at.text_input if t.label == "表示名"][-1].value == title


def test_manage_published_dataset(own_data_dir):
    at = open_page(PAGE)
    assert at.selectbox(key="manage_dataset").value == "kaigo_practice"
    assert any("公開の記録" in h.value for h in at.subheader)
    at.checkbox(key="manage_withdraw_confirm").check().run()
    at.button(key="manage_withdraw").click().run()
    assert not at.exception, at.exception
    assert "kaigo_practice" not in load_catalog()
    assert at.selectbox(key="manage_copy").options  # the withdrawn copy is kept


def test_english_interface(own_data_dir):
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["instructor"] = True
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Data preparation")


def test_encoding_can_be_overridden_on_the_page(own_data_dir):
    at = open_page(PAGE)
    at.button(key="prep_use_sample").click().run()
    at.selectbox(key="prep_encoding").set_value("utf-8").run()
    assert not at.exception, at.exception
    assert any("UTF-8 では正しく読めません" in e.value for e in at.error)
    at.selectbox(key="prep_encoding").set_value("cp932").run()
    assert not at.error and any("Shift_JIS" in i.value for i in at.info)


def test_city_tab_offers_setup_and_says_the_demo_city_is_in_use(own_data_dir):
    at = open_page(PAGE)
    assert any("デモ自治体" in i.value for i in at.info)
    assert [b for b in at.button if b.key == "city_run"][0].disabled  # no file and no code yet
    assert at.text_input(key="city_code") is not None
    # the city's IPSS projection is published from the same tab (no file yet; the demo city has no real code)
    assert [b for b in at.button if b.key == "ipss_run"][0].disabled
    assert at.text_input(key="ipss_code").value == ""


def test_creating_a_course_selects_it_without_an_error(own_data_dir):
    """Issue 21 item 2: コースを作る raised StreamlitWidgetAlreadyInstantiatedError (the course was made anyway)."""
    from lib.workspace import course
    from lib.workspace.items import open_workspace

    at = open_page("pages/instructor.py")
    at.text_input(key="inst_course_name").input("2027年度 データアカデミー")
    at.text_input(key="inst_municipality").input("みどり野市")
    next(b for b in at.button if b.label == "コースを作る").click().run()
    assert not at.exception, at.exception
    assert not at.error
    made = [c for c in course.courses(open_workspace()) if c.name == "2027年度 データアカデミー"]
    assert len(made) == 1
    assert at.selectbox(key="inst_course").value == made[0].course_id


def test_a_refused_group_keeps_its_typed_name_and_an_added_one_clears_the_box(own_data_dir):
    """The add-group form used clear_on_submit: a refused name (a seventh group) was emptied with the error."""
    from lib.workspace import course
    from lib.workspace.items import open_workspace

    at = open_page("pages/instructor.py")
    current = course.current_course(open_workspace())
    room = course.MAX_GROUPS - len(open_workspace().groups(current.course_id))
    for n in range(room + 1):
        at.text_input(key="inst_new_group").input(f"追加{n}班")
        next(b for b in at.button if b.label == "グループを追加").click().run()
        assert not at.exception, at.exception
        if n < room:
            assert at.text_input(key="inst_new_group").value == ""
    assert at.text_input(key="inst_new_group").value == f"追加{room}班"  # refused: still there to change
    assert any("2〜6" in e.value for e in at.error)
    assert len(open_workspace().groups(current.course_id)) == course.MAX_GROUPS


def test_a_course_without_groups_is_shown_with_a_sentence_not_an_error(own_data_dir):
    """A course whose groups are gone (an older snapshot restored, a course made by hand) crashed the page
    with KeyError: 'グループ' (an empty table indexed by its group column)."""
    from lib.workspace.items import open_workspace

    ws = open_workspace()
    empty = ws.create_course({"name": "空のコース", "municipality": "みどり野市",
                              "session_dates": ["2027-01-10", "2027-01-24", "2027-02-07", "2027-02-21"]}, "講師")
    at = open_page("pages/instructor.py")
    at.selectbox(key="inst_course").set_value(empty.course_id).run()
    assert not at.exception, at.exception
    assert sum("まだグループがありません" in i.value for i in at.info) == 3  # overview, group detail, join codes


HOLD_STAGING = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"


def test_the_data_page_shares_the_staging_database_with_the_other_processes(own_data_dir, monkeypatch):
    """Issue 25: the data page of a second classroom worker met staging.duckdb held for good by the first one's
    connection (Streamlit's English error box). Now each use opens and closes it: a page that meets it in use
    waits a moment, then says so in Japanese; and this process leaves it free for the next."""
    from lib.data import store as store_module

    path = settings.data_dir() / "staging.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_STAGING, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # another worker, in the middle of an import
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setattr(store_module, "STAGING_WAIT_S", 0.5)
        at = open_page(PAGE)
        shown = " ".join(w.value for w in at.warning)
        assert "取り込み前のデータベース" in shown and str(path) not in shown
    finally:
        holder.stdin.close()
        holder.wait(30)
    at = open_page(PAGE)
    assert not at.warning
    other = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(path)],
                           capture_output=True, timeout=60)
    assert other.returncode == 0, other.stderr.decode()  # this process does not keep it open


def test_course_dates_read_as_people_write_them(own_data_dir):
    """Issue 21: the course's session dates showed as ISO 8601 (2027-01-10)."""
    from lib.workspace.items import open_workspace

    dated = open_workspace().create_course({"name": "日付のコース", "municipality": "みどり野市",
                                            "session_dates": ["2027-01-10", "2027-01-24", "2027-02-07", "2027-02-21"]},
                                           "講師")
    at = open_page("pages/instructor.py")
    at.selectbox(key="inst_course").set_value(dated.course_id).run()
    shown = " ".join(e.value for e in [*at.markdown, *at.caption, *at.info])
    assert "2027年1月10日 / 2027年1月24日" in shown and "2027-01-10" not in shown
