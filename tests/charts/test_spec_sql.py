"""ChartSpec validation and JSON round-trip; the SQL it builds binds values and computes the right numbers."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from lib.analysis.area_indicators import analysis_catalog
from lib.charts.figure import build_figure
from lib.charts.spec import ChartSpec, ChartSpecError, Measure, allowed_chart_types, check_spec, validate_spec
from lib.charts.sql import build_chart_sql, run_chart
from lib.data.query import Filter

CATALOG = analysis_catalog()
ELDERLY = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def test_json_round_trip_keeps_every_field():
    spec = ChartSpec(
        "care_certification", Measure("change", base="count", from_year=2021, to_year=2025, relative=True),
        ["areas.district"], facet="sex", filters=[Filter("age_band", "in", ELDERLY)], chart_type="bar",
        options={"sort": "value_desc", "bar_mode": "grouped"}, title="地区別の増減",
    )
    text = spec.to_json()
    assert "地区別の増減" in text  # readable Japanese, not escapes
    assert ChartSpec.from_json(text) == spec
    assert ChartSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


@pytest.mark.parametrize(
    "spec,expected",
    [
        (ChartSpec("no_such_table"), "見つかりません"),
        (ChartSpec("care_certification", dimensions=["no_such_column"]), "ありません"),
        (ChartSpec("care_certification", Measure("sum"), ["care_level"]), "数値の列"),
        (ChartSpec("care_certification", Measure("rate_per_1000"), ["care_level"]), "人口千人当たり"),
        (ChartSpec("care_certification", Measure("count"), ["care_level"], chart_type="line"), "年"),
        (ChartSpec("care_certification", Measure("count"), ["care_level"], chart_type="pyramid"), "ピラミッド"),
        (ChartSpec("care_certification", Measure("count"), ["care_level", "sex", "year"]), "2 つまで"),
        (ChartSpec("care_certification", Measure("change", from_year=2021, to_year=2021), ["care_level"]), "異なる年"),
        (ChartSpec("survey", Measure("change", from_year=2021, to_year=2025), ["district"]), "年の列がない"),
        (
            ChartSpec("care_certification", Measure("count"), ["care_level"], filters=[Filter("sex", "in", [])]),
            "値が 1 つも",
        ),
        (ChartSpec("care_certification", Measure("count"), ["care_level"], chart_type="kpi"), "数値カード"),
    ],
)
def test_invalid_specs_are_explained_in_japanese(spec, expected):
    problems = validate_spec(spec, CATALOG, "ja")
    assert problems, "the spec must be refused"
    assert all(_japanese(p) for p in problems)
    assert any(expected in p for p in problems), problems
    with pytest.raises(ChartSpecError):
        check_spec(spec, CATALOG)
    english = validate_spec(spec, CATALOG, "en")
    assert english and not any("。" in p for p in english)


def test_allowed_chart_types_follow_the_data():
    one = ChartSpec("care_certification", Measure("count"), ["care_level"])
    assert {"bar", "ranked_bar", "pie"} <= set(allowed_chart_types(one, CATALOG))
    assert "line" not in allowed_chart_types(one, CATALOG)
    pyramid = ChartSpec("population", Measure("sum", "population"), ["age_band", "sex"])
    assert "pyramid" in allowed_chart_types(pyramid, CATALOG)
    assert allowed_chart_types(ChartSpec("care_certification"), CATALOG) == ["kpi"]


def test_values_are_bound_and_identifiers_quoted(published):
    hostile = "丘陵地区'; DROP TABLE population; --"
    spec = ChartSpec("care_certification", Measure("count"), ["care_level"],
                     filters=[Filter("areas.district", "in", [hostile])])
    sql, params = build_chart_sql(CATALOG, spec)
    assert hostile not in sql and hostile in params
    assert '"care_level"' in sql and '"district"' in sql
    assert run_chart(published, CATALOG, spec).empty
    survey = ChartSpec("survey", Measure("mean", "sat_公共交通"), ["district"])
    sql, _ = build_chart_sql(CATALOG, survey)
    assert '"sat_公共交通"' in sql


def test_count_with_filters_matches_pandas(published):
    care = published.execute("SELECT * FROM care_certification").df()
    spec = ChartSpec("care_certification", Measure("count"), ["care_level", "sex"],
                     filters=[Filter("year", "in", [2025]), Filter("age_band", "in", ELDERLY)])
    # Records whose sex was blanked for anonymity form a group of their own; pandas leaves them out.
    got = run_chart(published, CATALOG, spec).dropna(subset=["sex"]).set_index(["care_level", "sex"])["value"]
    want = care[(care.year == 2025) & care.age_band.isin(ELDERLY)].groupby(["care_level", "sex"]).size()
    pd.testing.assert_series_equal(got.sort_index().astype("int64"), want.sort_index().astype("int64"),
                                   check_names=False)


def test_rate_per_1000_divides_by_the_population_of_the_same_cells(published):
    care = published.execute("SELECT * FROM care_certification").df()
    pop = published.execute("SELECT * FROM population").df()
    areas = published.execute("SELECT area_code, district FROM areas").df()
    spec = ChartSpec("care_certification", Measure("rate_per_1000"), ["areas.district", "sex"],
                     filters=[Filter("year", "in", [2024]), Filter("age_band", "in", ELDERLY),
                              Filter("care_level", "in", ["要介護3", "要介護4", "要介護5"])])
    got = run_chart(published, CATALOG, spec).dropna(subset=["sex"]).set_index(["areas.district", "sex"])["value"]
    got = got.sort_index()
    cases = care[
        (care.year == 2024) & care.age_band.isin(ELDERLY) & care.care_level.isin(["要介護3", "要介護4", "要介護5"])
    ]
    cases = cases.merge(areas, on="area_code").groupby(["district", "sex"]).size()
    people = pop[(pop.year == 2024) & pop.age_band.isin(ELDERLY)].merge(areas, on="area_code")
    people = people.groupby(["district", "sex"])["population"].sum()
    want = (1000 * cases / people).sort_index()
    shown = got.notna().to_numpy()  # cells hidden by the small-cell rule are blank
    assert shown.sum() >= len(got) / 2
    assert got.to_numpy()[shown] == pytest.approx(want.to_numpy()[shown])


def test_rate_without_dimensions_is_the_city_rate(published):
    spec = ChartSpec("care_certification", Measure("rate_per_1000"), [], chart_type="kpi",
                     filters=[Filter("year", "in", [2025])])
    value = run_chart(published, CATALOG, spec)["value"].iloc[0]
    n = published.execute("SELECT COUNT(*) FROM care_certification WHERE year = 2025").fetchone()[0]
    people = published.execute("SELECT SUM(population) FROM population WHERE year = 2025").fetchone()[0]
    assert value == pytest.approx(1000 * n / people)


def test_a_rate_divides_only_by_the_population_of_years_the_records_cover(published):
    """The demo's population has 2020 (for projections), its care records start in 2021: a rate over all years
    divides by 2021–2025's population; a rate per year, or of one year, by that year's (2020: no records, no row)."""
    n = dict(published.execute("SELECT year, COUNT(*) FROM care_certification GROUP BY 1").fetchall())
    people = dict(published.execute("SELECT year, SUM(population) FROM population GROUP BY 1").fetchall())
    assert 2020 in people and 2020 not in n
    overall = run_chart(published, CATALOG, ChartSpec("care_certification", Measure("rate_per_1000"), [],
                                                      chart_type="kpi"))["value"].iloc[0]
    assert overall == pytest.approx(1000 * sum(n.values()) / sum(people[y] for y in n))
    per_year = run_chart(published, CATALOG, ChartSpec("care_certification", Measure("rate_per_1000"), ["year"]))
    assert dict(zip(per_year["year"], per_year["value"], strict=True)) == pytest.approx(
        {y: 1000 * n[y] / people[y] for y in n})
    for year, districts in ((2020, 0), (2023, len(set(published.execute("SELECT district FROM areas").fetchall())))):
        one_year = [Filter("year", "in", [year])]
        kpi = run_chart(published, CATALOG, ChartSpec("care_certification", Measure("rate_per_1000"), [],
                                                      chart_type="kpi", filters=one_year))
        by_district = run_chart(published, CATALOG, ChartSpec("care_certification", Measure("rate_per_1000"),
                                                              ["areas.district"], filters=one_year))
        assert len(kpi.dropna(subset=["value"])) == (year in n)  # no records that year: no rate, not 0
        assert len(by_district.dropna(subset=["value"])) == districts


def test_change_between_years(published):
    spec = ChartSpec("population", Measure("change", "population", base="sum", from_year=2021, to_year=2025),
                     ["areas.district"])
    frame = run_chart(published, CATALOG, spec).set_index("areas.district")
    both = published.execute(
        "SELECT a.district, p.year, SUM(p.population) AS n FROM population p JOIN areas a USING (area_code) "
        "WHERE p.year IN (2021, 2025) GROUP BY ALL").df().pivot(index="district", columns="year", values="n")
    for district, row in both.iterrows():
        assert frame.loc[district, "value"] == pytest.approx(row[2025] - row[2021])
    relative = ChartSpec("population", Measure("change", "population", base="sum", from_year=2021, to_year=2025,
                                                relative=True), [], chart_type="kpi")
    total = both.sum()
    assert run_chart(published, CATALOG, relative)["value"].iloc[0] == pytest.approx(
        100 * (total[2025] - total[2021]) / total[2021])


def test_share_adds_up_to_100_within_each_first_dimension(published):
    spec = ChartSpec("survey", Measure("share"), ["district", "sat_公共交通"])
    frame = run_chart(published, CATALOG, spec)
    complete = frame.groupby("district")["value"].transform(lambda v: v.notna().all())
    sums = frame[complete].groupby("district")["value"].sum()  # districts with no cell hidden for privacy
    assert len(sums) and sums.to_numpy() == pytest.approx(100.0)
    assert frame.groupby("district")["value"].sum().max() <= 100.0 + 1e-9


def test_area_codes_are_shown_by_name_and_range_filters_work(published):
    spec = ChartSpec("childcare", Measure("sum", "waiting_children"), ["area_code"],
                     filters=[Filter("year", "between", [2023, 2025])])
    frame = run_chart(published, CATALOG, spec)
    names = set(published.execute("SELECT area_name FROM areas").df()["area_name"])
    assert set(frame["area_code"]) <= names
    total = published.execute(
        "SELECT SUM(waiting_children) FROM childcare WHERE year BETWEEN 2023 AND 2025").fetchone()[0]
    assert frame["value"].sum() == total


@pytest.mark.parametrize("kind", ["mean", "median", "min", "max", "sum"])
def test_aggregates_by_area_attribute_match_pandas(published, kind):
    """Area attributes are joined after a per-町丁目 aggregate: means must still be means of the rows."""
    child = published.execute("SELECT * FROM childcare").df()
    areas = published.execute("SELECT area_code, district, area_character FROM areas").df()
    spec = ChartSpec("childcare", Measure(kind, "births"), ["areas.district", "year"],
                     filters=[Filter("areas.area_character", "not_in", ["ニュータウン"])])
    got = run_chart(published, CATALOG, spec).set_index(["areas.district", "year"])["value"].sort_index()
    rows = child.merge(areas, on="area_code")
    rows = rows[rows["area_character"] != "ニュータウン"]
    want = rows.groupby(["district", "year"])["births"].agg(kind).sort_index()
    assert got.astype(float).to_numpy() == pytest.approx(want.astype(float).to_numpy())


def test_places_per_1000_use_the_latest_population_and_survey_has_no_rate(published):
    spec = ChartSpec("kayoi_places", Measure("rate_per_1000"), ["areas.district"])
    frame = run_chart(published, CATALOG, spec).set_index("areas.district")
    latest = published.execute(
        "SELECT a.district, SUM(p.population) FROM population p JOIN areas a USING (area_code) "
        "WHERE p.year = (SELECT MAX(year) FROM population) GROUP BY 1").fetchall()
    for district, people in latest:
        assert frame.loc[district, "denominator"] == people
    by_start = ChartSpec("kayoi_places", Measure("rate_per_1000"), ["start_year"])
    assert any("人口千人当たり" in p for p in validate_spec(by_start, CATALOG))
    survey = ChartSpec("survey", Measure("rate_per_1000"), ["age_band"])
    assert any("町丁目の列がない" in p for p in validate_spec(survey, CATALOG))


def test_a_pie_shows_parts_of_a_whole_not_rates_or_means():
    rate = ChartSpec("care_certification", Measure("rate_per_1000", base="count"), ["areas.district"],
                     chart_type="pie")
    mean = ChartSpec("survey", Measure("mean", "sat_公共交通"), ["district"], chart_type="pie")
    share = ChartSpec("survey", Measure("share"), ["district"], chart_type="pie")
    assert any("円グラフは、全体を分けた量" in p for p in validate_spec(rate, CATALOG))
    assert any("円グラフは、全体を分けた量" in p for p in validate_spec(mean, CATALOG))
    assert validate_spec(share, CATALOG) == []


def test_bars_of_a_rate_carry_the_overall_value_as_a_reference_line(published):
    spec = ChartSpec("care_certification", Measure("rate_per_1000", base="count"), ["areas.district"],
                     filters=[Filter("year", "in", [2025])], chart_type="ranked_bar")
    frame = run_chart(published, CATALOG, spec)
    overall = published.execute(
        "SELECT 1000.0 * (SELECT COUNT(*) FROM care_certification WHERE year = 2025)"
        " / (SELECT SUM(population) FROM population WHERE year = 2025)").fetchone()[0]
    assert frame.attrs["overall"] == pytest.approx(overall)
    figure = build_figure(frame, spec, CATALOG)
    assert [shape.x0 for shape in figure.layout.shapes] == [pytest.approx(overall)]
    counts = ChartSpec("care_certification", Measure("count"), ["areas.district"], chart_type="bar")
    assert "overall" not in run_chart(published, CATALOG, counts).attrs


def test_a_change_with_a_filter_binds_its_values_in_order(published):
    """The pivot's years come first in the SQL: a filter's values used to be bound in their place."""
    women = Filter("sex", "in", ["女性"])
    change = ChartSpec("care_certification", Measure("change", from_year=2023, to_year=2025), ["care_level"],
                       filters=[women])
    got = run_chart(published, CATALOG, change).set_index("care_level")
    per_year = {year: run_chart(published, CATALOG, ChartSpec("care_certification", Measure("count"), ["care_level"],
                                                     filters=[women, Filter("year", "in", [year])]))
                .set_index("care_level")["value"] for year in (2023, 2025)}
    assert got["value_from"].tolist() == per_year[2023].reindex(got.index).tolist()
    assert got["value_to"].tolist() == per_year[2025].reindex(got.index).tolist()
