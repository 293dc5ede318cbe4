"""Interface text in Japanese (default) and English, kept as data.

Every file in lib/locale/*.yaml maps keys to {ja, en}; one file per area of the
app, so that text is easy to review and translate. `t(key, lang)` falls back to
Japanese, and a missing key is shown as the key itself (a test catches it). `format_number` writes a
number the same way in both.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

from lib.yaml_text import load_yaml

LANGUAGES = {"ja": "日本語", "en": "English"}
DEFAULT_LANGUAGE = "ja"
LOCALE_DIR = Path(__file__).parent / "locale"


def _load() -> dict[str, dict[str, str]]:
    strings: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.yaml")):
        for key, entry in (load_yaml(path.read_text(encoding="utf-8")) or {}).items():
            if key in strings:
                raise ValueError(f"{path.name}: text key {key} is defined twice")
            strings[key] = entry
    return strings


STRINGS = _load()


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for `key` in `lang`, with {placeholders} filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or key
    return text.format(**values) if values else text


def time_text(at: datetime | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A moment as people read it, to the minute: 2026年12月4日 13:05 (not ISO 8601's 2026-12-04T13:05:09)."""
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return t("time.minute", lang, year=moment.year, month=moment.month, day=moment.day,
             time=moment.strftime("%H:%M"), month_name=moment.strftime("%b"))


def date_text(day: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A day as people read it: 2026年12月4日 (not 2026-12-04)."""
    return t("time.day", lang, year=day.year, month=day.month, day=day.day, month_name=day.strftime("%b"))


def format_number(value) -> str:
    """A number with thousands separators and no needless decimals (12,345 / 18.7); "-" for none."""
    try:
        value = float(value)
    except (TypeError, ValueError):  # None, pandas' NA
        return "-"
    if math.isnan(value):
        return "-"
    if value.is_integer() or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) >= 1 else f"{value:.3g}"
