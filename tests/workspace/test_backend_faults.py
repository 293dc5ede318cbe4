"""Faults injected into writing processes: kill -9, crash images, a backup during saves.

A writer is a forked process that saves in a loop and acknowledges each save (after its
commit returned) through a pipe, as the page tells a member "保存しました". A save is
*acknowledged* once the test has received that message; none may ever be missing.
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from lib.cli import main
from lib.workspace import backup
from lib.workspace.backend import SqliteBackend, backend_for
from lib.workspace.items import Workspace, forget_workspace

ROOT = Path(__file__).resolve().parents[2]
# Not a plain fork: this test process may have threads (AppTest, DuckDB) whose locks a
# forked child would inherit held. The fork server is a clean process that forks the writers.
FORK = multiprocessing.get_context("forkserver")
FORK.set_forkserver_preload([__name__])


@contextlib.contextmanager
def _no_script_as_main():
    """An AppTest run leaves the app script as __main__, and a process started then would run app.py
    again before the writer (multiprocessing re-imports the parent's main script in every child)."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def _writer(url: str, data_dir: Path, group_id: str, name: str, acks) -> None:
    """Save forever: a new note, then an edit of it; acknowledge each after its commit."""
    ws = Workspace(backend_for(data_dir, url), create=False)
    n = 0
    while True:
        text = f"{name}:{n}"
        item = ws.create_item(group_id, "note", {"text": text}, name)
        acks.send((item.item_id, 1, text))
        ws.update_item(item.item_id, {"text": text + "+"}, 1, name)
        acks.send((item.item_id, 2, text + "+"))
        n += 1


class Writer:
    def __init__(self, url: str, data_dir: Path, group_id: str, name: str, target=None):
        self.acks, child_end = FORK.Pipe(duplex=False)
        self.process = FORK.Process(
            target=target or _writer, args=(url, data_dir, group_id, name, child_end), daemon=True
        )
        with _no_script_as_main():
            self.process.start()
        child_end.close()
        self.received: list[tuple] = []

    def drain(self, wait_for_one: bool = False) -> list[tuple]:
        """Every acknowledgement sent so far (waiting for a first one if asked)."""
        if wait_for_one and self.acks.poll(60):
            self.received.append(self.acks.recv())
        try:
            while self.acks.poll():
                self.received.append(self.acks.recv())
        except EOFError:  # the writer is gone and everything it sent has been read
            pass
        return self.received

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(10)


def _group(url: str, data_dir: Path) -> str:
    ws = Workspace(backend_for(data_dir, url))
    course = ws.create_course({"name": "故障試験"}, "講師")
    group_id = ws.create_group(course.course_id, "A班", "ABC-234").group_id
    ws.backend.close()
    return group_id


def _saves(tables: dict) -> set[tuple]:
    return {(row["item_id"], row["version"], json.loads(row["after_payload"])["text"])
            for row in tables["item_history"] if row["after_payload"]}


def test_kill_9_at_twenty_random_moments_loses_no_acknowledged_save(backend_url, tmp_path):
    group_id = _group(backend_url, tmp_path)
    rng = random.Random(20)
    acknowledged: list[tuple] = []
    for moment in range(20):
        writer = Writer(backend_url, tmp_path, group_id, f"w{moment}")
        writer.drain(wait_for_one=True)
        time.sleep(rng.uniform(0.0, 0.4))
        writer.kill()
        acknowledged += writer.drain()
    check = Workspace(backend_for(tmp_path, backend_url), create=False)  # passes the integrity check
    stored = _saves(check.rows())
    lost = [save for save in acknowledged if save not in stored]
    assert len(acknowledged) >= 40 and lost == []
    assert check.backend.lost_saves() == []  # a kill alone loses nothing, and nothing is reported lost


def test_crash_images_taken_during_writes_open_and_hold_every_acknowledged_save(tmp_path):
    """Power-cut simulation: the writer is frozen at a random moment and its files copied as they are.

    With synchronous=FULL every commit is on disk before it is acknowledged, so the files
    as they stand are what a power cut would leave.
    """
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    group_id = _group(url, tmp_path)
    writer = Writer(url, tmp_path, group_id, "w")
    writer.drain(wait_for_one=True)
    rng = random.Random(7)
    images = []
    try:
        for n in range(12):
            time.sleep(rng.uniform(0.02, 0.3))
            os.kill(writer.process.pid, signal.SIGSTOP)
            try:
                before_copy = set(writer.drain())
                image = tmp_path / f"image{n}"
                image.mkdir()
                for suffix in ("", "-wal", ".saves"):  # with the acknowledged count beside them
                    source = tmp_path / f"workspace.sqlite3{suffix}"
                    if source.exists():
                        shutil.copyfile(source, image / source.name)
            finally:
                os.kill(writer.process.pid, signal.SIGCONT)
            images.append((image, before_copy))
    finally:
        writer.kill()
    for image, before_copy in images:
        opened = Workspace(SqliteBackend(image / "workspace.sqlite3"), create=False)  # integrity check passes
        assert before_copy <= _saves(opened.rows()), image.name
        assert opened.backend.lost_saves() == [], image.name  # no false alarm after a power cut
        opened.backend.close()
    assert sum(len(b) for _, b in images) > 0


def test_cli_backup_while_five_members_save_holds_every_save_acknowledged_before_it(backend_url, tmp_path):
    group_id = _group(backend_url, tmp_path)
    writers = [Writer(backend_url, tmp_path, group_id, f"m{i}") for i in range(5)]
    try:
        for writer in writers:
            writer.drain(wait_for_one=True)
        time.sleep(0.5)
        before = {save for writer in writers for save in writer.drain()}
        out = tmp_path / ("backup.sqlite3" if backend_url.startswith("sqlite") else "backup.json")
        env = {**os.environ, "WORKBENCH_DATA_DIR": str(tmp_path), "WORKBENCH_WORKSPACE_URL": backend_url}
        result = subprocess.run([sys.executable, "-m", "lib.cli", "backup", "--out", str(out)], cwd=ROOT, env=env,
                                capture_output=True, timeout=300)
        during = sum(len(writer.drain()) for writer in writers) - len(before)
    finally:
        for writer in writers:
            writer.kill()
    assert result.returncode == 0, result.stderr.decode()
    assert during > 0  # the members kept saving while the backup ran
    copied = backup.read_backup(out)  # opens (and, for SQLite, passes the integrity check)
    assert before <= _saves(copied) and len(before) >= 5


def _saver(url: str, data_dir: Path, group_id: str, name: str, acks) -> None:
    """Like _writer, but a save refused because a restore replaced the item (gone, or another version) is
    skipped: only what the workspace acknowledged counts. A failed save (SaveFailed) ends the saver."""
    from lib.workspace.backend import SaveFailed, WorkspaceError
    from lib.workspace.items import Conflict

    ws = Workspace(backend_for(data_dir, url), create=False)
    for n in range(10**9):
        text = f"{name}:{n}"
        try:
            item = ws.create_item(group_id, "note", {"text": text}, name)
            acks.send((item.item_id, 1, text))
            ws.update_item(item.item_id, {"text": text + "+"}, 1, name)
            acks.send((item.item_id, 2, text + "+"))
        except SaveFailed:
            raise
        except (Conflict, WorkspaceError):
            continue


def test_restores_while_five_members_save_lose_no_acknowledged_save(backend_url, tmp_path, monkeypatch):
    """Every acknowledged save is in the snapshot a restore keeps of the state before it, or in the workspace
    restored (made after it); on PostgreSQL the saves after a restore get free history numbers."""
    from lib import settings
    from lib.workspace import recovery, snapshots

    monkeypatch.setattr(settings, "WORKSPACE_URL", backend_url)
    group_id = _group(backend_url, tmp_path)
    source = snapshots.take_snapshot(Workspace(backend_for(tmp_path, backend_url)), tmp_path)
    writers = [Writer(backend_url, tmp_path, group_id, f"m{i}", target=_saver) for i in range(5)]
    kept = []
    try:
        for writer in writers:
            writer.drain(wait_for_one=True)
        for _ in range(3):
            time.sleep(0.3)
            kept.append(recovery.restore(tmp_path, source.path).kept_snapshot)
        time.sleep(0.3)
        after_last = [len(w.drain()) for w in writers]
        for writer in writers:  # every member goes on saving after the restores (PostgreSQL: no UniqueViolation)
            with contextlib.suppress(EOFError):  # a saver ended by a failed save
                writer.drain(wait_for_one=True)
        assert all(len(w.received) > n and w.process.is_alive() for w, n in zip(writers, after_last, strict=True))
    finally:
        for writer in writers:
            writer.kill()
    acknowledged = {save for writer in writers for save in writer.drain()}
    final = Workspace(backend_for(tmp_path, backend_url), create=False)
    found = _saves(final.rows()).union(*(_saves(backup.read_backup(k.path)) for k in kept))
    final.backend.close()
    assert acknowledged - found == set()


def _cut(wal: Path, at: int) -> None:
    """The WAL ends at `at`: the frames after it are gone (a file cut short by an unclean stop)."""
    os.truncate(wal, at)


def _garbage(wal: Path, at: int) -> None:
    """4 KB of garbage over the frames at `at` (a torn or misdirected write): their checksums fail."""
    with open(wal, "r+b") as handle:
        handle.seek(at)
        handle.write(os.urandom(4096))


@pytest.mark.parametrize("damage", [_cut, _garbage], ids=["cut", "garbage"])
def test_acknowledged_saves_a_damaged_wal_lost_after_kill_9_are_reported(tmp_path, damage, monkeypatch, capsys):
    """SQLite drops every WAL frame from the first damaged one on, silently: the counter of acknowledged
    saves kept beside the database tells how many are gone and since when (CLI and instructor page)."""
    from lib.workspace import save_counter

    path = tmp_path / "workspace.sqlite3"
    url = f"sqlite:///{path}"
    group_id = _group(url, tmp_path)  # closed cleanly: the WAL starts empty
    writer = Writer(url, tmp_path, group_id, "w")
    while len(writer.drain(wait_for_one=True)) < 40:
        pass
    writer.kill()
    acknowledged = writer.drain()
    wal = Path(f"{path}-wal")
    page_size = 4096
    frames = (wal.stat().st_size - 32) // (24 + page_size)
    assert 0 < frames < 1000  # under SQLite's automatic checkpoint: every save since the start is in the WAL
    damage(wal, 32 + (24 + page_size) * (frames // 2))

    opened = Workspace(SqliteBackend(path), create=False)  # opens and passes the integrity check, as SQLite does
    stored = _saves(opened.rows())
    lost = [save for save in acknowledged if save not in stored]
    reports = save_counter.reports(path)
    assert lost and len(reports) == 1
    report = reports[0]
    assert len(lost) <= report.missing <= len(lost) + 1  # + the one its writer was killed before telling
    assert report.last_kept_at < report.last_acknowledged_at
    text = report.text("ja")
    assert f"{report.missing} 件" in text and str(tmp_path) not in text

    # Reported once: the workspace counts on from the acknowledged number, and the report stays until dismissed.
    opened.create_item(group_id, "note", {"text": "その後の保存"}, "講師")
    opened.backend.close()
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))  # the default workspace file of this data folder
    try:
        assert main(["check-workspace"]) == 2
    finally:
        forget_workspace(tmp_path)
    assert save_counter.reports(path) == reports and report.text("ja") in capsys.readouterr().err
    save_counter.dismiss(path)
    try:
        assert main(["check-workspace"]) == 0
    finally:
        forget_workspace(tmp_path)
    assert "すべてデータベースにあります" in capsys.readouterr().out
