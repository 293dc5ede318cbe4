"""要介護認定: one record per certified person and fiscal year, generalized to 5-year band × 町丁目.

Certification rises steeply with age. Two area effects are planted:
- the farther an area's centroid is from the nearest 通いの場 / サロン, the higher its
  certification rate (also after age adjustment);
- the more weekly participants per older resident an area's places have, the larger the
  share of light levels (要支援1・2) among its certified people.
Counts come from binomial draws on each (year, area, band, sex) cell of the population, so a
cell never has more records than residents.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import AGE_BANDS, CARE_LEVELS, IDX_40, IDX_65, IDX_75, SERVICES, SEXES, YEARS
from .population import population_array

# Certification rate by band, 40-44 … 90+ (2号被保険者 40–64 are rare).
BASE_RATE = np.array([0.0012, 0.0016, 0.0025, 0.0040, 0.0075,
                      0.030, 0.058, 0.118, 0.245, 0.460, 0.700])
DISTANCE_EFFECT = 0.36  # log-rate per km to the nearest place (capped at 3.2 km)
SUPPORT_EFFECT = 0.22   # log-odds shift of 要支援 per SD of participation

LEVEL_PROBS = {  # 要支援1 … 要介護5
    "2号": [0.12, 0.14, 0.18, 0.18, 0.14, 0.13, 0.11],
    "65-74": [0.19, 0.16, 0.21, 0.15, 0.11, 0.10, 0.08],
    "75-84": [0.15, 0.15, 0.22, 0.17, 0.12, 0.11, 0.08],
    "85+": [0.08, 0.10, 0.21, 0.18, 0.16, 0.16, 0.11],
}
SERVICE_PROBS = np.array([  # 訪問介護 通所介護 通所リハビリ 短期入所 福祉用具貸与 施設入所 未利用
    [0.10, 0.15, 0.20, 0.00, 0.20, 0.00, 0.35],
    [0.10, 0.18, 0.22, 0.00, 0.25, 0.00, 0.25],
    [0.20, 0.35, 0.12, 0.03, 0.12, 0.05, 0.13],
    [0.20, 0.30, 0.10, 0.06, 0.15, 0.09, 0.10],
    [0.15, 0.25, 0.04, 0.12, 0.08, 0.30, 0.06],
    [0.15, 0.15, 0.02, 0.10, 0.08, 0.45, 0.05],
    [0.20, 0.08, 0.01, 0.08, 0.08, 0.50, 0.05],
])
TARGET_RATE_65 = 0.19


def _age_group(b: int) -> str:
    if b < IDX_65:
        return "2号"
    if b < IDX_75:
        return "65-74"
    if b < AGE_BANDS.index("85-89"):
        return "75-84"
    return "85+"


def make_care(rng: np.random.Generator, population: pd.DataFrame, area_codes: list[str],
              dist_km: np.ndarray, participation: np.ndarray) -> pd.DataFrame:
    """participation: weekly participants per 100 residents 65+ (by area)."""
    n_area = len(area_codes)
    bands = np.arange(IDX_40, len(AGE_BANDS))
    area_mult = np.exp(DISTANCE_EFFECT * (np.minimum(dist_km, 3.2) - 1.0)) * rng.lognormal(0, 0.07, n_area)
    sex_mult = np.ones((len(bands), 2))
    sex_mult[bands >= IDX_75, 0] = 0.88
    sex_mult[bands >= IDX_75, 1] = 1.12
    z = (participation - participation.mean()) / (participation.std() or 1.0)
    support_shift = np.exp(SUPPORT_EFFECT * np.clip(z, -2.0, 2.5)) * rng.lognormal(0, 0.10, n_area)

    pops = {y: population_array(population, area_codes, y)[:, IDX_40:, :] for y in YEARS}
    # Calibrate so that about 19 % of residents 65+ are certified in the middle year.
    mid = pops[YEARS[2]]
    raw = BASE_RATE[None, :, None] * sex_mult[None] * area_mult[:, None, None]
    old = bands >= IDX_65
    scale = TARGET_RATE_65 * mid[:, old].sum() / (raw[:, old] * mid[:, old]).sum()

    rows = []
    for year in YEARS:
        pop = pops[year]
        rate = raw * (1 - 0.012 * (year - YEARS[2])) * scale
        rate = np.minimum(rate * rng.lognormal(0, 0.05, rate.shape), 0.92)
        n = rng.binomial(pop, rate)
        for a in range(n_area):
            for bi, b in enumerate(bands):
                for s in range(2):
                    k = int(n[a, bi, s])
                    if k == 0:
                        continue
                    probs = np.array(LEVEL_PROBS[_age_group(b)], dtype=float)
                    probs[:2] *= support_shift[a]
                    probs /= probs.sum()
                    levels = rng.choice(7, size=k, p=probs)
                    u = rng.random(k)
                    cum = SERVICE_PROBS.cumsum(axis=1)[levels]
                    services = (u[:, None] > cum).sum(axis=1).clip(max=6)
                    rows.append(pd.DataFrame({
                        "year": year, "area_code": area_codes[a], "age_band": AGE_BANDS[b],
                        "sex": SEXES[s], "care_level": np.array(CARE_LEVELS)[levels],
                        "main_service": np.array(SERVICES)[services],
                    }))
    care = pd.concat(rows, ignore_index=True)
    # Random order inside each year, then sequential ids: an id carries no information.
    care["_r"] = rng.random(len(care))
    care = care.sort_values(["year", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)
    care.insert(0, "record_id", [f"CR{i + 1:06d}" for i in range(len(care))])
    care["year"] = care["year"].astype("int64")
    return care
