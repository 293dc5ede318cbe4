"""Getting a workspace back: restoring a backup or snapshot.

A restore first reads the whole backup (a bad file changes nothing), sets a damaged SQLite
file aside (renamed, never deleted), then, in ONE transaction that holds every other writer
back, keeps a snapshot of the current workspace (nothing newly lost) and makes the workspace
hold exactly the backup's rows. Saves made meanwhile wait and land in the restored workspace.
The instructor's exercise themes the backup carries are written back too (the folder's other
themes stay; the snapshot of the state before holds them all).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lib.workspace import backup, exercise_files, items, snapshots
from lib.workspace.backend import SqliteBackend, WorkspaceUnavailable, backend_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    counts: dict[str, int]
    kept_snapshot: snapshots.Snapshot | None  # the workspace as it was before the restore
    set_aside: list[Path]  # damaged files, renamed
    exercises: int = 0  # the instructor's exercise themes written back from the backup


def _set_aside(backend: SqliteBackend) -> list[Path]:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    moved = []
    for suffix in ("", "-wal", "-shm"):
        path = backend.path.with_name(backend.path.name + suffix)
        if path.exists():
            target = path.with_name(f"{backend.path.name}.damaged-{stamp}{suffix}")
            path.rename(target)
            moved.append(target)
    return moved


def restore(data_dir: Path, source: Path) -> Restored:
    """Make the workspace of `data_dir` hold what the backup file `source` holds."""
    tables = backup.read_backup(source)
    themes = backup.read_exercises(source) or {}
    items.forget_workspace(data_dir)
    backend = backend_for(data_dir)
    moved = []
    try:
        ws = items.Workspace(backend, create=True)
    except WorkspaceUnavailable as exc:
        if not isinstance(backend, SqliteBackend) or exc.reason == "read_only":  # no damage to set aside
            raise
        backend.close()
        moved = _set_aside(backend)
        ws = items.Workspace(backend, create=True)
    # The snapshot of the state before is read in the restore's own transaction (no save falls between);
    # if it cannot be written, nothing is restored (nothing may be newly lost).
    try:
        kept = ws.replace_all(tables, keep_current=lambda current: snapshots.keep_rows(current, data_dir))
    except snapshots.SnapshotFailed as exc:
        backend.close()
        raise snapshots.SnapshotFailed("snap.error.restore_not_kept") from exc
    backend.close()
    items.forget_workspace(data_dir)
    written = exercise_files.write_all(data_dir, themes)
    log.warning("workspace restored from %s (set aside: %s, exercise themes: %d)", source, moved, len(written))
    return Restored({table: len(rows) for table, rows in tables.items()}, kept, moved, len(written))
