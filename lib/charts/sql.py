"""ChartSpec → SQL over the published tables → DataFrame.

Identifiers are quoted with quote_identifier and every value a user chose is a
bound `?` parameter. The result has one column per dimension / facet (named as
in the spec, e.g. "care_level" or "areas.district") and `value`; a rate also
returns `numerator` and `denominator`, a change `value_from` and `value_to`.
Raw chart types (scatter, histogram, box) get rows: `value`, `x`, dimensions.

The small-cell rule's counts (persons per cell, and per cell with each filter left out) are
computed by the chart's own query, in the same scan (CellCounts), so they live beside the
builder; protect_chart_data decides on that small result. Over 400 lines for that reason.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from lib.analysis import disclosure
from lib.charts import cubes
from lib.charts.spec import ChartSpec, check_spec, population_key
from lib.data.catalog import Dataset, population_column, population_dataset
from lib.data.query import AREA_PREFIX, Filter, Table, all_of, register_derived
from lib.data.query import quote_identifier as q

# Raw charts draw at most this many rows (a reproducible sample beyond it).
RAW_ROW_LIMIT = 50_000

_AGGREGATES = {"sum": "SUM({c})", "mean": "AVG({c})", "median": "MEDIAN({c})", "min": "MIN({c})",
               "max": "MAX({c})"}


class _Source(Table):
    """The chart's table; with `cubes`, the cubes a query reads are named there (name → SQL) and read by
    name (lib.charts.cubes)."""

    def __init__(self, catalog: dict[str, Dataset], ds: Dataset, alias: str, names: list[str],
                 cubes: dict[str, str] | None = None):
        super().__init__(catalog, ds, alias, names)
        self.cubes = cubes

    def cube_relation(self, sql: str) -> str:
        """Where the query reads a cube from: its SQL inline, or its name when cubes are kept."""
        if self.cubes is None:
            return f"({sql})"
        name = f"__cube_{len(self.cubes)}"
        self.cubes[name] = sql
        return q(name)


def _where(source: _Source, filters: list[Filter], params: list) -> str:
    where, values = source.where(filters)
    params.extend(values)
    return where


def _aggregate_name(spec: ChartSpec) -> str:
    m = spec.measure
    return m.kind if m.kind in _AGGREGATES else m.base


def _base_aggregate(spec: ChartSpec, source: _Source) -> str:
    name = _aggregate_name(spec)
    if name == "count":
        return "COUNT(*)"
    return _AGGREGATES[name].format(c=source.column(spec.measure.column))


# Aggregates that can be computed per 町丁目 first and combined after joining the area table:
# (partial aggregates, how to combine them).
_PARTIAL = {
    "count": ({"__n": "COUNT(*)"}, "SUM(__n)"),
    "sum": ({"__s": "SUM({c})"}, "SUM(__s)"),
    "min": ({"__m": "MIN({c})"}, "MIN(__m)"),
    "max": ({"__m": "MAX({c})"}, "MAX(__m)"),
    "mean": ({"__s": "SUM({c})", "__n": "COUNT({c})"}, "SUM(__s) / NULLIF(SUM(__n), 0)"),
}


# The small-cell rule's counts travel beside a chart's value in the same query (columns with this
# prefix, dropped by protect_chart_data): one scan of the records, whatever the number of filters.
CELL_COUNT_PREFIX = "__cell_"
_ROWS, _PERSONS = "__cell_rows", "__cell_persons"


def _wider(dropped: int) -> str:
    return f"__cell_wider{dropped}"


@dataclass(frozen=True)
class CellCounts:
    """What the small-cell rule counts per cell: rows passing every filter (`__cell_rows`: does the cell
    exist), the persons it describes (`__cell_persons`), and the persons with filter i left out
    (`__cell_wider{i}`: that figure can be asked for too, and the difference describes persons)."""
    basis: str  # disclosure.RECORDS or a column that counts persons
    counted: tuple[int, ...]  # the filters the persons obey: all, but a change counts each year alone

    def names(self, filters: int) -> list[str]:
        return [_ROWS, _PERSONS] + [_wider(i) for i in range(filters)]


def cell_counts(catalog: dict[str, Dataset], spec: ChartSpec) -> CellCounts | None:
    """The counts a chart's protection needs (None for raw charts and data that describe no person)."""
    ds = catalog[spec.dataset]
    basis = disclosure.persons_basis(ds)
    if basis is None or spec.is_raw:
        return None
    year = ds.columns_with_role("year")[0].name if spec.measure.kind == "change" else None
    return CellCounts(basis, tuple(i for i, f in enumerate(spec.filters) if f.column != year))


