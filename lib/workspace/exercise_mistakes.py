"""Why an exercise answer is probably wrong: the question's own query, changed the way answers often go
wrong, is run again; a wrong answer that equals one of those results is explained by that mistake.

DuckDB parses the query (json_serialize_sql gives its syntax tree as JSON, json_deserialize_sql turns a
tree back into SQL), so each mistake is made of the query's own parts:

- another year: a year compared with a year column (by the catalog's role "year") replaced by each other
  year that column holds;
- another denominator: one condition of the data a division divides by left out (the CTE or subquery its
  divisor reads), e.g. everyone's population instead of those aged 65+;
- records instead of distinct ones: COUNT(DISTINCT x) counted as COUNT(x);
- a filter dropped: one condition of a WHERE left out.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Callable, Iterator

import duckdb

from lib.i18n import t

KINDS = ("year", "denominator", "records", "filter")  # the order a matching mistake is told in
COMPARISONS = {"COMPARE_EQUAL", "COMPARE_NOTEQUAL", "COMPARE_LESSTHAN", "COMPARE_GREATERTHAN",
               "COMPARE_LESSTHANOREQUALTO", "COMPARE_GREATERTHANOREQUALTO"}


@dataclass(frozen=True)
class Mistake:
    kind: str  # one of KINDS
    sql: str  # the question's query with the mistake made
    values: dict = field(default_factory=dict)  # the parts the sentence names (condition, years, column)

    def explain(self, lang: str = "ja") -> str:
        return t(f"ex.mistake.{self.kind}", lang, **self.values)


def _parse(con, sql: str) -> dict:
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error") or len(tree.get("statements") or []) != 1:
        raise ValueError("not one SELECT statement")
    return tree


def _sql(con, tree: dict) -> str:
    return con.execute("SELECT json_deserialize_sql(?)", [json.dumps(tree)]).fetchone()[0]


def _expression_sql(con, expression: dict) -> str:
    """One expression as SQL text (for the sentence): put into `SELECT 1` in place of the 1."""
    template = _parse(con, "SELECT 1")
    template["statements"][0]["node"]["select_list"] = [expression]
    text = _sql(con, template).removeprefix("SELECT ").strip()
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _walk(node, path: tuple = ()) -> Iterator[tuple[tuple, dict]]:
    """Every dict of the tree with its path (keys and list indexes from the root)."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, path + (index,))


def _at(tree, path: tuple):
    for step in path:
        tree = tree[step]
    return tree


def _select_names(tree: dict) -> dict[tuple, str]:
    """The path of each SELECT that a name stands for: a CTE's key, a subquery's alias in a FROM."""
    names = {}
    for path, node in _walk(tree):
        if path[-2:-1] == ("map",) and "key" in node and isinstance(node.get("value"), dict):
            names[path + ("value", "query", "node")] = str(node["key"])
        elif node.get("type") == "SUBQUERY" and node.get("alias") and isinstance(node.get("subquery"), dict):
            names[path + ("subquery", "node")] = str(node["alias"])
    return names


def _divisor_parts(tree: dict) -> tuple[set[str], list[tuple]]:
    """What the divisors of the query's divisions read: the names they qualify columns with, and the
    paths of the subqueries inside them."""
    qualifiers, inside = set(), []
    for path, node in _walk(tree):
        if node.get("class") == "FUNCTION" and node.get("function_name") == "/" and len(node.get("children", [])) == 2:
            divisor_path = path + ("children", 1)
            for inner_path, inner in _walk(node["children"][1], divisor_path):
                if inner.get("class") == "COLUMN_REF" and len(inner.get("column_names", [])) >= 2:
                    qualifiers.add(str(inner["column_names"][0]))
                if inner.get("type") == "SELECT_NODE":
                    inside.append(inner_path)
    return qualifiers, inside


def _conditions(where: dict) -> list[dict]:
    return list(where["children"]) if where.get("type") == "CONJUNCTION_AND" else [where]


def _without(where: dict, index: int) -> dict | None:
    rest = [c for i, c in enumerate(_conditions(where)) if i != index]
    if not rest:
        return None
    return rest[0] if len(rest) == 1 else {**where, "children": rest}


