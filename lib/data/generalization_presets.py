"""The first-pass generalizations offered per column when an instructor anonymizes a file.

Each preset is a spec for lib.data.anonymize.apply_generalization. 生年月日 and 住所 are
always offered (whatever their class): they are the columns that most often identify
someone, so by default a birth date becomes a 5-year age band and an address a 町丁目 code,
matched with the municipality's own name stripped from the front.
"""
from __future__ import annotations

PRESETS = ("none", "age5", "age10", "birth5", "birth10", "area", "rare")
_SPECS = {"age5": {"kind": "age_band", "width": 5}, "age10": {"kind": "age_band", "width": 10},
          "birth5": {"kind": "birth_date_band", "width": 5, "target": "age_band"},
          "birth10": {"kind": "birth_date_band", "width": 10, "target": "age_band"},
          "area": {"kind": "area_code", "target": "area_code"},
          "rare": {"kind": "merge_rare", "min_count": 5}}
BIRTH_DATE, ADDRESS = "生年月日", "住所"


def columns_to_generalize(classification: dict[str, str]) -> list[str]:
    """Quasi-identifiers, and any birth-date or address column."""
    return [column for column, role in classification.items()
            if role == "quasi" or BIRTH_DATE in column or ADDRESS in column]


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
