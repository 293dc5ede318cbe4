"""MapData → a folium map that works offline (lib.maps.offline), with a Japanese legend.

Payloads are kept small: shapes simplified for city zoom and rounded to about 1 m (lib.maps.display,
once per map data), and only the properties the map shows. Points are drawn
as DivIcon pins (Leaflet's default marker images are not available offline);
many points are clustered, very many are sent as a compact array to
FastMarkerCluster.

Over 400 lines on purpose: every layer (areas, points, catchments, flood zones, base layers,
labels, legend) shares the escaping, colours and payload rules above.
"""
from __future__ import annotations

import html
import math

import geopandas as gpd
import numpy as np

from lib import settings
from lib.i18n import t
from lib.maps.base_layers import STYLES as BASE_STYLES
from lib.maps.classify import NO_DATA_COLOUR, SUPPRESSED_COLOUR, Classification, format_number
from lib.maps.data import PUBLICATION_THRESHOLD, MapData
from lib.maps.display import COORD_DECIMALS, display_geometries, geojson_geometries
from lib.maps.folium_import import Element, MacroElement, Template, folium, plugins
from lib.maps.layer_colours import CATEGORY_COLOURS, COMPARE_EDGE, COMPARE_FILL, FLOOD_COLOURS, layer_colours
from lib.maps.offline import FontAwesome, new_map
from lib.maps.spec import PointLayerSpec

CLUSTER_AUTO_OVER = 60  # "auto" clusters a layer with more points than this (pins crowd at city scale)
FAST_CLUSTER_OVER = 2000  # beyond this, points travel as a plain array
CATEGORY_ICONS = {
    "避難所": "fa-person-shelter", "地域包括支援センター": "fa-hand-holding-heart", "公民館": "fa-people-roof",
    "小学校": "fa-school", "中学校": "fa-school", "保育所": "fa-baby", "病院": "fa-hospital",
    "診療所": "fa-stethoscope",
}
DEFAULT_ICON = "fa-location-dot"

_CSS = """
<style>
.dab-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;font:12px/1.45 sans-serif;
 box-shadow:0 1px 4px rgba(0,0,0,.35);max-width:270px;color:#222}
.dab-legend h4{margin:0 0 4px;font-size:13px;font-weight:bold}
.dab-legend .dab-row{display:flex;align-items:center;gap:6px;margin:1px 0}
.dab-legend .sw{width:18px;height:12px;border:1px solid #777;flex:none}
.dab-legend .dot{width:12px;height:12px;border-radius:50%;border:1px solid #fff;box-shadow:0 0 0 1px #555;flex:none}
.dab-legend .ring{width:14px;height:14px;border-radius:50%;border:2px solid #c0392b;flex:none}
.dab-legend .sec{margin-top:6px;border-top:1px solid #ddd;padding-top:4px}
.dab-legend.dab-compact{font-size:10px;line-height:1.25;padding:4px 6px;max-width:170px}
.dab-legend.dab-compact h4{font-size:11px}
.dab-legend.dab-compact .sw{width:12px;height:9px}
.dab-legend .hatch{background:repeating-linear-gradient(45deg,#bdbdbd 0 3px,#eee 3px 6px)}
.dab-pin{width:22px;height:22px;border-radius:50%;border:2px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.6);
 display:flex;align-items:center;justify-content:center;color:#fff;font-size:11px}
.dab-place{font:10px sans-serif;color:#666;white-space:nowrap;text-shadow:0 0 2px #fff,0 0 2px #fff;
 transform:translate(-50%,-50%);display:inline-block;pointer-events:none}
.dab-label{font:11px sans-serif;color:#222;white-space:nowrap;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;
 transform:translate(-50%,-50%);display:inline-block;pointer-events:none}
</style>
"""


def safe_text(value) -> str:
    """Data as inert text for a tooltip, popup, label or legend.

    HTML-escaped, and also free of ` $ and \\: folium puts a string tooltip inside a JavaScript
    template literal, where `${...}` would run. Dataset values and column names are published
    by people and must never run as script on a trainee's page.
    """
    return html.escape(str(value)).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def base_map(bounds, tiles_url: str = "", lang: str = "ja") -> folium.Map:
    """lib.maps.offline.new_map with a maxZoom that reaches Leaflet.

    MarkerCluster throws "Map has no maxZoom specified" without one when there is no
    tile layer; folium drops the snake_case max_zoom, so it is set as a Leaflet option.
    """
    fmap = new_map(bounds, tiles_url=tiles_url, lang=lang)
    fmap.options["maxZoom"] = 18
    fmap.options["zoomSnap"] = 0.25  # fit the city snugly instead of jumping a whole zoom level
    fmap.get_root().header.add_child(Element(_CSS))
    return fmap


