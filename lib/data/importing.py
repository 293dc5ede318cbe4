"""Importing an instructor's own data files into the staging database.

Every guard runs before anything is stored, and each refusal is a
DataImportError whose text (Japanese, or English) says what was wrong and what
to do. Reading never stores: `read_file` gives an ImportResult to preview,
`lib.data.staging.store_import` puts it into STAGING (never the published database).
The guards, encodings and per-format readers live in import_guards, text_encoding
and file_readers.

Formats: CSV / TSV (UTF-8, UTF-8 BOM, Shift_JIS / CP932, EUC-JP; detected with
charset-normalizer and overridable), Excel .xlsx (choose a sheet), GeoJSON,
zipped Shapefile (e-Stat 境界データ included: attributes in Shift_JIS),
GeoPackage (choose a layer).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from lib.data.column_types import infer_types
from lib.data.file_readers import finish_geo, read_delimited, read_excel, read_geo_source, read_zipped_shapefile
from lib.data.geo_checks import GeoProblem, check_lonlat_columns
from lib.data.import_guards import check_shape, check_size
from lib.data.import_result import DataImportError, ImportResult, Progress

TEXT_FORMATS = {".csv": "csv", ".tsv": "tsv", ".txt": "csv"}
GEO_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shapefile"}


def _noop(_fraction: float, _message: str) -> None:
    return None


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
            result = read_delimited(path, fmt, encoding, progress)
        elif fmt == "xlsx":
            result = read_excel(path, sheet, progress)
        elif fmt == "shapefile":
            result = read_zipped_shapefile(path, encoding, progress, Path(workdir))
        else:
            result = read_geo_source(path, fmt, sheet, progress)
        check_shape(result.frame.shape[1], result.frame.size, path.name)
        if result.is_geo:
            finish_geo(result)
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
