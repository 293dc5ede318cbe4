"""The analysis pages in Streamlit AppTest: they render, react to choices, and speak Japanese."""
from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import settings

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["pages/chart_builder.py", "pages/pivot_table.py", "pages/statistics.py",
         "pages/survey_analysis.py", "pages/sql_console.py"]


def _open(page_file: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    return at


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("page_file", PAGES)
def test_page_renders_in_japanese(store, page_file):
    at = _open(page_file)
    assert not at.error, [e.value for e in at.error]
    assert _japanese(at.title[0].value)


def test_chart_builder_draws_a_filtered_care_chart_and_saves_it(store):
    at = _open("pages/chart_builder.py")
    at.selectbox(key="chart:dataset").set_value("care_certification").run()
    at.selectbox(key="chart:measure").set_value("count").run()
    at.selectbox(key="chart:dim1").set_value("care_level").run()
    at.multiselect(key="chart:filter_columns").set_value(["areas.district"]).run()
    at.multiselect(key="chart:filter:areas.district").set_value(["丘陵地区"]).run()
    at.selectbox(key="chart:type").set_value("bar").run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = figure["data"][0]
    assert bars["type"] == "bar"
    assert list(bars["x"]) == ["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"]
    table = at.dataframe[0].value
    assert "要介護度" in table.columns
    at.text_input(key="chart:save:title").input("丘陵地区の要介護度")
    at.text_area(key="chart:save:note").input("要介護1が最も多い")
    at.button[-1].click()  # the form's submit button comes last on the page
    at.run()
    assert not at.exception, at.exception
    assert any(item["title"] == "丘陵地区の要介護度" for item in at.session_state["saved_evidence"])
    assert any("丘陵地区の要介護度" in e.label for e in at.expander)
    assert len(at.get("plotly_chart")) == 2  # the saved chart is drawn again from its spec

    at.selectbox(key="chart:dim1").set_value("sex").run()
    at.button(key="chart:edit:0").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="chart:dim1").value == "care_level"
    assert at.multiselect(key="chart:filter:areas.district").value == ["丘陵地区"]


def test_chart_builder_keeps_its_settings_while_the_member_visits_other_pages(store):
    """Issue 21: the chart builder forgot its settings when the member left the page."""
    at = _open("pages/chart_builder.py")
    at.selectbox(key="chart:dataset").set_value("care_certification").run()
    at.selectbox(key="chart:dim1").set_value("care_level").run()
    at.multiselect(key="chart:filter_columns").set_value(["areas.district"]).run()
    at.multiselect(key="chart:filter:areas.district").set_value(["丘陵地区"]).run()
    at.selectbox(key="chart:type").set_value("bar").run()
    at.checkbox(key="chart:horizontal").check().run()
    at.text_input(key="chart:save:title").input("丘陵地区の要介護度")
    at.button[-1].click()
    at.run()
    for page_file in ("pages/map.py", "pages/home.py"):
        at.switch_page(page_file).run()
        assert not at.exception, at.exception
    at.switch_page("pages/chart_builder.py").run()
    assert not at.exception, at.exception  # no button's or download's value was set
    assert at.selectbox(key="chart:dataset").value == "care_certification"
    assert at.selectbox(key="chart:dim1").value == "care_level"
    assert at.multiselect(key="chart:filter:areas.district").value == ["丘陵地区"]
    assert at.checkbox(key="chart:horizontal").value is True
    assert at.button(key="chart:edit:0").value is False
    at.selectbox(key="chart:dim1").set_value("sex").run()  # still a widget the member changes
    assert at.selectbox(key="chart:dim1").value == "sex" and not at.exception


@pytest.mark.parametrize(("page_file", "settings"), [
    ("pages/pivot_table.py", {"pivot:dataset": "care_certification", "pivot:rows": "areas.district",
                              "pivot:columns": "sex", "pivot:percent": "row"}),
    ("pages/statistics.py", {"stat:test": "means", "stat:dataset": "area_indicators"}),
])
def test_other_analysis_pages_keep_their_settings_too(store, page_file, settings):
    at = _open(page_file)
    for key, value in settings.items():
        widget = next(w for w in at.main if getattr(w, "key", None) == key)
        widget.set_value(value).run()
    at.switch_page("pages/home.py").run()
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    assert {key: next(w for w in at.main if getattr(w, "key", None) == key).value for key in settings} == settings


def test_chart_builder_explains_an_impossible_chart_in_japanese(store):
    at = _open("pages/chart_builder.py")
    at.selectbox(key="chart:dataset").set_value("care_certification").run()
    at.selectbox(key="chart:measure").set_value("rate_per_1000").run()
    at.selectbox(key="chart:dim1").set_value("care_level").run()
    assert not at.exception, at.exception
    messages = [w.value for w in at.warning]
    assert messages and all(_japanese(m) for m in messages)
    assert any("人口千人当たり" in m for m in messages)


