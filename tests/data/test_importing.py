"""Importing instructors' files: every format read right, every bad input refused in Japanese, nothing stored."""
from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from lib.data import file_readers, import_guards, importing, staging
from lib.data.import_result import DataImportError
from lib.data.importing import read_file
from lib.data.staging import store_import

JAPANESE = "氏名,年齢,住所\n見本 太郎,81,みどり野市桜ヶ丘一丁目1番1号\n見本 花子,79,みどり野市桜台二丁目3-4\n"
BOWTIE = shapely.Polygon([(139.30, 35.40), (139.32, 35.42), (139.32, 35.40), (139.30, 35.42), (139.30, 35.40)])


def staging_tables(store) -> set[str]:
    cursor = store.staging()
    try:
        tables = {r[0] for r in cursor.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "_imports" in tables:
            tables |= {f"meta:{r[0]}" for r in cursor.execute("SELECT name FROM _imports").fetchall()}
        return tables
    finally:
        cursor.close()


def refused(path: Path, store, key: str, **kwargs) -> DataImportError:
    """Read `path`; it must be refused with `key`, a Japanese message, and nothing stored."""
    before = staging_tables(store)
    with pytest.raises(DataImportError) as caught:
        result = read_file(path, **kwargs)
        store_import(result, "should_not_exist", store=store)
    error = caught.value
    assert error.key == key, (error.key, error.text())
    message = error.text("ja")
    assert any("\u3040" <= ch <= "\u30ff" for ch in message), message
    assert message.endswith("。"), message
    assert "Traceback" not in message and "{" not in message
    assert error.text("en") and error.text("en") != message
    assert staging_tables(store) == before
    return error


def write_areas(folder: Path, crs=4326, cpg: bool = True, geoms=None) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"KEY_CODE": ["14999004001", "14999004002"], "S_NAME": ["桜ヶ丘一丁目", "桜ヶ丘二丁目"], "JINKO": [812, 640]},
        geometry=geoms or [shapely.box(139.30, 35.40, 139.31, 35.41), shapely.box(139.31, 35.40, 139.32, 35.41)],
        crs=4326)
    if crs != 4326:
        frame = frame.to_crs(crs)
    frame.to_file(folder / "h27ka14999.shp", encoding="cp932")
    if not cpg:
        (folder / "h27ka14999.cpg").unlink()
    return frame


def zip_folder(folder: Path, target: Path, skip: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in skip:
                archive.write(path, path.name)
    return target


# ---------------------------------------------------------------------------- formats that work
@pytest.mark.parametrize("encoding, detected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("cp932", "cp932"), ("euc_jp", "euc_jp")])
def test_csv_encodings_are_detected(tmp_path, encoding, detected):
    path = tmp_path / "people.csv"
    path.write_bytes(JAPANESE.encode(encoding))
    result = read_file(path)
    assert result.encoding == detected
    assert list(result.frame.columns) == ["氏名", "年齢", "住所"]
    assert result.frame.loc[0, "氏名"] == "見本 太郎"
    assert result.types["年齢"] == "integer"


def test_encoding_can_be_overridden(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(JAPANESE.encode("cp932"))
    result = read_file(path, encoding="Shift_JIS")
    assert result.encoding == "cp932"
    assert result.frame.loc[1, "住所"].startswith("みどり野市")


def test_tsv_and_progress(tmp_path):
    path = tmp_path / "people.tsv"
    path.write_text(JAPANESE.replace(",", "\t"), encoding="utf-8")
    seen = []
    result = read_file(path, progress=lambda fraction, _step: seen.append(fraction))
    assert len(result.frame) == 2 and result.format == "tsv"
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 3


def test_excel_sheets_can_be_chosen(tmp_path, store):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"氏名": ["見本 太郎"], "年齢": [81]}).to_excel(writer, sheet_name="一覧", index=False)
        pd.DataFrame({"町丁目": ["桜台"], "人数": ["1,234"]}).to_excel(writer, sheet_name="集計", index=False)
    first = read_file(path)
    assert first.sheets == ["一覧", "集計"] and first.sheet == "一覧"
    assert any("集計" in w.text() for w in first.warnings)
    second = read_file(path, sheet="集計")
    assert second.frame.loc[0, "人数"] == "1,234"
    refused(path, store, "no_sheet", sheet="ない")


def test_geojson_reads(tmp_path, store):
    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"名前": ["公民館"]}, geometry=[shapely.Point(139.35, 35.45)], crs=4326).to_file(path)
    result = read_file(path)
    assert result.is_geo and result.frame.crs.to_epsg() == 4326
    assert result.summary()["columns"] == ["名前"]


