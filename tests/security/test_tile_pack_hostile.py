"""Red team, item 7: a hostile MBTiles file runs no script on /map and writes nothing outside static/tiles."""
from __future__ import annotations

import html
import sqlite3

import pytest

from lib import settings
from lib.maps.offline import new_map
from lib.maps.tile_pack import TilePackError, unpack_mbtiles
from tests.maps.test_tile_pack import png

SCRIPT = "<img src=x onerror=\"window.__xss=1\">地理院"


def _pack(path, attribution: str = "国土地理院", tiles=((12, 3574, 2482),)) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data BLOB)")  # types as a file may have
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", "png"), ("attribution", attribution)])
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(z, x, y, png()) for z, x, y in tiles])
    con.commit()
    con.close()


def test_attribution_with_script_is_shown_as_text_on_the_map(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "STATIC_DIR", tmp_path / "static")
    _pack(tmp_path / "hostile.mbtiles", attribution=SCRIPT)
    unpack_mbtiles(tmp_path / "hostile.mbtiles")
    attribution = settings._tile_pack()["attribution"]
    page = new_map((134.2, 35.49, 134.25, 35.51), tiles_url="/app/static/tiles/{z}/{x}/{y}.png",
                   attribution=attribution).get_root().render()
    assert attribution == html.escape(SCRIPT)  # Leaflet's innerHTML shows it as text
    assert "<img src=x" not in page


@pytest.mark.parametrize("tile", [
    (12, "../../../escaped", 2482), (12, 3574, "../../x"), ("../1", 0, 0), (12, 1 << 12, 0), (12, -1, 0),
    (40, 0, 0), (12, 3574.5, 2482),
])
def test_tile_coordinates_must_be_integers_in_range(tmp_path, tile):
    _pack(tmp_path / "hostile.mbtiles", tiles=[(12, 3574, 2482), tile])
    target = tmp_path / "static" / "tiles"
    with pytest.raises(TilePackError) as refused:
        unpack_mbtiles(tmp_path / "hostile.mbtiles", target)
    assert "整数" in refused.value.text("ja")
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"hostile.mbtiles"}  # nothing inside static/tiles, nothing outside it