def _filtered(aggregate: str, condition: tuple[str, list], params: list) -> str:
    """The aggregate over the rows meeting the condition: FILTER after it, or at each `{f}` it marks."""
    clause, values = condition
    marks = aggregate.count("{f}")
    params.extend(values * max(marks, 1))
    filtered = f" FILTER (WHERE {clause})" if clause else ""
    return aggregate.replace("{f}", filtered) if marks else aggregate + filtered


def _aggregate_rows(spec: ChartSpec, source: _Source, dims: dict[str, str], aggregates: list[tuple[str, str]],
                    from_sql: str, params: list, extra_where: str, counts: CellCounts | None) -> str:
    """SELECT dims, aggregates (alias, expression) FROM … WHERE the spec's filters GROUP BY dims.

    With `counts`, the aggregates keep to the rows passing every filter (FILTER clauses) and the cell
    counts follow them, over the rows failing at most one counted filter; where it can, it reads the
    records once into a cube (_cube) so that each filter is evaluated per group, not per record."""
    conditions = [source.filter_clause(flt) for flt in spec.filters]
    select = [f"{expr} AS {q(n)}" for n, expr in dims.items()]
    persons = None if counts is None else \
        "COUNT(*)" if counts.basis == disclosure.RECORDS else f"SUM({source.column(counts.basis)})"
    cube = _cube(spec, source, [expr for _, expr in aggregates] + [persons]) if counts else None
    if cube is not None:  # the aggregates then read the cube's partial aggregates
        table, combined = cube
        from_sql = from_sql.replace(f"{q(source.ds.name)} AS {source.alias}",
                                    f"{source.cube_relation(table)} AS {source.alias}", 1)
        aggregates = [(alias, combined[expr]) for alias, expr in aggregates]
        persons = combined[persons]
    if counts is None:
        select += [f"{expr} AS {alias}" for alias, expr in aggregates]
        where, values = all_of(conditions)
    else:
        every = all_of(conditions)
        select += [f"{_filtered(expr, every, params)} AS {alias}" for alias, expr in aggregates]
        rows = _cube_count(source.alias) if cube is not None else "COUNT(*)"

        def obeying(indices) -> tuple[str, list]:
            return all_of([conditions[i] for i in indices])

        select.append(f"{_filtered(rows, every, params)} AS {_ROWS}")
        select.append(f"{_filtered(persons, obeying(counts.counted), params)} AS {_PERSONS}")
        select += [f"{_filtered(persons, obeying(j for j in counts.counted if j != i), params)} AS {_wider(i)}"
                   for i in range(len(conditions))]
        counted = [conditions[i] for i in counts.counted]
        hits = " + ".join(f"CASE WHEN {clause} THEN 1 ELSE 0 END" for clause, _ in counted)
        where, values = (f"{hits} >= {len(counted) - 1}", all_of(counted)[1]) if len(counted) > 1 else ("", [])
    params.extend(values)
    clauses = [c for c in (where, extra_where) if c]
    where_sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    group = (" GROUP BY " + ", ".join(str(i + 1) for i in range(len(dims)))) if dims else ""
    return f"SELECT {', '.join(select)} FROM {from_sql}{where_sql}{group}"


def _cube_count(alias: str) -> str:
    return f"CAST(COALESCE(SUM({alias}.__n){{f}}, 0) AS BIGINT)"  # COUNT(*) gives 0 over no rows, not NULL


