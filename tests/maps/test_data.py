"""MapSpec → GeoDataFrames: figures checked against the dataset files read independently."""
from __future__ import annotations

import geopandas as gpd
import jismesh.utils as ju
import numpy as np
import pandas as pd
import pytest

from lib.charts.labels import measure_unit
from lib.charts.spec import ChartSpec, Measure
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.maps import data as map_data
from lib.maps.measures import preset_measures
from lib.maps.spec import MapSpec, MeasureSpec, NearestSpec, PointLayerSpec


@pytest.fixture(scope="module")
def files():
    catalog = load_catalog()
    return {
        "population": pd.read_parquet(catalog["population"].file),
        "care": pd.read_parquet(catalog["care_certification"].file),
        "mesh": pd.read_parquet(catalog["elderly_mesh"].file),
        "areas": gpd.read_file(catalog["areas"].file),
        "kayoi": gpd.read_file(catalog["kayoi_places"].file),
    }


def _latest_people(population: pd.DataFrame) -> pd.DataFrame:
    latest = population[population["year"] == population["year"].max()]
    lower = latest["age_band"].str.extract(r"^(\d+)")[0].astype(float)
    return pd.DataFrame({
        "population": latest.groupby("area_code")["population"].sum(),
        "elderly": latest[lower >= 65].groupby("area_code")["population"].sum(),
    })


def _build(published, spec: MapSpec) -> map_data.MapData:
    return map_data.build_map_data(published, load_catalog(), spec)


def test_one_unit_per_area_with_latest_population_and_ageing_rate(published, files):
    data = _build(published, MapSpec())
    assert len(data.units) == len(files["areas"])
    people = _latest_people(files["population"])
    units = data.units.set_index("unit_id")
    pd.testing.assert_series_equal(units["population"].sort_index(), people["population"].astype(float).sort_index(),
                                   check_names=False, check_index_type=False)
    visible = units[~units["suppressed"]]
    expected_rate = 100 * people["elderly"] / people["population"]
    np.testing.assert_allclose(visible["ageing_rate"], expected_rate.reindex(visible.index), rtol=1e-9)


def test_care_rate_per_thousand_aged_65_plus(published, files):
    presets = preset_measures(published, load_catalog())
    data = _build(published, MapSpec(measure=presets["indicator.care_rate"]))
    care = files["care"]
    aged = care["age_band"].str.extract(r"^(\d+)")[0].astype(float) >= 65
    counts = care[(care["year"] == care["year"].max()) & aged].groupby("area_code").size()
    people = _latest_people(files["population"])
    expected = (1000 * counts.reindex(people.index, fill_value=0) / people["elderly"])
    units = data.units.set_index("unit_id")
    visible = units[~units["suppressed"]]
    np.testing.assert_allclose(visible["value"], expected.reindex(visible.index), rtol=1e-9)
    assert "65歳以上千人あたり" in data.value_label
    assert data.classification is not None and len(data.classification.bins) == 5
    assert data.warnings == []


def test_a_raw_count_is_mapped_with_a_warning(published):
    measure = MeasureSpec("care_certification", None, [], "none", 1)
    data = _build(published, MapSpec(measure=measure))
    assert any("実数" in w for w in data.warnings)


def test_yearly_tables_default_to_the_latest_year_but_place_attributes_do_not(published, files):
    care = MeasureSpec("care_certification", None, [], "none", 1)
    data = _build(published, MapSpec(measure=care))
    assert data.units["value"].sum() + 0 <= len(files["care"])
    latest = files["care"]["year"].max()
    visible = data.units[~data.units["suppressed"]]
    expected = files["care"][files["care"]["year"] == latest].groupby("area_code").size()
    assert visible["value"].sum() == expected.reindex(visible["unit_id"]).fillna(0).sum()
    places = _build(published, MapSpec(measure=MeasureSpec("kayoi_places", None, [], "none", 1)))
    assert places.units["value"].sum() == len(files["kayoi"])  # start_year is not a snapshot year