def test_estat_shapefile_zip_in_shift_jis_without_cpg(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_areas(folder, cpg=False)
    result = read_file(zip_folder(folder, tmp_path / "A002005212015DDSWC14999.zip"))
    assert result.encoding == "cp932"
    assert list(result.frame["S_NAME"]) == ["桜ヶ丘一丁目", "桜ヶ丘二丁目"]
    assert result.types["KEY_CODE"] == "code"
    assert any("KEY_CODE" in w.text() for w in result.warnings)


def test_projected_shapefile_with_prj_is_reprojected(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_areas(folder, crs=6677)
    result = read_file(zip_folder(folder, tmp_path / "areas.zip"))
    assert result.frame.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = result.frame.total_bounds
    assert 139.29 < minx < maxx < 139.33 and 35.39 < miny < maxy < 35.42
    assert any("EPSG:6677" in w.text() for w in result.warnings)


def test_geopackage_layers(tmp_path):
    path = tmp_path / "data.gpkg"
    frame = gpd.GeoDataFrame({"名前": ["a"]}, geometry=[shapely.Point(139.35, 35.45)], crs=4326)
    frame.to_file(path, layer="施設", driver="GPKG")
    frame.to_file(path, layer="避難所", driver="GPKG")
    result = read_file(path, sheet="避難所")
    assert result.sheet == "避難所" and set(result.sheets) == {"施設", "避難所"}


def test_store_import_goes_to_staging_with_metadata(tmp_path, store):
    path = tmp_path / "people.csv"
    path.write_bytes(JAPANESE.encode("cp932"))
    result = read_file(path)
    store_import(result, "people_test", types={"年齢": "text"}, store=store)
    frame, types = staging.load_staged("people_test", store=store)
    assert len(frame) == 2 and types["年齢"] == "text"
    meta = staging.staged_imports(store=store)
    row = meta[meta["name"] == "people_test"].iloc[0]
    assert row["encoding"] == "cp932" and row["source"] == "people.csv" and row["rows"] == 2
    assert "people_test" not in store.published_tables()
    staging.drop_staged("people_test", store=store)


def test_geo_import_is_stored_with_geometry(tmp_path, store):
    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"名前": ["公民館"]}, geometry=[shapely.Point(139.35, 35.45)], crs=4326).to_file(path)
    store_import(read_file(path), "points_test", store=store)
    frame, _types = staging.load_staged("points_test", store=store)
    assert isinstance(frame, gpd.GeoDataFrame) and frame.geometry.iloc[0].x == pytest.approx(139.35)
    staging.drop_staged("points_test", store=store)


# ---------------------------------------------------------------------------- bad inputs
def test_zero_byte_file(tmp_path, store):
    path = tmp_path / "empty.csv"
    path.touch()
    refused(path, store, "empty")


def test_truncated_csv(tmp_path, store):
    path = tmp_path / "cut.csv"
    path.write_bytes('氏名,メモ\n見本 太郎,"途中で切れた'.encode("utf-8"))
    refused(path, store, "truncated")


def test_truncated_excel(tmp_path, store):
    good = tmp_path / "good.xlsx"
    pd.DataFrame({"氏名": ["見本 太郎"] * 50}).to_excel(good, index=False)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(cut, store, "bad_excel")


def test_truncated_geojson(tmp_path, store):
    path = tmp_path / "cut.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Po',
                    encoding="utf-8")
    refused(path, store, "truncated_file")


@pytest.mark.parametrize("part", [".shp", ".dbf"])
def test_truncated_shapefile(tmp_path, store, part):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_areas(folder, geoms=[shapely.box(139.30 + i / 1000, 35.40, 139.3005 + i / 1000, 35.41) for i in range(2)])
    target = folder / f"h27ka14999{part}"
    target.write_bytes(target.read_bytes()[:-20])  # cut inside the last record
    refused(zip_folder(folder, tmp_path / "cut.zip"), store, "truncated_file")


def test_binary_file_named_csv(tmp_path, store):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    refused(path, store, "binary")


def test_not_an_excel_file(tmp_path, store):
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(JAPANESE.encode("utf-8"))
    refused(path, store, "bad_excel")


