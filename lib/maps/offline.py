"""Folium maps with no request leaving the server.

folium loads Leaflet and its plugins from CDNs. The same files arrive through
pip (folium-offline holds every CDN file folium uses; fontawesomefree holds the
Font Awesome webfonts), so at start-up they are written to static/vendor/,
which Streamlit serves at /app/static/vendor/, and folium's classes are pointed
there. For a self-contained HTML file the same files are inlined instead.
"""
from __future__ import annotations

import functools
import os
import re
import threading
from pathlib import Path

import fontawesomefree
from jinja2 import Template

from lib import settings
from lib.i18n import t
from lib.maps.folium_import import JSCSSMixin, MacroElement, branca, folium, offlinefolium, plugins

CDN_FILES = offlinefolium.elements._res

STATIC_URL = "/app/static/vendor"
VENDOR_DIR = settings.STATIC_DIR / "vendor"
FONT_AWESOME_DIR = Path(fontawesomefree.__file__).parent / "static" / "fontawesomefree"

# CDN URL -> file name under static/vendor/. Only Leaflet's own stylesheet may end
# in "leaflet.css" (Leaflet guesses its image path from that link).
_ASSETS = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "markercluster/markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "markercluster/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "markercluster/MarkerCluster.Default.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js":
        "heat/leaflet-heat.min.js",
}
_FONT_AWESOME_CSS = "fontawesome/css/all.min.css"

_install_lock = threading.Lock()
_patched = False


def install_static_assets(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Write the map's JavaScript, CSS and fonts under static/vendor/ (idempotent)."""
    with _install_lock:
        for url, name in _ASSETS.items():
            target = vendor_dir / name
            content = CDN_FILES[url].encode("utf-8")
            if not target.exists() or target.read_bytes() != content:
                _replace_whole(target, content)
        for folder in ("css", "webfonts"):
            for source in (FONT_AWESOME_DIR / folder).iterdir():
                target = vendor_dir / "fontawesome" / folder / source.name
                if not target.exists():
                    _replace_whole(target, source.read_bytes())
    return vendor_dir


def _replace_whole(target: Path, content: bytes) -> None:
    """Replace a file in one step: another process (a second server, a test worker) may be reading it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, target)


def _local(url: str) -> str:
    return f"{STATIC_URL}/{_ASSETS[url]}"


def patch_folium() -> None:
    """Point folium's classes at the local copies, and make the data they embed compact JSON (no spaces,
    UTF-8 text rather than \\u escapes: a 666-area map sends 15 % less). Process-wide, so done once."""
    global _patched
    with _install_lock:
        if _patched:
            return
        # Every folium template shares one Jinja environment; its `tojson` filter reads these options.
        folium.Map._template.environment.policies["json.dumps_kwargs"] = {
            "sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
        # A map loads Leaflet only: folium adds jQuery, Bootstrap and Leaflet.awesome-markers for its own icons,
        # which the app never draws (its pins are DivIcons with Font Awesome glyphs, whose stylesheet comes with
        # them: FontAwesome below). Each was one more file loaded after the other in every map's frame.
        folium.Map.default_js = [(key, url) for key, url in folium.Map.default_js if key == "leaflet"]
        folium.Map.default_css = [(key, url) for key, url in folium.Map.default_css if key == "leaflet_css"]
        for cls in (folium.Map, plugins.MarkerCluster, plugins.HeatMap):
            cls.default_js = [(key, _local(url)) for key, url in cls.default_js]
            cls.default_css = [(key, _local(url)) for key, url in cls.default_css]
        # branca compiles the template of every element made from a string afresh: each script and stylesheet
        # link, on every map drawn. The same short string gives the same template (long ones hold a map's data).
        branca.element.Template = _template_of
        _patched = True


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    return Template(source)


def _template_of(source: str) -> Template:
    return _compiled(source) if len(source) <= 2000 else Template(source)


def prepare() -> None:
    """Everything the app needs once before it draws a map."""
    install_static_assets()
    patch_folium()


def new_map(bounds, tiles_url: str | None = None, attribution: str | None = None, lang: str = "ja",
            **kwargs) -> folium.Map:
    """A folium map with no tiles (or the configured tile server), fitted to bounds.

    bounds: (minx, miny, maxx, maxy) in EPSG:4326.
    """
    prepare()
    tiles_url = settings.TILE_URL if tiles_url is None else tiles_url
    minx, miny, maxx, maxy = bounds
    fmap = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        tiles=None,
        control_scale=False,  # folium's scale bar shows miles too; a metric one is added below
        prefer_canvas=False,
        **kwargs,
    )
    # Without a tile layer Leaflet has no maxZoom, and MarkerCluster then throws.
    # folium passes max_zoom only to tile layers, so set Leaflet's option directly.
    fmap.options["maxZoom"] = 18
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=attribution or settings.TILE_ATTRIBUTION or " ",
                         name="背景地図", max_zoom=18).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    FitWhenShown([[miny, minx], [maxy, maxx]]).add_to(fmap)
    MetricScale().add_to(fmap)
    AttributionPrefix(t("map.attribution_prefix", lang)).add_to(fmap)
    return fmap


class FontAwesome(JSCSSMixin):
    """Font Awesome's stylesheet, for the glyphs of the places' pins (added with them)."""

    default_css = [("font_awesome_css", f"{STATIC_URL}/{_FONT_AWESOME_CSS}")]

    def __init__(self):
        super().__init__()
        self._name = "FontAwesome"


class AttributionPrefix(MacroElement):
    """The words before the map's credits, in the user's language: Leaflet's own prefix is an English
    link with a flag, and the link would lead off the machine."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.text|tojson }});
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "AttributionPrefix"
        self.text = text


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class FitWhenShown(MacroElement):
    """Fit the bounds again when a map drawn while hidden (0 px wide, as in a tab not yet opened) is shown.

    Leaflet fits a hidden map to zoom 0, the whole world; nothing tells it when its box gets a size.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, box = map.getContainer();
            var hidden = function () { return box.clientWidth === 0 || box.clientHeight === 0; };
            var wasHidden = hidden();
            new ResizeObserver(function () {
                if (wasHidden && !hidden()) {
                    map.invalidateSize();
                    map.fitBounds({{ this.bounds|tojson }});
                }
                wasHidden = hidden();
            }).observe(box);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds):
        super().__init__()
        self._name = "FitWhenShown"
        self.bounds = bounds


_LINK = re.compile(r'<link[^>]+href="(?P<url>/app/static/vendor/[^"]+)"[^>]*/?>')
_SCRIPT = re.compile(r'<script[^>]+src="(?P<url>/app/static/vendor/[^"]+)"[^>]*>\s*</script>')


def _vendor_text(url: str) -> str:
    return (VENDOR_DIR / url.removeprefix(STATIC_URL + "/")).read_text(encoding="utf-8")


def standalone_html(fmap: folium.Map) -> str:
    """The map as one HTML file that opens offline anywhere: every asset inlined.

    Font Awesome's webfonts are left out (icons fall back to plain markers), which
    keeps the file small; nothing in it refers to a network address.
    """
    install_static_assets()
    html = fmap.get_root().render()

    def inline_css(match: re.Match) -> str:
        url = match.group("url")
        if url.endswith(_FONT_AWESOME_CSS):
            return ""
        return f"<style>{_vendor_text(url)}</style>"

    def inline_js(match: re.Match) -> str:
        return f"<script>{_vendor_text(match.group('url'))}</script>"

    html = _LINK.sub(inline_css, html)
    return _SCRIPT.sub(inline_js, html)
