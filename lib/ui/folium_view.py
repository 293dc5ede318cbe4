"""A folium map drawn from parts made once.

st_folium renders the whole folium map three times on every page run (its HTML, its header, its Leaflet
script): about 25 ms for a 46-area map, half a warm run of the area-patterns page. A folium map cannot
simply be kept and given to st_folium again (st_folium renames its elements; a map rendered twice draws
0 px high), so the parts st_folium sends are made once and kept in a memo that lives as long as the
cached result the map shows (MapData.drawing_cache), and the component is called with them.

Written against streamlit-folium 0.27 (pinned in requirements.txt); tests/ui/test_folium_view.py checks that
the parts equal what st_folium itself sends.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, MutableMapping, Sequence

import streamlit as st

from lib.maps.folium_import import folium


def _streamlit_folium():
    """streamlit-folium, imported when a page first draws a map: it registers its component only in a page's run
    (imported by the database build's thread, no map would ever load), and it imports folium, whole by then."""
    import streamlit_folium  # noqa: PLC0415

    return streamlit_folium


def _assets(fmap: folium.Map) -> tuple[list[str], list[str]]:
    """The CSS and JS files the map's elements need, in st_folium's order."""
    css, js = [], []

    # st_folium also puts d3 from two CDNs first when a branca ColorMap is on the map; our maps draw their
    # legends themselves and never add one, so nothing here names an address outside the machine.
    def walk(element):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def map_parts(fmap: folium.Map) -> dict:
    """What st_folium sends to the browser for a map, as st_folium(fmap, returned_objects=[]) makes it."""
    fmap.get_root().render()
    fmap.render()
    sf = _streamlit_folium()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)  # after the HTML and header: it renames the map's elements
    css_links, js_links = _assets(fmap)
    return {"script": script, "header": header, "html": html, "id": sf.get_full_id(fmap),
            "css_links": css_links, "js_links": js_links}


def show_folium(build: Callable[[], folium.Map], memo: MutableMapping, memo_key: Hashable, *, key: str,
                height: int, use_container_width: bool = False, returned_objects: Sequence[str] = ()):
    """Draw the map `build` makes, building and rendering it only when `memo` has no parts for `memo_key`; what
    the browser returns of `returned_objects` (st_folium's names, e.g. last_active_drawing), as st_folium does."""
    parts = memo.get(memo_key)
    if parts is None:
        parts = memo[memo_key] = map_parts(build())
    sf = _streamlit_folium()
    hash_key = sf.generate_js_hash(parts["script"], key, False)

    def on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        **parts, key=hash_key, height=height, width=None if use_container_width else 500,
        returned_objects=list(returned_objects), default=dict.fromkeys(returned_objects), zoom=None, center=None,
        feature_group=None, return_on_hover=False, layer_control=None, pixelated=False, on_change=on_change,
        wrap_longitude=False)
