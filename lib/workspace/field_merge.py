"""Saving one member's edit of an item's fields against the version they started from.

A save writes only the fields the member changed. When another member saved the
item in between, the two edits are merged field by field (a three-way merge against
the version the member started from): a field only one side changed takes that
side's value; a field both sides changed to different values is a conflict, and
nothing is written until the member chooses. So another member's text is never
replaced by the stale copy that happened to be on this member's screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lib.workspace.items import Conflict, Item, Workspace

# A racing save can move the item on between our read and our write; try again this often.
_ATTEMPTS = 5


@dataclass(frozen=True)
class FieldMerge:
    """`merged` holds every field; for a conflicting field it holds `mine`."""
    merged: dict
    conflicts: tuple[str, ...]


def merge_fields(base: dict, mine: dict, theirs: dict, names: list[str]) -> FieldMerge:
    """Three-way merge of the fields `names`: `base` is what `mine` started from, `theirs` the stored version."""
    merged, conflicts = {}, []
    for name in names:
        b, m, t = base.get(name), mine.get(name), theirs.get(name)
        if m == b:
            merged[name] = t
        elif t == b or t == m:
            merged[name] = m
        else:
            merged[name] = m
            conflicts.append(name)
    return FieldMerge(merged, tuple(conflicts))


@dataclass(frozen=True)
class FieldConflict:
    """Both sides changed the same fields: `mine` the member's values, `theirs` the stored item."""
    item_id: str
    mine: dict
    theirs: Item
    theirs_values: dict
    conflicts: tuple[str, ...]


@dataclass(frozen=True)
class SaveResult:
    """`item` (saved, `values` its field values) or `conflict` (nothing written)."""
    item: Item | None = None
    values: dict | None = None
    conflict: FieldConflict | None = None


def save_fields(ws: Workspace, *, item_id: str, group_id: str, kind: str, base_version: int,
                base_values: dict, mine: dict, actor: str,
                to_payload: Callable[[dict], dict], from_payload: Callable[[dict], dict]) -> SaveResult:
    """Store the fields of `mine` that differ from `base_values`, on top of the newest stored version.

    `base_version` 0 means the member started from nothing (the item did not exist).
    `from_payload` gives a stored payload's field values in the form `mine` has.
    A deleted item is a Conflict (as from `Workspace.update_item`): the member chooses.
    """
    names = list(mine)
    for _ in range(_ATTEMPTS):
        current = ws.item(item_id)
        if current is not None and current.deleted:
            raise Conflict(item_id, to_payload(mine), base_version, current)
        if current is None or current.version == base_version:
            merge = FieldMerge(dict(mine), ())
        else:
            theirs = from_payload(current.payload)
            merge = merge_fields(base_values, mine, theirs, names)
            if merge.conflicts:
                return SaveResult(conflict=FieldConflict(item_id, dict(mine), current, theirs, merge.conflicts))
        try:
            if current is None:
                item = ws.create_item(group_id, kind, to_payload(merge.merged), actor, item_id=item_id)
            else:
                item = ws.update_item(item_id, to_payload(merge.merged), current.version, actor)
        except Conflict:
            continue  # someone saved between our read and our write: merge again with theirs
        return SaveResult(item=item, values=merge.merged)
    raise Conflict(item_id, to_payload(mine), base_version, ws.item(item_id))
