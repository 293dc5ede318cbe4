"""A map leaves the workbench as: one offline HTML file, a PNG drawn on the server, its table.

The PNG is drawn with matplotlib + geopandas (no browser), with the IPAexGothic
font that japanize-matplotlib ships, loaded from its file (no font download, no
system font needed).
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on the server

import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from lib.data.city_file import city_list, current_city  # noqa: E402
from lib.fonts import FONT_FILE, japanese_font  # noqa: E402
from lib.i18n import t  # noqa: E402
from lib.maps.base_layers import STYLES as BASE_STYLES  # noqa: E402
from lib.maps.classify import NO_DATA_COLOUR, SUPPRESSED_COLOUR  # noqa: E402
from lib.maps.data import PUBLICATION_THRESHOLD, MapData  # noqa: E402
from lib.maps.layer_colours import (  # noqa: E402
    CATEGORY_COLOURS,
    COMPARE_EDGE,
    COMPARE_FILL,
    FLOOD_COLOURS,
    layer_colours,
)


def map_html(fmap) -> bytes:
    """The map as one self-contained HTML file (opens offline, nothing fetched)."""
    from lib.maps.offline import standalone_html  # noqa: PLC0415  (folium: only for HTML, not pictures)

    return standalone_html(fmap).encode("utf-8")


def map_png(data: MapData, lang: str = "ja", title: str = "", dpi: int = 150) -> bytes:
    """A static picture of the map for slides: choropleth, overlays, points, legend, source."""
    font = japanese_font()
    name = font.get_name()
    with plt.rc_context({"font.family": name, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(11, 7.5), dpi=dpi)
        units = data.units.to_crs(6677)
        fills = _unit_fills(data)
        units.plot(ax=ax, color=fills, edgecolor="#555555", linewidth=0.4)
        handles = _class_handles(data, lang)
        if data.flood_zones is not None:
            # Hatched, so that the flood zone stays readable over any colour ramp.
            zones = data.flood_zones.to_crs(6677)
            zones.plot(ax=ax, facecolor="none", edgecolor=FLOOD_COLOURS[4], hatch="////", linewidth=0.3)
            handles.append(Patch(facecolor="none", edgecolor=FLOOD_COLOURS[4], hatch="////",
                                 label=t("map.legend.flood", lang)))
        if data.catchment is not None:
            data.catchment.circles.to_crs(6677).boundary.plot(ax=ax, color="#c0392b", linewidth=0.9)
            handles.append(Patch(facecolor="none", edgecolor="#c0392b",
                                 label=t("map.legend.catchment", lang, radius=data.spec.catchment.radius_m)))
        if "compare_value" in units and data.spec.compare and data.spec.compare.mode == "symbols":
            values = units["compare_value"].to_numpy(dtype=float)
            top = np.nanmax(values) if np.isfinite(values).any() else 0
            if top:
                centres = units.geometry.representative_point()
                sizes = np.where(np.isfinite(values), 20 + 380 * np.nan_to_num(values) / top, 0)
                ax.scatter(centres.x, centres.y, s=sizes, facecolor=COMPARE_FILL, edgecolor=COMPARE_EDGE, alpha=0.5)
                handles.append(Patch(facecolor=COMPARE_FILL, alpha=0.5,
                                     label=t("map.legend.compare", lang, label=data.compare_label)))
        colours = layer_colours(data)
        for layer, points, label in data.points:
            if points.empty:
                continue
            pts = points.to_crs(6677)
            col = layer.category_column if layer.category_column in pts.columns else None
            point_colours = (
                [colours.get(c, CATEGORY_COLOURS[0]) for c in pts[col]]
                if col
                else colours.get(label, CATEGORY_COLOURS[0])
            )
            ax.scatter(pts.geometry.x, pts.geometry.y, s=14 if len(pts) < 2000 else 2, c=point_colours,
                       edgecolor="white", linewidth=0.4, zorder=5)
        for key, colour in colours.items():
            handles.append(plt.Line2D([], [], marker="o", linestyle="", color=colour, label=str(key)))
        _draw_base_layers(ax, data)
        data.boundary.to_crs(6677).boundary.plot(ax=ax, color="#333333", linewidth=1.2)
        if data.spec.labels and len(units) <= 200:
            for name, point in zip(units["unit_name"], units.geometry.representative_point(), strict=True):
                ax.annotate(str(name), (point.x, point.y), ha="center", va="center", fontsize=5.5, fontproperties=font)
        ax.set_axis_off()
        _draw_north_arrow_and_scale(ax, font, lang)
        ax.set_title(title or data.value_label or t("map.export.title", lang), fontproperties=font, fontsize=13)
        if handles:
            small = font_manager.FontProperties(fname=str(FONT_FILE), size=8)
            legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), prop=small,
                               framealpha=0.9, title=data.value_label or None)
            legend.get_title().set_fontproperties(font_manager.FontProperties(fname=str(FONT_FILE), size=9))
        source = " ".join(filter(None, [source_line(lang, data.spec.city), data.zones_source]))
        fig.text(0.01, 0.01, source, fontsize=6, fontproperties=font, color="#555555")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        plt.close(fig)
    return buffer.getvalue()


def source_line(lang: str, city_code: str = "") -> str:
    """The picture's source line: the city the workbench is set up for (a joint course's municipality the map
    shows, else all of them: 「鳥取市・岩美町」), or the made-up demo city."""
    city = current_city()
    if not city:
        return t("map.export.source", lang)
    shown = next((c["city_name"] for c in city_list(city) if c["city_code"] == city_code), city["city_name"])
    return t("map.export.source_city", lang, city=shown)


# Rivers, railways and roads as a quiet background over the fills (stations and place names would crowd a slide).
BASE_LINE_KINDS = ("river", "railway", "road")


def _draw_base_layers(ax, data: MapData) -> None:
    for kind, shapes in data.base_layers:
        if kind in BASE_LINE_KINDS and not shapes.empty:
            style = BASE_STYLES[kind]
            shapes.to_crs(6677).boundary.plot(ax=ax, color=style["color"], linewidth=0.6, alpha=0.6,
                                              linestyle="--" if "dashArray" in style else "-", zorder=3)


def scale_bar_metres(width_m: float) -> int:
    """The longest round length up to a fifth of the map's width."""
    lengths = [50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000]
    return max([n for n in lengths if n <= width_m / 5] or [lengths[0]])