def test_pivot_page_shows_totals_and_percentages(store):
    at = _open("pages/pivot_table.py")
    at.selectbox(key="pivot:dataset").set_value("care_certification").run()
    at.selectbox(key="pivot:rows").set_value("areas.district").run()
    at.selectbox(key="pivot:columns").set_value("care_level").run()
    at.radio(key="pivot:percent").set_value("row").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert "合計" in table.columns and "合計" in table.index
    assert table["合計"].drop("合計").round(6).eq(100).all()


def test_statistics_page_reads_a_correlation(store):
    at = _open("pages/statistics.py")
    at.radio(key="stat:test").set_value("corr").run()
    at.selectbox(key="stat:dataset").set_value("area_indicators").run()
    at.selectbox(key="stat:x").set_value("kayoi_nearest_km").run()
    at.selectbox(key="stat:y").set_value("care_ratio_age_adjusted").run()
    assert not at.exception, at.exception
    reading = at.success[0].value
    assert "正の相関" in reading
    assert any("因果" in w.value for w in at.warning)


def test_survey_page_ranks_words_of_the_hillside_district(store):
    at = _open("pages/survey_analysis.py")
    at.multiselect(key="survey:filter_columns").set_value(["district"]).run()
    at.multiselect(key="survey:filter:district").set_value(["丘陵地区"]).run()
    assert not at.exception, at.exception
    words = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["y"]
    assert "バス" in list(words)[:10]


HOSTILE = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "COPY population TO '/tmp/out.csv'",
    "ATTACH '/tmp/x.duckdb' AS x",
    "INSTALL httpfs",
    "SET threads = 1",
    "DROP TABLE population",
    "SELECT 1; SELECT 2",
    "SELEC * FRM population",
]


@pytest.mark.parametrize("sql", HOSTILE)
def test_sql_page_refuses_with_a_japanese_message(store, sql):
    at = _open("pages/sql_console.py")
    at.text_area(key="sql:text").set_value(sql).run()
    at.button(key="sql:run").click().run()
    assert not at.exception, at.exception
    assert at.error, "a refused query must show a message"
    message = at.error[0].value
    assert _japanese(message)
    assert "Traceback" not in message
    assert not at.get("plotly_chart")


