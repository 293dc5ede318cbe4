"""A raw-looking sample for practising data preparation (import → clean → anonymize → publish).

    python -m datasets.raw_sample.generate

Writes, beside this file:
- kaigo_ninteisha_raw.csv  Shift_JIS (CP932), as a departmental system exports it:
  被保険者番号, 氏名 (obviously fictitious: 見本 太郎 …), フリガナ (some 半角), 性別,
  生年月日 (和暦, mixed styles), 住所 (みどり野市 町丁目 in mixed notations, a few that
  match no 町丁目), 電話番号, 要介護度, 認定日 (R6.4.1 style), 主なサービス, 月額利用額
  ("12,345", "-").
- kaigo_ninteisha_raw.xlsx  the same list, a statistical table (▲, -, x, χ marks) and notes.
Same seed → same content. Everything is fictional: the city, the people, the numbers.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
AREAS = HERE.parent / "demo" / "areas.geojson"
SEED = 20186
RECORDS = 800
CITY = "みどり野市"
CSV_NAME = "kaigo_ninteisha_raw.csv"
XLSX_NAME = "kaigo_ninteisha_raw.xlsx"

SURNAMES = [("見本", "ミホン"), ("試験", "シケン"), ("架空", "カクウ"), ("仮名", "カメイ"), ("例示", "レイジ"),
            ("模擬", "モギ"), ("練習", "レンシュウ"), ("検証", "ケンショウ")]
GIVEN = {"男": [("太郎", "タロウ"), ("次郎", "ジロウ"), ("一郎", "イチロウ"), ("三郎", "サブロウ"), ("健太", "ケンタ")],
         "女": [("花子", "ハナコ"), ("桜子", "サクラコ"), ("幸子", "サチコ"), ("和子", "カズコ"), ("節子", "セツコ")]}
LEVELS = ["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"]
LEVEL_P = [0.14, 0.14, 0.2, 0.17, 0.13, 0.12, 0.1]
SERVICES = ["訪問介護", "通所介護", "通所リハビリ", "短期入所", "福祉用具貸与", "施設入所", "未利用"]
ERAS = [("大正", "T", date(1912, 7, 30)), ("昭和", "S", date(1926, 12, 25)), ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1))]
KANJI = "〇一二三四五六七八九"
FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")
# 全角カタカナ → 半角 (the reverse of NFKC), as old systems print フリガナ.
_TO_HALF = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
_MARKS = {"\u3099": "\uff9e", "\u309a": "\uff9f"}


def to_halfwidth_kana(text: str) -> str:
    return "".join(_TO_HALF.get(ch, _MARKS.get(ch, ch)) for ch in unicodedata.normalize("NFD", text))


def _wareki(day: date, style: int) -> str:
    name, letter, first = next(e for e in reversed(ERAS) if day >= e[2])
    year = day.year - first.year + 1
    if style == 0:
        return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    if style == 1:
        return f"{letter}{year}.{day.month}.{day.day}"
    if style == 2:
        return f"{name}{year}年{day.month}月{day.day}日".translate(FULL)
    return day.strftime("%Y/%m/%d")


def _address(name: str, rng: np.random.Generator) -> str:
    block, number = int(rng.integers(1, 30)), int(rng.integers(1, 25))
    style = int(rng.integers(0, 4))
    text = name
    if style == 1:  # 一丁目 → 1丁目, ヶ → ケ
        text = "".join(str(KANJI.index(ch)) if ch in KANJI else ch for ch in text).replace("ヶ", "ケ")
    elif style == 2:  # 全角 numerals, が
        text = "".join(str(KANJI.index(ch)) if ch in KANJI else ch for ch in text).translate(FULL).replace("ヶ", "が")
    tail = f"{block}番{number}号" if style != 3 else f"{block}-{number}"
    return f"{CITY}{text}{tail}"


def build_records(areas: pd.DataFrame, seed: int = SEED, n: int = RECORDS) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weights = np.linspace(2.0, 1.0, len(areas))
    weights /= weights.sum()
    rows = []
    for i in range(n):
        sex = "男" if rng.random() < 0.38 else "女"
        surname, surname_kana = SURNAMES[int(rng.integers(len(SURNAMES)))]
        given, given_kana = GIVEN[sex][int(rng.integers(len(GIVEN[sex])))]
        kana = f"{surname_kana} {given_kana}"
        if rng.random() < 0.3:
            kana = to_halfwidth_kana(kana)
        age = int(min(104, 65 + rng.gamma(2.2, 7.0)))
        born = date(2025, 4, 1) - timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
        area = areas.iloc[int(rng.choice(len(areas), p=weights))]
        address = _address(area["area_name"], rng)
        if rng.random() < 0.02:  # a few that match no 町丁目 (typos, other cities)
            address = rng.choice([f"{CITY}みどり台9丁目1番1号", "となり町本町1-2-3", f"{CITY}字不明1234"])
        certified = date(2024, 4, 1) + timedelta(days=int(rng.integers(0, 365)))
        fee = int(rng.gamma(2.0, 40000)) if rng.random() > 0.08 else None
        rows.append({
            "被保険者番号": f"{9000000000 + i * 7919 % 1000000:010d}",
            "氏名": f"{surname} {given}" if rng.random() > 0.2 else f"{surname}　{given}",
            "フリガナ": kana,
            "性別": sex,
            "生年月日": _wareki(born, int(rng.integers(0, 3))),
            "住所": address,
            "電話番号": f"042-555-{int(rng.integers(0, 10000)):04d}",
            "要介護度": str(rng.choice(LEVELS, p=LEVEL_P)),
            "認定日": _wareki(certified, int(rng.choice([0, 1, 1, 3]))),
            "主なサービス": str(rng.choice(SERVICES)),
            "月額利用額": f"{fee:,}" if fee is not None else "-",
        })
    return pd.DataFrame(rows)


def build_statistics(records: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """A 町丁目 × 要介護度 table as statistical yearbooks print it: 'x' for small cells, '-' for none."""
    rng = np.random.default_rng(SEED + 1)
    table = []
    for name in areas["area_name"]:
        row = {"町丁目": name}
        total = 0
        for level in LEVELS:
            n = int(rng.poisson(6))
            total += n
            row[level] = "-" if n == 0 else ("x" if n < 3 else ("χ" if n < 4 and rng.random() < 0.3 else f"{n:,}"))
        row["計"] = f"{total:,}"
        change = int(rng.integers(-40, 40))
        row["前年差"] = f"▲{-change}" if change < 0 else (f"△{-change}" if change == 0 else f"{change}")
        row["前年差"] = row["前年差"] if change != 0 else "…"
        table.append(row)
    return pd.DataFrame(table)


NOTES = [
    ["このファイルは研修で練習するための架空のデータです。"],
    ["みどり野市は実在しない市で、氏名・住所・電話番号・被保険者番号はすべて架空です（電話番号は 555 番台）。"],
    ["「認定者一覧」は個人単位の生データの例です。匿名化してから公開する練習に使います。"],
    ["「町丁目別集計」の記号：- は該当なし、x・χ は秘匿、… は不詳、▲ は減少。"],
]


def write(out_dir: Path = HERE, seed: int = SEED) -> list[Path]:
    areas = gpd.read_file(AREAS)[["area_code", "area_name"]].sort_values("area_code").reset_index(drop=True)
    records = build_records(areas, seed)
    stats = build_statistics(records, areas)
    csv_path = out_dir / CSV_NAME
    csv_path.write_bytes(records.to_csv(index=False, lineterminator="\r\n").encode("cp932"))
    xlsx_path = out_dir / XLSX_NAME
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        records.to_excel(writer, sheet_name="認定者一覧", index=False)
        stats.to_excel(writer, sheet_name="町丁目別集計", index=False)
        pd.DataFrame(NOTES, columns=["説明"]).to_excel(writer, sheet_name="説明", index=False)
        fixed = datetime(2025, 4, 1)  # so the same seed gives the same workbook
        writer.book.properties.created = fixed
        writer.book.properties.modified = fixed
    return [csv_path, xlsx_path]


if __name__ == "__main__":
    for path in write():
        print(path.relative_to(HERE.parent.parent))
