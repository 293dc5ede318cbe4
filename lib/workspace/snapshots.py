"""Automatic snapshots of the workspace in the data folder's `snapshots/`.

One is taken when a session day starts (the first save or start of a day) and one per
hour of activity (`WORKBENCH_SNAPSHOT_EVERY_S`); the newest `WORKBENCH_SNAPSHOT_KEEP`
are kept. Their presence is also what tells a lost workspace from a first start.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from lib import settings
from lib.workspace import backup
from lib.workspace.backend import WorkspaceError

log = logging.getLogger(__name__)

PREFIX = "workspace-"


class SnapshotFailed(WorkspaceError):
    """A snapshot could not be written (a full disk, a folder that cannot be written); `key` says what it
    meant for the action that needed it. The workspace itself was not changed."""

    def __init__(self, key: str = "snap.error.not_taken"):
        super().__init__(key)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    taken_at: datetime
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def snapshot_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "snapshots"


def _taken_at(path: Path) -> datetime | None:
    stamp = path.stem.removeprefix(PREFIX)[:15]  # YYYYmmdd-HHMMSS
    try:
        return datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def list_snapshots(data_dir: Path) -> list[Snapshot]:
    """The snapshots, newest first."""
    found = []
    folder = snapshot_dir(data_dir)
    for path in folder.glob(PREFIX + "*") if folder.is_dir() else []:
        taken = _taken_at(path)
        if taken is not None and path.suffix in (".sqlite3", ".json"):
            try:
                found.append(Snapshot(path, taken, path.stat().st_size))
            except FileNotFoundError:  # pruned by another process meanwhile
                continue
    return sorted(found, key=lambda s: (s.taken_at, s.name), reverse=True)


def take_snapshot(ws, data_dir: Path, keep: int | None = None) -> Snapshot:
    """A snapshot now (its name says when and by which process), then prune to the newest `keep`."""
    return _snapshot(data_dir, backup.suffix_for(ws), lambda path: backup.write_backup(ws, path, data_dir), keep)


def keep_rows(tables: dict[str, list[dict]], data_dir: Path) -> Snapshot:
    """Rows already read (a restore's "before", read in its own transaction) kept as a snapshot; none pruned."""
    return _snapshot(data_dir, ".json", lambda path: backup.write_rows(tables, path, data_dir),
                     len(list_snapshots(data_dir)) + 1)


def _snapshot(data_dir: Path, suffix: str, write: Callable[[Path], object], keep: int | None) -> Snapshot:
    folder = snapshot_dir(data_dir)
    now = datetime.now()
    path = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}-{os.getpid()}-{now:%f}{suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write(path)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a read-only folder: said in words, details logged
        log.error("snapshot %s not written: %s", path, exc)
        if folder.is_dir():
            path.with_name(path.name + ".partial").unlink(missing_ok=True)
        raise SnapshotFailed() from exc
    for old in list_snapshots(data_dir)[settings.SNAPSHOT_KEEP if keep is None else keep:]:
        old.path.unlink(missing_ok=True)
    return Snapshot(path, now.replace(microsecond=0), path.stat().st_size)


def is_due(newest: datetime | None, now: datetime, every_s: float) -> bool:
    """A snapshot is due on a new day and after `every_s` seconds of activity."""
    return newest is None or newest.date() != now.date() or (now - newest).total_seconds() >= every_s


def scheduler(data_dir: Path) -> Callable[[object], None]:
    """What runs after every save: a snapshot when one is due. It never makes a save fail."""
    lock = threading.Lock()
    newest: list[datetime | None] = [None]

    def after_write(ws) -> None:
        now = datetime.now()
        if not lock.acquire(blocking=False):
            return  # another thread of this process is taking one
        try:
            if newest[0] is None or is_due(newest[0], now, settings.SNAPSHOT_EVERY_S):
                # Another worker may have taken one meanwhile: the folder is the truth.
                found = list_snapshots(data_dir)
                newest[0] = found[0].taken_at if found else None
            if is_due(newest[0], now, settings.SNAPSHOT_EVERY_S) and not ws.is_empty():
                newest[0] = take_snapshot(ws, data_dir).taken_at
        except Exception:  # noqa: BLE001 - the save itself succeeded; a failed snapshot is logged
            log.exception("automatic workspace snapshot failed")
        finally:
            lock.release()

    return after_write
