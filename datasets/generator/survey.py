"""市民意識調査 2025: a mailed survey of residents 18+, ~2,000 respondents.

Invitations are a random sample of the 2025 population; older people answer more often (unit
non-response skews the sample older), older respondents skip more items and more of the later
questions, and some stop part-way. Satisfaction depends on where people live; one age effect
is planted: in the hillside district, satisfaction with public transport falls with age.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .comments import write_comment
from .constants import HOUSEHOLDS, RESIDENCE_YEARS, SURVEY_AGE_BANDS, SURVEY_ITEMS, SURVEY_YEAR
from .population import population_array

N_INVITED = 4100
RESPONSE = np.array([0.30, 0.37, 0.45, 0.52, 0.62, 0.66, 0.46])  # by SURVEY_AGE_BANDS
BAND10 = np.array([-1, -1, -1, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6])  # 5-year band → 10-year
CUTS = np.array([-1.3, -0.45, 0.45, 1.3])

SAT_MEAN = {"公共交通": -0.1, "医療": 0.25, "介護福祉": 0.0, "子育て支援": 0.05, "防災": -0.05,
            "道路": -0.2, "公園緑地": 0.3, "買い物": 0.3, "地域のつながり": 0.1, "行政窓口": 0.15}
SAT_DISTRICT = {
    "中央地区": {"公共交通": 0.7, "医療": 0.3, "買い物": 0.6, "公園緑地": -0.2},
    "北部地区": {"公共交通": -0.2, "買い物": -0.1},
    "丘陵地区": {"公共交通": -0.35, "買い物": -0.6, "道路": -0.3, "地域のつながり": 0.2, "医療": -0.2},
    "ニュータウン地区": {"子育て支援": -0.75, "公園緑地": 0.5, "道路": 0.4, "買い物": 0.2, "地域のつながり": -0.3},
    "川沿い地区": {"防災": -0.6, "道路": -0.1},
    "南部地区": {"公共交通": -0.5, "買い物": -0.4, "地域のつながり": 0.3},
}
HILL_TRANSPORT_SLOPE = -0.34  # latent units per 10-year age step, hillside district only
IMP_MEAN = {"公共交通": 0.6, "医療": 1.2, "介護福祉": 0.9, "子育て支援": 0.7, "防災": 1.0, "道路": 0.6,
            "公園緑地": 0.2, "買い物": 0.5, "地域のつながり": 0.1, "行政窓口": 0.3}


def _likert(latent: np.ndarray) -> np.ndarray:
    return 1 + np.searchsorted(CUTS, latent)


def make_survey(rng: np.random.Generator, population: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    codes = areas["area_code"].tolist()
    pop = population_array(population, codes, SURVEY_YEAR).astype(float)  # area × band × sex
    weight = pop.copy()
    weight[:, :3, :] = 0.0
    weight[:, 3, :] *= 0.4  # only 18 and 19 of the 15-19 band
    flat = weight.ravel() / weight.sum()
    counts = rng.multinomial(N_INVITED, flat)
    cell = np.repeat(np.arange(flat.size), counts)
    a_idx, b5, s_idx = np.unravel_index(cell, weight.shape)
    age = BAND10[b5]
    responded = rng.random(len(age)) < RESPONSE[age]
    a_idx, age, s_idx = a_idx[responded], age[responded], s_idx[responded]
    n = len(age)
    district = areas["district"].to_numpy()[a_idx]
    char = areas["area_character"].to_numpy()[a_idx]

    sex = np.where(s_idx == 0, "男性", "女性").astype(object)
    sex[rng.random(n) < np.where(age == 0, 0.035, 0.015)] = "回答しない"

    # Years of residence.
    base_res = np.array([[0.45, 0.40, 0.15], [0.45, 0.40, 0.15], [0.25, 0.45, 0.30], [0.15, 0.35, 0.50],
                         [0.07, 0.18, 0.75], [0.06, 0.16, 0.78], [0.06, 0.14, 0.80]])
    res_mod = {"ニュータウン": [2.2, 1.6, 0.25], "中心市街地": [1.3, 1.0, 0.9], "農村部": [0.5, 0.8, 1.6],
               "丘陵住宅団地": [0.6, 0.8, 1.4]}
    p = base_res[age] * np.array([res_mod.get(c, [1.0, 1.0, 1.0]) for c in char])
    residence = _draw(rng, p, RESIDENCE_YEARS)

    base_hh = np.array([[0.30, 0.08, 0.52, 0.05, 0.05], [0.18, 0.20, 0.55, 0.04, 0.03],
                        [0.12, 0.10, 0.68, 0.06, 0.04], [0.14, 0.22, 0.52, 0.07, 0.05],
                        [0.16, 0.42, 0.30, 0.08, 0.04], [0.22, 0.50, 0.18, 0.07, 0.03],
                        [0.35, 0.38, 0.15, 0.08, 0.04]])
    hh_mod = {"農村部": [0.8, 1.0, 1.0, 2.5, 1.0], "中心市街地": [1.5, 1.0, 0.9, 0.6, 1.0],
              "丘陵住宅団地": [1.1, 1.3, 0.9, 0.7, 1.0]}
    p = base_hh[age] * np.array([hh_mod.get(c, [1.0] * 5) for c in char])
    household = _draw(rng, p, HOUSEHOLDS)

    person = rng.normal(0.0, 0.45, n)
    items = [s for s, _, _ in SURVEY_ITEMS]
    sat = {}
    for s in items:
        sat[s] = _likert(_satisfaction_mean(s, district, age) + person + rng.normal(0.0, 0.85, n)).astype(float)
    imp = {}
    for s in items:
        imp[s] = _likert(_importance_mean(s, district, age) + 0.5 * person + rng.normal(0.0, 0.8, n)).astype(float)
    values, stopped = _with_item_nonresponse(rng, sat, imp, age)
    comments = _comments(rng, values, stopped, district, age)

    df = pd.DataFrame({
        "age_band": np.array(SURVEY_AGE_BANDS)[age],
        "sex": sex.astype(str),
        "district": district,
        "residence_years": residence,
        "household": household,
    })
    for k, v in values.items():  # nullable small integers: NaN (no answer) becomes null
        df[k] = pd.array([None if x != x else int(x) for x in v], dtype="Int8")
    df["comment"] = pd.Series(comments, dtype="object")
    # Shuffle so that the id carries no information about the sampling cell.
    df = df.iloc[rng.permutation(n)].reset_index(drop=True)
    df.insert(0, "respondent_id", [f"R{i + 1:04d}" for i in range(n)])
    return df


def _satisfaction_mean(item: str, district: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Each respondent's expected satisfaction with `item`: by district, and by age for some services."""
    centred_age = age - 3.0
    mu = SAT_MEAN[item] + np.array([SAT_DISTRICT[d].get(item, 0.0) for d in district])
    if item == "公共交通":
        mu = mu + np.where(district == "丘陵地区", HILL_TRANSPORT_SLOPE * centred_age, 0.0)
    if item in ("医療", "行政窓口", "地域のつながり"):
        mu = mu + 0.08 * centred_age
    if item == "子育て支援":
        mu = mu + np.where((district == "ニュータウン地区") & (age >= 1) & (age <= 2), -0.3, 0.0)
    return mu


