"""Courses: a municipality's four sessions, its 2–6 groups, join codes, the current session.

A trainee joins a group by choosing it and typing its join code (no e-mail, no
login): the code is short and readable aloud (no 0/O, 1/I/L), shown to the group
by the instructor.
"""
from __future__ import annotations

import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date

from lib.data.city_file import city_list, current_city
from lib.i18n import t
from lib.workspace.items import Course, Group, Member, Workspace, WorkspaceError

MIN_GROUPS, MAX_GROUPS = 2, 6
SESSIONS = (1, 2, 3, 4)
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
MAX_NAME_LENGTH = 40
# What people type between the two halves of a code: hyphens, dashes and the long-vowel mark of a
# Japanese keyboard, spaces and dots.
_CODE_SEPARATORS = set(" -_.・‐‑‒–—―−ーｰ─")


class CourseError(ValueError):
    """Input a course cannot take; the message is a sentence in the user's language."""


@dataclass(frozen=True)
class CourseInfo:
    course_id: str
    name: str
    municipality: str
    session_dates: tuple[date, ...]
    current_session: int
    version: int
    is_demo: bool


def new_join_code() -> str:
    """Six characters from an alphabet without look-alikes, written ABC-234 for reading aloud."""
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    return f"{code[:3]}-{code[3:]}"


def normalize_join_code(text: str) -> str:
    """What a trainee typed, as compared: full-width letters and digits as half-width (NFKC), upper case,
    without spaces, hyphens or dashes (and without anything else that is not an ASCII letter or digit)."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def join_code_hint(typed: str, other_groups: list[Group], lang: str = "ja") -> str:
    """Why a typed code matched no code of the chosen group, as a sentence saying what to do."""
    folded = unicodedata.normalize("NFKC", typed or "").upper().strip()
    code = normalize_join_code(typed)
    if not code:
        return t("course.error.join_code_empty", lang)
    if any(not (ch.isascii() and ch.isalnum()) and ch not in _CODE_SEPARATORS for ch in folded):
        return t("course.error.join_code_characters", lang)
    if len(code) != JOIN_CODE_LENGTH:
        return t("course.error.join_code_length", lang, n=len(code), length=JOIN_CODE_LENGTH)
    unused = sorted({ch for ch in code if ch not in JOIN_CODE_ALPHABET})
    if unused:
        return t("course.error.join_code_unused", lang, letters="・".join(unused))
    other = next((g for g in other_groups if join_code_matches(g, typed)), None)
    if other is not None:
        return t("course.error.join_code_other_group", lang, group=other.name)
    return t("course.error.join_code", lang)


def join_code_matches(group: Group, typed: str) -> bool:
    return hmac.compare_digest(normalize_join_code(group.join_code).encode(),
                               normalize_join_code(typed).encode())


def course_info(course: Course) -> CourseInfo:
    p = course.payload
    return CourseInfo(
        course_id=course.course_id, name=p["name"], municipality=p["municipality"],
        session_dates=tuple(date.fromisoformat(d) for d in p["session_dates"]),
        current_session=int(p.get("current_session", 1)), version=course.version,
        is_demo=bool(p.get("is_demo", False)),
    )


def create_course(ws: Workspace, name: str, municipality: str, session_dates: list[date],
                  group_names: list[str], actor: str, lang: str = "ja",
                  is_demo: bool = False) -> tuple[CourseInfo, list[Group]]:
    """A course with its four session dates and 2–6 groups, each with a fresh join code."""
    name, municipality = (name or "").strip(), (municipality or "").strip()
    group_names = [g.strip() for g in group_names if g and g.strip()]
    if not name or not municipality:
        raise CourseError(t("course.error.name_required", lang))
    if len(session_dates) != len(SESSIONS):
        raise CourseError(t("course.error.four_dates", lang))
    if list(session_dates) != sorted(session_dates):
        raise CourseError(t("course.error.date_order", lang))
    if not MIN_GROUPS <= len(group_names) <= MAX_GROUPS:
        raise CourseError(t("course.error.group_count", lang, low=MIN_GROUPS, high=MAX_GROUPS))
    if len(set(group_names)) != len(group_names):
        raise CourseError(t("course.error.group_duplicate", lang))
    payload = {"name": name, "municipality": municipality,
               "session_dates": [d.isoformat() for d in session_dates],
               "current_session": 1, "is_demo": is_demo}
    course = ws.create_course(payload, actor)
    groups = [ws.create_group(course.course_id, g, new_join_code()) for g in group_names]
    return course_info(course), groups


def add_group(ws: Workspace, course_id: str, name: str, lang: str = "ja", example: bool = False,
              city_code: str = "") -> Group:
    """A group with a fresh join code; in a joint course, assigned one of its municipalities (`city_code`)."""
    name = (name or "").strip()
    if not name:
        raise CourseError(t("course.error.group_name", lang))
    if len(ws.groups(course_id)) >= MAX_GROUPS:
        raise CourseError(t("course.error.group_count", lang, low=MIN_GROUPS, high=MAX_GROUPS))
    payload = {"example": example, **({"city_code": _known_city(city_code, lang)} if city_code else {})}
    try:
        return ws.create_group(course_id, name, new_join_code(), payload)
    except WorkspaceError as exc:
        raise CourseError(str(exc)) from exc


def _known_city(code: str, lang: str) -> str:
    code = (code or "").strip()
    if code and code not in {c["city_code"] for c in city_list()}:
        raise CourseError(t("course.error.unknown_city", lang, code=code))
    return code


def set_group_city(ws: Workspace, group_id: str, city_code: str, lang: str = "ja") -> Group:
    """Assign a group one of the joint course's municipalities ("" = none: the group sees all of them)."""
    group = ws.group(group_id)
    if group is None:
        raise CourseError(t("course.error.no_group", lang))
    return ws.update_group_payload(group_id, {**group.payload, "city_code": _known_city(city_code, lang)})


