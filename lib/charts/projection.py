"""Charts of a population projection: a pyramid of two years, and lines of a projected count."""
from __future__ import annotations

import pandas as pd

from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
from lib.charts.figure import nice_ticks
from lib.charts.style import PALETTE
from lib.i18n import format_number, t

LIGHT = {0: "#9ECAE9", 1: "#F5C97A"}  # the base year: lighter shades of the two sexes' colours


def population_pyramid(cells: pd.DataFrame, bands: list[str], sexes: list[str], base: int, target: int,
                       place: str, lang: str = "ja") -> AnalysisChart:
    """cells: year, sex, age_band, population (missing = hidden). The first of `sexes` to the left; each
    band has the base year's bar (light) beside the target year's (dark)."""
    series = []
    for i, sex in enumerate(sexes):
        sign = -1 if i == 0 else 1
        for year, colour in ((base, LIGHT[i]), (target, PALETTE[i])):
            part = cells[(cells["sex"] == sex) & (cells["year"] == year)].set_index("age_band")["population"]
            part = part.reindex(bands)
            series.append(AnalysisSeries(f"{sex} {year}", (sign * part).tolist(), colour, unsigned=part.tolist()))
    peak = float(cells["population"].max() or 1)
    right = nice_ticks(peak)
    ticks = [-v for v in reversed(right[1:])] + right
    return AnalysisChart(
        "bar", list(bands), series, t("projection.pyramid_title", lang, place=place, base=base, target=target),
        t("projection.col.age_band", lang), t("projection.unit.persons_axis", lang), sideways=True,
        value_ticks=[(v, format_number(abs(v))) for v in ticks], hover_format=",.0f",
        height=max(460, 26 * len(bands) + 160),
        plotly_layout={"bargap": 0.1, "bargroupgap": 0.0,
                       "legend": {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"}})


def projected_lines(frame: pd.DataFrame, value_title: str, title: str) -> AnalysisChart:
    """frame: series, year, value — one line per series over the years."""
    years = sorted(frame["year"].unique())
    series = [AnalysisSeries(str(name), part.set_index("year")["value"].reindex(years).tolist(),
                             PALETTE[i % len(PALETTE)])
              for i, (name, part) in enumerate(frame.groupby("series", sort=False))]
    return AnalysisChart("line", [str(y) for y in years], series, title, value_title=value_title, from_zero=True,
                         plotly_layout={"legend": {"orientation": "h", "y": -0.15}})
