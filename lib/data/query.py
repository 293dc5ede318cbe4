"""The query vocabulary: how a dataset of the catalog is read with SQL, for charts, maps and analyses alike.

A `Filter` carries its SQL (`condition`, `clause`) and its words (`words`) together, as Datasette's
filters carry `where_clause` and `human_clause`. A `Table` is one dataset as a query reads it: its FROM
clause (the 町丁目 table joined when an area attribute is read), its columns, and the one WHERE builder
(filters on area attributes included). Identifiers are quoted with `quote_identifier` and every value a
user chose is a bound `?` parameter.

A column name is either a column of the dataset or, for datasets with a 町丁目 (role "area") column, an
attribute of the area table written "areas.<column>" (e.g. "areas.district" = 地区), read through that column.
A derived dataset (its `computed_by` set) is computed and registered on the cursor before it is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.data.catalog import Column, Dataset, area_dataset
from lib.i18n import format_number, t

AREA_PREFIX = "areas."
FILTER_OPS = ("in", "not_in", "between")
# Rows fetched for a statistical test.
STAT_ROW_LIMIT = 500_000


def quote_identifier(name: str) -> str:
    """A DuckDB identifier, quoted so that any name (Japanese, spaces, quotes) is safe."""
    return '"' + str(name).replace('"', '""') + '"'


q = quote_identifier


def resolve_column(catalog: dict[str, Dataset], ds: Dataset, name: str) -> Column | None:
    """The Column a name refers to: one of the dataset's, or an area attribute."""
    if name.startswith(AREA_PREFIX):
        areas = area_dataset(catalog)
        attr = name[len(AREA_PREFIX):]
        if areas is None or not ds.columns_with_role("area") or ds.name == areas.name:
            return None
        return areas.column(attr) if areas.has_column(attr) else None
    return ds.column(name) if ds.has_column(name) else None


def _list_sep(lang: str) -> str:
    return "・" if lang == "ja" else ", "


@dataclass
class Filter:
    column: str
    op: str = "in"
    values: list = field(default_factory=list)  # "in"/"not_in": values; "between": [low, high]

    @classmethod
    def from_dict(cls, data: dict) -> "Filter":
        return cls(column=str(data["column"]), op=str(data.get("op", "in")),
                   values=list(data.get("values") or []))

    def condition(self) -> tuple[str, list]:
        """What follows the column in SQL ("IN (?, ?)" / "BETWEEN ? AND ?"), and the values to bind."""
        if self.op == "between":
            return "BETWEEN ? AND ?", list(self.values[:2])
        return f"IN ({', '.join('?' for _ in self.values)})", list(self.values)

    def clause(self, expr: str) -> tuple[str, list]:
        """The filter on a column expression; "not_in" keeps the rows where the column is empty."""
        condition, values = self.condition()
        if self.op == "not_in":
            return f"({expr} NOT {condition} OR {expr} IS NULL)", values
        return f"{expr} {condition}", values

    def words(self, catalog: dict[str, Dataset], ds: Dataset, lang: str) -> str:
        """The filter in words: 「地区：丘陵地区」「年：2021〜2025」 (Likert codes by their words)."""
        col = resolve_column(catalog, ds, self.column)
        label = col.label_in(lang) if col else self.column
        scale = col.scale if col is not None and col.scale else {}
        values = [str(scale.get(int(v), v)) if scale else str(v) for v in self.values]
        if self.op == "between":
            # A year is written as a year (2021), any other bound as a number (12,345).
            bound = (lambda v: str(int(v))) if col is not None and col.role == "year" else format_number
            text = f"{bound(self.values[0])}〜{bound(self.values[1])}"
        elif len(values) > 3:
            text = t("chart.filter.many", lang, first=_list_sep(lang).join(values[:2]), n=len(values))
        else:
            text = _list_sep(lang).join(values)
        if self.op == "not_in":
            text = t("chart.filter.except", lang, values=text)
        return label + t("chart.colon", lang) + text


def filters_in_words(catalog: dict[str, Dataset], ds: Dataset, filters: list[Filter], lang: str) -> str:
    """Every filter in words ("地区：丘陵地区、年：2021〜2025"), so a saved result says what it shows."""
    return ("、" if lang == "ja" else "; ").join(flt.words(catalog, ds, lang) for flt in filters)