def _draw_north_arrow_and_scale(ax, font, lang: str) -> None:
    """A north arrow top right and a scale bar bottom left (the picture is in metres, JGD2011 plane IX)."""
    ax.annotate(t("map.export.north", lang), xy=(0.97, 0.97), xytext=(0.97, 0.88), xycoords="axes fraction",
                ha="center", va="top", fontproperties=font, fontsize=11,
                arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.4})
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    length = scale_bar_metres(x1 - x0)
    left, bottom = x0 + 0.03 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    ax.plot([left, left + length], [bottom, bottom], color="#222222", linewidth=2.5, solid_capstyle="butt", zorder=6)
    label = f"{length // 1000:g} km" if length >= 1000 else f"{length} m"
    ax.text(left + length / 2, bottom + 0.012 * (y1 - y0), label, ha="center", va="bottom", fontsize=8,
            fontproperties=font, zorder=6)


def _unit_fills(data: MapData) -> list[str]:
    fills = []
    classification = data.classification
    values = data.units["value"] if "value" in data.units else [None] * len(data.units)
    for value, suppressed in zip(values, data.units["suppressed"], strict=True):
        if suppressed:
            fills.append(SUPPRESSED_COLOUR)
        elif classification is not None and classification.bins:
            fills.append(classification.colour_of(value))
        else:
            fills.append("#c6dbef")
    return fills


def _class_handles(data: MapData, lang: str) -> list:
    handles = []
    if data.classification is not None:
        for colour, label in zip(data.classification.colours, data.classification.labels, strict=True):
            handles.append(Patch(facecolor=colour, edgecolor="#555555", label=label))
    if data.suppressed_count:
        handles.append(Patch(facecolor=SUPPRESSED_COLOUR, edgecolor="#555555",
                             label=t("map.legend.suppressed", lang, threshold=PUBLICATION_THRESHOLD)))
    if "value" in data.units and (data.units["value"].isna() & ~data.units["suppressed"]).any():
        handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#555555", label=t("map.legend.no_data", lang)))
    return handles
