"""The words of a survey's free-text answers, ranked, as a saved bar chart (the survey page's ranking).

    spec = {"method": "survey_words", "dataset": "survey", "column": "comment", "filters": [Filter dicts],
            "top": 20}
"""
from __future__ import annotations

import pandas as pd

from lib.charts import survey
from lib.charts.analysis_chart import AnalysisChart
from lib.data.catalog import Dataset
from lib.data.query import Filter, fetch_columns
from lib.deck.analysis_evidence import AnalysisResult
from lib.deck.native_chart import ChartSeries
from lib.i18n import t

METHOD = "survey_words"


def spec_for(dataset: str, column: str, filters: list[Filter], top: int) -> dict:
    return {"method": METHOD, "dataset": dataset, "column": column, "filters": [f.__dict__ for f in filters],
            "top": int(top)}


def datasets(spec: dict) -> list[str]:
    return [spec["dataset"]]


def answers(cursor, catalog: dict[str, Dataset], dataset: str, column: str, filters: list[Filter]) -> pd.Series:
    """The non-empty answers of the column among the filtered respondents."""
    texts = fetch_columns(cursor, catalog, dataset, [column], filters)[column].dropna()
    return texts[texts.str.strip() != ""]


def word_table(freq: pd.DataFrame, lang: str) -> pd.DataFrame:
    return freq.rename(columns={"rank": t("survey.col.rank", lang), "word": t("survey.col.word", lang),
                                "count": t("survey.word_count", lang), "answers": t("survey.col.answers", lang)})


def word_series(chart: AnalysisChart) -> ChartSeries:
    """PowerPoint's own bar chart of the ranking: the words, counts, titles and colour of the app's chart."""
    (counts,) = chart.series
    return ChartSeries("bar", chart.categories, [(chart.value_title, [float(v) for v in counts.values])],
                       value_title=chart.value_title, category_title=chart.category_title,
                       top_first=chart.first_on_top, colours=[counts.colour])


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    filters = [Filter.from_dict(f) for f in spec.get("filters") or []]
    texts = answers(cursor, catalog, spec["dataset"], spec["column"], filters)
    freq = survey.word_frequencies(texts, top=int(spec.get("top") or 20))
    chart = survey.word_frequency_chart(freq, lang) if not freq.empty else None
    return AnalysisResult(word_table(freq, lang), reading=t("survey.answers", lang, n=len(texts)), chart=chart,
                          series=word_series(chart) if chart else None, datasets=datasets(spec))
