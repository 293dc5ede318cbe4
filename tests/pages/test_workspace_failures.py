"""The pages when the workspace fails: a failed save keeps the typed text; a lost workspace is a calm
notice for members and a restore for the instructor. Each test has a data folder of its own."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import ui
from lib.workspace import course, example_group, snapshots
from lib.workspace.backend import SqliteBackend
from lib.workspace.items import forget_workspace, open_workspace_in

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture()
def own_data_dir(store, tmp_path, monkeypatch):
    """A data folder with the session's published database copied in, and a fresh workspace."""
    shutil.copyfile(store.current_build_path, tmp_path / store.current_build_path.name)
    build = store.published_path.relative_to(store.data_dir)
    shutil.copytree(store.published_path.parent, tmp_path / build.parent)
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    yield tmp_path
    forget_workspace(tmp_path)
    ui.workspace_restored()


def _member_page(data_dir: Path, page: str = "pages/session_1.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    ws = open_workspace_in(data_dir)
    example_group.seed_if_empty(ws)  # as the first page that opens the workspace does
    group = next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == "A班")
    at.switch_page("pages/join.py").run()  # joining is the only way in: no member id in the URL
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(group.join_code)
    at.text_input(key="join_name").input("試験 太郎")
    at.text_input(key="join_department").input("企画課")
    at.button[0].click().run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_a_failed_save_keeps_the_typed_text_with_a_japanese_message_and_saving_again_works(
        own_data_dir, monkeypatch):
    at = _member_page(own_data_dir)
    at.text_area(key="ws:step0:goal").input("ディスクがいっぱいでも消えない目標")

    def disk_full(self, con):
        raise sqlite3.OperationalError("database or disk is full")
    with monkeypatch.context() as patch:
        patch.setattr(SqliteBackend, "begin_write", disk_full)
        at.button(key="ws:step0:save").click().run()
    assert not at.exception, at.exception
    assert any("入力した内容はこの画面に残っています" in e.value for e in at.error)
    assert at.text_area(key="ws:step0:goal").value == "ディスクがいっぱいでも消えない目標"
    assert str(own_data_dir) not in " ".join(e.value for e in at.error)

    at.button(key="ws:step0:save").click().run()  # the disk has room again
    assert not at.exception and not at.error
    ws = open_workspace_in(own_data_dir)
    saved = [c.after for c in ws.history(limit=5) if c.after and "goal" in c.after]
    assert saved[0]["goal"] == "ディスクがいっぱいでも消えない目標"


def test_a_lost_workspace_is_a_calm_notice_for_members_and_a_restore_for_the_instructor(own_data_dir):
    at = _member_page(own_data_dir)
    expected = open_workspace_in(own_data_dir).rows()
    snapshots.take_snapshot(open_workspace_in(own_data_dir), own_data_dir)
    forget_workspace(own_data_dir)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{own_data_dir / 'workspace.sqlite3'}{suffix}").unlink(missing_ok=True)
    ui.workspace_restored()

    at.run()  # the member's page, after the loss
    assert not at.exception, at.exception
    assert any("講師が復旧しています" in i.value for i in at.info)
    assert not (own_data_dir / "workspace.sqlite3").exists()  # no fresh, empty course in its place

    instructor = AppTest.from_file(APP, default_timeout=90)
    instructor.session_state["instructor"] = True
    instructor.run()
    instructor.switch_page("pages/instructor.py").run()
    assert not instructor.exception, instructor.exception
    assert "見つかりません" in instructor.error[0].value and str(own_data_dir) not in instructor.error[0].value
    assert instructor.button(key="snap:restore").disabled  # only after the confirmation
    instructor.checkbox(key="snap:confirm").check().run()
    instructor.button(key="snap:restore").click().run()
    assert not instructor.exception, instructor.exception
    assert any("復元しました" in s.value for s in instructor.success)
    assert open_workspace_in(own_data_dir).rows() == expected

    at.run()  # the member works again
    assert not at.exception and not any("講師が復旧しています" in i.value for i in at.info)
    assert at.text_area(key="ws:step0:goal")