def _cube(spec: ChartSpec, source: _Source, aggregates: list[str]) -> tuple[str, dict[str, str]] | None:
    """The records grouped by every column the chart's dimensions and filters read, with partial
    aggregates: a small table on which each filter, left in or out, costs little (evaluated per group,
    not per record). (its SQL, each aggregate over the records → the same over the cube), or None
    when an aggregate cannot be combined (a median) or no filter needs it."""
    if not spec.filters:
        return None
    a = source.alias
    names = [n for n in spec.grouping + [f.column for f in spec.filters] if not n.startswith(AREA_PREFIX)]
    if source.area_code is not None and (source.join_areas or len(names) < len(spec.grouping) + len(spec.filters)
                                         or source.area_code.name in names):
        names.append(source.area_code.name)
        names += [c.name for c in source.ds.columns_with_role("name")]  # 町丁目 names shown for codes
    if spec.measure.kind == "change":  # grouped by year too
        names.append(source.ds.columns_with_role("year")[0].name)
    keys = [f"{a}.{q(n)}" for n in dict.fromkeys(names)]
    partials = {"__n": "COUNT(*)"}
    combined = {"COUNT(*)": _cube_count(a)}
    for i, column in enumerate(dict.fromkeys(c for c in (spec.measure.column, disclosure.persons_basis(source.ds))
                                              if c and c != disclosure.RECORDS)):
        expr = source.column(column)
        partials.update({f"__s{i}": f"SUM({expr})", f"__c{i}": f"COUNT({expr})", f"__lo{i}": f"MIN({expr})",
                         f"__hi{i}": f"MAX({expr})"})
        combined.update({f"SUM({expr})": f"SUM({a}.__s{i})", f"COUNT({expr})": f"CAST(SUM({a}.__c{i}){{f}} AS BIGINT)",
                         f"MIN({expr})": f"MIN({a}.__lo{i})", f"MAX({expr})": f"MAX({a}.__hi{i})",
                         f"AVG({expr})": f"SUM({a}.__s{i}){{f}} / NULLIF(SUM({a}.__c{i}){{f}}, 0)"})
    if any(expr not in combined for expr in aggregates):
        return None
    select = keys + [f"{expr} AS {alias}" for alias, expr in partials.items()]
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    return (f"SELECT {', '.join(select)} FROM {q(source.ds.name)} AS {a}" + (f" GROUP BY {group}" if keys else ""),
            combined)


def _grouped_select(spec: ChartSpec, source: _Source, value: str, params: list, extra_where: str = "",
                    extra_dims: dict | None = None, counts: CellCounts | None = None,
                    drop_empty: bool = True) -> str:
    """The spec's aggregate per cell as column `value` (with `counts`, the cell counts too; cells that only
    a dropped filter fills are left out unless `drop_empty` is False)."""
    name = _aggregate_name(spec)
    uses_areas = source.join_areas and any(
        n.startswith(AREA_PREFIX) or n == source.area_code.name for n in spec.grouping)
    if uses_areas and name in _PARTIAL:
        body = _two_stage_select(spec, source, value, params, extra_where, extra_dims or {}, counts)
    else:
        dims = {n: source.dimension(n) for n in spec.grouping}
        dims.update(extra_dims or {})
        body = _aggregate_rows(spec, source, dims, [(q(value), _base_aggregate(spec, source))],
                               source.from_clause(), params, extra_where, counts)
    if counts is not None and spec.filters and drop_empty and (spec.grouping or extra_dims):
        body = f"SELECT * FROM ({body}) AS cells WHERE {_ROWS} > 0"
    return body


def _two_stage_select(spec: ChartSpec, source: _Source, value: str, params: list, extra_where: str,
                      extra_dims: dict, counts: CellCounts | None) -> str:
    """Aggregate per 町丁目 first, then join the (small) area table and combine: the join then
    touches a few hundred rows instead of every record."""
    inner: dict[str, str] = {}
    outer: dict[str, str] = {}
    area = source.area_alias
    label = source.areas.columns_with_role("name")
    for i, n in enumerate(spec.grouping):
        if n.startswith(AREA_PREFIX):
            outer[n] = f"{area}.{q(n[len(AREA_PREFIX):])}"
        elif n == source.area_code.name:
            outer[n] = f"COALESCE({area}.{q(label[0].name)}, s.__area)" if label else "s.__area"
        else:
            inner[f"__d{i}"] = source.column(n)
            outer[n] = f"s.__d{i}"
    for n, expr in extra_dims.items():
        inner[n] = expr
        outer[n] = f"s.{q(n)}"
    inner["__area"] = source.column(source.area_code.name)
    partials, combine = _PARTIAL[_aggregate_name(spec)]
    column = source.column(spec.measure.column) if spec.measure.column else ""
    per_area = _aggregate_rows(
        spec,
        source,
        inner,
        [(alias, expr.format(c=column)) for alias, expr in partials.items()],
        f"{q(source.ds.name)} AS {source.alias}",
        params,
        extra_where,
        counts,
    )
    area_key = source.areas.columns_with_role("area")[0].name
    final = [f"{expr} AS {q(n)}" for n, expr in outer.items()] + [f"{combine} AS {q(value)}"]
    final += [f"SUM({n}) AS {n}" for n in (counts.names(len(spec.filters)) if counts else [])]
    return (f"SELECT {', '.join(final)} FROM ({per_area}) AS s LEFT JOIN {q(source.areas.name)} AS {area}"
            f" ON {area}.{q(area_key)} = s.__area GROUP BY {', '.join(str(i + 1) for i in range(len(outer)))}")