def test_mesh_500m_population_is_the_mesh_table(published, files):
    data = _build(published, MapSpec(base_unit="mesh500m"))
    mesh = files["mesh"]
    populated = mesh[mesh["population"] > 0]
    assert set(data.units["unit_id"]) <= set(mesh["mesh_code"].astype(str))
    assert data.units["population"].sum() == pytest.approx(populated["population"].sum())
    # Each cell is the JIS square of its code.
    first = data.units.iloc[0]
    south, west = ju.to_meshpoint(int(first["unit_id"]), 0, 0)
    minx, miny, _, _ = first.geometry.bounds
    assert (minx, miny) == pytest.approx((west, south))


def test_mesh_1km_sums_its_four_500m_cells(published, files):
    data = _build(published, MapSpec(base_unit="mesh1km"))
    mesh = files["mesh"]
    expected = mesh.groupby(mesh["mesh_code"].astype(str).str[:8])["population"].sum()
    units = data.units.set_index("unit_id")
    assert (units["population"] == expected.reindex(units.index)).all()


def test_mesh_250m_is_apportioned_from_areas_and_keeps_the_city_total(published, files):
    data = _build(published, MapSpec(base_unit="mesh250m"))
    total = _latest_people(files["population"])["population"].sum()
    assert data.units["population"].sum() == pytest.approx(total, rel=1e-6)
    assert any("按分" in note for note in data.notes)


def test_small_cells_are_suppressed_and_said_so(published):
    presets = preset_measures(published, load_catalog())
    data = _build(published, MapSpec(base_unit="mesh500m", measure=presets["indicator.ageing_rate"]))
    small = data.units["population"] < map_data.PUBLICATION_THRESHOLD
    assert small.any(), "the demo mesh has cells with few residents"
    assert data.units.loc[small, "suppressed"].all()
    assert data.units.loc[small, "value"].isna().all()
    assert data.units.loc[small, "ageing_rate"].isna().all()
    # Also hidden: cells whose figure (residents 65+) counts few, and the partner that keeps the total from
    # giving a hidden one away. Everything else is shown.
    assert data.units.loc[~data.units["suppressed"], "value"].notna().all()
    assert data.units["suppressed"].sum() >= small.sum() + 1
    assert any("個人が特定されない" in note for note in data.notes)


def test_points_keep_only_the_chosen_categories(published):
    layer = PointLayerSpec("facilities", "category", ["避難所", "病院"])
    data = _build(published, MapSpec(points=[layer]))
    (_, points, label), = data.points
    assert set(points["category"]) == {"避難所", "病院"}
    assert "避難所" in label


def test_without_a_measure_the_nearest_distance_is_coloured(published):
    data = _build(published, MapSpec(nearest=NearestSpec(PointLayerSpec("facilities", "category", ["病院"]))))
    assert data.value_unit == "m"
    assert (data.units["value"] > 0).all()


def test_filters_bind_values_rather_than_formatting_them(published):
    evil = "'; DROP TABLE population; --"
    measure = MeasureSpec("population", "population", [Filter("age_band", "in", [evil])], "none", 1)
    data = _build(published, MapSpec(measure=measure))
    assert data.units["value"].fillna(0).sum() == 0
    assert published.execute("SELECT count(*) FROM population").fetchone()[0] > 0


@pytest.mark.parametrize("unit", ["area", "mesh500m"])
def test_point_counts_place_every_place_once(published, files, unit):
    data = _build(published, MapSpec(base_unit=unit, point_counts=PointLayerSpec("kayoi_places")))
    assert data.units["point_count"].sum() == len(files["kayoi"])
    assert data.value_unit == "か所"  # with no measure, the count is what is coloured


