"""The instructor's exercise themes as one file: every file is checked, a bad one imports nothing, each refusal
is named in Japanese; backups and restores of the workspace carry the themes too."""
from __future__ import annotations

import io
import zipfile

import pytest

from lib.workspace import exercise_bundle, exercise_files
from lib.workspace.exercise_bundle import BundleError

THEME = """
id: {id}
title: 避難所の数
theme: 防災
story: 防災課は避難所の数を知りたい。
hypotheses: [避難所が足りない地区がある。]
datasets: [{dataset}]
questions:
  - id: q1
    text: 避難所はいくつ？
    value: 40
    tolerance: 0
"""


def _theme(theme_id: str = "own_shelters", dataset: str = "facilities") -> bytes:
    return THEME.format(id=theme_id, dataset=dataset).encode("utf-8")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """An empty data folder: the catalog is the demo's, no theme of the instructor yet."""
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    return tmp_path


def _refused(data: bytes, name: str = "演習テーマ.zip") -> list[str]:
    with pytest.raises(BundleError) as refused:
        exercise_bundle.import_bundle(data, name)
    return [problem.text("ja") for problem in refused.value.problems]


def test_a_file_that_is_not_a_zip_is_refused_in_japanese(folder):
    assert _refused(b"PK\x03\x04 not really") == [
        "「演習テーマ.zip」は zip ファイルとして読めません。"
        "演習テーマの書き出しでできた zip か、テーマの YAML ファイルを選んでください。"
    ]
    assert _refused(_zip({"readme.txt": b"hello"})) == [
        "「演習テーマ.zip」に演習テーマの YAML ファイル（.yaml）がありません。"
    ]
    with pytest.raises(BundleError) as refused:
        exercise_bundle.import_bundle(b"", "themes.zip")
    assert refused.value.text("en") == ('"themes.zip" cannot be read as a zip file. Choose a zip made by exporting '
                                        "the themes, or one theme's YAML file.")


def test_one_bad_file_imports_nothing_and_each_bad_file_is_named(folder):
    problems = _refused(_zip({
        "good.yaml": _theme(),
        "broken.yaml": b"id: x\n  title: [",
        "elsewhere.yaml": _theme("own_elsewhere", dataset="no_such_table"),
        "bundled.yaml": _theme("disaster"),
        "sjis.yaml": "題名: 避難所".encode("cp932"),
    }))
    assert len(problems) == 4
    assert any(p.startswith("broken.yaml: YAML として読めません") for p in problems)
    assert any(p.startswith("elsewhere.yaml: datasets の「no_such_table」は公開データにありません") for p in problems)
    assert any(p.startswith("bundled.yaml: id「disaster」は同梱のテーマで使われています") for p in problems)
    assert "sjis.yaml: ファイルを読めません（UTF-8 の文字で保存してください）。" in problems
    assert exercise_files.read_all(folder) == {}  # not even the good one


def test_two_files_with_one_id_are_refused(folder):
    problems = _refused(_zip({"a.yaml": _theme(), "b.yaml": _theme()}))
    assert problems == ["b.yaml: id「own_shelters」は「a.yaml」と同じです。"]


def test_a_bundle_round_trip_adds_then_replaces(folder):
    first = exercise_bundle.import_bundle(_zip({"themes/own_shelters.yaml": _theme()}), "演習テーマ.zip")
    assert (first.added, first.replaced) == (["避難所の数"], [])
    assert exercise_files.read_all(folder) == {"own_shelters.yaml": _theme().decode("utf-8")}
    again = exercise_bundle.import_bundle(exercise_bundle.export_bundle(), "演習テーマ.zip")
    assert (again.added, again.replaced) == ([], ["避難所の数"])
    single = exercise_bundle.import_bundle(_theme("own_other"), "own_other.yaml")  # one theme's YAML alone
    assert single.added == ["避難所の数"] and sorted(exercise_files.read_all(folder)) == [
        "own_other.yaml", "own_shelters.yaml"]


def test_answers_that_do_not_compute_on_this_servers_data_are_refused(store, monkeypatch):
    theme = _theme().decode("utf-8").replace("value: 40", "sql: SELECT COUNT(*) FROM facilities WHERE no_such = 1")
    monkeypatch.setattr(exercise_files, "write", lambda *a: pytest.fail("nothing may be written"))
    with pytest.raises(BundleError) as refused:
        exercise_bundle.import_bundle(theme.encode("utf-8"), "own_shelters.yaml", store.published_path)
    assert str(refused.value) == (
        "own_shelters.yaml: 問 1 の SQL: 列名や関数の使い方に誤りがあります。列名と GROUP BY を確認してください。")
    assert refused.value.text("en") == (
        "own_shelters.yaml: The SQL of Q1: A column or function is used wrongly; check column names and GROUP BY.")


def test_the_command_line_imports_all_or_nothing_and_exports_the_themes(demo_data, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, copy_demo_data

    folder = copy_demo_data(demo_data, tmp_path / "data")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "lib.cli", "exercises", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=300, env={**os.environ, "WORKBENCH_DATA_DIR": str(folder)})

    (tmp_path / "themes.zip").write_bytes(_zip({"good.yaml": _theme(), "bad.yaml": _theme("own_x", "no_such")}))
    refused = cli("import", str(tmp_path / "themes.zip"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert (
        refused.stderr.splitlines()[0]
        == "取り込めないファイルがあるため、何も取り込んでいません。次の点を直してください。"
    )
    assert "bad.yaml: datasets の「no_such」は公開データにありません" in refused.stderr
    assert exercise_files.read_all(folder) == {}
    (tmp_path / "own_shelters.yaml").write_bytes(_theme())
    done = cli("import", str(tmp_path / "own_shelters.yaml"))
    assert done.returncode == 0, done.stderr
    assert "新しいテーマ 1 件" in done.stdout and list(exercise_files.read_all(folder)) == ["own_shelters.yaml"]
    exported = cli("export", "--out", str(tmp_path / "out.zip"))
    assert exported.returncode == 0 and "1 件" in exported.stdout
    assert zipfile.ZipFile(tmp_path / "out.zip").namelist() == ["own_shelters.yaml"]
