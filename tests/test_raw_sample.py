"""The practice sample: deterministic, obviously fictitious, and as messy as real exports."""
from __future__ import annotations

import pandas as pd

from datasets.raw_sample import generate


def test_same_seed_same_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    generate.write(first)
    generate.write(second)
    assert (first / generate.CSV_NAME).read_bytes() == (second / generate.CSV_NAME).read_bytes()
    sheets = [pd.read_excel(folder / generate.XLSX_NAME, sheet_name=None) for folder in (first, second)]
    assert sheets[0].keys() == sheets[1].keys() == {"認定者一覧", "町丁目別集計", "説明"}
    for name in sheets[0]:
        pd.testing.assert_frame_equal(sheets[0][name], sheets[1][name])


def test_the_committed_sample_is_what_the_generator_makes(tmp_path):
    generate.write(tmp_path)
    assert (tmp_path / generate.CSV_NAME).read_bytes() == (generate.HERE / generate.CSV_NAME).read_bytes()


def test_sample_is_fictitious_and_messy():
    raw = pd.read_csv(generate.HERE / generate.CSV_NAME, encoding="cp932", dtype=str)
    assert len(raw) == generate.RECORDS
    surnames = {s for s, _kana in generate.SURNAMES}
    assert raw["氏名"].str.split(r"[ 　]").str[0].isin(surnames).all()
    assert raw["住所"].str.startswith("みどり野市").mean() > 0.95
    assert raw["電話番号"].str.match(r"^042-555-\d{4}$").all()
    assert raw["生年月日"].str.contains("昭和|S").any() and raw["生年月日"].str.contains("１").any()
    assert raw["認定日"].str.match(r"^R\d").any()
    assert raw["フリガナ"].str.contains("[ｱ-ﾝ]").any()
    assert raw["住所"].str.contains("丁目").any() and raw["住所"].str.contains("[１-９]").any()
    assert (raw["月額利用額"] == "-").any() and raw["月額利用額"].str.contains(",").any()
    assert raw["被保険者番号"].is_unique
