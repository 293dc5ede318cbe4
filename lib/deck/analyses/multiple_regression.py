"""Saved multiple regression: {"method": "multiple_regression", "dataset", "y", "x": [...], "filters": [...],
"view": "effects" | "residual_map"} (the residual map for per-area data only)."""
from __future__ import annotations

import pandas as pd

from lib.analysis import multiple_regression as mreg
from lib.analysis.area_indicators import NAME as AREAS_TABLE
from lib.analysis.disclosure import MIN_CELL, persons_basis
from lib.analysis.stat_tests import StatInputError
from lib.charts.model_charts import effect_chart
from lib.data.query import fetch_columns
from lib.deck.analyses.area_inputs import area_rows, column_labels, filters_of, left_out_sentence
from lib.deck.analysis_evidence import AnalysisResult
from lib.i18n import t
from lib.maps.area_results import area_result_map, diverging_classes

RESIDUAL_BOUNDS = [-2.0, -1.0, 1.0, 2.0]  # upper bounds of the first four classes, in standard deviations
RESIDUAL_COLOURS = ["#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"]
RESIDUAL_CLASSES = ["far_low", "low", "near", "high", "far_high"]


def datasets(spec: dict) -> list[str]:
    return [str(spec.get("dataset") or AREAS_TABLE)]


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    dataset, y, xs = str(spec.get("dataset") or AREAS_TABLE), str(spec["y"]), [str(x) for x in spec.get("x") or []]
    labels = column_labels(catalog, dataset, [y, *xs], lang)
    note = ""
    if dataset == AREAS_TABLE:
        frame, hidden = area_rows(cursor, catalog, [y, *xs], filters_of(spec))
        data = frame[~hidden]
        note = left_out_sentence(hidden, lang)
    else:
        data = fetch_columns(cursor, catalog, dataset, [y, *xs], filters_of(spec))
        if persons_basis(catalog[dataset]) and len(data[[y, *xs]].dropna()) < MIN_CELL:
            raise StatInputError("mreg.error.few_records", n=len(data[[y, *xs]].dropna()), threshold=MIN_CELL)
    fit = mreg.fit_ols(data, y, xs)
    warning = mreg.vif_warning(mreg.related_variables(fit, data), labels, lang)
    caution = " ".join(part for part in (warning, t("mreg.caution", lang), note) if part)
    table = mreg.coefficient_table(fit, labels, lang)
    result = AnalysisResult(table, reading=mreg.regression_reading(fit, labels, lang), caution=caution,
                            datasets=datasets(spec))
    if spec.get("view") == "residual_map" and dataset == AREAS_TABLE:
        result.map_data = residual_map(cursor, catalog, fit, hidden, labels[y], lang)
        result.table = residual_table(frame, fit, lang)
    else:
        rows = fit.coefficients.drop(index="const")
        scale = rows["std_effect"] / rows["coef"]  # sd(x) / sd(y), the same for the interval's ends
        result.chart = effect_chart([labels[x] for x in rows.index], rows["std_effect"], rows["low"] * scale,
                                    rows["high"] * scale, t("mreg.figure.title", lang, y=labels[y]), lang)
    return result


def standardized_residuals(fit: mreg.RegressionFit) -> pd.Series:
    return fit.residuals / fit.residual_sd


def residual_map(cursor, catalog: dict, fit: mreg.RegressionFit, hidden: pd.Series, y_label: str, lang: str):
    values = standardized_residuals(fit)
    classes = diverging_classes(values, RESIDUAL_BOUNDS, RESIDUAL_COLOURS,
                                [t(f"mreg.residual.{c}", lang) for c in RESIDUAL_CLASSES])
    return area_result_map(cursor, catalog, values, hidden, classes, t("mreg.residual.label", lang, y=y_label))


def residual_table(frame: pd.DataFrame, fit: mreg.RegressionFit, lang: str) -> pd.DataFrame:
    """The areas farthest from the model first (those used in the fit only)."""
    used = frame.loc[fit.residuals.index]
    table = pd.DataFrame({
        t("mreg.col.area", lang): used["area_name"].to_numpy(),
        t("mreg.col.observed", lang): used[fit.y].to_numpy(),
        t("mreg.col.fitted", lang): fit.fitted.round(2).to_numpy(),
        t("mreg.col.residual", lang): standardized_residuals(fit).round(2).to_numpy(),
    })
    return table.reindex(table[t("mreg.col.residual", lang)].abs().sort_values(ascending=False).index)
