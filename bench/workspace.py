"""The group workspace under load: 5 members × 200 edits to one item, from threads at once."""
from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.harness import Figure, benchmark

MEMBERS, EDITS = 5, 200


def _one_run(root: Path) -> tuple[float, int, int]:
    """Seconds for all edits, edits lost (stored but missing from the final version or the history), conflicts."""
    import duckdb

    from lib.workspace.items import Conflict, Workspace

    con = duckdb.connect(str(root / "workspace.duckdb"))
    try:
        ws = Workspace(con.cursor)
        course = ws.create_course({"name": "bench"}, "bench")
        group = ws.create_group(course.course_id, "A", "AAA-AAA")
        item = ws.create_item(group.group_id, "worksheet", {"edits": []}, "bench")
        stored: list[str] = []
        conflicts = [0]
        lock = threading.Lock()

        def member(index: int) -> None:
            for n in range(EDITS):
                current = ws.item(item.item_id)
                mark = f"{index}:{n}"
                while True:
                    try:
                        ws.update_item(item.item_id, {"edits": current.payload["edits"] + [mark]},
                                       current.version, f"m{index}")
                        with lock:
                            stored.append(mark)
                        break
                    except Conflict as conflict:  # the writer is told; it re-applies on the newer version
                        with lock:
                            conflicts[0] += 1
                        current = conflict.theirs

        threads = [threading.Thread(target=member, args=(i,)) for i in range(MEMBERS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        final = set(ws.item(item.item_id).payload["edits"])
        history_versions = {c.version for c in ws.history(item_id=item.item_id)}
        lost = sum(1 for mark in stored if mark not in final)
        lost += MEMBERS * EDITS - len(stored)  # an edit neither stored nor refused would be lost
        lost += (MEMBERS * EDITS + 1) - len(history_versions)
        return seconds, lost, conflicts[0]
    finally:
        con.close()


@benchmark("workspace")
def workspace(runs: int) -> list[Figure]:
    rates, losses, conflicts = [], [], []
    for _ in range(runs):
        root = Path(tempfile.mkdtemp(prefix="bench-workspace-"))
        try:
            seconds, lost, refused = _one_run(root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        rates.append(MEMBERS * EDITS / seconds)
        losses.append(lost)
        conflicts.append(refused)
    size = f"{MEMBERS} members x {EDITS} edits to one item"
    return [
        Figure("workspace_edits_per_s", size, "edits/s", statistics.median(rates), runs,
               note=f"stored edits per second, threads at once; median conflicts told {statistics.median(conflicts):.0f}"),
        Figure("workspace_edits_lost", size, "edits", float(max(losses)), runs,
               note="worst run: stored edits missing from the final version or history (must be 0)"),
    ]
