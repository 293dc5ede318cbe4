"""A data preparation saved as a recipe and re-run on next year's export (`python -m lib.cli prep`).

The recipe comes from a run of lib.data.preparation.Preparation with the calls the data page makes on the
practice sample; "next year" is the same generator with other people (datasets/raw_sample/generate.py).
Every problem must end with exit code 2, a Japanese sentence, and nothing published.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest

from datasets.raw_sample.generate import AREAS, build_records
from lib import settings
from lib.cli import main
from lib.data import preparation, publishing
from lib.data.catalog import load_catalog
from lib.data.city_areas import CityAreas
from lib.data.generalization_presets import columns_to_generalize, default_preset
from lib.data.importing import read_file
from lib.data.preparation import Preparation
from lib.data.recipe import Recipe, RecipeError, recipes_dir
from tests.conftest import copy_demo_data

SAMPLE = settings.REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv"
NAME = "kaigo_recipe"
JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龥]")


@pytest.fixture(scope="module")
def published(data_dir, demo_data, tmp_path_factory):
    """A data folder of this module's own where the practice sample was prepared and published as the page
    does it; yields the preparation and the recipe file kept beside the publication log."""
    from lib.data.store import get_store

    previous = os.environ["WORKBENCH_DATA_DIR"]
    os.environ["WORKBENCH_DATA_DIR"] = str(copy_demo_data(demo_data, tmp_path_factory.mktemp("recipe-data")))
    areas = CityAreas()
    prep = Preparation()
    prep.recipe.city_name = "みどり野市"
    prep.read(SAMPLE, SAMPLE.name, None)
    prep.store_import("kaigo_raw", dict(prep.imported.types))
    prep.clean("生年月日", "wareki")
    prep.classify(prep.suggested)
    prep.choose_plan(k=settings.MIN_CELL, l=2, sensitive="要介護度", method="generalize", max_suppression=0.2,
                     presets={c: default_preset(c) for c in columns_to_generalize(prep.classification)},
                     reference=date(2025, 4, 1))
    prep.choose_zones("none", areas)
    frame = prep.anonymize(areas).frame
    prep.publish(name=NAME, title="要介護認定（手順の練習）", description="", record_unit="認定者1人",
                 labels={c: f"{c}（表示）" for c in frame.columns}, units={"月額利用額": "円"},
                 published_by="講師", replace=False)
    yield prep, recipes_dir() / f"{NAME}.yaml"
    get_store().close()
    os.environ["WORKBENCH_DATA_DIR"] = previous


@pytest.fixture()
def in_process_reads(monkeypatch):
    """Files read in this process (the guarded worker costs 0.5 s a file; tests/data/test_importing.py covers it)."""
    monkeypatch.setattr(preparation, "read_file_guarded", lambda path, **options: read_file(path, **options))


def next_year(tmp_path: Path, n: int = 800, seed: int = 1, encoding: str = "cp932", change=None) -> Path:
    areas = gpd.read_file(AREAS)[["area_code", "area_name"]].sort_values("area_code").reset_index(drop=True)
    frame = build_records(areas, seed=seed, n=n)
    if change:
        frame = change(frame)
    path = tmp_path / "認定者一覧_2026.csv"
    path.write_bytes(frame.to_csv(index=False, lineterminator="\r\n").encode(encoding))
    return path


def published_state() -> tuple:
    folder = settings.published_sources_dir()
    files = sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file())
    return publishing.publication_log(), files, sorted(p.name for p in recipes_dir().iterdir())


def run_prep(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["prep", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_recipe_reads_back_as_it_was_written(published):
    prep, path = published
    text = path.read_text(encoding="utf-8")
    assert Recipe.from_text(text) == prep.recipe
    assert text.startswith("# データアカデミー ワークベンチ")
    assert "形式: データ準備の手順/1" in text and "- 列: 生年月日\n  処理: wareki" in text
    assert prep.recipe.labels["age_band"] == "age_band（表示）" and prep.recipe.units == {"月額利用額": "円"}


def test_next_years_file_is_published_with_the_same_columns_and_plan(published, tmp_path, capsys):
    prep, path = published
    before = load_catalog()[NAME]
    code, out, err = run_prep(capsys, path, "--input", next_year(tmp_path), "--reference-date", "2026-04-01")
    assert code == 0, err
    after = load_catalog()[NAME]
    assert [c.name for c in after.columns] == [c.name for c in before.columns]
    assert {c.name: c.label_in("ja") for c in after.columns} == {c.name: c.label_in("ja") for c in before.columns}
    assert after.extra["privacy"] == before.extra["privacy"]  # the same quasi-identifiers, k and l
    log = publishing.publication_log(NAME)
    assert [e["action"] for e in log] == ["publish", "replace"]
    assert log[1]["rows"] != log[0]["rows"] and log[1]["plan"]["classification"] == log[0]["plan"]["classification"]
    assert f"{log[1]['rows']:,} 行" in out and "達成した k" in out and "2026-04-01" in out
    assert Recipe.from_text(path.read_text(encoding="utf-8")).reference == date(2026, 4, 1)
    assert len(list(recipes_dir().glob(f"{NAME}-*.yaml"))) == 1  # the recipe with last year's date is kept


def test_a_dry_run_prints_what_would_be_published_and_publishes_nothing(published, tmp_path, capsys,
                                                                          in_process_reads):
    _prep, path = published
    before = published_state()
    code, out, err = run_prep(capsys, path, "--input", next_year(tmp_path, seed=2), "--dry-run")
    assert code == 0, err
    assert "公開はしていません" in out
    for words in ("行：", "削除", "列（7）", "age_band", "district", "達成した k：", "達成した l："):
        assert words in out, words
    assert published_state() == before


def _edit(path: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edited


def _phones(frame):
    return frame.assign(主なサービス=[f"090-1234-{i:04d}" for i in range(len(frame))])


def _unreadable_number(frame):
    frame.loc[3, "被保険者番号"] = "不明"
    return frame


ZONES_NONE, ZONES_BUILT = "作り方: none\n    最小の人数: null", "作り方: build\n    最小の人数: 200"
FAILURES = {
    "column_missing": (lambda f: f.drop(columns="要介護度"), {}, "足りない列：要介護度"),
    "column_added": (lambda f: f.assign(備考="なし"), {}, "増えた列：備考"),
    "type_mismatch": (_unreadable_number, {"recipe": ("被保険者番号: code", "被保険者番号: integer")}, "「不明」"),
    "k_not_reached": (None, {"n": 3}, f"k={settings.MIN_CELL} を満たすには 3 件のうち 3 件"),
    "bad_encoding": (None, {"encoding": "utf-8", "recipe": ("文字コード: 自動", "文字コード: cp932")}, "UTF-8"),
    "identifier_detected": (_phones, {}, "電話番号"),
    "published_columns_change": (None, {"recipe": (ZONES_NONE, ZONES_BUILT)}, "なくなる列：district。新しい列：zone"),
}


@pytest.mark.parametrize("problem", sorted(FAILURES))
def test_any_problem_exits_2_with_a_japanese_message_and_publishes_nothing(problem, published, tmp_path, capsys,
                                                                          in_process_reads):
    _prep, path = published
    change, options, words = FAILURES[problem]
    recipe = _edit(path, tmp_path, *options["recipe"]) if "recipe" in options else path
    data = next_year(tmp_path, n=options.get("n", 800), encoding=options.get("encoding", "cp932"), change=change)
    before = published_state()
    code, out, err = run_prep(capsys, recipe, "--input", data)
    assert code == 2 and out == ""
    assert words in err and JAPANESE.search(err) and "Traceback" not in err
    assert err.rstrip().endswith("何も公開していません。")
    assert published_state() == before


def test_zones_of_adjacent_areas_are_built_again_for_next_years_file(published, tmp_path, capsys, in_process_reads):
    _prep, path = published
    recipe = _edit(path, tmp_path, ZONES_NONE, ZONES_BUILT)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace("    district:\n", "    zone:\n"), encoding="utf-8")
    code, out, err = run_prep(capsys, recipe, "--input", next_year(tmp_path, seed=3), "--dry-run")
    assert code == 0, err
    assert "zone" in out.split("列（")[1] and "地区（ゾーン）にまとめる" in out


def _recipe() -> Recipe:
    return Recipe(city_name="みどり野市", source_name="meibo.csv", staging_name="meibo", columns=["年齢", "性別"],
                  types={"年齢": "integer", "性別": "category"}, classification={"年齢": "quasi", "性別": "quasi"},
                  presets={"年齢": "age5"}, name="meibo", title="名簿", record_unit="1人",
                  labels={"年齢": "年齢", "性別": "性別"})


def test_a_recipe_made_field_by_field_reads_back():
    assert Recipe.from_text(_recipe().to_text()) == _recipe()


HOSTILE = {
    "unknown top key": ("形式: データ準備の手順/1\n", "形式: データ準備の手順/1\n実行: rm -rf /\n", "unknown_key"),
    "unknown nested key": (
        "  データ名: meibo\n  表示名:",
        "  データ名: meibo\n  保存先: /etc\n  表示名:",
        "unknown_key",
    ),
    "path in the published name": (
        "  データ名: meibo\n  表示名:",
        "  データ名: ../../etc/passwd\n  表示名:",
        "bad_name",
    ),
    "path in the staging name": ("  データ名: meibo\n  列:", "  データ名: ..\\\\meibo\n  列:", "bad_name"),
    "path in the file name": ("元のファイル: meibo.csv", "元のファイル: ../../秘密/meibo.csv", "bad_value"),
    "python tag": (
        "市区町村: みどり野市",
        "市区町村: !!python/object/apply:os.system ['touch /tmp/x']",
        "yaml_feature",
    ),
    "plain tag": ("市区町村: みどり野市", "市区町村: !!str みどり野市", "yaml_feature"),
    "alias bomb": (
        "市区町村: みどり野市",
        "市区町村: &a みどり野市\n" + "".join(f"b{i}: [*a, *a]\n" for i in range(3)),
        "yaml_feature",
    ),
    "unknown cleaning helper": ("整形: []", "整形:\n- 列: 年齢\n  処理: eval", "bad_value"),
    "a key written twice": ("市区町村: みどり野市", "市区町村: みどり野市\n市区町村: となり町", "duplicate_key"),
    "not a recipe": ("形式: データ準備の手順/1", "形式: 何か別のもの", "not_recipe"),
    "a list, not a recipe": (None, "- 1\n- 2\n", "bad_value"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_recipe_is_refused(case):
    old, new, key = HOSTILE[case]
    text = _recipe().to_text()
    assert old is None or old in text
    with pytest.raises(RecipeError) as refused:
        Recipe.from_text(new if old is None else text.replace(old, new, 1))
    assert refused.value.key == key
    assert JAPANESE.search(refused.value.text("ja"))


def test_a_hostile_recipe_on_the_command_line_exits_2_and_publishes_nothing(published, tmp_path, capsys):
    _prep, path = published
    recipe = _edit(path, tmp_path, f"  データ名: {NAME}\n  表示名:", "  データ名: ../../published/x\n  表示名:")
    before = published_state()
    code, out, err = run_prep(capsys, recipe, "--input", SAMPLE)
    assert code == 2 and out == "" and "../../published/x" in err and JAPANESE.search(err)
    assert published_state() == before
    binary = tmp_path / "recipe.yaml"
    binary.write_bytes("形式: データ準備の手順/1\n".encode("cp932"))
    assert run_prep(capsys, binary, "--input", SAMPLE)[0] == 2
