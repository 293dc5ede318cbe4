"""setup-city on a prefecture-sized e-Stat zip (2,500 町丁・字 in 10 cities, a few invalid rings), the map of
the chosen city, and the prefecture's census table of households by family type (read, joined, mapped)."""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from bench.harness import Figure, benchmark, median_seconds

CITIES, PER_CITY, CELL = 10, 250, 0.004


def _prefecture_zip(folder: Path) -> Path:
    """A 2020-edition prefecture file: PREF 31, cities 201…210, one pinched ring per 100 polygons."""
    import geopandas as gpd
    import shapely

    rows, shapes = [], []
    for c in range(CITIES):
        for i in range(PER_CITY):
            lon, lat = 133.2 + c * 0.1 + (i % 25) * CELL, 35.2 + (i // 25) * CELL
            if i % 100 == 7:  # the ring passes twice through the cell's centre: invalid, repairable
                m = (lon + CELL / 2, lat + CELL / 2)
                shape = shapely.Polygon([(lon, lat), (lon + CELL, lat), m, (lon + CELL, lat + CELL),
                                         (lon, lat + CELL), m, (lon, lat)])
            else:
                shape = shapely.box(lon, lat, lon + CELL, lat + CELL)
            city = f"{201 + c:03d}"
            rows.append({"KEY_CODE": f"31{city}{i:04d}00", "PREF": "31", "CITY": city, "S_AREA": f"{i:04d}00",
                         "PREF_NAME": "鳥取県", "CITY_NAME": f"市{c}", "S_NAME": f"町{i}", "HCODE": 8101,
                         "R2KAxx_": len(rows) + 1, "JINKO": 100 + i, "SETAI": 40 + i})
            shapes.append(shape)
    frame = gpd.GeoDataFrame(rows, geometry=shapes, crs=6668)
    frame.to_file(folder / "r2ka31.shp", encoding="cp932", engine="pyogrio")
    target = folder / "r2ka31.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in folder.glob("r2ka31.*"):
            if path.suffix != ".zip":
                archive.write(path, path.name)
    return target


def _households_csv(folder: Path) -> Path:
    """tblT001084C31 for the same prefecture: the codes and names rows, each city's row, every area, CP932."""
    names = ["一般世帯総数", "親族のみの世帯", "核家族世帯", "うち夫婦のみの世帯", "うち夫婦と子供から成る世帯",
             "核家族以外の世帯", "６歳未満世帯員のいる一般世帯総数", "１８歳未満世帯員のいる一般世帯総数",
             "６５歳以上世帯員のいる一般世帯総数", "高齢単身世帯", "高齢夫婦世帯"]
    lines = [",".join(["KEY_CODE", "HYOSYO", "CITYNAME", "NAME", "HTKSYORI", "HTKSAKI", "GASSAN"]
                      + [f"T001084{n:03d}" for n in range(1, len(names) + 1)]), ",,,,,,," + ",".join(names)]
    for c in range(CITIES):
        city = f"31{201 + c:03d}"
        values = [[40 + i, 30, 25, 10, 12, 5, 3, 8, 20, 9, 6] for i in range(PER_CITY)]
        lines.append(
            ",".join([city, "1", f"市{c}", "", "0", "", ""] + [str(sum(v)) for v in zip(*values, strict=True)])
        )
        lines += [",".join([f"{city}{i:04d}00", "4", f"市{c}", f"町{i}", "0", "", ""] + [str(x) for x in v])
                  for i, v in enumerate(values)]
    target = folder / "tblT001084C31.csv"
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return target


@benchmark("city")
def city(runs: int) -> list[Figure]:
    from lib.data.catalog import load_catalog
    from lib.data.census_households import read_census_households
    from lib.data.city import setup_city
    from lib.data.store import Store
    from lib.maps import data as map_data
    from lib.maps.render import render_map
    from lib.maps.spec import MapSpec

    root = Path(tempfile.mkdtemp(prefix="bench-city-"))
    previous = os.environ.get("WORKBENCH_DATA_DIR")
    os.environ["WORKBENCH_DATA_DIR"] = str(root / "data")
    store = Store(root / "data")
    try:
        boundaries = _prefecture_zip(root)
        load = os.getloadavg()[0]
        holder = {}
        setup_s = median_seconds(lambda: holder.update(report=setup_city(boundaries, "31205", store=store)), runs)
        cursor = store.published()
        catalog = load_catalog()
        map_s = median_seconds(lambda: render_map(map_data.build_map_data(cursor, catalog, MapSpec()))
                               .get_root().render(), runs)
        note = f"load average {load:.2f}; repairs {len(holder['report'].repairs)}; includes the published rebuild"
        figures = [Figure("city.setup_city", f"{CITIES * PER_CITY} polygons, {CITIES} cities", "s", setup_s, runs,
                          note=note),
                   Figure("city.map_of_the_city", f"{holder['report'].areas} areas", "s", map_s, runs,
                          note=f"load average {os.getloadavg()[0]:.2f}")]
        table = _households_csv(root)
        codes = cursor.execute("SELECT area_code FROM areas").df()["area_code"]
        load = os.getloadavg()[0]
        read_s = median_seconds(lambda: read_census_households(table, codes), runs)
        cursor.close()
        setup_city(boundaries, "31205", store=store, households=table)
        cursor, catalog = store.published(), load_catalog()
        from lib.maps.measures import preset_measures

        share = MapSpec(measure=preset_measures(cursor, catalog)["map.preset.elderly_single_rate"])
        share_s = median_seconds(lambda: render_map(map_data.build_map_data(cursor, catalog, share))
                                 .get_root().render(), runs)
        return figures + [
            Figure("city.read_households_table", f"{CITIES * (PER_CITY + 1)} rows, {len(codes)} areas joined", "s",
                   read_s, runs, note=f"load average {load:.2f}"),
            Figure("city.map_of_a_household_share", f"{len(codes)} areas", "s", share_s, runs,
                   note=f"load average {os.getloadavg()[0]:.2f}")]
    finally:
        store.close()
        if previous is None:
            os.environ.pop("WORKBENCH_DATA_DIR", None)
        else:
            os.environ["WORKBENCH_DATA_DIR"] = previous
        shutil.rmtree(root, ignore_errors=True)