def _dropped_conditions(con, tree: dict) -> Iterator[Mistake]:
    names = _select_names(tree)
    qualifiers, divisor_selects = _divisor_parts(tree)
    for path, node in list(_walk(tree)):
        if node.get("type") != "SELECT_NODE" or not node.get("where_clause"):
            continue
        in_divisor = names.get(path) in qualifiers or any(path[:len(p)] == p for p in divisor_selects)
        for index, condition in enumerate(_conditions(node["where_clause"])):
            changed = copy.deepcopy(tree)
            _at(changed, path)["where_clause"] = _without(node["where_clause"], index)
            yield Mistake("denominator" if in_divisor else "filter", _sql(con, changed),
                          {"condition": _expression_sql(con, condition)})


def _year_comparisons(tree: dict, year_columns: set[str]) -> list[tuple[tuple, int]]:
    """Paths of the constants a year column is compared with, and their years."""
    found = []
    for path, node in _walk(tree):
        if node.get("class") != "COMPARISON" or node.get("type") not in COMPARISONS:
            continue
        for column_side, constant_side in (("left", "right"), ("right", "left")):
            column, constant = node.get(column_side) or {}, node.get(constant_side) or {}
            if column.get("class") == "COLUMN_REF" and column["column_names"][-1] in year_columns \
                    and constant.get("class") == "CONSTANT" and isinstance(constant["value"].get("value"), int):
                found.append((path + (constant_side, "value"), int(constant["value"]["value"])))
    return found


def _other_years(con, tree: dict, year_columns: set[str], years_of: Callable[[str], list[int]]) -> Iterator[Mistake]:
    found = _year_comparisons(tree, year_columns)
    column_of = {}
    for path, _year in found:
        comparison = _at(tree, path[:-2])
        sides = [comparison.get("left") or {}, comparison.get("right") or {}]
        column_of[path] = next(s["column_names"][-1] for s in sides if s.get("class") == "COLUMN_REF")
    for used in sorted({year for _, year in found}):
        paths = [path for path, year in found if year == used]
        column = column_of[paths[0]]
        for other in years_of(column):
            if other == used:
                continue
            changed = copy.deepcopy(tree)
            for path in paths:
                _at(changed, path)["value"] = other
            yield Mistake("year", _sql(con, changed), {"used": used, "other": other, "column": column})


def _counted_records(con, tree: dict) -> Iterator[Mistake]:
    for path, node in _walk(tree):
        if node.get("class") == "FUNCTION" and node.get("function_name") == "count" and node.get("distinct"):
            changed = copy.deepcopy(tree)
            _at(changed, path)["distinct"] = False
            column = ", ".join(_expression_sql(con, child) for child in node.get("children", []))
            yield Mistake("records", _sql(con, changed), {"column": column})


def typical_mistakes(sql: str, year_columns: set[str], years_of: Callable[[str], list[int]]) -> list[Mistake]:
    """The query with each typical mistake made, in the order of KINDS. `year_columns` are the names of
    the year columns of the tables it reads; `years_of(column)` the years such a column holds. A query
    DuckDB cannot parse has none."""
    con = duckdb.connect()
    try:
        tree = _parse(con, sql)
        found = [*_other_years(con, tree, year_columns, years_of), *_dropped_conditions(con, tree),
                 *_counted_records(con, tree)]
    except (duckdb.Error, ValueError, KeyError, TypeError, StopIteration):
        return []
    finally:
        con.close()
    return sorted(found, key=lambda mistake: KINDS.index(mistake.kind))


def tables_read(sql: str) -> list[str]:
    """The names of the tables (not CTEs) the query reads."""
    con = duckdb.connect()
    try:
        tree = _parse(con, sql)
    except (duckdb.Error, ValueError):
        return []
    finally:
        con.close()
    ctes = set(_select_names(tree).values())
    return sorted({str(node["table_name"]) for _, node in _walk(tree)
                   if node.get("type") == "BASE_TABLE" and node.get("table_name") not in ctes})


def matching(mistakes: list[tuple[Mistake, float | None]], given: float, expected: float,
             tolerance: float) -> list[Mistake]:
    """The mistakes whose result is the given answer (and not the right one). A result of 0 explains nothing:
    it comes from a year one table lacks, or from both years of a difference made the same."""
    close = lambda a, b: abs(a - b) <= tolerance + 1e-9  # noqa: E731
    return [mistake for mistake, value in mistakes
            if value is not None and value != 0 and close(value, given) and not close(value, expected)]
