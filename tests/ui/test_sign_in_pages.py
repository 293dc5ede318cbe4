"""Staying signed in on the pages (AppTest): joining sets a cookie holding an unguessable token (never
in the URL, never on screen); a new session with that cookie (F5, a restart) is the member again; 退出する
and the instructor's revoke end it. AppTest cannot send cookies, so a new session's cookie is handed to
lib.ui.sign_in.browser_cookie, which reads st.context.cookies in a browser (tests/browser prove that part)."""
from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from lib import ui
from lib.ui import sign_in
from lib.workspace import course, example_group, instructor_auth, sign_ins
from lib.workspace.backend import SqliteBackend
from lib.workspace.items import forget_workspace, open_workspace_in
from tests.pages.test_workspace_failures import APP


@pytest.fixture()
def data_folder(store, tmp_path, monkeypatch):
    """A data folder of the test's own (its workspace and passcode), with the session's published database."""
    shutil.copyfile(store.current_build_path, tmp_path / store.current_build_path.name)
    build = store.published_path.relative_to(store.data_dir)
    shutil.copytree(store.published_path.parent, tmp_path / build.parent)
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    yield tmp_path
    forget_workspace(tmp_path)
    ui.workspace_restored()


COOKIE = re.compile(r'document\.cookie = "(workbench_\w+)=([^;"]*)((?:; [^"]*)*)"')


def _cookies_set(at: AppTest) -> list[tuple[str, str, str]]:
    """(name, value, attributes) of every cookie the run's scripts set."""
    found = []
    for node in at.sidebar:
        body = getattr(getattr(node, "proto", None), "body", "")
        found += COOKIE.findall(body if isinstance(body, str) else "")
    return found


def _group(ws, name="A班"):
    return next(g for g in ws.groups(course.current_course(ws).course_id) if g.name == name)


def _join(data_dir, keep: bool = True) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    ws = open_workspace_in(data_dir)
    example_group.seed_if_empty(ws)
    group = _group(ws)
    at.switch_page("pages/join.py").run()
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(group.join_code)
    at.text_input(key="join_name").input("試験 太郎")
    at.text_input(key="join_department").input("企画課")
    at.checkbox(key="join_keep").set_value(keep)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _new_session(monkeypatch, cookies: dict[str, str], page: str = "pages/join.py") -> AppTest:
    """A new browser session (F5, a new tab, a restarted server) that sends `cookies` (by cookie name)."""
    monkeypatch.setattr(sign_in, "browser_cookie", lambda role: cookies.get(sign_in.COOKIES[role]))
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(page).run()  # the session's first run is on `page`, as a reload of it is
    assert not at.exception, at.exception
    return at


def _shown_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for kind in ("markdown", "caption", "success", "info", "text")
                    for e in getattr(at, kind))


def test_joining_keeps_a_token_in_a_cookie_and_a_new_session_is_the_member_again(data_folder, monkeypatch):
    at = _join(data_folder)
    [(name, token, attributes)] = _cookies_set(at)
    assert name == "workbench_member" and len(token) == 43
    assert "; Path=/" in attributes and "; SameSite=Strict" in attributes
    assert f"; Max-Age={30 * 24 * 3600}" in attributes  # the sign-in's days (WORKBENCH_SIGN_IN_DAYS)
    assert token not in _shown_text(at) and not at.query_params  # never shown, never in the URL
    ws = open_workspace_in(data_folder)
    assert sign_ins.look_up(ws, token) is not None
    member_id = at.session_state["member"]["member_id"]

    again = _new_session(monkeypatch, {"workbench_member": token})
    assert again.session_state["member"]["member_id"] == member_id
    assert "試験 太郎" in again.success[0].value  # 「…として参加しています」: no joining again
    [(_, renewed, attributes)] = _cookies_set(again)  # renewed for another 30 days from now
    assert renewed == token and "Max-Age=" in attributes


def test_a_shared_pc_keeps_the_cookie_only_until_the_browser_closes(data_folder):
    at = _join(data_folder, keep=False)
    [(name, _, attributes)] = _cookies_set(at)
    assert name == "workbench_member" and "Max-Age" not in attributes


def test_signing_out_revokes_the_token_and_clears_the_cookie(data_folder, monkeypatch):
    at = _join(data_folder)
    [(_, token, _)] = _cookies_set(at)
    at.button(key="join_leave").click().run()
    assert not at.exception and "member" not in at.session_state
    assert _cookies_set(at) == [("workbench_member", "", "; Path=/; SameSite=Strict; Max-Age=0")]
    assert sign_ins.look_up(open_workspace_in(data_folder), token) is None

    again = _new_session(monkeypatch, {"workbench_member": token})  # F5 after signing out: signed out
    assert "member" not in again.session_state
    assert again.selectbox(key="join_group") is not None
    assert _cookies_set(again) == [("workbench_member", "", "; Path=/; SameSite=Strict; Max-Age=0")]


def test_unknown_tokens_sign_nobody_in_and_are_cleared(data_folder, monkeypatch):
    _join(data_folder)
    at = _new_session(monkeypatch, {"workbench_member": "A" * 43, "workbench_instructor": "B" * 43})
    assert "member" not in at.session_state and not at.session_state.get("instructor")
    assert {name for name, value, _ in _cookies_set(at) if value == ""} == {"workbench_member",
                                                                              "workbench_instructor"}


