"""Cleaning helpers for Japanese office data, each previewed before it is applied.

Every helper maps one column (a pandas Series) to a Cleaned result: the new
values and, for each value that became missing or could not be read, a reason.
Helpers work on the distinct values and map back, so a million rows with a few
thousand distinct values stay fast.

    preview = preview_cleaning(frame, "生年月日", "wareki")   # before / after on sample rows
    frame = apply_cleaning(frame, "生年月日", "wareki")
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd

from lib import i18n
from lib.data.address_matching import match_addresses
from lib.data.cleaned import Cleaned, map_distinct


@dataclass
class CleaningPreview:
    column: str
    helper: str
    sample: pd.DataFrame  # row, before, after, reason
    changed: int
    became_missing: int
    total: int
    unmatched: pd.DataFrame | None = None
    reasons: dict = field(default_factory=dict)  # reason -> count


# ---------------------------------------------------------------------------- width
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")
_FULLWIDTH_ASCII = re.compile(r"[\uff01-\uff5e]")


def normalize_width_text(text: str, symbols: bool = True) -> str:
    """全角英数字 → 半角, 半角カタカナ → 全角 (ｶﾞ → ガ); kanji and 全角 kana untouched.

    NFKC on the whole text would also rewrite ①, ㈱, ㍻ and the 全角 space; here
    only the two width blocks change, so names keep their characters.
    """
    text = _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)

    def narrow(m: re.Match) -> str:
        ch = m.group()
        if not symbols and not ch.isalnum():
            return ch
        return chr(ord(ch) - 0xFEE0)

    return _FULLWIDTH_ASCII.sub(narrow, text).replace("\u3000", " ").strip()


def normalize_width(series: pd.Series, symbols: bool = True) -> Cleaned:
    return map_distinct(series, lambda v: (normalize_width_text(v, symbols), ""))


# ---------------------------------------------------------------------------- 和暦
ERAS = {  # name: (first day, last day)
    "明治": (date(1868, 1, 25), date(1912, 7, 29)),
    "大正": (date(1912, 7, 30), date(1926, 12, 24)),
    "昭和": (date(1926, 12, 25), date(1989, 1, 7)),
    "平成": (date(1989, 1, 8), date(2019, 4, 30)),
    "令和": (date(2019, 5, 1), date(9999, 12, 31)),
}
_ERA_ALIASES = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和",
                "明": "明治", "大": "大正", "昭": "昭和", "平": "平成", "令": "令和"}
_WAREKI = re.compile(
    r"^(明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHR])\.?\s*(元|\d{1,2})\s*(?:年|[./\-])\s*(\d{1,2})\s*(?:月|[./\-])\s*(\d{1,2})\s*日?$",
    re.I)
_SEIREKI = re.compile(r"^(\d{4})\s*(?:年|[./\-])\s*(\d{1,2})\s*(?:月|[./\-])\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def wareki_to_date(text: str) -> tuple[date | None, str]:
    """(date, "") or (None, reason) for 令和6年4月1日, 令和元年5月1日, R6.4.1, H31.4.30, 2024/4/1 …"""
    raw = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not raw:
        return None, ""
    m = _WAREKI.match(raw)
    if m:
        era = _ERA_ALIASES.get(m.group(1).upper(), _ERA_ALIASES.get(m.group(1), m.group(1)))
        era_year = 1 if m.group(2) == "元" else int(m.group(2))
        first, last = ERAS[era]
        try:
            value = date(first.year + era_year - 1, int(m.group(3)), int(m.group(4)))
        except ValueError:
            return None, "no_such_day"
        if era_year < 1 or not first <= value <= last:
            return None, "outside_era"
        return value, ""
    m = _SEIREKI.match(raw) or _COMPACT.match(raw)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), ""
        except ValueError:
            return None, "no_such_day"
    return None, "not_a_date"


def wareki_dates(series: pd.Series) -> Cleaned:
    """和暦 or 西暦 date text → ISO date text (YYYY-MM-DD)."""
    def one(v: str):
        value, reason = wareki_to_date(v)
        return (value.isoformat() if value else None), reason
    return map_distinct(series, one)


# ---------------------------------------------------------------------------- numbers
# Marks of Japanese statistical tables (e-Stat 凡例) that mean "no number here".
MISSING_MARKS = {
    "-": "mark_none", "－": "mark_none", "―": "mark_none", "‐": "mark_none", "—": "mark_none",
    "…": "mark_unknown", "...": "mark_unknown", "・・・": "mark_unknown", "‥": "mark_unknown",
    "x": "mark_secret", "X": "mark_secret", "χ": "mark_secret", "Χ": "mark_secret", "ｘ": "mark_secret",
    "*": "mark_secret", "＊": "mark_secret",
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_number(text: str) -> tuple[float | None, str]:
    raw = text.strip()
    if raw in MISSING_MARKS:
        return None, MISSING_MARKS[raw]
    norm = unicodedata.normalize("NFKC", raw).replace(" ", "")
    if norm in MISSING_MARKS:
        return None, MISSING_MARKS[norm]
    negative = False
    if norm[:1] in {"▲", "△", "▼"}:
        negative, norm = True, norm[1:]
    elif norm.startswith(("−", "－", "‐")):
        negative, norm = True, norm[1:]
    if norm.startswith("(") and norm.endswith(")"):
        negative, norm = True, norm[1:-1]
    norm = norm.replace(",", "").replace("，", "").replace("円", "").replace("人", "")
    if not _NUMBER.match(norm):
        return None, "not_a_number"
    value = float(norm)
    return (-value if negative else value), ""


def numbers(series: pd.Series) -> Cleaned:
    """'1,234', '▲500', '△3.5', and '-', '…', 'x', 'χ' (→ missing, with the reason)."""
    cleaned = map_distinct(series, parse_number)
    values = pd.to_numeric(cleaned.values, errors="coerce")
    if values.notna().any() and (values.dropna() == values.dropna().round()).all():
        values = values.astype("Int64")
    else:
        values = values.astype("Float64")
    return Cleaned(values, cleaned.reasons)


# ---------------------------------------------------------------------------- 町丁目
def match_area_names(series: pd.Series, areas: pd.DataFrame, code: str = "area_code",
                     name: str = "area_name", city_name: str = "") -> Cleaned:
    """町丁目 names (or addresses starting with one) → boundary codes; unmatched listed with a reason
    (lib.data.address_matching)."""
    return match_addresses(series, areas, city_name, code, name)


# ---------------------------------------------------------------------------- 団体コード
def lg_check_digit(code5: str) -> int:
    """Check digit of a 全国地方公共団体コード: weights 6..2, 11 - (sum mod 11), last digit."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def check_lg_code(text: str) -> tuple[str | None, str]:
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw.isdigit() or len(raw) not in (5, 6):
        return None, "lg_bad_form"
    if len(raw) == 5:
        return raw + str(lg_check_digit(raw)), ""
    if int(raw[5]) != lg_check_digit(raw[:5]):
        return None, "lg_bad_check_digit"
    return raw, ""


