"""The demo-data generator of the fictional みどり野市 and the files it committed to datasets/demo/.

The checks run on the committed files (what the app uses); a module fixture also generates the
data twice into temporary folders to prove the generator is deterministic and that the committed
files are what it makes. Planted relationships come from tests/planted_relationships.yaml.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import yaml
from jismesh import utils as ju

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from datasets.generate import generate  # noqa: E402

DEMO = ROOT / "datasets" / "demo"
PLANTED = Path(__file__).resolve().parent / "planted_relationships.yaml"
AREA_CRS = "EPSG:6677"
OLD_BANDS = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
SURVEY_BANDS = ["18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]
COLUMN_TYPES = {"code", "category", "integer", "number", "text", "year", "geometry"}
COLUMN_ROLES = {"id", "area", "district", "age_band", "sex", "year", "measure", "likert", "mesh", "text", "name"}
THEMES = {"welfare", "survey", "elderly_places", "childcare", "disaster", "population", "facilities"}


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    first = tmp_path_factory.mktemp("gen_a")
    second = tmp_path_factory.mktemp("gen_b")
    return first, generate(first), second, generate(second)


@pytest.fixture(scope="module")
def data():
    out = {}
    for path in sorted(DEMO.iterdir()):
        if path.suffix == ".parquet":
            out[path.stem] = pd.read_parquet(path)
        elif path.suffix == ".geojson":
            out[path.stem] = gpd.read_file(path)
    return out


@pytest.fixture(scope="module")
def dictionaries():
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.yaml"))}


@pytest.fixture(scope="module")
def planted():
    return {item["id"]: item for item in yaml.safe_load(PLANTED.read_text(encoding="utf-8"))}


def _old_population(pop: pd.DataFrame, year: int | None = None) -> pd.Series:
    sub = pop[pop["age_band"].isin(OLD_BANDS)]
    if year is not None:
        sub = sub[sub["year"] == year]
    return sub.groupby("area_code")["population"].sum()


# ----------------------------------------------------------------------------- determinism

def test_same_seed_gives_identical_bytes(generated):
    first, paths_a, second, paths_b = generated
    names_a = [p.name for p in paths_a]
    assert names_a == [p.name for p in paths_b]
    for name in names_a:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_committed_files_are_what_the_generator_makes(generated):
    first, paths, _, _ = generated
    for path in paths:
        committed = DEMO / path.name
        assert committed.exists(), f"{path.name} is missing from datasets/demo: run python -m datasets.generate"
        if path.suffix == ".parquet":  # compare content: the footer names the writer's version
            pd.testing.assert_frame_equal(pd.read_parquet(committed), pd.read_parquet(path))
        else:
            assert committed.read_bytes() == path.read_bytes(), f"{path.name} is stale: regenerate"


def test_script_entry_point_runs():
    out = subprocess.run([sys.executable, str(ROOT / "datasets" / "generate.py"), "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "--seed" in out.stdout


def test_nothing_planted_is_under_datasets():
    assert not [p for p in (ROOT / "datasets").rglob("*") if "planted" in p.name.lower()]


# ----------------------------------------------------------------------------- geography

def test_areas_count_codes_and_names(data):
    areas = data["areas"]
    assert 30 <= len(areas) <= 50
    assert areas["area_code"].is_unique and areas["area_name"].is_unique
    assert areas["area_code"].str.fullmatch(r"14999\d{6}").all()
    assert 5 <= areas["district"].nunique() <= 7
    assert set(areas["area_character"]) >= {"中心市街地", "丘陵住宅団地", "ニュータウン", "農村部", "川沿い低地"}
    chome = areas["area_name"].str.extract(r"([一二三四五六七八九十]+)丁目$")[0]
    assert chome.notna().sum() >= 10
    # 丁目 in the name ⇔ the last two digits of the code are not 00
    assert ((areas["area_code"].str[-2:] != "00") == chome.notna()).all()
    assert areas.crs.to_epsg() == 4326


def test_areas_form_a_partition_of_the_city(data):
    areas, city = data["areas"], data["city_boundary"]
    geoms = areas.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert bool(shapely.coverage_is_valid(shapely.GeometryCollection(list(geoms))))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[keep]], geoms[right[keep]])).sum()
    total = shapely.area(geoms).sum()
    assert overlap / total < 1e-9
    assert len(city) == 1 and city.geometry.iloc[0].geom_type == "Polygon"
    boundary = city.geometry.iloc[0]
    union = shapely.union_all(geoms)
    assert shapely.symmetric_difference(union, boundary).area / boundary.area < 1e-9
    assert abs(total - boundary.area) / boundary.area < 1e-9


def test_city_code_place_and_size(data):
    city = data["city_boundary"].iloc[0]
    code = city["city_code"]
    digits = [int(c) for c in code[:5]]
    assert code[:5] == "14999"
    assert int(code[5]) == (11 - sum(d * w for d, w in zip(digits, (6, 5, 4, 3, 2), strict=True)) % 11) % 10
    assert city["city_name"] == "みどり野市"
    c = city.geometry.centroid
    assert abs(c.y - 35.45) < 0.03 and abs(c.x - 139.35) < 0.04
    b = gpd.GeoSeries([city.geometry], crs=4326).to_crs(AREA_CRS).total_bounds
    assert 10_000 < b[2] - b[0] < 15_000 and 8_000 < b[3] - b[1] < 12_000
    assert 70 < city["area_km2"] < 130
    assert ju.to_meshcode(c.y, c.x, 1) == 5339


def test_coordinates_have_at_most_six_decimals():
    text = (DEMO / "areas.geojson").read_text(encoding="utf-8")
    import re
    assert not re.search(r"\d\.\d{7,}", text)


def test_flood_zones_are_valid_and_along_the_river(data):
    flood, city, areas = data["flood_zones"], data["city_boundary"], data["areas"]
    assert shapely.is_valid(flood.geometry.to_numpy()).all()
    assert set(flood["depth_rank"]) == {1, 2, 3, 4}
    ranks = {"0.5m未満": 1, "0.5～3m": 2, "3～5m": 3, "5m以上": 4}
    assert (flood["depth_class"].map(ranks) == flood["depth_rank"]).all()
    assert (flood["river_name"] == "みどり川").all()
    boundary = city.geometry.iloc[0]
    zone = shapely.union_all(flood.geometry.to_numpy())
    assert shapely.difference(zone, boundary).area < 1e-6 * zone.area  # clipped to the city (grid snapping aside)
    hit = areas[areas.intersects(zone)]
    assert {"川沿い低地", "中心市街地"} <= set(hit["area_character"])


def test_mesh_codes_are_valid_500m_meshes_inside_the_city(data):
    mesh, city = data["elderly_mesh"], data["city_boundary"].geometry.iloc[0]
    assert mesh["mesh_code"].str.fullmatch(r"5339\d{5}").all() and mesh["mesh_code"].is_unique
    codes = mesh["mesh_code"].astype(np.int64).to_numpy()
    assert (ju.to_meshlevel(codes) == 4).all()
    lat, lon = ju.to_meshpoint(codes, 0.5, 0.5)
    centres = shapely.points(lon, lat)
    near = shapely.buffer(city, 0.006)  # a mesh overlapping the edge has its centre near it
    assert shapely.within(centres, near).all()
    # round trip: the centre of each mesh gives the same code back
    assert (ju.to_meshcode(lat, lon, 4) == codes).all()


def test_points_lie_inside_their_area(data):
    areas, city = data["areas"], data["city_boundary"].geometry.iloc[0]
    for name in ("facilities", "kayoi_places"):
        pts = data[name]
        assert (pts.geometry.geom_type == "Point").all()
        assert shapely.within(pts.geometry.to_numpy(), city).all(), name
        joined = gpd.sjoin(pts[["area_code", "geometry"]], areas[["area_code", "geometry"]],
                           predicate="within", lsuffix="pt", rsuffix="area")
        assert len(joined) == len(pts)
        assert (joined["area_code_pt"] == joined["area_code_area"]).all(), name


def test_every_area_code_joins_to_areas(data):
    codes = set(data["areas"]["area_code"])
    for name, df in data.items():
        if "area_code" in df.columns and name != "areas":
            assert set(df["area_code"]) <= codes, name


def test_facility_counts_are_plausible(data):
    counts = data["facilities"]["category"].value_counts()
    assert 4 <= counts["地域包括支援センター"] <= 6
    assert 10 <= counts["小学校"] <= 12
    assert counts["中学校"] == 5
    assert 12 <= counts["保育所"] <= 15
    assert counts["避難所"] >= 25
    assert counts["病院"] == 3
    assert counts["診療所"] >= 30
    fac = data["facilities"]
    has_cap = fac["category"].isin(["避難所", "保育所", "病院"])
    assert fac.loc[has_cap, "capacity"].notna().all() and fac.loc[~has_cap, "capacity"].isna().all()
    assert fac["facility_id"].is_unique and fac["name"].is_unique
    assert 40 <= len(data["kayoi_places"]) <= 60


# ----------------------------------------------------------------------------- totals and bounds

def test_population_totals_ageing_and_trends(data):
    pop, areas = data["population"], data["areas"]
    assert sorted(pop["year"].unique()) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert pop["age_band"].nunique() == 19 and set(pop["sex"]) == {"男性", "女性"}
    assert (pop["population"] >= 0).all()
    total = pop.groupby("year")["population"].sum()
    old = pop[pop["age_band"].isin(OLD_BANDS)].groupby("year")["population"].sum()
    ageing = old / total
    assert total.between(80_000, 150_000).all()
    assert ageing.between(0.27, 0.33).all()
    assert total[2025] < total[2021] and ageing[2025] > ageing[2021]
    p25 = pop[pop["year"] == 2025].merge(areas[["area_code", "area_character"]])
    by_char = p25.groupby("area_character").apply(
        lambda d: d.loc[d["age_band"].isin(OLD_BANDS), "population"].sum() / d["population"].sum())
    assert 0.40 <= by_char["丘陵住宅団地"] <= 0.50
    assert 0.15 <= by_char["ニュータウン"] <= 0.20
    nt = pop.merge(areas[["area_code", "area_character"]]).query("area_character == 'ニュータウン'")
    nt_total = nt.groupby("year")["population"].sum()
    assert nt_total[2025] > nt_total[2021]
    per_area = p25.groupby("area_code").apply(
        lambda d: d.loc[d["age_band"].isin(OLD_BANDS), "population"].sum() / d["population"].sum())
    assert per_area.max() - per_area.min() > 0.2


def test_2020_is_one_year_before_2021(data):
    """2020 is the 2021 population run one simulated year backwards (generator.population.backcast_year):
    ageing it one year forward again (a fifth of each band moves up) gives 2021 back, city-wide, within
    6 % in every band and sex from 5-9 to 80-84 (where a year's deaths are under 6 %; 0-4 also gains the
    year's births), and the city's total a year earlier is within 1 % of 2021's."""
    pop = data["population"]
    city = pop[pop["year"].isin([2020, 2021])].pivot_table(
        index=["sex", "age_band"], columns="year", values="population", aggfunc="sum")
    bands = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
             "55-59", "60-64", "65-69", "70-74", "75-79", "80-84"]
    for sex in ("男性", "女性"):
        before = city.loc[sex, 2020].reindex(bands).to_numpy()
        aged = 0.8 * before[1:] + 0.2 * before[:-1]  # 5-9 … 80-84 a year later, before deaths and moves
        after = city.loc[sex, 2021].reindex(bands[1:]).to_numpy()
        assert np.abs(after / aged - 1).max() < 0.06, sex
    total = city.sum()
    assert abs(total[2020] / total[2021] - 1) < 0.01


