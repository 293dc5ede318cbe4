"""Multiple regression (ordinary least squares, statsmodels): how one number goes with several
others at once, each effect "with the other conditions held equal".

What a beginner is shown: each variable's coefficient with its 95 % interval and p-value, a
standardized effect (how many standard deviations y moves when x moves one standard deviation:
comparable across variables in different units), adjusted R², and a warning when explanatory
variables are so related to each other (VIF) that their effects cannot be told apart.
statsmodels (~0.5 s to import) is imported when a model is fitted, not when a page starts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis.stat_tests import SIGNIFICANCE, StatInputError, p_text
from lib.i18n import t

VIF_CAUTION = 5.0  # above this, the variable shares much of its variation with the others
VIF_SEVERE = 10.0  # above this, its coefficient is unreliable


@dataclass
class RegressionFit:
    """The fitted model: one row per term in `coefficients` (the intercept first, named "const")."""
    y: str
    xs: list[str]
    n: int
    r2: float
    adj_r2: float
    f_p: float
    residual_sd: float
    coefficients: pd.DataFrame  # coef, se, low, high, p, std_effect; index = "const" + xs
    vif: pd.Series  # per x
    fitted: pd.Series  # indexed like the rows of the input that were used
    residuals: pd.Series


def fit_ols(frame: pd.DataFrame, y: str, xs: list[str]) -> RegressionFit:
    """y = b0 + b1·x1 + … by least squares over the rows where y and every x are present."""
    xs = [x for x in dict.fromkeys(xs) if x != y]
    if not xs:
        raise StatInputError("mreg.error.no_x")
    data = frame[[y, *xs]].apply(pd.to_numeric, errors="coerce").dropna()
    minimum = len(xs) + 3  # at least two residual degrees of freedom beyond the terms
    if len(data) < minimum:
        raise StatInputError("stat.error.too_few", n=len(data), minimum=minimum)
    constant = [c for c in [y, *xs] if np.ptp(data[c].to_numpy(float)) == 0]
    if constant:
        raise StatInputError("stat.error.constant")
    import statsmodels.api as sm  # noqa: PLC0415  (heavy: only when a model is fitted)
    from statsmodels.stats.outliers_influence import variance_inflation_factor  # noqa: PLC0415

    exog = sm.add_constant(data[xs].astype(float), has_constant="add")
    if np.linalg.matrix_rank(exog.to_numpy()) < exog.shape[1]:
        raise StatInputError("mreg.error.collinear")
    model = sm.OLS(data[y].astype(float), exog).fit()
    low, high = model.conf_int(alpha=0.05).T.to_numpy()
    sd = data[[y, *xs]].std(ddof=1)
    coefficients = pd.DataFrame({
        "coef": model.params, "se": model.bse, "low": low, "high": high, "p": model.pvalues,
        "std_effect": [np.nan] + [model.params[x] * sd[x] / sd[y] for x in xs],
    }, index=exog.columns)
    matrix = exog.to_numpy()
    vif = pd.Series([variance_inflation_factor(matrix, i + 1) for i in range(len(xs))], index=xs)
    return RegressionFit(y=y, xs=xs, n=int(model.nobs), r2=float(model.rsquared), adj_r2=float(model.rsquared_adj),
                         f_p=float(model.f_pvalue), residual_sd=float(np.sqrt(model.scale)),
                         coefficients=coefficients, vif=vif, fitted=model.fittedvalues, residuals=model.resid)


def related_variables(
    fit: RegressionFit, data: pd.DataFrame, threshold: float = VIF_CAUTION
) -> list[tuple[str, str, float]]:
    """Each x whose VIF exceeds `threshold`, with the other x it correlates with most, and its VIF."""
    found = []
    if len(fit.xs) < 2:
        return found
    corr = data.loc[fit.fitted.index, fit.xs].astype(float).corr().abs()
    for x in fit.xs:
        if fit.vif[x] > threshold:
            partner = corr[x].drop(x).idxmax()
            found.append((x, partner, float(fit.vif[x])))
    return found


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def regression_reading(fit: RegressionFit, labels: dict[str, str], lang: str = "ja") -> str:
    """One plain line: the clearest effect "with the other conditions equal", and how much is explained."""
    pct = f"{100 * max(fit.adj_r2, 0):.0f}"
    rows = fit.coefficients.drop(index="const")
    clear = rows[rows["p"] < SIGNIFICANCE]
    if clear.empty:
        return t("mreg.reading.none", lang, y=labels.get(fit.y, fit.y), pct=pct)
    x = clear["std_effect"].abs().idxmax()
    row = clear.loc[x]
    direction = t("mreg.up" if row["coef"] > 0 else "mreg.down", lang)
    others = len(clear) - 1
    return t("mreg.reading.clear", lang, x=labels.get(x, x), y=labels.get(fit.y, fit.y),
             b=_number(abs(row["coef"])), direction=direction, low=_number(row["low"]), high=_number(row["high"]),
             p=p_text(float(row["p"])), pct=pct,
             others=t("mreg.reading.others", lang, n=others) if others else "")


def vif_warning(related: list[tuple[str, str, float]], labels: dict[str, str], lang: str = "ja") -> str:
    """Which variables are too related to tell apart (VIF > 10 "強く", > 5 "やや")."""
    parts = [t("mreg.vif.pair", lang, x=labels.get(x, x), partner=labels.get(p, p), vif=f"{v:.1f}",
               level=t("mreg.vif.severe" if v > VIF_SEVERE else "mreg.vif.caution", lang))
             for x, p, v in related]
    return t("mreg.vif.warning", lang, pairs=t("mreg.vif.separator", lang).join(parts)) if parts else ""


def coefficient_table(fit: RegressionFit, labels: dict[str, str], lang: str = "ja") -> pd.DataFrame:
    """The coefficients as a beginner reads them, headed in `lang`."""
    c = fit.coefficients
    names = [t("mreg.term.const", lang) if term == "const" else labels.get(term, term) for term in c.index]
    vif = [np.nan if term == "const" else fit.vif[term] for term in c.index]
    return pd.DataFrame({
        t("mreg.col.term", lang): names,
        t("mreg.col.coef", lang): c["coef"].to_numpy(),
        t("mreg.col.low", lang): c["low"].to_numpy(),
        t("mreg.col.high", lang): c["high"].to_numpy(),
        t("mreg.col.p", lang): c["p"].to_numpy(),
        t("mreg.col.std_effect", lang): c["std_effect"].to_numpy(),
        t("mreg.col.vif", lang): vif,
    })
