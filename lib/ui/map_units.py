"""The map page's unit: 町丁目, a mesh, or the zones a published dataset was anonymized to (「地区（…）」),
offered only when that dataset's zones are published (lib.maps.zone_units)."""
from __future__ import annotations

from dataclasses import dataclass

from lib import ui
from lib.data.catalog import zone_datasets
from lib.maps.spec import BASE_UNITS, ZONE_UNIT, MeasureSpec
from lib.maps.zone_units import zone_measures


@dataclass(frozen=True)
class UnitChoice:
    unit: str  # MapSpec.base_unit
    zones: str = ""  # MapSpec.zones: the dataset whose zones are the units
    title: str = ""  # that dataset's title

    @property
    def measure_key(self) -> str:
        """The measure picker's widget key: a zone map opens on its dataset's own records."""
        return f"map_measure_{self.zones}" if self.zones else "map_measure"

    def label(self, key: str) -> str:
        """A measure's name in the pickers (a zone map's ready-made measures name the dataset)."""
        return ui.tr(key, dataset=self.title)

    def presets(self, presets: dict[str, MeasureSpec]) -> dict[str, MeasureSpec]:
        """The ready-made measures: on a zone map, the dataset's own records per zone first."""
        return {**zone_measures(self.zones), **presets} if self.zones else presets


def unit_choice(column, catalog: dict) -> UnitChoice:
    titles = {f"{ZONE_UNIT}:{name}": catalog[name].title_in(ui.lang()) for name in zone_datasets(catalog)}
    chosen = column.radio(ui.tr("map.unit.choose"), [*BASE_UNITS, *titles], horizontal=True, key="map_unit",
                          format_func=lambda u: ui.tr("map.unit.zone_of", dataset=titles[u]) if u in titles
                          else ui.tr(f"map.unit.{u}"))
    unit, _, zones = chosen.partition(":")
    return UnitChoice(unit, zones, titles.get(chosen, ""))