class Table:
    """One dataset as a query reads it, under `alias` ("" for bare column names): the FROM clause (the area
    table joined when one of `names` is an area attribute or the 町丁目 code), columns and filters."""

    def __init__(self, catalog: dict[str, Dataset], ds: Dataset, alias: str = "t", names: list[str] = ()):
        self.catalog, self.ds, self.alias = catalog, ds, alias
        self.areas = area_dataset(catalog)
        area_cols = ds.columns_with_role("area")
        self.area_code = area_cols[0] if area_cols else None
        self.join_areas = bool(self.areas and self.area_code and ds.name != self.areas.name and (
            any(n.startswith(AREA_PREFIX) or n == self.area_code.name for n in names)
        ))
        self.area_alias = alias + "_area"

    def own(self, name: str) -> str:
        """A column of the dataset itself, under the table's alias."""
        return f"{self.alias}.{q(name)}" if self.alias else q(name)

    def from_clause(self) -> str:
        sql = f"{q(self.ds.name)} AS {self.alias}" if self.alias else q(self.ds.name)
        if self.join_areas:
            area_key = self.areas.columns_with_role("area")[0].name
            sql += (f" LEFT JOIN {q(self.areas.name)} AS {self.area_alias}"
                    f" ON {self.area_alias}.{q(area_key)} = {self.own(self.area_code.name)}")
        return sql

    def column(self, name: str) -> str:
        """The SQL expression of a column (a name as above)."""
        if name.startswith(AREA_PREFIX):
            return f"{self.area_alias}.{q(name[len(AREA_PREFIX):])}"
        return self.own(name)

    def dimension(self, name: str) -> str:
        """A grouping expression: 町丁目 codes are shown by their names."""
        if self.area_code is None or name != self.area_code.name:
            return self.column(name)
        if self.join_areas and self.areas.columns_with_role("name"):
            label = self.areas.columns_with_role("name")[0].name
            return f"COALESCE({self.area_alias}.{q(label)}, {self.column(name)})"
        own_names = self.ds.columns_with_role("name")
        if own_names:  # the area table itself (or a table that carries the names)
            return f"COALESCE({self.own(own_names[0].name)}, {self.column(name)})"
        return self.column(name)

    def _area_semijoin(self, attribute: str, condition: str) -> str:
        """A filter on an area attribute as "area code in (areas that match)": no join needed."""
        area_key = self.areas.columns_with_role("area")[0].name
        return (f"{self.own(self.area_code.name)} IN (SELECT {q(area_key)} FROM {q(self.areas.name)}"
                f" WHERE {q(attribute)} {condition})")

    def filter_clause(self, flt: Filter) -> tuple[str, list]:
        """One filter as a condition on the table's rows, and the values to bind."""
        if flt.column.startswith(AREA_PREFIX) and self.area_code is not None and self.areas is not None:
            condition, values = flt.condition()
            clause = self._area_semijoin(flt.column[len(AREA_PREFIX):], condition)
            if flt.op == "not_in":
                clause = f"({self.own(self.area_code.name)} IS NULL OR NOT {clause})"
            return clause, values
        return flt.clause(self.column(flt.column))

    def where(self, filters: list[Filter]) -> tuple[str, list]:
        """" WHERE …" for the filters ("" when there are none), and the values to bind in order."""
        clause, values = all_of([self.filter_clause(flt) for flt in filters])
        return (f" WHERE {clause}" if clause else ""), values


def all_of(conditions: list[tuple[str, list]]) -> tuple[str, list]:
    """Conditions joined by AND ("" when there are none), and their values in order."""
    return " AND ".join(c for c, _ in conditions), [v for _, values in conditions for v in values]


def register_derived(cursor, ds: Dataset) -> None:
    """A derived dataset is computed and registered on this cursor under its name; others are tables already."""
    if ds.computed_by is not None:
        cursor.register(ds.name, ds.computed_by(cursor))


def fetch_columns(cursor, catalog: dict[str, Dataset], dataset: str, columns: list[str],
                  filters: list[Filter] | None = None, area_codes: bool = False) -> pd.DataFrame:
    """Rows of some columns (area attributes allowed), filtered: the input of a statistical test.
    町丁目 codes come back as names, unless `area_codes` (to join the rows to the areas' shapes)."""
    ds = catalog[dataset]
    table = Table(catalog, ds, "t", columns)
    expression = table.column if area_codes else table.dimension
    select = ", ".join(f"{expression(c)} AS {q(c)}" for c in dict.fromkeys(columns))
    where, params = table.where(filters or [])
    register_derived(cursor, ds)
    sql = f"SELECT {select} FROM {table.from_clause()}{where} LIMIT {STAT_ROW_LIMIT}"
    return cursor.execute(sql, params).df()


def distinct_values(cursor, catalog: dict[str, Dataset], dataset: str, column: str, limit: int = 500) -> list:
    """The values a filter on `column` can pick from, sorted."""
    ds = catalog[dataset]
    table = Table(catalog, ds, "t", [column])
    expr = table.column(column)
    register_derived(cursor, ds)
    rows = cursor.execute(
        f"SELECT DISTINCT {expr} AS v FROM {table.from_clause()} WHERE {expr} IS NOT NULL ORDER BY 1 LIMIT ?",
        [limit],
    ).fetchall()
    return [r[0] for r in rows]


def value_range(cursor, catalog: dict[str, Dataset], dataset: str, column: str) -> tuple:
    """The lowest and highest value of a column (a slider's ends)."""
    ds = catalog[dataset]
    table = Table(catalog, ds, "t", [column])
    expr = table.column(column)
    register_derived(cursor, ds)
    return tuple(cursor.execute(f"SELECT MIN({expr}), MAX({expr}) FROM {table.from_clause()}").fetchone())


def area_names(cursor, catalog: dict[str, Dataset]) -> dict[str, str]:
    """町丁目 code → name, for showing filter choices by name."""
    areas = area_dataset(catalog)
    if areas is None or not areas.columns_with_role("name"):
        return {}
    key = areas.columns_with_role("area")[0].name
    label = areas.columns_with_role("name")[0].name
    return dict(cursor.execute(f"SELECT {q(key)}, {q(label)} FROM {q(areas.name)}").fetchall())
