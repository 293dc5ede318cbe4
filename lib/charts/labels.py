"""What a chart says in words: labels, units and titles from the data dictionary, and the
chart data prepared for drawing (Likert codes as words, categories in the dictionary's order).
"""
from __future__ import annotations

import math
import re

import pandas as pd

from lib.charts.spec import ChartSpec, role_of
from lib.data.catalog import Column, Dataset
from lib.data.query import filters_in_words, resolve_column
from lib.i18n import t

# ---------------------------------------------------------------- labels and units

def _list_sep(lang: str) -> str:
    return "・" if lang == "ja" else ", "


def paren(text: str, lang: str) -> str:
    """「（text）」 in Japanese, " (text)" in English; nothing for an empty text."""
    return t("chart.paren", lang, text=text) if text else ""


def display_decimals(values: pd.Series) -> int:
    """Decimals that fit the values: none for whole numbers, two below 10, else one."""
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    if numbers.empty or (numbers % 1 == 0).all():
        return 0
    return 2 if numbers.abs().max() < 10 else 1


def d3_format(values: pd.Series) -> str:
    """A Plotly number format fitting the values: whole numbers, or one / two decimals."""
    return {0: ",.0f", 1: ",.1f", 2: ".2f"}[display_decimals(values)]


def count_label(ds: Dataset, lang: str) -> str:
    """What a count of rows is called: 「認定者数」 when the record unit names the person ("認定者1人"),
    else 人数 / 件数."""
    person = re.match(r"([^\s・、（(0-9]+)1\s*人", ds.record_unit_in("ja"))
    if lang == "ja" and person:
        return person.group(1) + "数"
    key = "chart.measure.count_people" if count_unit_of(ds, "ja") == "人" else "chart.measure.count"
    return t(key, lang)


def count_axis_title(ds: Dataset, lang: str) -> str:
    """How many rows, with their counter word: 「回答者数（人）」 (a histogram's count axis)."""
    return count_label(ds, lang) + paren(count_unit_of(ds, lang), lang)


def column_label(catalog: dict[str, Dataset], spec: ChartSpec, name: str, lang: str) -> str:
    ds = catalog[spec.dataset]
    col = resolve_column(catalog, ds, name)
    if col is not None and col.role == "area" and name in spec.grouping:
        return t("chart.area", lang)  # shown by the areas' names, not their codes
    return col.label_in(lang) if col else name


def measure_label(spec: ChartSpec, catalog: dict[str, Dataset], lang: str) -> str:
    ds = catalog[spec.dataset]
    m = spec.measure
    column = column_label(catalog, spec, m.column, lang) if m.column else ""
    base = column if m.base in {"sum", "mean"} and column else count_label(ds, lang)
    if m.base == "mean" and column:
        base = t("chart.measure.mean_of", lang, column=column)
    if spec.is_raw:
        return column
    if m.kind == "count":
        return count_label(ds, lang)
    if m.kind in {"sum", "mean", "median", "min", "max"}:
        return t(f"chart.measure.{m.kind}_of", lang, column=column)
    if m.kind == "share":
        return t("chart.measure.share_of", lang, base=base)
    if m.kind == "rate_per_1000":
        return base  # the unit says per what: 「認定者数（人口千人当たり）」
    if m.kind == "change":
        key = "chart.measure.change_pct_of" if m.relative else "chart.measure.change_of"
        return t(key, lang, base=base, start=m.from_year, end=m.to_year)
    return ds.title_in(lang)


COUNTER_WORDS = {"人": "chart.unit.persons", "件": "chart.unit.count", "か所": "chart.unit.places",
                 "施設": "chart.unit.facilities", "世帯": "chart.unit.households"}


def count_unit_of(ds: Dataset, lang: str) -> str:
    """What one row counts as: the counter word of the record unit ("認定者1人" → 人 / persons), else 件."""
    match = re.search(r"1\s*(人|件|か所|施設|世帯)", ds.record_unit_in("ja"))
    return t(COUNTER_WORDS[match.group(1)] if match else "chart.unit.count", lang)


def measure_unit(spec: ChartSpec, catalog: dict[str, Dataset], lang: str) -> str:
    m = spec.measure
    ds = catalog[spec.dataset]
    col = resolve_column(catalog, ds, m.column) if m.column else None
    column_unit = col.unit_in(lang) if col else ""
    count_unit = count_unit_of(ds, lang)
    if m.kind == "share" or (m.kind == "change" and m.relative):
        return "%"
    if m.kind == "rate_per_1000":
        return t("chart.unit.per_1000", lang)
    if m.kind == "count" or (m.kind == "change" and m.base == "count"):
        return count_unit
    return column_unit


def chart_title(spec: ChartSpec, catalog: dict[str, Dataset], lang: str) -> str:
    if spec.title:
        return spec.title
    ds = catalog[spec.dataset]
    label = measure_label(spec, catalog, lang)
    unit = measure_unit(spec, catalog, lang)
    if spec.chart_type == "scatter" and spec.options.get("x"):
        x_label = column_label(catalog, spec, spec.options["x"], lang)
        return ds.title_in(lang) + t("chart.colon", lang) + t("chart.title.scatter", lang, x=x_label, y=label)
    text = ds.title_in(lang) + t("chart.colon", lang) + label + paren(unit, lang)
    dims = [column_label(catalog, spec, d, lang) for d in spec.dimensions]
    if dims:
        text += t("chart.title.by", lang, dims=_list_sep(lang).join(dims))
    return text


