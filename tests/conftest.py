"""Shared fixtures: a data folder of the test session's own, with the demo built once per run.

The run may be split over pytest-xdist workers (pyproject's addopts): each worker is a process
with its own data folder and environment, and the demo's published database is built once for
all of them and copied (`demo_data`).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from tests.fixtures.workspace_backends import BACKENDS, workspace_url

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
sys.path.insert(0, str(ROOT))


def menu_pages() -> list[str]:
    """The page files app.py puts in the menu, in its order: `st.Page("pages/x.py", …)` or `_page("x", …)`."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    found = re.findall(r'st\.Page\("(pages/\w+\.py)"|_page\("(\w+)"', source)
    return [given or f"pages/{name}.py" for given, name in found]


def app_test(timeout: float = 60):
    """An AppTest of the whole app (navigation, sidebar), ready to .run() and .switch_page()."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=timeout)


def _run_folder(tmp_path_factory) -> Path:
    """The temporary folder of the whole run, shared by its xdist workers (each has one inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_demo_data(folder: Path) -> None:
    from lib.data.store import Store

    previous = os.environ.get("WORKBENCH_DATA_DIR")
    os.environ["WORKBENCH_DATA_DIR"] = str(folder)  # the catalog reads published sources from the data folder
    try:
        store = Store(folder)
        store.refresh_published()
        store.close()
    finally:
        if previous is None:
            os.environ.pop("WORKBENCH_DATA_DIR")
        else:
            os.environ["WORKBENCH_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """A data folder with the demo's published database, built once per run: copy it, never write in it."""
    run = _run_folder(tmp_path_factory)
    folder = run / "demo-data"
    with FileLock(run / "demo-data.lock"):
        if not (folder / "published.json").exists():
            building = run / "demo-data.building"
            shutil.rmtree(building, ignore_errors=True)
            _build_demo_data(building)
            building.rename(folder)
    return folder


def copy_demo_data(demo_data: Path, folder: Path) -> Path:
    """`folder` with the demo's published database already built in it (a first start finds it up to date)."""
    shutil.copytree(demo_data, folder, dirs_exist_ok=True)
    return folder


def own_store(demo_data: Path, tmp_path_factory, name: str):
    """A store on a data folder of a module's own, so what the module publishes reaches no other test (a
    module-scoped fixture yields from it); the session's data folder is set back afterwards."""
    from lib.data.store import get_store

    previous = os.environ["WORKBENCH_DATA_DIR"]
    os.environ["WORKBENCH_DATA_DIR"] = str(copy_demo_data(demo_data, tmp_path_factory.mktemp(name)))
    own = get_store()
    own.published().close()
    yield own
    own.close()
    os.environ["WORKBENCH_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory, demo_data) -> Path:
    path = copy_demo_data(demo_data, tmp_path_factory.mktemp("workbench-data"))
    os.environ["WORKBENCH_DATA_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def store(data_dir):
    from lib.data.store import get_store

    store = get_store()
    store.published().close()
    yield store
    store.close()


@pytest.fixture()
def database(store):
    """The published database file, as trainee SQL opens it (in a worker process)."""
    return store.published_path


@pytest.fixture()
def published(store):
    """A fresh cursor on the locked, read-only published database."""
    cursor = store.published()
    yield cursor
    cursor.close()


@pytest.fixture(params=BACKENDS)
def backend_url(request, tmp_path):
    """A fresh workspace's WORKBENCH_WORKSPACE_URL, once per backend (SQLite, PostgreSQL)."""
    yield from workspace_url(request.param, tmp_path)


@pytest.fixture()
def ws(backend_url, tmp_path):
    """An empty workspace, once per backend: the same workspace tests run on both."""
    from lib.workspace.backend import backend_for
    from lib.workspace.items import Workspace

    workspace = Workspace(backend_for(tmp_path, backend_url))
    yield workspace
    workspace.backend.close()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """A module's tests that share a module-scoped fixture (a server, a built folder) run in one xdist
    worker (`--dist loadgroup`), so that fixture is set up once; every other test goes where there is room."""
    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        if definitions and any(d.scope in ("module", "class") for defs in definitions.name2fixturedefs.values()
                               for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
