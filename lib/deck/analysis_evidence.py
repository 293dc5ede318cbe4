"""A saved analysis (a projection, a regression, hot spots, …) drawn again from its spec.

Like a chart or a map, an analysis is saved as the spec that makes it, never its numbers:

    {"method": "<name in METHODS>", ...the method's own plain JSON parameters}

Each method is a module under lib.deck.analyses with
    run(cursor, catalog, spec, lang) -> AnalysisResult
    datasets(spec) -> list[str]
imported only when an analysis of that method is drawn (some need heavy libraries).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from lib.charts.analysis_chart import AnalysisChart
from lib.charts.analysis_figure import analysis_figure

# method name -> module under lib.deck.analyses
METHODS: dict[str, str] = {
    "weighted_survey": "weighted_survey",
    "multiple_regression": "multiple_regression",
    "hot_spots": "hot_spots",
    "similar_areas": "similar_areas",
    "cohort_projection": "cohort_projection",
    "demand_projection": "demand_projection",
    "survey_likert": "survey_likert",
    "survey_words": "survey_words",
}


@dataclass
class AnalysisResult:
    table: pd.DataFrame  # the result with readable headers
    reading: str = ""  # the one-line plain-language reading
    caution: str = ""  # where results like this are often misread
    chart: AnalysisChart | None = None  # its chart, which the app's figure and the picture are drawn from, or
    series: object | None = None  # with the chart: a lib.deck.native_chart.ChartSeries for an editable PPTX chart
    map_data: object | None = None  # a lib.maps.data.MapData; the chart is drawn if both are set
    datasets: list[str] = field(default_factory=list)  # published datasets read (for the source line)

    @cached_property
    def figure(self):
        """The app's Plotly figure of the chart (None without one), drawn once: a page shows a cached result on
        every run."""
        return analysis_figure(self.chart) if self.chart is not None else None


class UnknownAnalysis(ValueError):
    """A spec whose method this version does not know (a damaged or newer item)."""


def _method(spec: dict):
    name = spec.get("method") if isinstance(spec, dict) else None
    if name not in METHODS:
        raise UnknownAnalysis(f"unknown analysis method: {name!r}")
    return importlib.import_module(f"lib.deck.analyses.{METHODS[name]}")


@dataclass
class AnalysisSpec:
    """A saved analysis's spec: the method's plain JSON parameters, as stored."""
    parameters: dict

    @classmethod
    def from_dict(cls, data: dict) -> "AnalysisSpec":
        _method(data)  # a method this version does not know is refused here, as a bad chart spec is
        return cls(dict(data))

    def to_dict(self) -> dict:
        return dict(self.parameters)

    def datasets(self) -> list[str]:
        return analysis_datasets(self.parameters)

    def run(self, cursor, catalog: dict, lang: str = "ja") -> AnalysisResult:
        return run_analysis(cursor, catalog, self.parameters, lang)


def run_analysis(cursor, catalog: dict, spec: dict, lang: str = "ja") -> AnalysisResult:
    return _method(spec).run(cursor, catalog, spec, lang)


def analysis_datasets(spec: dict) -> list[str]:
    return list(_method(spec).datasets(spec))
