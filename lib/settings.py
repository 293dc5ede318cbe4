"""Where the workbench keeps its files, and the limits that protect the server.

Every path can be moved with an environment variable so that a test, a second
instance or a server install keeps its data apart.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DATASETS_DIR = REPO_ROOT / "datasets" / "demo"
EXERCISES_DIR = REPO_ROOT / "exercises"
STATIC_DIR = REPO_ROOT / "static"


def data_dir() -> Path:
    """The folder for the built database, the workspace and imported files."""
    return Path(os.environ.get("WORKBENCH_DATA_DIR", REPO_ROOT / "var"))


def published_sources_dir() -> Path:
    """Datasets an instructor has published (files + dictionary), beside the demo."""
    return data_dir() / "published"


# Limits of the SQL that trainees type.
USER_SQL_TIME_LIMIT_S = float(os.environ.get("WORKBENCH_SQL_TIME_LIMIT_S", "10"))
USER_SQL_ROW_CAP = int(os.environ.get("WORKBENCH_SQL_ROW_CAP", "10000"))
DUCKDB_MEMORY_LIMIT = os.environ.get("WORKBENCH_DUCKDB_MEMORY_LIMIT", "4GB")
DUCKDB_THREADS = int(os.environ.get("WORKBENCH_DUCKDB_THREADS", "2"))

# How often a session page checks whether other members saved something (seconds; 0 = never).
LIVE_CHECK_S = float(os.environ.get("WORKBENCH_LIVE_CHECK_S", "20"))

# Optional online or LGWAN-internal tile server; empty means no tiles at all.
TILE_URL = os.environ.get("WORKBENCH_TILE_URL", "")
TILE_ATTRIBUTION = os.environ.get("WORKBENCH_TILE_ATTRIBUTION", "")

# Where the group workspace lives: empty = workspace.sqlite3 in the data folder;
# sqlite:///PATH or postgresql://USER@HOST/DB (several app servers share one PostgreSQL).
WORKSPACE_URL = os.environ.get("WORKBENCH_WORKSPACE_URL", "")
# Automatic snapshots of the workspace: one when a session day starts and one per hour of
# activity; the newest SNAPSHOT_KEEP are kept.
SNAPSHOT_EVERY_S = float(os.environ.get("WORKBENCH_SNAPSHOT_EVERY_S", "3600"))
SNAPSHOT_KEEP = int(os.environ.get("WORKBENCH_SNAPSHOT_KEEP", "48"))
