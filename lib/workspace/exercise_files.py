"""The instructor's own exercise themes as files: one YAML file per theme in the data folder's exercises/.

Kept free of the analysis modules, since backups and restores of the workspace carry these files too
(lib.workspace.backup): a restored course keeps the themes its instructor wrote. A file is written
beside its place and moved in, so a reader never meets half of one.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = "exercises"
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,80}\.yaml$")  # a theme's file: no folder, no dot file


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def read_all(data_dir: Path) -> dict[str, str]:
    """{file name: YAML text} of every theme file (one that cannot be read as text is left out, logged)."""
    found = {}
    for path in sorted(folder(data_dir).glob("*.yaml")):
        try:
            found[path.name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("instructor exercise %s not read: %s", path, exc)
    return found


def write(data_dir: Path, name: str, text: str) -> Path:
    """Write one theme file (replacing one of that name)."""
    if not FILE_NAME.match(name):
        raise ValueError(f"not a theme file name: {name!r}")
    target = folder(data_dir) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    return target


def write_all(data_dir: Path, files: dict[str, str]) -> list[str]:
    """Write theme files back (a backup's); the folder's other themes stay. Returns the names written."""
    written = [name for name in sorted(files) if FILE_NAME.match(name)]
    for name in written:
        write(data_dir, name, files[name])
    return written


def remove(data_dir: Path, name: str) -> None:
    if FILE_NAME.match(name):
        (folder(data_dir) / name).unlink(missing_ok=True)
