"""Staying signed in across a reload (F5), a new tab and a server restart, without anything in the URL.

Joining a group (or the instructor's passcode, when they choose to stay signed in) issues a
token of 32 random bytes (`secrets.token_urlsafe`), which the browser keeps in a cookie and
sends when it opens the app again. The workspace stores only the token's SHA-256 hash with
who it signs in, when it was made and last used, and when it expires: a copy of the database
or of a snapshot signs nobody in. A token is 256 bits of randomness, so a plain hash is enough
(a slow hash protects guessable passwords, not random tokens).

A sign-in ends when it expires, when its owner signs out, or when the instructor revokes it
(one member, a group, or a whole course); a member who no longer exists (e.g. after a restore)
is not signed in by an old token. Members' sign-ins are renewed by use: each new browser session
moves the expiry `lifetime` ahead. An instructor's is not: it ends `INSTRUCTOR_SIGN_IN_HOURS` after
the passcode was typed.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from lib import settings

MEMBER, INSTRUCTOR = "member", "instructor"
# A group's shared PC (lib.workspace.group_pc) signs in as the group: its member_id column holds the
# group's id, and it comes back with the members last named at it.
GROUP_PC = "group_pc"
# A member who chose not to stay signed in on this PC (a shared one): the browser forgets the token
# when it closes, and the server after this long without a new visit.
BROWSER_SESSION = timedelta(hours=12)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # what token_urlsafe(32) makes


@dataclass(frozen=True)
class SignIn:
    role: str
    member_id: str | None
    keep: bool  # the browser keeps the token after it closes (a persistent cookie)
    created_at: datetime
    expires_at: datetime

    def max_age_s(self, now: datetime | None = None) -> int | None:
        """The cookie's Max-Age: until the expiry when kept, None (until the browser closes) otherwise."""
        return max(0, int((self.expires_at - (now or datetime.now())).total_seconds())) if self.keep else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def lifetime(role: str, keep: bool) -> timedelta:
    if role == INSTRUCTOR:
        return timedelta(hours=settings.INSTRUCTOR_SIGN_IN_HOURS)
    return timedelta(days=settings.SIGN_IN_DAYS) if keep else BROWSER_SESSION


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def issue(ws, role: str, member_id: str | None, keep: bool, now: datetime | None = None) -> str:
    """A new sign-in; returns the token (shown to no one: it goes into the browser's cookie only)."""
    if role not in (MEMBER, GROUP_PC, INSTRUCTOR) or (role != INSTRUCTOR) != bool(member_id):
        raise ValueError("a member (group PC) sign-in names the member (group); an instructor sign-in names none")
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)

    def work(run):
        run("DELETE FROM sign_ins WHERE expires_at <= ?", [_iso(now)])  # the expired ones of everybody
        run("INSERT INTO sign_ins (token_hash, role, member_id, keep, created_at, last_used_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [token_hash(token), role, member_id, int(keep), _iso(now), _iso(now), _iso(now + lifetime(role, keep))])
    ws.write(work)
    return token


def look_up(ws, token: str | None, now: datetime | None = None) -> SignIn | None:
    """The sign-in `token` stands for, marked used (a member's renewed); None if unknown, expired or revoked."""
    if not token or not _TOKEN.match(token):
        return None
    now = now or datetime.now()
    rows = _find(ws, token, now)
    if not rows:
        return None
    role, member_id, keep = rows[0][0], rows[0][1], bool(rows[0][2])
    created_at, expires_at = datetime.fromisoformat(rows[0][3]), datetime.fromisoformat(rows[0][4])
    if role != INSTRUCTOR:
        expires_at = now + lifetime(role, keep)
    ws.write(lambda run: run("UPDATE sign_ins SET last_used_at = ?, expires_at = ? WHERE token_hash = ?",
                             [_iso(now), _iso(expires_at), token_hash(token)]))
    return SignIn(role, member_id, keep, created_at, expires_at)


def is_active(ws, token: str | None, now: datetime | None = None) -> bool:
    """Whether `token` still signs someone in (a read only: checked on every run of a signed-in session)."""
    return bool(token and _TOKEN.match(token) and _find(ws, token, now or datetime.now()))


def _find(ws, token: str, now: datetime) -> list[tuple]:
    return ws.read(
        "SELECT role, member_id, keep, created_at, expires_at FROM sign_ins s WHERE token_hash = ? AND expires_at > ? "
        "AND (role = ? OR EXISTS (SELECT 1 FROM members m WHERE m.member_id = s.member_id) "
        "OR (role = ? AND EXISTS (SELECT 1 FROM groups g WHERE g.group_id = s.member_id)))",
        [token_hash(token), _iso(now), INSTRUCTOR, GROUP_PC])


def revoke(ws, token: str) -> int:
    """End one sign-in (signing out); the number ended (0 or 1)."""
    return _delete(ws, "token_hash = ?", [token_hash(token)]) if token else 0


def revoke_member(ws, member_id: str) -> int:
    return _delete(ws, "member_id = ?", [member_id])


def revoke_group(ws, group_id: str) -> int:
    """Every sign-in of the group's members and of its shared PC."""
    return _delete(ws, "member_id IN (SELECT member_id FROM members WHERE group_id = ?) OR member_id = ?",
                   [group_id, group_id])


def revoke_course(ws, course_id: str) -> int:
    return _delete(ws, "member_id IN (SELECT m.member_id FROM members m JOIN groups g ON g.group_id = m.group_id "
                       "WHERE g.course_id = ?) OR member_id IN (SELECT group_id FROM groups WHERE course_id = ?)",
                   [course_id, course_id])


def revoke_instructors(ws) -> int:
    return _delete(ws, "role = ?", [INSTRUCTOR])


def _delete(ws, where: str, params: list) -> int:
    return ws.write(lambda run: run(f"DELETE FROM sign_ins WHERE {where}", params).rowcount)


def signed_in_members(ws, group_id: str, now: datetime | None = None) -> dict[str, int]:
    """The group's members with sign-ins that have not expired: member_id → how many browsers."""
    rows = ws.read("SELECT s.member_id, COUNT(*) FROM sign_ins s JOIN members m ON m.member_id = s.member_id "
                   "WHERE m.group_id = ? AND s.expires_at > ? GROUP BY s.member_id",
                   [group_id, _iso(now or datetime.now())])
    return {member_id: int(count) for member_id, count in rows}
