"""Where the workspace is stored: SQLite (the embedded default) or PostgreSQL (several servers).

`WORKBENCH_WORKSPACE_URL` chooses: empty means `workspace.sqlite3` in the data folder,
`sqlite:///PATH` another SQLite file, `postgresql://...` a PostgreSQL database (a
`search_path` in the URL's `options` gives each test or course server a schema of its own).

Both backends take the same SQL (`?` parameters, TEXT / INTEGER columns, ISO timestamps
as text) and hand out pooled connections in autocommit mode: the workspace opens its own
transactions. A database error during a save becomes `SaveFailed` (a Japanese sentence;
the details go to the server log), and a missing or damaged database `WorkspaceUnavailable`,
so that no user ever sees a driver's English message or a server path.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
import threading
from abc import ABC, abstractmethod
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from lib import settings
from lib.errors import WorkbenchError
from lib.workspace import save_counter

log = logging.getLogger(__name__)

SQLITE_FILE = "workspace.sqlite3"
BUSY_TIMEOUT_S = 15
POOL_SIZE = 8  # idle connections kept per process
TABLES = ("courses", "groups", "members", "items", "item_history")  # parents before children

# Plain SQL both databases run; `{seq}` is the auto-numbered history key of each.
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS courses (
        course_id TEXT PRIMARY KEY, payload TEXT NOT NULL, version INTEGER NOT NULL,
        created_at TEXT NOT NULL, updated_by TEXT, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS groups (
        group_id TEXT PRIMARY KEY, course_id TEXT NOT NULL REFERENCES courses (course_id),
        name TEXT NOT NULL, join_code TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,
        UNIQUE (course_id, name))""",
    """CREATE TABLE IF NOT EXISTS members (
        member_id TEXT PRIMARY KEY, group_id TEXT NOT NULL REFERENCES groups (group_id),
        name TEXT NOT NULL, department TEXT NOT NULL, joined_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS items (
        item_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, kind TEXT NOT NULL,
        payload TEXT NOT NULL, version INTEGER NOT NULL, deleted INTEGER NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL,
        updated_by TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS item_history (
        seq {seq}, item_id TEXT NOT NULL, group_id TEXT NOT NULL,
        kind TEXT NOT NULL, version INTEGER NOT NULL, action TEXT NOT NULL,
        actor TEXT NOT NULL, changed_at TEXT NOT NULL,
        before_payload TEXT, after_payload TEXT)""",
    # lib.workspace.sign_ins: only a token's hash. Not in TABLES: backups leave it out, so a restore never
    # brings back a sign-in revoked since; no foreign key, so a restore can replace the members.
    """CREATE TABLE IF NOT EXISTS sign_ins (
        token_hash TEXT PRIMARY KEY, role TEXT NOT NULL, member_id TEXT, keep INTEGER NOT NULL,
        created_at TEXT NOT NULL, last_used_at TEXT NOT NULL, expires_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS sign_ins_by_member ON sign_ins (member_id)",
    "CREATE INDEX IF NOT EXISTS items_by_group ON items (group_id, kind)",
    "CREATE INDEX IF NOT EXISTS history_by_group ON item_history (group_id, seq)",
    "CREATE INDEX IF NOT EXISTS history_by_item ON item_history (item_id, version)",
)


class WorkspaceError(WorkbenchError):
    """A request the workspace refuses: the message `key` of lib/locale with its values (lib/errors.py)."""


class SaveFailed(WorkspaceError):
    """The database could not take a save (disk full, locked, damaged); nothing was changed."""

    def __init__(self):
        super().__init__("ws.save_failed")


class TextRefused(WorkspaceError):
    """Typed text with a NUL character, which no workspace database stores; nothing was changed."""

    def __init__(self):
        super().__init__("ws.text_refused")


class WorkspaceUnavailable(WorkspaceError):
    """The workspace database is missing or damaged; `reason` is "missing" or "damaged".

    Raised instead of quietly making a new, empty course: the instructor restores a snapshot.
    """

    def __init__(self, reason: str):
        super().__init__(f"ws.unavailable.{reason}")
        self.reason = reason


class Backend(ABC):
    """A database for the workspace: pooled autocommit connections and what differs per engine."""

    seq_column = ""
    lock_row = ""  # appended to a SELECT that reads a row about to be changed
    database_errors: tuple[type[BaseException], ...] = ()

    def __init__(self):
        self._idle: list = []
        self._pool_lock = threading.Lock()

    @abstractmethod
    def _open(self):
        ...

    def _before_checkout(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """A check before a connection is handed out (SQLite: is it still the same file?)."""

    def sql(self, text: str) -> str:
        return text

    @abstractmethod
    def exists(self) -> bool:
        """True when the workspace tables are there (a first start creates them)."""

    @abstractmethod
    def check_integrity(self) -> None:
        """Raise WorkspaceUnavailable("damaged") unless the database reads back whole."""

    def unavailable(self, exc: BaseException) -> WorkspaceUnavailable:
        """What a database error at open or check means for the instructor (SQLite: maybe a read-only folder)."""
        return WorkspaceUnavailable("damaged")

    def probe(self) -> None:
        """Raise WorkspaceUnavailable unless the database still answers now: gone ("missing", SQLite's
        file check on checkout) or unreadable ("damaged"). Cheap enough for a page run (no page scan)."""
        try:
            with self.connection() as con:
                for table in TABLES:
                    con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        except self.database_errors as exc:
            log.error("workspace %s no longer answers: %s", self.describe(), exc)
            raise self.unavailable(exc) from exc

    def begin_write(self, con) -> None:
        con.execute("BEGIN")

    def begin_read(self, con) -> None:
        """A transaction that reads every table as of one moment (for backups)."""
        con.execute("BEGIN")

    def hold_writers(self, run) -> None:  # noqa: B027 - optional hook, a no-op by default
        """In a write transaction: keep every other writer waiting until it ends (SQLite: BEGIN IMMEDIATE
        already holds the one write lock)."""

    def after_copy_in(self, run) -> None:  # noqa: B027 - optional hook, a no-op by default
        """After rows with their own numbers were copied in (a restore), before the commit."""

    def count_save(self, run) -> save_counter.Count | None:
        """In a write transaction, after its changes: count it (SQLite; None where nothing is counted)."""
        return None

    def acknowledge(self, count: save_counter.Count | None) -> None:  # noqa: B027 - optional hook, a no-op by default
        """After the commit of a counted save, before the user is told: keep its count beside the database."""

    def check_saves(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """On open: report acknowledged saves the database no longer holds (SQLite's damaged WAL)."""

    def lost_saves(self) -> list[save_counter.LostSaves]:
        """Acknowledged saves found missing on an open, until the instructor dismisses the report."""
        return []

    def dismiss_lost_saves(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """The instructor has read the lost-saves report."""

    @contextlib.contextmanager
    def connection(self):
        """A pooled connection; one that met a database error is closed instead of reused."""
        self._before_checkout()
        with self._pool_lock:
            con = self._idle.pop() if self._idle else None
        if con is None:
            con = self._open()
        try:
            yield con
        except Exception as exc:
            if isinstance(exc, self.database_errors):
                with contextlib.suppress(Exception):
                    con.close()
            else:  # a refusal (Conflict, WorkspaceError) after its rollback: the connection is fine
                self._give_back(con)
            raise
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            raise
        self._give_back(con)

    def _give_back(self, con) -> None:
        with self._pool_lock:
            if len(self._idle) < POOL_SIZE:
                self._idle.append(con)
                return
        con.close()

    def close(self) -> None:
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for con in idle:
            with contextlib.suppress(Exception):
                con.close()

    def create_schema(self) -> None:
        with self.connection() as con:
            for statement in SCHEMA:
                con.execute(statement.format(seq=self.seq_column))

    @abstractmethod
    def describe(self) -> str:
        """Where the workspace is, for the instructor and the server log (never for members)."""


class SqliteBackend(Backend):
    """One SQLite file in WAL mode, written by several processes at once (app workers, the CLI)."""

    seq_column = "INTEGER PRIMARY KEY"
    database_errors = (sqlite3.Error,)

    def __init__(self, path: Path):
        super().__init__()
        self.path = Path(path)
        self._inode: int | None = None

    def _open(self):
        # mode=rw: a connection never creates the file; only create_schema does (first start).
        con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S,
                              isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")  # an acknowledged save survives a power cut
        con.execute("PRAGMA foreign_keys = ON")
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        return con

    def _before_checkout(self) -> None:
        # A file deleted or replaced under a running app: pooled connections would go on
        # writing into the old, unlinked file, and those saves would vanish on restart.
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            self.close()
            raise WorkspaceUnavailable("missing") from None
        if inode != self._inode:
            self.close()
            self._inode = inode

    def create_schema(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(self.path).close()
        super().create_schema()
        with self.connection() as con:
            con.execute("CREATE TABLE IF NOT EXISTS save_counter ("
                        "id INTEGER PRIMARY KEY CHECK (id = 1), saves INTEGER NOT NULL, last_save_at TEXT)")
            if con.execute("SELECT 1 FROM save_counter").fetchone() is None:
                # A new database (after a restore set a damaged one aside, or from before the counter) starts
                # at the count acknowledged so far: it has lost nothing that was not already known.
                kept = save_counter.acknowledged(self.path)
                con.execute("INSERT OR IGNORE INTO save_counter (id, saves, last_save_at) VALUES (1, ?, ?)",
                            [kept.saves if kept else 0, kept.at if kept else None])

    def count_save(self, run) -> save_counter.Count:
        at = datetime.now().isoformat(timespec="microseconds")
        saves = run("UPDATE save_counter SET saves = saves + 1, last_save_at = ? WHERE id = 1 RETURNING saves",
                    [at]).fetchall()[0][0]
        return save_counter.Count(saves, at)

    def acknowledge(self, count: save_counter.Count | None) -> None:
        if count is not None:
            save_counter.acknowledge(self.path, count)

    def check_saves(self) -> None:
        def database_count() -> save_counter.Count | None:
            with self.connection() as con:
                row = con.execute("SELECT saves, last_save_at FROM save_counter WHERE id = 1").fetchone()
            return save_counter.Count(row[0], row[1]) if row else None

        def rebase(saves: int) -> None:
            with self.connection() as con:
                con.execute("BEGIN IMMEDIATE")
                con.execute("UPDATE save_counter SET saves = ? WHERE id = 1 AND saves < ?", [saves, saves])
                con.execute("COMMIT")
        save_counter.compare(self.path, database_count, rebase)

    def lost_saves(self) -> list[save_counter.LostSaves]:
        return save_counter.reports(self.path)

    def dismiss_lost_saves(self) -> None:
        save_counter.dismiss(self.path)

    def begin_write(self, con) -> None:
        # IMMEDIATE takes the write lock now, so the version read next is the one updated.
        con.execute("BEGIN IMMEDIATE")

    def exists(self) -> bool:
        if not self.path.exists():
            return False
        with self.connection() as con:
            return con.execute("SELECT 1 FROM sqlite_master WHERE name = 'courses'").fetchone() is not None

    def check_integrity(self) -> None:
        try:
            with self.connection() as con:
                problems = [row[0] for row in con.execute("PRAGMA quick_check").fetchall()]
                for table in TABLES:
                    con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        except sqlite3.Error as exc:
            log.error("workspace %s fails its integrity check: %s", self.path, exc)
            raise self.unavailable(exc) from exc
        if problems != ["ok"]:
            log.error("workspace %s fails its integrity check: %s", self.path, problems[:5])
            raise WorkspaceUnavailable("damaged")

    def unavailable(self, exc: BaseException) -> WorkspaceUnavailable:
        # SQLite in WAL mode must write beside the file even to read: a read-only folder is not damage, and
        # restoring cannot help (it would write there too).
        try:
            handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".write-check-")
        except OSError:
            log.error("workspace folder %s cannot be written: %s", self.path.parent, exc)
            return WorkspaceUnavailable("read_only")
        os.close(handle)
        os.unlink(name)
        return WorkspaceUnavailable("damaged")

    def describe(self) -> str:
        return str(self.path)


class PostgresBackend(Backend):
    """A PostgreSQL database shared by several app servers (psycopg 3)."""

    seq_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    lock_row = " FOR UPDATE"

    def __init__(self, url: str):
        super().__init__()
        # Imported only for a PostgreSQL workspace: 0.1 s of every start of the embedded default otherwise.
        import psycopg  # noqa: PLC0415

        self.psycopg = psycopg
        self.database_errors = (psycopg.Error,)
        self.url = url

    def _open(self):
        return self.psycopg.connect(self.url, autocommit=True, connect_timeout=BUSY_TIMEOUT_S)

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def exists(self) -> bool:
        with self.connection() as con:
            return con.execute("SELECT to_regclass('courses') IS NOT NULL").fetchone()[0]

    def check_integrity(self) -> None:
        try:
            with self.connection() as con:
                for table in TABLES:
                    con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        except self.database_errors as exc:
            log.error("workspace database fails its check: %s", exc)
            raise WorkspaceUnavailable("damaged") from exc

    def begin_read(self, con) -> None:
        con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def hold_writers(self, run) -> None:
        # EXCLUSIVE: reads go on; writers of every server wait, then save into the restored workspace.
        run(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")

    def after_copy_in(self, run) -> None:
        # New history rows are numbered after the copied ones.
        run("SELECT setval(pg_get_serial_sequence('item_history', 'seq'), "
            "COALESCE((SELECT MAX(seq) FROM item_history), 0) + 1, false)")

    def describe(self) -> str:
        parsed = urlparse(self.url)
        schema = parse_qs(parsed.query).get("options", [""])[0]
        return f"postgresql://{parsed.hostname or 'localhost'}:{parsed.port or 5432}{parsed.path} {schema}".strip()


def backend_for(data_dir: Path, url: str | None = None) -> Backend:
    """The backend `url` (default: the setting) names, with SQLite files relative to `data_dir`."""
    url = settings.WORKSPACE_URL if url is None else url
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresBackend(url)
    if url.startswith("sqlite:///"):
        return SqliteBackend(Path(url.removeprefix("sqlite:///")))
    if url:
        raise WorkbenchError("ws.bad_url")
    return SqliteBackend(Path(data_dir) / SQLITE_FILE)
