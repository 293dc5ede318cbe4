"""`exercises export` / `exercises import`: the instructor's own exercise themes as one zip, to take to another
server or to next year's course (the instructor page's 演習テーマ tab does the same)."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from lib.data.store import get_store
from lib.i18n import t
from lib.workspace import exercise_bundle
from lib.workspace.exercise_authoring import own_exercises
from lib.workspace.exercises import ExerciseError


def exercises_command(args) -> int:
    """`exercises export [--out FILE]` (default: backups/ in the data folder) or `exercises import FILE`."""
    store = get_store()
    if args.action == "export":
        out = Path(args.out) if args.out else (
            store.data_dir / "backups" / f"exercises-{datetime.now():%Y%m%d-%H%M%S}.zip")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(exercise_bundle.export_bundle())
        except OSError:
            print(t("exed.cli.bad_out", "ja", path=str(out)), file=sys.stderr)
            return 2
        print(t("exed.cli.exported", "ja", path=str(out), n=len(own_exercises())))
        return 0
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError:
        print(t("exed.cli.missing", "ja", path=str(path)), file=sys.stderr)
        return 2
    try:
        done = exercise_bundle.import_bundle(data, path.name, store.published_path)
    except ExerciseError as exc:  # nothing imported
        print("\n".join([t("exed.import_refused", "ja"), *str(exc).splitlines()]), file=sys.stderr)
        return 2
    print(t("exed.imported", "ja", added=len(done.added), replaced=len(done.replaced),
            titles="、".join(done.added + done.replaced)))
    return 0
