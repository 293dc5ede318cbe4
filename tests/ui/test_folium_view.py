"""A map that only shows is sent from parts made once: the same parts st_folium itself sends."""
from __future__ import annotations

import re

import pytest
import streamlit_folium as sf
from streamlit_folium import st_folium

from lib.data.catalog import load_catalog
from lib.maps import data as map_data
from lib.maps.measures import preset_measures
from lib.maps.render import render_map
from lib.maps.spec import MapSpec
from lib.ui.folium_view import show_folium


def _sent(monkeypatch, draw) -> dict:
    sent = {}
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: sent.update(kwargs))
    draw()
    sent.pop("on_change")
    # folium names each element with a random hex id; the same map built twice differs only there
    return {k: re.sub(r"_[0-9a-f]{32}", "_ID", v) if isinstance(v, str) else v for k, v in sent.items()}


@pytest.mark.parametrize(("wide", "returned"), [(False, []), (True, []), (True, ["last_active_drawing"])])
def test_parts_are_what_st_folium_sends_and_are_made_once(published, monkeypatch, wide, returned):
    catalog = load_catalog()
    spec = MapSpec(measure=preset_measures(published, catalog)["indicator.ageing_rate"], labels=True)
    data = map_data.build_map_data(published, catalog, spec)
    expected = _sent(monkeypatch, lambda: st_folium(render_map(data), key="m", height=460, returned_objects=returned,
                                                    use_container_width=wide))
    built, memo = [], {}

    def build():
        built.append(1)
        return render_map(data)

    for _ in range(2):
        assert _sent(monkeypatch, lambda: show_folium(build, memo, "k", key="m", height=460,
                                                      use_container_width=wide, returned_objects=returned)) == expected
    assert len(built) == 1
    links = memo["k"]["css_links"] + memo["k"]["js_links"]
    assert links and all(link.startswith("/app/static/") for link in links)  # served by the app itself
