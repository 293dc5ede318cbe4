"""住民基本台帳人口 by 町丁目 × 5-year age band × sex, 1 October 2020–2025.

A small cohort-component simulation in integers: the 2021 population is drawn from an age
profile that depends on the area's character (ageing hillside estates, young new town, ...);
each following year people age (a fifth of each band moves up), die (binomial), are born
(Poisson, from women 15–49) and move (Poisson, by character). So the years change plausibly:
ageing rises, the total declines slightly, the new town grows.

2020 is added afterwards by running one year of that simulation backwards from 2021 (see
`backcast_year`), so that 2020 → 2025 gives the five-year interval the cohort change-ratio
projection needs, while every other year and dataset stays exactly as it was.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import AGE_BANDS, BACKCAST_YEAR, SEXES, YEARS

# A Japanese-like 2020 age profile (share of the total, %), 0-4 … 90+.
BASE_PROFILE = np.array([3.6, 4.0, 4.3, 4.5, 5.0, 5.0, 5.3, 6.0, 6.8, 7.6, 6.9, 6.2, 5.9,
                         6.6, 7.4, 5.8, 4.8, 3.2, 2.0])


def _mods(pairs: dict[tuple[int, int], float]) -> np.ndarray:
    m = np.ones(len(AGE_BANDS))
    for (lo, hi), f in pairs.items():
        m[lo:hi + 1] = f
    return m


# Multipliers on the profile by band index (0 = "0-4", 13 = "65-69", 18 = "90+").
CHARACTER_AGE_MODS = {
    "中心市街地": _mods({(0, 2): 0.85, (4, 6): 1.35, (13, 18): 0.92}),
    "既成住宅地": _mods({(13, 18): 1.0}),
    "丘陵住宅団地": _mods({(0, 2): 0.55, (3, 3): 0.7, (4, 7): 0.55, (8, 10): 0.8, (11, 12): 1.15,
                       (13, 14): 1.5, (15, 16): 1.6, (17, 18): 1.2}),
    "ニュータウン": _mods({(0, 1): 2.1, (2, 2): 1.6, (3, 4): 0.85, (5, 6): 1.65, (7, 8): 1.75,
                      (9, 10): 1.1, (11, 12): 0.75, (13, 14): 0.72, (15, 18): 0.5}),
    "川沿い低地": _mods({(4, 6): 0.9, (13, 18): 1.1}),
    "農村部": _mods({(0, 2): 0.85, (4, 7): 0.72, (13, 18): 1.32}),
}

# People per km² (before the area's own noise and the scaling to the city total).
DENSITY = {"中心市街地": 6500.0, "既成住宅地": 3000.0, "丘陵住宅団地": 4600.0, "ニュータウン": 3300.0,
           "川沿い低地": 2300.0, "農村部": 420.0}

FEMALE_SHARE = np.array([0.488] * 12 + [0.50, 0.515, 0.53, 0.555, 0.59, 0.66, 0.76])

# Annual survival, both sexes; men die 1.35× as often, women 0.75×.
SURVIVAL = np.array([0.9990, 0.9998, 0.9998, 0.9997, 0.9995, 0.9995, 0.9994, 0.9992, 0.9989,
                     0.9984, 0.9975, 0.9962, 0.9940, 0.9910, 0.9860, 0.9760, 0.9580, 0.9200, 0.8300])

# Annual births per woman by band (15-19 … 45-49): TFR ≈ 1.3.
ASFR = {3: 0.003, 4: 0.025, 5: 0.075, 6: 0.095, 7: 0.055, 8: 0.012, 9: 0.0003}
FERTILITY = {"中心市街地": 0.85, "既成住宅地": 1.0, "丘陵住宅団地": 0.9, "ニュータウン": 1.2,
             "川沿い低地": 1.0, "農村部": 1.05}

# Net migration per year, as a share of the band.
MIGRATION = {
    "中心市街地": _mods({(0, 18): 0.0, (4, 5): 0.012, (6, 7): -0.008}),
    "既成住宅地": _mods({(0, 18): -0.001, (4, 6): -0.010, (0, 2): -0.003}),
    "丘陵住宅団地": _mods({(0, 18): -0.004, (0, 2): -0.015, (4, 6): -0.040}),
    "ニュータウン": _mods({(0, 18): 0.003, (0, 1): 0.040, (2, 3): 0.012, (5, 8): 0.038}),
    "川沿い低地": _mods({(0, 18): -0.002, (4, 6): -0.012}),
    "農村部": _mods({(0, 18): -0.003, (4, 7): -0.030}),
}
MIGRATION["全体"] = _mods({(0, 18): 0.0, (3, 3): -0.008})

TARGET_TOTAL_2021 = 112_000


def expected_totals(rng: np.random.Generator, areas: pd.DataFrame) -> np.ndarray:
    """Expected 2021 population of each area (density × km² × noise, scaled to the city)."""
    dens = areas["area_character"].map(DENSITY).to_numpy()
    raw = dens * areas["area_km2"].to_numpy() * rng.lognormal(0.0, 0.22, len(areas))
    return raw / raw.sum() * TARGET_TOTAL_2021


def simulate(rng: np.random.Generator, areas: pd.DataFrame, totals: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population by (year, area, band, sex) and births by (year, area)."""
    n_area, n_band = len(areas), len(AGE_BANDS)
    chars = areas["area_character"].tolist()
    prof = np.stack([BASE_PROFILE * CHARACTER_AGE_MODS[c] for c in chars])
    prof *= rng.lognormal(0.0, 0.10, prof.shape)  # each area its own bumps
    prof /= prof.sum(axis=1, keepdims=True)
    expected = prof * totals[:, None]
    pop = np.empty((n_area, n_band, 2), dtype=np.int64)
    pop[:, :, 0] = rng.poisson(expected * (1 - FEMALE_SHARE))
    pop[:, :, 1] = rng.poisson(expected * FEMALE_SHARE)

    surv = np.stack([1 - (1 - SURVIVAL) * 1.35, 1 - (1 - SURVIVAL) * 0.75], axis=1)  # band × sex
    fert = np.array([FERTILITY[c] for c in chars])
    migr = np.stack([MIGRATION[c] + MIGRATION["全体"] for c in chars])  # area × band
    area_migr_noise = rng.normal(0.0, 0.004, (n_area, 1))

    frames, births_rows = [], []
    births_prev = None
    for year in YEARS:
        if year != YEARS[0]:
            alive = rng.binomial(pop, np.broadcast_to(surv, pop.shape))
            movers = rng.binomial(alive, 0.2)
            movers[:, -1, :] = 0
            nxt = alive - movers
            nxt[:, 1:, :] += movers[:, :-1, :]
            women = pop[:, :, 1]
            mean_births = sum(women[:, b] * r for b, r in ASFR.items()) * fert
            births = rng.poisson(mean_births)
            boys = rng.binomial(births, 0.512)
            nxt[:, 0, 0] += boys
            nxt[:, 0, 1] += births - boys
            rate = (migr + area_migr_noise + rng.normal(0.0, 0.003, migr.shape))[:, :, None]
            flow = rng.poisson(np.abs(rate) * nxt)
            nxt = np.where(rate >= 0, nxt + flow, np.maximum(nxt - flow, 0))
            pop = nxt
            births_prev = births
        else:
            women = pop[:, :, 1]
            births_prev = rng.poisson(sum(women[:, b] * r for b, r in ASFR.items()) * fert)
        frames.append(_frame(year, areas["area_code"].to_numpy(), pop))
        births_rows.append(pd.DataFrame({"year": year, "area_code": areas["area_code"].to_numpy(),
                                         "births": births_prev}))
    population = pd.concat(frames, ignore_index=True)
    births = pd.concat(births_rows, ignore_index=True)
    return population, births


