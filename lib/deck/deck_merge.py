"""Two members' edits of the group's deck merged slide by slide (a three-way merge against the version the
saver started from), so that editing different slides never makes anyone throw work away.

The deck is an item holding slides, each with a stable id. Against the base (what the saver started from),
mine (the saver's deck) and theirs (the stored deck):
- the deck's title, and each slide on every side, field by field (lib.workspace.field_merge.merge_fields):
  a field only one side changed takes that side's value;
- a slide one side added is kept, after the slide it follows on that side;
- a slide one side deleted goes, unless the other side changed it;
- the slides' order is the order of the side that reordered them.
Only what both sides changed differently is a conflict: one per slide (or for the title, or the order),
until the saver chooses, per conflict, "mine" or "theirs" (`choices`).
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.workspace.field_merge import merge_fields

SLIDE_FIELDS = ("section", "title", "bullets", "evidence", "table", "notes")
TITLE = ":title"  # the conflict key of the deck's title (slide ids never start with ":")
ORDER = ":order"  # the conflict key of the slides' order
DELETED = "deleted"  # a conflict's field when one side deleted the slide the other changed


@dataclass(frozen=True)
class SlideConflict:
    key: str  # a slide id, TITLE or ORDER
    fields: tuple[str, ...]  # the fields both sides changed, or (DELETED,)
    mine: dict | None  # the saver's slide (None: deleted); {"title"} for TITLE; {"ids"} for ORDER
    theirs: dict | None  # the stored one, likewise


@dataclass(frozen=True)
class DeckMerge:
    merged: dict
    conflicts: tuple[SlideConflict, ...]


def _by_id(deck: dict) -> dict[str, dict]:
    return {slide["id"]: slide for slide in deck.get("slides") or []}


def _same(a: dict, b: dict) -> bool:
    return all(a.get(name) == b.get(name) for name in SLIDE_FIELDS)


def _merge_slide(slide_id: str, base: dict | None, mine: dict | None, theirs: dict | None,
                 choice: str | None) -> tuple[dict | None, SlideConflict | None]:
    """The merged slide (None: gone) and its conflict, if both sides changed it differently and the saver
    has not chosen yet (the merged slide is then the saver's)."""
    if mine is None and theirs is None:
        return None, None
    if mine is None or theirs is None:
        kept = theirs if mine is None else mine
        if base is None:
            return kept, None  # added on one side
        if _same(kept, base):
            return None, None  # deleted on one side, unchanged on the other
        # one side deleted it, the other changed it
        return (theirs if choice == "theirs" else mine), (None if choice else SlideConflict(
            slide_id, (DELETED,), mine, theirs))
    merge = merge_fields(base or {}, mine, theirs, list(SLIDE_FIELDS))
    values = dict(merge.merged)
    if choice == "theirs":
        values.update({name: theirs.get(name) for name in merge.conflicts})
    conflict = SlideConflict(slide_id, merge.conflicts, mine, theirs) if merge.conflicts and not choice else None
    return {"id": slide_id, **values}, conflict


def _order(kept: set[str], base: list[str], mine: list[str], theirs: list[str],
           choice: str | None) -> tuple[list[str], SlideConflict | None]:
    """The merged order of the kept slides, and a conflict if both sides reordered them differently."""
    common = [i for i in base if i in kept and i in mine and i in theirs]
    shared = set(common)
    in_mine = [i for i in mine if i in common]
    in_theirs = [i for i in theirs if i in common]
    conflict = None
    if in_mine != common and in_theirs != common and in_mine != in_theirs:
        conflict = None if choice else SlideConflict(ORDER, ("order",), {"ids": mine}, {"ids": theirs})
        order = in_theirs if choice == "theirs" else in_mine
    else:
        order = in_mine if in_mine != common else in_theirs
    for side in (mine, theirs):  # the rest after the slide each followed on its own side
        for index, slide_id in enumerate(side):
            if slide_id not in kept or slide_id in order:
                continue
            before = next((p for p in reversed(side[:index]) if p in order), None)
            position = order.index(before) + 1 if before is not None else 0
            while position < len(order) and order[position] not in shared:
                position += 1  # after the slides the other side added at the same place
            order.insert(position, slide_id)
    return order, conflict


def merge_decks(base: dict, mine: dict, theirs: dict, choices: dict[str, str] | None = None) -> DeckMerge:
    """The three-way merge of two normalized decks (lib.deck.model.normalize_deck) against `base`; `choices`
    settles conflicts: conflict key -> "mine" or "theirs"."""
    choices = choices or {}
    b, m, t = _by_id(base), _by_id(mine), _by_id(theirs)
    conflicts, kept = [], {}
    title = merge_fields(base, mine, theirs, ["title"])
    merged_title = title.merged["title"]
    if title.conflicts:
        if choices.get(TITLE) == "theirs":
            merged_title = theirs.get("title")
        elif TITLE not in choices:
            conflicts.append(SlideConflict(TITLE, ("title",), {"title": mine.get("title")},
                                           {"title": theirs.get("title")}))
    for slide_id in dict.fromkeys([*m, *t, *b]):
        slide, conflict = _merge_slide(slide_id, b.get(slide_id), m.get(slide_id), t.get(slide_id),
                                       choices.get(slide_id))
        if slide is not None:
            kept[slide_id] = slide
        if conflict is not None:
            conflicts.append(conflict)
    order, order_conflict = _order(set(kept), list(b), list(m), list(t), choices.get(ORDER))
    if order_conflict is not None:
        conflicts.append(order_conflict)
    return DeckMerge({"title": merged_title, "slides": [kept[i] for i in order]}, tuple(conflicts))
