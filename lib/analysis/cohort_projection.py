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

From one population point and a projection of the whole municipality (the national institute's,
「日本の地域別将来推計人口」, published as a file: `project_with_reference`): the same ratios, computed
from the municipality's projected population of each five-year period instead of two census points, so
they change from period to period as the institute's assumptions do; every area takes the city's ratios
(the projection has no areas). Step k (from base + 5(k-1)) takes the period that starts nearest that
year; past the projection's last year its last period's ratios go on. Bands above the lower of the two
top bands are added up into that open band (IPSS's 90-94 and 95+ become the data's 90+).
Pure pandas / numpy: no page, no figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

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
    ratios: pd.DataFrame  # area, age_band, sex, ratio, source ("area" / "district" / "city"; "reference":
    #                       the city's ratios of each reference period, with a column "period")
    bands: list[str]
    earlier_year: int | None  # the earlier point (None when the ratios come from a reference projection)
    base_year: int
    periods: list[tuple[int, int]] = field(default_factory=list)  # the reference period of each step

    @property
    def years(self) -> list[int]:
        return sorted(self.frame["year"].unique().tolist())

    def borrowed_share(self) -> float:
        """Share of the ratios taken from the 地区 or the city (small bases)."""
        return float(self.ratios["source"].isin(["district", "city"]).mean()) if len(self.ratios) else 0.0


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


def _ratios(
    num: np.ndarray, base: np.ndarray, groups: np.ndarray | None, min_base: float
) -> tuple[np.ndarray, np.ndarray]:
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
    female = _female(sexes, sexes)
    areas = sorted(set(later["area"]) | set(earlier["area"]))
    old, now = _cube(earlier, areas, bands, sexes), _cube(later, areas, bands, sexes)
    mothers = _mothers(bands)
    group_of = groups.reindex(areas).fillna("").astype(str).to_numpy() if groups is not None else None
    ratio, source = _ratios(*_ratio_parts(old, now, mothers, female), group_of, min_base)

    cubes = [now]
    for _ in range(steps):
        cubes.append(_advance(cubes[-1], ratio, mothers, female))
    index = pd.MultiIndex.from_product([areas, bands, sexes], names=["area", "age_band", "sex"]).to_frame(index=False)
    ratios = index.assign(ratio=ratio.ravel(), source=np.array(["area", "district", "city"])[source.ravel()])
    return Projection(_long(cubes, index, base_year), ratios, bands, earlier_year, base_year)


def _advance(prev: np.ndarray, ratio: np.ndarray, mothers: slice, female: int) -> np.ndarray:
    """The population five years on: each cohort times its ratio, the open band from the band below plus
    itself, 0-4 by the child-woman ratio times the new women 15-49. `ratio` is area × band × sex, or
    1 × band × sex for one set of ratios for every area."""
    nxt = np.empty_like(prev)
    nxt[:, 1:-1] = ratio[:, 1:-1] * prev[:, :-2]
    nxt[:, -1] = ratio[:, -1] * (prev[:, -2] + prev[:, -1])
    nxt[:, 0] = ratio[:, 0] * nxt[:, mothers, female].sum(axis=1)[:, None]
    return nxt


def _long(cubes: list[np.ndarray], index: pd.DataFrame, base_year: int) -> pd.DataFrame:
    frame = pd.concat([index.assign(year=base_year + STEP_YEARS * i, population=cube.ravel())
                       for i, cube in enumerate(cubes)], ignore_index=True)
    return frame[["area", "year", "age_band", "sex", "population"]]


def _mothers(bands: list[str]) -> slice:
    lows = [band_lower_age(b) for b in bands]
    return slice(lows.index(MOTHERS[0]), lows.index(MOTHERS[1] - STEP_YEARS + 1) + 1)


def _open_top(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """The bands from `top` up added into one open band 「{top}+」."""
    lows = frame["age_band"].map(band_lower_age)
    return frame.assign(age_band=frame["age_band"].where(lows < top, f"{top}+"))


def _female(sexes: list[str], error_sexes) -> int:
    females = [i for i, s in enumerate(sexes) if s in FEMALE]
    if len(sexes) != 2 or len(females) != 1:
        raise ProjectionInputError("projection.error.sexes", sexes="、".join(map(str, error_sexes)))
    return females[0]


def period_for(start: int, periods: list[tuple[int, int]]) -> tuple[int, int]:
    """The reference period of a step starting in `start`: the one that starts nearest (the earlier on a
    tie), so past the reference's end its last period."""
    return min(periods, key=lambda p: (abs(p[0] - start), p[0]))


def project_with_reference(later: pd.DataFrame, reference: pd.DataFrame, steps: int = 5) -> Projection:
    """Project `later` (one year by area, age band, sex) with the ratios of `reference`, the municipality's
    own projection (columns year, age_band, sex, population; years five apart)."""
    base_year = int(later["year"].iloc[0])
    tops = [band_lower_age(five_year_bands(list(pd.unique(f["age_band"])))[-1]) for f in (later, reference)]
    top = min(tops)
    later, reference = _open_top(later, top), _open_top(reference, top)
    bands = five_year_bands(list(pd.unique(later["age_band"])))
    sexes = list(pd.unique(later["sex"]))
    female = _female(sexes, sexes)
    ref_sexes = list(pd.unique(reference["sex"]))
    ref_female = _female(ref_sexes, ref_sexes)
    # the reference's sexes in the data's order: female to female, the other to the other
    reference = reference.assign(sex=reference["sex"].map(
        {s: sexes[female] if i == ref_female else sexes[1 - female] for i, s in enumerate(ref_sexes)}))
    years = sorted(int(y) for y in reference["year"].unique())
    if len(years) < 2 or any(b - a != STEP_YEARS for a, b in pairwise(years)):
        raise ProjectionInputError("projection.error.reference_years", years="、".join(map(str, years)))
    mothers = _mothers(bands)
    city = {year: _cube(reference[reference["year"] == year].assign(area=""), [""], bands, sexes) for year in years}
    ratio_of = {}
    for start in years[:-1]:
        num, base = _ratio_parts(city[start], city[start + STEP_YEARS], mothers, female)
        ratio_of[(start, start + STEP_YEARS)] = np.divide(num, base, out=np.zeros_like(num), where=base > 0)
    areas = sorted(set(later["area"]))
    now = _cube(later, areas, bands, sexes)
    cubes, used = [now], []
    for k in range(steps):
        period = period_for(base_year + STEP_YEARS * k, list(ratio_of))
        used.append(period)
        cubes.append(_advance(cubes[-1], ratio_of[period], mothers, female))
    index = pd.MultiIndex.from_product([areas, bands, sexes], names=["area", "age_band", "sex"]).to_frame(index=False)
    cells = pd.MultiIndex.from_product([bands, sexes], names=["age_band", "sex"]).to_frame(index=False)
    ratios = pd.concat([cells.assign(area="", period=f"{a}-{b}", ratio=ratio_of[(a, b)].ravel(), source="reference")
                        for a, b in dict.fromkeys(used)], ignore_index=True)
    return Projection(_long(cubes, index, base_year), ratios, bands, None, base_year, used)
