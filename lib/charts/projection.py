"""Figures of a population projection: a pyramid of two years, and lines of a projected count."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.charts.figure import nice_ticks
from lib.charts.style import FONT, PALETTE
from lib.i18n import format_number, t

LIGHT = {0: "#9ECAE9", 1: "#F5C97A"}  # the base year: lighter shades of the two sexes' colours


def population_pyramid(cells: pd.DataFrame, bands: list[str], sexes: list[str], base: int, target: int,
                       place: str, lang: str = "ja") -> go.Figure:
    """cells: year, sex, age_band, population (missing = hidden). The first of `sexes` to the left; each
    band has the base year's bar (light) beside the target year's (dark)."""
    traces = []
    for i, sex in enumerate(sexes):
        sign = -1 if i == 0 else 1
        for year, colour in ((base, LIGHT[i]), (target, PALETTE[i])):
            part = cells[(cells["sex"] == sex) & (cells["year"] == year)].set_index("age_band")["population"]
            part = part.reindex(bands)
            traces.append(go.Bar(y=bands, x=(sign * part).tolist(), orientation="h", name=f"{sex} {year}",
                                 marker={"color": colour}, customdata=part.tolist(),
                                 hovertemplate="%{y}: %{customdata:,.0f}<extra>" + f"{sex} {year}</extra>"))
    peak = float(cells["population"].max() or 1)
    right = nice_ticks(peak)
    ticks = [-v for v in reversed(right[1:])] + right
    figure = go.Figure(traces)
    figure.update_layout(
        title={"text": t("projection.pyramid_title", lang, place=place, base=base, target=target)},
        barmode="group", bargap=0.1, bargroupgap=0.0, font={"family": FONT},
        xaxis={"tickvals": ticks, "ticktext": [format_number(abs(v)) for v in ticks],
               "title": {"text": t("projection.unit.persons_axis", lang)}},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": bands,
               "title": {"text": t("projection.col.age_band", lang)}},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        height=max(460, 26 * len(bands) + 160))
    return figure


def projected_lines(frame: pd.DataFrame, value_title: str, title: str) -> go.Figure:
    """frame: series, year, value — one line per series over the years."""
    figure = go.Figure()
    for i, (name, part) in enumerate(frame.groupby("series", sort=False)):
        figure.add_trace(go.Scatter(x=[str(y) for y in part["year"]], y=part["value"].tolist(), name=str(name),
                                    mode="lines+markers", line={"color": PALETTE[i % len(PALETTE)]}))
    figure.update_layout(title={"text": title}, font={"family": FONT}, yaxis={"title": {"text": value_title},
                                                                              "rangemode": "tozero"},
                         xaxis={"type": "category"}, legend={"orientation": "h", "y": -0.15})
    return figure
