"""Backups, snapshots, restore, migration and damage: a course is never lost, and damage is never silent."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from lib import settings
from lib.workspace import backup, recovery, snapshots
from lib.workspace.backend import SaveFailed, SqliteBackend, WorkspaceUnavailable, backend_for
from lib.workspace.items import Workspace, forget_workspace, open_workspace_in

ROOT = Path(__file__).resolve().parents[2]


def _fill(ws: Workspace, notes: int = 3):
    course = ws.create_course({"name": "研修", "municipality": "みどり野市"}, "講師")
    group = ws.create_group(course.course_id, "A班", "ABC-234")
    ws.add_member(group.group_id, "山田", "企画課")
    items = [ws.create_item(group.group_id, "note", {"text": f"メモ{n}"}, "山田") for n in range(notes)]
    ws.update_item(items[0].item_id, {"text": "書き直し"}, 1, "佐藤")
    return group, items


def _same_content(a: Workspace, b: Workspace) -> None:
    assert a.rows() == b.rows()


@pytest.fixture()
def sqlite_dir(tmp_path, monkeypatch):
    """A data folder whose workspace is the default SQLite file; the process cache is cleared after."""
    monkeypatch.setattr(settings, "WORKSPACE_URL", "")
    yield tmp_path
    forget_workspace(tmp_path)


# --- backups (both backends) ---------------------------------------------------------------

def test_backup_restores_into_a_fresh_workspace_of_either_backend(ws, tmp_path):
    _fill(ws)
    out = backup.write_backup(ws, tmp_path / f"b{backup.suffix_for(ws)}")
    for target in (Workspace(SqliteBackend(tmp_path / "other.sqlite3")), ws):
        target.replace_all(backup.read_backup(out))
        _same_content(ws, target)
    # New history rows are numbered after the restored ones (PostgreSQL's sequence is reset).
    group_id = ws.rows()["groups"][0]["group_id"]
    ws.create_item(group_id, "note", {"text": "復元後"}, "山田")
    seqs = [row["seq"] for row in ws.rows()["item_history"]]
    assert len(set(seqs)) == len(seqs) == 5


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(sqlite_dir, tmp_path):
    ws = open_workspace_in(sqlite_dir)
    _fill(ws)
    before = ws.rows()
    for name, content in (("x.sqlite3", b"\x00" * 4096), ("x.json", b'{"format": "other"}'), ("y.sqlite3", None)):
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(backup.BackupError) as caught:
            recovery.restore(sqlite_dir, path)
        assert str(sqlite_dir) not in str(caught.value) and "バックアップ" in str(caught.value)
    assert open_workspace_in(sqlite_dir).rows() == before


# --- snapshots ---------------------------------------------------------------------------

def test_snapshots_are_due_when_a_day_starts_and_after_an_hour_of_activity():
    morning = datetime(2026, 6, 5, 9, 0)
    assert snapshots.is_due(None, morning, 3600)
    assert not snapshots.is_due(morning, morning + timedelta(minutes=59), 3600)
    assert snapshots.is_due(morning, morning + timedelta(minutes=60), 3600)
    assert snapshots.is_due(datetime(2026, 6, 4, 23, 30), datetime(2026, 6, 5, 0, 10), 3600)


def test_first_save_of_the_day_takes_a_snapshot_and_only_the_newest_are_kept(sqlite_dir, monkeypatch):
    ws = open_workspace_in(sqlite_dir)
    assert snapshots.list_snapshots(sqlite_dir) == []  # an empty first start has nothing to keep
    _fill(ws)
    assert len(snapshots.list_snapshots(sqlite_dir)) == 1
    monkeypatch.setattr(settings, "SNAPSHOT_KEEP", 3)
    for _ in range(5):
        snapshots.take_snapshot(ws, sqlite_dir)
    kept = snapshots.list_snapshots(sqlite_dir)
    assert len(kept) == 3 and kept == sorted(kept, key=lambda s: (s.taken_at, s.name), reverse=True)


# --- missing or damaged workspace ---------------------------------------------------------

def _damaged_dir(sqlite_dir: Path, damage) -> tuple[Path, dict]:
    ws = open_workspace_in(sqlite_dir)
    _fill(ws)
    snapshots.take_snapshot(ws, sqlite_dir)  # as the hourly one would
    expected = ws.rows()
    forget_workspace(sqlite_dir)
    damage(sqlite_dir / "workspace.sqlite3")
    return sqlite_dir, expected


def _truncate(path: Path) -> None:
    with open(path, "rb+") as handle:
        handle.truncate(path.stat().st_size // 2)


def _zero(path: Path) -> None:
    path.write_bytes(b"\x00" * path.stat().st_size)


def _overwrite_header(path: Path) -> None:
    with open(path, "rb+") as handle:
        handle.write(b"not a database, just text".ljust(100, b"!"))


@pytest.mark.parametrize("damage", [Path.unlink, _truncate, _zero, _overwrite_header],
                         ids=["deleted", "truncated", "zeroed", "header"])
def test_damage_is_a_japanese_message_and_the_latest_snapshot_restores_everything(sqlite_dir, damage):
    data_dir, expected = _damaged_dir(sqlite_dir, damage)
    with pytest.raises(WorkspaceUnavailable) as caught:
        open_workspace_in(data_dir)
    message = str(caught.value)
    assert "スナップショット" in message and "restore" in message
    assert str(data_dir) not in message and "Error" not in message
    if damage is Path.unlink:  # no fresh, empty course was made in its place
        assert caught.value.reason == "missing" and not (data_dir / "workspace.sqlite3").exists()
    latest = snapshots.list_snapshots(data_dir)[0]
    restored = recovery.restore(data_dir, latest.path)
    assert open_workspace_in(data_dir).rows() == expected
    assert open_workspace_in(data_dir).backend.lost_saves() == []  # a restored workspace is not a silent loss
    if damage is not Path.unlink:  # the damaged file is kept aside, never deleted
        assert restored.set_aside and all(p.name.startswith("workspace.sqlite3.damaged-") for p in restored.set_aside)


def test_restore_keeps_the_current_workspace_as_a_snapshot_first(sqlite_dir):
    ws = open_workspace_in(sqlite_dir)
    group, _ = _fill(ws)
    early = snapshots.take_snapshot(ws, sqlite_dir)
    ws.create_item(group.group_id, "note", {"text": "スナップショットの後"}, "山田")
    latest = ws.rows()
    restored = recovery.restore(sqlite_dir, early.path)
    assert restored.kept_snapshot is not None
    assert backup.read_backup(restored.kept_snapshot.path) == latest  # nothing newly lost


def test_backups_and_restores_carry_the_instructors_own_exercise_themes(sqlite_dir):
    from lib.workspace import exercise_files

    ws = open_workspace_in(sqlite_dir)
    _fill(ws)
    exercise_files.write(sqlite_dir, "own_a.yaml", "id: own_a\ntitle: 前\n")
    early = snapshots.take_snapshot(ws, sqlite_dir)  # SQLite copy
    assert backup.read_exercises(early.path) == {"own_a.yaml": "id: own_a\ntitle: 前\n"}
    exercise_files.write(sqlite_dir, "own_a.yaml", "id: own_a\ntitle: 後\n")
    exercise_files.write(sqlite_dir, "own_b.yaml", "id: own_b\n")
    restored = recovery.restore(sqlite_dir, early.path)
    assert restored.exercises == 1
    assert exercise_files.read_all(sqlite_dir) == {"own_a.yaml": "id: own_a\ntitle: 前\n", "own_b.yaml": "id: own_b\n"}
    # The state before (a JSON snapshot) holds the themes as they were: that restore can be undone too.
    assert backup.read_exercises(restored.kept_snapshot.path) == {"own_a.yaml": "id: own_a\ntitle: 後\n",
                                                                  "own_b.yaml": "id: own_b\n"}
    plain = backup.write_backup(ws, sqlite_dir / "no-themes.sqlite3")  # made without the data folder: none
    assert backup.read_exercises(plain) is None
    recovery.restore(sqlite_dir, plain)
    assert len(exercise_files.read_all(sqlite_dir)) == 2


def test_a_workspace_deleted_while_the_app_runs_stops_saves_instead_of_writing_into_the_void(sqlite_dir):
    ws = open_workspace_in(sqlite_dir)
    group, _ = _fill(ws)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_dir / 'workspace.sqlite3'}{suffix}").unlink(missing_ok=True)
    with pytest.raises(WorkspaceUnavailable):
        ws.create_item(group.group_id, "note", {"text": "消えた後"}, "山田")
    assert not (sqlite_dir / "workspace.sqlite3").exists()


def test_garbage_in_the_wal_loses_no_acknowledged_save(tmp_path):
    """A crash image whose WAL ends in 4 KB of garbage opens, passes the check and holds every save."""
    live = Workspace(SqliteBackend(tmp_path / "live.sqlite3"))
    group, items = _fill(live)
    expected = live.rows()
    image = tmp_path / "image"
    image.mkdir()
    for suffix in ("", "-wal"):  # the writer still has the database open: its saves sit in the WAL
        source = Path(f"{tmp_path / 'live.sqlite3'}{suffix}")
        (image / f"live.sqlite3{suffix}").write_bytes(source.read_bytes())
    assert (image / "live.sqlite3-wal").stat().st_size > 0
    with open(image / "live.sqlite3-wal", "ab") as handle:
        handle.write(os.urandom(4096))
    reopened = Workspace(SqliteBackend(image / "live.sqlite3"), create=False)
    assert reopened.rows() == expected


# --- failed saves ---------------------------------------------------------------------------

def test_a_full_disk_refuses_the_save_in_japanese_changes_nothing_and_saving_again_works(tmp_path):
    ws = Workspace(SqliteBackend(tmp_path / "ws.sqlite3"))
    group, items = _fill(ws)
    before = ws.rows()
    with ws.backend.connection() as con:  # the pooled connection the next save uses
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        con.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL, as on a full disk
    big = {"text": "長い文章" * 50_000}
    with pytest.raises(SaveFailed) as caught:
        ws.update_item(items[1].item_id, big, 1, "山田")
    assert "入力した内容はこの画面に残っています" in str(caught.value)
    assert ws.rows() == before
    with ws.backend.connection() as con:
        con.execute("PRAGMA max_page_count = 1073741823")
    assert ws.update_item(items[1].item_id, big, 1, "山田").version == 2


# --- migration from DuckDB ------------------------------------------------------------------

def _legacy_workspace(path: Path) -> None:
    """A workspace as the DuckDB version wrote it (its schema and types)."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE courses (course_id VARCHAR PRIMARY KEY, payload VARCHAR NOT NULL, "
                "version INTEGER NOT NULL, created_at TIMESTAMP NOT NULL, updated_by VARCHAR, "
                "updated_at TIMESTAMP NOT NULL)")
    con.execute("CREATE TABLE groups (group_id VARCHAR PRIMARY KEY, course_id VARCHAR NOT NULL, "
                "name VARCHAR NOT NULL, join_code VARCHAR NOT NULL, payload VARCHAR NOT NULL, "
                "created_at TIMESTAMP NOT NULL)")
    con.execute("CREATE TABLE members (member_id VARCHAR PRIMARY KEY, group_id VARCHAR NOT NULL, "
                "name VARCHAR NOT NULL, department VARCHAR NOT NULL, joined_at TIMESTAMP NOT NULL)")
    con.execute("CREATE TABLE items (item_id VARCHAR PRIMARY KEY, group_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
                "payload VARCHAR NOT NULL, version INTEGER NOT NULL, deleted BOOLEAN NOT NULL, "
                "created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, updated_by VARCHAR NOT NULL, "
                "updated_at TIMESTAMP NOT NULL)")
    con.execute("CREATE TABLE item_history (seq INTEGER PRIMARY KEY, item_id VARCHAR NOT NULL, "
                "group_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, version INTEGER NOT NULL, action VARCHAR NOT NULL, "
                "actor VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL, before_payload VARCHAR, after_payload VARCHAR)")
    t = "2026-06-05 10:00:00"
    con.execute(f"INSERT INTO courses VALUES ('c1', '{{\"name\": \"旧コース\"}}', 1, TIMESTAMP '{t}', '講師', "
                f"TIMESTAMP '{t}')")
    con.execute(f"INSERT INTO groups VALUES ('g1', 'c1', 'A班', 'ABC-234', '{{}}', TIMESTAMP '{t}')")
    con.execute(f"INSERT INTO members VALUES ('m1', 'g1', '山田', '企画課', TIMESTAMP '{t}')")
    con.execute(f"INSERT INTO items VALUES ('i1', 'g1', 'note', '{{\"text\": \"旧\"}}', 2, TRUE, '山田', "
                f"TIMESTAMP '{t}', '佐藤', TIMESTAMP '{t}')")
    con.execute(f"INSERT INTO item_history VALUES (1, 'i1', 'g1', 'note', 1, 'create', '山田', TIMESTAMP '{t}', "
                f"NULL, '{{\"text\": \"旧\"}}'), (2, 'i1', 'g1', 'note', 2, 'delete', '佐藤', TIMESTAMP '{t}', "
                f"'{{\"text\": \"旧\"}}', NULL)")
    con.close()


