"""The configuration every interactive Plotly chart gets: its toolbar and messages in the user's language.

plotly.js looks each of its English words up in the locale named by `locale`; Streamlit bundles
plotly.js inside its own script, where a locale file cannot register itself, so the Japanese words
travel in the configuration (`locales`), from the i18n entries `plotly.*`, whose English text is
plotly.js's own.
"""
from __future__ import annotations

from functools import cache

from lib.i18n import STRINGS

_PREFIX = "plotly."
# Dates and numbers as written in Japanese (plotly.js's d3 locale format).
_JA_FORMAT = {
    "days": ["日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"],
    "shortDays": ["日", "月", "火", "水", "木", "金", "土"],
    "months": [f"{n}月" for n in range(1, 13)],
    "shortMonths": [f"{n}月" for n in range(1, 13)],
    "date": "%Y年%m月%d日",
    "decimal": ".",
    "thousands": ",",
}


@cache  # the texts are loaded once per process; every chart of every run asked for this again
def japanese_dictionary() -> dict[str, str]:
    """plotly.js's English words → Japanese (shared: do not change it)."""
    return {entry["en"]: entry["ja"] for key, entry in STRINGS.items() if key.startswith(_PREFIX)}


def plotly_config(lang: str) -> dict:
    """The `config` for st.plotly_chart: no Plotly logo link (it leads off the machine), words in `lang`."""
    config = {"displaylogo": False}
    if lang == "ja":
        config |= {"locale": "ja", "locales": {"ja": {"dictionary": japanese_dictionary(), "format": _JA_FORMAT}}}
    return config