def population_array(population: pd.DataFrame, area_codes: list[str], year: int) -> np.ndarray:
    """area × band × sex array of one year."""
    sub = population[population["year"] == year]
    arr = sub["population"].to_numpy().reshape(len(area_codes), len(AGE_BANDS), 2)
    assert (sub["area_code"].to_numpy().reshape(len(area_codes), -1)[:, 0] == np.array(area_codes)).all()
    return arr


def _frame(year: int, area_codes: np.ndarray, pop: np.ndarray) -> pd.DataFrame:
    a_idx, b_idx, s_idx = np.meshgrid(np.arange(len(area_codes)), np.arange(len(AGE_BANDS)), np.arange(2),
                                      indexing="ij")
    return pd.DataFrame({"year": np.int64(year), "area_code": area_codes[a_idx.ravel()],
                         "age_band": np.array(AGE_BANDS)[b_idx.ravel()], "sex": np.array(SEXES)[s_idx.ravel()],
                         "population": pop.ravel().astype("int64")})


def backcast_year(rng: np.random.Generator, population: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The year before the first simulated one, by running one simulated year backwards.

    Within a band, ages are taken as evenly spread (as the forward step does when it moves a fifth
    of each band up): the people in band b a year earlier are four fifths of band b and one fifth of
    band b+1 now, with that year's deaths and the area's expected net migration undone. The open
    top band (90+) is what is left of it after the people who came up from 85-89 during the year.
    Expected values are rounded to integers at random (floor plus a Bernoulli draw of the fraction),
    so the year adds no more noise than it must.
    """
    codes = areas["area_code"].to_numpy()
    now = population_array(population, list(codes), YEARS[0]).astype(float)
    surv = np.stack([1 - (1 - SURVIVAL) * 1.35, 1 - (1 - SURVIVAL) * 0.75], axis=1)  # band × sex
    migr = np.stack([MIGRATION[c] + MIGRATION["全体"] for c in areas["area_character"]])[:, :, None]
    before_move = now / (1 + migr)  # expected net migration undone
    before = np.empty_like(now)
    before[:, :-1, :] = (0.8 * before_move[:, :-1, :] + 0.2 * before_move[:, 1:, :]) / surv[None, :-1, :]
    came_up = 0.2 * before[:, -2, :] * surv[None, -2, :]
    before[:, -1, :] = np.maximum(before_move[:, -1, :] - came_up, 0) / surv[None, -1, :]
    whole = np.floor(before)
    pop = whole + (rng.random(before.shape) < before - whole)
    return _frame(BACKCAST_YEAR, codes, pop)
