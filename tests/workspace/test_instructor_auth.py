"""The instructor passcode: stored hashed, checked, set from the CLI; the browser may set it only locally."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from lib.cli import passcode as cli
from lib.workspace import instructor_auth

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    return tmp_path


def test_passcode_is_stored_as_a_salted_scrypt_hash(data_folder):
    instructor_auth.set_passcode("kenshu-2026")
    stored = instructor_auth.passcode_path().read_text()
    assert "kenshu-2026" not in stored
    record = json.loads(stored)
    assert record["algorithm"] == "scrypt" and len(bytes.fromhex(record["salt"])) == 16
    assert instructor_auth.verify_passcode("kenshu-2026")
    assert not instructor_auth.verify_passcode("kenshu-2025")
    assert not instructor_auth.verify_passcode("")
    instructor_auth.set_passcode("kenshu-2026")
    assert json.loads(instructor_auth.passcode_path().read_text())["salt"] != record["salt"]
    assert oct(instructor_auth.passcode_path().stat().st_mode)[-3:] == "600"


def test_short_passcode_is_refused(data_folder):
    with pytest.raises(instructor_auth.PasscodeError, match="8 文字以上"):
        instructor_auth.set_passcode("short")
    assert not instructor_auth.passcode_is_set()


@pytest.mark.parametrize("address, local", [
    ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("192.168.10.5", False), ("10.0.0.2", False), ("fe80::1%eth0", False), (None, False), ("", False),
    ("localhost", False),
])
def test_only_loopback_counts_as_the_serving_machine(address, local):
    assert instructor_auth.is_loopback(address) is local


def test_first_passcode_only_from_loopback_and_only_once(data_folder):
    assert instructor_auth.may_set_first_passcode("127.0.0.1")
    assert not instructor_auth.may_set_first_passcode("192.168.1.20")
    instructor_auth.set_passcode("kenshu-2026")
    assert not instructor_auth.may_set_first_passcode("127.0.0.1")


def test_set_passcode_command_from_stdin(data_folder, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("kenshu-2026\n"))
    assert cli.set_passcode_command(SimpleNamespace(passcode_stdin=True)) == 0
    assert instructor_auth.verify_passcode("kenshu-2026")
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc\n"))
    assert cli.set_passcode_command(SimpleNamespace(passcode_stdin=True)) == 2
    assert "8 文字以上" in capsys.readouterr().err


def test_set_passcode_command_asks_twice(data_folder, monkeypatch):
    answers = iter(["kenshu-2026", "kenshu-2027"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert cli.set_passcode_command(SimpleNamespace(passcode_stdin=False)) == 2
    assert not instructor_auth.passcode_is_set()


def test_cli_set_passcode_end_to_end(tmp_path):
    env = {"WORKBENCH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "lib.cli", "set-passcode", "--passcode-stdin"], cwd=ROOT,
                          input="kenshu-2026\n", capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "instructor_passcode.json").exists()
