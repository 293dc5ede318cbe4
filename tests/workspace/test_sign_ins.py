"""Staying signed in (lib.workspace.sign_ins), on both workspace backends: only a token's hash is stored;
a token expires, is renewed by use (members), and is revoked by its owner or by the instructor."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from lib.workspace import sign_ins
from lib.workspace.sign_ins import INSTRUCTOR, MEMBER

T0 = datetime(2026, 5, 11, 9, 0)


@pytest.fixture()
def course_of_two(ws):
    """A course with groups A and B; A has two members, B one."""
    course = ws.create_course({"name": "研修", "municipality": "見本市"}, "講師")
    a = ws.create_group(course.course_id, "A班", "ABC-234")
    b = ws.create_group(course.course_id, "B班", "DEF-567")
    members = {"taro": ws.add_member(a.group_id, "太郎", "企画課"), "hana": ws.add_member(a.group_id, "花子", "福祉課"),
               "jiro": ws.add_member(b.group_id, "次郎", "防災課")}
    return course, a, b, members


def _rows(ws):
    return ws.read("SELECT token_hash, role, member_id, keep, created_at, last_used_at, expires_at FROM sign_ins")


def test_only_the_hash_of_an_unguessable_token_is_stored(ws, course_of_two):
    member = course_of_two[3]["taro"]
    token = sign_ins.issue(ws, MEMBER, member.member_id, keep=True, now=T0)
    other = sign_ins.issue(ws, MEMBER, member.member_id, keep=True, now=T0)
    assert len(token) == 43 and token != other  # 32 random bytes, URL-safe base64
    rows = _rows(ws)
    assert len(rows) == 2
    assert hashlib.sha256(token.encode()).hexdigest() in {r[0] for r in rows}
    assert not any(token in str(value) for row in rows for value in row)
    assert "sign_ins" not in ws.rows()  # backups leave sign-ins out: a restore brings none back
    found = sign_ins.look_up(ws, token, now=T0 + timedelta(hours=1))
    assert (found.role, found.member_id, found.keep) == (MEMBER, member.member_id, True)


def test_unknown_or_malformed_tokens_and_missing_members_sign_nobody_in(ws, course_of_two):
    token = sign_ins.issue(ws, MEMBER, course_of_two[3]["taro"].member_id, keep=True, now=T0)
    assert sign_ins.look_up(ws, token[:-1] + ("A" if token[-1] != "A" else "B"), now=T0) is None
    for bad in (None, "", "x" * 43 + "'", token + "A"):
        assert sign_ins.look_up(ws, bad, now=T0) is None
    ghost = sign_ins.issue(ws, MEMBER, "0123456789ab", keep=True, now=T0)  # e.g. gone after a restore
    assert sign_ins.look_up(ws, ghost, now=T0) is None
    with pytest.raises(ValueError):
        sign_ins.issue(ws, MEMBER, None, keep=True)


def test_a_member_sign_in_expires_unless_used_and_each_use_renews_it(ws, course_of_two, monkeypatch):
    monkeypatch.setattr(sign_ins.settings, "SIGN_IN_DAYS", 30)
    member_id = course_of_two[3]["taro"].member_id
    kept = sign_ins.issue(ws, MEMBER, member_id, keep=True, now=T0)
    idle = sign_ins.issue(ws, MEMBER, member_id, keep=True, now=T0)
    shared_pc = sign_ins.issue(ws, MEMBER, member_id, keep=False, now=T0)
    day_29 = T0 + timedelta(days=29)
    renewed = sign_ins.look_up(ws, kept, now=day_29)
    assert renewed.expires_at == day_29 + timedelta(days=30)
    assert renewed.max_age_s(now=day_29) == 30 * 24 * 3600
    assert sign_ins.look_up(ws, kept, now=day_29 + timedelta(days=29)) is not None  # renewed by the use on day 29
    assert sign_ins.look_up(ws, idle, now=T0 + timedelta(days=30, seconds=1)) is None
    # Not kept on this PC: a cookie until the browser closes, and 12 hours on the server.
    assert sign_ins.look_up(ws, shared_pc, now=T0 + timedelta(hours=11)).max_age_s() is None
    assert sign_ins.look_up(ws, shared_pc, now=T0 + timedelta(hours=11 + 12, seconds=1)) is None


def test_an_instructor_sign_in_ends_after_its_hours_even_when_used(ws, monkeypatch):
    monkeypatch.setattr(sign_ins.settings, "INSTRUCTOR_SIGN_IN_HOURS", 8)
    token = sign_ins.issue(ws, INSTRUCTOR, None, keep=True, now=T0)
    assert sign_ins.look_up(ws, token, now=T0 + timedelta(hours=7)).role == INSTRUCTOR
    assert sign_ins.look_up(ws, token, now=T0 + timedelta(hours=8, seconds=1)) is None


def test_expired_sign_ins_are_deleted_when_a_new_one_is_issued(ws, course_of_two):
    member_id = course_of_two[3]["taro"].member_id
    sign_ins.issue(ws, MEMBER, member_id, keep=False, now=T0)
    sign_ins.issue(ws, MEMBER, member_id, keep=True, now=T0 + timedelta(days=1))
    assert len(_rows(ws)) == 1


def test_signing_out_and_the_instructor_revoke_sign_ins(ws, course_of_two):
    course, a, b, members = course_of_two
    tokens = {name: sign_ins.issue(ws, MEMBER, m.member_id, keep=True, now=T0) for name, m in members.items()}
    second_pc = sign_ins.issue(ws, MEMBER, members["taro"].member_id, keep=True, now=T0)
    instructor = sign_ins.issue(ws, INSTRUCTOR, None, keep=True, now=T0)
    now = T0 + timedelta(hours=1)
    assert sign_ins.signed_in_members(ws, a.group_id, now=now) == {members["taro"].member_id: 2,
                                                                   members["hana"].member_id: 1}

    assert sign_ins.revoke(ws, second_pc) == 1  # 「退出する」 on one PC
    assert sign_ins.look_up(ws, second_pc, now=now) is None
    assert sign_ins.look_up(ws, tokens["taro"], now=now) is not None
    assert sign_ins.revoke_member(ws, members["taro"].member_id) == 1
    assert sign_ins.look_up(ws, tokens["taro"], now=now) is None
    assert sign_ins.look_up(ws, tokens["hana"], now=now) is not None
    assert sign_ins.revoke_group(ws, a.group_id) == 1
    assert sign_ins.look_up(ws, tokens["hana"], now=now) is None
    assert sign_ins.look_up(ws, tokens["jiro"], now=now) is not None
    assert sign_ins.revoke_course(ws, course.course_id) == 1
    assert sign_ins.look_up(ws, tokens["jiro"], now=now) is None
    assert sign_ins.look_up(ws, instructor, now=now) is not None  # members' revokes leave the instructor
    assert sign_ins.revoke_instructors(ws) == 1
    assert sign_ins.look_up(ws, instructor, now=now) is None
    assert _rows(ws) == []