def _order_and_top(spec: ChartSpec, body: str, params: list) -> str:
    top_n = spec.options.get("top_n")
    if top_n and len(spec.dimensions) == 1:
        partition = f"PARTITION BY {q(spec.facet)} " if spec.facet else ""
        ties = ", ".join(q(n) for n in spec.dimensions)  # equal values: a stable choice
        body = (f"SELECT * FROM ({body}) AS ranked QUALIFY row_number() OVER "
                f"({partition}ORDER BY value DESC NULLS LAST, {ties}) <= ?")
        params.append(int(top_n))
    order = ", ".join(q(n) for n in spec.grouping)
    return f"SELECT * FROM ({body}) AS chart_data" + (f" ORDER BY {order}" if order else "")


def _names_used(spec: ChartSpec) -> list[str]:
    """Columns read from rows (filters on area attributes need no join: they are semi-joins)."""
    return spec.grouping + [n for n in (spec.measure.column, spec.options.get("x")) if n]


def _raw_sql(spec: ChartSpec, source: _Source, params: list) -> str:
    cols = {name: source.dimension(name) for name in spec.grouping}
    cols["value"] = source.column(spec.measure.column)
    if spec.chart_type == "scatter":
        cols["x"] = source.column(spec.options["x"])
    select = ", ".join(f"{expr} AS {q(name)}" for name, expr in cols.items())
    where = _where(source, spec.filters, params)
    not_null = " AND ".join(f"{cols[c]} IS NOT NULL" for c in ("value", "x") if c in cols)
    where = (where + " AND " if where else " WHERE ") + not_null
    inner = f"SELECT {select} FROM {source.from_clause()}{where}"
    order = ", ".join(q(n) for n in cols)
    return (f"SELECT * FROM ({inner}) AS raw_rows USING SAMPLE reservoir({RAW_ROW_LIMIT} ROWS)"
            f" REPEATABLE (7) ORDER BY {order}")


def _rate_sql(spec: ChartSpec, catalog: dict[str, Dataset], source: _Source, params: list,
              counts: CellCounts | None) -> str:
    """Numerator aggregated from the records, divided by population over the same keys and filters."""
    ds = source.ds
    pop = population_dataset(catalog)
    mapping: dict[str, str] = {}  # record column → population column, by shared role
    for name in spec.grouping + [f.column for f in spec.filters]:
        key = population_key(catalog, ds, name)
        if key is not None:
            mapping[name] = key
    pop_source = _Source(catalog, pop, "p", list(mapping.values()))
    pop_year = pop.columns_with_role("year")
    # Records without an observation year (places, facilities) are divided by the latest population.
    latest_only = bool(pop_year) and not any(population_key(catalog, ds, c.name) for c in ds.columns_with_role("year"))

    numerator = _grouped_select(spec, source, "numerator", params, counts=counts)
    pop_dims = {name: pop_source.dimension(mapping[name]) for name in spec.grouping}
    pop_filters = [Filter(mapping[f.column], f.op, f.values) for f in spec.filters if f.column in mapping]
    select = [f"{expr} AS {q(name)}" for name, expr in pop_dims.items()]
    select.append(f"SUM({pop_source.column(population_column(pop).name)}) AS denominator")
    where = _where(pop_source, pop_filters, params)
    if latest_only:
        year = q(pop_year[0].name)
        latest = f"p.{year} = (SELECT MAX({year}) FROM {q(pop.name)})"
        where = (where + " AND " if where else " WHERE ") + latest
    elif pop_year and (record_year := _population_year_of(catalog, ds)) is not None \
            and not _one_year_per_row(spec, record_year):
        # Population years the records do not cover (e.g. the earlier year a projection needs) are not
        # counted: the rate over several years is records over the same years' population.
        covered = f"p.{q(pop_year[0].name)} IN (SELECT DISTINCT {q(record_year)} FROM {q(ds.name)})"
        where = (where + " AND " if where else " WHERE ") + covered
    group = (" GROUP BY " + ", ".join(str(i + 1) for i in range(len(pop_dims)))) if pop_dims else ""
    denominator = f"SELECT {', '.join(select)} FROM {pop_source.from_clause()}{where}{group}"
    keys = ", ".join(q(n) for n in spec.grouping)
    join = f"LEFT JOIN den USING ({keys})" if keys else "CROSS JOIN den"
    return (f"WITH num AS ({numerator}), den AS ({denominator}) "
            f"SELECT num.*, den.denominator, "
            f"1000.0 * num.numerator / NULLIF(den.denominator, 0) AS value FROM num {join}")