def test_shift_jis_file_labelled_utf8(tmp_path, store):
    path = tmp_path / "sjis.csv"
    path.write_bytes(JAPANESE.encode("cp932"))
    error = refused(path, store, "mislabelled_encoding", encoding="utf-8")
    assert "Shift_JIS" in error.text()


def test_utf8_file_labelled_shift_jis(tmp_path, store):
    # Read as Shift_JIS, UTF-8 bytes would "succeed" as mojibake: it must be refused.
    path = tmp_path / "utf8.csv"
    path.write_bytes(JAPANESE.encode("utf-8"))
    refused(path, store, "mislabelled_encoding", encoding="cp932")


def test_ragged_rows(tmp_path, store):
    path = tmp_path / "ragged.csv"
    path.write_text("氏名,年齢\n見本 太郎,81\n見本 花子,79,余分\n試験 一郎\n", encoding="utf-8")
    error = refused(path, store, "ragged")
    assert "3、4" in error.text()


@pytest.mark.parametrize("missing", [".shp", ".dbf", ".shx"])
def test_shapefile_zip_without_shp_or_dbf(tmp_path, store, missing):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_areas(folder)
    error = refused(zip_folder(folder, tmp_path / "incomplete.zip", skip=(missing,)), store, "shapefile_incomplete")
    assert missing in error.text()


# A ring that passes twice through one vertex (GEOS: "Ring Self-intersection"), as in real e-Stat files.
PINCHED = shapely.Polygon([(139.30, 35.40), (139.32, 35.40), (139.31, 35.41), (139.32, 35.42), (139.30, 35.42),
                           (139.31, 35.41), (139.30, 35.40)])
# A "polygon" whose corners lie on one line: repaired, it is a line, with no area left to draw.
FLAT = shapely.Polygon([(139.30, 35.40), (139.32, 35.40), (139.31, 35.40), (139.30, 35.40)])


def test_self_intersecting_polygon_is_repaired_and_reported(tmp_path, store):
    path = tmp_path / "pinched.geojson"
    gpd.GeoDataFrame({"名前": ["正しい", "ねじれ"]}, geometry=[shapely.box(139.33, 35.40, 139.34, 35.41), PINCHED],
                     crs=4326).to_file(path)
    assert not PINCHED.is_valid
    result = read_file(path)
    assert bool(result.frame.geometry.is_valid.all()) and len(result.frame) == 2
    [repair] = result.repairs
    assert repair.row == 2 and "Self-intersection" in repair.reason
    assert repair.area_after_m2 == pytest.approx(repair.area_before_m2, rel=1e-6) and repair.area_after_m2 > 1e6
    assert any("修復" in w.text("ja") for w in result.warnings)


def test_invalid_geometry_in_shapefile_is_repaired(tmp_path, store):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_areas(folder, geoms=[shapely.box(139.30, 35.40, 139.31, 35.41), BOWTIE])
    result = read_file(zip_folder(folder, tmp_path / "bad.zip"))
    assert [r.row for r in result.repairs] == [2]
    assert result.frame.geometry.iloc[1].geom_type == "MultiPolygon" and result.frame.geometry.is_valid.all()


def test_unrepairable_polygon_is_refused(tmp_path, store):
    path = tmp_path / "flat.geojson"
    gpd.GeoDataFrame({"名前": ["正しい", "つぶれた"]}, geometry=[shapely.box(139.33, 35.40, 139.34, 35.41), FLAT],
                     crs=4326).to_file(path)
    assert "2" in refused(path, store, "unrepairable").text()


@pytest.mark.parametrize("content", ['"' * 50_000, "氏名,年齢\n", "氏名,年齢\n\n , \n"])
def test_file_without_data_rows_is_refused(tmp_path, store, content):
    path = tmp_path / "no_rows.csv"
    path.write_text(content, encoding="utf-8")
    refused(path, store, "no_rows")


def test_projected_coordinates_without_prj(tmp_path, store):
    folder = tmp_path / "shp"
    folder.mkdir()
    write_areas(folder, crs=6677)
    refused(zip_folder(folder, tmp_path / "noprj.zip", skip=(".prj",)), store, "not_lonlat")


def test_swapped_latitude_longitude_geojson(tmp_path, store):
    path = tmp_path / "swapped.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名前": "公民館"},
         "geometry": {"type": "Point", "coordinates": [35.45, 139.35]}}]}), encoding="utf-8")
    refused(path, store, "swapped_latlon")


def test_swapped_latitude_longitude_columns(tmp_path, store):
    path = tmp_path / "places.csv"
    path.write_text("名前,緯度,経度\n公民館,139.35,35.45\n", encoding="utf-8")
    refused(path, store, "swapped_latlon")


