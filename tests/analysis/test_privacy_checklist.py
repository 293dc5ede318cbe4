"""The privacy checklist: what was removed, generalized and achieved, printable as the decision's record."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
from streamlit.testing.v1 import AppTest

from lib import settings
from lib.analysis import privacy_checklist as checklist
from lib.data import anonymize as an
from lib.data.catalog import load_catalog
from lib.data.importing import read_file

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _values(record: checklist.Checklist) -> dict:
    return dict(record.rows)


def test_the_demo_care_table_states_its_rule_and_what_it_achieves(published):
    record = checklist.for_dataset(published, load_catalog()["care_certification"])
    values = _values(record)
    assert values["k-匿名性（必要 / 達成）"] == "必要 5 / 達成 5"
    assert values["l-多様性（必要 / 達成）"] == "必要 2 / 達成 2"
    assert values["機微な項目（l-多様性の対象）"] == "care_level"
    assert "area_code" in values["準識別子（組み合わせると個人が絞り込める項目）"]
    assert "10 人未満" in values["集計値の秘匿"]
    places = _values(checklist.for_dataset(published, load_catalog()["kayoi_places"]))
    assert places["集計値の秘匿"].startswith("個人に関するデータではない")


def test_an_anonymization_lists_removed_identifiers_generalization_and_suppression():
    raw = read_file(settings.REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv").frame
    areas = gpd.read_file(settings.DEMO_DATASETS_DIR / "areas.geojson")
    plan = an.Plan(an.suggest_classification(raw), k=5, l=2, sensitive="要介護度",
                   generalize={"生年月日": {"kind": "birth_date_band", "target": "age_band"},
                               "住所": {"kind": "area_code", "target": "area_code", "city_name": "みどり野市"}})
    _, report = an.anonymize(raw, plan, reference=date(2025, 4, 1), areas=areas)
    record = checklist.from_anonymization("kaigo", "要介護認定（練習）", plan.to_dict(), report.to_dict())
    values = _values(record)
    for identifier in ("氏名", "電話番号", "被保険者番号"):
        assert identifier in values["削除した直接識別子（氏名・住所・番号など）"]
    assert "生年月日：生年月日を 5 歳階級の年齢に" in values["一般化・秘匿の方法"]
    assert "birth_date_band" not in values["一般化・秘匿の方法"]
    further = values["一般化・秘匿の方法"].split("さらに粗くした項目：")[1]
    assert all(further.count(column) <= 1 for column in report.coarsened)  # each column named once
    assert values["k-匿名性（必要 / 達成）"] == f"必要 5 / 達成 {report.k_achieved}"
    assert values["削除したレコード数"] == f"{report.records_suppressed:,}"
    assert f"匿名化前 {len(raw)} 件" in values["件数"]

    final = checklist.with_decision(record, {"purpose": True}, "見本 花子（人事課）", "2026-12-01")
    page = checklist.checklist_html(final, "ja").decode("utf-8")
    assert "<table>" in page and "見本 花子（人事課）" in page and "http" not in page
    assert page.count("確認済み") == 1 and page.count("未確認") == len(checklist.CONFIRMATIONS) - 1
    csv = checklist.checklist_csv(final, "ja")
    assert csv.startswith(b"\xef\xbb\xbf") and "2026-12-01" in csv.decode("utf-8-sig")
    english = checklist.checklist_html(checklist.from_anonymization("kaigo", "t", plan.to_dict(), report.to_dict(),
                                                                    "en"), "en").decode("utf-8")
    assert "Direct identifiers removed" in english


def test_the_page_needs_the_instructor_and_offers_the_record(store):
    guest = AppTest.from_file(APP, default_timeout=90).run()
    guest.switch_page("pages/privacy_checklist.py").run()
    assert not guest.exception and not [b for b in guest.get("download_button")]
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["instructor"] = True
    at.run()
    at.switch_page("pages/privacy_checklist.py").run()
    at.selectbox(key="checklist_dataset").set_value("care_certification").run()
    at.checkbox(key="checklist_purpose").check().run()
    assert not at.exception, at.exception
    assert "必要 5 / 達成 5" in at.table[0].value.to_string()
    assert len(at.get("download_button")) == 2


def test_the_checklist_states_who_sees_what_and_whether_the_records_meet_the_one_threshold(published):
    """Issue 25 item 3: one number for k and for hidden figures; the demo care table (k = 5) is below 10."""
    assert an.Plan({}).k == settings.MIN_CELL  # the anonymizer's default k is the small-cell threshold
    values = _values(checklist.for_dataset(published, load_catalog()["care_certification"]))
    assert values[f"小さな値の基準（k ≥ {settings.MIN_CELL}）"].startswith(
        f"満たしていない（k = 5 < {settings.MIN_CELL}）"
    )
    statement = values["だれが何を見られるか"]
    assert "1 件ずつ" in statement and "出力チェック" in statement and "承認" in statement
    assert statement == checklist.who_sees_what("ja")
    english = dict(checklist.for_dataset(published, load_catalog()["care_certification"], "en").rows)
    assert "record by record" in english["Who may see what"]


def test_the_page_opens_on_published_data_while_a_copy_is_being_prepared(store):
    """Issue 21: with a copy on the data preparation page, the checklist opened on that staging copy."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["instructor"] = True
    at.session_state["prep_anonymized"] = ("result", "report", "plan")  # read only when the copy is chosen
    at.session_state["prep_name"] = "kaigo_practice"
    at.run()
    at.switch_page("pages/privacy_checklist.py").run()
    assert not at.exception, at.exception
    choice = at.selectbox(key="checklist_dataset")
    assert choice.value in load_catalog()
    assert any("kaigo_practice" in option for option in choice.options[1:])  # still offered, not first
