"""What the two projection analyses share: the published points, the projection, age-group sums and
the small-cell rule on tables of projected persons.

spec["ratios"] says where the ratios come from: "own" (default: the population's own two years five
apart) or "ipss" (the municipality's published projection, applied to one year of the population).
spec["city"] (a joint course): the municipality projected, with its own areas, population and projection
("" or absent: the whole workbench, as before joint courses).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lib.analysis import disclosure
from lib.analysis.age_groups import bands_in_group
from lib.analysis.cohort_projection import (
    MIN_BASE,
    STEP_YEARS,
    Projection,
    ProjectionInputError,
    project_population,
    project_with_reference,
)
from lib.analysis.projection_data import (
    REFERENCE,
    area_table,
    population_year,
    population_years,
    projection_points,
    reference_projection,
    reference_summary,
)
from lib.data.city_file import city_list
from lib.i18n import t

STEPS = 5
RATIOS = ("own", "ipss")


def uses_reference(spec: dict) -> bool:
    return spec.get("ratios") == "ipss"


def projection_datasets(spec: dict) -> list[str]:
    return ["population", "areas", *([REFERENCE] if uses_reference(spec) else [])]


def city_of(spec: dict) -> str:
    """The municipality of a joint course the spec projects ("" = every area of the workbench)."""
    return str(spec.get("city") or "")


def whole_label(spec: dict, lang: str) -> str:
    """What the projection covers as a whole: 「市全体」, or the municipality's name in a joint course."""
    names = {c["city_code"]: c["city_name"] for c in city_list()}
    if not city_of(spec) and len(names) > 1:  # saved before the course was joint: every municipality together
        return t("projection.all_cities", lang, n=len(names))
    return names.get(city_of(spec)) or t("projection.city", lang)


def _population_year(cursor, catalog: dict, year: int, areas: pd.DataFrame) -> pd.DataFrame:
    """The population of the year in the projected areas only (one municipality's in a joint course)."""
    people = population_year(cursor, catalog, year)
    return people[people["area"].isin(areas.index)].reset_index(drop=True)


def project_published(cursor, catalog: dict, spec: dict) -> tuple[Projection, pd.DataFrame]:
    """The projection from the spec's base year (or the latest with a point five years before, or with the
    municipality's projection the latest), and the areas table (name, 地区)."""
    if uses_reference(spec):
        return _project_with_reference(cursor, catalog, spec)
    years = population_years(cursor, catalog)
    points = projection_points(years)
    if points is None:
        raise ProjectionInputError("projection.error.no_pair", years="、".join(map(str, years)) or "-")
    base_year = int(spec.get("base_year") or points[1])
    if base_year not in years or base_year - 5 not in years:
        raise ProjectionInputError("projection.error.no_pair", years="、".join(map(str, years)))
    areas = area_table(cursor, catalog, city_of(spec))
    groups = areas["district"] if (areas["district"] != "").any() else None
    projection = project_population(_population_year(cursor, catalog, base_year - 5, areas),
                                    _population_year(cursor, catalog, base_year, areas), STEPS, groups,
                                    float(spec.get("min_base", MIN_BASE)))
    return projection, areas


def _project_with_reference(cursor, catalog: dict, spec: dict) -> tuple[Projection, pd.DataFrame]:
    reference = reference_projection(cursor, catalog, city_of(spec))
    if reference is None:
        raise ProjectionInputError("projection.error.no_reference")
    years = population_years(cursor, catalog)
    base_year = int(spec.get("base_year") or (years[-1] if years else 0))
    if base_year not in years:
        raise ProjectionInputError(
            "projection.error.base_year", year=base_year, years="、".join(map(str, years)) or "-"
        )
    areas = area_table(cursor, catalog, city_of(spec))
    projection = project_with_reference(_population_year(cursor, catalog, base_year, areas), reference, STEPS)
    return projection, areas


def reference_caution(cursor, catalog: dict, projection: Projection, target: int, lang: str, city: str = "") -> str:
    """What a reader of a projection made with the municipality's projection must keep in mind: every
    area changes as the city does, and where the periods did not fit the years."""
    city, first, last = reference_summary(cursor, catalog, city) or ("-", 0, 0)
    text = t("projection.caution_reference", lang, city=city, first=first, last=last, base=projection.base_year)
    if (projection.base_year - first) % STEP_YEARS:
        text += t("projection.reference_offset", lang, base=projection.base_year)
    if target > last:
        a, b = projection.periods[-1]
        text += t("projection.reference_beyond", lang, last=last, a=a, b=b)
    return text


def target_year(projection: Projection, spec: dict) -> int:
    years = projection.years
    wanted = int(spec.get("target_year") or years[2])
    if wanted not in years[1:]:
        raise ProjectionInputError("projection.error.target", year=wanted,
                                   years="、".join(map(str, years[1:])))
    return wanted


def age_group_sums(frame: pd.DataFrame, bands: list[str], keys: list[str]) -> pd.DataFrame:
    """Total, 65+ and 75+ per keys."""
    out = frame.groupby(keys)["population"].sum().rename("total").to_frame()
    for group, name in (("65plus", "p65"), ("75plus", "p75")):
        chosen = bands_in_group(bands, group)
        out[name] = frame[frame["age_band"].isin(chosen)].groupby(keys)["population"].sum()
    return out.fillna(0.0).reset_index()


def hide_small(long: pd.DataFrame, dims: list[str], count_columns: list[str]) -> pd.DataFrame:
    """Rows whose (rounded) count of persons in any of `count_columns` is 1 … MIN_CELL-1 are blanked,
    and their partners along every dimension (the small-cell rule, lib.analysis.disclosure)."""
    rounded = long[count_columns].round(0)
    smallest = rounded.where(rounded > 0).min(axis=1).fillna(0)
    hidden = disclosure.suppression_mask(long, dims, smallest)
    out = long.copy()
    out.loc[hidden.to_numpy(), [c for c in out.columns if c not in dims]] = np.nan
    out.attrs["suppressed_cells"] = int(hidden.sum())
    return out


def hidden_areas(persons: pd.Series, *counts: pd.Series) -> np.ndarray:
    """Which areas of a map to hide: those where any of `counts` (rounded) is 1 … MIN_CELL-1 persons, and one
    more when only one would be hidden (the city's total is known)."""
    small = np.zeros(len(persons), dtype=bool)
    for count in counts:
        small |= disclosure.is_small(pd.Series(count).round(0))
    basis = pd.Series(persons).reset_index(drop=True).where(~small, 1)
    return disclosure.suppression_mask(pd.DataFrame(index=basis.index), [], basis).to_numpy()


def pyramid_cells(frame: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """year, sex, age_band, population of the years (rounded); a bar of 1 … MIN_CELL-1 persons is blank,
    and so is one more of the same year and of the same band in the other year (a total is shown)."""
    cells = frame[frame["year"].isin(years)].groupby(["year", "sex", "age_band"], as_index=False)["population"].sum()
    cells["population"] = cells["population"].round(0)
    hidden = disclosure.suppression_mask(cells.assign(cell=cells["sex"] + cells["age_band"]), ["year", "cell"],
                                         cells["population"])
    cells.loc[hidden.to_numpy(), "population"] = np.nan
    return cells


def rounded_persons(value: float) -> str:
    return f"{round(value):,}"
