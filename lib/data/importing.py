"""Importing an instructor's own data files into the staging database.

Every guard runs before anything is stored, and each refusal is a
DataImportError whose text (Japanese, or English) says what was wrong and what
to do. Reading never stores: `read_file` gives an ImportResult to preview,
`store_import` puts it into STAGING (never the published database).

Formats: CSV / TSV (UTF-8, UTF-8 BOM, Shift_JIS / CP932, EUC-JP; detected with
charset-normalizer and overridable), Excel .xlsx (choose a sheet), GeoJSON,
zipped Shapefile (e-Stat 境界データ included: attributes in Shift_JIS),
GeoPackage (choose a layer).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import struct
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import charset_normalizer
import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import shapely

from lib import i18n
from lib.data.column_types import apply_types, infer_types
from lib.data.geo_checks import GeoProblem, RepairedShape, check_lonlat_columns, repair_geometries, to_lonlat
from lib.data.store import get_store, quote_identifier, read_geo

MAX_IMPORT_BYTES = int(float(os.environ.get("WORKBENCH_IMPORT_MAX_MB", "100")) * 1024 * 1024)
# A zip may unpack to at most this much, and no member may compress better than this ratio.
MAX_UNZIPPED_BYTES = int(float(os.environ.get("WORKBENCH_IMPORT_MAX_UNZIPPED_MB", "500")) * 1024 * 1024)
MAX_ZIP_RATIO = 200  # zip bombs reach ~1000; Excel sheets compress up to ~100
TEXT_FORMATS = {".csv": "csv", ".tsv": "tsv", ".txt": "csv"}
GEO_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shapefile"}
ENCODINGS = ["utf-8", "utf-8-sig", "cp932", "euc_jp"]
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp932": "Shift_JIS (CP932)",
                   "euc_jp": "EUC-JP"}
METADATA_TABLE = "_imports"
Progress = Callable[[float, str], None]


class DataImportError(ValueError):
    """A file that cannot be imported; `text(lang)` is the sentence shown to the user."""

    def __init__(self, key: str, **values):
        super().__init__(i18n.t(f"import.error.{key}", "ja", **values))
        self.key = key
        self.values = values

    def text(self, lang: str = "ja") -> str:
        return i18n.t(f"import.error.{self.key}", lang, **self.values)


@dataclass
class ImportWarning:
    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str = "ja") -> str:
        return i18n.t(f"import.warning.{self.key}", lang, **self.values)


@dataclass
class ImportResult:
    """A file read and checked, not yet stored."""
    frame: pd.DataFrame
    source_name: str
    format: str
    encoding: str | None = None
    detected_encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    types: dict[str, str] = field(default_factory=dict)
    warnings: list[ImportWarning] = field(default_factory=list)
    repairs: list[RepairedShape] = field(default_factory=list)

    @property
    def is_geo(self) -> bool:
        return isinstance(self.frame, gpd.GeoDataFrame)

    def summary(self, lang: str = "ja") -> dict:
        """What `--dry-run` prints: plain JSON values."""
        columns = [c for c in self.frame.columns if not (self.is_geo and c == self.frame.geometry.name)]
        return {
            "source": self.source_name,
            "format": self.format,
            "encoding": self.encoding,
            "detected_encoding": self.detected_encoding,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "rows": int(len(self.frame)),
            "columns": [str(c) for c in columns],
            "types": {str(c): self.types.get(c, "text") for c in columns},
            "geometry": self.is_geo,
            "warnings": [w.text(lang) for w in self.warnings],
        }


def _noop(_fraction: float, _message: str) -> None:
    return None


# ---------------------------------------------------------------------------- guards
def check_size(path: Path, max_bytes: int | None = None) -> int:
    """Refuse a missing, empty or too large file from its size alone (nothing is read)."""
    limit = MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    if not path.exists() or not path.is_file():
        raise DataImportError("missing", name=path.name)
    size = path.stat().st_size
    if size == 0:
        raise DataImportError("empty", name=path.name)
    if size > limit:
        raise DataImportError("too_large", name=path.name, size_mb=size / 1024 / 1024,
                              limit_mb=limit / 1024 / 1024)
    return size


def check_zip(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip bomb from the central directory, before anything is extracted.

    zipfile never inflates a member past its declared size, so checking the
    declared sizes bounds what extraction (ours, or openpyxl's) can write.
    """
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO:
            raise DataImportError("zip_bomb", name=name, member=info.filename, ratio=ratio)
        if total > MAX_UNZIPPED_BYTES:
            raise DataImportError("zip_too_large", name=name, limit_mb=MAX_UNZIPPED_BYTES / 1024 / 1024)


