"""MapSpec: plain data that survives JSON, and validation that speaks Japanese."""
from __future__ import annotations

import json

import pytest

from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.maps.spec import (
    CatchmentSpec,
    ClassificationSpec,
    CompareSpec,
    MapSpec,
    MapSpecError,
    MeasureSpec,
    NearestSpec,
    PointLayerSpec,
    is_raw_count,
    parse_breaks,
    validate_map_spec,
)


def _full_spec() -> MapSpec:
    return MapSpec(
        title="通いの場と高齢化率",
        base_unit="mesh500m",
        measure=MeasureSpec(
            "population", "population", [Filter("age_band", "in", ["65-69", "90+"])], "population", 100
        ),
        classification=ClassificationSpec("user", 5, [20.0, 30.0], "viridis"),
        points=[PointLayerSpec("facilities", "category", ["避難所"], cluster="on", heat=True)],
        labels=True,
        catchment=CatchmentSpec(PointLayerSpec("kayoi_places"), 800),
        nearest=NearestSpec(PointLayerSpec("facilities", "category", ["病院"])),
        point_counts=PointLayerSpec("kayoi_places"),
        flood_overlay=True,
        compare=CompareSpec(MeasureSpec("care_certification", None, [], "elderly", 1000), "side_by_side"),
    )


def test_spec_round_trips_through_json():
    spec = _full_spec()
    restored = MapSpec.from_dict(json.loads(json.dumps(spec.to_dict(), ensure_ascii=False)))
    assert restored == spec
    assert restored.catchment.points.dataset == "kayoi_places"
    assert restored.is_mesh


def test_full_spec_is_valid_against_the_demo_dictionary():
    assert validate_map_spec(_full_spec(), load_catalog()) == []


def test_unknown_keys_are_refused_with_a_japanese_sentence():
    with pytest.raises(MapSpecError) as error:
        MapSpec.from_dict({"base_unit": "area", "colour": "red"})
    assert "colour" in error.value.texts("ja")[0]
    assert "作り直してください" in error.value.texts("ja")[0]


@pytest.mark.parametrize("spec, fragment", [
    (MapSpec(base_unit="mesh100m"), "地図の単位"),
    (MapSpec(measure=MeasureSpec("no_such_table")), "見つかりません"),
    (MapSpec(measure=MeasureSpec("population", "age_band")), "数値の列ではない"),
    (MapSpec(measure=MeasureSpec("population", "population", normalize="odd")), "割り算"),
    (MapSpec(classification=ClassificationSpec("user", breaks=[])), "区切りの値"),
    (MapSpec(classification=ClassificationSpec("user", breaks=[30, 10])), "小さい順"),
    (MapSpec(classification=ClassificationSpec("quantiles", k=12)), "段階の数"),
    (MapSpec(points=[PointLayerSpec("population")]), "地点（ポイント）"),
    (MapSpec(catchment=CatchmentSpec(PointLayerSpec("kayoi_places"), 20)), "半径"),
    (MapSpec(compare=CompareSpec(MeasureSpec("population", "population"))), "1 つめの指標"),
])
def test_invalid_specs_say_what_to_fix(spec, fragment):
    problems = validate_map_spec(spec, load_catalog())
    assert problems, "the spec should be refused"
    texts = " ".join(p.text("ja") for p in problems)
    assert fragment in texts
    assert all(p.text("en") and p.text("en") != p.key for p in problems)


def test_raw_counts_are_recognised_and_rates_are_not():
    catalog = load_catalog()
    assert is_raw_count(MeasureSpec("care_certification", None, normalize="none"), catalog)
    assert is_raw_count(MeasureSpec("population", "population", normalize="none"), catalog)
    assert not is_raw_count(MeasureSpec("population", "population", normalize="population"), catalog)
    assert not is_raw_count(MeasureSpec("areas", "area_km2", normalize="none"), catalog)


def test_default_measure_is_a_rate_per_population():
    assert MeasureSpec("care_certification").normalize == "population"


def test_saved_measure_filters_of_the_older_dict_shape_still_load():
    old = {"base_unit": "area", "measure": {"dataset": "population", "column": "population",
                                            "filters": {"age_band": ["65-69"], "year": []},
                                            "normalize": "population", "per": 100}}
    spec = MapSpec.from_dict(old)
    assert spec.measure.filters == [Filter("age_band", "in", ["65-69"])]
    assert MapSpec.from_dict(spec.to_dict()) == spec  # saved again in the one shape charts use
    assert spec.to_dict()["measure"]["filters"] == [{"column": "age_band", "op": "in", "values": ["65-69"]}]


def test_a_malformed_measure_filter_is_refused():
    spec = MapSpec(measure=MeasureSpec("population", "population", [Filter("age_band", "between", ["65-69"])]))
    assert [p.key for p in validate_map_spec(spec, load_catalog())] == ["map.spec.bad_filter"]


def test_typed_class_breaks_are_parsed_or_refused_in_japanese():
    assert parse_breaks("10, 20、30，40") == [10.0, 20.0, 30.0, 40.0]
    assert parse_breaks("１０, 2.5") == [10.0, 2.5]
    assert parse_breaks(" ") == []
    with pytest.raises(MapSpecError) as caught:
        parse_breaks("10, 二十")
    assert "カンマ" in caught.value.text("ja") and "commas" in caught.value.text("en")
