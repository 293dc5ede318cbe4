"""The spatial extension's signature is checked once per process, and a locked connection loads nothing more."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lib.data import duckdb_lockdown
from lib.data.duckdb_lockdown import SPATIAL_EXTENSION, connect_with_spatial, lock

ROOT = Path(__file__).resolve().parents[2]


def test_the_first_load_in_a_process_checks_the_signature_and_later_ones_trust_it():
    script = (
        "from lib.data.duckdb_lockdown import connect_with_spatial\n"
        "for _ in range(2):\n"
        "    con = connect_with_spatial(':memory:')\n"
        "    print(con.execute(\"SELECT current_setting('allow_unsigned_extensions')\").fetchone()[0])\n"
        "    print(con.execute(\"SELECT ST_AsText(ST_Point(1, 2))\").fetchone()[0])\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:4] == ["False", "POINT (1 2)", "True", "POINT (1 2)"]


def test_a_locked_trusted_connection_loads_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_lockdown, "_signature_checked", True)
    con = lock(connect_with_spatial(":memory:"))
    assert con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0] is True
    planted = tmp_path / "planted.duckdb_extension"
    planted.write_bytes(SPATIAL_EXTENSION.read_bytes()[:4096])  # an unsigned file where a user could write
    with pytest.raises(duckdb.Error, match="disabled through configuration"):
        con.execute(f"LOAD '{planted.as_posix()}'")
    with pytest.raises(duckdb.Error):
        con.execute("SET allow_unsigned_extensions = false")
