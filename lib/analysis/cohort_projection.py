"""Future population by the cohort change-ratio method (コーホート変化率法), per 町丁目.

From two population points five years apart (by area × 5-year age band × sex):

- cohort change ratio of a band = people in the band at the later point / people five years
  younger at the earlier point (the same cohort), e.g. 70-74 in 2025 / 65-69 in 2020. It folds
  deaths and moves together, and it is assumed to stay as it was;
- the open top band (e.g. 90+): its ratio is top band at the later point / (the band below it +
  the top band) at the earlier point, and the future top band = that ratio × (the band below +
  the top band) five years before — the way the method handles an open band;
- the 0-4 band by the child-woman ratio (子ども女性比) of the later point: boys (girls) 0-4 / women
  15-49, kept constant;
- small areas: a ratio whose base (the earlier cohort, or women 15-49) is under `min_base` persons is
  replaced by the ratio of the area's 地区 (sums of the 地区's areas), or of the whole city when the
  地区's base is small too.

The projection steps forward in five-year steps: +5, +10, … +25 years from the later point.
Pure pandas / numpy: no page, no figure.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis.age_groups import band_lower_age, band_upper_age
from lib.errors import WorkbenchError

STEP_YEARS = 5
MIN_BASE = 20  # persons in the base of a ratio below which the larger unit's ratio is used
FEMALE = {"女性", "女", "female", "Female", "F", "f"}
MOTHERS = (15, 49)  # the women of the child-woman ratio


class ProjectionInputError(WorkbenchError):
    """Population data the method cannot use (what is wrong, in the user's words)."""


@dataclass
class Projection:
    """Projected population, one row per (area, year, age_band, sex), the later point included."""
    frame: pd.DataFrame  # area, year, age_band, sex, population (float)
    ratios: pd.DataFrame  # area, age_band, sex, ratio, source ("area" / "district" / "city")
    bands: list[str]
    earlier_year: int
    base_year: int

    @property
    def years(self) -> list[int]:
        return sorted(self.frame["year"].unique().tolist())

    def borrowed_share(self) -> float:
        """Share of the ratios taken from the 地区 or the city (small bases)."""
        return float((self.ratios["source"] != "area").mean()) if len(self.ratios) else 0.0


def five_year_bands(bands: list[str]) -> list[str]:
    """The bands in age order, checked to be 0-4, 5-9, … with one open top band."""
    ordered = sorted(bands, key=lambda b: band_lower_age(b) if band_lower_age(b) is not None else -1)
    for i, band in enumerate(ordered):
        lower, upper = band_lower_age(band), band_upper_age(band)
        last = i == len(ordered) - 1
        if lower != STEP_YEARS * i or (not last and upper != lower + STEP_YEARS - 1) or (last and upper is not None):
            raise ProjectionInputError("projection.error.bands", band=str(band))
    if len(ordered) < 12:
        raise ProjectionInputError("projection.error.bands", band=", ".join(map(str, ordered)))
    return ordered


def _cube(frame: pd.DataFrame, areas: list, bands: list[str], sexes: list[str]) -> np.ndarray:
    """area × band × sex array of population (missing cells are 0)."""
    index = pd.MultiIndex.from_product([areas, bands, sexes], names=["area", "age_band", "sex"])
    summed = frame.groupby(["area", "age_band", "sex"])["population"].sum()
    return summed.reindex(index, fill_value=0).to_numpy(dtype=float).reshape(len(areas), len(bands), len(sexes))


def _ratio_parts(earlier: np.ndarray, later: np.ndarray, mothers: slice, female: int) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and bases of every ratio, area × band × sex (band 0: the child-woman ratio)."""
    num, base = np.empty_like(later), np.empty_like(later)
    num[:, 1:-1], base[:, 1:-1] = later[:, 1:-1], earlier[:, :-2]
    num[:, -1], base[:, -1] = later[:, -1], earlier[:, -2] + earlier[:, -1]
    num[:, 0] = later[:, 0]
    base[:, 0] = later[:, mothers, female].sum(axis=1)[:, None]
    return num, base


def _ratios(num: np.ndarray, base: np.ndarray, groups: np.ndarray | None, min_base: float) -> tuple[np.ndarray, np.ndarray]:
    """Ratios with small bases replaced by the 地区's (groups: one 地区 per area), then the city's; and
    where each came from (0 area, 1 地区, 2 city)."""
    floor = max(min_base, 1e-9)

    def ratio_of(n: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.divide(n, b, out=np.full_like(n, np.nan), where=b >= floor)

    city = np.divide(num.sum(axis=0), base.sum(axis=0), out=np.zeros_like(num[0]), where=base.sum(axis=0) > 0)
    ratio = ratio_of(num, base)
    source = np.where(np.isnan(ratio), 2, 0)
    for group in np.unique(groups) if groups is not None else []:
        rows = groups == group
        g_ratio = ratio_of(num[rows].sum(axis=0), base[rows].sum(axis=0))
        use_group = np.isnan(ratio[rows]) & ~np.isnan(g_ratio)[None]
        ratio[rows] = np.where(use_group, g_ratio[None], ratio[rows])
        source[rows] = np.where(use_group, 1, source[rows])
    return np.where(np.isnan(ratio), city[None], ratio), source


def project_population(earlier: pd.DataFrame, later: pd.DataFrame, steps: int = 5,
                       groups: pd.Series | None = None, min_base: float = MIN_BASE) -> Projection:
    """Project `later` forward `steps` five-year steps with the ratios between `earlier` and `later`.

    Both frames: columns area, year, age_band, sex, population (one year each, five years apart).
    groups: area → the larger unit (地区) whose ratios small areas borrow; None borrows the city's.
    """
    earlier_year, base_year = int(earlier["year"].iloc[0]), int(later["year"].iloc[0])
    if base_year - earlier_year != STEP_YEARS:
        raise ProjectionInputError("projection.error.interval", earlier=earlier_year, later=base_year)
    bands = five_year_bands(list(pd.unique(pd.concat([earlier["age_band"], later["age_band"]]))))
    sexes = list(pd.unique(later["sex"]))
    females = [i for i, s in enumerate(sexes) if s in FEMALE]
    if len(sexes) != 2 or len(females) != 1:
        raise ProjectionInputError("projection.error.sexes", sexes="、".join(map(str, sexes)))
    female = females[0]
    areas = sorted(set(later["area"]) | set(earlier["area"]))
    old, now = _cube(earlier, areas, bands, sexes), _cube(later, areas, bands, sexes)
    lows = [band_lower_age(b) for b in bands]
    mothers = slice(lows.index(MOTHERS[0]), lows.index(MOTHERS[1] - STEP_YEARS + 1) + 1)
    group_of = groups.reindex(areas).fillna("").astype(str).to_numpy() if groups is not None else None
    ratio, source = _ratios(*_ratio_parts(old, now, mothers, female), group_of, min_base)

    cubes = [now]
    for _ in range(steps):
        prev, nxt = cubes[-1], np.empty_like(now)
        nxt[:, 1:-1] = ratio[:, 1:-1] * prev[:, :-2]
        nxt[:, -1] = ratio[:, -1] * (prev[:, -2] + prev[:, -1])
        nxt[:, 0] = ratio[:, 0] * nxt[:, mothers, female].sum(axis=1)[:, None]
        cubes.append(nxt)

    index = pd.MultiIndex.from_product([areas, bands, sexes], names=["area", "age_band", "sex"]).to_frame(index=False)
    frame = pd.concat([index.assign(year=base_year + STEP_YEARS * i, population=cube.ravel())
                       for i, cube in enumerate(cubes)], ignore_index=True)
    ratios = index.assign(ratio=ratio.ravel(), source=np.array(["area", "district", "city"])[source.ravel()])
    return Projection(frame[["area", "year", "age_band", "sex", "population"]], ratios, bands, earlier_year, base_year)