class HtmlControl(MacroElement):
    """A Leaflet control holding fixed HTML (the legend); no external assets."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str, position: str = "bottomright", compact: bool = False):
        super().__init__()
        self._name = "HtmlControl"
        self.html = html_text
        self.position = position
        self.css_class = "dab-legend dab-compact" if compact else "dab-legend"


def _value_text(value, unit: str, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{format_number(value, decimals)} {unit}".strip()


def _decimals(classification: Classification | None) -> int:
    if classification is None or not classification.bins:
        return 1
    span = classification.bins[-1] - classification.lower
    return 0 if span >= 100 else (1 if span >= 5 else 2)


def _choropleth_features(data: MapData, value_column: str, classification: Classification | None,
                         unit: str, lang: str) -> tuple[dict, dict[str, dict]]:
    """The units as GeoJSON (what the browser needs: id, name, value text, shape) and each unit's style."""
    units = data.units
    decimals = _decimals(classification)
    shapes = data.display_shapes("units")
    features, styles = [], {}
    for i, row in enumerate(units.itertuples(index=False)):
        value = getattr(row, value_column, None) if value_column in units.columns else None
        if row.suppressed:
            fill, text = SUPPRESSED_COLOUR, t("map.legend.suppressed", lang, threshold=PUBLICATION_THRESHOLD)
        elif classification is not None and classification.bins:
            fill = classification.colour_of(value)
            text = classification.text_of(value) or _value_text(value, unit, decimals)
        else:
            fill, text = "#9ecae1", ""
        unit_id = str(row.unit_id)
        styles[unit_id] = _style(fill, bool(row.suppressed))
        features.append(
            {
                "type": "Feature",
                "geometry": shapes[i],
                "properties": {"unit_id": unit_id, "name": safe_text(row.unit_name), "value": safe_text(text)},
            }
        )
    return {"type": "FeatureCollection", "features": features}, styles


def _style(fill: str, suppressed: bool) -> dict:
    return {"fillColor": fill, "color": "#555555", "weight": 0.7, "className": "dab-unit",
            "fillOpacity": 0.55 if suppressed else 0.75, "dashArray": "3 3" if suppressed else None}


def add_choropleth(fmap, data: MapData, lang: str, value_column: str = "value",
                   classification: Classification | None = None, unit: str | None = None,
                   label: str | None = None) -> folium.GeoJson:
    classification = data.classification if classification is None else classification
    unit = data.value_unit if unit is None else unit
    label = data.value_label if label is None else label
    collection, styles = _choropleth_features(data, value_column, classification, unit, lang)
    fields, aliases = ["name"], [safe_text(t("map.table.unit_name", lang))]
    if classification is not None:
        fields.append("value")
        aliases.append(safe_text(label))
    layer = folium.GeoJson(
        collection, name=label or t("map.unit." + data.spec.base_unit, lang),
        style_function=lambda feature: styles[feature["properties"]["unit_id"]],
        highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True),
        zoom_on_click=False,
    )
    layer.add_to(fmap)
    return layer


BASE_PANE = "dab-base"  # above the colour fills (overlayPane, 400), below points and labels (markerPane, 600)


def add_base_layers(fmap, data: MapData) -> None:
    """Rivers, railways, roads, stations and place names, thin and light, not clickable."""
    if not data.base_layers:
        return
    folium.map.CustomPane(BASE_PANE, z_index=450, pointer_events=False).add_to(fmap)
    for kind, shapes in data.base_layers:
        group = folium.FeatureGroup(name=f"base-{kind}", control=False)
        if kind == "place":
            for name, point in zip(shapes["name"], shapes.geometry.representative_point(), strict=True):
                folium.Marker([round(point.y, COORD_DECIMALS), round(point.x, COORD_DECIMALS)], interactive=False,
                              icon=folium.DivIcon(html=f'<span class="dab-place">{html.escape(str(name))}</span>',
                                                  icon_size=(0, 0), icon_anchor=(0, 0)), pane=BASE_PANE).add_to(group)
        else:
            style = dict(BASE_STYLES[kind])
            marker = folium.CircleMarker(**style) if kind == "station" else None
            features = [{"type": "Feature", "properties": {}, "geometry": g}
                        for g in geojson_geometries(shapes.geometry.values)]
            folium.GeoJson({"type": "FeatureCollection", "features": features}, marker=marker,
                           style_function=lambda _f, style=style: style, interactive=False, control=False,
                           pane=BASE_PANE).add_to(group)
        group.add_to(fmap)


