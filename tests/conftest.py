"""Shared fixtures: a data folder of the test session's own, with the demo built once."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.workspace_backends import BACKENDS, workspace_url

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
sys.path.insert(0, str(ROOT))


def app_test(timeout: float = 60):
    """An AppTest of the whole app (navigation, sidebar), ready to .run() and .switch_page()."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=timeout)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("workbench-data")
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
