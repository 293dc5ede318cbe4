"""Classroom-server mode: two Streamlit workers share one workspace.

SQLite: both workers on one data folder. PostgreSQL: each worker with a data folder of
its own (as on two machines), both on one database. A member saves through one worker,
another member sees it through the other, and a save based on an old version is still
refused with both versions shown.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lib.workspace import course
from lib.workspace.backend import backend_for
from lib.workspace.items import Workspace
from tests.browser.conftest import ROOT, _serve, guard_offline
from tests.browser.test_live_changes import _join
from tests.browser.test_sessions_flow import click, fill, go
from tests.fixtures.workspace_backends import BACKENDS, workspace_url

pytestmark = pytest.mark.browser

GOAL = "ws:step0:goal"


def _prepare(env: dict) -> None:
    """What deploy/classroom.sh does before starting the workers."""
    subprocess.run([sys.executable, "-m", "lib.cli", "prepare"], cwd=ROOT, env={**os.environ, **env},
                   check=True, timeout=600)


@pytest.fixture(scope="module", params=BACKENDS)
def two_workers(request, tmp_path_factory):
    """(first worker's URL, second worker's URL, the shared workspace's URL and a data folder)."""
    root = tmp_path_factory.mktemp("two-workers")
    urls = workspace_url(request.param, root)
    workspace = next(urls)
    folders = [root / "data"] * 2 if request.param == "sqlite" else [root / "machine1", root / "machine2"]
    servers = []
    try:
        for folder in dict.fromkeys(folders):
            _prepare({"WORKBENCH_DATA_DIR": str(folder), "WORKBENCH_WORKSPACE_URL": workspace})
        for folder in folders:
            server = _serve(tmp_path_factory, {"WORKBENCH_DATA_DIR": str(folder),
                                               "WORKBENCH_WORKSPACE_URL": workspace})
            servers.append(server)
        yield next(servers[0]), next(servers[1]), workspace, folders[0]
    finally:
        for server in servers:
            next(server, None)  # _serve stops its process after its yield
        urls.close()


def _join_code(workspace: str, folder) -> str:
    ws = Workspace(backend_for(folder, workspace), create=False)
    demo = course.current_course(ws)
    code = next(g.join_code for g in ws.groups(demo.course_id) if g.name == "A班")
    ws.backend.close()
    return code


def test_a_save_through_one_worker_is_seen_through_the_other_and_conflicts_are_still_told(
        two_workers, browser, browser_context_args):
    first_url, second_url, workspace, folder = two_workers
    code = _join_code(workspace, folder)
    first = guard_offline(browser.new_context(**browser_context_args).new_page())
    second = guard_offline(browser.new_context(**browser_context_args).new_page())
    _join(first, first_url, code, "試験 太郎")
    go(first, "第1回 課題設定")
    fill(first, GOAL, "一つ目のワーカーから保存した目標")
    click(first, "ws:step0:save")

    _join(second, second_url, code, "試験 花子")
    go(second, "第1回 課題設定")
    goal = second.locator(".st-key-ws-step0-goal textarea")
    assert goal.input_value() == "一つ目のワーカーから保存した目標"

    # Both edit the same version; the one who saves second is told, with both versions shown.
    fill(first, GOAL, "太郎の版")
    fill(second, GOAL, "花子の版")
    click(first, "ws:step0:save")
    click(second, "ws:step0:save")
    second.get_by_text("試験 太郎（企画課） さんが", exact=False).first.wait_for()
    assert second.get_by_text("太郎の版").count() >= 1
    assert first.external_requests == [] and second.external_requests == []
    first.context.close()
    second.context.close()