def add_labels(fmap, data: MapData) -> None:
    """Names at each unit's inner point (a DivIcon, so no image is needed)."""
    group = folium.FeatureGroup(name="labels", control=False)
    points = data.units.geometry.representative_point()
    for name, point in zip(data.units["unit_name"], points, strict=True):
        folium.Marker(
            [round(point.y, COORD_DECIMALS), round(point.x, COORD_DECIMALS)],
            icon=folium.DivIcon(html=f'<span class="dab-label">{safe_text(name)}</span>',
                                icon_size=(0, 0), icon_anchor=(0, 0), class_name="dab-label-icon"),
            interactive=False,
        ).add_to(group)
    group.add_to(fmap)


def _pin(colour: str, category: str | None) -> folium.DivIcon:
    icon = CATEGORY_ICONS.get(category or "", DEFAULT_ICON)
    return folium.DivIcon(
        html=f'<div class="dab-pin" style="background:{colour}"><i class="fa-solid {icon}"></i></div>',
        icon_size=(22, 22), icon_anchor=(11, 11), class_name="dab-pin-icon",
    )


def _point_tooltips(points: gpd.GeoDataFrame, columns: list[str]) -> list[str]:
    """Per point, its non-empty values of `columns` (any column name: no attribute access)."""
    rows = zip(*(points[c].tolist() for c in columns), strict=True) if columns else [()] * len(points)
    return [" / ".join(safe_text(v) for v in values if v is not None and v == v) for values in rows]


def _fast_cluster_callback(colour: str) -> str:
    return (
        "function (row) { var icon = L.divIcon({html: '<div class=\"dab-pin\" style=\"background:" + colour
        + ";width:12px;height:12px\"></div>', className: 'dab-pin-icon', iconSize: [12, 12]});"
        " return L.marker(new L.LatLng(row[0], row[1]), {icon: icon}); }"
    )


def add_points(fmap, layer: PointLayerSpec, points: gpd.GeoDataFrame, label: str,
               colours: dict[str, str]) -> None:
    """One layer of places: pins (clustered when many) and, if asked, a heat map."""
    if points.empty:
        return
    FontAwesome().add_to(fmap)  # the pins' glyphs
    lat = np.round(points.geometry.y.to_numpy(), COORD_DECIMALS)
    lon = np.round(points.geometry.x.to_numpy(), COORD_DECIMALS)
    n = len(points)
    cluster = layer.cluster == "on" or (layer.cluster == "auto" and n > CLUSTER_AUTO_OVER)
    if layer.heat:
        plugins.HeatMap(np.column_stack([lat, lon]).tolist(), name=f"{label}（ヒートマップ）",
                        radius=18, blur=15, min_opacity=0.3).add_to(fmap)
        if n > FAST_CLUSTER_OVER:
            return  # a heat map of very many points says it all; pins would only add weight
    if n > FAST_CLUSTER_OVER:
        colour = next(iter(colours.values()), CATEGORY_COLOURS[0])
        plugins.FastMarkerCluster(np.column_stack([lat, lon]).tolist(), name=label,
                                  callback=_fast_cluster_callback(colour)).add_to(fmap)
        return
    parent = plugins.MarkerCluster(name=label) if cluster else folium.FeatureGroup(name=label)
    category_col = layer.category_column if layer.category_column in points.columns else None
    tooltip_cols = [c for c in ("name", category_col, "place_type") if c and c in points.columns]
    categories = points[category_col].tolist() if category_col else [None] * n
    for category, tooltip, y, x in zip(categories, _point_tooltips(points, tooltip_cols), lat, lon, strict=True):
        colour = colours.get(category, CATEGORY_COLOURS[0]) if category_col else colours.get(label, CATEGORY_COLOURS[0])
        folium.Marker([y, x], icon=_pin(colour, category), tooltip=tooltip).add_to(parent)
    parent.add_to(fmap)


