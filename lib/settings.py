"""Where the workbench keeps its files, and the limits that protect the server.

Every path can be moved with an environment variable so that a test, a second
instance or a server install keeps its data apart.
"""
from __future__ import annotations

import html
import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DATASETS_DIR = REPO_ROOT / "datasets" / "demo"
EXERCISES_DIR = REPO_ROOT / "exercises"
STATIC_DIR = REPO_ROOT / "static"


def data_dir() -> Path:
    """The folder for the built database, the workspace and imported files."""
    return Path(os.environ.get("WORKBENCH_DATA_DIR", REPO_ROOT / "var"))


def city_file() -> Path:
    """Which municipality the workbench is for (written by setup-city); absent: the demo city."""
    return data_dir() / "city.json"


def published_sources_dir() -> Path:
    """Datasets an instructor has published (files + dictionary), beside the demo."""
    return data_dir() / "published"


# Limits of the SQL that trainees type.
USER_SQL_TIME_LIMIT_S = float(os.environ.get("WORKBENCH_SQL_TIME_LIMIT_S", "10"))
USER_SQL_ROW_CAP = int(os.environ.get("WORKBENCH_SQL_ROW_CAP", "10000"))
# Trainee SQL runs in worker processes: each may hold this much memory (address space, MB) and
# hand back at most this many MB of result; this many run at once, the others wait their turn.
USER_SQL_MEMORY_MB = int(os.environ.get("WORKBENCH_SQL_MEMORY_MB", "2048"))
USER_SQL_RESULT_MB = float(os.environ.get("WORKBENCH_SQL_RESULT_MB", "32"))
USER_SQL_WORKERS = int(os.environ.get("WORKBENCH_SQL_WORKERS", "2"))
DUCKDB_MEMORY_LIMIT = os.environ.get("WORKBENCH_DUCKDB_MEMORY_LIMIT", "4GB")
DUCKDB_THREADS = int(os.environ.get("WORKBENCH_DUCKDB_THREADS", "2"))

# The address the trainees' PCs open (e.g. http://192.0.2.10:8501/), printed on the join sheet; empty: the
# address the instructor's browser used, unless that is the server itself (localhost).
SERVER_URL = os.environ.get("WORKBENCH_SERVER_URL", "").strip()

# How often a session page checks whether other members saved something (seconds; 0 = never).
LIVE_CHECK_S = float(os.environ.get("WORKBENCH_LIVE_CHECK_S", "20"))

# Disclosure control: figures describing fewer persons than this are hidden on every page and export
# (WORKBENCH_MAP_MIN_PERSONS is the older name of the same setting, from when only maps had the rule).
MIN_CELL = int(os.environ.get("WORKBENCH_MIN_CELL") or os.environ.get("WORKBENCH_MAP_MIN_PERSONS") or "10")

# Background tiles: a tile server (online or inside LGWAN), else a tile pack unpacked into static/tiles/
# (`python -m lib.cli tile-pack FILE.mbtiles`, served by the app itself), else no tiles at all.
TILE_PACK_INFO = "tilepack.json"


def tile_pack_dir() -> Path:
    return STATIC_DIR / "tiles"


def _tile_pack() -> dict:
    """The unpacked pack's description; its attribution (from the file) escaped, as Leaflet shows it as HTML."""
    info = tile_pack_dir() / TILE_PACK_INFO
    pack = json.loads(info.read_text(encoding="utf-8")) if info.exists() else {}
    return {**pack, "attribution": html.escape(str(pack["attribution"]))} if "attribution" in pack else pack


_PACK = _tile_pack()
TILE_URL = os.environ.get("WORKBENCH_TILE_URL", "") or (
    f"/app/static/tiles/{{z}}/{{x}}/{{y}}.{_PACK['format']}" if _PACK else "")
TILE_ATTRIBUTION = os.environ.get("WORKBENCH_TILE_ATTRIBUTION", "") or _PACK.get("attribution", "")

# Where the group workspace lives: empty = workspace.sqlite3 in the data folder;
# sqlite:///PATH or postgresql://USER@HOST/DB (several app servers share one PostgreSQL).
WORKSPACE_URL = os.environ.get("WORKBENCH_WORKSPACE_URL", "")
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated), e.g. the
# nginx of classroom mode (deploy/classroom.sh sets 127.0.0.1). Without it, behind a proxy every
# browser has the proxy's address.
TRUSTED_PROXIES = [entry.strip() for entry in os.environ.get("WORKBENCH_TRUSTED_PROXIES", "").split(",")
                   if entry.strip()]
# Automatic snapshots of the workspace: one when a session day starts and one per hour of
# activity; the newest SNAPSHOT_KEEP are kept.
SNAPSHOT_EVERY_S = float(os.environ.get("WORKBENCH_SNAPSHOT_EVERY_S", "3600"))
SNAPSHOT_KEEP = int(os.environ.get("WORKBENCH_SNAPSHOT_KEEP", "48"))
# Staying signed in (lib.workspace.sign_ins): a member's sign-in lasts this many days after its last use
# (each visit in a new browser session renews it); an instructor's, when chosen, this many hours from sign-in.
SIGN_IN_DAYS = float(os.environ.get("WORKBENCH_SIGN_IN_DAYS", "30"))
INSTRUCTOR_SIGN_IN_HOURS = float(os.environ.get("WORKBENCH_INSTRUCTOR_SIGN_IN_HOURS", "8"))
