"""`backup`, `restore`, `migrate-workspace`, `prepare`, `check-workspace`: keeping the workspace and the data ready."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from lib.data.store import get_store
from lib.i18n import t
from lib.workspace import backup, migration, recovery
from lib.workspace.backend import SqliteBackend, WorkspaceError, WorkspaceUnavailable, backend_for
from lib.workspace.items import Workspace, open_workspace
from lib.workspace.startup import open_seeded_workspace, prepare_store


def backup_command(args) -> int:
    """`backup [--out FILE]`: a consistent copy while the app runs (default: backups/ in the data folder)."""
    data_dir = get_store().data_dir
    try:
        ws = open_workspace()
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else (
        data_dir / "backups" / f"workspace-{datetime.now():%Y%m%d-%H%M%S}{backup.suffix_for(ws)}")
    if not args.out:
        out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir() or not out.parent.is_dir():
        print(t("backup.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    try:
        backup.write_backup(ws, out, data_dir)
    except OSError:
        print(t("backup.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    print(t("backup.written", "ja", path=str(out), size=f"{out.stat().st_size:,}"))
    return 0


def restore_command(args) -> int:
    """`restore FILE`: the workspace becomes the backup; what it held before is kept as a snapshot."""
    try:
        restored = recovery.restore(get_store().data_dir, Path(args.file))
    except WorkspaceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(t("backup.restored", "ja", **restored.counts))
    if restored.exercises:
        print(t("backup.restored_exercises", "ja", n=restored.exercises))
    if restored.kept_snapshot is not None:
        print(t("backup.kept_before", "ja", name=restored.kept_snapshot.name))
    if restored.set_aside:
        print(t("backup.set_aside", "ja", names="、".join(p.name for p in restored.set_aside)))
    return 0


def migrate_workspace_command(args) -> int:
    """`migrate-workspace`: the old DuckDB workspace into the configured backend (also done on first start)."""
    data_dir = get_store().data_dir
    if not migration.legacy_path(data_dir).exists():
        print(t("migrate.error.none", "ja"), file=sys.stderr)
        return 2
    try:
        counts = migration.migrate(Workspace(backend_for(data_dir), create=True), data_dir)
    except WorkspaceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(t("migrate.done", "ja", **counts))
    return 0


def prepare_command(args) -> int:
    """`prepare`: what a first start does (published data, workspace, demo course), before several workers start."""
    try:
        ws = open_seeded_workspace(prepare_store())
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    _print_lost_saves(ws)  # the workers start anyway: the workspace is sound, the instructor page says the same
    print(t("prepare.done", "ja"))
    return 0


def _print_lost_saves(ws) -> bool:
    lost = ws.backend.lost_saves()
    for report in lost:
        print(report.text("ja"), file=sys.stderr)
    return bool(lost)


def check_workspace_command(args) -> int:
    """`check-workspace`: opening runs the integrity check and compares the acknowledged save count; a loss
    found now or earlier (not yet dismissed on the instructor page) is printed, exit 2."""
    try:
        ws = open_workspace()
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if _print_lost_saves(ws):
        return 2
    print(t("check.ok", "ja", where=ws.backend.describe()))
    if isinstance(ws.backend, SqliteBackend):
        print(t("check.saves_ok", "ja"))
    return 0