def add_compare_symbols(fmap, data: MapData) -> None:
    """The second measure as circles whose area is proportional to the value."""
    values = data.units["compare_value"].to_numpy(dtype=float)
    top = np.nanmax(values) if np.isfinite(values).any() else 0
    if not top:
        return
    group = folium.FeatureGroup(name=data.compare_label)
    decimals = _decimals(data.compare_classification)
    centres = data.units.geometry.representative_point()
    for value, name, centre in zip(values, data.units["unit_name"], centres, strict=True):
        if not np.isfinite(value) or value <= 0:
            continue
        folium.CircleMarker(
            [round(centre.y, COORD_DECIMALS), round(centre.x, COORD_DECIMALS)],
            radius=float(3 + 17 * math.sqrt(value / top)), color=COMPARE_EDGE, weight=1.5,
            fill=True, fill_color=COMPARE_FILL, fill_opacity=0.45,
            tooltip=safe_text(f"{name}: {_value_text(value, data.compare_unit, decimals)}"),
        ).add_to(group)
    group.add_to(fmap)


def add_catchment(fmap, data: MapData) -> None:
    radius = data.spec.catchment.radius_m
    group = folium.FeatureGroup(name=t("map.legend.catchment", "ja", radius=radius))
    for row in data.catchment.circles.itertuples(index=False):
        centre = row.geometry.centroid
        folium.Circle([round(centre.y, COORD_DECIMALS), round(centre.x, COORD_DECIMALS)], radius=radius,
                      color="#c0392b", weight=1.5, fill=True, fill_opacity=0.08,
                      tooltip=safe_text(getattr(row, "name", ""))).add_to(group)
    group.add_to(fmap)


FLOOD_DEFAULT_RANK = 2


def _flood_hatches() -> str:
    """Hatch patterns for the flood zones (one per depth), as the map pictures draw them: stripes of the depth's
    colour with the choropleth showing between them, so that a flood zone over a blue ramp stays a flood zone."""
    patterns = "".join(
        f'<pattern id="dab-flood-{rank}" patternUnits="userSpaceOnUse" width="7" height="7" '
        f'patternTransform="rotate(45)"><rect width="3" height="7" fill="{colour}"/>'
        f'<rect x="3" width="1" height="7" fill="#ffffff" fill-opacity="0.8"/></pattern>'
        for rank, colour in FLOOD_COLOURS.items())
    css = "".join(f".dab-flood-{rank}{{fill:url(#dab-flood-{rank});fill-opacity:1}}" for rank in FLOOD_COLOURS)
    return (f'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>{patterns}</defs></svg>'
            f"<style>{css}</style>")


def add_flood(fmap, data: MapData) -> None:
    zones = data.flood_zones.copy()
    zones["geometry"] = display_geometries(zones.geometry.values)
    keep = [c for c in ("depth_class", "depth_rank") if c in zones.columns] + ["geometry"]
    fmap.get_root().html.add_child(Element(_flood_hatches()))

    def style(feature) -> dict:
        rank = feature["properties"].get("depth_rank")
        rank = int(rank) if rank in FLOOD_COLOURS else FLOOD_DEFAULT_RANK
        # The class fills the zone with its hatch; the dashed outline marks its edge.
        return {"fillColor": FLOOD_COLOURS[rank], "className": f"dab-flood-{rank}", "color": "#08306b",
                "weight": 1.2, "dashArray": "4 3", "fillOpacity": 0.5}

    folium.GeoJson(zones[keep].to_json(), name=t("map.legend.flood", "ja"), style_function=style,
                   interactive=False).add_to(fmap)


