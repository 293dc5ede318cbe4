"""The first-pass generalizations offered per column when an instructor anonymizes a file.

Each preset is a spec for lib.data.anonymize.apply_generalization. 生年月日 and 住所 are
always offered (whatever their class): they are the columns that most often identify
someone, so by default a birth date becomes a 5-year age band and an address a 町丁目 code,
matched with the municipality's own name stripped from the front.
"""
from __future__ import annotations

import re

import pandas as pd

from lib.data.jp_cleaning import wareki_dates

PRESETS = ("none", "age5", "age10", "birth5", "birth10", "area", "rare")
_SPECS = {"age5": {"kind": "age_band", "width": 5}, "age10": {"kind": "age_band", "width": 10},
          "birth5": {"kind": "birth_date_band", "width": 5, "target": "age_band"},
          "birth10": {"kind": "birth_date_band", "width": 10, "target": "age_band"},
          "area": {"kind": "area_code", "target": "area_code"},
          "rare": {"kind": "merge_rare", "min_count": 5}}
BIRTH_DATE, ADDRESS = "生年月日", "住所"
BIRTH_NAMES = re.compile(r"生年月日|誕生日|birth", re.IGNORECASE)


def columns_to_generalize(classification: dict[str, str]) -> list[str]:
    """Quasi-identifiers, and any birth-date or address column."""
    return [column for column, role in classification.items()
            if role == "quasi" or BIRTH_DATE in column or ADDRESS in column]


def presets_for(column: str, values: pd.Series) -> list[str]:
    """The presets that fit a column (「そのまま」 first): birth-date bands for a birth date, age bands for ages
    (whole numbers 0–120), 町丁目 for an address, merging rare categories for other text; nothing for another
    date. 性別 is not offered 年齢 → 5 歳階級."""
    if BIRTH_NAMES.search(column):
        return ["none", "birth5", "birth10"]
    sample = values.dropna().astype(str).str.strip()
    sample = sample[sample != ""].head(500)
    if len(sample) and wareki_dates(sample).values.notna().mean() >= 0.8:
        return ["none"]  # another date (認定日): its age bands would mean nothing
    if ADDRESS in column:
        return ["none", "area", "rare"]
    numbers = pd.to_numeric(sample, errors="coerce")
    if len(sample) and numbers.notna().all():
        ages = bool(((numbers % 1 == 0) & numbers.between(0, 120)).all())
        return ["none", "age5", "age10"] if ages else ["none"]
    return ["none", "rare"]


def default_preset(column: str) -> str:
    if BIRTH_DATE in column:
        return "birth5"
    if ADDRESS in column:
        return "area"
    return "none"


def preset_spec(preset: str, city_name: str = "") -> dict | None:
    """The generalization spec of a preset (None for "none"); `city_name` is the municipality's."""
    spec = _SPECS.get(preset)
    if spec is None:
        return None
    return {**spec, "city_name": city_name} if spec["kind"] == "area_code" else dict(spec)
