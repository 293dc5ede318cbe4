"""The words of a survey's free-text answers, ranked, as a saved bar chart (the survey page's ranking).

    spec = {"method": "survey_words", "dataset": "survey", "column": "comment", "filters": [Filter dicts],
            "top": 20}
"""
from __future__ import annotations

import pandas as pd

from lib.charts import survey
from lib.charts.style import OKABE_ITO
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


def word_series(freq: pd.DataFrame, lang: str) -> ChartSeries:
    return ChartSeries("bar", [str(w) for w in freq["word"]],
                       [(t("survey.word_count", lang), [float(v) for v in freq["count"]])],
                       value_title=t("survey.word_count", lang), category_title=t("survey.word_axis", lang),
                       top_first=True, colours=[OKABE_ITO[0]])


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    filters = [Filter.from_dict(f) for f in spec.get("filters") or []]
    texts = answers(cursor, catalog, spec["dataset"], spec["column"], filters)
    freq = survey.word_frequencies(texts, top=int(spec.get("top") or 20))
    return AnalysisResult(word_table(freq, lang), reading=t("survey.answers", lang, n=len(texts)),
                          chart=survey.word_frequency_chart(freq, lang) if not freq.empty else None,
                          series=word_series(freq, lang) if not freq.empty else None, datasets=datasets(spec))
