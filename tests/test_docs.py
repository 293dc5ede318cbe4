"""README documents every setting and every instructor command, as Datasette's tests/test_docs.py does.

The settings are the WORKBENCH_* environment variables the code reads (found in the source, not listed
here); each must have a row in README's settings table. The commands come from the argparse parser of
`python -m lib.cli`; each must appear in a table of README as a usage that names all its options.
"""
from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from lib.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS_HEADING = "### 設定（環境変数）"
CLI = "python -m lib.cli "
SETTING = re.compile(r"WORKBENCH_[A-Z0-9_]*[A-Z0-9]")
# A shell script reads a variable as $NAME or ${NAME...}; deploy/ also holds files that only set them.
SHELL_READ = re.compile(r"\$\{?(" + SETTING.pattern + ")")


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def _read_in_python(source: str) -> set[str]:
    """Names read by os.environ.get(NAME), os.getenv(NAME) or os.environ[NAME]."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name == "getenv" or (name == "get" and _is_environ(function.value)):
                found.add(node.args[0].value)
        elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value)
              and isinstance(node.slice, ast.Constant)):
            found.add(node.slice.value)
    return {name for name in found if isinstance(name, str) and SETTING.fullmatch(name)}


def _read_in_shell(source: str) -> set[str]:
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    return set(SHELL_READ.findall(code))


def settings_read_by_code() -> set[str]:
    python = [ROOT / "app.py", *(ROOT / "lib").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    found = set()
    for path in python:
        found |= _read_in_python(path.read_text(encoding="utf-8"))
    for path in (ROOT / "deploy").iterdir():
        if path.is_file() and path.suffix != ".py":
            found |= _read_in_shell(path.read_text(encoding="utf-8"))
    return found


def settings_table(readme: str = README) -> list[str]:
    """The rows of the table under the settings heading: the lines that start with | right after it."""
    after = readme.split(SETTINGS_HEADING, 1)[1].lstrip("\n").splitlines()
    rows = []
    for line in after:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def settings_documented(readme: str = README) -> set[str]:
    return {name for row in settings_table(readme) for name in re.findall(r"`(" + SETTING.pattern + ")`", row)}


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], list[argparse.Action]]:
    """Every runnable command (a subcommand's own subcommands, such as `exercises export`, each count) and its
    actions."""
    nested = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not nested:
        return {path: parser._actions}
    commands = {}
    for name, sub in nested[0].choices.items():
        commands |= _commands(sub, (*path, name))
    return commands


COMMANDS = _commands(_parser())


def documented_usages(readme: str = README) -> list[str]:
    """`python -m lib.cli …` as written in README's tables (a command list), without the prefix."""
    return [span[len(CLI):] for line in readme.splitlines() if line.startswith("|")
            for span in re.findall(r"`([^`]+)`", line) if span.startswith(CLI)]


def _usage_of(command: tuple[str, ...], usages: list[str]) -> list[str]:
    return [usage for usage in usages if usage.split()[:len(command)] == list(command)]


def test_the_settings_and_commands_are_found():
    assert {"WORKBENCH_DATA_DIR", "WORKBENCH_IMPORT_MAX_MB", "WORKBENCH_WORKER_BASE_PORT"} <= settings_read_by_code()
    assert {("set-passcode",), ("setup-city",), ("exercises", "export"), ("exercises", "import")} <= set(COMMANDS)


def test_a_setting_outside_the_table_is_not_documented():
    readme = f"{SETTINGS_HEADING}\n\n| 変数 | 意味 |\n|---|---|\n| `WORKBENCH_A` | a |\n\n| `WORKBENCH_B` | b |\n"
    assert settings_documented(readme) == {"WORKBENCH_A"}
    assert _read_in_python("import os\nos.environ.get('WORKBENCH_A')\nos.getenv('WORKBENCH_B', '1')\n"
                           "os.environ['WORKBENCH_C']\n{'WORKBENCH_D': 1}\n# WORKBENCH_E\n") == {
        "WORKBENCH_A", "WORKBENCH_B", "WORKBENCH_C"}
    assert _read_in_shell('# $WORKBENCH_A\nbase="${WORKBENCH_B:-1}"\necho $WORKBENCH_C\nWORKBENCH_D=1\n') == {
        "WORKBENCH_B", "WORKBENCH_C"}


@pytest.mark.parametrize("setting", sorted(settings_read_by_code()))
def test_every_setting_has_a_row_in_the_settings_table(setting):
    assert setting in settings_documented(), f"{setting} is read by the code but has no row under {SETTINGS_HEADING}"


def test_the_settings_table_names_only_settings_the_code_reads():
    assert settings_documented() <= settings_read_by_code()


@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
def test_every_command_is_listed_with_all_its_options(command):
    usages = _usage_of(command, documented_usages())
    assert usages, f"`{CLI}{' '.join(command)}` is in no table of README"
    missing = [f"{option} {choice}" if choice is not None else option
               for action in COMMANDS[command] for option in action.option_strings
               if option.startswith("--") and option != "--help"
               for choice in (action.choices or [None])
               if not any(option in usage and (choice is None or str(choice) in usage) for usage in usages)]
    assert not missing, f"{' '.join(command)}: README's usage lacks {missing}"


def test_the_command_tables_name_only_commands_and_options_that_exist():
    for usage in documented_usages():
        command = next((c for c in COMMANDS if usage.split()[:len(c)] == list(c)), None)
        assert command, f"README lists `{CLI}{usage}`, which the parser does not know"
        options = {option for action in COMMANDS[command] for option in action.option_strings}
        assert set(re.findall(r"--[a-z][a-z-]*", usage)) <= options, usage
