"""Readers of each import format, returning an ImportResult (nothing is stored).

CSV / TSV (fast pandas parse; a ragged row is named by line), Excel .xlsx (one sheet),
zipped Shapefile (attribute encoding from .cpg, else UTF-8 or CP932), GeoJSON and GeoPackage
(one layer); geometries end valid, in lon/lat, inside Japan.
"""
from __future__ import annotations

import csv
import io
import json
import struct
import time
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from lib.data.geo_checks import GeoProblem, repair_geometries, to_lonlat
from lib.data.import_guards import MAX_IMPORT_SECONDS, check_shape, looks_binary, open_zip
from lib.data.import_result import DataImportError, ImportResult, ImportWarning, Progress
from lib.data.text_encoding import ENCODING_LABELS, decode_text, normalize_encoding


def _read_bytes(path: Path, progress: Progress, chunk: int = 4 * 1024 * 1024) -> bytes:
    size = path.stat().st_size
    parts, done = [], 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(chunk)
            if not block:
                break
            parts.append(block)
            done += len(block)
            progress(0.4 * done / size, "read")
    return b"".join(parts)


def read_delimited(path: Path, fmt: str, encoding: str | None, progress: Progress) -> ImportResult:
    data = _read_bytes(path, progress)
    if looks_binary(data[:8192]):
        raise DataImportError("binary", name=path.name)
    text, used, detected = decode_text(data, encoding, path.name)
    progress(0.5, "decode")
    sample = text[:20000]
    delimiter = (
        "\t" if fmt == "tsv" or sample.split("\n", 1)[0].count("\t") > sample.split("\n", 1)[0].count(",") else ","
    )
    if text and not text.endswith(("\n", "\r")) and text.count('"') % 2 == 1:
        raise DataImportError("truncated", name=path.name)
    first_line = next(csv.reader(io.StringIO(text.partition("\n")[0]), delimiter=delimiter), [])
    check_shape(len(first_line), len(first_line) * (text.count("\n") + 1), path.name)
    frame = _parse_delimited(text, delimiter, path.name)
    progress(0.8, "parse")
    result = ImportResult(frame, path.name, fmt, encoding=used, detected_encoding=detected)
    if encoding and normalize_encoding(encoding) != detected and not (
            detected.startswith("utf-8") and used.startswith("utf-8")):
        result.warnings.append(
            ImportWarning(
                "encoding_override",
                {"given": ENCODING_LABELS.get(used, used), "detected": ENCODING_LABELS.get(detected, detected)},
            )
        )
    return result


def _parse_delimited(text: str, delimiter: str, name: str) -> pd.DataFrame:
    """Parse with pandas' C parser (fast); on any ragged row, scan with csv to name every bad line."""
    try:
        raw = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
                          skip_blank_lines=True, engine="c")
    except pd.errors.EmptyDataError as exc:
        raise DataImportError("no_rows", name=name) from exc
    except pd.errors.ParserError as exc:
        if "EOF" in str(exc):
            raise DataImportError("truncated", name=name) from exc
        _refuse_ragged(text, delimiter, name)
        raise DataImportError("truncated", name=name) from exc
    if raw.isna().to_numpy().any():  # a row with fewer fields than the header
        _refuse_ragged(text, delimiter, name)
    raw = raw[raw.apply(lambda col: col.str.strip() != "").any(axis=1)]
    if raw.empty:
        raise DataImportError("no_rows", name=name)
    header = [str(h).strip() for h in raw.iloc[0]]
    _check_header(header, name)
    if len(raw) < 2:  # a header and no data row (or a file of quotes that parses as a lone header)
        raise DataImportError("no_rows", name=name)
    frame = raw.iloc[1:].reset_index(drop=True).astype("string")
    frame.columns = header
    return frame.apply(lambda col: col.str.strip()).replace("", pd.NA)


def _refuse_ragged(text: str, delimiter: str, name: str) -> None:
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
                if any(cell.strip() for cell in r)]
    except csv.Error as exc:
        raise DataImportError("truncated", name=name) from exc
    width = len(rows[0]) if rows else 0
    ragged = [i + 2 for i, r in enumerate(rows[1:]) if len(r) != width]
    if ragged:
        lines = "、".join(str(n) for n in ragged[:5]) + (" ほか" if len(ragged) > 5 else "")
        raise DataImportError("ragged", name=name, columns=width, lines=lines, count=len(ragged))


def _check_header(header: list[str], name: str) -> None:
    if any(not h for h in header):
        raise DataImportError("blank_header", name=name)
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise DataImportError("duplicate_header", name=name, columns="、".join(duplicates))


