"""A statistical check as the statistics page asks for it (Step 5 評価): a test of two columns of a dataset —
correlation, comparison of means, regression or chi-square — run on the fetched columns, and the same data as a
chart spec, so that the check can be saved and re-drawn as evidence."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.analysis import stat_tests
from lib.analysis.disclosure import persons_basis
from lib.charts.spec import ChartSpec, Measure, measure_columns
from lib.data.query import Filter, resolve_column

TESTS = ("corr", "means", "chi", "reg")  # multiple regression is a saved analysis (lib.deck.analysis_evidence)


@dataclass(frozen=True)
class StatCheck:
    test: str  # one of TESTS
    dataset: str
    x: str  # corr / reg: x; means: the groups; chi: the rows
    y: str  # corr / reg: y; means: the values; chi: the columns
    method: str | None = None  # corr: pearson / spearman; means: parametric / rank
    filters: list[Filter] = field(default_factory=list)

    def ranked_x(self, catalog: dict) -> bool:
        """A correlation with ordered categories (age bands, Likert words) as x: a rank correlation."""
        return self.test == "corr" and self.x not in measure_columns(catalog[self.dataset])

    def run(self, data: pd.DataFrame, catalog: dict, lang: str, x_label: str, y_label: str) -> stat_tests.TestResult:
        """The test on `data` (the fetched x and y columns); StatInputError when they cannot be tested."""
        x, y = data[self.x], data[self.y]
        if self.test == "corr":
            if self.ranked_x(catalog):
                column = resolve_column(catalog, catalog[self.dataset], self.x)
                x = stat_tests.ordinal_ranks(x, list(column.order) if column.order else sorted(column.scale))
            return stat_tests.correlation(x, y, lang, self.method, x_label, y_label)
        if self.test == "reg":
            return stat_tests.linear_regression(x, y, lang, x_label, y_label)
        if self.test == "means":
            return stat_tests.compare_means(y, x, lang, y_label, x_label, self.method)
        return stat_tests.crosstab_chi_square(x, y, lang, x_label, y_label,
                                              about_persons=persons_basis(catalog[self.dataset]) is not None)

    def chart_spec(self, catalog: dict) -> ChartSpec:
        """The checked data as a chart: a scatter with its trend line, mean values by group, or shares by row."""
        if self.test in {"corr", "reg"} and not self.ranked_x(catalog):
            return ChartSpec(self.dataset, Measure("mean", self.y), [], filters=self.filters, chart_type="scatter",
                             options={"x": self.x, "trend_line": True})
        if self.test in {"means", "corr"}:
            return ChartSpec(self.dataset, Measure("mean", self.y), [self.x], filters=self.filters, chart_type="bar")
        return ChartSpec(self.dataset, Measure("count"), [self.x, self.y], filters=self.filters, chart_type="bar",
                         options={"bar_mode": "percent"})
