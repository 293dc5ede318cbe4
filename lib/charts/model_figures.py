"""Figures of a fitted model: each variable's standardized effect with its 95 % interval."""
from __future__ import annotations

import plotly.graph_objects as go

from lib.charts.figure import base_layout
from lib.charts.style import OKABE_ITO
from lib.i18n import t


def effect_figure(names: list[str], effects, low, high, title: str, lang: str = "ja") -> go.Figure:
    """Horizontal bars of standardized effects (comparable across units), whiskers for their intervals;
    right of zero: the outcome rises with the variable."""
    colours = [OKABE_ITO[3] if e < 0 else OKABE_ITO[0] for e in effects]
    figure = go.Figure(go.Bar(
        y=list(names), x=list(effects), orientation="h", marker={"color": colours},
        error_x={"type": "data", "symmetric": False, "array": [h - e for e, h in zip(effects, high, strict=True)],
                 "arrayminus": [e - lo for e, lo in zip(effects, low, strict=True)], "color": "#333333"},
        hovertemplate="%{y}: %{x:.2f}<extra></extra>"), layout=base_layout(title))
    figure.update_layout(xaxis_title=t("mreg.figure.axis", lang), yaxis={"autorange": "reversed"},
                         showlegend=False, height=160 + 50 * len(names))
    figure.add_vline(x=0, line_color="#555555", line_width=1)
    return figure
