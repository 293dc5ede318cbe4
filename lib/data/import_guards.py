"""Guards that refuse an import file before or while it is read: size, zip bombs, width, binary content."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from lib.data.import_result import DataImportError

MAX_IMPORT_BYTES = int(float(os.environ.get("WORKBENCH_IMPORT_MAX_MB", "100")) * 1024 * 1024)
# A zip may unpack to at most this much, and no member may compress better than this ratio.
MAX_UNZIPPED_BYTES = int(float(os.environ.get("WORKBENCH_IMPORT_MAX_UNZIPPED_MB", "500")) * 1024 * 1024)
MAX_ZIP_RATIO = 200  # zip bombs reach ~1000; Excel sheets compress up to ~100
# Width and cell count bound the memory and time of parsing (a few thousand columns already take
# a page tens of seconds); the time limit stops a slow reader where reading goes row by row.
MAX_IMPORT_COLUMNS = int(os.environ.get("WORKBENCH_IMPORT_MAX_COLUMNS", "500"))
MAX_IMPORT_CELLS = int(float(os.environ.get("WORKBENCH_IMPORT_MAX_CELLS", "20000000")))
MAX_IMPORT_SECONDS = float(os.environ.get("WORKBENCH_IMPORT_MAX_SECONDS", "60"))


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


def open_zip(path: Path, bad_key: str = "bad_zip") -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataImportError(bad_key, name=path.name) from exc
    check_zip(archive, path.name)
    return archive


def check_shape(columns: int, cells: int, name: str) -> None:
    """Refuse a table too wide or too large to read in reasonable memory and time."""
    if columns > MAX_IMPORT_COLUMNS:
        raise DataImportError("too_many_columns", name=name, columns=columns, limit=MAX_IMPORT_COLUMNS)
    if cells > MAX_IMPORT_CELLS:
        raise DataImportError("too_many_cells", name=name, limit=MAX_IMPORT_CELLS)


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return len(head) > 0 and control / len(head) > 0.05