def group_city(group: Group | None) -> str:
    """The municipality a group's charts and maps open on: its own in a joint course, the first one for the
    example group, "" (all) for a group not assigned one or when the workbench has one city."""
    codes = [c["city_code"] for c in city_list()]
    if group is None or len(codes) < 2:
        return ""
    own = str(group.payload.get("city_code") or "")
    if own in codes:
        return own
    return codes[0] if is_example(group) else ""


def courses(ws: Workspace) -> list[CourseInfo]:
    return [course_info(c) for c in ws.courses()]


def current_course(ws: Workspace) -> CourseInfo | None:
    """The course trainees join: the newest one that is not the demo, else the demo."""
    found = courses(ws)
    real = [c for c in found if not c.is_demo]
    return (real or found or [None])[-1]


def move_to_session(ws: Workspace, course_id: str, session: int, actor: str, lang: str = "ja") -> CourseInfo:
    if session not in SESSIONS:
        raise CourseError(t("course.error.session", lang))
    course = ws.course(course_id)
    payload = {**course.payload, "current_session": session}
    return course_info(ws.update_course(course_id, payload, course.version, actor))


def joinable_group(ws: Workspace, group_id: str, typed_code: str, lang: str = "ja") -> Group:
    """The group `group_id` if it may be joined with `typed_code`; else CourseError saying what to fix."""
    group = ws.group(group_id)
    if group is None:
        raise CourseError(t("course.error.no_group", lang))
    if group.payload.get("example"):
        raise CourseError(t("course.error.example_group", lang))
    if not join_code_matches(group, typed_code):
        others = [g for g in ws.groups(group.course_id) if g.group_id != group_id and not g.payload.get("example")]
        raise CourseError(join_code_hint(typed_code, others, lang))
    return group


def member_named(ws: Workspace, group_id: str, name: str, department: str, lang: str = "ja") -> Member:
    """The group's member with this name and department, added if there is none yet.

    Joining again with the same name and department (after a reload, on another PC, or named
    at the group's shared PC) is the member who joined before."""
    name, department = (name or "").strip(), (department or "").strip()
    if not name or not department:
        raise CourseError(t("course.error.member_required", lang))
    if len(name) > MAX_NAME_LENGTH or len(department) > MAX_NAME_LENGTH:
        raise CourseError(t("course.error.too_long", lang, n=MAX_NAME_LENGTH))
    for member in ws.members(group_id):
        if member.name == name and member.department == department:
            return member
    return ws.add_member(group_id, name, department)


def join_group(ws: Workspace, group_id: str, typed_code: str, name: str, department: str,
               lang: str = "ja") -> Member:
    """Add a member after checking the join code; raise CourseError saying what to fix.

    The join code, not a number in the URL, is what lets a browser act as a member."""
    return member_named(ws, joinable_group(ws, group_id, typed_code, lang).group_id, name, department, lang)


def current_municipality(ws: Workspace) -> str:
    """The municipality the workbench is for: the city set up from its own files, else the current course's."""
    city = current_city()
    if city:
        return city["city_name"]
    current = current_course(ws)
    return current.municipality if current else ""


def saved_evidence_of_every_group(ws: Workspace) -> list[dict]:
    """Every group's saved charts and maps as {kind, title, spec, group}, oldest first per group."""
    return [{"kind": item.kind, "title": item.payload.get("title", ""), "spec": item.payload.get("spec") or {},
             "group": group.name}
            for found in ws.courses() for group in ws.groups(found.course_id) for item in ws.evidence(group.group_id)]


def is_example(group: Group) -> bool:
    return bool(group.payload.get("example"))