def _one_year_per_row(spec: ChartSpec, year: str) -> bool:
    """The chart's rows are groups of records, each of one year (grouped by it, or one year chosen): a population
    year the records do not cover has no records, so no row (and the records need not be read for their years).
    A chart of one figure has its row even with no records: its denominator must stay empty then."""
    return bool(spec.grouping) and (year in spec.grouping or any(
        f.column == year and f.op == "in" and len(f.values) == 1 for f in spec.filters))


def _population_year_of(catalog, ds) -> str | None:
    """The records' column that matches the population's year, if any."""
    return next((c.name for c in ds.columns_with_role("year") if population_key(catalog, ds, c.name)), None)


def _change_sql(spec: ChartSpec, source: _Source, params: list, counts: CellCounts | None) -> str:
    m = spec.measure
    year = source.ds.columns_with_role("year")[0].name
    year_expr = source.column(year)
    inner_params: list = []
    agg = _grouped_select(spec, source, "v", inner_params, extra_where=f"{year_expr} IN (?, ?)",
                          extra_dims={"__year": year_expr}, counts=counts, drop_empty=False)
    # Values bind in the order they appear: the pivot's years, then the inner query's.
    params.extend([m.from_year, m.to_year])
    dims = [q(n) for n in spec.grouping]
    exists = f" AND {_ROWS} > 0" if counts else ""  # a year whose cell only a dropped filter fills
    select = [*dims, f"MAX(v) FILTER (WHERE __year = ?{exists}) AS value_from",
              f"MAX(v) FILTER (WHERE __year = ?{exists}) AS value_to"]
    having = ""
    if counts:
        # Both years are shown: the year with fewer persons decides.
        select.append(f"SUM({_ROWS}) AS {_ROWS}")
        for name in counts.names(len(spec.filters))[1:]:
            select.append(f"LEAST(COALESCE(MAX({name}) FILTER (WHERE __year = ?), 0), "
                          f"COALESCE(MAX({name}) FILTER (WHERE __year = ?), 0)) AS {name}")
            params.extend([m.from_year, m.to_year])
        having = f" HAVING SUM({_ROWS}) > 0" if dims else ""
    params.extend(inner_params + [m.from_year, m.to_year])
    group = (" GROUP BY " + ", ".join(dims)) if dims else ""
    pivoted = f"SELECT {', '.join(select)} FROM ({agg}) AS by_year{group}{having}"
    value = ("100.0 * (value_to - value_from) / NULLIF(value_from, 0)" if m.relative
             else "value_to - value_from")
    return f"SELECT *, {value} AS value FROM ({pivoted}) AS changed"


def build_chart_sql(catalog: dict[str, Dataset], spec: ChartSpec, with_cell_counts: bool = False,
                    cubes: dict[str, str] | None = None) -> tuple[str, list]:
    """The SQL and bound parameters that compute the spec's data (ChartSpecError if invalid); with
    `with_cell_counts`, the small-cell rule's counts come out of the same scan (see CellCounts).
    With `cubes`, the records' cube is not inline: it is added there by name (see lib.charts.cubes)."""
    check_spec(spec, catalog)
    ds = catalog[spec.dataset]
    source = _Source(catalog, ds, "t", _names_used(spec), cubes)
    params: list = []
    if spec.is_raw:
        return _raw_sql(spec, source, params), params
    counts = cell_counts(catalog, spec) if with_cell_counts else None
    kind = spec.measure.kind
    if kind == "rate_per_1000":
        body = _rate_sql(spec, catalog, source, params, counts)
    elif kind == "change":
        body = _change_sql(spec, source, params, counts)
    elif kind == "share":
        agg = _grouped_select(spec, source, "base_value", params, counts=counts)
        partition = ([spec.facet] if spec.facet else []) + (spec.dimensions[:1] if len(spec.dimensions) == 2 else [])
        over = ("PARTITION BY " + ", ".join(q(n) for n in partition)) if partition else ""
        body = (f"SELECT *, 100.0 * base_value / NULLIF(SUM(base_value) OVER ({over}), 0) AS value "
                f"FROM ({agg}) AS shares")
    else:
        body = _grouped_select(spec, source, "value", params, counts=counts)
    return _order_and_top(spec, body, params), params


