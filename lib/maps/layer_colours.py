"""Colours of point categories, a second measure's circles and flood zones, shared by the folium map and
the map picture (PNG/PDF/PPTX) without loading folium for a picture. They are lib.charts.style's palette."""
from __future__ import annotations

from typing import TYPE_CHECKING

from lib.charts.style import MAP_CATEGORY_COLOURS as CATEGORY_COLOURS
from lib.charts.style import OKABE_ITO

if TYPE_CHECKING:
    from lib.maps.data import MapData

COMPARE_FILL, COMPARE_EDGE = OKABE_ITO[5], "#7a1f5c"  # a second measure's circles: reddish purple, darker rim
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