def legend_html(data: MapData, lang: str, colours: dict[str, str] | None = None,
                classification: Classification | None = None, label: str | None = None,
                with_overlays: bool = True) -> str:
    classification = data.classification if classification is None else classification
    label = data.value_label if label is None else label
    parts = []
    if classification is not None and classification.bins:
        parts.append(f"<h4>{safe_text(label)}</h4>")
        for colour, text in zip(classification.colours, classification.labels, strict=True):
            parts.append(
                f'<div class="dab-row"><span class="sw" style="background:{colour}"></span>{safe_text(text)}</div>'
            )
    if data.suppressed_count:
        parts.append(f'<div class="dab-row"><span class="sw" style="background:{SUPPRESSED_COLOUR}"></span>'
                     f'{safe_text(t("map.legend.suppressed", lang, threshold=PUBLICATION_THRESHOLD))}</div>')
    if classification is not None and classification.bins and "value" in data.units:
        missing = data.units["value"].isna() & ~data.units["suppressed"]
        if missing.any():
            parts.append(f'<div class="dab-row"><span class="sw" style="background:{NO_DATA_COLOUR}"></span>'
                         f'{safe_text(t("map.legend.no_data", lang))}</div>')
    if with_overlays:
        if data.compare_label and data.spec.compare and data.spec.compare.mode == "symbols":
            parts.append(f'<div class="sec dab-row"><span class="dot" style="background:{COMPARE_FILL}"></span>'
                         f'{safe_text(t("map.legend.compare", lang, label=data.compare_label))}</div>')
        if colours:
            parts.append(f'<div class="sec"><b>{safe_text(t("map.legend.points", lang))}</b></div>')
            for name, colour in colours.items():
                parts.append(
                    f'<div class="dab-row"><span class="dot" style="background:{colour}"></span>{safe_text(name)}</div>'
                )
        if data.catchment is not None:
            parts.append('<div class="sec dab-row"><span class="ring"></span>'
                         f'{safe_text(t("map.legend.catchment", lang, radius=data.spec.catchment.radius_m))}</div>')
        if data.flood_zones is not None:
            stripes = f"repeating-linear-gradient(45deg,{FLOOD_COLOURS[FLOOD_DEFAULT_RANK]} 0 3px,#fff 3px 4px)"
            parts.append(f'<div class="sec dab-row"><span class="sw" style="background:{stripes}"></span>'
                         f'{safe_text(t("map.legend.flood", lang))}</div>')
    return "".join(parts)


def render_map(data: MapData, lang: str = "ja", tiles_url: str | None = None,
               compact_legend: bool = False) -> folium.Map:
    """The whole map: choropleth, overlays, points, labels, legend (`compact_legend`: small, for a slide)."""
    spec = data.spec
    if tiles_url is None:
        tiles_url = settings.TILE_URL if spec.background_tiles else ""
    fmap = base_map(tuple(data.boundary.total_bounds), tiles_url=tiles_url, lang=lang)
    add_choropleth(fmap, data, lang)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": g} for g in data.display_shapes("boundary")]},
        name="boundary", style_function=lambda _f: {"fill": False, "color": "#333333", "weight": 2},
        interactive=False, control=False,
    ).add_to(fmap)
    add_base_layers(fmap, data)
    if data.flood_zones is not None:
        add_flood(fmap, data)
    if data.catchment is not None:
        add_catchment(fmap, data)
    if spec.compare is not None and spec.compare.mode == "symbols" and "compare_value" in data.units:
        add_compare_symbols(fmap, data)
    if spec.labels and not spec.is_mesh:  # mesh codes as labels would only bury the map
        add_labels(fmap, data)
    colours = layer_colours(data)
    for layer, points, label in data.points:
        add_points(fmap, layer, points, label, colours if layer.category_column else {label: colours.get(label)})
    legend = legend_html(data, lang, colours)
    if legend:
        HtmlControl(legend, compact=compact_legend).add_to(fmap)
    return fmap


def render_compare_map(data: MapData, lang: str = "ja", tiles_url: str | None = None) -> folium.Map:
    """The second measure as a map of its own, for side-by-side comparison."""
    spec = data.spec
    if tiles_url is None:
        tiles_url = settings.TILE_URL if spec.background_tiles else ""
    fmap = base_map(tuple(data.boundary.total_bounds), tiles_url=tiles_url, lang=lang)
    add_choropleth(fmap, data, lang, "compare_value", data.compare_classification, data.compare_unit,
                   data.compare_label)
    if spec.labels and not spec.is_mesh:
        add_labels(fmap, data)
    HtmlControl(legend_html(data, lang, None, data.compare_classification, data.compare_label,
                            with_overlays=False)).add_to(fmap)
    return fmap


def payload_bytes(fmap: folium.Map) -> int:
    """What st_folium sends to the browser: the rendered HTML/JS of the map."""
    return len(fmap.get_root().render().encode("utf-8"))