def test_an_old_duckdb_workspace_moves_in_on_first_start_and_the_old_file_is_kept(sqlite_dir):
    _legacy_workspace(sqlite_dir / "workspace.duckdb")
    ws = open_workspace_in(sqlite_dir)
    item = ws.items("g1", include_deleted=True)[0]
    assert item.deleted and item.version == 2 and item.created_at == datetime(2026, 6, 5, 10)
    assert ws.courses()[0].payload == {"name": "旧コース"} and ws.members("g1")[0].name == "山田"
    assert ws.restore("i1", 1, 2, "講師").payload == {"text": "旧"}
    assert [c.seq for c in ws.history(item_id="i1")] == [3, 2, 1]
    assert (sqlite_dir / "workspace.duckdb.migrated").exists() and not (sqlite_dir / "workspace.duckdb").exists()


def _cli(data_dir: Path, *args, url: str = ""):
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir), "WORKBENCH_WORKSPACE_URL": url}
    return subprocess.run([sys.executable, "-m", "lib.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          timeout=300)


def test_cli_migrate_backup_and_restore(tmp_path):
    _legacy_workspace(tmp_path / "workspace.duckdb")
    migrated = _cli(tmp_path, "migrate-workspace")
    assert migrated.returncode == 0, migrated.stderr.decode()
    assert "項目 1 件" in migrated.stdout.decode()
    again = _cli(tmp_path, "migrate-workspace")
    assert again.returncode == 2 and "移行するものはありません" in again.stderr.decode()
    out = tmp_path / "copy.sqlite3"
    made = _cli(tmp_path, "backup", "--out", str(out))
    assert made.returncode == 0 and out.exists(), made.stderr.decode()
    con = sqlite3.connect(tmp_path / "workspace.sqlite3")
    con.execute("DELETE FROM item_history")
    con.commit()
    con.close()
    restored = _cli(tmp_path, "restore", str(out))
    assert restored.returncode == 0, restored.stderr.decode()
    assert "履歴 2 件" in restored.stdout.decode()
    bad = _cli(tmp_path, "restore", str(tmp_path / "none.sqlite3"))
    assert bad.returncode == 2 and "見つかりません" in bad.stderr.decode() and "Traceback" not in bad.stderr.decode()


def test_a_bad_workspace_url_is_a_japanese_sentence(tmp_path):
    with pytest.raises(ValueError, match="WORKBENCH_WORKSPACE_URL"):
        backend_for(tmp_path, "mysql://x")


def test_a_read_only_data_folder_is_named_as_such_not_as_damage(sqlite_dir, tmp_path):
    """A read-only bind mount of the data folder (tests run as root, where chmod does not stop writes)."""
    ws = open_workspace_in(sqlite_dir)
    _fill(ws)
    snapshots.take_snapshot(ws, sqlite_dir)
    forget_workspace(sqlite_dir)
    read_only = tmp_path.parent / f"{tmp_path.name}-ro"
    read_only.mkdir()
    if subprocess.run(["mount", "--bind", "-o", "ro", str(sqlite_dir), str(read_only)], capture_output=True).returncode:
        pytest.skip("a read-only bind mount needs the right to mount")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(read_only)], check=True)
        with pytest.raises(WorkspaceUnavailable) as caught:
            open_workspace_in(read_only)
        assert caught.value.reason == "read_only"
        assert "読み取り専用" in str(caught.value) and "管理者" in str(caught.value)
        assert str(read_only) not in str(caught.value)
        # Restoring, as a damaged workspace would be, is refused with the same sentence (no OSError).
        with pytest.raises(WorkspaceUnavailable) as caught:
            recovery.restore(read_only, snapshots.list_snapshots(read_only)[0].path)
        assert caught.value.reason == "read_only"
    finally:
        forget_workspace(read_only)
        subprocess.run(["umount", "--lazy", str(read_only)], check=True)  # lazy: a closed handle may linger
