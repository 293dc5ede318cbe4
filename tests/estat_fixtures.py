"""Generated e-Stat 小地域 boundary files with the quirks of the real ones.

A prefecture-wide file (two cities of 鳥取県), one polygon with a ring self-intersection (a ring that
passes twice through one vertex, as `make_valid` repairs without changing the area), a 水面調査区
(HCODE 8154), a 町丁・字 in two parts (飛び地, statistics on the part that is not the largest), an
island (KIGO_I = 'I'), 9- and 11-digit codes, codes as text with leading zeros, attributes in CP932
with no .cpg, and the 2015 (JGD2000, EPSG:4612, H27KAxx_) or 2020 (JGD2011, EPSG:6668, R2KAxx_) edition's columns.
"""
from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

CELL = 0.01  # degrees; each 町丁・字 is a cell of a small grid


def _cell(lon: float, lat: float) -> shapely.Polygon:
    return shapely.box(lon, lat, lon + CELL, lat + CELL)


def _pinched(lon: float, lat: float) -> shapely.Polygon:
    """A cell-sized ring through its centre twice: invalid (Ring Self-intersection), area unchanged by repair."""
    c = (lon + CELL / 2, lat + CELL / 2)
    return shapely.Polygon([(lon, lat), (lon + CELL, lat), c, (lon + CELL, lat + CELL), (lon, lat + CELL), c,
                            (lon, lat)])


def _islet(lon: float, lat: float) -> shapely.Polygon:
    """A small island off a cell (KIGO_I = 'I'): part of its 町丁・字, no statistics of its own."""
    return shapely.box(lon, lat, lon + CELL / 4, lat + CELL / 4)


# (city, s_area, name, hcode, jinko, setai, shape, marks); S_AREA has 6 digits for 丁目, 4 for 大字・字
TOTTORI_ROWS = [
    ("201", "001001", "東町１丁目", 8101, 420, 180, _cell(134.20, 35.49), {"AREA_MAX_F": "M"}),
    ("201", "001002", "東町２丁目", 8101, 515, 230, _pinched(134.21, 35.49), {"AREA_MAX_F": "M"}),
    # 飛び地: the statistics sit on the part that is not the largest (as in real files)
    ("201", "0020", "大字湖山", 8101, 0, 0, _cell(134.22, 35.49), {"AREA_MAX_F": "M"}),
    ("201", "0020", "大字湖山", 8101, 1830, 760, _islet(134.24, 35.49), {"KIGO_D": "D"}),
    ("201", "0030", "字雲山", 8101, 140, 60, _cell(134.20, 35.50), {"AREA_MAX_F": "M"}),
    ("201", "0030", "字雲山", 8101, 0, 0, _islet(134.195, 35.515), {"KIGO_I": "I"}),  # an island of 字雲山
    ("201", "0090", "湖山池", 8154, 0, 0, _cell(134.21, 35.50), {"AREA_MAX_F": "M"}),  # 水面調査区
    ("201", "004003", "吉方町３丁目", 8101, 960, 410, _cell(134.22, 35.50), {"AREA_MAX_F": "M"}),
    ("202", "001001", "米原１丁目", 8101, 700, 300, _cell(133.33, 35.42), {"AREA_MAX_F": "M"}),
    ("202", "001002", "米原２丁目", 8101, 650, 280, _cell(133.34, 35.42), {"AREA_MAX_F": "M"}),
]
TOTTORI_CITY_NAMES = {"201": "鳥取市", "202": "米子市"}


def estat_frame(edition: int = 2020) -> gpd.GeoDataFrame:
    """A prefecture-wide e-Stat frame of `edition` (2015 or 2020)."""
    id_column = "R2KAxx_" if edition == 2020 else "H27KAxx_"
    records = []
    for n, (city, s_area, name, hcode, jinko, setai, _shape, marks) in enumerate(TOTTORI_ROWS):
        records.append({
            "KEY_CODE": "31" + city + s_area, "PREF": "31", "CITY": city, "S_AREA": s_area,
            "PREF_NAME": "鳥取県", "CITY_NAME": TOTTORI_CITY_NAMES[city], "S_NAME": name, "HCODE": hcode,
            "AREA": 0.0, id_column: n + 1, "KEN": "31", "KEN_NAME": "鳥取県", "GST_NAME": TOTTORI_CITY_NAMES[city],
            "MOJI": name, "AREA_MAX_F": marks.get("AREA_MAX_F"), "KIGO_D": marks.get("KIGO_D"),
            "KIGO_I": marks.get("KIGO_I"),
            "JINKO": jinko, "SETAI": setai,
        })
    return gpd.GeoDataFrame(records, geometry=[row[6] for row in TOTTORI_ROWS],
                            crs=6668 if edition == 2020 else 4612)


