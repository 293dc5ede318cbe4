"""Survey weighting: rake the respondents to the population by 年代 × 性別 and 地区.

Who answers a mailed survey is not who lives in the city (older people reply more often). Raking
(iterative proportional fitting) gives every respondent a weight so that the weighted respondents
match the population on two margins: 年代 × 性別 (one joint margin) and 地区. The population comes
from the published population table (町丁目 × 5-year band × sex), summed to 地区 through the areas
table, and its 5-year bands are mapped to the survey's bands by `age_band_links` (ages spread
evenly inside a band: 15〜19歳 gives 2/5 of itself to a survey band starting at 18).

Rules, stated on the page:
- a respondent whose 年代, 性別 or 地区 is not one the population has (no answer, 「回答しない」) cannot
  be weighted and is left out of both the weighted and the unweighted figures;
- a margin category with people but no respondent is refused (no collapsing): its people cannot
  be represented by anyone;
- weights above CAP × the mean are cut to it and held there while the other weights are raked
  again, until no other weight goes above it (at most TRIM_ROUNDS rounds); when the margins cannot
  be met under the cap, the untrimmed weights stand and the page says so;
- intervals: p ± 1.96·√(p(1−p)/n_eff), n_eff = n / deff, deff = n·Σw²/(Σw)² (Kish 1965), the
  unweighted one with n itself; both cut to 0–100 %.

Every respondent of one 年代 × 性別 × 地区 cell gets the same weight, so weights are kept per cell:
a filtered subset of respondents is weighted by looking its cells up (domain estimation with the
whole sample's weights, as survey practice does).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis.age_groups import band_lower_age, band_upper_age
from lib.errors import WorkbenchError
from lib.i18n import t

CAP = 5.0  # a weight may be at most CAP × the mean weight
TRIM_ROUNDS = 50
Z95 = 1.959963984540054  # the standard normal's 97.5 % point
CELL = ["age_band", "sex", "district"]
MARGINS = [["age_band", "sex"], ["district"]]
_OPEN = 10_000  # the upper age of an open band ("90+")


class WeightingError(WorkbenchError):
    """The survey cannot be weighted as asked; `key` names the sentence in lib/locale."""
    key_prefix = "weighting.error."


# ---------------------------------------------------------------------------- ages
def _ages(band: str) -> tuple[int, int]:
    lower = band_lower_age(band)
    if lower is None:
        raise WeightingError("age_band", band=band)
    upper = band_upper_age(band)
    return lower, _OPEN if upper is None else upper


def age_band_links(survey_bands, population_bands) -> pd.DataFrame:
    """Which share of each population band belongs to each survey band: survey_band, population_band,
    fraction (overlapping ages / ages of the population band, i.e. people spread evenly over the ages of
    a band). Ages below the youngest survey band are left out. A survey band that would need part of an
    open population band ("90+"), or whose ages the population bands do not all cover, is refused."""
    rows = []
    for band in survey_bands:
        low, high = _ages(band)
        covered = 0
        for pop_band in population_bands:
            pop_low, pop_high = _ages(pop_band)
            overlap = min(high, pop_high) - max(low, pop_low) + 1
            if overlap <= 0:
                continue
            if pop_high == _OPEN and (high != _OPEN or pop_low < low):
                raise WeightingError("open_band", band=band, population_band=pop_band)
            covered += overlap
            rows.append({"survey_band": band, "population_band": pop_band,
                         "fraction": overlap / (pop_high - pop_low + 1)})
        if covered != high - low + 1:  # an open survey band needs an open population band too
            raise WeightingError("uncovered_band", band=band)
    return pd.DataFrame(rows, columns=["survey_band", "population_band", "fraction"])


def links_text(links: pd.DataFrame, lang: str = "ja") -> str:
    """The mapping in words: 「18-29 ← 15-19 の 40% + 20-24 + 25-29　…」."""
    parts = []
    for band, group in links.groupby("survey_band", sort=False):
        terms = [row.population_band if row.fraction == 1 else
                 t("weighting.link_part", lang, band=row.population_band, share=f"{row.fraction:.0%}")
                 for row in group.itertuples()]
        parts.append(f"{band} ← " + " + ".join(terms))
    return t("weighting.links", lang, links="　".join(parts))


def population_targets(population: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Population (age_band in 5-year bands, sex, district, population) in the survey's bands: CELL + population."""
    joined = population.merge(links, left_on="age_band", right_on="population_band")
    joined = joined.assign(age_band=joined["survey_band"], population=joined["population"] * joined["fraction"])
    return joined.groupby(CELL, as_index=False, observed=True)["population"].sum()


# ---------------------------------------------------------------------------- raking
def _cell_label(key) -> str:
    values = key if isinstance(key, tuple) else (key,)
    return "・".join(str(v) for v in values)


