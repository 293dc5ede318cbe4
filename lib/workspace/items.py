"""The group workspace: courses, groups, members and the items the groups make.

This is the one module behind which workspace storage lives. Everything a
group writes (worksheets, logic tree, hypotheses, saved charts and maps,
findings, notes, homework, comments, ...) is an *item*: a JSON payload with a
version number. Every change is recorded in `item_history` with who, when,
what and the full payload before and after, so any earlier version can be
restored.

Concurrency is optimistic: an update names the version it was based on; if
another member saved in between, the update is refused with `Conflict`, which
carries both versions, so an edit is never lost silently. The version check and
the write happen in one transaction that holds the row (SQLite: the write lock;
PostgreSQL: the row lock), so this holds across processes and servers too.

The database is a `Backend` (lib.workspace.backend): SQLite by default, PostgreSQL
for several servers.

Over 400 lines on purpose: the one class every page writes through, each method beside its
SQL; the storage itself (connections, backups, snapshots, recovery) lives in sibling modules.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from lib.data.store import get_store
from lib.workspace import migration, snapshots
from lib.workspace.backend import (
    TABLES,
    Backend,
    SaveFailed,
    TextRefused,
    WorkspaceError,
    WorkspaceUnavailable,
    backend_for,
)

log = logging.getLogger(__name__)

ITEM_KINDS = (
    "worksheet", "logic_tree", "hypothesis", "sketch", "chart", "map", "table", "analysis", "finding", "policy",
    "logic_model", "note", "homework", "comment", "exercise_answer", "deck",
)
EVIDENCE_KINDS = ("chart", "map", "table", "analysis")  # what a group saves as evidence, and places in its deck

@dataclass(frozen=True)
class Item:
    item_id: str
    group_id: str
    kind: str
    payload: dict
    version: int
    deleted: bool
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class Change:
    """One row of the history: who did what to which item, and when."""
    seq: int
    item_id: str
    group_id: str
    kind: str
    version: int
    action: str  # create / update / delete / restore
    actor: str
    at: datetime
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class Course:
    course_id: str
    payload: dict
    version: int
    updated_by: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Group:
    group_id: str
    course_id: str
    name: str
    join_code: str
    payload: dict


@dataclass(frozen=True)
class Member:
    member_id: str
    group_id: str
    name: str
    department: str
    joined_at: datetime


class Conflict(Exception):
    """Another member saved the item after the version this edit was based on.

    `mine` is the payload that was not saved (and `base_version` what it was based
    on); `theirs` is the item as it is stored now. Show both and let the user choose.
    """

    def __init__(self, item_id: str, mine: dict | None, base_version: int, theirs: Item | None):
        super().__init__(
            f"ほかのメンバーが先に保存しました（あなたの編集は版 {base_version} に基づいています）。"
        )
        self.item_id = item_id
        self.mine = mine
        self.base_version = base_version
        self.theirs = theirs


def _dump(payload: dict | None) -> str | None:
    return None if payload is None else json.dumps(payload, ensure_ascii=False, sort_keys=True)


def _load(text: str | None) -> dict | None:
    return None if text is None else json.loads(text)


def _now() -> str:
    """Now, as the ISO text both databases store (it sorts as time does)."""
    return datetime.now().isoformat(timespec="microseconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


_ITEM_COLUMNS = ("item_id, group_id, kind, payload, version, deleted, created_by, created_at, "
                 "updated_by, updated_at")


def _item(row) -> Item:
    return Item(row[0], row[1], row[2], _load(row[3]), row[4], bool(row[5]), row[6], _time(row[7]), row[8],
                _time(row[9]))


def _course(row) -> Course:
    return Course(row[0], _load(row[1]), row[2], row[3], _time(row[4]))


def _member(row) -> Member:
    return Member(*row[:4], _time(row[4]))


class Workspace:
    """Workspace storage in a Backend's database.

    Each write runs in one transaction: the version check, the change and its history
    row succeed or fail together. A database that cannot take the write (disk full,
    locked too long, damaged) raises SaveFailed and changes nothing.
    """

    def __init__(self, backend: Backend, create: bool = True):
        """Open the workspace; a new database gets the tables only if `create` (else WorkspaceUnavailable)."""
        self.backend = backend
        self._write_lock = threading.Lock()  # one writer per process: waits here, not in the database
        self.after_write: Callable[[Workspace], None] | None = None
        try:
            if backend.exists():
                backend.check_integrity()
            elif not create:
                raise WorkspaceUnavailable("missing")
            backend.create_schema()
            backend.check_saves()
        except backend.database_errors as exc:
            log.exception("workspace database %s cannot be opened", backend.describe())
            raise backend.unavailable(exc) from exc

    # plumbing ----------------------------------------------------------------
    def _read(self, sql: str, params=()) -> list[tuple]:
        try:
            with self.backend.connection() as con:
                return con.execute(self.backend.sql(sql), list(params)).fetchall()
        except self.backend.database_errors as exc:
            log.exception("workspace read failed in %s", self.backend.describe())
            raise WorkspaceUnavailable("damaged") from exc

    def _transaction(self, work: Callable[[Callable], object], write: bool):
        """Run `work(run)` in one transaction; `run(sql, params)` executes a statement.

        A database error becomes SaveFailed (the details go to the server log).
        """
        backend = self.backend
        with backend.connection() as con:
            (backend.begin_write if write else backend.begin_read)(con)
            try:
                result = work(lambda sql, params=(): con.execute(backend.sql(sql), list(params)))
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        return result

    def _write(self, work: Callable[[Callable], object]):
        """Run `work(run)` in one write transaction, then the after-write hook (snapshots)."""
        def refusing_nul(run):
            # PostgreSQL refuses NUL in text; it is a typing accident, not a full disk: say so.
            def checked(sql, params=()):
                if any(isinstance(value, str) and "\x00" in value for value in params):
                    raise TextRefused()
                return run(sql, params)
            return work(checked), self.backend.count_save(run)

        with self._write_lock:
            try:
                result, count = self._transaction(refusing_nul, write=True)
            except self.backend.database_errors as exc:
                log.exception("workspace save failed in %s", self.backend.describe())
                raise SaveFailed() from exc
            self.backend.acknowledge(count)  # before the caller tells anyone it is saved
        if self.after_write is not None:
            self.after_write(self)
        return result

    # Sibling modules with a table of their own (lib.workspace.sign_ins) read and write the same way.
    read = _read
    write = _write

    @staticmethod
    def _record(run, item_id, group_id, kind, version, action, actor, at, before, after) -> None:
        run("INSERT INTO item_history (item_id, group_id, kind, version, action, actor, changed_at, "
            "before_payload, after_payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [item_id, group_id, kind, version, action, actor, at, _dump(before), _dump(after)])

    # courses, groups, members ------------------------------------------------------
    def create_course(self, payload: dict, actor: str) -> Course:
        course_id = uuid.uuid4().hex[:12]
        now = _now()
        self._write(lambda run: run(
            "INSERT INTO courses (course_id, payload, version, created_at, updated_by, updated_at) "
            "VALUES (?, ?, 1, ?, ?, ?)", [course_id, _dump(payload), now, actor, now]))
        return self.course(course_id)

    def update_course(self, course_id: str, payload: dict, base_version: int, actor: str) -> Course:
        now = _now()

        def work(run):
            row = run("SELECT version FROM courses WHERE course_id = ?" + self.backend.lock_row,
                      [course_id]).fetchone()
            if row is None:
                raise WorkspaceError("ws.error.no_course")
            if row[0] != base_version:
                raise Conflict(course_id, payload, base_version, None)
            run("UPDATE courses SET payload = ?, version = ?, updated_by = ?, updated_at = ? "
                "WHERE course_id = ? AND version = ?",
                [_dump(payload), base_version + 1, actor, now, course_id, base_version])
        self._write(work)
        return self.course(course_id)

    def course(self, course_id: str) -> Course | None:
        rows = self._read("SELECT course_id, payload, version, updated_by, updated_at FROM courses "
                          "WHERE course_id = ?", [course_id])
        return _course(rows[0]) if rows else None

    def courses(self) -> list[Course]:
        rows = self._read("SELECT course_id, payload, version, updated_by, updated_at FROM courses "
                          "ORDER BY created_at, course_id")
        return [_course(r) for r in rows]

    def create_group(self, course_id: str, name: str, join_code: str, payload: dict | None = None) -> Group:
        group_id = uuid.uuid4().hex[:12]

        def work(run):
            if not run("SELECT 1 FROM courses WHERE course_id = ?", [course_id]).fetchall():
                raise WorkspaceError("ws.error.no_course")
            if run("SELECT 1 FROM groups WHERE course_id = ? AND name = ?", [course_id, name]).fetchall():
                raise WorkspaceError("ws.error.group_taken", name=name)
            run("INSERT INTO groups (group_id, course_id, name, join_code, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", [group_id, course_id, name, join_code, _dump(payload or {}), _now()])
        self._write(work)
        return self.group(group_id)

    def group(self, group_id: str) -> Group | None:
        rows = self._read("SELECT group_id, course_id, name, join_code, payload FROM groups "
                          "WHERE group_id = ?", [group_id])
        return Group(*rows[0][:4], _load(rows[0][4])) if rows else None

    def groups(self, course_id: str) -> list[Group]:
        rows = self._read("SELECT group_id, course_id, name, join_code, payload FROM groups "
                          "WHERE course_id = ? ORDER BY created_at, name", [course_id])
        return [Group(*r[:4], _load(r[4])) for r in rows]

    def update_group_payload(self, group_id: str, payload: dict) -> Group:
        """Replace a group's payload (settings such as its shared PC; last write wins)."""
        self._write(lambda run: run("UPDATE groups SET payload = ? WHERE group_id = ?",
                                    [_dump(payload), group_id]))
        return self.group(group_id)

    def add_member(self, group_id: str, name: str, department: str) -> Member:
        member_id = uuid.uuid4().hex[:12]
        self._write(lambda run: run(
            "INSERT INTO members (member_id, group_id, name, department, joined_at) VALUES (?, ?, ?, ?, ?)",
            [member_id, group_id, name, department, _now()]))
        return self.member(member_id)

    def member(self, member_id: str) -> Member | None:
        rows = self._read("SELECT member_id, group_id, name, department, joined_at FROM members "
                          "WHERE member_id = ?", [member_id])
        return _member(rows[0]) if rows else None

    def members(self, group_id: str) -> list[Member]:
        rows = self._read("SELECT member_id, group_id, name, department, joined_at FROM members "
                          "WHERE group_id = ? ORDER BY joined_at, name", [group_id])
        return [_member(r) for r in rows]

    # items -------------------------------------------------------------------
    def create_item(self, group_id: str, kind: str, payload: dict, actor: str,
                    item_id: str | None = None) -> Item:
        """A new item; with a fixed `item_id` (one-per-group items), Conflict if it exists."""
        if kind not in ITEM_KINDS:
            raise WorkspaceError("ws.error.bad_kind", kind=kind)
        item_id = item_id or uuid.uuid4().hex
        now = _now()

        def work(run):
            inserted = run(
                f"INSERT INTO items ({_ITEM_COLUMNS}) VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?) "
                "ON CONFLICT (item_id) DO NOTHING",
                [item_id, group_id, kind, _dump(payload), actor, now, actor, now]).rowcount
            if not inserted:
                existing = run(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id = ?", [item_id]).fetchone()
                raise Conflict(item_id, payload, 0, _item(existing))
            self._record(run, item_id, group_id, kind, 1, "create", actor, now, None, payload)
        self._write(work)
        return self.item(item_id)

    def _change(self, item_id: str, payload: dict | None, base_version: int, actor: str,
                action: str, deleted: bool) -> Item:
        now = _now()

        def work(run):
            row = run(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id = ?" + self.backend.lock_row,
                      [item_id]).fetchone()
            if row is None:
                raise WorkspaceError("ws.error.no_item")
            current = _item(row)
            if current.version != base_version:
                raise Conflict(item_id, payload, base_version, current)
            new_payload = current.payload if payload is None else payload
            run("UPDATE items SET payload = ?, version = ?, deleted = ?, updated_by = ?, updated_at = ? "
                "WHERE item_id = ? AND version = ?",
                [_dump(new_payload), base_version + 1, int(deleted), actor, now, item_id, base_version])
            self._record(run, item_id, current.group_id, current.kind, base_version + 1, action, actor, now,
                         current.payload, None if deleted else new_payload)
            return Item(item_id, current.group_id, current.kind, new_payload, base_version + 1, deleted,
                        current.created_by, current.created_at, actor, _time(now))
        return self._write(work)

    def update_item(self, item_id: str, payload: dict, base_version: int, actor: str) -> Item:
        """Store `payload` if the item is still at `base_version`; else raise Conflict."""
        return self._change(item_id, payload, base_version, actor, "update", False)

    def delete_item(self, item_id: str, base_version: int, actor: str) -> Item:
        """Mark the item deleted (its history stays; it can be restored)."""
        return self._change(item_id, None, base_version, actor, "delete", True)

    def restore(self, item_id: str, version: int, base_version: int, actor: str) -> Item:
        """Make the payload of an earlier `version` the current one (a new version)."""
        rows = self._read(
            "SELECT after_payload, before_payload, action FROM item_history WHERE item_id = ? AND version = ?",
            [item_id, version])
        if not rows:
            raise WorkspaceError("ws.error.no_version", version=version)
        after, before, action = rows[0]
        payload = _load(after if action != "delete" else before)
        return self._change(item_id, payload, base_version, actor, "restore", False)

    def item(self, item_id: str) -> Item | None:
        rows = self._read(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id = ?", [item_id])
        return _item(rows[0]) if rows else None

    def items(self, group_id: str, kind: str | None = None, include_deleted: bool = False) -> list[Item]:
        sql = f"SELECT {_ITEM_COLUMNS} FROM items WHERE group_id = ?"
        params: list = [group_id]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        if not include_deleted:
            sql += " AND deleted = 0"
        rows = self._read(sql + " ORDER BY created_at, item_id", params)
        return [_item(r) for r in rows]

    def evidence(self, group_id: str) -> list[Item]:
        """The group's saved charts and maps together, oldest first (by creation, then id)."""
        saved = [item for kind in EVIDENCE_KINDS for item in self.items(group_id, kind)]
        return sorted(saved, key=lambda item: (item.created_at, item.item_id))

    def history(self, group_id: str | None = None, item_id: str | None = None,
                limit: int | None = None, after_seq: int | None = None) -> list[Change]:
        """Changes, newest first, of one group or one item (only those after `after_seq`, if given)."""
        sql = ("SELECT seq, item_id, group_id, kind, version, action, actor, changed_at, before_payload, "
               "after_payload FROM item_history WHERE 1 = 1")
        params: list = []
        if after_seq is not None:
            sql += " AND seq > ?"
            params.append(after_seq)
        if group_id is not None:
            sql += " AND group_id = ?"
            params.append(group_id)
        if item_id is not None:
            sql += " AND item_id = ?"
            params.append(item_id)
        sql += " ORDER BY seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [Change(*r[:7], _time(r[7]), _load(r[8]), _load(r[9])) for r in self._read(sql, params)]

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM courses LIMIT 1")

    # the whole workspace, for backups ------------------------------------------------
    def rows(self) -> dict[str, list[dict]]:
        """Every row of every table (one consistent read), as plain values."""
        tables: dict[str, list[dict]] = {}

        def work(run):
            for table in TABLES:
                cursor = run(f"SELECT * FROM {table} ORDER BY 1")
                names = [d[0] for d in cursor.description]
                tables[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        try:
            self._transaction(work, write=False)
        except self.backend.database_errors as exc:
            log.exception("workspace read failed in %s", self.backend.describe())
            raise WorkspaceUnavailable("damaged") from exc
        return tables

    def replace_all(self, tables: dict[str, list[dict]], keep_current: Callable[[dict], object] | None = None):
        """Make the workspace hold exactly `tables` (from a backup), in one transaction.

        With `keep_current`, the rows as they are are read in the same transaction, with every other
        writer held back (SQLite: the write lock; PostgreSQL: the tables locked), and handed to it before
        they are replaced: a save is in either what it keeps or the restored workspace, never lost between.
        Its result (None for an empty workspace) is returned.
        """
        kept = None

        def work(run):
            nonlocal kept
            if keep_current is not None:
                self.backend.hold_writers(run)
                current = {}
                for table in TABLES:
                    cursor = run(f"SELECT * FROM {table} ORDER BY 1")
                    names = [d[0] for d in cursor.description]
                    current[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
                kept = keep_current(current) if current["courses"] else None
            for table in reversed(TABLES):
                run(f"DELETE FROM {table}")
            for table in TABLES:
                for row in tables.get(table, []):
                    names = list(row)
                    run(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                        [row[n] for n in names])
            self.backend.after_copy_in(run)
        self._write(work)
        return kept


_workspaces: dict[Path, Workspace] = {}
_workspaces_lock = threading.Lock()


def open_workspace_in(data_dir: Path) -> Workspace:
    """The process-wide workspace of a data folder.

    A first start creates it (moving an old DuckDB workspace in, if one is there); a
    workspace that is gone although snapshots show it existed raises
    WorkspaceUnavailable("missing") instead of starting an empty course.
    """
    key = Path(data_dir).resolve()
    with _workspaces_lock:
        if key not in _workspaces:
            first_start = not snapshots.list_snapshots(key) or migration.legacy_path(key).exists()
            ws = Workspace(backend_for(key), create=first_start)
            migration.migrate_if_found(ws, key)
            ws.after_write = snapshots.scheduler(key)
            ws.after_write(ws)  # the first start of a session day keeps a snapshot
            _workspaces[key] = ws
        return _workspaces[key]


def open_workspace(store=None) -> Workspace:
    """The process-wide workspace of the store's data folder (see open_workspace_in)."""
    return open_workspace_in((store or get_store()).data_dir)


def forget_workspace(data_dir: Path) -> None:
    """Close the data folder's workspace so that the next open checks it again (after a restore)."""
    with _workspaces_lock:
        ws = _workspaces.pop(Path(data_dir).resolve(), None)
    if ws is not None:
        ws.backend.close()
