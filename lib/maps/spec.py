"""MapSpec: what a map shows, as plain data (saved, versioned, re-rendered).

A map has one base unit (町丁目 or a JIS X 0410 mesh), an optional choropleth
measure, point layers and analyses. Everything here is JSON-serializable through
to_dict / from_dict; `validate_map_spec` checks a spec against the data
dictionary and returns Japanese (or English) sentences saying what to fix;
`check_map_spec` (called by build_map_data) raises them as one MapSpecError.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from lib.data.catalog import zone_datasets, zone_layer_name
from lib.data.query import FILTER_OPS, Filter, resolve_column
from lib.errors import WorkbenchError
from lib.i18n import t

BASE_UNITS = ("area", "mesh1km", "mesh500m", "mesh250m")
ZONE_UNIT = "zone"  # the zones a published dataset was anonymized to (MapSpec.zones names the dataset)
# JIS X 0410 levels as jismesh numbers them: 3 = 1 km (8 digits), 4 = 500 m, 5 = 250 m.
MESH_LEVELS = {"mesh1km": 3, "mesh500m": 4, "mesh250m": 5}
CLASSIFY_METHODS = ("quantiles", "equal_interval", "natural_breaks", "user")
NORMALIZATIONS = ("none", "population", "elderly", "area_km2", "households")
HOUSEHOLDS = "households"  # the census table (lib.data.census_households) whose 一般世帯 "households" divides by
PALETTES = ("YlGnBu", "viridis", "OrRd", "PuBu")
COMPARE_MODES = ("symbols", "side_by_side")
MIN_CLASSES, MAX_CLASSES = 2, 9
MAX_CATCHMENT_RADIUS_M = 5000


@dataclass
class MeasureSpec:
    """A value per unit: SUM(column) (or a row count when column is None) of a dataset.

    filters: the rows counted, as charts filter them (e.g. year, age_band; a saved
    spec's older {column: [values]} shape still loads); normalize divides by the
    unit's population, 65+ population or area, times `per` (1000 → 「人口千人あたり」).
    """
    dataset: str
    column: str | None = None
    filters: list[Filter] = field(default_factory=list)
    normalize: str = "population"
    per: int = 1000
    label: str = ""  # shown in the legend; empty means derived from the dictionary

    @property
    def is_rate(self) -> bool:
        return self.normalize != "none"


@dataclass
class ClassificationSpec:
    method: str = "quantiles"
    k: int = 5
    breaks: list[float] = field(default_factory=list)  # upper bounds, for method "user"
    palette: str = "YlGnBu"


@dataclass
class PointLayerSpec:
    """Points of a geo dataset, optionally only some categories (e.g. facility types)."""
    dataset: str
    category_column: str | None = None
    categories: list[str] = field(default_factory=list)  # empty: all
    cluster: str = "auto"  # "auto" (cluster when many points), "on", "off"
    heat: bool = False


@dataclass
class CatchmentSpec:
    """Circles of radius_m around the chosen points, with the population inside."""
    points: PointLayerSpec
    radius_m: int = 500


@dataclass
class NearestSpec:
    """Distance from each unit's centre to the nearest chosen point."""
    points: PointLayerSpec


@dataclass
class CompareSpec:
    """A second measure, as proportional circles on the map or as a second map."""
    measure: MeasureSpec
    mode: str = "symbols"


@dataclass
class MapSpec:
    title: str = ""
    base_unit: str = "area"
    measure: MeasureSpec | None = None
    classification: ClassificationSpec = field(default_factory=ClassificationSpec)
    points: list[PointLayerSpec] = field(default_factory=list)
    labels: bool = False
    catchment: CatchmentSpec | None = None
    nearest: NearestSpec | None = None
    point_counts: PointLayerSpec | None = None  # point-in-polygon counts per unit
    flood_overlay: bool = False
    compare: CompareSpec | None = None
    background_tiles: bool = False
    city: str = ""  # a joint course: one municipality's code (its areas only, zoomed to it); "" = all of them
    zones: str = ""  # base unit "zone": the published dataset whose zones (its `<name>_zones` layer) are the units

    @property
    def is_zone(self) -> bool:
        return self.base_unit == ZONE_UNIT

    @property
    def is_mesh(self) -> bool:
        return self.base_unit in MESH_LEVELS

    def to_dict(self) -> dict:
        return asdict(self)

    def datasets(self) -> list[str]:
        """The datasets the map reads: measures (and the population they are divided by), point layers,
        the points of its analyses and the flood zones."""
        names = [self.zones, zone_layer_name(self.zones)] if self.is_zone and self.zones else []
        if self.measure is not None:
            names.append(self.measure.dataset)
            if self.measure.normalize in ("population", "elderly"):
                names.append("population")
        if self.compare is not None:
            names.append(self.compare.measure.dataset)
        names += [layer.dataset for layer in self.points]
        for analysis in (self.point_counts, self.nearest and self.nearest.points,
                         self.catchment and self.catchment.points):
            if analysis is not None:
                names.append(analysis.dataset)
        if self.flood_overlay:
            names.append("flood_zones")
        return names

    @classmethod
    def from_dict(cls, data: dict) -> "MapSpec":
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise MapSpecError([Problem("map.spec.unknown_keys", {"keys": ", ".join(sorted(unknown))})])
        return cls(
            title=str(data.get("title", "")),
            base_unit=data.get("base_unit", "area"),
            measure=_measure(data.get("measure")),
            classification=ClassificationSpec(**(data.get("classification") or {})),
            points=[_points(p) for p in data.get("points") or []],
            labels=bool(data.get("labels", False)),
            catchment=_catchment(data.get("catchment")),
            nearest=NearestSpec(_points(data["nearest"]["points"])) if data.get("nearest") else None,
            point_counts=_points(data["point_counts"]) if data.get("point_counts") else None,
            flood_overlay=bool(data.get("flood_overlay", False)),
            compare=CompareSpec(_measure(data["compare"]["measure"]), data["compare"].get("mode", "symbols"))
            if data.get("compare") else None,
            background_tiles=bool(data.get("background_tiles", False)),
            city=str(data.get("city") or ""),
            zones=str(data.get("zones") or ""),
        )


def _measure(raw: dict | None) -> MeasureSpec | None:
    if not raw:
        return None
    return MeasureSpec(**{**raw, "filters": _filters(raw.get("filters"))})


def _filters(raw: list | dict | None) -> list[Filter]:
    """Filters as saved: a list of {column, op, values}, or the older {column: [values]}."""
    if isinstance(raw, dict):
        return [Filter(str(column), "in", list(values)) for column, values in raw.items() if values]
    return [Filter.from_dict(item) for item in raw or []]


def _points(raw: dict) -> PointLayerSpec:
    return PointLayerSpec(**raw)


def _catchment(raw: dict | None) -> CatchmentSpec | None:
    if not raw:
        return None
    return CatchmentSpec(points=_points(raw["points"]), radius_m=int(raw.get("radius_m", 500)))


@dataclass
class Problem:
    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str = "ja") -> str:
        return t(self.key, lang, **self.values)


