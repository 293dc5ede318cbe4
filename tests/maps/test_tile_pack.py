"""An MBTiles raster pack unpacked into static/tiles and used as the map's own background."""
from __future__ import annotations

import io
import json
import sqlite3

import pytest
from PIL import Image

from lib import settings
from lib.maps.offline import new_map
from lib.maps.tile_pack import TilePackError, unpack_mbtiles


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 240)).save(out, format="PNG")
    return out.getvalue()


def write_mbtiles(path, fmt: str = "png", tiles=((12, 3574, 2482),)) -> None:
    """tiles as (z, x, TMS row): z12 x3574 covers 鳥取市 (134.2°E, 35.5°N)."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [("format", fmt), ("attribution", "国土地理院")])
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(z, x, y, png()) for z, x, y in tiles])
    con.commit()
    con.close()


def test_tiles_are_written_north_down_with_their_description(tmp_path):
    write_mbtiles(tmp_path / "tottori.mbtiles")
    info = unpack_mbtiles(tmp_path / "tottori.mbtiles", tmp_path / "tiles")
    assert info["tiles"] == 1 and info["format"] == "png" and info["attribution"] == "国土地理院"
    y = (1 << 12) - 1 - 2482  # TMS row → XYZ y
    assert (tmp_path / "tiles" / "12" / "3574" / f"{y}.png").read_bytes().startswith(b"\x89PNG")
    assert json.loads((tmp_path / "tiles" / settings.TILE_PACK_INFO).read_text(encoding="utf-8"))["maxzoom"] == 12


def test_a_new_pack_replaces_the_old_one(tmp_path):
    write_mbtiles(tmp_path / "a.mbtiles", tiles=((10, 1, 1),))
    write_mbtiles(tmp_path / "b.mbtiles", tiles=((11, 2, 2),))
    unpack_mbtiles(tmp_path / "a.mbtiles", tmp_path / "tiles")
    unpack_mbtiles(tmp_path / "b.mbtiles", tmp_path / "tiles")
    assert not (tmp_path / "tiles" / "10").exists() and (tmp_path / "tiles" / "11").exists()


def test_settings_serve_the_pack_from_the_app(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "STATIC_DIR", tmp_path)
    write_mbtiles(tmp_path / "t.mbtiles")
    unpack_mbtiles(tmp_path / "t.mbtiles")
    assert settings._tile_pack()["format"] == "png"
    html = new_map((134.2, 35.49, 134.25, 35.51), tiles_url="/app/static/tiles/{z}/{x}/{y}.png",
                   attribution="国土地理院").get_root().render()
    assert "/app/static/tiles/{z}/{x}/{y}.png" in html and "http://" not in html.split("<body>")[-1]


@pytest.mark.parametrize(("content", "key"), [(b"not a database", "not_mbtiles"), (None, "not_raster")])
def test_bad_packs_are_refused(tmp_path, content, key):
    path = tmp_path / "bad.mbtiles"
    if content is None:
        write_mbtiles(path, fmt="pbf")  # vector tiles: nothing Leaflet can show as an image
    else:
        path.write_bytes(content)
    with pytest.raises(TilePackError) as caught:
        unpack_mbtiles(path, tmp_path / "tiles")
    assert caught.value.key == key and caught.value.text("en")
    assert not (tmp_path / "tiles").exists()