def test_the_instructor_revokes_a_member_and_that_browser_is_signed_out_at_once(data_folder, monkeypatch):
    member = _join(data_folder)
    [(_, token, _)] = _cookies_set(member)
    member_id = member.session_state["member"]["member_id"]
    instructor = AppTest.from_file(APP, default_timeout=90)
    instructor.session_state["instructor"] = True
    instructor.run()
    instructor.switch_page("pages/instructor.py").run()
    instructor.selectbox(key="inst_group").set_value(_group(open_workspace_in(data_folder)).group_id).run()
    instructor.button(key=f"inst_revoke:{member_id}").click().run()
    assert not instructor.exception, instructor.exception
    assert any("1 件のログインを取り消しました" in s.value for s in instructor.success)
    assert not any(b.key == f"inst_revoke:{member_id}" for b in instructor.button)

    # The next run of the browser that is still open, through app.py as every run in a browser is (AppTest
    # runs app.py only on a session's first run: the open session's state is given to a new one).
    still_open = AppTest.from_file(APP, default_timeout=90)
    for key in ("member", "sign_in:token:member"):
        still_open.session_state[key] = member.session_state[key]
    still_open.run()
    assert not still_open.exception and "member" not in still_open.session_state
    assert ("workbench_member", "", "; Path=/; SameSite=Strict; Max-Age=0") in _cookies_set(still_open)
    assert "member" not in _new_session(monkeypatch, {"workbench_member": token}).session_state


@pytest.mark.parametrize("keep", [True, False])
def test_the_instructor_stays_signed_in_only_when_they_choose_it(data_folder, monkeypatch, keep):
    instructor_auth.set_passcode("kenshu-2026")
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/instructor.py").run()
    assert at.checkbox(key="auth_keep").value is False  # off unless chosen: a shared PC stays safe
    at.text_input(key="auth_passcode").input("kenshu-2026")
    at.checkbox(key="auth_keep").set_value(keep)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state["instructor"]
    cookies = _cookies_set(at)
    if not keep:
        assert cookies == []
        return
    [(name, token, attributes)] = cookies
    assert name == "workbench_instructor" and f"; Max-Age={8 * 3600}" in attributes
    again = _new_session(monkeypatch, {"workbench_instructor": token}, page="pages/instructor.py")
    assert again.session_state["instructor"] and again.title[0].value == "講師の画面"  # no passcode asked
    again.button(key="inst_logout").click().run()
    assert not again.session_state.get("instructor")
    assert sign_ins.look_up(open_workspace_in(data_folder), token) is None


def test_a_new_passcode_ends_the_instructor_sign_ins_made_before_it(data_folder, monkeypatch):
    instructor_auth.set_passcode("kenshu-2026")
    token = sign_ins.issue(open_workspace_in(data_folder), sign_ins.INSTRUCTOR, None, keep=True)
    assert _new_session(monkeypatch, {"workbench_instructor": token}).session_state["instructor"]
    instructor_auth.set_passcode("atarashii-2026")  # python -m lib.cli set-passcode
    again = _new_session(monkeypatch, {"workbench_instructor": token})
    assert not again.session_state.get("instructor")
    assert ("workbench_instructor", "", "; Path=/; SameSite=Strict; Max-Age=0") in _cookies_set(again)
    assert sign_ins.look_up(open_workspace_in(data_folder), token) is None


def test_a_workspace_that_cannot_write_leaves_the_page_working(data_folder, monkeypatch):
    [(_, token, _)] = _cookies_set(_join(data_folder))

    def disk_full(self, con):
        raise sqlite3.OperationalError("database or disk is full")
    monkeypatch.setattr(SqliteBackend, "begin_write", disk_full)  # marking the sign-in used fails
    at = _new_session(monkeypatch, {"workbench_member": token})
    assert not at.exception and not at.error
    assert "member" not in at.session_state  # not restored this time; the cookie is kept for the next visit
    assert _cookies_set(at) == []


def test_a_groups_shared_pc_comes_back_after_f5_with_the_members_at_it(data_folder, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=90).run()
    ws = open_workspace_in(data_folder)
    example_group.seed_if_empty(ws)
    group = _group(ws)
    at.switch_page("pages/join.py").run()
    at.radio(key="join_way").set_value("shared").run()
    at.selectbox(key="join_pc_group").set_value(group.group_id)
    at.text_input(key="join_pc_code").input(group.join_code)
    at.button[0].click().run()
    at.text_area(key="join_pc_present:newcomers").input("試験 一郎（企画課）\n試験 二郎（福祉課）")
    at.button[0].click().run()
    assert not at.exception, at.exception
    [(name, token, attributes)] = _cookies_set(at)
    assert name == "workbench_member" and "Max-Age" not in attributes  # a shared PC: until the browser closes
    assert sign_ins.look_up(ws, token).role == sign_ins.GROUP_PC

    again = _new_session(monkeypatch, {"workbench_member": token})
    assert again.session_state["member"]["present"] == ["試験 一郎", "試験 二郎"]
    assert again.session_state["member"]["member_id"] == group.group_id
    assert "グループ PC（試験 一郎・試験 二郎）" in _shown_text(again)

    sign_ins.revoke_group(ws, group.group_id)  # the instructor ends the group's sign-ins, the PC's with them
    assert "member" not in _new_session(monkeypatch, {"workbench_member": token}).session_state
