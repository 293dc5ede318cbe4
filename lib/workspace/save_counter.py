"""The number of saves acknowledged to users, kept beside the SQLite workspace, and what it tells on open.

SQLite in WAL mode keeps the latest saves in `workspace.sqlite3-wal` until a checkpoint. If that file
is cut short or damaged after an unclean stop, SQLite opens the database without every frame from
the first damaged one on: saves the members were told were stored vanish, and nothing says so.

So every save also counts itself in the database (`save_counter` table, same transaction), and after
its commit, before the member is told, that count is written to `workspace.sqlite3.saves` beside it
(one fixed-size record, overwritten in place and flushed with fdatasync: no size or name change, so
the file system journals nothing; processes take turns with an exclusive flock and the file keeps the
highest count). On open, a database whose count is behind the file lost acknowledged saves: how many
and since when is kept in `workspace.sqlite3.lost-saves.json` for the instructor page and
`python -m lib.cli check-workspace` until the instructor dismisses it, and the database's count is
set to the file's so the next saves count on from there.

PostgreSQL keeps no such counter: it never opens with committed transactions silently cut off.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from lib.i18n import t

try:
    import fcntl
except ImportError:  # Windows: one process on a laptop; nothing to take turns with
    fcntl = None

log = logging.getLogger(__name__)

RECORD_SIZE = 64  # "<count, 20 digits> <ISO time, 26 characters>", padded: one write, well under a sector
_sync = getattr(os, "fdatasync", os.fsync)


@dataclass(frozen=True)
class Count:
    saves: int
    at: str  # ISO time of the save that made this count


@dataclass(frozen=True)
class LostSaves:
    """Acknowledged saves a database no longer holds, found when it was opened."""
    missing: int
    last_kept_at: str | None  # the newest save still in the database (ISO time)
    last_acknowledged_at: str  # the newest save a user was told was stored
    found_at: str

    def text(self, lang: str = "ja") -> str:
        since = _shown(self.last_kept_at) if self.last_kept_at else t("lost_saves.since_start", lang)
        return t("lost_saves.found", lang, missing=self.missing, since=since,
                 until=_shown(self.last_acknowledged_at), found=_shown(self.found_at))


def _shown(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M:%S")


def counter_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".saves")


def report_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lost-saves.json")


@contextlib.contextmanager
def _locked(db_path: Path):
    """The counter file (created if missing), held by this process alone; None when it cannot be opened
    (logged: the counter never keeps a save or an open from happening)."""
    try:
        fd = os.open(counter_path(db_path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        log.exception("save counter beside %s cannot be opened", db_path)
        yield None
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # drops the lock too


def _read(fd: int) -> Count | None:
    os.lseek(fd, 0, os.SEEK_SET)
    record = os.read(fd, RECORD_SIZE).decode("ascii", "replace").split()
    try:
        saves, at = int(record[0]), record[1]
        datetime.fromisoformat(at)
    except (IndexError, ValueError):
        if record:
            log.warning("save counter file unreadable, ignored: %r", record[:2])
        return None
    return Count(saves, at)


def _write(fd: int, count: Count) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{count.saves:020d} {count.at}".ljust(RECORD_SIZE - 1).encode("ascii") + b"\n")
    _sync(fd)


def acknowledged(db_path: Path) -> Count | None:
    """The highest count acknowledged so far (None: no file, or an unreadable one)."""
    if not counter_path(db_path).exists():
        return None
    with _locked(db_path) as fd:
        return None if fd is None else _read(fd)


def acknowledge(db_path: Path, count: Count) -> None:
    """Keep `count` (a save just committed) beside the database, unless a higher one is there already.

    Called after the commit and before the user is told: a failure here is logged, never turned into
    "not saved" (the save is in the database).
    """
    with _locked(db_path) as fd:
        if fd is None:
            return
        kept = _read(fd)
        if kept is None or count.saves > kept.saves:
            try:
                _write(fd, count)
            except OSError:
                log.exception("save counter beside %s not written", db_path)


def compare(db_path: Path, database_count, rebase) -> LostSaves | None:
    """On open: is the database (`database_count()` → Count or None) behind the acknowledged count?

    The file is read first and held while the database is read and, if behind, `rebase(saves)` sets the
    database's count to the acknowledged one: a count read from the database after the file can only be
    behind it when saves were lost (commits come before their acknowledgement). The finding is kept in
    the report file and returned.
    """
    if not counter_path(db_path).exists():
        return None
    with _locked(db_path) as fd:
        if fd is None:
            return None
        kept = _read(fd)
        current = database_count()
        if kept is None or current is None or current.saves >= kept.saves:
            return None
        lost = LostSaves(kept.saves - current.saves, current.at or None, kept.at,
                         datetime.now().isoformat(timespec="microseconds"))
        try:
            _add_report(db_path, lost)
        except OSError:  # not rebased either: found and reported again on the next open
            log.exception("lost-saves report beside %s not written", db_path)
        else:
            rebase(kept.saves)
    log.error("workspace %s lost %d acknowledged saves (WAL damaged?): kept up to %s, acknowledged up to %s",
              db_path, lost.missing, lost.last_kept_at, lost.last_acknowledged_at)
    return lost


def reports(db_path: Path) -> list[LostSaves]:
    """Losses found and not yet dismissed, oldest first."""
    try:
        entries = json.loads(report_path(db_path).read_text(encoding="utf-8"))
        return [LostSaves(**entry) for entry in entries]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError):
        log.exception("lost-saves report beside %s unreadable", db_path)
        return []


def _add_report(db_path: Path, lost: LostSaves) -> None:
    path = report_path(db_path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps([asdict(r) for r in [*reports(db_path), lost]], ensure_ascii=False),
                       encoding="utf-8")
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)


def dismiss(db_path: Path) -> None:
    """The instructor has read the reports: remove them."""
    report_path(db_path).unlink(missing_ok=True)
