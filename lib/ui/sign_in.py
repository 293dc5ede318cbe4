"""Keeping a browser signed in beyond one Streamlit session: the token of lib.workspace.sign_ins in a cookie.

Streamlit reads the cookies the browser sent when it opened the page (st.context.cookies) but
cannot set one, so a small script does, in the next run (st.html with JavaScript; nothing is
fetched). The cookie has Path=/, SameSite=Strict (a link from another site never carries it),
Secure over HTTPS, and a Max-Age of the sign-in's lifetime, or none (the browser forgets it when
it closes) on a shared PC. A script's cookie cannot be HttpOnly. The token is never put in the
URL nor shown; the page holds it only inside that script, which removes itself once it has run.
"""
from __future__ import annotations

import json

import streamlit as st

from lib.workspace import sign_ins
from lib.workspace.sign_ins import INSTRUCTOR, MEMBER, SignIn

COOKIES = {MEMBER: "workbench_member", INSTRUCTOR: "workbench_instructor"}
_PENDING = "sign_in:cookies"  # cookie scripts for the next run: role → script


def _token_key(role: str) -> str:
    return f"sign_in:token:{role}"  # this session's own token, to end it on signing out


def _checked_key(role: str) -> str:
    return f"sign_in:checked:{role}"  # the browser's cookie, once looked at in this session


def _set_cookie(role: str, token: str | None, max_age_s: int | None) -> None:
    """Ask the next run to set (token) or clear (None) the role's cookie."""
    parts = [f"{COOKIES[role]}={token or ''}", "Path=/", "SameSite=Strict"]
    if token is None:
        parts.append("Max-Age=0")
    elif max_age_s is not None:
        parts.append(f"Max-Age={int(max_age_s)}")
    # The script takes itself out of the page once it has run: the token stays in no element.
    script = (f"<script>document.cookie = {json.dumps('; '.join(parts))}"
              " + (location.protocol === 'https:' ? '; Secure' : '');"
              " document.currentScript && document.currentScript.remove();</script>")
    st.session_state.setdefault(_PENDING, {})[role] = script


def write_cookies() -> None:
    """Set or clear the cookies asked for since the last run (app.py calls it on every run)."""
    for script in st.session_state.pop(_PENDING, {}).values():
        st.sidebar.html(script, unsafe_allow_javascript=True)


def browser_cookie(role: str) -> str | None:
    """The role's cookie as the browser sent it when this session began (None without one)."""
    value = st.context.cookies.get(COOKIES[role])
    return value if isinstance(value, str) else None  # AppTest's stand-in client holds no real cookies


def nothing_to_restore() -> bool:
    """True while this session holds no sign-in and its browser sent no sign-in cookie."""
    return not any(browser_cookie(role) or st.session_state.get(_token_key(role)) for role in COOKIES) \
        and "member" not in st.session_state and not st.session_state.get("instructor")


def start(ws, role: str, member_id: str | None, keep: bool, signs_in_as: str | None = None) -> None:
    """Sign this browser in as `role` beyond this session: a new token, into the cookie. A group's shared PC
    takes the member's cookie and `signs_in_as` GROUP_PC (its member_id is the group's)."""
    token = sign_ins.issue(ws, signs_in_as or role, member_id, keep)
    st.session_state[_token_key(role)] = token
    _set_cookie(role, token, int(sign_ins.lifetime(role, keep).total_seconds()) if keep else None)


def holds_token(role: str) -> bool:
    """Whether this session signed in beyond itself (a token in the browser's cookie)."""
    return bool(st.session_state.get(_token_key(role)))


def end(ws, role: str) -> None:
    """Sign out: the token ends on the server and the cookie is cleared."""
    token = st.session_state.pop(_token_key(role), None)
    if token:
        sign_ins.revoke(ws, token)
    st.session_state[_checked_key(role)] = browser_cookie(role)
    _set_cookie(role, None, None)


def restored(ws, role: str) -> SignIn | None:
    """The sign-in the browser's cookie stands for, once per session; an unknown, expired or revoked
    one is cleared. A member's cookie is renewed with the sign-in."""
    token = browser_cookie(role)
    if not token or st.session_state.get(_checked_key(role)) == token:
        return None
    st.session_state[_checked_key(role)] = token
    found = sign_ins.look_up(ws, token)
    if found is None:
        _set_cookie(role, None, None)
        return None
    st.session_state[_token_key(role)] = token
    if role == MEMBER:  # a member's or a shared PC's
        _set_cookie(role, token, found.max_age_s())
    return found


def still_active(ws, role: str) -> bool:
    """False once this session's sign-in was revoked elsewhere (the instructor, another tab's 退出);
    True for a session signed in without a token (nothing to check)."""
    token = st.session_state.get(_token_key(role))
    if token is None or sign_ins.is_active(ws, token):
        return True
    st.session_state.pop(_token_key(role), None)
    _set_cookie(role, None, None)
    return False
