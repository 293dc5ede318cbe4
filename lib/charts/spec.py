"""ChartSpec: a chart as plain, JSON-serializable data (what is saved, never a picture).

A spec names a dataset, filters, up to two dimensions plus a facet, one measure,
a chart type and its options. `validate_spec` checks it against the data
dictionary and returns Japanese (or English) sentences a trainee can act on.

A dimension or filter column is a column name of lib.data.query: the dataset's own, or
"areas.<column>" (an attribute of the 町丁目 table, e.g. "areas.district" = 地区).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

from lib.data.catalog import Column, Dataset, area_dataset, population_dataset
from lib.data.query import AREA_PREFIX, FILTER_OPS, Filter, resolve_column
from lib.errors import WorkbenchError
from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

MEASURE_KINDS = ("count", "sum", "mean", "median", "min", "max", "share", "rate_per_1000", "change")
# Measures computed from a numeric column; share / change may use one (sum) or count rows.
COLUMN_MEASURES = {"sum", "mean", "median", "min", "max"}
PARTS_OF_A_WHOLE = {"count", "sum", "share"}  # measures whose slices add up to a whole: the only ones a pie shows
CHANGE_BASES = ("count", "sum", "mean")
CHART_TYPES = (
    "bar", "ranked_bar", "line", "pie", "scatter", "histogram", "box", "heatmap", "pyramid", "kpi",
)
# Chart types drawn from individual rows rather than from aggregated values.
RAW_CHART_TYPES = {"scatter", "histogram", "box"}
BAR_MODES = ("grouped", "stacked", "percent")
SORTS = ("auto", "value_desc", "value_asc", "label")
# Roles that the population table shares with record datasets: the rate's join keys.
POPULATION_ROLES = ("area", "age_band", "sex", "year")
MAX_DIMENSIONS = 2


class ChartSpecError(WorkbenchError):
    """A spec that cannot be drawn: every problem, as sentences by `texts(lang)`."""

    def __init__(self, problems_by_lang: dict[str, list[str]]):
        self.problems_by_lang = problems_by_lang
        super().__init__("invalid_spec")

    def texts(self, lang: str = "ja") -> list[str]:
        return self.problems_by_lang.get(lang) or self.problems_by_lang[DEFAULT_LANGUAGE]

    def text(self, lang: str = "ja") -> str:
        return " ".join(self.texts(lang))


@dataclass
class Measure:
    kind: str = "count"
    column: str | None = None
    # share / rate_per_1000 / change: count rows ("count") or add up `column` ("sum");
    # change may also compare means ("mean").
    base: str = "count"
    from_year: int | None = None
    to_year: int | None = None
    relative: bool = False  # change as % of the first year instead of a difference

    @classmethod
    def from_dict(cls, data: dict) -> "Measure":
        return cls(
            kind=str(data.get("kind", "count")), column=data.get("column"),
            base=str(data.get("base", "count")), from_year=data.get("from_year"),
            to_year=data.get("to_year"), relative=bool(data.get("relative", False)),
        )


@dataclass
class ChartSpec:
    dataset: str
    measure: Measure = field(default_factory=Measure)
    dimensions: list[str] = field(default_factory=list)
    facet: str | None = None
    filters: list[Filter] = field(default_factory=list)
    chart_type: str = "bar"
    # top_n, sort, bar_mode, donut, trend_line, x (scatter), bins (histogram), horizontal
    options: dict = field(default_factory=dict)
    title: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "ChartSpec":
        return cls(
            dataset=str(data["dataset"]),
            measure=Measure.from_dict(data.get("measure") or {}),
            dimensions=[str(d) for d in data.get("dimensions") or []],
            facet=data.get("facet") or None,
            filters=[Filter.from_dict(f) for f in data.get("filters") or []],
            chart_type=str(data.get("chart_type", "bar")),
            options=dict(data.get("options") or {}),
            title=str(data.get("title") or ""),
        )

    @classmethod
    def from_json(cls, text: str) -> "ChartSpec":
        return cls.from_dict(json.loads(text))

    @property
    def grouping(self) -> list[str]:
        """Dimensions then facet: the GROUP BY columns of the aggregate."""
        return self.dimensions + ([self.facet] if self.facet else [])

    @property
    def is_raw(self) -> bool:
        return self.chart_type in RAW_CHART_TYPES

    def datasets(self) -> list[str]:
        """The datasets the chart reads: its own, and the population a rate per 1,000 divides by."""
        return [self.dataset] + (["population"] if self.measure.kind == "rate_per_1000" else [])


# ---------------------------------------------------------------- dictionary look-ups

def population_key(catalog: dict[str, Dataset], ds: Dataset, name: str) -> str | None:
    """The population column that a record column matches for a rate per 1,000 (by role), or None.

    A year column matches only if it is the observation year (same name as the population's year):
    a 開始年 (start_year) is an attribute of a place, not the year its residents were counted.
    """
    pop = population_dataset(catalog)
    if pop is None:
        return None
    if name.startswith(AREA_PREFIX):
        return name
    role = role_of(catalog, ds, name)
    if role not in POPULATION_ROLES or not pop.columns_with_role(role):
        return None
    key = pop.columns_with_role(role)[0].name
    if role == "year" and name != key:
        return None
    return key


def role_of(catalog: dict[str, Dataset], ds: Dataset, name: str) -> str | None:
    if name.startswith(AREA_PREFIX):
        return "area_attribute"
    col = resolve_column(catalog, ds, name)
    return col.role if col else None


def dimension_choices(catalog: dict[str, Dataset], ds: Dataset) -> list[str]:
    """Columns a trainee may group by: categorical columns, then the area's attributes that the
    dataset does not carry itself (a per-area table has 地区 already: offered once)."""
    names = [c.name for c in ds.data_columns if c.is_categorical and c.role not in {"id", "text", "name"}]
    areas = area_dataset(catalog)
    if areas is not None and ds.columns_with_role("area") and ds.name != areas.name:
        own = {c.name for c in ds.columns}
        names += [
            AREA_PREFIX + c.name for c in areas.data_columns
            if c.is_categorical and c.role not in {"area", "id", "name", "text"} and c.name not in own
        ]
    return names


def city_column(catalog: dict[str, Dataset], ds: Dataset) -> str | None:
    """The column telling a row's municipality in a joint course (the areas table names each area's; other
    tables with a 町丁目 join it: 「areas.city_name」), or None when the dataset has no 町丁目 to tell it by."""
    areas = area_dataset(catalog)
    if areas is None or not areas.has_column("city_name"):
        return None
    if ds.name == areas.name:
        return "city_name"
    return AREA_PREFIX + "city_name" if ds.columns_with_role("area") else None


def measure_columns(ds: Dataset) -> list[str]:
    """Numeric columns that can be added up or averaged (Likert answers included)."""
    return [c.name for c in ds.data_columns if c.is_numeric and c.role not in {"id", "year"}]


def filter_choices(catalog: dict[str, Dataset], ds: Dataset) -> list[str]:
    numeric = [c.name for c in ds.data_columns if c.is_numeric and c.name not in dimension_choices(catalog, ds)]
    return dimension_choices(catalog, ds) + numeric


# ---------------------------------------------------------------- validation

def _year_column(ds: Dataset) -> Column | None:
    years = ds.columns_with_role("year")
    return years[0] if years else None


def validate_spec(spec: ChartSpec, catalog: dict[str, Dataset], lang: str = "ja") -> list[str]:
    """Every reason the spec cannot be drawn, as sentences; [] when it is fine."""
    if spec.dataset not in catalog:
        return [t("chart.error.dataset", lang, name=spec.dataset)]
    ds = catalog[spec.dataset]
    problems = _vocabulary_problems(spec, lang)
    problems += _grouping_problems(spec, catalog, ds, lang)
    problems += _filter_problems(spec, catalog, ds, lang)
    problems += _measure_problems(spec, catalog, ds, lang)
    if spec.measure.kind == "rate_per_1000":
        problems += _rate_problems(spec, catalog, ds, lang)
    if spec.measure.kind == "change":
        problems += _change_problems(spec, ds, lang)
    problems += _chart_shape_problems(spec, catalog, ds, lang)
    return problems


def _known(catalog: dict[str, Dataset], ds: Dataset, name: str, what: str, lang: str,
           problems: list[str]) -> Column | None:
    """The column `name` of the dataset (or of the areas it joins), or None with the problem added."""
    col = resolve_column(catalog, ds, name)
    if col is None:
        problems.append(t("chart.error.column", lang, name=name, what=t(what, lang), dataset=ds.title_in(lang)))
    return col


def _vocabulary_problems(spec: ChartSpec, lang: str) -> list[str]:
    """A chart type or measure kind that does not exist, too many or repeated dimensions."""
    problems = []
    if spec.chart_type not in CHART_TYPES:
        problems.append(t("chart.error.chart_type", lang, name=spec.chart_type))
    if spec.measure.kind not in MEASURE_KINDS:
        problems.append(t("chart.error.measure_kind", lang, name=spec.measure.kind))
    if len(spec.dimensions) > MAX_DIMENSIONS:
        problems.append(t("chart.error.too_many_dims", lang, n=MAX_DIMENSIONS))
    if len(set(spec.grouping)) != len(spec.grouping):
        problems.append(t("chart.error.duplicate_dim", lang))
    return problems


def _grouping_problems(spec: ChartSpec, catalog: dict[str, Dataset], ds: Dataset, lang: str) -> list[str]:
    """Grouping columns that do not exist or are not categories."""
    problems: list[str] = []
    for name in spec.grouping:
        col = _known(catalog, ds, name, "chart.what.dimension", lang, problems)
        if col is not None and not col.is_categorical:
            problems.append(t("chart.error.not_categorical", lang, label=col.label_in(lang)))
    return problems


def _filter_problems(spec: ChartSpec, catalog: dict[str, Dataset], ds: Dataset, lang: str) -> list[str]:
    """Filters on unknown columns, with an unknown operator or the wrong number of values."""
    problems: list[str] = []
    for flt in spec.filters:
        col = _known(catalog, ds, flt.column, "chart.what.filter", lang, problems)
        label = col.label_in(lang) if col else flt.column
        if flt.op not in FILTER_OPS:
            problems.append(t("chart.error.filter_op", lang, op=flt.op))
        elif flt.op == "between" and len(flt.values) != 2:
            problems.append(t("chart.error.between", lang, label=label))
        elif flt.op in {"in", "not_in"} and not flt.values:
            problems.append(t("chart.error.filter_empty", lang, label=label))
    return problems


def _measure_problems(spec: ChartSpec, catalog: dict[str, Dataset], ds: Dataset, lang: str) -> list[str]:
    """A base the measure cannot take, or a missing or non-numeric measure column."""
    m = spec.measure
    problems: list[str] = []
    if m.kind in {"share", "rate_per_1000"} and m.base not in {"count", "sum"}:
        problems.append(t("chart.error.base", lang))
    if m.kind == "change" and m.base not in CHANGE_BASES:
        problems.append(t("chart.error.base", lang))
    needs_column = m.kind in COLUMN_MEASURES or (m.kind in {"share", "rate_per_1000", "change"}
                                                 and m.base in {"sum", "mean"}) or spec.is_raw
    if needs_column and not m.column:
        problems.append(t("chart.error.measure_column", lang))
    elif needs_column:
        col = _known(catalog, ds, m.column, "chart.what.measure", lang, problems)
        if col is not None and not col.is_numeric:
            problems.append(t("chart.error.not_numeric", lang, label=col.label_in(lang)))
    return problems


def _change_problems(spec: ChartSpec, ds: Dataset, lang: str) -> list[str]:
    """A change needs a year column, two different years, and no grouping by year."""
    year = _year_column(ds)
    if year is None:
        return [t("chart.error.change_no_year", lang, dataset=ds.title_in(lang))]
    problems = []
    m = spec.measure
    if m.from_year is None or m.to_year is None or m.from_year == m.to_year:
        problems.append(t("chart.error.change_years", lang))
    if year.name in spec.grouping:
        problems.append(t("chart.error.change_year_dim", lang))
    return problems


def _rate_problems(spec: ChartSpec, catalog, ds: Dataset, lang: str) -> list[str]:
    pop = population_dataset(catalog)
    if pop is None:
        return [t("chart.error.rate_no_population", lang)]
    if not ds.columns_with_role("area"):
        return [t("chart.error.rate_no_area", lang, dataset=ds.title_in(lang))]
    problems = []
    for name in spec.grouping:
        role = role_of(catalog, ds, name)
        if role == "area_attribute":
            continue
        if population_key(catalog, ds, name) is None:
            col = resolve_column(catalog, ds, name)
            problems.append(t("chart.error.rate_dim", lang, label=col.label_in(lang) if col else name))
    return problems


def _chart_shape_problems(spec: ChartSpec, catalog, ds: Dataset, lang: str) -> list[str]:
    n = len(spec.dimensions)
    kind = spec.chart_type
    label = t(f"chart.type.{kind}", lang) if kind in CHART_TYPES else kind
    problems = []
    if kind in {"ranked_bar", "pie"} and n != 1:
        problems.append(t("chart.error.needs_one_dim", lang, chart=label))
    if kind == "pie" and spec.measure.kind not in PARTS_OF_A_WHOLE:
        problems.append(t("chart.error.pie_parts", lang))
    if kind == "heatmap" and n != 2:
        problems.append(t("chart.error.needs_two_dims", lang, chart=label))
    if kind == "kpi" and (n or spec.facet):
        problems.append(t("chart.error.kpi_dims", lang))
    if kind in {"bar", "line"} and n == 0:
        problems.append(t("chart.error.needs_dim", lang, chart=label))
    if kind == "line" and not _by_year(spec, ds):
        problems.append(t("chart.error.line_year", lang))
    if kind == "pyramid" and not _by_age_and_sex(spec, catalog, ds):
        problems.append(t("chart.error.pyramid", lang))
    if kind in {"heatmap", "kpi", "pyramid"} and spec.facet:
        problems.append(t("chart.error.no_facet", lang, chart=label))
    if kind == "scatter" and not _numeric_x(spec, catalog, ds):
        problems.append(t("chart.error.scatter_x", lang))
    if kind in {"histogram", "box", "scatter"} and n > 1:
        problems.append(t("chart.error.raw_dims", lang, chart=label))
    return problems


def _by_year(spec: ChartSpec, ds: Dataset) -> bool:
    year = _year_column(ds)
    return year is not None and year.name in spec.dimensions


def _by_age_and_sex(spec: ChartSpec, catalog, ds: Dataset) -> bool:
    roles = [role_of(catalog, ds, d) for d in spec.dimensions]
    return sorted(r or "" for r in roles) == ["age_band", "sex"]


def _numeric_x(spec: ChartSpec, catalog, ds: Dataset) -> bool:
    """A scatter's x axis is a numeric column."""
    x = spec.options.get("x")
    col = resolve_column(catalog, ds, x) if x else None
    return col is not None and col.is_numeric


def check_spec(spec: ChartSpec, catalog: dict[str, Dataset]) -> ChartSpec:
    """The spec itself if valid, else ChartSpecError with every problem in every language
    (the one validation of a chart: build_chart_sql calls it)."""
    if validate_spec(spec, catalog, DEFAULT_LANGUAGE):
        raise ChartSpecError({lang: validate_spec(spec, catalog, lang) for lang in LANGUAGES})
    return spec


def allowed_chart_types(spec: ChartSpec, catalog: dict[str, Dataset]) -> list[str]:
    """The chart types that this spec's data (dimensions, measure) can be drawn as."""
    ds = catalog[spec.dataset]
    numeric = measure_columns(ds)
    fine = []
    for kind in CHART_TYPES:
        if kind in RAW_CHART_TYPES and not (spec.measure.column or numeric):
            continue
        # The scatter's axes are chosen after its type: assume some for the check.
        options = {**spec.options, "x": spec.options.get("x") or spec.measure.column or (numeric or [None])[0]}
        trial = replace(spec, chart_type=kind, options=options)
        if not _chart_shape_problems(trial, catalog, ds, "ja"):
            fine.append(kind)
    return fine
