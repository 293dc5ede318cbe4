"""One name, one number: every place that computes a named indicator agrees with pandas on the files.

要介護認定率（65歳以上千人あたり） = people aged 65+ with a certification ÷ population aged 65+ × 1,000,
in the same year and area. The map preset, a map saved before the definition was fixed, the SQL
page's sample, the exercise's answers, the chart of the example group and the deck's footnote are
each checked against a computation written here from the dataset files.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from lib.analysis.indicators import INDICATORS, by_label, of_chart
from lib.analysis.sql_samples import sample_queries
from lib.analysis.user_sql import run_user_sql
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.deck.evidence import resolve_evidence
from lib.maps import data as map_data
from lib.maps.measures import preset_measures
from lib.maps.spec import MapSpec, MeasureSpec
from lib.workspace import exercises

YEAR = 2025
CARE = INDICATORS["care_rate"]


@pytest.fixture(scope="module")
def expected():
    """Per 町丁目 name, per 地区 and for the city: certified 65+ per 1,000 residents 65+ in 2025."""
    catalog = load_catalog()
    care = pd.read_parquet(catalog["care_certification"].file)
    people = pd.read_parquet(catalog["population"].file)
    areas = pd.DataFrame(gpd.read_file(catalog["areas"].file).drop(columns="geometry"))

    def aged(frame):
        return frame["age_band"].str.extract(r"^(\d+)")[0].astype(float) >= 65

    care = care[(care["year"] == YEAR) & aged(care)].merge(areas, on="area_code")
    people = people[(people["year"] == YEAR) & aged(people)].merge(areas, on="area_code")

    def rate(key):
        return 1000 * care.groupby(key).size().reindex(people[key].unique(), fill_value=0) / \
            people.groupby(key)["population"].sum()

    return {"area_code": rate("area_code"), "area_name": rate("area_name"), "district": rate("district"),
            "city": 1000 * len(care) / people["population"].sum()}


def test_the_map_preset_and_an_older_saved_map_agree(published, expected):
    presets = preset_measures(published, load_catalog())
    older = MeasureSpec("care_certification", None, [], "elderly", 1000, "map.preset.care_rate")
    for measure in (presets["indicator.care_rate"], older):
        data = map_data.build_map_data(published, load_catalog(), MapSpec(measure=measure))
        units = data.units.set_index("unit_id")
        visible = units[~units["suppressed"]]
        np.testing.assert_allclose(visible["value"], expected["area_code"].reindex(visible.index), rtol=1e-9)
        assert data.value_label == CARE.label()
        assert any(CARE.definition() in note for note in data.notes)


def test_the_sql_sample_agrees(published, expected, database):
    catalog = load_catalog()
    samples = dict(sample_queries(catalog["care_certification"], catalog))
    sql = samples[CARE.label()]
    assert CARE.definition() in sql
    frame = run_user_sql(database, sql).frame.set_index("area_name")
    np.testing.assert_allclose(frame["care_rate"], expected["area_name"].reindex(frame.index).round(1), atol=1e-9)


def test_the_exercise_answers_agree(database, expected):
    themes, errors = exercises.load_exercises()
    assert errors == []
    questions = {q.id: q for q in next(t for t in themes if t.id == "care_needs").questions}
    city, hill = questions["rate_65plus_2025"], questions["hill_rate_2025"]
    assert exercises.expected_answer(city, database) == pytest.approx(round(expected["city"], 1))
    assert exercises.expected_answer(hill, database) == pytest.approx(round(expected["district"]["丘陵地区"], 1))
    assert city.definition_in("ja") == CARE.definition()
    # The number the map and the sample give is accepted; the all-ages one is not.
    assert exercises.check_answer(city, f"{expected['city']:.1f}", database).correct


def test_the_example_chart_agrees_and_names_the_indicator(published, expected):
    bands = ["40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    elderly = bands[5:]
    spec = ChartSpec("care_certification", Measure("rate_per_1000", base="count"), ["areas.district"],
                     filters=[Filter("year", "in", [YEAR]), Filter("age_band", "in", elderly)])
    frame = run_chart(published, load_catalog(), spec).set_index("areas.district")
    np.testing.assert_allclose(frame["value"], expected["district"].reindex(frame.index), rtol=1e-9)
    assert of_chart(spec.to_dict(), load_catalog()) is CARE
    assert of_chart({**spec.to_dict(), "filters": [{"column": "age_band", "op": "in", "values": elderly[:2]}]},
                    load_catalog()) is None


def test_the_deck_footnote_gives_the_definition(published):
    map_spec = MapSpec(measure=MeasureSpec("care_certification", None, [], "elderly", 1000, "indicator.care_rate"))
    evidence = resolve_evidence(published, load_catalog(), "map", {"title": "地図", "spec": map_spec.to_dict()})
    assert CARE.definition() in evidence.source_line()
    assert by_label("indicator.care_rate") is by_label("map.preset.care_rate") is CARE
