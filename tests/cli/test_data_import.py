"""`python -m lib.cli import …`: exit codes, Japanese messages, and the dry-run JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv"


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "lib.cli", "import", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def staged_tables(data_dir: Path) -> set[str]:
    path = data_dir / "staging.duckdb"
    if not path.exists():
        return set()
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def test_dry_run_prints_one_json_object_and_stores_nothing(tmp_path):
    done = run_cli(tmp_path, str(SAMPLE), "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["encoding"] == "cp932"
    assert summary["rows"] == 800
    assert summary["columns"][:3] == ["被保険者番号", "氏名", "フリガナ"]
    assert summary["types"]["被保険者番号"] == "code"
    assert isinstance(summary["warnings"], list)
    assert staged_tables(tmp_path) == set()


def test_dry_run_with_encoding_override(tmp_path):
    done = run_cli(tmp_path, str(SAMPLE), "--dry-run", "--encoding", "cp932")
    assert done.returncode == 0 and json.loads(done.stdout)["encoding"] == "cp932"


def test_import_stores_into_staging_only(tmp_path):
    done = run_cli(tmp_path, str(SAMPLE), "--name", "kaigo_raw")
    assert done.returncode == 0, done.stderr
    assert "kaigo_raw" in done.stdout and "800" in done.stdout
    assert {"kaigo_raw", "_imports"} <= staged_tables(tmp_path)
    con = duckdb.connect(str(tmp_path / "staging.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM kaigo_raw").fetchone()[0] == 800
        assert con.execute("SELECT encoding FROM _imports WHERE name = 'kaigo_raw'").fetchone()[0] == "cp932"
    finally:
        con.close()
    published = tmp_path / "published.duckdb"
    if published.exists():
        con = duckdb.connect(str(published), read_only=True)
        try:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        finally:
            con.close()
        assert "kaigo_raw" not in tables


@pytest.mark.parametrize("content, args, words", [
    (b"", (), "空"),
    ("氏名,年齢\n見本 太郎,81,余分\n".encode("utf-8"), (), "列の数"),
    ("氏名,年齢\n見本 太郎,81\n".encode("cp932"), ("--encoding", "utf-8"), "文字コード"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", (), "バイナリ"),
])
def test_bad_input_exits_2_with_a_japanese_message(tmp_path, content, args, words):
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    done = run_cli(tmp_path, str(path), *args)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert staged_tables(tmp_path) == set()


def test_missing_file_and_bad_name(tmp_path):
    done = run_cli(tmp_path, str(tmp_path / "nothing.csv"))
    assert done.returncode == 2 and "見つかりません" in done.stderr
    done = run_cli(tmp_path, str(SAMPLE), "--name", "Bad Name!")
    assert done.returncode == 2 and "データ名" in done.stderr
    assert staged_tables(tmp_path) <= {"_imports"}


def test_import_while_another_process_holds_the_staging_database_is_a_japanese_sentence(tmp_path, monkeypatch,
                                                                                         capsys):
    """The app keeps the staging database open only while it uses it; an import that meets it in use (another
    worker importing this moment) waits a little, then says so in Japanese: exit 2, nothing stored."""
    from lib.cli import main
    from lib.data import store as store_module
    from tests.pages.test_instructor import HOLD_STAGING

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_STAGING, str(data_dir / "staging.duckdb")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    source = tmp_path / "x.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data_dir))
    monkeypatch.setattr(store_module, "STAGING_WAIT_S", 0.5)
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert main(["import", str(source), "--name", "x"]) == 2
    finally:
        holder.stdin.close()
        holder.wait(30)
    message = capsys.readouterr().err
    assert "ほかのプロセス" in message and "Traceback" not in message and str(data_dir) not in message
    assert staged_tables(data_dir) <= {"_imports"}
