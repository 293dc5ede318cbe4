"""Red team, item 4: direct identifiers are found in the values, whatever the instructor called the column.

Each hostile column is published as その他 (other) beside a table that otherwise meets k (the
small-cell threshold), l=2: the check must refuse it and say why in Japanese. The demo's own columns
must not be taken for identifiers.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from lib.data import anonymize as an
from lib.data import publishing
from lib.data.catalog import load_catalog
from tests.data.test_publishing import CLASSES, K, anonymized

FAMILY = ["鈴木", "佐藤", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
          "山口", "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川"]
GIVEN = ["誠", "花子", "一郎", "幸子", "健太", "美咲", "翔", "陽菜", "大輔", "由美", "茂", "和子", "勇", "節子",
         "浩", "恵子", "実", "明美", "修", "久美子", "豊", "洋子", "清", "直樹", "裕子", "進", "京子", "隆", "智子",
         "博", "純子", "剛"]
KANA = {"鈴木": "スズキ", "佐藤": "サトウ", "高橋": "タカハシ", "田中": "タナカ", "伊藤": "イトウ", "渡辺": "ワタナベ"}
ROMAJI = ["Suzuki", "Sato", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Kato"]
GIVEN_ROMAJI = ["Makoto", "Hanako", "Ichiro", "Sachiko", "Kenta", "Misaki", "Sho", "Hina", "Daisuke", "Yumi",
                "Shigeru", "Kazuko", "Isamu", "Setsuko", "Hiroshi", "Keiko"]
KANA_GIVEN = ["マコト", "ハナコ", "イチロウ", "サチコ", "ケンタ", "ミサキ", "ショウ", "ヒナ", "ダイスケ", "ユミ",
              "シゲル", "カズコ", "イサム", "セツコ", "ヒロシ", "ケイコ", "ミノル", "アケミ", "オサム", "クミコ"]


def _nearly_unique(values: list[str], n: int) -> list[str]:
    """n values, one per record except a few shared (two people of the same name do exist)."""
    return (values[: n - n // 20] + values[: n // 20])[:n]


def _people(n: int) -> dict[str, list[str]]:
    kanji = [f + g for f in FAMILY for g in GIVEN]
    kana = [KANA[f] + g for f in KANA for g in KANA_GIVEN * 2]  # some katakana names twice, as in real rolls
    rng = np.random.default_rng(7)
    born = [date(1930, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365 * 30, n)]
    return {
        "kanji": _nearly_unique(kanji, n),
        "kana": (kana * 4)[:n],
        "romaji": [f"{f} {g}" for f in ROMAJI for g in GIVEN_ROMAJI][:n] * (n // 160 + 1),
        "showa": [f"昭和{d.year - 1925}年{d.month}月{d.day}日生" for d in born],
        "compact": [d.strftime("%Y%m%d") for d in born],
        "us": [f"{d.month}/{d.day}/{d.year}" for d in born],
        "address": [f"みどり野市緑町{i % 9 + 1}丁目{i % 40 + 1}番地{i % 7 + 1}" for i in range(n)],
        "address_hyphen": [f"緑町３－{i % 40 + 1}－{i % 13 + 1}" for i in range(n)],
        "phone_wide": [f"０４２－５５５－{i // 2:04d}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                       for i in range(n)],  # two records share each number
        "phone_paren": [f"042(555){i:04d}" for i in range(n)],
    }


CASES = {
    "kanji": ("values_unique", "1 件ごと"), "kana": ("values_person_name", "氏名"),
    "romaji": ("values_person_name", "氏名"), "showa": ("dates_counted", "日付"),
    "compact": ("dates_counted", "日付"), "us": ("dates_counted", "日付"),
    "address": ("values_address", "番地"), "address_hyphen": ("values_address", "番地"),
    "phone_wide": ("values_phone", "電話番号"), "phone_paren": ("values_phone", "電話番号"),
}


@pytest.mark.parametrize("case", CASES)
def test_identifying_values_labelled_other_are_refused_and_the_message_says_why(case):
    frame, _report, _plan = anonymized()
    column = "備考"  # a harmless-sounding header: only the values tell
    frame = frame.assign(**{column: _people(len(frame))[case][: len(frame)]})
    check = publishing.check_rule(frame, an.Plan({**CLASSES, column: "other"}, k=K, l=2, sensitive="care_level"))
    key, words = CASES[case]
    assert not check.passed
    assert key in [problem for problem, _values in check.problems]
    message = " ".join(check.messages("ja"))
    assert column in message and words in message


def test_the_demo_columns_are_not_taken_for_identifiers():
    catalog = load_catalog()
    for name in ("care_certification", "survey", "childcare", "population"):
        data = pd.read_parquet(catalog[name].file)
        for column in data.columns:
            if column in ("record_id", "respondent_id"):  # the demo's pseudonymous record numbers
                continue
            assert an.identifying_values(data[column]) is None, (name, column)
            assert not an.looks_like_dates(data[column]), (name, column)



def test_amounts_written_as_text_are_not_taken_for_record_numbers():
    rng = np.random.default_rng(3)
    amounts = pd.Series([f"{v * 10:,}" for v in rng.integers(100, 40_000, 800)])  # 月額利用額, nearly all different
    assert an.identifying_values(amounts) is None
    numbers = pd.Series([str(v) for v in rng.integers(10**9, 10**10, 800)])  # 被保険者番号: one width
    assert an.identifying_values(pd.concat([numbers, numbers.head(30)], ignore_index=True)) == "unique"