def rake(counts: pd.DataFrame, margins: list[list[str]], targets: list[pd.Series], *, start=None, fixed=None,
         tol: float = 1e-12, max_iter: int = 1000) -> np.ndarray:
    """Weight per cell (`counts`: one row per cell, its dimension columns and `n` respondents) such that
    Σ n·w over each margin's categories equals that margin's target (a Series indexed by the
    category; a MultiIndex for a joint margin). Iterative proportional fitting (Deming & Stephan 1940):
    each pass scales the weights of every category of one margin by target / current. `start`: the
    weights to begin from (1 for every cell by default); `fixed`: cells whose weight stays as it starts
    (the others make up the rest of each target)."""
    n = counts["n"].to_numpy(float)
    weights = np.ones(len(counts)) if start is None else np.asarray(start, dtype=float)
    free = np.ones(len(counts), dtype=bool) if fixed is None else ~np.asarray(fixed, dtype=bool)
    codes, wanted = [], []
    for columns, target in zip(margins, targets, strict=True):
        keys = counts[columns].apply(tuple, axis=1) if len(columns) > 1 else counts[columns[0]]
        index = pd.Index(target.index)
        code = index.get_indexer(keys)
        if (code < 0).any():
            raise WeightingError("no_population", cell=_cell_label(keys[code < 0].iloc[0]))
        present = np.bincount(code, weights=n, minlength=len(index))
        empty = (present == 0) & (target.to_numpy(float) > 0)
        if empty.any():
            raise WeightingError("empty_cell", cell=_cell_label(index[np.argmax(empty)]))
        codes.append(code)
        wanted.append(target.to_numpy(float))
    for _ in range(max_iter):
        worst = 0.0
        for code, goal in zip(codes, wanted, strict=True):
            current = np.bincount(code, weights=n * weights, minlength=len(goal))
            movable = np.bincount(code, weights=n * weights * free, minlength=len(goal))
            factor = np.divide(goal - (current - movable), movable, out=np.ones_like(goal), where=movable > 0)
            weights = np.where(free, weights * factor[code], weights)
            worst = max(worst, float(np.max(np.abs(current - goal) / np.maximum(goal, 1e-300))))
        if worst < tol:
            break
    return weights


@dataclass
class Weighting:
    """The weights per 年代 × 性別 × 地区 cell and what the page says about them."""
    cells: pd.DataFrame  # CELL + n (respondents) + weight (mean weight over respondents = 1)
    margins: pd.DataFrame  # per margin category: margin, category, n, sample_share, population_share, weighted_share
    links: pd.DataFrame  # survey age band ← population age bands
    excluded: int  # respondents who could not be weighted
    trimmed: int  # respondents whose weight was cut to the cap
    cap: float
    capped_fully: bool  # False: the cap still binds after TRIM_ROUNDS rounds
    deff: float  # Kish's design effect of all weighted respondents
    respondents: int

    def weights_of(self, frame: pd.DataFrame) -> pd.Series:
        """The weight of each row of `frame` (CELL columns); NaN for a row that cannot be weighted."""
        looked_up = frame[CELL].astype(object).merge(self.cells[CELL + ["weight"]].astype({c: object for c in CELL}),
                                                    on=CELL, how="left")
        return pd.Series(looked_up["weight"].to_numpy(), index=frame.index, name="weight")


def kish_deff(weights) -> float:
    """Kish's design effect of unequal weights: n·Σw² / (Σw)² (1 when all weights are equal)."""
    w = np.asarray(weights, dtype=float)
    return float(len(w) * np.sum(w ** 2) / np.sum(w) ** 2)


def weight_survey(respondents: pd.DataFrame, population: pd.DataFrame, links: pd.DataFrame,
                  cap: float = CAP) -> Weighting:
    """Rake respondents (CELL columns, one row each) to population (CELL in 5-year bands + population)."""
    targets_cells = population_targets(population, links)
    known = {c: set(targets_cells[c]) for c in CELL}
    usable = respondents[CELL].notna().all(axis=1)
    for column in CELL:
        usable &= respondents[column].isin(known[column])
    sample = respondents.loc[usable, CELL]
    if sample.empty:
        raise WeightingError("nobody")
    counts = sample.groupby(CELL, as_index=False, observed=True).size().rename(columns={"size": "n"})
    total_population = targets_cells["population"].sum()
    targets = [targets_cells.groupby(m, observed=True)["population"].sum() / total_population * len(sample)
               for m in MARGINS]
    weights = rake(counts, MARGINS, targets)
    n = counts["n"].to_numpy(float)
    # Targets add up to the respondents, so the mean weight is 1 and the cap is `cap` itself: cells above it
    # are held at the cap while the others are raked again, until no other cell goes above it.
    trimmed = np.zeros(len(counts), dtype=bool)
    capped = weights
    for _ in range(TRIM_ROUNDS):
        over = capped > cap * (1 + 1e-9)
        if not over.any():
            break
        trimmed |= over
        capped = rake(counts, MARGINS, targets, start=np.where(trimmed, cap, capped), fixed=trimmed)
    capped_fully = not (capped > cap * (1 + 1e-9)).any() and _largest_miss(counts, capped, targets) < 1e-9
    weights = capped if capped_fully else weights
    weights = weights / (np.sum(n * weights) / n.sum())
    cells = counts.assign(weight=weights)
    per_person = np.repeat(cells["weight"].to_numpy(), counts["n"].to_numpy())
    return Weighting(cells, _margin_table(cells, targets, len(sample)), links,
                     excluded=int(len(respondents) - len(sample)), trimmed=int(n[trimmed].sum()) if capped_fully else 0,
                     cap=cap, capped_fully=capped_fully, deff=kish_deff(per_person), respondents=int(len(sample)))


