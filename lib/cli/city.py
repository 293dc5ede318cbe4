"""`setup-city`, `ipss-projection`, `base-layer`, `tile-pack`: the workbench turned to a real city, the city's
projection by the national institute, and its map's background."""
from __future__ import annotations

import sys

from lib.data.catalog import load_catalog
from lib.data.census_tables import CensusTableError
from lib.data.city import CitySetupError, setup_city
from lib.data.city_file import city_list
from lib.data.facility_lists import FacilityListError, parse_column_mapping
from lib.data.import_result import DataImportError
from lib.data.ipss_projection import IpssProjectionError, publish_ipss_projection, read_ipss_projection
from lib.data.population_layouts import PopulationLayoutError
from lib.data.store import get_store
from lib.i18n import t
from lib.maps.base_layers import BaseLayerError, add_base_layer
from lib.maps.data import city_boundary
from lib.maps.tile_pack import TilePackError, unpack_mbtiles


def setup_city_command(args) -> int:
    """`setup-city --boundaries FILE --city CODE [--year YEAR]`: the workbench's area layer from e-Stat."""
    try:
        report = setup_city(args.boundaries, args.city, year=args.year, population=args.population,
                            population_year=args.population_year, facilities=args.facilities or [], set_by="cli",
                            facility_columns=parse_column_mapping(args.facility_columns or ""), census=args.census,
                            households=args.households)
    except (CitySetupError, DataImportError, PopulationLayoutError, FacilityListError, CensusTableError) as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print("\n".join(report.lines("ja")))
    return 0


def ipss_projection_command(args) -> int:
    """`ipss-projection FILE [--city CODE]`: the city's IPSS projection, published for the projection page; in a
    joint course without --city, each municipality's (every one read from the file before any is published)."""
    cities = [c["city_code"] for c in city_list()]
    codes = [args.city] if args.city else (cities or [None])
    try:
        for code in codes[1:]:  # the first is read as it is published; nothing is published unless all are there
            read_ipss_projection(args.path, code)
        reports = [publish_ipss_projection(args.path, code, published_by="cli", store=get_store(),
                                           course_cities=cities) for code in codes]
    except (IpssProjectionError, DataImportError) as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print("\n".join(line for report in reports for line in report.lines("ja")))
    return 0


def base_layer_command(args) -> int:
    """`base-layer FILE --kind river|railway|station|road|place`: a reference layer under the map's data."""
    store = get_store()
    cursor = store.published()
    try:
        city = city_boundary(cursor, load_catalog())
    finally:
        cursor.close()
    try:
        kept = add_base_layer(args.path, args.kind, city, added_by="cli", store=store)
    except (BaseLayerError, DataImportError) as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print(t("base_layer.added", "ja", kind=t(f"base_layer.kind.{args.kind}", "ja"), count=kept))
    return 0


def tile_pack_command(args) -> int:
    """`tile-pack FILE.mbtiles`: a raster tile pack served by the app as the map's background."""
    try:
        info = unpack_mbtiles(args.path)
    except TilePackError as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print(t("tile_pack.done", "ja", count=info["tiles"], minzoom=info["minzoom"], maxzoom=info["maxzoom"]))
    return 0
