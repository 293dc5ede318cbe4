"""The data dictionary: which datasets exist, what their columns mean.

A dataset is a file (Parquet, CSV or GeoJSON) with a YAML dictionary of the
same stem beside it. Demo datasets live in datasets/demo/; datasets that an
instructor publishes live in the data folder's published/ folder. The
dictionary is data, read by the app: labels, units, roles and the level of
anonymization shown to trainees all come from it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from lib import settings
from lib.yaml_text import load_yaml

COLUMN_TYPES = {"code", "category", "integer", "number", "text", "year", "geometry", "date"}
COLUMN_ROLES = {
    "id", "area", "district", "age_band", "sex", "year", "measure", "likert", "mesh", "text", "name",
}
DATASET_KINDS = {"table", "geo"}


class CatalogError(ValueError):
    """A dictionary file that cannot be used; the message says which and why."""


def _text(value, lang: str) -> str:
    """A {ja, en} mapping (or a plain string) in the wanted language."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("ja") or value.get("en") or "")
    return str(value)


@dataclass(frozen=True)
class Column:
    name: str
    label: dict
    type: str
    role: str | None = None
    unit: dict | None = None
    description: dict | None = None
    joins: str | None = None
    scale: dict | None = None
    order: tuple | None = None

    def label_in(self, lang: str = "ja") -> str:
        return _text(self.label, lang) or self.name

    def unit_in(self, lang: str = "ja") -> str:
        return _text(self.unit, lang)

    def description_in(self, lang: str = "ja") -> str:
        return _text(self.description, lang)

    @property
    def is_categorical(self) -> bool:
        return self.type in {"code", "category", "year"} or self.role in {
            "area", "district", "age_band", "sex", "year", "likert", "mesh",
        }

    @property
    def is_numeric(self) -> bool:
        return self.type in {"integer", "number"}

    @property
    def has_natural_order(self) -> bool:
        """Its categories run in an order of their own that a chart keeps: ages, years, sexes, a scale, or
        grades whose names carry their number (要支援1 … 要介護5, 0.5m未満 … 5m以上). The order the dictionary
        gives other categories (地区, 施設の種別) is only a listing."""
        if self.role in {"age_band", "year", "sex", "likert"} or self.type == "year" or self.scale:
            return True
        return bool(self.order) and all(re.search(r"\d", str(value)) for value in self.order)