class MapSpecError(WorkbenchError):
    """A spec that cannot be drawn: every problem, as sentences by `texts(lang)`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("invalid_spec")

    def texts(self, lang: str = "ja") -> list[str]:
        return [problem.text(lang) for problem in self.problems]

    def text(self, lang: str = "ja") -> str:
        return " ".join(self.texts(lang))


def is_raw_count(measure: MeasureSpec, catalog: dict) -> bool:
    """A count of people or things mapped without dividing by population (warned about)."""
    if measure.normalize != "none":
        return False
    if measure.column is None:
        return True
    ds = catalog.get(measure.dataset)
    return bool(ds and ds.has_column(measure.column) and ds.column(measure.column).type == "integer")


def _check_measure(measure: MeasureSpec, catalog: dict, problems: list[Problem], zones: str = "") -> None:
    ds = catalog.get(measure.dataset)
    if ds is None:
        problems.append(Problem("map.spec.no_dataset", {"name": measure.dataset}))
        return
    if measure.column is not None:
        if not ds.has_column(measure.column):
            problems.append(Problem("map.spec.no_column", {"name": measure.column, "dataset": ds.name}))
        elif not ds.column(measure.column).is_numeric:
            problems.append(Problem("map.spec.not_numeric", {"name": ds.column(measure.column).label_in()}))
    for flt in measure.filters:
        column = resolve_column(catalog, ds, flt.column)  # the dataset's own, or an area attribute (areas.…)
        if column is None:
            problems.append(Problem("map.spec.no_column", {"name": flt.column, "dataset": ds.name}))
        elif flt.op not in FILTER_OPS or (flt.op == "between" and len(flt.values) != 2):
            problems.append(Problem("map.spec.bad_filter", {"name": column.label_in()}))
    by_zone = bool(zones) and measure.dataset == zones  # a dataset anonymized to zones, on its zones' map
    if not (ds.columns_with_role("area") or ds.columns_with_role("mesh") or ds.is_geo or by_zone):
        problems.append(Problem("map.spec.no_place", {"dataset": ds.title_in()}))
    if measure.normalize not in NORMALIZATIONS:
        problems.append(Problem("map.spec.bad_normalize", {"value": measure.normalize}))
    elif measure.normalize == "households" and HOUSEHOLDS not in catalog:
        problems.append(Problem("map.spec.no_households", {}))
    if measure.per not in (1, 100, 1000, 10000):
        problems.append(Problem("map.spec.bad_per", {"value": measure.per}))


def _check_points(layer: PointLayerSpec, catalog: dict, problems: list[Problem]) -> None:
    ds = catalog.get(layer.dataset)
    if ds is None:
        problems.append(Problem("map.spec.no_dataset", {"name": layer.dataset}))
        return
    if not ds.is_geo:
        problems.append(Problem("map.spec.not_points", {"dataset": ds.title_in()}))
    if layer.category_column and not ds.has_column(layer.category_column):
        problems.append(Problem("map.spec.no_column", {"name": layer.category_column, "dataset": ds.name}))
    if layer.categories and not layer.category_column:
        problems.append(Problem("map.spec.categories_without_column", {}))
    if layer.cluster not in ("auto", "on", "off"):
        problems.append(Problem("map.spec.bad_cluster", {"value": layer.cluster}))


def validate_map_spec(spec: MapSpec, catalog: dict) -> list[Problem]:
    """Everything wrong with the spec, as problems with Japanese/English sentences."""
    problems: list[Problem] = []
    if spec.base_unit not in BASE_UNITS + (ZONE_UNIT,):
        problems.append(Problem("map.spec.bad_unit", {"value": spec.base_unit}))
    zones = spec.zones if spec.is_zone else ""
    if spec.is_zone and zones not in zone_datasets(catalog):
        problems.append(Problem("map.spec.no_zones", {"name": zones}))
    if spec.measure is not None:
        _check_measure(spec.measure, catalog, problems, zones)
    _check_classification(spec.classification, problems)
    for layer in spec.points:
        _check_points(layer, catalog, problems)
    for layer in filter(None, [spec.point_counts,
                               spec.catchment.points if spec.catchment else None,
                               spec.nearest.points if spec.nearest else None]):
        _check_points(layer, catalog, problems)
    if spec.catchment and not 50 <= spec.catchment.radius_m <= MAX_CATCHMENT_RADIUS_M:
        problems.append(Problem("map.spec.bad_radius", {"high": MAX_CATCHMENT_RADIUS_M}))
    if spec.compare:
        _check_compare(spec, catalog, problems, zones)
    if spec.city and not (len(spec.city) == 5 and spec.city.isdigit()):
        problems.append(Problem("map.spec.bad_city", {"value": spec.city}))
    if spec.flood_overlay and "flood_zones" not in catalog:
        problems.append(Problem("map.spec.no_dataset", {"name": "flood_zones"}))
    return problems


def _check_classification(cls: ClassificationSpec, problems: list[Problem]) -> None:
    """A known method and palette; for the user's own classes, breaks in rising order, else a class count."""
    if cls.method not in CLASSIFY_METHODS:
        problems.append(Problem("map.spec.bad_method", {"value": cls.method}))
    if cls.method == "user":
        if not cls.breaks:
            problems.append(Problem("map.spec.no_breaks", {}))
        elif [float(b) for b in cls.breaks] != sorted(set(float(b) for b in cls.breaks)):
            problems.append(Problem("map.spec.breaks_order", {}))
    elif not MIN_CLASSES <= cls.k <= MAX_CLASSES:
        problems.append(Problem("map.spec.bad_k", {"low": MIN_CLASSES, "high": MAX_CLASSES}))
    if cls.palette not in PALETTES:
        problems.append(Problem("map.spec.bad_palette", {"value": cls.palette}))


def _check_compare(spec: MapSpec, catalog: dict, problems: list[Problem], zones: str) -> None:
    """The compared measure, a known mode, and a measure to compare it with."""
    _check_measure(spec.compare.measure, catalog, problems, zones)
    if spec.compare.mode not in COMPARE_MODES:
        problems.append(Problem("map.spec.bad_compare", {"value": spec.compare.mode}))
    if spec.measure is None:
        problems.append(Problem("map.spec.compare_without_measure", {}))


def parse_breaks(text: str) -> list[float]:
    """Class breaks as typed ("10, 20、30"; full-width digits too); MapSpecError if a part is not a number."""
    try:
        return [float(part) for part in text.replace("、", ",").replace("，", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise MapSpecError([Problem("map.classify.breaks_invalid")]) from exc


def check_map_spec(spec: MapSpec, catalog: dict) -> MapSpec:
    """The spec itself if valid, else MapSpecError with every problem (the one validation of a map)."""
    problems = validate_map_spec(spec, catalog)
    if problems:
        raise MapSpecError(problems)
    return spec