def _largest_miss(counts: pd.DataFrame, weights: np.ndarray, targets: list[pd.Series]) -> float:
    """The largest relative gap between a weighted margin and its target."""
    weighted = counts.assign(w=counts["n"] * weights)
    return max(float(np.max(np.abs(weighted.groupby(m, observed=True)["w"].sum().reindex(target.index).fillna(0)
                                   - target) / target.clip(lower=1e-300)))
               for m, target in zip(MARGINS, targets, strict=True))


def _margin_table(cells: pd.DataFrame, targets: list[pd.Series], respondents: int) -> pd.DataFrame:
    parts = []
    for columns, target in zip(MARGINS, targets, strict=True):
        grouped = cells.assign(weighted=cells["n"] * cells["weight"]).groupby(columns, observed=True)
        frame = grouped[["n", "weighted"]].sum().reindex(target.index).fillna(0)
        parts.append(pd.DataFrame({
            "margin": "×".join(columns),
            "category": [_cell_label(key) for key in frame.index],
            "n": frame["n"].astype(int).to_numpy(),
            "sample_share": 100 * frame["n"].to_numpy() / respondents,
            "population_share": 100 * target.to_numpy() / respondents,
            "weighted_share": 100 * frame["weighted"].to_numpy() / respondents,
        }))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------- shares and intervals
def proportion_interval(p, n_eff, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wald interval p ± z·√(p(1−p)/n_eff) for a share p (0–1), cut to 0–1."""
    p = np.asarray(p, dtype=float)
    half = z * np.sqrt(p * (1 - p) / np.asarray(n_eff, dtype=float))
    return np.clip(p - half, 0, 1), np.clip(p + half, 0, 1)


def weighted_shares(answers: pd.DataFrame, weights: pd.Series, items: list[str], levels: list[int]) -> pd.DataFrame:
    """Per item and answer level, among weighted respondents who answered the item: count, answered,
    unweighted share and 95 % interval (share, low, high), weighted share and interval (w_share, w_low,
    w_high), deff and n_eff of the item, the difference (points) and whether it exceeds the weighted
    interval's half width (`matters`). Shares in %."""
    rows = []
    usable = weights.notna()
    for item in items:
        values = pd.to_numeric(answers.loc[usable, item], errors="coerce").round()
        answered = values.isin(levels)
        y, w = values[answered].to_numpy(), weights[usable][answered].to_numpy(float)
        n = len(y)
        deff = kish_deff(w) if n else float("nan")
        n_eff = n / deff if n else float("nan")
        for level in levels:
            hit = y == level
            p = hit.mean() if n else float("nan")
            p_w = w[hit].sum() / w.sum() if n else float("nan")
            low, high = proportion_interval(p, n)
            w_low, w_high = proportion_interval(p_w, n_eff)
            rows.append({"item": item, "level": level, "count": int(hit.sum()), "answered": n,
                         "share": 100 * p, "low": 100 * low, "high": 100 * high,
                         "w_share": 100 * p_w, "w_low": 100 * w_low, "w_high": 100 * w_high,
                         "deff": deff, "n_eff": n_eff})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["diff"] = table["w_share"] - table["share"]
    margin = (table["w_high"] - table["w_low"]) / 2
    table["matters"] = table["diff"].abs() > margin
    return table


def reading(table: pd.DataFrame, item_label, level_label, lang: str = "ja") -> str:
    """One plain line: whether weighting moves any share by more than its margin, and the biggest move.
    `table` is `weighted_shares` after the small-cell rule (hidden rows have NaN shares);
    item_label(item) and level_label(item, level) give the words."""
    shown = table.dropna(subset=["share", "w_share"])
    if shown.empty:
        return t("weighting.reading_none_shown", lang)
    moved = shown[shown["matters"].astype(bool)]
    biggest = (moved if len(moved) else shown).loc[lambda f: f["diff"].abs().idxmax()]
    values = dict(item=item_label(biggest["item"]), level=level_label(biggest["item"], biggest["level"]),
                  before=f"{biggest['share']:.1f}", after=f"{biggest['w_share']:.1f}",
                  margin=f"{(biggest['w_high'] - biggest['w_low']) / 2:.1f}", count=len(moved))
    return t("weighting.reading_matters" if len(moved) else "weighting.reading_small", lang, **values)
