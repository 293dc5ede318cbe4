"""`python -m lib.cli export`: the example group in every format; bad input is a Japanese sentence."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_demo_data

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def export_dir(demo_data, tmp_path_factory):
    """A data folder of these tests' own: the test session's process holds its own workspace open."""
    return copy_demo_data(demo_data, tmp_path_factory.mktemp("cli-export-data"))


def _export(data_dir, *args):
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "lib.cli", "export", *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=240)


@pytest.mark.parametrize("fmt", ["pptx", "html", "pdf"])
def test_example_group_exports(export_dir, tmp_path, fmt):
    out = tmp_path / f"deck.{fmt}"
    result = _export(export_dir, "--group", "example", "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert "見本グループ（完成例）" in result.stdout.decode()
    data = out.read_bytes()
    if fmt == "pptx":
        from pptx import Presentation

        prs = Presentation(io.BytesIO(data))
        assert len(prs.slides) == 11
    elif fmt == "html":
        assert data.startswith(b"<!DOCTYPE html>") and "分析結果".encode() in data
    else:
        assert data.startswith(b"%PDF")


def test_unknown_group_exits_2_in_japanese(export_dir, tmp_path):
    result = _export(export_dir, "--group", "Z班", "--format", "pptx", "--out", str(tmp_path / "x.pptx"))
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "グループ「Z班」が見つかりません" in message and "Traceback" not in message
    assert not (tmp_path / "x.pptx").exists()


def test_bad_output_path_exits_2_in_japanese(export_dir, tmp_path):
    result = _export(export_dir, "--group", "example", "--format", "pdf", "--out", str(tmp_path / "no" / "x.pdf"))
    assert result.returncode == 2
    assert "保存できません" in result.stderr.decode()


def test_export_works_while_another_process_holds_the_workspace(store, tmp_path):
    from tests.fixtures.deck import demo_workspace

    demo_workspace(store)  # this process now holds the workspace database, as a running app does
    result = _export(store.data_dir, "--group", "example", "--format", "pptx", "--out", str(tmp_path / "x.pptx"))
    assert result.returncode == 0, result.stderr.decode()
    assert (tmp_path / "x.pptx").read_bytes()[:2] == b"PK"
