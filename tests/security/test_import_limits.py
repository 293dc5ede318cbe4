"""Red team, item 6: an import runs in a worker process with a memory and a time limit over the whole read.

Hostile files are generated here; the limits are scaled down so that each test stays small.
"""
from __future__ import annotations

import math
import zipfile

import numpy as np
import pytest

from lib.data import import_guards
from lib.data.import_result import DataImportError
from lib.data.import_worker import read_file_guarded
from lib.data.importing import read_file
from tests.analysis.test_user_sql import _rss_mb

MEMORY_MB = 1024  # the worker's limit in these tests: its libraries take about 500 MB of address space

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>
</sheetData></worksheet>"""


def _xlsx_with_shared_strings(path, write_strings) -> None:
    """A minimal, valid xlsx whose sharedStrings.xml is written by `write_strings(stream)`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                           ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", _SHEET)):
            book.writestr(name, text)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(b'<?xml version="1.0" encoding="UTF-8"?>'
                         b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            write_strings(stream)
            stream.write(b"</sst>")


def _one_huge_string(megabytes: int):
    def write(stream):
        rng = np.random.default_rng(1)  # random letters: compresses about 2:1, no zip bomb
        stream.write(b"<si><t>")
        for _ in range(megabytes):
            stream.write((rng.integers(0, 16, 1 << 20, dtype=np.uint8) + ord("a")).tobytes())
        stream.write(b"</t></si>")
    return write


def _many_strings(count: int):
    def write(stream):
        for start in range(0, count, 100_000):
            stream.write("".join(f"<si><t>{i}</t></si>" for i in range(start, min(start + 100_000, count))).encode())
    return write


@pytest.fixture()
def roomy_guards(monkeypatch):
    """Size guards wide enough for the hostile files (they are not what these tests are about)."""
    monkeypatch.setattr(import_guards, "MAX_IMPORT_BYTES", 1 << 30)
    monkeypatch.setattr(import_guards, "MAX_UNZIPPED_BYTES", 4 << 30)


def test_one_huge_shared_string_is_too_large_and_the_server_does_not_grow(tmp_path, roomy_guards):
    path = tmp_path / "huge_string.xlsx"
    _xlsx_with_shared_strings(path, _one_huge_string(400))
    before = _rss_mb()
    with pytest.raises(DataImportError) as refused:
        read_file_guarded(path, memory_mb=MEMORY_MB, time_limit_s=120)
    assert refused.value.key == "out_of_memory"
    assert "大きすぎ" in refused.value.text("ja") and "壊れ" not in refused.value.text("ja").split("（")[0]
    assert _rss_mb() - before < 100


def test_millions_of_shared_strings_are_stopped_at_the_time_limit(tmp_path, roomy_guards):
    path = tmp_path / "many_strings.xlsx"
    _xlsx_with_shared_strings(path, _many_strings(3_000_000))
    with pytest.raises(DataImportError) as refused:
        read_file_guarded(path, memory_mb=4096, time_limit_s=1)
    assert refused.value.key == "too_slow" and "秒" in refused.value.text("ja")


def _ring_geojson(path, points: int) -> None:
    ring = [f"[{139.3 + 0.1 * math.cos(2 * math.pi * i / points):.6f},"
            f"{35.4 + 0.1 * math.sin(2 * math.pi * i / points):.6f}]" for i in range(points)]
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},'
                    '"geometry":{"type":"Polygon","coordinates":[[' + ",".join([*ring, ring[0]]) + "]]}}]}")


def test_a_valid_geojson_with_one_feature_over_gdals_limit_is_called_too_large_not_broken(tmp_path, monkeypatch):
    path = tmp_path / "big_feature.geojson"
    _ring_geojson(path, 100_000)  # 2.3 MB in one feature; GDAL's limit scaled down to 1 MB
    monkeypatch.setenv("OGR_GEOJSON_MAX_OBJ_SIZE", "1")
    with pytest.raises(DataImportError) as refused:
        read_file(path)
    assert refused.value.key == "geo_feature_too_large" and "壊れ" not in refused.value.text("ja").split("（")[0]


def test_the_worker_reads_a_valid_file_and_gives_its_progress(tmp_path):
    path = tmp_path / "ring.geojson"
    _ring_geojson(path, 2_000)
    steps = []
    result = read_file_guarded(path, progress=lambda fraction, _step: steps.append(fraction))
    assert result.is_geo and len(result.frame) == 1 and steps and steps[-1] == 1.0