def excel_sheets(path: Path) -> list[str]:
    """Sheet names of an .xlsx, after the zip checks."""
    with open_zip(path, "bad_excel"):
        pass
    try:
        import openpyxl  # noqa: PLC0415  (0.25 s: only when an Excel file is read, not at app start)

        book = openpyxl.load_workbook(path, read_only=True)
    except MemoryError:  # a valid file too large for the import worker's memory, not a damaged one
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DataImportError("bad_excel", name=path.name) from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_excel(path: Path, sheet: str | None, progress: Progress) -> ImportResult:
    sheets = excel_sheets(path)
    chosen = sheet if sheet is not None else sheets[0]
    if chosen not in sheets:
        raise DataImportError("no_sheet", name=path.name, sheet=chosen, sheets="、".join(sheets))
    progress(0.3, "read")
    rows = _sheet_rows(path, chosen)
    if not rows:
        raise DataImportError("no_rows", name=path.name)
    width = max(len(row) for row in rows)
    header = [None if h is None else str(h).strip() or None for h in rows[0]] + [None] * (width - len(rows[0]))
    frame = pd.DataFrame([list(row) + [None] * (width - len(row)) for row in rows[1:]], columns=range(width),
                         dtype=object)
    frame = frame.dropna(how="all").dropna(axis=1, how="all")
    if frame.empty:
        raise DataImportError("no_rows", name=path.name)
    if any(header[c] is None for c in frame.columns):
        raise DataImportError("blank_header", name=path.name)
    frame.columns = [header[c] for c in frame.columns]
    _check_header(list(frame.columns), path.name)
    frame = frame.map(_excel_cell).astype("string").reset_index(drop=True)
    result = ImportResult(frame, path.name, "xlsx", sheets=sheets, sheet=chosen)
    if len(sheets) > 1 and sheet is None:
        result.warnings.append(ImportWarning("several_sheets", {"sheet": chosen, "sheets": "、".join(sheets)}))
    return result


def _sheet_rows(path: Path, sheet: str) -> list[tuple]:
    """The sheet's rows as values, read row by row under the column, cell and time limits."""
    deadline = time.monotonic() + MAX_IMPORT_SECONDS
    try:
        import openpyxl  # noqa: PLC0415  (as above)

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DataImportError("bad_excel", name=path.name) from exc
    rows, cells = [], 0
    try:
        worksheet = book[sheet]
        if worksheet.max_row and worksheet.max_column:  # the size the sheet declares, before reading it
            check_shape(worksheet.max_column, worksheet.max_row * worksheet.max_column, path.name)
        for row in worksheet.iter_rows(values_only=True):
            cells += len(row)
            check_shape(len(row), cells, path.name)
            if len(rows) % 1000 == 0 and time.monotonic() > deadline:
                raise DataImportError("too_slow", name=path.name, seconds=MAX_IMPORT_SECONDS)
            rows.append(row)
    except (DataImportError, MemoryError):
        raise
    except Exception as exc:
        raise DataImportError("bad_excel", name=path.name) from exc
    finally:
        book.close()
    return rows


