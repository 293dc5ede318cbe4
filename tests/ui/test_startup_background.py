"""A first start shows the page at once: the published database is built in the background, and a
browser that never signed in does not wait for the workspace (which waits for that database)."""
from __future__ import annotations

import threading

import pytest

from lib import ui
from lib.ui import membership, sign_in
from lib.ui import startup as ui_startup


@pytest.fixture()
def slow_build(monkeypatch, tmp_path):
    """The build of a fresh data folder waits until the test releases it."""
    release, started = threading.Event(), threading.Event()
    built = object()
    calls = []

    def build(data_dir):
        calls.append(data_dir)
        started.set()
        assert release.wait(10)
        if len(calls) == 1 and "fail-first" in data_dir:
            raise OSError("disk full")
        return built

    monkeypatch.setattr(ui_startup, "_build", build)
    monkeypatch.setattr(ui_startup, "_builds", {})
    ui_startup._prepared_store.clear()
    yield release, started, built, calls
    release.set()
    ui_startup._prepared_store.clear()


def test_starting_the_build_does_not_wait_for_it(slow_build, tmp_path, monkeypatch):
    release, started, built, calls = slow_build
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    ui.start_store()  # returns while the build waits
    assert started.wait(5) and not release.is_set()
    ui.start_store()  # a second browser at the same moment: still one build
    release.set()
    assert ui.store() is built
    assert calls == [str(tmp_path.resolve())]


def test_a_failed_build_is_tried_again(slow_build, tmp_path, monkeypatch):
    release, _started, built, calls = slow_build
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "fail-first"))
    (tmp_path / "fail-first").mkdir()
    release.set()
    with pytest.raises(OSError):
        ui.store()
    assert ui.store() is built and len(calls) == 2


def test_a_browser_that_never_signed_in_does_not_open_the_workspace(monkeypatch):
    monkeypatch.setattr(sign_in, "browser_cookie", lambda role: None)
    monkeypatch.setattr(membership.st, "session_state", {})
    monkeypatch.setattr(membership, "workspace_or_none", lambda: pytest.fail("the workspace was opened"))
    ui.restore_sign_in()
    monkeypatch.setattr(sign_in, "browser_cookie", lambda role: "a-token" if role == "member" else None)
    opened = []
    monkeypatch.setattr(membership, "workspace_or_none", lambda: opened.append(1))
    ui.restore_sign_in()
    assert opened == [1]
