"""An analysis's chart as a picture for slides and PDF pages (matplotlib): readable at the deck's sizes, with what
only these charts have (whiskers, a colour per bar, value ticks of their own, an answer scale's legend order, a
model's zero line), drawn from the chart's description; no lib module reads a finished figure back."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
from lib.charts.analysis_picture import draw_analysis_chart
from lib.charts.style import LIKERT_COLOURS, OKABE_ITO
from tests.charts.test_analysis_chart import SCALE, SIX
from tests.charts.test_chart_picture import DECK_SIZES, _hex, assert_readable

LIB = Path(__file__).resolve().parents[2] / "lib"


@pytest.mark.parametrize("size", DECK_SIZES)
@pytest.mark.parametrize("name", SIX)
def test_each_analysis_chart_is_readable_at_the_decks_sizes(name, size):
    chart = SIX[name]()
    fig = draw_analysis_chart(chart, *DECK_SIZES[size])
    assert_readable(fig)
    ax = fig.axes[0]
    titles = (ax.get_xlabel(), ax.get_ylabel())
    assert titles == ((chart.value_title, chart.category_title) if chart.sideways
                      else (chart.category_title, chart.value_title))


def _whisker_spans(ax) -> list[tuple[float, float]]:
    return sorted(tuple(round(float(x), 6) for x in segment[:, 0])
                  for collection in ax.collections for segment in collection.get_segments())


def test_error_bars_of_a_models_effects_and_a_weighted_share_reach_the_picture():
    """The multiple-regression effect bars and the weighted survey's dots carry 95 % intervals: the slide's
    picture draws them as whiskers, each around its own bar or dot."""
    effects = SIX["multiple_regression"]()
    dots = AnalysisChart("dots", ["A", "B", "C"], [AnalysisSeries("", [20.0, 20.0, 40.0], OKABE_ITO[0],
                                                                  whiskers=([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]))],
                         "", sideways=True)
    assert _whisker_spans(draw_analysis_chart(effects).axes[0]) == [(-0.5, 0.1), (-0.1, 0.3), (0.3, 0.7)]
    assert _whisker_spans(draw_analysis_chart(dots).axes[0]) == [(18, 22), (19, 21), (37, 43)]


def test_a_models_effects_keep_their_colour_per_bar_and_their_zero_line():
    ax = draw_analysis_chart(SIX["multiple_regression"]()).axes[0]
    assert [_hex(bar.get_facecolor()) for bar in ax.patches] == [_hex(c) for c in (OKABE_ITO[0], OKABE_ITO[3],
                                                                                   OKABE_ITO[0])]
    zero = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(zero) == 1 and list(zero[0].get_xdata()) == [0, 0]  # upright, across the lying bars


def test_weighted_shares_name_their_answers_top_down_and_the_legend_both_series():
    chart = SIX["weighted_survey"]()
    fig = draw_analysis_chart(chart)
    ax = fig.axes[0]
    assert ax.yaxis_inverted()  # the first answer on top, as in the app
    assert [label.get_text() for label in ax.get_yticklabels()] == ["交通：不満", "交通：満足", "医療：不満"]
    assert [text.get_text() for text in fig.legends[0].get_texts()] == [s.name for s in chart.series]
    assert ax.get_xlim()[0] == 0


def test_projected_lines_name_their_series_in_the_legend():
    fig = draw_analysis_chart(SIX["demand_projection"]())
    assert [text.get_text() for text in fig.legends[0].get_texts()] == ["中央地区", "北部地区", "丘陵地区"]
    assert [label.get_text() for label in fig.axes[0].get_xticklabels()] == ["2025", "2030", "2035"]
    assert fig.axes[0].get_ylim()[0] == 0


def test_a_likert_chart_draws_no_bar_for_a_hidden_share_and_names_its_answers_in_scale_order():
    chart = SIX["survey_likert"]()
    fig = draw_analysis_chart(chart)
    ax = fig.axes[0]
    shown = sum(1 for s in chart.series for v in s.values if v == v and v != 0)  # NaN is not itself
    assert sum(1 for patch in ax.patches if patch.get_width() != 0) == shown
    legend = fig.legends[0]
    assert [text.get_text() for text in legend.get_texts()] == list(SCALE.values())  # the neutral answer once
    assert [_hex(handle.get_facecolor()) for handle in legend.legend_handles] == [_hex(c) for c in LIKERT_COLOURS]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["100%", "50%", "0", "50%", "100%"]


def test_a_pyramid_counts_both_ways_from_its_middle():
    ax = draw_analysis_chart(SIX["cohort_projection"]()).axes[0]
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert labels[len(labels) // 2] == "0" and labels == labels[::-1] and "-" not in "".join(labels)
    left = [bar for bar in ax.patches if bar.get_width() < 0]
    assert len(left) == len(ax.patches) // 2  # the first sex (both years) to the left
    assert [label.get_text() for label in ax.get_yticklabels()] == ["0-14", "15-64", "65-74", "75+"]  # young low
    assert not ax.yaxis_inverted()


# A figure's traces or layout read: `figure.data`, `fig.layout.xaxis`, `trace.marker.color` of a figure's trace.
READ_BACK = re.compile(r"\b\w*fig\w*\.(data|layout)\b|\bfor_each_trace\b|\bselect_traces\b|\blegendrank\b(?!=)")


def test_no_lib_module_reads_a_finished_figure_back():
    """Pictures and slides are drawn from descriptions (ChartData, AnalysisChart), never from a Plotly figure: no
    lib module reads a figure's traces or layout (the Plotly drawers only write them)."""
    assert READ_BACK.search("ranks = {trace.name: trace.legendrank for trace in figure.data}")
    assert READ_BACK.search("stacked = figure.layout.barmode")
    assert not READ_BACK.search("figure.update_traces(selector={'name': name}, legendrank=rank)")
    reading = [f"{path.relative_to(LIB)}:{number}: {line.strip()}"
               for path in sorted(LIB.rglob("*.py"))
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if READ_BACK.search(line)]
    assert reading == []
