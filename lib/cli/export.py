"""`export`: a group's presentation as PPTX, HTML or PDF."""
from __future__ import annotations

import sys
from pathlib import Path

from lib.data.catalog import load_catalog
from lib.data.store import get_store
from lib.deck.export import export_group, find_group
from lib.deck.model import DeckError
from lib.i18n import t
from lib.workspace.backend import WorkspaceUnavailable
from lib.workspace.startup import open_seeded_workspace


def export_command(args) -> int:
    """`export --group NAME --format pptx|html|pdf --out PATH`."""
    out = Path(args.out)
    if out.is_dir() or not out.parent.exists():
        print(t("deck.error.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    store = get_store()
    try:
        ws = open_seeded_workspace(store)
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        group = find_group(ws, args.group)
    except DeckError as exc:
        print(exc.text("ja"), file=sys.stderr)
        return 2
    data = export_group(ws, store, load_catalog(), group, args.format)
    try:
        out.write_bytes(data)
    except OSError:
        print(t("deck.error.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    print(t("deck.exported", "ja", group=group.name, path=str(out), size=f"{len(data):,}"))
    return 0