def write_estat_zip(target: Path, edition: int = 2020) -> Path:
    """The frame as e-Stat ships it: a zipped Shapefile, attributes in CP932, no .cpg."""
    return write_frame_zip(estat_frame(edition), target, f"{'r2' if edition == 2020 else 'h27'}ka31")


def write_frame_zip(frame: gpd.GeoDataFrame, target: Path, stem: str = "r2ka31") -> Path:
    """An e-Stat frame as e-Stat ships it: a zipped Shapefile `stem`.shp, attributes in CP932, no .cpg."""
    folder = target.parent / (target.stem + "_shp")
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / f"{stem}.shp", encoding="cp932", engine="pyogrio")
    (folder / f"{stem}.cpg").unlink(missing_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target


# --------------------------------------------------------------------------- population files of 鳥取市 (generated)
# (name as the city's register writes it, the boundary code it must match, persons per 1-year age and sex)
REGISTER_AREAS = [
    ("東町一丁目", "31201001001", 3),      # 漢数字 丁目
    ("東町２丁目", "31201001002", 4),      # 全角 digit
    ("湖山", "312010020", 9),              # 大字 prefix left out
    ("字雲山", "312010030", 1),
    ("吉方町3丁目", "31201004003", 5),
    ("新町", None, 2),                     # not in the boundaries: must be listed as unmatched
]
STANDARD_BANDS = [(a, a + 4) for a in range(0, 100, 5)] + [(100, None)]


def register_persons(per_age: int, sex: str, low: int, high: int | None) -> int:
    """Persons of one area, sex and age range: per_age at each age, women one more above 64 (so sexes differ)."""
    ages = range(low, (high if high is not None else 104) + 1)
    return sum(per_age + (1 if sex == "女性" and age >= 65 else 0) for age in ages)


def write_standard_population_csv(target: Path) -> Path:
    """自治体標準オープンデータセット「地域・年齢別人口」: 5-year bands × sex columns, CP932, 調査年月日 in 和暦."""
    header = [
        "全国地方公共団体コード",
        "都道府県名",
        "市区町村名",
        "調査年月日",
        "地域コード",
        "地域名",
        "総人口",
        "男性",
        "女性",
    ]
    for low, high in STANDARD_BANDS:
        label = f"{low}-{high}歳" if high is not None else f"{low}歳以上"
        header += [f"{label}の男性", f"{label}の女性"]
    lines = [",".join(header)]
    for n, (name, _code, per_age) in enumerate(REGISTER_AREAS):
        cells = []
        for low, high in STANDARD_BANDS:
            cells += [register_persons(per_age, s, low, high) for s in ("男性", "女性")]
        men, women = sum(cells[0::2]), sum(cells[1::2])
        lines.append(",".join(["312011", "鳥取県", "鳥取市", "令和7年3月31日", f"{n + 1:03d}", name,
                               str(men + women), str(men), str(women)] + [str(c) for c in cells]))
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return target


def write_wide_population_xlsx(target: Path) -> Path:
    """The usual Excel sheet: a title and a note above, 男 / 女 in merged cells over 1-year ages 0歳…100歳以上."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "町丁別年齢別"
    sheet.append(["鳥取市 町丁別・年齢別人口（住民基本台帳）"])
    sheet.append(["令和7年3月31日現在", None, "単位：人"])
    ages = [f"{a}歳" for a in range(100)] + ["100歳以上"]
    sheet.append([None, None] + ["男"] + [None] * (len(ages) - 1) + ["女"] + [None] * (len(ages) - 1))
    sheet.merge_cells(start_row=3, start_column=3, end_row=3, end_column=2 + len(ages))
    sheet.merge_cells(start_row=3, start_column=3 + len(ages), end_row=3, end_column=2 + 2 * len(ages))
    sheet.append(["町丁名", "総数"] + [unicodedata.normalize("NFKC", a).translate(FULLWIDTH) for a in ages] * 2)
    for name, _code, per_age in REGISTER_AREAS:
        men = [register_persons(per_age, "男性", a, a if a < 100 else None) for a in range(101)]
        women = [register_persons(per_age, "女性", a, a if a < 100 else None) for a in range(101)]
        sheet.append([name, sum(men) + sum(women)] + men + women)
    sheet.append(["合計", None])
    book.save(target)
    return target


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")  # the sheet's headings are 全角


# --------------------------------------------------------------------------- facility lists of 鳥取市 (generated)
def _centre(code: str) -> tuple[float, float]:
    """(lat, lon) inside the cell of a code in TOTTORI_ROWS."""
    shape = next(row[6] for row in TOTTORI_ROWS if "31" + row[0] + row[1] == code and row[7].get("AREA_MAX_F"))
    point = shape.representative_point()
    return point.y, point.x


FACILITY_LISTS = {  # columns of the 自治体標準オープンデータセット, and the rows: (名称, code it lies in, kind)
    "aed": (
        ["全国地方公共団体コード", "ID", "地域コード", "都道府県名", "市区町村名", "名称", "名称_カナ", "住所",
         "方書", "緯度", "経度", "設置位置", "電話番号"],
        [("東町公民館", "31201001001", None), ("湖山小学校", "312010020", None),
         ("湖山地区会館", "312010020", None), ("位置不明の診療所", None, None)],
    ),
    "medical": (
        ["全国地方公共団体コード", "ID", "名称", "名称_カナ", "医療機関の種類", "住所", "方書", "緯度", "経度",
         "電話番号", "診療科目"],
        [("東町病院", "31201001002", "病院"), ("吉方クリニック", "31201004003", "無床診療所")],
    ),
}


def write_facility_csv(target: Path, kind: str) -> Path:
    """A facility list in CP932 as municipalities publish it; a row with blank 緯度・経度 included."""
    header, rows = FACILITY_LISTS[kind]
    lines = [",".join(header)]
    for n, (name, code, sub_kind) in enumerate(rows):
        lat, lon = _centre(code) if code else ("", "")
        values = {
            "全国地方公共団体コード": "312011",
            "ID": f"{n + 1:05d}",
            "都道府県名": "鳥取県",
            "市区町村名": "鳥取市",
            "名称": name,
            "住所": f"鳥取県鳥取市{name}",
            "緯度": f"{lat}",
            "経度": f"{lon}",
            "医療機関の種類": sub_kind or "",
            "設置位置": "1階入口",
        }
        lines.append(",".join(values.get(h, "") for h in header))
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return target


# --------------------------------------------------------------------------- 国土数値情報-like reference layers
def write_river_geojson(target: Path) -> Path:
    """A river through 鳥取市's cells and one far away (cut off), 国土数値情報 W05 columns, JGD2011."""
    frame = gpd.GeoDataFrame(
        {"W05_001": ["8906010001", "8906020001"], "W05_004": ["湖山川", "遠くの川"]},
        geometry=[shapely.LineString([(134.195, 35.495), (134.235, 35.505)]),
                  shapely.LineString([(135.50, 34.70), (135.52, 34.71)])], crs=6668)
    frame.to_file(target, driver="GeoJSON")
    return target


def write_places_geojson(target: Path) -> Path:
    """Place names as points (e.g. 町丁目 or 字 names an instructor keeps as a layer)."""
    frame = gpd.GeoDataFrame({"名称": ["湖山池", "鳥取駅前"]},
                             geometry=[shapely.Point(134.215, 35.505), shapely.Point(134.225, 35.495)], crs=4326)
    frame.to_file(target, driver="GeoJSON")
    return target


# --------------------------------------------------------------------------- census 小地域集計 of 鳥取市 (generated)
CENSUS_BANDS = [f"{low}〜{low + 4}歳" for low in range(0, 75, 5)]
# code → persons per 5-year band and sex (0-4 … 70-74) and in 75歳以上; 字雲山 is secret (X)
CENSUS_AREAS = {"31201001001": (10, 40), "31201001002": (12, 60), "312010020": (50, 200), "312010030": None,
                "31201004003": (20, 90)}


def write_census_age_csv(target: Path) -> Path:
    """tblT001082C31 as e-Stat ships it: a row of codes, a row of names (全角), CP932, 「-」 and 「X」 marks,
    the city's and a 町's totals (HYOSYO 1 and 2) beside the areas (which must not be counted twice)."""
    ages = CENSUS_BANDS + ["15歳未満", "15〜64歳", "65歳以上", "75歳以上"]
    names = []
    for sex, total in (
        ("総数", "総数、年齢「不詳」含む"),
        ("男", "男の総数、年齢「不詳」含む"),
        ("女", "女の総数、年齢「不詳」含む"),
    ):
        names += [total] + [sex + unicodedata.normalize("NFKC", a).translate(FULLWIDTH) for a in ages]
    codes = ["KEY_CODE", "HYOSYO", "CITYNAME", "NAME", "HTKSYORI", "HTKSAKI", "GASSAN"] + [
        f"T001082{n:03d}" for n in range(1, len(names) + 1)]

    def numbers(per_band: int, old: int) -> list[int]:
        one_sex = [per_band] * 15
        summary = [per_band * 3, per_band * 10, per_band * 2 + old, old]
        known = sum(one_sex) + old
        by_sex = [known + 1] + one_sex + summary  # one person of unknown age per sex
        both = [2 * v for v in by_sex]
        return both + by_sex + by_sex

    def cells(values: list[int]) -> list[str]:
        return [str(v) if v else "-" for v in values]

    areas = [numbers(*persons) for persons in CENSUS_AREAS.values() if persons]
    rows = [",,,,,,," + ",".join(names)]  # the city's row is the sum of its areas' (字雲山's are in 大字湖山's)
    rows.append(",".join(["31201", "1", "鳥取市", "", "0", "", ""] + cells([sum(v) for v in zip(*areas, strict=True)])))
    rows.append(",".join(["312010010", "2", "鳥取市", "東町", "0", "", ""] + cells(numbers(22, 100))))  # a 町's total
    for code, persons in CENSUS_AREAS.items():
        marks = cells(numbers(*persons)) if persons else ["X"] * (len(names))
        name = next(r[2] for r in TOTTORI_ROWS if "31" + r[0] + r[1] == code)
        rows.append(",".join([code, "3" if len(code) == 11 else "2", "鳥取市", name, "1" if not persons else "0",
                              "312010020" if not persons else "", ""] + marks))
    target.write_bytes(("\r\n".join([",".join(codes), *rows]) + "\r\n").encode("cp932"))
    return target


# ------------------------------------------------------------------ census 世帯の家族類型 of 鳥取市 (generated)
FAMILY_TYPES = ["一般世帯総数", "親族のみの世帯", "核家族世帯", "うち夫婦のみの世帯", "うち夫婦と子供から成る世帯",
                "核家族以外の世帯", "６歳未満世帯員のいる一般世帯総数", "１８歳未満世帯員のいる一般世帯総数",
                "６５歳以上世帯員のいる一般世帯総数"]  # the real table's names (tests/fixtures/real, tblT001084C11)
# code → (一般世帯総数, 65歳以上世帯員のいる一般世帯総数, 高齢単身世帯, 高齢夫婦世帯); 字雲山 is secret (X),
# its households counted in 大字湖山 (HTKSAKI 0020, the S_AREA as real files write it)
HOUSEHOLD_AREAS = {"31201001001": (100, 40, 12, 9), "31201001002": (150, 60, 20, 15), "312010020": (400, 180, 50, 40),
                   "312010030": None, "31201004003": (200, 90, 30, 0)}


def write_census_households_csv(target: Path, elderly_columns: bool = True, year: int = 2020) -> Path:
    """tblT001084C31 (2015: tblT000851C31, names after a 全角 space) as e-Stat ships it: codes and names rows,
    CP932, 「-」 and 「X」, the city's row and a 町's total over its 丁目 beside the areas. `elderly_columns`
    adds 高齢単身世帯 and 高齢夫婦世帯, which e-Stat's table does not have, as a city's own tabulation in the
    same layout would."""
    prefix = "T001084" if year == 2020 else "T000851"
    names = FAMILY_TYPES + (["高齢単身世帯", "高齢夫婦世帯"] if elderly_columns else [])
    codes = ["KEY_CODE", "HYOSYO", "CITYNAME", "NAME", "HTKSYORI", "HTKSAKI", "GASSAN"] + [
        f"{prefix}{n:03d}" for n in range(1, len(names) + 1)]

    def cells(general: int, older: int, single: int, couple: int) -> list[str]:
        relatives = general - single - 10
        values = [general, relatives, relatives - 5, couple + 10, relatives - 30, 5, 3, 20, older, single, couple]
        return [str(v) if v else "-" for v in values[:len(names)]]

    parts = [v for v in HOUSEHOLD_AREAS.values() if v]
    rows = [",,,,,,," + ",".join(("\u3000" if year == 2015 else "") + n for n in names),
            ",".join(["31201", "1", "鳥取市", "", "0", "", ""] + cells(*(sum(p[i] for p in parts) for i in range(4)))),
            ",".join(["312010010", "3", "鳥取市", "東町", "0", "", ""] + cells(250, 100, 32, 24))]  # a 町's total
    for code, figures in HOUSEHOLD_AREAS.items():
        secret = figures is None
        name = next(r[2] for r in TOTTORI_ROWS if "31" + r[0] + r[1] == code)
        rows.append(",".join([code, "4" if len(code) == 11 else "2", "鳥取市", name, "2" if secret else (
            "1" if code == "312010020" else "0"), "0020" if secret else "", "0030" if code == "312010020" else ""]
            + (["X"] * len(names) if secret else cells(*figures))))
    target.write_bytes(("\r\n".join([",".join(codes), *rows]) + "\r\n").encode("cp932"))
    return target


# --------------------------------------------------------------------------- a whole city of 666 町丁・字 (generated)
WHOLE_CITY_AREAS = 666  # the 町丁・字 of the real city measured in issue 20 (a 2015 prefecture file's city)


def whole_city_frame(areas: int = WHOLE_CITY_AREAS, seed: int = 2015) -> gpd.GeoDataFrame:
    """A city of `areas` 町丁・字 as dense as real e-Stat boundaries: a Voronoi of random points clipped to
    an irregular outline (about 20 × 14 km), every shared edge drawn once with a vertex every ~8 m and
    wiggled by one smooth field (as real streets and rivers wander), then polygonized, so neighbours share
    exactly the same vertices, as in the real files. No real whole-city file is in the repository."""
    import numpy as np

    rng = np.random.default_rng(seed)
    outline = shapely.Polygon([(133.20, 35.40), (133.35, 35.38), (133.42, 35.45), (133.40, 35.52),
                               (133.28, 35.54), (133.19, 35.49)])
    minx, miny, maxx, maxy = outline.bounds
    seeds = []
    while len(seeds) < areas:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if outline.contains(shapely.Point(x, y)):
            seeds.append((x, y))
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=outline.buffer(0.05))
    clipped = [cell.intersection(outline) for cell in cells.geoms]
    edges = shapely.union_all(shapely.boundary(clipped))  # each shared edge once, noded
    dense = shapely.segmentize(edges, 8e-5)

    def wiggle(xy):
        x, y = xy[:, 0], xy[:, 1]
        dx = 1e-4 * np.sin(x * 2100 + y * 900) + 1.5e-5 * np.sin(y * 12000)  # gentle: no line folds over
        dy = 1e-4 * np.cos(y * 1900 - x * 700) + 1.5e-5 * np.cos(x * 11000)
        return np.round(np.column_stack([x + dx, y + dy]), 7)

    polygons = list(shapely.polygonize(list(shapely.transform(dense, wiggle).geoms)).geoms)
    order = sorted(range(len(polygons)), key=lambda i: (round(polygons[i].centroid.y, 3), polygons[i].centroid.x))
    records = []
    for n in range(len(order)):
        s_area = f"{n // 9 + 1:03d}{n % 9 + 1:03d}" if n % 3 else f"{n + 1:04d}"  # 丁目 (11 digits) and 大字 (9)
        records.append({"KEY_CODE": "31205" + s_area, "PREF": "31", "CITY": "205", "S_AREA": s_area,
                        "PREF_NAME": "鳥取県", "CITY_NAME": "生成市", "S_NAME": f"生成町{n + 1}", "HCODE": 8101,
                        "R2KAxx_": n + 1, "JINKO": 50 + (n * 37) % 900, "SETAI": 20 + (n * 17) % 400})
    return gpd.GeoDataFrame(records, geometry=[polygons[i] for i in order], crs=6668)


def write_whole_city_zip(target: Path, areas: int = WHOLE_CITY_AREAS) -> Path:
    """whole_city_frame as e-Stat ships it (a zipped Shapefile, CP932, no .cpg)."""
    return write_frame_zip(whole_city_frame(areas), target)
