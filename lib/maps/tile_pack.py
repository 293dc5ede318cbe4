"""An offline raster tile pack (MBTiles) served by the app itself as the map's background.

`unpack_mbtiles` writes the pack's tiles to static/tiles/{z}/{x}/{y}.{png|jpg|webp}, which Streamlit
serves at /app/static/tiles/ (MBTiles rows count from the south, Leaflet's y from the north: flipped
here once). lib.settings then uses that URL as the background tiles when WORKBENCH_TILE_URL is unset,
so a real city's map has a background with no request leaving the server.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from lib import settings
from lib.errors import WorkbenchError

MAX_ZOOM = 24  # finer than any raster pack a city would make; 2**24 tiles a side
RASTER_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}


class TilePackError(WorkbenchError):
    key_prefix = "tile_pack.error."


def _open(path: Path) -> sqlite3.Connection:
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise TilePackError("not_mbtiles", name=path.name)
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        con.close()
        raise TilePackError("not_mbtiles", name=path.name) from exc
    return con


def _check_tile(path: Path, z, x, row, data) -> None:
    """A tile's numbers become a file path: only integers in range (a TEXT `../..` would leave static/tiles)."""
    numbers = (z, x, row)
    if not all(type(n) is int for n in numbers) or not 0 <= z <= MAX_ZOOM \
            or not all(0 <= n < (1 << z) for n in (x, row)) or not isinstance(data, bytes):
        raise TilePackError("bad_tile", name=path.name, tile="/".join(str(n)[:40] for n in numbers))


def unpack_mbtiles(path: str | Path, target: Path | None = None) -> dict:
    """Write every tile as a file under `target` (static/tiles); the pack's description."""
    path = Path(path)
    if not path.is_file():
        raise TilePackError("not_mbtiles", name=path.name)
    target = target or settings.tile_pack_dir()
    building = target.with_name(target.name + ".building")
    con = _open(path)
    try:
        metadata = dict(con.execute("SELECT name, value FROM metadata").fetchall())
        ext = RASTER_FORMATS.get(str(metadata.get("format", "png")).lower())
        if ext is None:
            raise TilePackError("not_raster", name=path.name, format=metadata.get("format"))
        shutil.rmtree(building, ignore_errors=True)
        count, zooms = 0, set()
        for z, x, row, data in con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"):
            _check_tile(path, z, x, row, data)
            y = (1 << z) - 1 - row  # TMS (south-up) → XYZ (north-down)
            tile = building / str(z) / str(x) / f"{y}.{ext}"
            tile.parent.mkdir(parents=True, exist_ok=True)
            tile.write_bytes(data)
            count, zooms = count + 1, zooms | {z}
    except TilePackError:
        shutil.rmtree(building, ignore_errors=True)  # a refused pack leaves nothing behind
        raise
    finally:
        con.close()
    if not count:
        shutil.rmtree(building, ignore_errors=True)
        raise TilePackError("empty", name=path.name)
    info = {"format": ext, "tiles": count, "minzoom": min(zooms), "maxzoom": max(zooms), "source": path.name,
            "attribution": str(metadata.get("attribution") or metadata.get("name") or path.stem)}
    (building / settings.TILE_PACK_INFO).write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return info