def lg_codes(series: pd.Series) -> Cleaned:
    """5-digit codes get their check digit; 6-digit codes are verified."""
    return map_distinct(series, check_lg_code)


# ---------------------------------------------------------------------------- preview / apply
HELPERS: dict[str, Callable[..., Cleaned]] = {
    "width": normalize_width,
    "wareki": wareki_dates,
    "number": numbers,
    "area": match_area_names,
    "lg_code": lg_codes,
}


def reason_text(reason: str, lang: str = "ja") -> str:
    return i18n.t(f"clean.reason.{reason}", lang) if reason else ""


def run_helper(frame: pd.DataFrame, column: str, helper: str, **options) -> Cleaned:
    return HELPERS[helper](frame[column], **options)


def preview_cleaning(frame: pd.DataFrame, column: str, helper: str, sample: int = 12,
                     lang: str = "ja", **options) -> CleaningPreview:
    """Before / after on sample rows (changed rows first), with counts; changes nothing."""
    cleaned = run_helper(frame, column, helper, **options)
    before = frame[column].astype("string")
    after = cleaned.values.astype("string")
    changed = (before.fillna("\0") != after.fillna("\0"))
    missing = before.notna() & after.isna()
    rows = list(frame.index[changed][:sample])
    if len(rows) < sample:
        rows += list(frame.index[~changed][: sample - len(rows)])
    table = pd.DataFrame({
        "row": [frame.index.get_loc(r) + 1 for r in rows],
        "before": before.loc[rows].to_list(),
        "after": after.loc[rows].to_list(),
        "reason": [reason_text(cleaned.reasons.loc[r], lang) for r in rows],
    })
    counts = cleaned.reasons[cleaned.reasons != ""].value_counts()
    unmatched = cleaned.unmatched
    if unmatched is not None and "reason" in unmatched:
        unmatched = unmatched.assign(reason=unmatched["reason"].map(lambda r: reason_text(r, lang)))
    return CleaningPreview(column, helper, table, int(changed.sum()), int(missing.sum()), len(frame),
                           unmatched, {reason_text(k, lang): int(v) for k, v in counts.items()})


def apply_cleaning(frame: pd.DataFrame, column: str, helper: str, target: str | None = None,
                   **options) -> pd.DataFrame:
    """A copy of the frame with the cleaned values in `target` (default: the column itself)."""
    cleaned = run_helper(frame, column, helper, **options)
    out = frame.copy()
    out[target or column] = cleaned.values.to_numpy() if helper != "number" else cleaned.values
    return out
