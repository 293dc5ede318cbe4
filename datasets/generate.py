"""Generate the demo data of the fictional みどり野市 (Midorino City) into datasets/demo/.

    python -m datasets.generate [--seed 20181] [--out datasets/demo]
    python datasets/generate.py

The same seed always gives byte-identical files. Each part of the city draws from its own
random stream (spawned from the seed), so changing one part does not reshuffle the others.
Relationships planted in the data for the exercises are listed in
tests/planted_relationships.yaml (never under datasets/, so the app cannot show them).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from datasets.generator import care, childcare, geo, mesh, places, population, survey  # noqa: E402
from datasets.generator.constants import (  # noqa: E402
    AREA_CRS,
    CITY_CODE,
    CITY_NAME,
    DEFAULT_SEED,
    IDX_65,
    YEARS,
)
from datasets.generator.dictionary import dictionaries  # noqa: E402
from datasets.generator.publication import publish_records  # noqa: E402
from datasets.generator.writers import write_geojson, write_parquet, write_yaml  # noqa: E402

DEMO_DIR = Path(__file__).resolve().parent / "demo"
# New streams go at the end: spawned seeds depend on their position, and the others must not change.
STREAMS = ["geography", "population", "kayoi", "facilities", "care", "childcare", "survey", "population_2020"]


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}


def build(seed: int = DEFAULT_SEED) -> dict:
    """All tables in memory (GeoDataFrames for geo datasets), keyed by dataset name."""
    rng = _streams(seed)
    g = geo.build_geography(rng["geography"])
    areas = g.areas
    area_df = geo.areas_frame(g)
    codes = area_df["area_code"].tolist()

    totals = population.expected_totals(rng["population"], area_df)
    pop, births = population.simulate(rng["population"], area_df, totals)
    pop25 = population.population_array(pop, codes, YEARS[-1])

    kayoi = places.make_kayoi(rng["kayoi"], areas)
    fac = places.make_facilities(rng["facilities"], areas, totals)

    dist_km = places.nearest_distance_km(areas, kayoi)
    older = pop25[:, IDX_65:, :].sum(axis=(1, 2))
    weekly = kayoi.groupby("area_code")["weekly_participants"].sum().reindex(codes).fillna(0).to_numpy()
    participation = weekly / np.maximum(older, 1) * 100.0
    care_df = care.make_care(rng["care"], pop, codes, dist_km, participation)

    cc, nurseries, cap25 = childcare.make_childcare(rng["childcare"], pop, births, area_df, fac)
    is_nursery = fac["category"] == "保育所"
    fac.loc[is_nursery, "capacity"] = fac.loc[is_nursery, "facility_id"].map(cap25).astype("Int64")

    svy = survey.make_survey(rng["survey"], pop, area_df)
    privacy = {name: spec["privacy"] for name, spec in dictionaries().items() if "privacy" in spec}
    care_df = publish_records("care_certification", care_df, privacy["care_certification"])
    svy = publish_records("survey", svy, privacy["survey"])
    mesh_df = mesh.make_elderly_mesh(areas.geometry.to_numpy(), pop25, g.city_ll)

    city = gpd.GeoDataFrame(
        {"city_code": [CITY_CODE], "city_name": [CITY_NAME]}, geometry=[g.city_ll], crs="EPSG:4326")
    city["area_km2"] = np.round(city.to_crs(AREA_CRS).geometry.area.to_numpy() / 1e6, 3)
    city = city[["city_code", "city_name", "area_km2", "geometry"]]

    return {
        "areas": areas[["area_code", "area_name", "district", "area_character", "area_km2", "geometry"]],
        "city_boundary": city,
        "population": pd.concat([population.backcast_year(rng["population_2020"], pop, area_df), pop],
                                ignore_index=True),
        "care_certification": care_df,
        "survey": svy,
        "kayoi_places": kayoi[["place_id", "name", "place_type", "area_code", "weekly_participants",
                               "start_year", "geometry"]],
        "elderly_mesh": mesh_df,
        "facilities": fac[["facility_id", "name", "category", "area_code", "capacity", "address_note", "geometry"]],
        "flood_zones": g.flood,
        "childcare": cc,
        "nurseries": nurseries,
    }


def generate(out_dir: Path = DEMO_DIR, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every dataset and its dictionary YAML into out_dir; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = build(seed)
    dicts = dictionaries()
    written: list[Path] = []
    for name, data in tables.items():
        spec = dicts[name]
        path = out_dir / spec["file"]
        if spec["kind"] == "geo":
            written.append(write_geojson(data, path, name, sort_by=data.columns[0]))
        else:
            written.append(write_parquet(pd.DataFrame(data), path))
        written.append(write_yaml(spec, out_dir / f"{name}.yaml"))
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="みどり野市（架空）のデモデータを生成します。")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"乱数の種（既定 {DEFAULT_SEED}）")
    parser.add_argument("--out", type=Path, default=DEMO_DIR, help="出力先フォルダ（既定 datasets/demo）")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.seed):
        print(f"{path.stat().st_size:>10,d}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