def _importance_mean(item: str, district: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Each respondent's expected importance of `item`: higher where and at the ages it matters."""
    centred_age = age - 3.0
    mu = np.full(len(age), IMP_MEAN[item])
    if item == "医療":
        mu += 0.1 * centred_age
    if item == "介護福祉":
        mu += 0.18 * centred_age
    if item == "子育て支援":
        mu += np.select([age == 1, age == 0, age >= 4], [0.7, 0.3, -0.3], 0.0)
    if item == "公共交通":
        mu += np.where(district == "丘陵地区", 0.5, 0.0) + np.where(age == 6, 0.3, 0.0)
    if item == "防災":
        mu += np.where(district == "川沿い地区", 0.5, 0.0)
    return mu


def _with_item_nonresponse(rng: np.random.Generator, sat: dict, imp: dict,
                           age: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The answers per column (sat_…, imp_…) with item non-response: more among older respondents and for
    later questions; some stop part-way. Also who stopped part-way."""
    n = len(age)
    columns = [("sat", s) for s in sat] + [("imp", s) for s in imp]
    age_extra = np.array([0.0, 0.0, 0.0, 0.005, 0.012, 0.03, 0.08])[age]
    stop_p = np.array([0.02, 0.02, 0.02, 0.02, 0.04, 0.07, 0.13])[age]
    stops = np.where(rng.random(n) < stop_p, rng.integers(6, len(columns), n), len(columns))
    values = {}
    for q, (kind, s) in enumerate(columns):
        v = (sat if kind == "sat" else imp)[s].copy()
        p_miss = 0.008 + 0.0025 * q + age_extra
        if kind == "sat" and s == "子育て支援":
            p_miss = p_miss + np.where(age >= 4, 0.12, 0.0)
        if kind == "sat" and s == "介護福祉":
            p_miss = p_miss + np.where(age <= 2, 0.08, 0.0)
        v[(rng.random(n) < p_miss) | (q >= stops)] = np.nan
        values[f"{kind}_{s}"] = v
    return values, stops < len(columns)


def _comments(rng: np.random.Generator, values: dict[str, np.ndarray], stopped: np.ndarray,
              district: np.ndarray, age: np.ndarray) -> list[str | None]:
    """Free text: ~40 % write something (fewer of those who stopped part-way), in line with their answers."""
    items = [s for s, _, _ in SURVEY_ITEMS]
    p_comment = np.array([0.33, 0.45, 0.46, 0.46, 0.43, 0.40, 0.30])[age] * np.where(stopped, 0.3, 1.0)
    wants = rng.random(len(age)) < p_comment
    comments = []
    for i in range(len(age)):
        if not wants[i]:
            comments.append(None)
            continue
        answers = {s: values[f"sat_{s}"][i] for s in items}
        comments.append(write_comment(rng, answers, district[i], int(age[i])))
    return comments


def _draw(rng: np.random.Generator, p: np.ndarray, labels: list[str]) -> np.ndarray:
    p = p / p.sum(axis=1, keepdims=True)
    u = rng.random(len(p))
    idx = (u[:, None] > p.cumsum(axis=1)).sum(axis=1).clip(max=len(labels) - 1)
    return np.array(labels)[idx]