@pytest.mark.parametrize("damage", ["deleted", "garbage"])
def test_a_workspace_lost_while_the_app_runs_shows_the_restore_panel_and_the_typed_text_comes_back(
        own_data_dir, damage):
    """No cache is cleared by hand: the running app itself finds the loss on the next run."""
    at = _member_page(own_data_dir)
    instructor = AppTest.from_file(APP, default_timeout=90)
    instructor.session_state["instructor"] = True
    instructor.run()
    instructor.switch_page("pages/instructor.py").run()
    assert not instructor.exception and not instructor.error  # the workspace is fine and cached
    expected = open_workspace_in(own_data_dir).rows()
    taken = snapshots.take_snapshot(open_workspace_in(own_data_dir), own_data_dir)
    at.text_area(key="ws:step0:goal").input("消えても残る目標").run()  # typed, kept as a draft, not saved

    path = own_data_dir / "workspace.sqlite3"
    for suffix in ("-wal", "-shm", ""):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if damage == "garbage":  # replaced by a file that is not a database
        path.write_bytes(b"not a database".ljust(8192, b"!"))

    at.button(key="ws:step0:save").click().run()
    assert not at.exception, at.exception
    assert any("講師が復旧しています" in i.value for i in at.info)
    instructor.run()
    assert not instructor.exception, instructor.exception
    assert str(own_data_dir) not in instructor.error[0].value
    assert ("見つかりません" if damage == "deleted" else "壊れている") in instructor.error[0].value
    if damage == "deleted":  # nothing was made in its place
        assert not path.exists()
    instructor.selectbox(key="snap:choice").set_value(taken.name)
    instructor.checkbox(key="snap:confirm").check().run()
    instructor.button(key="snap:restore").click().run()
    assert not instructor.exception, instructor.exception
    assert any("復元しました" in s.value for s in instructor.success)
    assert open_workspace_in(own_data_dir).rows() == expected

    at.run()  # the member works again, and what they typed is back
    assert not at.exception and not any("講師が復旧しています" in i.value for i in at.info)
    assert at.text_area(key="ws:step0:goal").value == "消えても残る目標"


def test_saves_found_missing_on_open_are_told_to_the_instructor_with_the_restore_panel(own_data_dir):
    """The instructor page says how many acknowledged saves are gone and since when, offers the snapshots,
    and the notice stays until dismissed (the loss itself, from a damaged WAL, is in
    tests/workspace/test_backend_faults.py)."""
    from lib.workspace import save_counter

    ws = open_workspace_in(own_data_dir)
    example_group.seed_if_empty(ws)
    snapshots.take_snapshot(ws, own_data_dir)
    path = own_data_dir / "workspace.sqlite3"
    kept = save_counter.acknowledged(path)
    save_counter.acknowledge(path, save_counter.Count(kept.saves + 7, kept.at))  # 7 acknowledged, then lost
    forget_workspace(own_data_dir)
    ui.workspace_restored()

    instructor = AppTest.from_file(APP, default_timeout=90)
    instructor.session_state["instructor"] = True
    instructor.run()
    instructor.switch_page("pages/instructor.py").run()
    assert not instructor.exception, instructor.exception
    notice = " ".join(w.value for w in instructor.warning)
    assert "7 件の保存がありません" in notice and str(own_data_dir) not in notice
    assert instructor.selectbox(key="snap:choice") and instructor.button(key="snap:restore")
    instructor.button(key="lost_saves:dismiss").click().run()
    assert not instructor.exception and not any("保存がありません" in w.value for w in instructor.warning)
    assert save_counter.reports(path) == []


def _instructor(data_dir: Path) -> AppTest:
    ws = open_workspace_in(data_dir)
    example_group.seed_if_empty(ws)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["instructor"] = True
    at.run()
    at.switch_page("pages/instructor.py").run()
    assert not at.exception, at.exception
    return at


def test_a_snapshot_that_cannot_be_written_is_a_japanese_message(own_data_dir):
    """The red team's full disk / read-only folder: 「今すぐ取る」 answered Streamlit's English error box."""
    at = _instructor(own_data_dir)
    shutil.rmtree(own_data_dir / "snapshots", ignore_errors=True)
    (own_data_dir / "snapshots").write_text("not a folder")  # nothing can be written where snapshots go
    at.button(key="snap:take").click().run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "スナップショット" in shown and "書き込めません" in shown and str(own_data_dir) not in shown


def test_a_restore_that_cannot_keep_the_state_before_changes_nothing_and_says_so(own_data_dir, monkeypatch):
    """Restoring on a full disk: the snapshot of the state before cannot be written, so nothing is restored."""
    import errno

    from lib.workspace import backup

    at = _instructor(own_data_dir)
    ws = open_workspace_in(own_data_dir)
    taken = snapshots.take_snapshot(ws, own_data_dir)
    group = next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == "A班")
    ws.create_item(group.group_id, "note", {"text": "スナップショットの後"}, "山田")
    before = ws.rows()
    at.run()

    def disk_full(tables, out, data_dir=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(out))
    monkeypatch.setattr(backup, "write_rows", disk_full)
    at.selectbox(key="snap:choice").set_value(taken.name)
    at.checkbox(key="snap:confirm").check().run()
    at.button(key="snap:restore").click().run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert "復元していません" in shown and str(own_data_dir) not in shown
    assert open_workspace_in(own_data_dir).rows() == before