OVERALL_MEASURES = {"mean", "rate_per_1000"}  # values compared with the whole (市平均), not summed to it


def shows_overall(spec: ChartSpec) -> bool:
    """Bars of a mean or a rate by one category get the value of all the records as a reference line."""
    return (spec.chart_type in {"bar", "ranked_bar"} and len(spec.dimensions) == 1 and not spec.facet
            and spec.measure.kind in OVERALL_MEASURES)


def run_chart(cursor: duckdb.DuckDBPyConnection, catalog: dict[str, Dataset], spec: ChartSpec) -> pd.DataFrame:
    """The spec's data as a DataFrame, with the small-cell rule applied (lib.analysis.disclosure); for a
    mean or rate by one category, frame.attrs["overall"] holds the same measure over all the records
    (the same filters), computed by the database."""
    register_derived(cursor, catalog[spec.dataset])
    database = cubes.cache_key(cursor)
    named: dict[str, str] | None = {} if database else None
    sql, params = build_chart_sql(catalog, spec, with_cell_counts=True, cubes=named)
    if named:
        cubes.register(cursor, database, named)
    try:
        frame = protect_chart_data(catalog, spec, cursor.execute(sql, params).df())
    finally:
        if named:
            cubes.unregister(cursor, named)
    if shows_overall(spec):
        whole_sql, whole_params = build_chart_sql(catalog, replace(spec, dimensions=[], chart_type="kpi", options={}))
        whole = cursor.execute(whole_sql, whole_params).df()
        frame.attrs["overall"] = float(whole["value"].iloc[0]) if len(whole) and whole["value"].notna().any() else None
    return frame


def protect_chart_data(catalog: dict[str, Dataset], spec: ChartSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Hide the cells of a chart's data that describe 1 … MIN_CELL-1 persons, and their partners.

    `frame` comes from build_chart_sql(…, with_cell_counts=True): its cell counts decide, then go.
    Raw charts (points, histograms, boxes) drop the groups of fewer than MIN_CELL records.
    """
    counts = frame[[c for c in frame.columns if c.startswith(CELL_COUNT_PREFIX)]]
    frame = frame.drop(columns=counts.columns)
    basis = disclosure.persons_basis(catalog[spec.dataset])
    if basis is None or frame.empty:
        return frame
    dims = spec.grouping
    if spec.is_raw:  # groups of fewer than MIN_CELL records; rows of a table of counts that count few
        if basis == disclosure.RECORDS:
            sizes = frame.groupby(dims, dropna=False)["value"].transform("size") if dims else \
                pd.Series(len(frame), index=frame.index)
            small = disclosure.is_small(sizes)
        else:
            small = disclosure.is_small(frame["value"]) if spec.measure.column == basis else \
                np.zeros(len(frame), dtype=bool)
        kept = frame[~small].reset_index(drop=True)
        kept.attrs["suppressed_cells"] = int(small.sum())
        return kept
    persons = counts[_PERSONS].fillna(0)
    # Each filter dropped in turn gives a figure that can be asked for too: the persons the filter
    # left out of a cell (that figure minus this one) must not be small either.
    also_hidden = np.zeros(len(frame), dtype=bool)
    for dropped in range(len(spec.filters)):
        also_hidden |= disclosure.is_small(counts[_wider(dropped)].fillna(0).to_numpy() - persons.to_numpy())
    if "denominator" in frame:
        also_hidden |= disclosure.is_small(frame["denominator"])
    hidden = disclosure.suppression_mask(frame, dims, persons, also_hidden=also_hidden)
    return disclosure.hide(frame, hidden, dims)
