"""A group's shared PC: one browser that works for the members sitting at it.

Often a whole group shares one PC projected on a screen while some also have their own.
The shared PC joins once with the group's join code and then names the members present
(ticked from the group's members, or added as 「名前（所属）」: the name and department they
would join with on their own PC, so that there they are the same member). Its saves are written
in the history as 「グループ PC（A・B・C）」; members on their own PCs work on the same items
beside it, with the same conflict handling. Who is at the PC can be changed later on the same
PC without the code.

The last naming is kept in the group's payload (key "shared_pc"), for the instructor's
overview, with the room's font size, which the PC gets back when it joins again.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from lib.i18n import t
from lib.workspace.course import CourseError, member_named
from lib.workspace.items import Group, Member, Workspace

KEY = "shared_pc"  # in the group's payload
_NEWCOMER = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<department>[^()]+)\)$")


@dataclass(frozen=True)
class SharedPC:
    group: Group
    present: tuple[Member, ...]

    @property
    def pc_id(self) -> str:
        """The shared PC's id where a member's id would be (its drafts, its SQL worker): the group's id."""
        return self.group.group_id

    def actor(self, lang: str = "ja") -> str:
        return actor_text([m.name for m in self.present], lang)


def actor_text(names: list[str], lang: str = "ja") -> str:
    """Who saved, as the history writes it: 「グループ PC（A・B・C）」."""
    return t("group_pc.actor", lang, names="・".join(names))


def parse_newcomers(text: str, lang: str = "ja") -> list[tuple[str, str]]:
    """(name, department) from lines written 「名前（所属）」, one person a line; CourseError for a line that is not."""
    people = []
    for line in (text or "").splitlines():
        folded = unicodedata.normalize("NFKC", line).strip()
        if not folded:
            continue
        found = _NEWCOMER.match(folded)
        if found is None:
            raise CourseError(t("group_pc.error.newcomer_form", lang, line=line.strip()))
        people.append((found["name"].strip(), found["department"].strip()))
    return people


def name_present(ws: Workspace, group_id: str, member_ids: list[str], newcomers: str,
                 lang: str = "ja") -> SharedPC:
    """The group's shared PC with these members at it: the ticked members and the newcomers (added as
    members, or found again by name and department); CourseError if nobody is named.

    The caller has checked the join code (course.joinable_group), or the browser is the PC already."""
    group = ws.group(group_id)
    known = {m.member_id: m for m in ws.members(group_id)}
    people = [known[i] for i in member_ids if i in known]
    for name, department in parse_newcomers(newcomers, lang):
        member = member_named(ws, group_id, name, department, lang)
        if member not in people:
            people.append(member)
    if not people:
        raise CourseError(t("group_pc.error.nobody", lang))
    stored = {**(group.payload.get(KEY) or {}), "present": [m.member_id for m in people],
              "since": datetime.now().isoformat(timespec="seconds")}
    return SharedPC(ws.update_group_payload(group_id, {**group.payload, KEY: stored}), tuple(people))


def resume(ws: Workspace, group_id: str, member_ids: list[str]) -> SharedPC | None:
    """The shared PC of `group_id` with these members (of the group) present; None if none of them is left."""
    group = ws.group(group_id)
    known = {m.member_id: m for m in ws.members(group_id)} if group else {}
    people = tuple(known[i] for i in member_ids if i in known)
    return SharedPC(group, people) if people else None


def last_named(ws: Workspace, group_id: str) -> SharedPC | None:
    """The group's shared PC with the members last named at it (a signed-in PC coming back after F5)."""
    group = ws.group(group_id)
    return resume(ws, group_id, (group.payload.get(KEY) or {}).get("present") or []) if group else None


def last_at(ws: Workspace, group: Group) -> tuple[list[str], datetime] | None:
    """Who was last named at the group's shared PC, and since when (None if it never joined)."""
    stored = group.payload.get(KEY) or {}
    if not stored.get("present"):
        return None
    names = {m.member_id: m.name for m in ws.members(group.group_id)}
    return [names[i] for i in stored["present"] if i in names], datetime.fromisoformat(stored["since"])


def font_size(group: Group) -> str | None:
    """The font size the group's shared PC chose last (None if never)."""
    return (group.payload.get(KEY) or {}).get("font_size")


def keep_font_size(ws: Workspace, group_id: str, size: str) -> None:
    group = ws.group(group_id)
    stored = group.payload.get(KEY) or {}
    if stored.get("font_size") != size:
        ws.update_group_payload(group_id, {**group.payload, KEY: {**stored, "font_size": size}})
