"""子育て: births, children, nursery applicants and 待機児童 by 町丁目, and each 保育所 by year.

Nurseries serve their own 地区. The new town, where young families keep moving in, has too few
places: its applicants exceed capacity until a new nursery opens in 2024, so waiting
children concentrate there.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .constants import YEARS
from .population import population_array

APPLY_RATE = {"中心市街地": 0.33, "既成住宅地": 0.30, "丘陵住宅団地": 0.27, "ニュータウン": 0.38,
              "川沿い低地": 0.29, "農村部": 0.23}


def make_childcare(rng: np.random.Generator, population: pd.DataFrame, births: pd.DataFrame,
                   areas: pd.DataFrame, facilities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Returns (childcare by area × year, nurseries by facility × year, 2025 capacity by facility_id)."""
    codes = areas["area_code"].tolist()
    districts = areas["district"].to_numpy()
    rate = areas["area_character"].map(APPLY_RATE).to_numpy()
    per_year = {}
    for y in YEARS:
        arr = population_array(population, codes, y).sum(axis=2)
        child = arr[:, 0] + rng.binomial(arr[:, 1], 0.2)
        appl = rng.binomial(
            child, np.clip(rate * (1 + 0.025 * (y - YEARS[0])) * rng.lognormal(0, 0.05, len(codes)), 0, 0.9)
        )
        per_year[y] = (child, appl)

    nurs = facilities[facilities["category"] == "保育所"].reset_index(drop=True)
    nurs_district = nurs["district"].to_numpy()
    demand_mid = {d: per_year[YEARS[2]][1][districts == d].sum() for d in np.unique(districts)}
    cap = np.zeros(len(nurs), dtype=np.int64)
    for d in np.unique(nurs_district):
        idx = np.flatnonzero(nurs_district == d)
        old = idx[nurs["opened"].to_numpy()[idx] < 2024]
        new = idx[nurs["opened"].to_numpy()[idx] >= 2024]
        ratio = 0.72 if d == "ニュータウン地区" else rng.uniform(1.04, 1.15)
        shares = rng.dirichlet(np.full(len(old), 4.0))
        cap[old] = np.maximum(40, np.round(demand_mid[d] * ratio * shares / 5) * 5)
        for i in new:
            cap[i] = max(60, int(round(demand_mid[d] * 0.3 / 5) * 5))

    child_rows, nurs_rows = [], []
    for y in YEARS:
        child, appl = per_year[y]
        waiting = np.zeros(len(codes), dtype=np.int64)
        for d in np.unique(districts):
            a_idx = np.flatnonzero(districts == d)
            n_idx = np.flatnonzero((nurs_district == d) & (nurs["opened"].to_numpy() <= y))
            demand = appl[a_idx].sum()
            capacity = cap[n_idx].sum()
            unmet = max(0.0, demand - 0.97 * capacity)
            total_wait = int(round(unmet * 0.6)) + int(rng.poisson(0.4))
            total_wait = min(total_wait, int(demand))
            if total_wait and demand:
                w = appl[a_idx] / demand
                alloc = rng.multinomial(total_wait, w)
                waiting[a_idx] = np.minimum(alloc, appl[a_idx])
            for i in n_idx:
                share = cap[i] / capacity
                enrolled = min(int(cap[i]), int(round(demand * share * rng.uniform(0.9, 1.0))))
                wl = int(round(unmet * share * rng.uniform(1.0, 1.6))) + int(rng.poisson(0.6))
                nurs_rows.append({"facility_id": nurs.at[i, "facility_id"], "year": y,
                                  "capacity": int(cap[i]), "enrolled": enrolled, "waiting_list": wl})
        b = births[births["year"] == y].set_index("area_code").reindex(codes)["births"].to_numpy()
        child_rows.append(pd.DataFrame({"area_code": codes, "year": y, "births": b,
                                        "children_0_5": child, "nursery_applicants": appl,
                                        "waiting_children": waiting}))
    childcare = pd.concat(child_rows, ignore_index=True).sort_values(["area_code", "year"]).reset_index(drop=True)
    nurseries = pd.DataFrame(nurs_rows).sort_values(["facility_id", "year"]).reset_index(drop=True)
    for df in (childcare, nurseries):
        for c in df.columns:
            if c not in ("area_code", "facility_id"):
                df[c] = df[c].astype("int64")
    cap_2025 = dict(zip(nurs["facility_id"], cap.tolist(), strict=True))
    return childcare, nurseries, cap_2025