def filter_summary(spec: ChartSpec, catalog: dict[str, Dataset], lang: str) -> str:
    """The chart's filters in words ("地区：丘陵地区、年：2021〜2025"), so a saved chart says what it shows."""
    return filters_in_words(catalog, catalog[spec.dataset], spec.filters, lang)


def value_axis_title(spec, catalog, lang) -> str:
    unit = measure_unit(spec, catalog, lang)
    return measure_label(spec, catalog, lang) + paren(unit, lang)


def composition_axis_title(spec, catalog, lang) -> str:
    """The axis of 100 % stacked bars: each bar's parts as % of the bar (「認定者数の構成比（%）」)."""
    if spec.measure.kind == "share":
        return value_axis_title(spec, catalog, lang)
    return t("chart.measure.share_of", lang, base=measure_label(spec, catalog, lang)) + paren("%", lang)


def column_title(catalog: dict[str, Dataset], spec: ChartSpec, name: str, lang: str) -> str:
    """A numeric column as an axis title, with its unit (a scatter's x: 「高齢化率（%）」)."""
    col = resolve_column(catalog, catalog[spec.dataset], name)
    return column_label(catalog, spec, name, lang) + paren(col.unit_in(lang) if col else "", lang)


# ---------------------------------------------------------------- category order

def _likert_labels(col: Column | None) -> dict | None:
    return dict(col.scale) if col is not None and col.scale else None


def _words(values: list, col: Column | None, year: bool, orders: dict, name: str) -> list:
    """One grouping column's values as the words a chart shows; its order (if it has one) into `orders`.
    Done on plain lists: a chart's frame is small, and pandas' per-column conversions cost more."""
    missing = t("chart.missing", "ja")
    present = [pd.notna(v) for v in values]
    scale = _likert_labels(col)
    if scale:
        orders[name] = list(scale.values())
        return [scale.get(int(v), v) if shown else v for v, shown in zip(values, present, strict=True)]
    if col is not None and col.order:
        words = {str(v) for v, shown in zip(values, present, strict=True) if shown}
        ordered = {str(v) for v in col.order}
        orders[name] = [v for v in col.order if str(v) in words] + sorted(words - ordered)
        if not all(present):  # a value blanked by anonymization is a category of its own, so totals add up
            orders[name].append(missing)
    elif year:
        orders[name] = [str(v) for v in sorted({int(v) for v, shown in zip(values, present, strict=True) if shown})]
        return [str(int(v)) if shown else "<NA>" for v, shown in zip(values, present, strict=True)]
    return [str(v) if shown else missing for v, shown in zip(values, present, strict=True)]


def prepare_frame(df: pd.DataFrame, spec: ChartSpec, catalog: dict[str, Dataset]) -> tuple[pd.DataFrame, dict]:
    """Likert codes → their words, numbers made numeric; returns (frame, category orders)."""
    ds = catalog[spec.dataset]
    frame = df.copy()
    for name in ("value", "x", "numerator", "denominator", "value_from", "value_to", "base_value"):
        if name in frame:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    orders: dict[str, list] = {}
    for name in spec.grouping:
        col = resolve_column(catalog, ds, name)
        year = role_of(catalog, ds, name) == "year" or (col is not None and col.type == "year")
        frame[name] = pd.Series(_words(frame[name].tolist(), col, year, orders, name), index=frame.index,
                                dtype=object)
    # Rows in the dictionary's order, so that tables and traces read in that order too (stable; a value
    # outside its order last, as pandas sorts a missing key).
    ranks = [(frame[name].tolist(), {v: i for i, v in enumerate(orders[name])})
             for name in spec.grouping if name in orders]
    if ranks:
        rows = sorted(range(len(frame)), key=lambda i: tuple(rank.get(values[i], math.inf) for values, rank in ranks))
        frame = frame.take(rows).reset_index(drop=True)
    return frame, orders


def sorted_categories(frame: pd.DataFrame, dim: str, orders: dict, sort: str, natural_order: bool) -> list:
    """By name, or by value; 「おまかせ」 keeps a natural order (ages, years, 要介護度: `natural_order`) and puts
    other categories (地区, 種別) largest first."""
    if sort == "label":
        return sorted(frame[dim].dropna().unique().tolist())
    if dim in orders and sort == "auto" and natural_order:
        return orders[dim]
    totals = frame.groupby(dim, sort=False)["value"].sum()
    return totals.sort_values(ascending=(sort == "value_asc")).index.tolist()



def labelled_table(df: pd.DataFrame, spec: ChartSpec, catalog: dict[str, Dataset], lang: str = "ja") -> pd.DataFrame:
    """The chart's data with Japanese column headers (for the table view and downloads)."""
    frame, _ = prepare_frame(df, spec, catalog)
    names = {name: column_label(catalog, spec, name, lang) for name in spec.grouping}
    names["value"] = value_axis_title(spec, catalog, lang)
    for extra in ("x", "numerator", "denominator", "value_from", "value_to", "base_value"):
        names[extra] = t(f"chart.column.{extra}", lang, start=spec.measure.from_year, end=spec.measure.to_year)
    if spec.chart_type == "scatter":
        names["x"] = column_title(catalog, spec, spec.options["x"], lang)
    return frame.rename(columns=names)


