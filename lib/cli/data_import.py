"""`import`: a data file into staging, before anonymization."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from lib.data.import_result import DataImportError
from lib.data.import_worker import read_file_guarded
from lib.data.staging import check_name, store_import, suggest_name
from lib.i18n import t


def import_command(args) -> int:
    """`import PATH [--name NAME] [--encoding ENC] [--dry-run]`: into staging, before anonymization."""
    path = Path(args.path)
    try:
        result = read_file_guarded(path, encoding=args.encoding)
        if args.dry_run:
            print(json.dumps(result.summary("ja"), ensure_ascii=False))
            return 0
        name = check_name(args.name) if args.name else suggest_name(path.name)
        store_import(result, name, imported_by="cli")
    except DataImportError as error:  # a refused file, or the staging database in use (StagingBusy)
        print(error.text("ja"), file=sys.stderr)
        return 2
    print(t("import.cli.stored", "ja", name=name, rows=len(result.frame),
            columns=len(result.summary()["columns"])))
    for warning in result.warnings:
        print(warning.text("ja"))
    return 0
