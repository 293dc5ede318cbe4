"""The workspace: versioned items, history with restore, and no edit ever lost silently."""
from __future__ import annotations

import threading
from itertools import pairwise

import pytest

from lib.workspace.items import Conflict, Workspace, WorkspaceError


@pytest.fixture()
def group(ws):
    course = ws.create_course({"name": "研修", "municipality": "みどり野市"}, "講師")
    return ws.create_group(course.course_id, "A班", "ABC-234")


def test_item_versions_and_history_record_who_what_and_the_payloads(ws, group):
    item = ws.create_item(group.group_id, "note", {"text": "一つ目"}, "山田（企画課）")
    assert item.version == 1 and item.created_by == "山田（企画課）"
    updated = ws.update_item(item.item_id, {"text": "二つ目"}, 1, "佐藤（福祉課）")
    assert updated.version == 2 and updated.updated_by == "佐藤（福祉課）"
    history = ws.history(item_id=item.item_id)
    assert [(c.action, c.version, c.actor) for c in history] == [
        ("update", 2, "佐藤（福祉課）"), ("create", 1, "山田（企画課）")]
    assert history[0].before == {"text": "一つ目"} and history[0].after == {"text": "二つ目"}
    assert history[1].before is None


def test_history_after_a_change_lists_only_newer_changes(ws, group):
    first = ws.create_item(group.group_id, "note", {"text": "一つ目"}, "山田（企画課）")
    seen = ws.history(group_id=group.group_id, limit=1)[0].seq
    ws.update_item(first.item_id, {"text": "二つ目"}, 1, "佐藤（福祉課）")
    ws.create_item(group.group_id, "note", {"text": "三つ目"}, "佐藤（福祉課）")
    newer = ws.history(group_id=group.group_id, after_seq=seen)
    assert [(c.action, c.actor) for c in newer] == [("create", "佐藤（福祉課）"), ("update", "佐藤（福祉課）")]


def test_stale_update_is_refused_with_both_versions(ws, group):
    item = ws.create_item(group.group_id, "worksheet", {"goal": "元"}, "A")
    ws.update_item(item.item_id, {"goal": "Bの版"}, 1, "B")
    with pytest.raises(Conflict) as caught:
        ws.update_item(item.item_id, {"goal": "Cの版"}, 1, "C")
    conflict = caught.value
    assert conflict.mine == {"goal": "Cの版"} and conflict.base_version == 1
    assert conflict.theirs.payload == {"goal": "Bの版"} and conflict.theirs.version == 2
    assert conflict.theirs.updated_by == "B"
    assert ws.item(item.item_id).payload == {"goal": "Bの版"}
    assert "先に保存" in str(conflict)


def test_fixed_id_item_created_twice_is_a_conflict(ws, group):
    ws.create_item(group.group_id, "logic_tree", {"nodes": []}, "A", item_id="g:tree")
    with pytest.raises(Conflict) as caught:
        ws.create_item(group.group_id, "logic_tree", {"nodes": [1]}, "B", item_id="g:tree")
    assert caught.value.theirs.created_by == "A"


def test_delete_and_restore_an_earlier_version(ws, group):
    item = ws.create_item(group.group_id, "finding", {"sentence": "v1"}, "A")
    ws.update_item(item.item_id, {"sentence": "v2"}, 1, "A")
    deleted = ws.delete_item(item.item_id, 2, "B")
    assert deleted.deleted and ws.items(group.group_id, "finding") == []
    restored = ws.restore(item.item_id, 1, deleted.version, "C")
    assert restored.payload == {"sentence": "v1"} and not restored.deleted and restored.version == 4
    assert [c.action for c in ws.history(item_id=item.item_id)] == ["restore", "delete", "update", "create"]
    with pytest.raises(WorkspaceError):
        ws.restore(item.item_id, 99, 4, "C")


def test_unknown_kind_and_duplicate_group_are_refused_in_japanese(ws, group):
    with pytest.raises(WorkspaceError, match="種類"):
        ws.create_item(group.group_id, "picture", {}, "A")
    with pytest.raises(WorkspaceError, match="すでに使われています"):
        ws.create_group(group.course_id, "A班", "XYZ-789")


def test_items_of_one_group_stay_apart_from_another(ws, group):
    other = ws.create_group(group.course_id, "B班", "DEF-567")
    ws.create_item(group.group_id, "note", {"text": "A"}, "a")
    ws.create_item(other.group_id, "note", {"text": "B"}, "b")
    assert [i.payload["text"] for i in ws.items(group.group_id)] == ["A"]
    assert [c.group_id for c in ws.history(group_id=other.group_id)] == [other.group_id]


def run_concurrent_edits(ws: Workspace, group_id: str, members: int = 5, edits: int = 200) -> dict:
    """`members` threads each make `edits` edits to one shared item; a refused edit is retried on top of
    the newer version (what the page offers with "keep mine"). Returns the tallies."""
    item = ws.create_item(group_id, "worksheet", {"edits": []}, "start")
    stored = [0] * members
    told = [0] * members
    errors: list[BaseException] = []

    def member(index: int) -> None:
        try:
            for n in range(edits):
                current = ws.item(item.item_id)
                while True:
                    try:
                        ws.update_item(item.item_id, {"edits": current.payload["edits"] + [f"{index}:{n}"]},
                                       current.version, f"member{index}")
                        stored[index] += 1
                        break
                    except Conflict as conflict:  # told: shown both versions, re-applies on theirs
                        told[index] += 1
                        current = conflict.theirs
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=member, args=(i,)) for i in range(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = ws.item(item.item_id)
    history = ws.history(item_id=item.item_id)
    return {"item": item, "final": final, "history": history, "stored": stored, "told": told, "errors": errors}


def test_five_members_two_hundred_edits_each_lose_nothing(ws, group):
    result = run_concurrent_edits(ws, group.group_id, members=5, edits=200)
    assert result["errors"] == []
    assert sum(result["stored"]) == 1000
    final_edits = result["final"].payload["edits"]
    # Every stored edit is in the final version, exactly once: none lost silently.
    assert sorted(final_edits) == sorted(f"{i}:{n}" for i in range(5) for n in range(200))
    assert result["final"].version == 1001
    history = list(reversed(result["history"]))
    # The history is complete: one row per stored edit, versions 1..1001, each change's
    # "before" is exactly the previous change's "after".
    assert [c.version for c in history] == list(range(1, 1002))
    for previous, change in pairwise(history):
        assert change.before == previous.after
    assert {c.actor for c in history[1:]} == {f"member{i}" for i in range(5)}


def test_evidence_is_the_groups_charts_and_maps_oldest_first(ws, group):
    other = ws.create_group(group.course_id, "B班", "DEF-567")
    first_map = ws.create_item(group.group_id, "map", {"title": "地図1"}, "a")
    ws.create_item(group.group_id, "note", {"text": "メモ"}, "a")
    chart = ws.create_item(group.group_id, "chart", {"title": "グラフ"}, "a")
    ws.create_item(other.group_id, "chart", {"title": "B班のグラフ"}, "b")
    second_map = ws.create_item(group.group_id, "map", {"title": "地図2"}, "a")
    deleted = ws.create_item(group.group_id, "chart", {"title": "消した"}, "a")
    ws.delete_item(deleted.item_id, deleted.version, "a")
    assert [i.item_id for i in ws.evidence(group.group_id)] == [
        first_map.item_id, chart.item_id, second_map.item_id]