@dataclass(frozen=True)
class Dataset:
    name: str
    file: Path
    kind: str
    title: dict
    description: dict
    columns: tuple[Column, ...]
    themes: tuple[str, ...] = ()
    source: dict | None = None
    anonymization: dict | None = None
    record_unit: dict | None = None
    geometry: str | None = None
    origin: str = "demo"  # "demo", "published" or "derived"
    extra: dict = field(default_factory=dict)
    # A demo dataset (みどり野市's) still listed after the workbench was turned to a real city: its places and
    # areas lie elsewhere, so maps of the real city do not offer it. Marked once, by load_catalog.
    demo_on_real_city: bool = False
    # A derived dataset: how its table is computed from the published ones (lib.data.query registers it).
    computed_by: Callable | None = field(default=None, compare=False, repr=False)

    def title_in(self, lang: str = "ja") -> str:
        return _text(self.title, lang) or self.name

    def description_in(self, lang: str = "ja") -> str:
        return _text(self.description, lang)

    def source_in(self, lang: str = "ja") -> str:
        return _text(self.source, lang)

    def anonymization_in(self, lang: str = "ja") -> str:
        return _text(self.anonymization, lang)

    def record_unit_in(self, lang: str = "ja") -> str:
        return _text(self.record_unit, lang)

    @property
    def is_geo(self) -> bool:
        return self.kind == "geo"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def columns_with_role(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    @property
    def data_columns(self) -> list[Column]:
        """Columns other than the geometry."""
        return [c for c in self.columns if c.type != "geometry"]


def _parse_column(raw: dict, where: str) -> Column:
    if not isinstance(raw, dict) or "name" not in raw:
        raise CatalogError(f"{where}: 列の定義に name がありません。")
    name = str(raw["name"])
    col_type = raw.get("type")
    if col_type not in COLUMN_TYPES:
        raise CatalogError(
            f"{where}: 列 {name} の type「{col_type}」は使えません（{', '.join(sorted(COLUMN_TYPES))}）。"
        )
    role = raw.get("role")
    if role is not None and role not in COLUMN_ROLES:
        raise CatalogError(f"{where}: 列 {name} の role「{role}」は使えません。")
    scale = raw.get("scale")
    if scale is not None:
        scale = {int(k): str(v) for k, v in scale.items()}
    order = raw.get("order")
    return Column(
        name=name,
        label=raw.get("label") or {"ja": name, "en": name},
        type=col_type,
        role=role,
        unit=raw.get("unit"),
        description=raw.get("description"),
        joins=raw.get("joins"),
        scale=scale,
        order=tuple(order) if order else None,
    )


def load_dictionary(path: Path, origin: str = "demo") -> Dataset:
    """Read one dataset's YAML dictionary; raise CatalogError with a Japanese message."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: データ辞書を読めません（{exc}）。") from exc
    if not isinstance(raw, dict):
        raise CatalogError(f"{path.name}: データ辞書の形式が正しくありません。")
    for key in ("name", "file", "kind", "title", "columns"):
        if key not in raw:
            raise CatalogError(f"{path.name}: 必須の項目「{key}」がありません。")
    if raw["kind"] not in DATASET_KINDS:
        raise CatalogError(f"{path.name}: kind は table か geo にしてください。")
    name = str(raw["name"])
    if not name.isidentifier() or name.startswith("_"):
        raise CatalogError(f"{path.name}: データセット名「{name}」は英数字と _ で付けてください。")
    file = path.parent / str(raw["file"])
    columns = tuple(_parse_column(c, path.name) for c in raw["columns"] or [])
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise CatalogError(f"{path.name}: 同じ名前の列が複数あります。")
    known = {"name", "file", "kind", "title", "description", "columns", "themes", "source",
             "anonymization", "record_unit", "geometry"}
    return Dataset(
        name=name,
        file=file,
        kind=raw["kind"],
        title=raw["title"],
        description=raw.get("description") or {},
        columns=columns,
        themes=tuple(raw.get("themes") or ()),
        source=raw.get("source"),
        anonymization=raw.get("anonymization"),
        record_unit=raw.get("record_unit"),
        geometry=raw.get("geometry"),
        origin=origin,
        extra={k: v for k, v in raw.items() if k not in known},
    )


def dictionary_files() -> list[tuple[Path, str]]:
    """Every dictionary YAML with its origin, demo first, in a stable order."""
    found = [(p, "demo") for p in sorted(settings.DEMO_DATASETS_DIR.glob("*.yaml"))]
    published = settings.published_sources_dir()
    if published.exists():
        found += [(p, "published") for p in sorted(published.glob("*/*.yaml"))]
    return found


@lru_cache(maxsize=8)
def _load_all(signature: tuple, on_real_city: bool) -> dict[str, Dataset]:
    datasets: dict[str, Dataset] = {}
    for path_str, origin, _mtime in signature:
        ds = load_dictionary(Path(path_str), origin)
        if on_real_city and origin == "demo":
            ds = replace(ds, demo_on_real_city=True)
        # A published dataset with a demo dataset's name replaces it.
        datasets[ds.name] = ds
    return datasets


def load_catalog() -> dict[str, Dataset]:
    """All datasets by name, demo ones marked when the workbench is on a real city (`city.json` written by
    setup-city); re-read when a dictionary file changes."""
    signature = tuple(
        (str(p), origin, p.stat().st_mtime_ns) for p, origin in dictionary_files()
    )
    return dict(_load_all(signature, settings.city_file().exists()))


# ---------------------------------------------------------------- dictionary look-ups

def area_dataset(catalog: dict[str, Dataset]) -> Dataset | None:
    """The 町丁目 table whose attributes (地区, 地域特性…) any dataset with an area code can use."""
    if "areas" in catalog:
        return catalog["areas"]
    for ds in catalog.values():
        if ds.is_geo and ds.columns_with_role("area") and ds.columns_with_role("name"):
            return ds
    return None


def population_dataset(catalog: dict[str, Dataset]) -> Dataset | None:
    """The population table that rates per 1,000 are divided by."""
    if "population" in catalog:
        return catalog["population"]
    for ds in catalog.values():
        if ds.has_column("population") and ds.columns_with_role("area") and ds.columns_with_role("year"):
            return ds
    return None


def population_column(pop: Dataset) -> Column:
    if pop.has_column("population"):
        return pop.column("population")
    return next(c for c in pop.columns if c.role == "measure" and c.is_numeric)


ZONE_COLUMN = "zone"  # a dataset anonymized to zones names them in this column (lib.data.anonymize)


def zone_layer_name(dataset: str) -> str:
    """The geo dataset published beside `dataset` with the shapes of its zones (lib.data.zones.zone_layer)."""
    return f"{dataset}_zones"


def zone_datasets(catalog: dict[str, Dataset]) -> list[str]:
    """Published datasets with a zone column whose zones' shapes are published too (mappable by zone)."""
    def has_layer(name: str) -> bool:
        layer = catalog.get(zone_layer_name(name))
        return layer is not None and layer.is_geo and layer.has_column("zone_code") and layer.has_column("zone_name")

    return [name for name, ds in catalog.items() if ds.has_column(ZONE_COLUMN) and has_layer(name)]
