"""Exports: an offline HTML file, a server-drawn PNG with a Japanese font, the table as CSV / Excel."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from matplotlib import font_manager
from PIL import Image

from lib.data.catalog import load_catalog
from lib.maps import data as map_data
from lib.maps import export as map_export
from lib.maps.measures import preset_measures
from lib.maps.render import render_map
from lib.maps.spec import CatchmentSpec, MapSpec, NearestSpec, PointLayerSpec
from lib.table_export import csv_bytes, xlsx_bytes


@pytest.fixture(scope="module")
def mesh_data(store):
    cursor = store.published()
    presets = preset_measures(cursor, load_catalog())
    spec = MapSpec(base_unit="mesh500m", measure=presets["indicator.ageing_rate"], flood_overlay=True,
                   points=[PointLayerSpec("facilities", "category", ["避難所"])],
                   catchment=CatchmentSpec(PointLayerSpec("kayoi_places"), 500),
                   nearest=NearestSpec(PointLayerSpec("facilities", "category", ["病院"])))
    return map_data.build_map_data(cursor, load_catalog(), spec)


def test_html_is_self_contained(mesh_data):
    html = map_export.map_html(render_map(mesh_data)).decode("utf-8")
    assert "/app/static" not in html
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?://', html)
    assert "L.map(" in html and "L.control" in html


def test_png_is_drawn_on_the_server_with_the_bundled_japanese_font(mesh_data):
    assert map_export.FONT_FILE.exists()
    assert map_export.japanese_font().get_name() == font_manager.FontProperties(
        fname=str(map_export.FONT_FILE)).get_name() == "IPAexGothic"
    png = map_export.map_png(mesh_data, title="高齢化率と避難所")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 800 and image.height > 600
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # a drawn map, not a blank canvas


def test_table_hides_the_figures_of_suppressed_units(mesh_data):
    table = map_data.map_table(mesh_data)
    hidden = table[table["秘匿"] == "○"]
    assert len(hidden) == mesh_data.suppressed_count > 0
    figure_columns = [c for c in table.columns if c.startswith(("人口", "65歳以上", "高齢化率"))]
    assert hidden[figure_columns].isna().all().all()
    assert any(c.startswith("最寄りまでの距離") for c in table.columns)


def test_map_table_downloads_open_in_japanese_excel_and_round_trip(mesh_data):
    table = map_data.map_table(mesh_data)
    csv = csv_bytes(table)
    assert csv.startswith(b"\xef\xbb\xbf")
    assert "コード" in csv.decode("utf-8-sig").splitlines()[0]
    assert csv_bytes(table, "cp932").decode("cp932").splitlines()[0] == csv.decode("utf-8-sig").splitlines()[0]
    back = pd.read_excel(io.BytesIO(xlsx_bytes(table)), dtype={"コード": str})
    assert list(back.columns) == list(table.columns)
    assert list(back["コード"]) == list(table["コード"])


@pytest.mark.parametrize(
    ("width_m", "metres"), [(12_000, 2_000), (3_000, 500), (400, 50), (30, 50), (600_000, 100_000)]
)
def test_the_scale_bar_is_a_round_length_up_to_a_fifth_of_the_map(width_m, metres):
    assert map_export.scale_bar_metres(width_m) == metres


def test_png_has_a_north_arrow_a_scale_bar_and_the_citys_source(mesh_data, monkeypatch):
    drawn = []
    subplots = map_export.plt.subplots

    def keep(*args, **kwargs):
        drawn.append(subplots(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(map_export.plt, "subplots", keep)
    map_export.map_png(mesh_data)
    fig, ax = drawn[0]
    texts = [text.get_text() for text in ax.texts]
    assert "北" in texts
    [scale] = [text for text in texts if re.fullmatch(r"\d+ (k?m)", text)]
    metres = int(scale.split()[0]) * (1000 if scale.endswith("km") else 1)
    assert metres == map_export.scale_bar_metres(ax.get_xlim()[1] - ax.get_xlim()[0])
    assert "みどり野市" in " ".join(text.get_text() for text in fig.texts)  # the demo city

    monkeypatch.setattr(map_export, "current_city", lambda: {"city_name": "鳥取市"})
    assert "鳥取市" in map_export.source_line("ja") and "みどり野市" not in map_export.source_line("ja")