def test_200_mb_file_is_refused_before_it_is_read(tmp_path, store, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: 200 MB long, almost nothing on disk
        handle.write("氏名,年齢\n".encode("utf-8"))
        handle.seek(200 * 1024 * 1024 - 1)
        handle.write(b"\n")
    assert path.stat().st_size == 200 * 1024 * 1024

    def must_not_read(*_args, **_kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(file_readers, "_read_bytes", must_not_read)
    monkeypatch.setattr(importing, "read_delimited", must_not_read)
    error = refused(path, store, "too_large")
    assert "200" in error.text() and "100" in error.text()


@pytest.mark.parametrize("suffix", [".zip", ".xlsx"])
def test_zip_bomb_is_refused_before_extracting(tmp_path, store, monkeypatch, suffix):
    path = tmp_path / f"bomb{suffix}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("areas.shp" if suffix == ".zip" else "xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(60):  # 60 MB of zeros, streamed; ~60 KB compressed
                member.write(block)
        archive.writestr("areas.dbf", b"x")
    assert path.stat().st_size < 1024 * 1024
    monkeypatch.setattr(zipfile.ZipFile, "extract", lambda *a, **k: pytest.fail("extracted"))
    refused(path, store, "zip_bomb")


def test_zip_that_unpacks_too_large(tmp_path, store, monkeypatch):
    monkeypatch.setattr(import_guards, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.shp", b"a" * (2 * 1024 * 1024))
        archive.writestr("a.dbf", b"x")
    refused(path, store, "zip_too_large", max_bytes=10 * 1024 * 1024)


def test_unknown_format_and_old_excel(tmp_path, store):
    for name, key in (("report.pdf", "unknown_format"), ("old.xls", "old_excel")):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4 something")
        refused(path, store, key)


def test_bad_staging_name_stores_nothing(tmp_path, store):
    path = tmp_path / "people.csv"
    path.write_text(JAPANESE, encoding="utf-8")
    before = staging_tables(store)
    with pytest.raises(DataImportError) as caught:
        store_import(read_file(path), "氏名; DROP TABLE x", store=store)
    assert caught.value.key == "bad_name"
    assert staging_tables(store) == before


def test_coordinates_outside_japan(tmp_path, store):
    path = tmp_path / "london.geojson"
    gpd.GeoDataFrame({"名前": ["遠く"]}, geometry=[shapely.Point(-0.12, 51.5)], crs=4326).to_file(path)
    refused(path, store, "outside_japan")


def test_a_csv_with_thousands_of_columns_is_refused_before_parsing(tmp_path, store):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join("1" * 200_000) + "\n")
    started = time.perf_counter()
    error = refused(path, store, "too_many_columns")
    assert time.perf_counter() - started < 5
    assert "200,000" in error.text("ja")


def test_a_csv_with_too_many_cells_is_refused(tmp_path, store, monkeypatch):
    monkeypatch.setattr(import_guards, "MAX_IMPORT_CELLS", 1000)
    path = tmp_path / "long.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 400)
    refused(path, store, "too_many_cells")


def _sheet(path: Path, rows: int, columns: int) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("データ")
    sheet.append([f"列{i}" for i in range(columns)])
    for r in range(rows):
        sheet.append([r] * columns)
    book.save(path)
    return path


def test_a_wide_excel_sheet_is_refused(tmp_path, store):
    refused(_sheet(tmp_path / "wide.xlsx", 2, import_guards.MAX_IMPORT_COLUMNS + 1), store, "too_many_columns")


def test_a_large_excel_sheet_is_refused_by_cells_or_time(tmp_path, store, monkeypatch):
    path = _sheet(tmp_path / "long.xlsx", 3000, 5)
    monkeypatch.setattr(import_guards, "MAX_IMPORT_CELLS", 10_000)
    refused(path, store, "too_many_cells")
    monkeypatch.setattr(import_guards, "MAX_IMPORT_CELLS", 10_000_000)
    monkeypatch.setattr(file_readers, "MAX_IMPORT_SECONDS", 0)
    refused(path, store, "too_slow")


def test_geojson_nested_very_deep_is_refused_in_japanese(tmp_path, store):
    path = tmp_path / "deep.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * 200_000 + "]" * 200_000 + "}")
    error = refused(path, store, "too_deep")
    assert str(tmp_path) not in error.text("ja")
