"""The app's Plotly figure of an analysis's chart: the categories in the chart's order, what hover reads (a signed
bar's size unsigned), an answer scale's legend, whiskers and a model's zero line, and the app's own look."""
from __future__ import annotations

import numpy as np
import pytest

from lib.charts.analysis_figure import analysis_figure
from tests.charts.test_analysis_chart import SCALE, SIX


def test_a_likert_figure_lists_the_answers_in_scale_order_with_the_neutral_answer_once():
    figure = analysis_figure(SIX["survey_likert"]())
    assert figure.layout.barmode == "relative" and figure.layout.yaxis.autorange == "reversed"
    ranked = sorted((t for t in figure.data if t.showlegend is not False), key=lambda t: t.legendrank)
    assert [t.name for t in ranked] == list(SCALE.values())
    neutral = [t for t in figure.data if t.name == "どちらともいえない"]
    assert len(neutral) == 2 and neutral[0].legendgroup == neutral[1].legendgroup
    assert [t.marker.color for t in ranked][:2] == ["#D55E00", "#E69F00"]


def test_a_likert_figure_draws_no_bar_for_a_hidden_share_and_hovers_its_unsigned_share():
    figure = analysis_figure(SIX["survey_likert"]())
    satisfied = next(t for t in figure.data if t.name == "満足")
    at = dict(zip(satisfied.y, satisfied.x, strict=True))
    assert np.isnan(at["設問C"])  # hidden: no bar, not a bar of 0 %
    disliked = next(t for t in figure.data if t.name == "不満")
    assert all(v < 0 for v in disliked.x) and all(v > 0 for v in disliked.customdata)
    assert disliked.hovertemplate == "%{y}: %{customdata}%<extra>不満</extra>"


def test_a_pyramid_hovers_counts_unsigned_and_keeps_its_bands_in_order():
    figure = analysis_figure(SIX["cohort_projection"]())
    left = figure.data[0]
    assert all(v < 0 for v in left.x) and list(left.customdata) == [-v for v in left.x]
    assert left.hovertemplate == "%{y}: %{customdata:,.0f}<extra>男 2025</extra>"
    assert list(figure.layout.yaxis.categoryarray) == ["0-14", "15-64", "65-74", "75+"]
    assert figure.layout.yaxis.autorange is None  # the youngest at the bottom
    assert list(figure.layout.xaxis.ticktext) == [text.lstrip("-") for text in figure.layout.xaxis.ticktext]


def test_a_models_effects_have_whiskers_a_zero_line_and_no_legend():
    figure = analysis_figure(SIX["multiple_regression"]())
    (bars,) = figure.data
    assert list(bars.error_x.array) == pytest.approx([0.2, 0.3, 0.2])  # up to 0.7, 0.1, 0.3
    assert list(bars.error_x.arrayminus) == pytest.approx([0.2, 0.3, 0.2])  # down to 0.3, -0.5, -0.1
    assert bars.hovertemplate == "%{y}: %{x:.2f}<extra></extra>"
    (zero,) = figure.layout.shapes
    assert zero.x0 == zero.x1 == 0 and zero.xref == "x"
    assert figure.layout.height == 160 + 50 * 3


def test_weighted_dots_and_projected_lines_take_their_colours_and_start_at_zero():
    dots = analysis_figure(SIX["weighted_survey"]())
    assert [(t.mode, t.marker.symbol, t.error_x.color) for t in dots.data] == [
        ("markers", "circle-open", "#E69F00"), ("markers", "diamond", "#0072B2")]
    assert dots.layout.xaxis.rangemode == "tozero"
    assert dots.data[1].hovertemplate == "%{y}: %{x:.1f}%<extra>補正後（人口構成に合わせた）</extra>"
    lines = analysis_figure(SIX["demand_projection"]())
    assert [t.mode for t in lines.data] == ["lines+markers"] * 3 and lines.layout.yaxis.rangemode == "tozero"
    assert list(lines.layout.xaxis.categoryarray) == ["2025", "2030", "2035"]


def test_the_apps_look_stays_the_apps():
    words = analysis_figure(SIX["survey_words"]())
    assert words.layout.template.layout.plot_bgcolor == "white" and words.layout.font.size == 14
    assert words.layout.margin.b == 50 and list(words.data[0].text) == ["9", "5", "2"]
    likert = analysis_figure(SIX["survey_likert"]())
    assert likert.layout.margin.b == 80 and likert.layout.legend.y == -0.15 and likert.layout.xaxis.zeroline
