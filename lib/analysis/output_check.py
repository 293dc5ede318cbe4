"""Output checking: the rule checks an instructor reads before SQL-derived evidence leaves the room.

Trainee SQL cannot be made leak-proof against small cells by rewriting queries (arithmetic
can always disguise a count), so research data centres check what leaves: a saved SQL result
is looked at by a person before it is exported. These checks point that person at what to look
at, on every numeric column of the saved (already suppressed) result:

- small: a whole number 1 … MIN_CELL-1 of any type (9, 9.0, "9") in a result over person data;
- near_total: a value that differs from a published total (a person table's records, or the
  sum of its persons column) by 1 … MIN_CELL-1: "everyone but this cell" gives the cell away;
- few_rows: a listing of person records with fewer than MIN_CELL rows;
- padding / unreadable: a query that adds rows of its own (UNION, range(), VALUES) or whose
  structure cannot be read (PIVOT): its numbers are not the counts they look like.

A finding is advice for the reviewer, not a refusal: the reviewer approves or sends back.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from lib.analysis.disclosure import MIN_CELL, RECORDS, persons_basis, query_shape, reads_persons, whole_numbers
from lib.data.catalog import Dataset
from lib.data.query import quote_identifier as q
from lib.i18n import t

SHOWN_VALUES = 5  # values named per finding; the rest are counted


@dataclass(frozen=True)
class Finding:
    key: str  # small / near_total / few_rows / padding / unreadable
    column: str = ""
    values: str = ""  # the values concerned, as text
    dataset: str = ""

    def text(self, lang: str = "ja") -> str:
        return t(f"output_check.finding.{self.key}", lang, column=self.column, values=self.values,
                 dataset=self.dataset, threshold=MIN_CELL)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        return cls(**{name: str(data.get(name) or "") for name in ("key", "column", "values", "dataset")})


def published_totals(cursor, catalog: dict[str, Dataset]) -> dict[str, int]:
    """Each person table's total as anyone may ask for it: its records, or the sum of its persons column."""
    totals = {}
    for name, ds in catalog.items():
        basis = persons_basis(ds)
        if not basis or ds.is_geo:
            continue
        measure = "COUNT(*)" if basis == RECORDS else f"SUM({q(basis)})"
        try:
            value = cursor.execute(f"SELECT {measure} FROM {q(name)}").fetchone()[0]
        except Exception:  # noqa: BLE001 - a table not published in this build has no total to compare with
            continue
        if value is not None:
            totals[name] = int(value)
    return totals


def _listed(values) -> str:
    shown = [f"{v:g}" for v in list(values)[:SHOWN_VALUES]]
    return ", ".join(shown) + (" …" if len(values) > len(shown) else "")


def rule_checks(query: str, frame: pd.DataFrame, catalog: dict[str, Dataset],
                totals: dict[str, int]) -> list[Finding]:
    """What the reviewer should look at in a saved SQL result (empty: nothing the rules can see)."""
    shape = query_shape(query, catalog)
    if not reads_persons(shape, catalog):
        return []
    findings = []
    if shape.node is None:
        findings.append(Finding("unreadable"))
    elif shape.padding:
        findings.append(Finding("padding"))
    if not shape.aggregates and 0 < len(frame) < MIN_CELL:
        findings.append(Finding("few_rows", values=str(len(frame))))
    for column in frame.columns:
        numbers = whole_numbers(frame[column]).dropna()
        if shape.aggregates:
            small = numbers[(numbers > 0) & (numbers < MIN_CELL)]
            if len(small):
                findings.append(Finding("small", str(column), _listed(small.tolist())))
        values = pd.to_numeric(frame[column], errors="coerce").dropna() \
            if not pd.api.types.is_bool_dtype(frame[column]) else pd.Series(dtype=float)
        for dataset, total in totals.items():
            near = values[(total - values > 0) & (total - values < MIN_CELL)]
            if len(near):
                findings.append(Finding("near_total", str(column), _listed(near.tolist()), dataset))
    return findings


def findings_text(findings: list[dict], lang: str = "ja") -> list[str]:
    """The stored findings (plain dicts) as sentences."""
    return [Finding.from_dict(f).text(lang) for f in findings]