def test_care_records_never_exceed_their_population_cell(data):
    care, pop = data["care_certification"], data["population"]
    keys = ["year", "area_code", "age_band", "sex"]
    counts = care.dropna(subset=keys).groupby(keys).size().rename("records").reset_index()
    merged = counts.merge(pop, on=keys, how="left")
    assert merged["population"].notna().all()
    assert (merged["records"] <= merged["population"]).all()
    assert care["record_id"].is_unique
    assert set(care["age_band"].dropna()) <= {"40-44", "45-49", "50-54", "55-59", "60-64", *OLD_BANDS}
    # Anonymization blanks sex, then the age band, only in small groups.
    assert care["sex"].isna().mean() < 0.1 and care["age_band"].isna().mean() < 0.07
    young = care["age_band"].isin(["40-44", "45-49", "50-54", "55-59", "60-64"]).mean()
    assert young < 0.05
    rate = care[care["age_band"].isin(OLD_BANDS)].groupby("year").size() / \
        pop[pop["age_band"].isin(OLD_BANDS)].groupby("year")["population"].sum().loc[sorted(care["year"].unique())]
    # About 19 % are certified; records whose age band was blanked for anonymity are not counted here.
    assert rate.between(0.16, 0.21).all()
    assert 0.17 <= rate.mean() <= 0.20
    assert set(care["care_level"]) == {"要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"}


