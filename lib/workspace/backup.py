"""Backup files of the workspace: written while the app runs, read back to restore.

SQLite: SQLite's online backup API copies the live database page by page into one
self-contained file (`.sqlite3`), consistent even while members save. PostgreSQL:
every row of every table as JSON (`.json`), read in one transaction (no pg_dump
needed). Either file restores into either backend. Given the data folder, a backup also
carries the instructor's own exercise themes (lib.workspace.exercise_files): a table of
the copy, or a key of the JSON, so a restore brings them back with the course.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

from lib.workspace.backend import TABLES, SqliteBackend, WorkspaceError
from lib.workspace.exercise_files import read_all as exercise_texts

log = logging.getLogger(__name__)

JSON_FORMAT = "workbench-workspace"
EXERCISES_TABLE = "instructor_exercises"  # in a backup file only, never in the workspace itself


class BackupError(WorkspaceError):
    """A file that is not a readable workspace backup; the message says what to do."""

    def __init__(self, key: str = "backup.error.unreadable"):
        super().__init__(key)


def suffix_for(ws) -> str:
    return ".sqlite3" if isinstance(ws.backend, SqliteBackend) else ".json"


def write_backup(ws, out: Path, data_dir: Path | None = None) -> Path:
    """A consistent copy of the workspace in `out` (written beside it, then moved in place), with the
    instructor's exercise themes of `data_dir` when it is given."""
    if not isinstance(ws.backend, SqliteBackend):
        return write_rows(ws.rows(), out, data_dir)
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    with ws.backend.connection() as source:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            if data_dir is not None:
                with target:
                    target.execute(f"CREATE TABLE {EXERCISES_TABLE} (name TEXT PRIMARY KEY, text TEXT NOT NULL)")
                    target.executemany(f"INSERT INTO {EXERCISES_TABLE} VALUES (?, ?)",
                                       sorted(exercise_texts(data_dir).items()))
            target.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        finally:
            target.close()
    _move_in(partial, out)
    return out


def write_rows(tables: dict[str, list[dict]], out: Path, data_dir: Path | None = None) -> Path:
    """Rows already read (every table) as a JSON backup in `out`, which either backend restores (with the
    instructor's exercise themes of `data_dir` when it is given)."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    content = {"format": JSON_FORMAT, "version": 1, "tables": tables}
    if data_dir is not None:
        content["exercises"] = exercise_texts(data_dir)
    text = json.dumps(content, ensure_ascii=False)
    partial.write_text(text, encoding="utf-8")
    _move_in(partial, out)
    return out


def _move_in(partial: Path, out: Path) -> None:
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, out)


def read_backup(path: Path) -> dict[str, list[dict]]:
    """The tables of a backup file; BackupError if it is missing, damaged or not a backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("backup.error.missing")
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackupError() from exc
        if not isinstance(data, dict) or data.get("format") != JSON_FORMAT or not isinstance(data.get("tables"), dict):
            raise BackupError()
        return {table: data["tables"].get(table, []) for table in TABLES}
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise BackupError()
            tables = {}
            for table in TABLES:
                cursor = con.execute(f"SELECT * FROM {table} ORDER BY 1")
                names = [d[0] for d in cursor.description]
                tables[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return tables
        finally:
            con.close()
    except sqlite3.Error as exc:
        log.warning("backup %s cannot be read: %s", path, exc)
        raise BackupError() from exc


def read_exercises(path: Path) -> dict[str, str] | None:
    """The instructor's exercise themes a backup carries ({file name: YAML text}); None for a backup made
    without them (an older one). Call after read_backup has found the file sound."""
    path = Path(path)
    if path.suffix == ".json":
        found = json.loads(path.read_text(encoding="utf-8")).get("exercises")
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (EXERCISES_TABLE,)).fetchone():
            return None
        return dict(con.execute(f"SELECT name, text FROM {EXERCISES_TABLE}").fetchall())
    except sqlite3.Error as exc:
        log.warning("exercises of backup %s cannot be read: %s", path, exc)
        raise BackupError() from exc
    finally:
        con.close()
