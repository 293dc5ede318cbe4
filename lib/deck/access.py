"""Who may open and edit which group's deck.

A member opens and edits their own group's deck; the instructor opens and edits any
group's (choosing it); anyone else sees only the demo course's finished example, read-only.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.workspace import course
from lib.workspace.items import Group, Workspace


@dataclass(frozen=True)
class DeckAccess:
    groups: list[Group]  # the groups whose deck may be opened; empty: join a group first
    editable: bool
    choose: bool  # the user picks one of `groups` (the instructor)


def deck_access(ws: Workspace, member_group_id: str | None, instructor: bool) -> DeckAccess:
    if member_group_id is not None:
        own = ws.group(member_group_id)
        return DeckAccess([own] if own else [], editable=True, choose=False)
    groups = [g for c in course.courses(ws) for g in ws.groups(c.course_id)]
    if instructor:
        return DeckAccess(groups, editable=True, choose=True)
    return DeckAccess([g for g in groups if course.is_example(g)][:1], editable=False, choose=False)
