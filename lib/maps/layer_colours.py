"""Colours of point categories and flood zones, shared by the folium map and the map picture (PNG/PDF/PPTX)
without loading folium for a picture."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lib.maps.data import MapData

CATEGORY_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7a5195", "#000000"]
FLOOD_COLOURS = {1: "#c6dbef", 2: "#6baed6", 3: "#2171b5", 4: "#08306b"}


def category_colours(values) -> dict[str, str]:
    return {v: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, v in enumerate(dict.fromkeys(values))}


def layer_colours(data: MapData) -> dict[str, str]:
    """Colour per category (or per layer when a layer has no categories)."""
    keys = []
    for layer, points, label in data.points:
        if layer.category_column and layer.category_column in points.columns:
            present = set(points[layer.category_column])
            keys += layer.categories or sorted(present)
        else:
            keys.append(label)
    return category_colours(keys)
