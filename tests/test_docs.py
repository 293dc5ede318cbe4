"""README documents every setting and every instructor command (as Datasette's test_docs does)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SOURCES = [ROOT / "app.py", *(ROOT / "lib").rglob("*.py"), *(ROOT / "pages").glob("*.py"), *(ROOT / "deploy").iterdir()]


def _settings() -> set[str]:
    found = set()
    for path in SOURCES:
        if path.is_file():
            found |= set(re.findall(r"WORKBENCH_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8", errors="replace")))
    return found


def _commands() -> dict[str, list[str]]:
    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    return {name: [o for action in sub._actions for o in action.option_strings if o.startswith("--") and o != "--help"]
            for name, sub in subparsers.choices.items()}


def test_settings_are_found():
    assert {"WORKBENCH_DATA_DIR", "WORKBENCH_WORKSPACE_URL"} <= _settings()


@pytest.mark.parametrize("setting", sorted(_settings()))
def test_every_setting_is_documented(setting):
    assert setting in README


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_and_its_options_are_documented(command):
    assert f"lib.cli {command}" in README
    missing = [option for option in _commands()[command] if option not in README]
    assert not missing, f"{command}: {missing}"
