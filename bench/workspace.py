"""The group workspace under load: 5 members × 200 edits to one shared item, on SQLite and PostgreSQL;
and what one save costs on SQLite with its count kept beside the database (lib.workspace.save_counter).

Each member is its own process (as with several app workers, the hardest case for
locking); a refused edit (Conflict) is re-applied on the newer version, as "keep mine"
does on the page. PostgreSQL is the server at WORKBENCH_BENCH_POSTGRES_URL (default: the
local one), in a schema of the run's own; it is left out, and said so, if unreachable.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from bench.harness import Figure, benchmark

MEMBERS, EDITS = 5, 200
POSTGRES_URL = os.environ.get("WORKBENCH_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _member(url: str, root: Path, item_id: str, index: int, results) -> None:
    from lib.workspace.backend import backend_for
    from lib.workspace.items import Conflict, Workspace

    ws = Workspace(backend_for(root, url), create=False)
    stored, conflicts = [], 0
    current = ws.item(item_id)
    for n in range(EDITS):
        mark = f"{index}:{n}"
        while True:
            try:
                current = ws.update_item(item_id, {"edits": current.payload["edits"] + [mark]},
                                         current.version, f"m{index}")
                stored.append(mark)
                break
            except Conflict as conflict:  # the writer is told; it re-applies on the newer version
                conflicts += 1
                current = conflict.theirs
    results.put((stored, conflicts))


def _one_run(url: str, root: Path) -> tuple[float, int, int]:
    """Seconds for all edits, edits lost (stored but missing from the final version or the history), conflicts."""
    from lib.workspace.backend import backend_for
    from lib.workspace.items import Workspace

    ws = Workspace(backend_for(root, url))
    course = ws.create_course({"name": "bench"}, "bench")
    group = ws.create_group(course.course_id, "A", "AAA-AAA")
    item = ws.create_item(group.group_id, "worksheet", {"edits": []}, "bench")
    context = multiprocessing.get_context("forkserver")  # a clean parent: no threads' locks inherited
    results = context.Queue()
    members = [context.Process(target=_member, args=(url, root, item.item_id, i, results)) for i in range(MEMBERS)]
    started = time.perf_counter()
    for process in members:
        process.start()
    outcomes = [results.get(timeout=600) for _ in members]
    seconds = time.perf_counter() - started
    for process in members:
        process.join()
    stored = [mark for marks, _ in outcomes for mark in marks]
    final = set(ws.item(item.item_id).payload["edits"])
    history_versions = {c.version for c in ws.history(item_id=item.item_id)}
    lost = sum(1 for mark in stored if mark not in final)
    lost += MEMBERS * EDITS - len(stored)  # an edit neither stored nor refused would be lost
    lost += (MEMBERS * EDITS + 1) - len(history_versions)
    ws.backend.close()
    return seconds, lost, sum(c for _, c in outcomes)


def _postgres_schema() -> tuple[str, Callable[[], None]] | None:
    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError:
        return None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}", drop


def _measure(backend: str, runs: int) -> list[Figure]:
    rates, losses, conflicts = [], [], []
    for _ in range(runs):
        root = Path(tempfile.mkdtemp(prefix="bench-workspace-"))
        cleanup = None
        if backend == "sqlite":
            url = f"sqlite:///{root / 'workspace.sqlite3'}"
        else:
            found = _postgres_schema()
            if found is None:
                shutil.rmtree(root, ignore_errors=True)
                return [Figure("workspace_edits_per_s", backend, "edits/s", float("nan"), 0,
                               note="PostgreSQL not reachable: not measured")]
            url, cleanup = found
        try:
            seconds, lost, refused = _one_run(url, root)
        finally:
            if cleanup:
                cleanup()
            shutil.rmtree(root, ignore_errors=True)
        rates.append(MEMBERS * EDITS / seconds)
        losses.append(lost)
        conflicts.append(refused)
    size = f"{MEMBERS} member processes x {EDITS} edits to one item ({backend})"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        Figure("workspace_edits_per_s", size, "edits/s", statistics.median(rates), runs,
               note=f"stored edits per second; median conflicts told {statistics.median(conflicts):.0f}; "
                    f"load average {load}"),
        Figure("workspace_edits_lost", size, "edits", float(max(losses)), runs,
               note="worst run: stored edits missing from the final version or history (must be 0)"),
    ]


SAVES = 300


def _save_ms(counted: bool) -> float:
    """Median milliseconds of one save (an edit of one item) by one process, in a fresh SQLite workspace;
    without counting (`counted=False`) as before the save counter: no count in the database, none beside it."""
    from unittest import mock

    from lib.workspace.backend import SqliteBackend
    from lib.workspace.items import Workspace

    root = Path(tempfile.mkdtemp(prefix="bench-save-"))
    try:
        with contextlib.ExitStack() as patches:
            if not counted:
                patches.enter_context(mock.patch.object(SqliteBackend, "count_save", lambda self, run: None))
            ws = Workspace(SqliteBackend(root / "workspace.sqlite3"))
            course = ws.create_course({"name": "bench"}, "bench")
            group = ws.create_group(course.course_id, "A", "AAA-AAA")
            item = ws.create_item(group.group_id, "note", {"text": ""}, "bench")
            times = []
            for n in range(SAVES):
                started = time.perf_counter()
                item = ws.update_item(item.item_id, {"text": f"edit {n}"}, item.version, "bench")
                times.append(time.perf_counter() - started)
            ws.backend.close()
        return statistics.median(times) * 1000
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _save_cost(runs: int) -> Figure:
    counted, plain = [], []
    for _ in range(runs):  # interleaved, so both see the same load
        counted.append(_save_ms(True))
        plain.append(_save_ms(False))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return Figure("workspace_save_ms", f"{SAVES} saves by one process (sqlite, synchronous=FULL)", "ms",
                  statistics.median(counted), runs, baseline_median=statistics.median(plain),
                  note=f"median per save with the acknowledged count written beside the database (fdatasync); "
                       f"baseline: no count; load average {load}")


@benchmark("workspace")
def workspace(runs: int) -> list[Figure]:
    return [_save_cost(runs)] + _measure("sqlite", runs) + _measure("postgresql", runs)
