"""Survey weighting (lib.analysis.survey_weighting) against hand computations and an independent solver,
and on the demo survey: the planted age effects come back once the older-skewed respondents are weighted."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from lib.analysis import survey_weighting as sw
from lib.analysis.disclosure import MIN_CELL
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.deck.analyses import weighted_survey
from lib.deck.analysis_evidence import run_analysis

DEMO_SURVEY_BANDS = ["18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]
DEMO_POPULATION_BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
                         "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def test_a_two_by_two_table_is_raked_to_the_hand_computed_cells():
    # Respondents: a1·b1 30, a1·b2 10, a2·b1 20, a2·b2 40. Targets: a1 60, a2 40; b1 50, b2 50.
    # Raking keeps the odds ratio (Bishop, Fienberg & Holland 1975, ch. 3): m11·m22 / (m12·m21) = 30·40 / (10·20) = 6.
    # With m11 = x: m12 = 60 − x, m21 = 50 − x, m22 = x − 10, so x(x − 10) = 6(60 − x)(50 − x),
    # i.e. x² − 130x + 3600 = 0, x = (130 ± 50) / 2; only x = 40 keeps every cell positive.
    # Cells 40, 20, 10, 30 → weights 40/30, 20/10, 10/20, 30/40.
    counts = pd.DataFrame({"a": ["a1", "a1", "a2", "a2"], "b": ["b1", "b2", "b1", "b2"], "n": [30, 10, 20, 40]})
    targets = [pd.Series({"a1": 60.0, "a2": 40.0}), pd.Series({"b1": 50.0, "b2": 50.0})]
    weights = sw.rake(counts, [["a"], ["b"]], targets)
    assert weights == pytest.approx([4 / 3, 2.0, 0.5, 0.75], abs=1e-9)


def _synthetic(seed: int = 7):
    rng = np.random.default_rng(seed)
    cells = pd.MultiIndex.from_product([["18-29", "30-49", "50+"], ["男性", "女性"], ["東", "西", "南", "北"]],
                                       names=sw.CELL).to_frame(index=False)
    counts = cells.assign(n=rng.integers(3, 60, len(cells)))
    population = cells.assign(population=rng.integers(200, 3000, len(cells)).astype(float))
    total = counts["n"].sum() / population["population"].sum()
    targets = [population.groupby(m)["population"].sum() * total for m in sw.MARGINS]
    return counts, targets


def _calibration_by_newton(counts: pd.DataFrame, targets: list[pd.Series]) -> np.ndarray:
    """The same weights found another way: calibration with the raking distance (Deville & Särndal 1992)
    has weights w = exp(x'λ), λ minimizing Σ n·exp(x'λ) − λ'T; solved with scipy's trust-region Newton."""
    columns = []
    for margin, target in zip(sw.MARGINS, targets, strict=True):
        keys = counts[margin].apply(tuple, axis=1) if len(margin) > 1 else counts[margin[0]]
        categories = list(target.index)[: -1] if columns else list(target.index)  # drop one: no redundancy
        columns += [(keys == c).to_numpy(float) for c in categories]
    x = np.column_stack(columns)
    goal = np.concatenate([targets[0].to_numpy(), targets[1].to_numpy()[:-1]])
    n = counts["n"].to_numpy(float)

    def objective(lam):
        w = np.exp(x @ lam)
        return np.sum(n * w) - lam @ goal, x.T @ (n * w) - goal

    def hessian(lam):
        return x.T @ (x * (n * np.exp(x @ lam))[:, None])

    found = optimize.minimize(objective, np.zeros(x.shape[1]), jac=True, hess=hessian, method="trust-exact",
                              options={"gtol": 1e-12})
    return np.exp(x @ found.x)


def test_raking_agrees_with_calibration_solved_by_newton_and_meets_every_target():
    counts, targets = _synthetic()
    weights = sw.rake(counts, sw.MARGINS, targets)
    assert weights == pytest.approx(_calibration_by_newton(counts, targets), rel=1e-8)
    for margin, target in zip(sw.MARGINS, targets, strict=True):
        raked = counts.assign(w=counts["n"] * weights).groupby(margin)["w"].sum().reindex(target.index)
        assert np.max(np.abs(raked.to_numpy() - target.to_numpy())) < 1e-9


def _respondents(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.loc[counts.index.repeat(counts["n"]), sw.CELL].reset_index(drop=True)


def test_weights_above_the_cap_are_trimmed_and_the_margins_still_met():
    counts, _ = _synthetic()
    counts.loc[0, "n"] = 1  # one young man in 東 stands for many
    population = counts[sw.CELL].assign(population=1000.0)
    population.loc[0, "population"] = 9000.0
    links = pd.DataFrame({"survey_band": ["18-29", "30-49", "50+"], "population_band": ["18-29", "30-49", "50+"],
                          "fraction": 1.0})
    untrimmed = sw.weight_survey(_respondents(counts), population, links, cap=1000)
    assert untrimmed.cells["weight"].max() > 5
    weighting = sw.weight_survey(_respondents(counts), population, links, cap=5)
    assert weighting.cells["weight"].max() == pytest.approx(5, abs=1e-9) and weighting.trimmed > 0
    assert weighting.capped_fully
    margins = weighting.margins
    assert np.max(np.abs(margins["weighted_share"] - margins["population_share"])) < 1e-6


def test_a_district_with_people_and_no_respondent_is_refused_in_japanese():
    counts, targets = _synthetic()
    counts = counts[counts["district"] != "北"]
    with pytest.raises(sw.WeightingError) as refused:
        sw.rake(counts.reset_index(drop=True), sw.MARGINS, targets)
    assert "「北」に回答者が一人もいない" in refused.value.text("ja")
    assert "Nobody answered in “北”" in refused.value.text("en")


def test_survey_age_bands_take_the_population_bands_that_make_them():
    links = sw.age_band_links(DEMO_SURVEY_BANDS, DEMO_POPULATION_BANDS)
    young = links[links["survey_band"] == "18-29"]
    assert young.set_index("population_band")["fraction"].to_dict() == {"15-19": 0.4, "20-24": 1.0, "25-29": 1.0}
    assert links[links["survey_band"] == "80+"]["population_band"].tolist() == ["80-84", "85-89", "90+"]
    assert "0-4" not in set(links["population_band"])
    assert "18-29 ← 15-19 の 40% + 20-24 + 25-29" in sw.links_text(links)


@pytest.mark.parametrize("survey_bands, population_bands, key", [
    (["70-79", "80-89", "90+"], ["70-74", "75-79", "80-84", "85+"], "open_band"),  # 85+ cannot be split
    (["18-29"], ["20-24", "25-29"], "uncovered_band"),  # nobody stands for 18 and 19
    (["80+"], ["80-84", "85-89"], "uncovered_band"),  # an open band needs an open band
    (["高齢者"], ["80-84"], "age_band"),
])
def test_age_bands_that_cannot_be_matched_are_refused(survey_bands, population_bands, key):
    with pytest.raises(sw.WeightingError) as refused:
        sw.age_band_links(survey_bands, population_bands)
    text = refused.value.text("ja")
    assert refused.value.key == key and text.endswith("。") and f"「{refused.value.values['band']}」" in text


def test_weighted_share_and_interval_match_the_textbook_formula_by_hand():
    # Four respondents answering 1, 2, 1, 2 with weights 1, 1, 2, 4.
    # Weighted share of answer 1: (1 + 2) / 8 = 0.375. Kish (1965) deff = n·Σw² / (Σw)² = 4·22 / 64 = 1.375,
    # n_eff = 4 / 1.375 = 2.909…; 95 % interval p ± 1.96·√(p(1 − p) / n_eff) (Cochran 1977, §3.3).
    answers = pd.DataFrame({"q": [1, 2, 1, 2]})
    table = sw.weighted_shares(answers, pd.Series([1.0, 1.0, 2.0, 4.0]), ["q"], [1, 2]).set_index("level")
    half = 1.959963984540054 * math.sqrt(0.375 * 0.625 / (4 / 1.375))
    assert table.loc[1, "deff"] == pytest.approx(1.375, abs=1e-12)
    assert table.loc[1, "n_eff"] == pytest.approx(4 / 1.375, abs=1e-12)
    assert table.loc[1, "w_share"] == pytest.approx(37.5, abs=1e-12)
    assert table.loc[1, "w_low"] == pytest.approx(max(0.0, 100 * (0.375 - half)), abs=1e-9)
    assert table.loc[1, "w_high"] == pytest.approx(100 * (0.375 + half), abs=1e-9)
    # Unweighted: 0.5 ± 1.96·√(0.25 / 4) = 0.5 ± 0.48999…
    assert (table.loc[1, "low"], table.loc[1, "high"]) == pytest.approx(
        (100 * (0.5 - 0.4899909961), 100 * (0.5 + 0.4899909961)), abs=1e-7
    )


def test_the_interval_agrees_with_statsmodels_normal_interval_on_the_effective_sample():
    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(3)
    answers = pd.DataFrame({"q": rng.integers(1, 6, 400)})
    weights = pd.Series(rng.uniform(0.3, 3.0, 400))
    row = sw.weighted_shares(answers, weights, ["q"], [1, 2, 3, 4, 5]).iloc[3]
    p = row["w_share"] / 100
    low, high = proportion_confint(p * row["n_eff"], row["n_eff"], alpha=0.05, method="normal")
    assert (row["w_low"] / 100, row["w_high"] / 100) == pytest.approx((low, high), abs=1e-12)


# ---------------------------------------------------------------------------- the demo survey
@pytest.fixture(scope="module")
def demo(store):
    cursor = store.published()
    catalog = load_catalog()
    spec = weighted_survey.spec_for(cursor, catalog, "survey", ["imp_子育て支援", "imp_介護福祉", "sat_公共交通"], [])
    weighting, shares = weighted_survey.compute(cursor, catalog, spec)
    yield cursor, catalog, spec, weighting, shares.set_index(["item", "level"])
    cursor.close()


def test_the_demo_survey_is_raked_to_the_2025_population(demo):
    _, _, spec, weighting, _ = demo
    assert spec["year"] == 2025 and spec["population"] == "population" and spec["areas"] == "areas"
    margins = weighting.margins
    assert np.max(np.abs(margins["weighted_share"] - margins["population_share"])) < 1e-9
    young = margins[margins["category"] == "18-29・男性"].iloc[0]
    assert young["sample_share"] < young["population_share"]  # older people answered more often (planted)
    assert weighting.excluded == 73  # 「回答しない」 and no answer to sex
    assert 1 < weighting.deff < 1.2 and weighting.capped_fully


def test_the_planted_age_effects_come_back_after_weighting(demo):
    # datasets/generator/survey.py: response rises with age (0.30 at 18-29 … 0.66 at 70-79); importance of
    # 子育て支援 is +0.7 at 30-39 and −0.3 from 60, of 介護福祉 +0.18 per ten years. Respondents are older than the
    # city, so weighting must raise 「重要」 for 子育て支援 and lower it for 介護福祉, each beyond its margin.
    shares = demo[4]
    child, care = shares.loc[("imp_子育て支援", 5)], shares.loc[("imp_介護福祉", 5)]
    assert child["diff"] > 2.5 and bool(child["matters"])  # found: 23.5 % → 26.5 %
    assert care["diff"] < -2.5 and bool(care["matters"])  # found: 34.8 % → 31.9 %


def test_the_reading_names_the_biggest_move_beyond_the_margin(demo):
    cursor, catalog, spec, _, _ = demo
    result = run_analysis(cursor, catalog, spec, "ja")
    assert result.reading.startswith("人口構成で補正すると、2 個の回答で割合が誤差の幅を超えて変わります。")
    assert "「子育て支援の重要度」の「重要」で 23.5% → 26.5%" in result.reading
    assert "なぜ答えたか" in result.caution and result.figure is not None
    assert {"補正前（%）", "補正後 下限（%）", "誤差の幅を超える差"} <= set(result.table.columns)
    assert weighted_survey.datasets(spec) == ["survey", "population", "areas"]


def test_small_answer_counts_are_hidden_with_their_shares(store):
    cursor, catalog = store.published(), load_catalog()
    try:
        spec = weighted_survey.spec_for(cursor, catalog, "survey", ["sat_公共交通"],
                                        [Filter("district", "in", ["丘陵地区"]), Filter("age_band", "in", ["80+"])])
        _, shares = weighted_survey.compute(cursor, catalog, spec)
    finally:
        cursor.close()
    counts = shares["count"].dropna()
    assert shares["count"].isna().any() and not ((counts > 0) & (counts < MIN_CELL)).any()
    hidden = shares[shares["count"].isna()]
    assert hidden[["share", "w_share", "w_low", "w_high", "diff"]].isna().all().all()
