"""Help for the SQL page: each published table's columns, and sample queries per dataset.

Samples are written from the data dictionary (roles tell which column is the
year, the 町丁目, the category to count by), so that an instructor's own
datasets get samples too.
"""
from __future__ import annotations

import pandas as pd

from lib.analysis.indicators import INDICATORS, indicator_sql, population_bands
from lib.data.catalog import Dataset, area_dataset, population_dataset
from lib.data.query import quote_identifier as q
from lib.i18n import t

SAMPLE_YEAR = 2025  # the demo's latest year; a trainee edits it for another


def table_schema(cursor, catalog: dict[str, Dataset], table: str, lang: str = "ja") -> pd.DataFrame:
    """Column, type and dictionary label of one published table."""
    rows = cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    ds = catalog.get(table)
    labels = {c.name: c.label_in(lang) for c in ds.columns} if ds else {}
    return pd.DataFrame(
        [{"column": name, "type": dtype, "label": labels.get(name, "")} for name, dtype in rows]
    )


def _first(ds: Dataset, roles: tuple[str, ...]) -> str | None:
    for col in ds.data_columns:
        if col.role in roles:
            return col.name
    return None


def sample_queries(ds: Dataset, catalog: dict[str, Dataset], lang: str = "ja") -> list[tuple[str, str]]:
    """(title, SQL) pairs a trainee can start from, for one dataset."""
    table = q(ds.name)
    samples = [(t("sql.sample.preview", lang), f"SELECT *\nFROM {table}\nLIMIT 20")]
    if ds.is_geo:
        columns = ", ".join(q(c.name) for c in ds.data_columns) or "*"
        samples[0] = (t("sql.sample.preview", lang), f"SELECT {columns}\nFROM {table}\nLIMIT 20")
    # A column of the dataset's own subject (要介護度, 種別) before the generic ones (age, sex).
    categories = [c for c in ds.data_columns if c.is_categorical and c.role not in {"id", "area", "year", "mesh"}]
    categories.sort(key=lambda c: c.role is not None)
    category = categories[0].name if categories else None
    year = _first(ds, ("year",))
    measure = next((c.name for c in ds.data_columns if c.role == "measure" and c.is_numeric), None)
    if category:
        samples.append((t("sql.sample.count_by", lang, label=ds.column(category).label_in(lang)),
                        f"SELECT {q(category)}, COUNT(*) AS n\nFROM {table}\nGROUP BY {q(category)}\nORDER BY n DESC"))
    if year:
        value = f"SUM({q(measure)})" if measure else "COUNT(*)"
        samples.append((t("sql.sample.by_year", lang),
                        f"SELECT {q(year)}, {value} AS value\nFROM {table}\nGROUP BY {q(year)}\nORDER BY {q(year)}"))
    area = _first(ds, ("area",))
    areas = area_dataset(catalog)
    if area and areas is not None and ds.name != areas.name and areas.has_column("district"):
        key = areas.columns_with_role("area")[0].name
        value = f"SUM(t.{q(measure)})" if measure else "COUNT(*)"
        samples.append(
            (
                t("sql.sample.by_district", lang),
                f"SELECT a.district, {value} AS value\nFROM {table} AS t\n"
                f"JOIN {q(areas.name)} AS a ON a.{q(key)} = t.{q(area)}\nGROUP BY a.district\nORDER BY value DESC",
            )
        )
    pop = population_dataset(catalog)
    bands = population_bands(catalog)
    for indicator in INDICATORS.values():
        if (ds.name == indicator.numerator_dataset and ds.name != getattr(pop, "name", None) and area and year
                and areas is not None and bands):
            samples.append((indicator.label(lang),
                            indicator_sql(indicator, catalog, bands, SAMPLE_YEAR, by="area", lang=lang)))
    return samples