def test_childcare_within_population(data):
    cc, pop = data["childcare"], data["population"]
    small = pop[pop["age_band"].isin(["0-4", "5-9"])].groupby(["year", "area_code"])["population"].sum()
    merged = cc.set_index(["year", "area_code"]).join(small)
    assert len(merged) == len(cc) == data["areas"].shape[0] * 5
    assert (merged["children_0_5"] <= merged["population"]).all()
    assert (cc["nursery_applicants"] <= cc["children_0_5"]).all()
    assert (cc["waiting_children"] <= cc["nursery_applicants"]).all()
    assert (cc[["births", "children_0_5", "nursery_applicants", "waiting_children"]] >= 0).all().all()


def test_nurseries_match_facilities(data):
    nurs, fac = data["nurseries"], data["facilities"]
    ns = fac[fac["category"] == "保育所"].set_index("facility_id")
    assert set(nurs["facility_id"]) == set(ns.index)
    assert (nurs["enrolled"] <= nurs["capacity"]).all()
    cap25 = nurs[nurs["year"] == 2025].set_index("facility_id")["capacity"]
    assert (ns.loc[cap25.index, "capacity"].astype(int) == cap25).all()
    assert nurs.groupby("facility_id")["year"].min().max() == 2024  # one nursery opened in 2024


