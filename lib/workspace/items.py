"""The group workspace: courses, groups, members and the items the groups make.

This is the one module behind which workspace storage lives. Everything a
group writes (worksheets, logic tree, hypotheses, saved charts and maps,
findings, notes, homework, comments, ...) is an *item*: a JSON payload with a
version number. Every change is recorded in `item_history` with who, when,
what and the full payload before and after, so any earlier version can be
restored.

Concurrency is optimistic: an update names the version it was based on; if
another member saved in between, the update is refused with `Conflict`, which
carries both versions, so an edit is never lost silently.

The SQL is plain (VARCHAR / INTEGER / BOOLEAN / TIMESTAMP, `?` parameters, no
DuckDB-only functions), and the connection comes from a factory, so that a
PostgreSQL backend can replace DuckDB behind the same interface.
"""
from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from lib.data.store import get_store

ITEM_KINDS = (
    "worksheet", "logic_tree", "hypothesis", "sketch", "chart", "map", "table", "finding", "policy",
    "logic_model", "note", "homework", "comment", "exercise_answer", "deck",
)
EVIDENCE_KINDS = ("chart", "map", "table")  # what a group saves as evidence, and places in its deck

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS courses (
        course_id VARCHAR PRIMARY KEY, payload VARCHAR NOT NULL, version INTEGER NOT NULL,
        created_at TIMESTAMP NOT NULL, updated_by VARCHAR, updated_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS groups (
        group_id VARCHAR PRIMARY KEY, course_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
        join_code VARCHAR NOT NULL, payload VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS members (
        member_id VARCHAR PRIMARY KEY, group_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
        department VARCHAR NOT NULL, joined_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS items (
        item_id VARCHAR PRIMARY KEY, group_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        payload VARCHAR NOT NULL, version INTEGER NOT NULL, deleted BOOLEAN NOT NULL,
        created_by VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        updated_by VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS item_history (
        seq INTEGER PRIMARY KEY, item_id VARCHAR NOT NULL, group_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL, version INTEGER NOT NULL, action VARCHAR NOT NULL,
        actor VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL,
        before_payload VARCHAR, after_payload VARCHAR)""",
)


class WorkspaceError(ValueError):
    """A request the workspace refuses; the message is a Japanese sentence."""


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


def _now() -> datetime:
    return datetime.now()


_ITEM_COLUMNS = ("item_id, group_id, kind, payload, version, deleted, created_by, created_at, "
                 "updated_by, updated_at")


def _item(row) -> Item:
    return Item(row[0], row[1], row[2], _load(row[3]), row[4], bool(row[5]), row[6], row[7], row[8], row[9])


class Workspace:
    """Workspace storage over a DB-API-like connection factory (a new cursor per call).

    Writes are serialized by a lock and run in a transaction, so the version check,
    the update and the history row succeed or fail together.
    """

    def __init__(self, connect: Callable[[], object]):
        self._connect = connect
        self._write_lock = threading.Lock()
        self._next_seq: int | None = None
        with self._write_lock:
            con = self._connect()
            try:
                for statement in SCHEMA:
                    con.execute(statement)
            finally:
                con.close()

    # plumbing ----------------------------------------------------------------
    def _read(self, sql: str, params=()) -> list[tuple]:
        con = self._connect()
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    def _write(self, work: Callable[[object], object]):
        """Run `work(cursor)` in one transaction under the write lock."""
        with self._write_lock:
            con = self._connect()
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    result = work(con)
                except BaseException:
                    con.execute("ROLLBACK")
                    self._next_seq = None
                    raise
                con.execute("COMMIT")
                return result
            finally:
                con.close()

    def _record(self, con, item_id, group_id, kind, version, action, actor, at, before, after) -> None:
        # Writes are serialized by the lock, so the next number is kept here rather than
        # asked of the table each time; it is read once, and again after a rolled-back write.
        if self._next_seq is None:
            self._next_seq = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM item_history").fetchone()[0]
        seq = self._next_seq
        self._next_seq += 1
        con.execute(
            "INSERT INTO item_history (seq, item_id, group_id, kind, version, action, actor, changed_at, "
            "before_payload, after_payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [seq, item_id, group_id, kind, version, action, actor, at, _dump(before), _dump(after)],
        )

    # courses, groups, members ------------------------------------------------------
    def create_course(self, payload: dict, actor: str) -> Course:
        course_id = uuid.uuid4().hex[:12]
        now = _now()

        def work(con):
            con.execute(
                "INSERT INTO courses (course_id, payload, version, created_at, updated_by, updated_at) "
                "VALUES (?, ?, 1, ?, ?, ?)", [course_id, _dump(payload), now, actor, now])
        self._write(work)
        return self.course(course_id)

    def update_course(self, course_id: str, payload: dict, base_version: int, actor: str) -> Course:
        now = _now()

        def work(con):
            row = con.execute("SELECT version FROM courses WHERE course_id = ?", [course_id]).fetchone()
            if row is None:
                raise WorkspaceError("その研修コースは見つかりません。")
            if row[0] != base_version:
                raise Conflict(course_id, payload, base_version, None)
            con.execute(
                "UPDATE courses SET payload = ?, version = ?, updated_by = ?, updated_at = ? "
                "WHERE course_id = ? AND version = ?",
                [_dump(payload), base_version + 1, actor, now, course_id, base_version])
        self._write(work)
        return self.course(course_id)

    def course(self, course_id: str) -> Course | None:
        rows = self._read("SELECT course_id, payload, version, updated_by, updated_at FROM courses "
                          "WHERE course_id = ?", [course_id])
        return Course(rows[0][0], _load(rows[0][1]), rows[0][2], rows[0][3], rows[0][4]) if rows else None

    def courses(self) -> list[Course]:
        rows = self._read("SELECT course_id, payload, version, updated_by, updated_at FROM courses "
                          "ORDER BY created_at, course_id")
        return [Course(r[0], _load(r[1]), r[2], r[3], r[4]) for r in rows]

    def create_group(self, course_id: str, name: str, join_code: str, payload: dict | None = None) -> Group:
        group_id = uuid.uuid4().hex[:12]

        def work(con):
            if not con.execute("SELECT 1 FROM courses WHERE course_id = ?", [course_id]).fetchall():
                raise WorkspaceError("その研修コースは見つかりません。")
            taken = con.execute("SELECT 1 FROM groups WHERE course_id = ? AND name = ?",
                                [course_id, name]).fetchall()
            if taken:
                raise WorkspaceError(f"グループ名「{name}」はこのコースですでに使われています。別の名前にしてください。")
            con.execute(
                "INSERT INTO groups (group_id, course_id, name, join_code, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [group_id, course_id, name, join_code, _dump(payload or {}), _now()])
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

    def add_member(self, group_id: str, name: str, department: str) -> Member:
        member_id = uuid.uuid4().hex[:12]

        def work(con):
            con.execute(
                "INSERT INTO members (member_id, group_id, name, department, joined_at) VALUES (?, ?, ?, ?, ?)",
                [member_id, group_id, name, department, _now()])
        self._write(work)
        return self.member(member_id)

    def member(self, member_id: str) -> Member | None:
        rows = self._read("SELECT member_id, group_id, name, department, joined_at FROM members "
                          "WHERE member_id = ?", [member_id])
        return Member(*rows[0]) if rows else None

    def members(self, group_id: str) -> list[Member]:
        rows = self._read("SELECT member_id, group_id, name, department, joined_at FROM members "
                          "WHERE group_id = ? ORDER BY joined_at, name", [group_id])
        return [Member(*r) for r in rows]

    # items -------------------------------------------------------------------
    def create_item(self, group_id: str, kind: str, payload: dict, actor: str,
                    item_id: str | None = None) -> Item:
        """A new item; with a fixed `item_id` (one-per-group items), Conflict if it exists."""
        if kind not in ITEM_KINDS:
            raise WorkspaceError(f"項目の種類「{kind}」は使えません。")
        item_id = item_id or uuid.uuid4().hex
        now = _now()

        def work(con):
            existing = con.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id = ?", [item_id]).fetchall()
            if existing:
                raise Conflict(item_id, payload, 0, _item(existing[0]))
            con.execute(
                f"INSERT INTO items ({_ITEM_COLUMNS}) VALUES (?, ?, ?, ?, 1, FALSE, ?, ?, ?, ?)",
                [item_id, group_id, kind, _dump(payload), actor, now, actor, now])
            self._record(con, item_id, group_id, kind, 1, "create", actor, now, None, payload)
        self._write(work)
        return self.item(item_id)

    def _change(self, item_id: str, payload: dict | None, base_version: int, actor: str,
                action: str, deleted: bool) -> Item:
        now = _now()

        def work(con):
            rows = con.execute(f"SELECT {_ITEM_COLUMNS} FROM items WHERE item_id = ?", [item_id]).fetchall()
            if not rows:
                raise WorkspaceError("その項目は見つかりません。画面を更新してください。")
            current = _item(rows[0])
            if current.version != base_version:
                raise Conflict(item_id, payload, base_version, current)
            new_payload = current.payload if payload is None else payload
            con.execute(
                "UPDATE items SET payload = ?, version = ?, deleted = ?, updated_by = ?, updated_at = ? "
                "WHERE item_id = ? AND version = ?",
                [_dump(new_payload), base_version + 1, deleted, actor, now, item_id, base_version])
            self._record(con, item_id, current.group_id, current.kind, base_version + 1, action, actor, now,
                         current.payload, None if deleted else new_payload)
            return Item(item_id, current.group_id, current.kind, new_payload, base_version + 1, deleted,
                        current.created_by, current.created_at, actor, now)
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
            raise WorkspaceError(f"版 {version} は見つかりません。")
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
            sql += " AND deleted = FALSE"
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
        return [Change(*r[:8], _load(r[8]), _load(r[9])) for r in self._read(sql, params)]

    def is_empty(self) -> bool:
        return not self._read("SELECT 1 FROM courses LIMIT 1")


_workspaces: dict[str, Workspace] = {}
_workspaces_lock = threading.Lock()


def open_workspace(store=None) -> Workspace:
    """The process-wide workspace of the store's data folder (schema created on first use)."""
    if store is None:
        store = get_store()
    key = str(store.workspace_path)
    with _workspaces_lock:
        if key not in _workspaces or _workspaces[key]._connect.__self__ is not store:
            _workspaces[key] = Workspace(store.workspace)
        return _workspaces[key]