def _excel_cell(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NA
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or pd.NA


def _dbf_encoding(dbf: Path, cpg: Path | None) -> str:
    """The attribute encoding of a Shapefile: the .cpg if there is one, else UTF-8 or CP932."""
    if cpg is not None and cpg.exists():
        declared = normalize_encoding(cpg.read_text(errors="replace").strip())
        return {"65001": "utf-8", "932": "cp932", "utf_8": "utf-8"}.get(declared or "", declared or "cp932")
    data = dbf.read_bytes()
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp932"


def check_shapefile_complete(members: dict[str, Path], name: str) -> None:
    """Refuse a Shapefile whose .shp / .shx / .dbf are shorter than their headers say (cut short)."""
    for suffix in (".shp", ".shx"):
        path = members.get(suffix)
        if path is None:
            continue
        head = path.read_bytes()[:28]
        if len(head) < 28 or struct.unpack(">i", head[24:28])[0] * 2 > path.stat().st_size:
            raise DataImportError("truncated_file", name=name)
    dbf = members[".dbf"]
    head = dbf.read_bytes()[:12]
    if len(head) < 12:
        raise DataImportError("truncated_file", name=name)
    records, header_size, record_size = struct.unpack("<IHH", head[4:12])
    if header_size + records * record_size > dbf.stat().st_size:
        raise DataImportError("truncated_file", name=name)


def read_zipped_shapefile(path: Path, encoding: str | None, progress: Progress, workdir: Path) -> ImportResult:
    with open_zip(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
        shp = [n for n in names if n.lower().endswith(".shp")]
        missing = []
        if not shp:
            missing.append(".shp")
        stem = shp[0][:-4] if shp else None
        for part in (".dbf", ".shx"):
            if stem is None or not any(n.lower() == (stem + part).lower() for n in names):
                missing.append(part)
        if missing:
            raise DataImportError("shapefile_incomplete", name=path.name, missing="、".join(missing))
        if len(shp) > 1:
            raise DataImportError("several_shapefiles", name=path.name, files="、".join(shp))
        for name in names:
            if ".." in Path(name).parts or Path(name).is_absolute():
                raise DataImportError("bad_zip", name=path.name)
            if name.startswith(stem + ".") or name.lower().startswith(stem.lower() + "."):
                archive.extract(name, workdir)
    progress(0.3, "unzip")
    base = workdir / stem
    members = {p.suffix.lower(): p for p in base.parent.glob(Path(stem).name + ".*")}
    check_shapefile_complete(members, path.name)
    chosen = normalize_encoding(encoding) or _dbf_encoding(members[".dbf"], members.get(".cpg"))
    frame = _read_geo_file(members[".shp"], path.name, encoding=chosen)
    result = ImportResult(frame, path.name, "shapefile", encoding=chosen,
                          detected_encoding=_dbf_encoding(members[".dbf"], members.get(".cpg")))
    if ".prj" not in members:
        result.warnings.append(ImportWarning("no_prj"))
    if "KEY_CODE" in frame.columns:
        result.warnings.append(ImportWarning("estat_boundary"))
    return result


def _read_geo_file(path: Path, shown_name: str, encoding: str | None = None, layer: str | None = None):
    try:
        kwargs = {"engine": "pyogrio"}
        if encoding:
            kwargs["encoding"] = encoding
        if layer:
            kwargs["layer"] = layer
        frame = gpd.read_file(path, **kwargs)
    except pyogrio.errors.DataSourceError as exc:
        # GDAL's own size limit for one GeoJSON feature: a valid file, too large, not a broken one.
        key = "geo_feature_too_large" if "too complex/large" in str(exc) else "bad_geo"
        raise DataImportError(key, name=shown_name) from exc
    except (pyogrio.errors.DataLayerError, ValueError, OSError,
            UnicodeDecodeError) as exc:
        raise DataImportError("bad_geo", name=shown_name) from exc
    if frame.empty:
        raise DataImportError("no_rows", name=shown_name)
    return frame


def geo_layers(path: Path) -> list[str]:
    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except (pyogrio.errors.DataSourceError, OSError) as exc:
        raise DataImportError("bad_geo", name=path.name) from exc


def read_geo_source(path: Path, fmt: str, layer: str | None, progress: Progress) -> ImportResult:
    head = path.open("rb").read(4096)
    if fmt == "geojson":
        if looks_binary(head):
            raise DataImportError("binary", name=path.name)
        try:
            json.loads(path.read_bytes().decode("utf-8-sig"))
        except RecursionError as exc:
            raise DataImportError("too_deep", name=path.name) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataImportError("truncated_file", name=path.name) from exc
        return ImportResult(_read_geo_file(path, path.name), path.name, fmt, encoding="utf-8")
    layers = geo_layers(path)
    chosen = layer if layer is not None else (layers[0] if layers else None)
    if chosen not in layers:
        raise DataImportError("no_sheet", name=path.name, sheet=chosen, sheets="、".join(layers))
    progress(0.3, "read")
    result = ImportResult(_read_geo_file(path, path.name, layer=chosen), path.name, fmt,
                          sheets=layers, sheet=chosen)
    if len(layers) > 1 and layer is None:
        result.warnings.append(ImportWarning("several_layers", {"sheet": chosen, "sheets": "、".join(layers)}))
    return result


def finish_geo(result: ImportResult) -> None:
    """Valid geometries in lon/lat (EPSG:4326) inside Japan (invalid ones repaired and reported), or a refusal."""
    try:
        frame, note = to_lonlat(result.frame)
        frame, result.repairs = repair_geometries(frame)
    except GeoProblem as problem:
        raise DataImportError(problem.key, name=result.source_name, **problem.values) from problem
    if note:
        result.warnings.append(ImportWarning("reprojected", {"crs": note}))
    if result.repairs:
        result.warnings.append(ImportWarning("repaired", {
            "count": len(result.repairs), "rows": "、".join(r.ident for r in result.repairs[:5]),
            "before": sum(r.area_before_m2 for r in result.repairs),
            "after": sum(r.area_after_m2 for r in result.repairs)}))
    result.frame = frame