def test_mesh_sums_equal_2025_population(data):
    mesh, pop = data["elderly_mesh"], data["population"]
    p25 = pop[pop["year"] == 2025]
    assert mesh["population"].sum() == p25["population"].sum()
    assert mesh["elderly_65plus"].sum() == p25.loc[p25["age_band"].isin(OLD_BANDS), "population"].sum()
    assert mesh["elderly_75plus"].sum() == p25.loc[p25["age_band"].isin(OLD_BANDS[2:]), "population"].sum()
    assert (mesh["elderly_65plus"] <= mesh["population"]).all()
    assert (mesh["elderly_75plus"] <= mesh["elderly_65plus"]).all()


def test_survey_shape_and_non_response(data):
    sv, pop = data["survey"], data["population"]
    assert 1_800 <= len(sv) <= 2_200 and sv["respondent_id"].is_unique
    assert "area_character" not in sv.columns and "area_code" not in sv.columns
    sat = [c for c in sv.columns if c.startswith("sat_")]
    imp = [c for c in sv.columns if c.startswith("imp_")]
    assert len(sat) == len(imp) == 10 and "sat_公共交通" in sat
    values = sv[sat + imp]
    assert values.stack().dropna().isin([1, 2, 3, 4, 5]).all()
    assert set(sv["age_band"]) == set(SURVEY_BANDS)
    # 回答しない is a small group: anonymization blanks it (k = 5 over age band, sex, district, household).
    assert set(sv["sex"].dropna()) == {"男性", "女性"} and sv["sex"].isna().mean() < 0.05
    # item non-response: more among the oldest, more for later questions
    miss = values.isna()
    by_age = miss.mean(axis=1).groupby(sv["age_band"]).mean()
    assert by_age["80+"] > 2 * by_age[["30-39", "40-49", "50-59"]].mean()
    assert miss[imp].mean().mean() > miss[sat].mean().mean()
    # unit non-response: the sample is older than the adult population
    p25 = pop[(pop["year"] == 2025) & ~pop["age_band"].isin(["0-4", "5-9", "10-14", "15-19"])]
    pop_old = p25.loc[p25["age_band"].isin(OLD_BANDS), "population"].sum() / p25["population"].sum()
    sample_old = sv["age_band"].isin(["70-79", "80+"]).mean() + 0.5 * (sv["age_band"] == "60-69").mean()
    assert sample_old > pop_old
    answered = sv["comment"].notna() & (sv["comment"].fillna("") != "")
    assert 0.3 <= answered.mean() <= 0.5


