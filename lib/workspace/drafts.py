"""Unsaved editor text, kept per member so that it survives a page change, F5 and a server restart.

A draft is what a member typed into one editor and has not saved yet, together with
the version (and its field values) the typing started from, so that saving it later is
still a three-way merge against the right base (lib.workspace.field_merge).

Drafts are one small JSON file per member in the data folder's `drafts/` folder: they
are private to the member, short-lived and not part of the group's history, so they do
not go into the shared workspace database or its backups. A draft that cannot be
written (full disk, read-only folder) is logged and skipped: typing never fails for it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DRAFTS_FOLDER = "drafts"
_MEMBER_ID = re.compile(r"^[0-9a-f]{1,64}$")
_lock = threading.Lock()


@dataclass(frozen=True)
class Draft:
    base_version: int
    base_values: dict
    values: dict


class Drafts:
    """The drafts of the members of one data folder."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / DRAFTS_FOLDER

    def _path(self, member_id: str) -> Path:
        if not _MEMBER_ID.match(member_id or ""):
            raise ValueError("member ids are short hexadecimal strings")
        return self.folder / f"{member_id}.json"

    def _all(self, member_id: str) -> dict:
        try:
            return json.loads(self._path(member_id).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.exception("drafts of member %s unreadable", member_id)
            return {}

    def get(self, member_id: str, editor: str) -> Draft | None:
        entry = self._all(member_id).get(editor)
        if not isinstance(entry, dict):
            return None
        try:
            return Draft(int(entry["base_version"]), dict(entry["base_values"]), dict(entry["values"]))
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, member_id: str, editor: str, draft: Draft) -> None:
        self._update(member_id, lambda drafts: drafts.__setitem__(editor, asdict(draft)))

    def drop(self, member_id: str, editor: str) -> None:
        self._update(member_id, lambda drafts: drafts.pop(editor, None))

    def _update(self, member_id: str, change) -> None:
        path = self._path(member_id)
        with _lock:
            drafts = self._all(member_id)
            before = json.dumps(drafts, sort_keys=True)
            change(drafts)
            if json.dumps(drafts, sort_keys=True) == before:
                return
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                # Written beside the file and renamed over it: a crash leaves the old or the new file, whole.
                with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.folder, suffix=".tmp",
                                                 delete=False) as out:
                    json.dump(drafts, out, ensure_ascii=False)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(out.name, path)
            except OSError:
                log.exception("draft of member %s not kept", member_id)