def test_measure_filters_work_as_chart_filters(published):
    """"not_in" (as charts have it): everyone except the 65+ bands, which with "in" add up to the total."""
    catalog = load_catalog()
    bands = [b for b in published.execute("SELECT DISTINCT age_band FROM population").df()["age_band"]
             if int(str(b).split("-")[0].rstrip("+")) >= 65]

    def total(op: str) -> float:
        spec = MapSpec(measure=MeasureSpec("population", "population", [Filter("age_band", op, bands)], "none", 1))
        return map_data.build_map_data(published, catalog, spec).units["value"].sum()

    everyone = (
        map_data.build_map_data(
            published, catalog, MapSpec(measure=MeasureSpec("population", "population", [], "none", 1))
        )
        .units["value"]
        .sum()
    )
    assert 0 < total("in") < everyone
    assert total("in") + total("not_in") == pytest.approx(everyone)


def test_a_measure_filtered_by_an_area_attribute_counts_only_those_areas(published, files):
    """Maps filter as charts do, on the 町丁目 table's attributes too ("areas.district" = 地区)."""
    district = sorted(files["areas"]["district"].unique())[0]
    measure = MeasureSpec("population", "population", [Filter("areas.district", "in", [district])], "none", 1)
    units = _build(published, MapSpec(measure=measure)).units.set_index("unit_id")
    inside = set(files["areas"].loc[files["areas"]["district"] == district, "area_code"])
    people = _latest_people(files["population"])["population"]
    assert units.loc[list(inside), "value"].sum() == pytest.approx(people.reindex(list(inside)).sum())
    assert units.drop(index=list(inside))["value"].fillna(0).sum() == 0


def test_clicked_unit_and_the_nearest_and_count_summaries(published):
    layer = PointLayerSpec("kayoi_places")
    data = _build(published, MapSpec(nearest=NearestSpec(layer), point_counts=layer))
    first = data.units.iloc[0]
    assert data.clicked_unit({"properties": {"unit_id": first["unit_id"]}})["unit_name"] == first["unit_name"]
    assert data.clicked_unit(None) is None and data.clicked_unit({"properties": {"unit_id": "nowhere"}}) is None
    summary = data.nearest_summary()
    distance = data.units["nearest_m"]
    assert summary.median_m == distance.median() and summary.max_m == distance.max()
    assert summary.elderly_far == data.units.loc[distance > 1000, "elderly_65plus"].sum()
    assert data.units_without_points() == (data.units["point_count"] == 0).sum()
    plain = _build(published, MapSpec())
    assert plain.nearest_summary() is None and plain.units_without_points() is None


def test_figures_are_computed_once_and_the_words_put_in_per_language(published):
    catalog = load_catalog()
    layer = PointLayerSpec("kayoi_places")
    spec = MapSpec(base_unit="mesh500m", measure=preset_measures(published, catalog)["indicator.ageing_rate"],
                   nearest=NearestSpec(layer), points=[layer])
    figures = map_data.compute_map_data(published, catalog, spec)
    assert figures.value_label == "" and figures.notes == [] and figures.classification is None
    japanese = map_data.describe_map_data(figures, catalog, "ja")
    english = map_data.describe_map_data(figures, catalog, "en")
    assert japanese.units is figures.units is english.units  # one set of figures
    assert japanese.value_label == "高齢化率（65歳以上の割合）" and english.value_label.startswith("Ageing rate")
    assert "通いの場" in japanese.points[0][2] and english.points[0][2] != japanese.points[0][2]
    assert japanese.notes and english.notes and japanese.notes != english.notes
    assert japanese.classification.labels != english.classification.labels
    assert list(japanese.classification.bins) == list(english.classification.bins)


def test_a_raw_count_is_counted_in_the_same_word_as_in_charts(published):
    catalog = load_catalog()
    data = _build(published, MapSpec(measure=MeasureSpec("care_certification", None, [], "none", 1)))
    chart = ChartSpec("care_certification", Measure("count"), ["care_level"])
    assert data.value_unit == measure_unit(chart, catalog, "ja") == "人"