def test_comments_surface_the_expected_words(data):
    text = "\n".join(data["survey"]["comment"].dropna())
    for word in ("バス", "坂道", "保育園", "避難所", "買い物"):
        assert text.count(word) >= 10, word
    assert len(set(data["survey"]["comment"].dropna())) > 300


# ----------------------------------------------------------------------------- data dictionary

def _file_columns(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pd.read_parquet(path).columns)
    gdf = gpd.read_file(path)
    return [c for c in gdf.columns if c != "geometry"] + ["geometry"]


def test_every_dataset_has_a_matching_dictionary(dictionaries):
    data_files = sorted(p for p in DEMO.iterdir() if p.suffix in (".parquet", ".geojson"))
    assert len(data_files) == 11
    assert sorted(dictionaries) == sorted(p.stem for p in data_files)
    for path in data_files:
        spec = dictionaries[path.stem]
        assert spec["name"] == path.stem and spec["file"] == path.name
        assert spec["kind"] == ("geo" if path.suffix == ".geojson" else "table")
        assert (spec["geometry"] is None) == (spec["kind"] == "table")
        if spec["kind"] == "geo":
            assert spec["geometry"] in {"Polygon", "Point", "MultiPolygon"}
        names = [c["name"] for c in spec["columns"]]
        assert len(names) == len(set(names))
        assert set(names) == set(_file_columns(path)), path.name
        assert "架空" in spec["description"]["ja"] and "fictional" in spec["description"]["en"]
        assert "架空" in spec["source"]["ja"] and "ictional" in spec["source"]["en"]
        assert set(spec["themes"]) <= THEMES and spec["themes"]
        for key in ("title", "anonymization", "record_unit"):
            assert spec[key]["ja"] and spec[key]["en"]
        for c in spec["columns"]:
            assert c["type"] in COLUMN_TYPES and (c.get("role") is None or c["role"] in COLUMN_ROLES)
            assert c["label"]["ja"] and c["label"]["en"]
            if c.get("role") == "likert":
                assert c["type"] == "integer" and sorted(c["scale"]) == [1, 2, 3, 4, 5]
            if c.get("joins"):
                target, column = c["joins"].split(".")
                assert column in [x["name"] for x in dictionaries[target]["columns"]]
            if c["type"] == "geometry":
                assert c["name"] == "geometry"


def test_geometry_types_match_the_dictionary(data, dictionaries):
    for name, spec in dictionaries.items():
        if spec["kind"] == "geo":
            allowed = {spec["geometry"]} | ({"Polygon"} if spec["geometry"] == "MultiPolygon" else set())
            assert set(data[name].geometry.geom_type) <= allowed, name
            assert data[name].crs.to_epsg() == 4326


def test_dictionary_orders_cover_the_values(data, dictionaries):
    for name, df in data.items():
        for c in dictionaries[name]["columns"]:
            if c.get("order") and c["name"] in df.columns:
                assert set(df[c["name"]].dropna().astype(str)) <= set(map(str, c["order"])), (name, c["name"])


