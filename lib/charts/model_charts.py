"""Charts of a fitted model: each variable's standardized effect with its 95 % interval."""
from __future__ import annotations

from lib.charts.analysis_chart import AnalysisChart, AnalysisSeries
from lib.charts.figure import base_layout
from lib.charts.style import OKABE_ITO
from lib.i18n import t


def effect_chart(names: list[str], effects, low, high, title: str, lang: str = "ja") -> AnalysisChart:
    """Horizontal bars of standardized effects (comparable across units), whiskers for their intervals;
    right of zero: the outcome rises with the variable."""
    effects = list(effects)
    bars = AnalysisSeries("", effects, [OKABE_ITO[3] if e < 0 else OKABE_ITO[0] for e in effects],
                          whiskers=([e - lo for e, lo in zip(effects, low, strict=True)],
                                    [h - e for e, h in zip(effects, high, strict=True)]))
    return AnalysisChart("bar", list(names), [bars], title, value_title=t("mreg.figure.axis", lang), sideways=True,
                         first_on_top=True, reference=0, hover_format=".2f", height=160 + 50 * len(names),
                         plotly_layout=base_layout(title))
