"""Start-up: what the app's first run, `prepare` and `export` do before anyone works.

The published database is built (first start, or after new data) and the offline map assets put in
place; the workspace is opened and, on first start, seeded with the demo course and its finished
example. The app (lib.ui.startup) caches both per process; the CLI calls them once.
"""
from __future__ import annotations

from lib.data.store import Store, get_store
from lib.workspace import example_group
from lib.workspace.items import Workspace, open_workspace


def prepare_store(store: Store | None = None) -> Store:
    """The store with its published database built and the offline map assets in place."""
    from lib.maps import offline as offline_map  # noqa: PLC0415  (folium: only where maps are drawn)

    store = store or get_store()
    store.refresh_published()
    store.published().close()
    offline_map.prepare()
    return store


def open_seeded_workspace(store: Store | None = None) -> Workspace:
    """The workspace, with the demo course on first start (its numbers from the published data).
    Raises WorkspaceUnavailable when it is missing or damaged (lib.workspace.recovery)."""
    store = store or get_store()
    ws = open_workspace(store)
    example_group.seed_if_empty(ws, store.published())
    return ws