# ----------------------------------------------------------------------------- planted relationships

def _area_centroid_distance_km(areas, points) -> pd.Series:
    cen = areas.to_crs(AREA_CRS).geometry.centroid.to_numpy()
    pts = points.to_crs(AREA_CRS).geometry.to_numpy()
    d = shapely.distance(cen[:, None], pts[None, :]).min(axis=1) / 1000
    return pd.Series(d, index=areas["area_code"].to_numpy())


def measure_care_rate_vs_kayoi_distance(data) -> dict:
    # Records are counted per area, whatever their sex: anonymization blanks sex (and sometimes the
    # age band) in small groups, and such a record still counts in its area.
    care, pop = data["care_certification"], data["population"]
    dist = _area_centroid_distance_km(data["areas"], data["kayoi_places"])
    old_pop, old_care = pop[pop["age_band"].isin(OLD_BANDS)], care[care["age_band"].isin(OLD_BANDS)]
    keys = ["year", "age_band"]
    ref = (old_care.groupby(keys).size() / old_pop.groupby(keys)["population"].sum()).rename("ref")
    cells = old_pop.join(ref, on=keys)
    cells["expected"] = cells["population"] * cells["ref"]
    per_area = cells.groupby("area_code")[["population", "expected"]].sum().reindex(dist.index)
    records = old_care.groupby("area_code").size().reindex(dist.index, fill_value=0)
    return {"crude_r": float(np.corrcoef(dist, records / per_area["population"])[0, 1]),
            "adjusted_r": float(np.corrcoef(dist, records / per_area["expected"])[0, 1])}


def measure_hill_transport_satisfaction_falls_with_age(data) -> dict:
    sv = data["survey"].dropna(subset=["sat_公共交通"])
    rank = sv["age_band"].map({b: i for i, b in enumerate(SURVEY_BANDS)})
    hill = sv["district"] == "丘陵地区"
    rho = lambda m: float(rank[m].corr(sv.loc[m, "sat_公共交通"].astype(float), method="spearman"))  # noqa: E731
    return {"hill_rho": rho(hill), "others_rho": rho(~hill)}


def measure_waiting_children_in_new_town(data) -> dict:
    areas = data["areas"][["area_code", "area_character", "district"]]
    cc = data["childcare"].merge(areas)
    nt = cc["area_character"] == "ニュータウン"
    share = cc.loc[nt, "waiting_children"].sum() / cc["waiting_children"].sum()
    people = data["population"]
    pop = people[people["year"].isin(cc["year"].unique())].groupby("area_code")["population"].sum()
    births = cc.groupby("area_code")["births"].sum()
    rate = (births / pop).to_frame("r").join(areas.set_index("area_code"))
    b_nt = births[rate["area_character"] == "ニュータウン"].sum() / pop[rate["area_character"] == "ニュータウン"].sum()
    b_other = (
        births[rate["area_character"] != "ニュータウン"].sum() / pop[rate["area_character"] != "ニュータウン"].sum()
    )
    fac = data["facilities"][["facility_id", "area_code"]].merge(areas)
    cap = data["nurseries"].query("year == 2023").merge(fac)
    appl = cc[cc["year"] == 2023]
    in_nt = lambda df: df["district"] == "ニュータウン地区"  # noqa: E731
    return {
        "new_town_share": float(share),
        "birth_rate_ratio": float(b_nt / b_other),
        "new_town_capacity_per_applicant": float(
            cap.loc[in_nt(cap), "capacity"].sum() / appl.loc[in_nt(appl), "nursery_applicants"].sum()
        ),
        "other_capacity_per_applicant": float(
            cap.loc[~in_nt(cap), "capacity"].sum() / appl.loc[~in_nt(appl), "nursery_applicants"].sum()
        ),
    }


