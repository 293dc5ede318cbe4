"""Named indicators, each with one definition: what is counted, divided by what, and per how many.

「要介護認定率（65歳以上千人あたり）」 must be the same number on the map, in the SQL sample, in the
exercise's answer and in the deck. Every place that computes or names an indicator takes it from
here: the map presets (lib.maps.data), the SQL page's sample (lib.analysis.sql_samples), the exercises'
questions (lib.workspace.exercises) and the deck's footnotes (lib.deck.evidence).

An indicator counts people in a numerator table (one row = one person, or SUM of a column), of the
ages at or above `numerator_min_age`, in a year; and divides by the population table's people of
the ages at or above `denominator_min_age` in the same year and area, times `per`.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.analysis.age_groups import band_lower_age
from lib.data.catalog import Dataset, area_dataset, population_dataset
from lib.data.query import quote_identifier as q
from lib.i18n import t

ELDERLY_AGE = 65


@dataclass(frozen=True)
class Indicator:
    key: str
    numerator_dataset: str
    numerator_column: str | None  # None: rows are counted
    numerator_min_age: int | None
    denominator_min_age: int | None  # None: the whole population
    per: int  # 100 → %, 1000 → per 1,000 people
    decimals: int = 1

    def label(self, lang: str = "ja") -> str:
        return t(f"indicator.{self.key}", lang)

    def definition(self, lang: str = "ja") -> str:
        """One line: the label, then what is divided by what."""
        return t("indicator.definition", lang, label=self.label(lang),
                 formula=t(f"indicator.{self.key}.formula", lang))


INDICATORS = {
    "care_rate": Indicator("care_rate", "care_certification", None, ELDERLY_AGE, ELDERLY_AGE, 1000),
    "ageing_rate": Indicator("ageing_rate", "population", "population", ELDERLY_AGE, None, 100),
}
# Map specs saved before the registry name their measure by these keys.
MAP_PRESET_KEYS = {"map.preset.care_rate": "care_rate", "map.preset.ageing_rate": "ageing_rate"}


def bands_from(bands, min_age: int | None) -> list[str]:
    """The age bands whose lower age is at least `min_age` (all of them when None), in order."""
    return [b for b in bands if min_age is None or (band_lower_age(b) or -1) >= min_age]


def population_bands(catalog: dict[str, Dataset]) -> list[str]:
    """Every age band of the population table, in order, as its data dictionary lists them."""
    people = population_dataset(catalog)
    ages = people.columns_with_role("age_band") if people is not None else []
    return list(ages[0].order or ()) if ages else []


def label_key(indicator: Indicator) -> str:
    """The i18n key a map measure or a choice list names the indicator by."""
    return f"indicator.{indicator.key}"


def by_label(label: str | None) -> Indicator | None:
    """The indicator a saved map measure's label names (its key, or an older preset key)."""
    label = str(label or "")
    key = label.removeprefix("indicator.") if label.startswith("indicator.") else MAP_PRESET_KEYS.get(label)
    return INDICATORS.get(key or "")


def of_chart(spec: dict, catalog: dict[str, Dataset]) -> Indicator | None:
    """The indicator a saved chart shows, if it is one: a rate per 1,000 of its numerator table, kept to
    exactly the indicator's ages."""
    bands = population_bands(catalog)
    if (spec.get("measure") or {}).get("kind") != "rate_per_1000":
        return None
    ages = next((f.get("values") or [] for f in spec.get("filters") or [] if f.get("column") == "age_band"), [])
    for indicator in INDICATORS.values():
        if (spec.get("dataset") == indicator.numerator_dataset and indicator.per == 1000
                and indicator.denominator_min_age == indicator.numerator_min_age
                and sorted(ages) == sorted(bands_from(bands, indicator.numerator_min_age))):
            return indicator
    return None


def _role(ds: Dataset, role: str, fallback: str) -> str:
    columns = ds.columns_with_role(role)
    return columns[0].name if columns else fallback


def _literals(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def indicator_sql(indicator: Indicator, catalog: dict[str, Dataset], bands: list[str], year: int,
                  by: str | None = None, district: str | None = None, lang: str = "ja") -> str:
    """A query that computes the indicator in `year`, per 町丁目 (by="area"), per 地区 (by="district")
    or for the whole city (None), optionally for one 地区; written out for a trainee to read and edit.

    Values appear as literals because the query is shown as text (it comes from the data and the
    exercise files, never from what a trainee typed); identifiers are quoted.
    """
    source, people, areas = catalog[indicator.numerator_dataset], population_dataset(catalog), area_dataset(catalog)
    area, year_col, age = (_role(source, r, f) for r, f in (("area", "area_code"), ("year", "year"),
                                                             ("age_band", "age_band")))
    p_area, p_year, p_age, p_count = (_role(people, r, f) for r, f in (
        ("area", "area_code"), ("year", "year"), ("age_band", "age_band"), ("measure", "population")))
    a_key = _role(areas, "area", "area_code")
    counted = f"SUM({q(indicator.numerator_column)})" if indicator.numerator_column else "COUNT(*)"
    numerator_where = [f"{q(year_col)} = {int(year)}"]
    if indicator.numerator_min_age is not None:
        numerator_where.append(f"{q(age)} IN ({_literals(bands_from(bands, indicator.numerator_min_age))})")
    denominator_where = [f"{q(p_year)} = {int(year)}"]
    if indicator.denominator_min_age is not None:
        denominator_where.append(f"{q(p_age)} IN ({_literals(bands_from(bands, indicator.denominator_min_age))})")
    group, order, where = "", "", ""
    if by in ("area", "district"):
        column = "a.area_name" if by == "area" else "a.district"
        group, order = f"{column}, ", f"\nGROUP BY {column}\nORDER BY {indicator.key} DESC"
    if district is not None:
        where = f"\nWHERE a.district = {_literals([district])}"
    return (
        f"-- {indicator.definition(lang)}\n"
        f"WITH numerator AS (\n  SELECT {q(area)} AS area_code, {counted} AS n\n  FROM {q(source.name)}\n"
        f"  WHERE {' AND '.join(numerator_where)}\n  GROUP BY 1\n"
        f"), denominator AS (\n  SELECT {q(p_area)} AS area_code, SUM({q(p_count)}) AS people\n"
        f"  FROM {q(people.name)}\n  WHERE {' AND '.join(denominator_where)}\n  GROUP BY 1\n)\n"
        f"SELECT {group}ROUND({indicator.per}.0 * SUM(COALESCE(numerator.n, 0)) / SUM(denominator.people), "
        f"{indicator.decimals}) AS {indicator.key}\n"
        f"FROM denominator LEFT JOIN numerator USING (area_code)\n"
        f"JOIN {q(areas.name)} AS a ON a.{q(a_key)} = denominator.area_code{where}{order}"
    )