def test_sql_page_retells_duckdbs_error_in_japanese_and_shows_none_of_its_english(store):
    at = _open("pages/sql_console.py")
    at.text_area(key="sql:text").set_value("SELECT yeer FROM care_certification").run()
    at.button(key="sql:run").click().run()
    assert not at.exception, at.exception
    shown = [e.value for e in at.error] + [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown += [c.value for c in at.code]
    assert any("列「yeer」" in text for text in shown), shown
    assert any("1 行目" in text for text in shown)
    assert not [text for text in shown if re.search(r"Binder|Error|Referenced|Candidate|LINE \d", text)]


def test_sql_page_runs_a_sample_and_charts_it(store):
    at = _open("pages/sql_console.py")
    at.selectbox(key="sql:sample_ds").set_value("care_certification").run()
    at.selectbox(key="sql:sample").set_value(at.selectbox(key="sql:sample").options[1]).run()
    at.button(key="sql:use_sample").click().run()
    assert "GROUP BY" in at.text_area(key="sql:text").value
    at.button(key="sql:run").click().run()
    assert not at.exception, at.exception
    assert not at.error
    results = [d.value for d in at.dataframe if "n" in d.value.columns]
    assert results and len(results[0]) >= 2
    at.toggle(key="sql:chart").set_value(True).run()
    assert at.get("plotly_chart"), "the one-click chart is drawn"


@pytest.mark.parametrize("page_file", PAGES)
def test_page_renders_in_english_with_every_text_defined(store, page_file):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    texts = [at.title[0].value] + [c.value for c in at.caption] + [m.value for m in at.markdown]
    texts += [w.label for w in at.selectbox] + [w.label for w in at.multiselect] + [b.label for b in at.button]
    assert not _japanese(at.title[0].value)
    missing = [t for t in texts if t.startswith(("chart.", "pivot.", "stat.", "survey.", "sql."))]
    assert not missing, missing


def test_every_composed_text_key_exists_in_both_languages():
    """Keys built at run time (f"chart.type.{kind}") escape the static key check of test_i18n."""
    from lib.charts.pivot import PERCENT_BY
    from lib.charts.spec import BAR_MODES, CHANGE_BASES, CHART_TYPES, MEASURE_KINDS, SORTS
    from lib.i18n import STRINGS

    keys = [f"chart.type.{k}" for k in CHART_TYPES] + [f"chart.measure.kind.{k}" for k in MEASURE_KINDS]
    keys += [f"chart.bar_mode.{m}" for m in BAR_MODES] + [f"chart.sort.{s}" for s in SORTS]
    keys += [f"chart.base.{b}" for b in CHANGE_BASES] + [f"pivot.percent.{p}" for p in PERCENT_BY]
    keys += [f"stat.choice.{k}" for k in ("corr", "means", "chi", "reg")]
    keys += [f"stat.choice_help.{k}" for k in ("corr", "means", "chi", "reg")]
    keys += [f"stat.method.{m}" for m in ("pearson", "spearman", "parametric", "rank")]
    keys += [f"chart.measure.{k}_of" for k in ("sum", "mean", "median", "min", "max")]
    keys += [f"chart.column.{c}" for c in ("x", "numerator", "denominator", "value_from", "value_to", "base_value")]
    keys += [f"stat.strength.{s}" for s in ("strong", "moderate", "weak", "none")]
    missing = [k for k in keys if not (STRINGS.get(k, {}).get("ja") and STRINGS.get(k, {}).get("en"))]
    assert not missing, missing


def test_sql_page_says_when_a_result_was_cut_at_the_byte_budget(store, monkeypatch):
    monkeypatch.setattr(settings, "USER_SQL_RESULT_MB", 0.1)
    at = _open("pages/sql_console.py")
    at.text_area(key="sql:text").set_value("SELECT i, repeat('あ', 500) AS text FROM range(2000) t(i)").run()
    at.button(key="sql:run").click().run()
    assert not at.exception and not at.error
    assert "0.1 MB" in at.warning[0].value
    assert 0 < len(at.dataframe[0].value) < 2000


def test_chart_builder_shows_its_table_rounded_as_the_chart_is(store):
    at = _open("pages/chart_builder.py")
    at.selectbox(key="chart:dataset").set_value("survey").run()
    at.selectbox(key="chart:measure").set_value("mean").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    means = table.select_dtypes("float").columns
    assert len(means)
    shown = _shown_table(at.dataframe[0])[means]
    assert shown.apply(lambda c: c.str.fullmatch(r"[\d,]+\.\d{2}")).all().all(), shown.head()  # 3.29, no 3.289474


CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def _step_numbers(at: AppTest) -> list[int]:
    """The circled step numbers of the page's labels and headings, in the order the page shows them."""
    texts = [getattr(node, "label", None) or getattr(node, "value", None) for node in at.main]
    return [CIRCLED.index(ch) + 1 for text in texts if isinstance(text, str) for ch in text[:1] if ch in CIRCLED]


@pytest.mark.parametrize(("page_file", "choices"), [
    ("pages/chart_builder.py", {}),
    ("pages/pivot_table.py", {}),
    ("pages/statistics.py", {"stat:test": "chi"}),
    ("pages/statistics.py", {"stat:test": "mreg"}),
    ("pages/survey_analysis.py", {}),
])
def test_setting_steps_are_numbered_one_after_another(store, page_file, choices):
    """Issue 21: the pivot page numbered its steps ①②④ (the shared pickers carried the chart builder's numbers)."""
    at = _open(page_file)
    for key, value in choices.items():
        next(w for w in at.main if getattr(w, "key", None) == key).set_value(value).run()
    numbers = _step_numbers(at)
    assert len(numbers) >= 3 and numbers[0] == 1, numbers
    # each step is the last one again (two tabs each have a ③) or the next one
    assert all(b in (a, a + 1) for a, b in pairwise(numbers)), numbers


def _shown_table(element):
    """A dataframe's cells as the page shows them (its Styler's display values)."""
    import pyarrow as pa

    return pa.ipc.open_stream(element.proto.arrow_data.styler.display_values).read_all().to_pandas()


def test_chart_builder_table_shows_counts_with_separators_and_rates_rounded(store):
    """Issue 21: the result table read 6232 and 49.4096; the chart's labels read 6,232 and 49.4."""
    at = _open("pages/chart_builder.py")
    at.selectbox(key="chart:dataset").set_value("care_certification").run()
    at.selectbox(key="chart:dim1").set_value("areas.district").run()
    at.selectbox(key="chart:measure").set_value("rate_per_1000").run()
    assert not at.exception, at.exception
    data, shown = at.dataframe[0].value, _shown_table(at.dataframe[0])
    counts, rates = data.columns[1], data.columns[-1]
    assert data[counts].max() >= 1000 and (data[rates] % 1 != 0).any()
    assert list(shown[counts]) == [f"{v:,.0f}" for v in data[counts]]
    assert list(shown[rates]) == [f"{v:,.1f}" for v in data[rates]]
    assert data[rates].iloc[0] != round(data[rates].iloc[0], 1)  # the data behind the cells keeps every digit