def measure_riverside_elderly_in_flood_zone(data) -> dict:
    areas = data["areas"].to_crs(AREA_CRS)
    zone = shapely.union_all(data["flood_zones"].to_crs(AREA_CRS).geometry.to_numpy())
    inside = shapely.area(shapely.intersection(areas.geometry.to_numpy(), zone)) / areas.geometry.area.to_numpy()
    old = _old_population(data["population"], 2025).reindex(areas["area_code"]).to_numpy()
    river = (areas["area_character"] == "川沿い低地").to_numpy()
    in_zone = old * inside
    return {
        "riverside_share": float(in_zone[river].sum() / old[river].sum()),
        "others_share": float(in_zone[~river].sum() / old[~river].sum()),
        "riverside_part_of_all_in_zone": float(in_zone[river].sum() / in_zone.sum()),
    }


def measure_salon_participation_vs_support_share(data) -> dict:
    codes = data["areas"]["area_code"]
    old = _old_population(data["population"], 2025).reindex(codes)
    weekly = data["kayoi_places"].groupby("area_code")["weekly_participants"].sum().reindex(codes).fillna(0)
    participation = weekly / old * 100
    care = data["care_certification"]
    care = care[care["age_band"].isin(OLD_BANDS)]
    support = care["care_level"].str.startswith("要支援").groupby(care["area_code"]).mean().reindex(codes)
    return {"rho": float(participation.corr(support, method="spearman"))}


def measure_new_town_childcare_satisfaction(data) -> dict:
    sv = data["survey"].dropna(subset=["sat_子育て支援"])
    nt = sv["district"] == "ニュータウン地区"
    return {"difference": float(sv.loc[nt, "sat_子育て支援"].mean() - sv.loc[~nt, "sat_子育て支援"].mean())}


def measure_hill_comments_mention_bus_and_slopes(data) -> dict:
    sv = data["survey"].dropna(subset=["comment"])
    sv = sv[sv["comment"] != ""]
    hit = sv["comment"].str.contains("バス|坂道")
    hill = sv["district"] == "丘陵地区"
    return {"ratio": float(hit[hill].mean() / hit[~hill].mean())}


def measure_hillside_young_leave_new_town_grows(data) -> dict:
    pop = data["population"].merge(data["areas"][["area_code", "area_character"]])

    def cohort_ratio(character: str) -> float:
        part = pop[pop["area_character"] == character]
        before = part[(part["year"] == 2020) & part["age_band"].isin(["20-24", "25-29", "30-34"])]["population"].sum()
        after = part[(part["year"] == 2025) & part["age_band"].isin(["25-29", "30-34", "35-39"])]["population"].sum()
        return after / before

    return {"hill_ratio": cohort_ratio("丘陵住宅団地"), "new_town_ratio": cohort_ratio("ニュータウン")}


MEASURES = {name[len("measure_"):]: fn for name, fn in globals().items() if name.startswith("measure_")}


def test_every_planted_relationship_has_a_check(planted):
    assert set(planted) == set(MEASURES)
    for item in planted.values():
        assert item["description"]["ja"] and item["description"]["en"]
        assert item["check"] and item["expected"] and item["thresholds"] and item["datasets"]


@pytest.mark.parametrize("rel_id", sorted(MEASURES))
def test_planted_relationship_holds(rel_id, data, planted):
    item = planted[rel_id]
    got = MEASURES[rel_id](data)
    for key, limit in item["thresholds"].items():
        if key.endswith("_min"):
            value = got[key[:-4]]
            assert value >= limit, f"{rel_id}: {key[:-4]} = {value:.3f} < {limit}"
        elif key.endswith("_abs_rho_max"):
            value = got[key[: -len("_abs_rho_max")] + "_rho"]
            assert abs(value) <= limit, f"{rel_id}: |{value:.3f}| > {limit}"
        elif key.endswith("_max"):
            value = got[key[:-4]]
            assert value <= limit, f"{rel_id}: {key[:-4]} = {value:.3f} > {limit}"
        else:
            raise AssertionError(f"unknown threshold {key}")
    for key, value in (item.get("measured") or {}).items():
        if value is not None:
            assert abs(got[key] - value) < 0.005, f"{rel_id}: measured {key} is now {got[key]:.3f}, YAML says {value}"