def _open_zip(path: Path, bad_key: str = "bad_zip") -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataImportError(bad_key, name=path.name) from exc
    check_zip(archive, path.name)
    return archive


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return len(head) > 0 and control / len(head) > 0.05


# ---------------------------------------------------------------------------- encodings
def normalize_encoding(name: str | None) -> str | None:
    if not name:
        return None
    key = name.lower().replace("-", "_").replace(" ", "")
    aliases = {"utf_8": "utf-8", "utf8": "utf-8", "utf_8_sig": "utf-8-sig", "utf8sig": "utf-8-sig",
               "utf_8_bom": "utf-8-sig", "sjis": "cp932", "shift_jis": "cp932", "shiftjis": "cp932",
               "cp932": "cp932", "ms932": "cp932", "windows_31j": "cp932", "euc_jp": "euc_jp",
               "eucjp": "euc_jp", "ascii": "utf-8"}
    return aliases.get(key, key)


def detect_encoding(data: bytes) -> str:
    """The encoding of Japanese text: BOM and strict UTF-8 first, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut inside a multi-byte character is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    sample = data[:1_000_000]  # enough to tell CP932 from EUC-JP; decoding the whole file checks the rest
    best = charset_normalizer.from_bytes(
        sample, cp_isolation=["cp932", "shift_jis", "euc_jp", "utf_8"]).best()
    guess = normalize_encoding(best.encoding) if best else None
    if guess in {"cp932", "euc_jp"}:
        return guess
    for candidate in ("cp932", "euc_jp"):
        try:
            data.decode(candidate)
            return candidate
        except UnicodeDecodeError:
            continue
    return guess or "cp932"


def decode_text(data: bytes, encoding: str | None, name: str) -> tuple[str, str, str]:
    """(text, encoding used, encoding detected); refuse a wrong or mislabelled encoding."""
    detected = detect_encoding(data)
    chosen = normalize_encoding(encoding) or detected
    if chosen == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        chosen = "utf-8-sig"
    has_non_ascii = not data[:1_000_000].isascii()
    if encoding and has_non_ascii and detected.startswith("utf-8") and not chosen.startswith("utf-8"):
        # Valid UTF-8 read as Shift_JIS would "succeed" and give mojibake: refuse it.
        raise DataImportError("mislabelled_encoding", name=name, given=ENCODING_LABELS.get(chosen, chosen),
                              detected=ENCODING_LABELS.get(detected, detected))
    try:
        text = data.decode(chosen)
    except LookupError as exc:
        raise DataImportError("unknown_encoding", encoding=encoding) from exc
    except UnicodeDecodeError as exc:
        if encoding:
            raise DataImportError("mislabelled_encoding", name=name, given=ENCODING_LABELS.get(chosen, chosen),
                                  detected=ENCODING_LABELS.get(detected, detected)) from exc
        raise DataImportError("undecodable", name=name, position=exc.start) from exc
    return text, chosen, detected


# ---------------------------------------------------------------------------- readers
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


def _read_delimited(path: Path, fmt: str, encoding: str | None, progress: Progress) -> ImportResult:
    data = _read_bytes(path, progress)
    if _looks_binary(data[:8192]):
        raise DataImportError("binary", name=path.name)
    text, used, detected = decode_text(data, encoding, path.name)
    progress(0.5, "decode")
    sample = text[:20000]
    delimiter = "\t" if fmt == "tsv" or sample.split("\n", 1)[0].count("\t") > sample.split("\n", 1)[0].count(",") else ","
    if text and not text.endswith(("\n", "\r")) and text.count('"') % 2 == 1:
        raise DataImportError("truncated", name=path.name)
    frame = _parse_delimited(text, delimiter, path.name)
    progress(0.8, "parse")
    result = ImportResult(frame, path.name, fmt, encoding=used, detected_encoding=detected)
    if encoding and normalize_encoding(encoding) != detected and not (
            detected.startswith("utf-8") and used.startswith("utf-8")):
        result.warnings.append(ImportWarning("encoding_override", {"given": ENCODING_LABELS.get(used, used),
                                                                   "detected": ENCODING_LABELS.get(detected, detected)}))
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
    with _open_zip(path, "bad_excel"):
        pass
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DataImportError("bad_excel", name=path.name) from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _read_excel(path: Path, sheet: str | None, progress: Progress) -> ImportResult:
    sheets = excel_sheets(path)
    chosen = sheet if sheet is not None else sheets[0]
    if chosen not in sheets:
        raise DataImportError("no_sheet", name=path.name, sheet=chosen, sheets="、".join(sheets))
    progress(0.3, "read")
    try:
        frame = pd.read_excel(path, sheet_name=chosen, dtype=object, engine="openpyxl")
    except Exception as exc:
        raise DataImportError("bad_excel", name=path.name) from exc
    frame = frame.dropna(how="all").dropna(axis=1, how="all")
    if frame.empty:
        raise DataImportError("no_rows", name=path.name)
    frame.columns = [str(c).strip() for c in frame.columns]
    if any(c.startswith("Unnamed:") for c in frame.columns):
        raise DataImportError("blank_header", name=path.name)
    _check_header(list(frame.columns), path.name)
    frame = frame.map(_excel_cell).astype("string").reset_index(drop=True)
    result = ImportResult(frame, path.name, "xlsx", sheets=sheets, sheet=chosen)
    if len(sheets) > 1 and sheet is None:
        result.warnings.append(ImportWarning("several_sheets", {"sheet": chosen, "sheets": "、".join(sheets)}))
    return result


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


def _read_shapefile_zip(path: Path, encoding: str | None, progress: Progress, workdir: Path) -> ImportResult:
    with _open_zip(path) as archive:
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
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError,
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


def _read_geo(path: Path, fmt: str, layer: str | None, progress: Progress) -> ImportResult:
    head = path.open("rb").read(4096)
    if fmt == "geojson":
        if _looks_binary(head):
            raise DataImportError("binary", name=path.name)
        try:
            json.loads(path.read_bytes().decode("utf-8-sig"))
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


def _finish_geo(result: ImportResult) -> None:
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


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_FORMATS:
        return TEXT_FORMATS[suffix]
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in {".xls", ".xlsm"}:
        raise DataImportError("old_excel", name=path.name)
    if suffix in GEO_FORMATS:
        return GEO_FORMATS[suffix]
    raise DataImportError("unknown_format", name=path.name)


def read_file(path: str | Path, *, encoding: str | None = None, sheet: str | None = None,
              max_bytes: int | None = None, progress: Progress | None = None,
              source_name: str | None = None) -> ImportResult:
    """Read and check one file; store nothing. Raises DataImportError."""
    path = Path(path)
    progress = progress or _noop
    check_size(path, max_bytes)
    fmt = file_format(path)
    if fmt == "xlsx" or fmt == "shapefile":
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                raise DataImportError("bad_zip" if fmt == "shapefile" else "bad_excel", name=path.name)
    with tempfile.TemporaryDirectory(prefix="workbench-import-") as workdir:
        if fmt in {"csv", "tsv"}:
            result = _read_delimited(path, fmt, encoding, progress)
        elif fmt == "xlsx":
            result = _read_excel(path, sheet, progress)
        elif fmt == "shapefile":
            result = _read_shapefile_zip(path, encoding, progress, Path(workdir))
        else:
            result = _read_geo(path, fmt, sheet, progress)
        if result.is_geo:
            _finish_geo(result)
        else:
            try:
                check_lonlat_columns(result.frame)
            except GeoProblem as problem:
                raise DataImportError(problem.key, name=path.name, **problem.values) from problem
    if source_name:
        result.source_name = source_name
    progress(0.9, "types")
    result.types = infer_types(result.frame)
    progress(1.0, "done")
    return result


# ---------------------------------------------------------------------------- staging
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def suggest_name(source_name: str) -> str:
    stem = Path(source_name).stem.lower()
    stem = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")
    if not stem or not stem[0].isalpha():
        stem = "import_" + stem if stem else "import_" + datetime.now().strftime("%Y%m%d_%H%M%S")
    return stem[:60]


def check_name(name: str) -> str:
    if not name or not _NAME.match(name):
        raise DataImportError("bad_name", name=name)
    return name


def _ensure_metadata(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {METADATA_TABLE} (name VARCHAR PRIMARY KEY, source VARCHAR, "
        "format VARCHAR, encoding VARCHAR, sheet VARCHAR, rows BIGINT, columns VARCHAR, types VARCHAR, "
        "geometry BOOLEAN, warnings VARCHAR, imported_at TIMESTAMP, imported_by VARCHAR)"
    )


def store_import(result: ImportResult, name: str, *, types: dict[str, str] | None = None,
                 imported_by: str = "", store=None, replace: bool = True) -> str:
    """Put a checked import into the STAGING database (table `name`) with its metadata."""
    check_name(name)
    store = store or get_store()
    chosen_types = {**result.types, **(types or {})}
    frame = apply_types(result.frame, chosen_types)
    cursor = store.staging()
    try:
        _ensure_metadata(cursor)
        exists = cursor.execute(f"SELECT count(*) FROM {METADATA_TABLE} WHERE name = ?", [name]).fetchone()[0]
        if exists and not replace:
            raise DataImportError("name_taken", name=name)
        plain = pd.DataFrame(frame.drop(columns=frame.geometry.name)) if result.is_geo else frame
        if result.is_geo:
            plain = plain.copy()
            plain["__wkb"] = shapely.to_wkb(frame.geometry.values)
        cursor.register("__import", plain)
        select = "* EXCLUDE (__wkb), ST_GeomFromWKB(__wkb) AS geometry" if result.is_geo else "*"
        cursor.execute("BEGIN TRANSACTION")
        try:
            cursor.execute(f"CREATE OR REPLACE TABLE {quote_identifier(name)} AS SELECT {select} FROM __import")
            cursor.execute(f"DELETE FROM {METADATA_TABLE} WHERE name = ?", [name])
            summary = result.summary()
            cursor.execute(
                f"INSERT INTO {METADATA_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, result.source_name, result.format, result.encoding, result.sheet, len(frame),
                 json.dumps(summary["columns"], ensure_ascii=False),
                 json.dumps(chosen_types, ensure_ascii=False), result.is_geo,
                 json.dumps(summary["warnings"], ensure_ascii=False), datetime.now(), imported_by],
            )
            cursor.execute("COMMIT")
        except Exception:
            cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.unregister("__import")
    finally:
        cursor.close()
    return name


def staged_imports(store=None) -> pd.DataFrame:
    """The imports in staging, newest first."""
    cursor = (store or get_store()).staging()
    try:
        _ensure_metadata(cursor)
        return cursor.execute(f"SELECT * FROM {METADATA_TABLE} ORDER BY imported_at DESC").df()
    finally:
        cursor.close()


def load_staged(name: str, store=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """A staged import as a (Geo)DataFrame, with its column types."""
    check_name(name)
    cursor = (store or get_store()).staging()
    try:
        _ensure_metadata(cursor)
        row = cursor.execute(f"SELECT types, geometry FROM {METADATA_TABLE} WHERE name = ?", [name]).fetchone()
        if row is None:
            raise DataImportError("not_staged", name=name)
        types = json.loads(row[0])
        if row[1]:
            frame = read_geo(cursor, f"SELECT * FROM {quote_identifier(name)}")
        else:
            frame = cursor.execute(f"SELECT * FROM {quote_identifier(name)}").df()
        return frame, types
    finally:
        cursor.close()


def drop_staged(name: str, store=None) -> None:
    check_name(name)
    cursor = (store or get_store()).staging()
    try:
        _ensure_metadata(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {quote_identifier(name)}")
        cursor.execute(f"DELETE FROM {METADATA_TABLE} WHERE name = ?", [name])
    finally:
        cursor.close()
