"""Red team: a trainee locks the instructor out with wrong passcodes, behind the classroom's nginx.

The red team's input, replayed the way the instructor page meets it: every browser reaches the worker
from nginx (127.0.0.1) with the browser's address in X-Forwarded-For, and the whole room comes through
one LGWAN proxy address. The address is worked out as the page does (lib.workspace.client_address), and
each browser is its own session. Before the fix, 10 wrong passcodes from one browser blocked the right
passcode from every browser at that address for 15 minutes.
"""
from __future__ import annotations

from lib.workspace import passcode_guard
from lib.workspace.client_address import real_address
from lib.workspace.passcode_guard import PasscodeGuard
from tests.workspace.test_passcode_guard import Clock, Verifier

NGINX = "127.0.0.1"
ROOM = "10.20.0.1"  # the LGWAN proxy every PC of the room comes through


def _attempt(guard, peer: str, forwarded: str | None, session: str, passcode: str, verify) -> str:
    address = real_address(peer, forwarded, [NGINX])
    return guard.attempt(address, passcode, verify, session=session).outcome


def test_ten_wrong_passcodes_from_a_trainees_browser_do_not_lock_the_instructor_out(data_dir):
    passcode_guard.lockout_log_path().unlink(missing_ok=True)
    clock, verify = Clock(), Verifier()
    guard = PasscodeGuard(clock)
    for _ in range(passcode_guard.LOCK_AFTER):
        clock.now += passcode_guard.MAX_DELAY_S
        _attempt(guard, NGINX, ROOM, "trainee-browser", "違う", verify)
    assert _attempt(guard, NGINX, ROOM, "trainee-browser", verify.right, verify) == "locked"
    assert _attempt(guard, NGINX, ROOM, "instructor-browser", verify.right, verify) == "ok"
    # A trainee who writes X-Forwarded-For itself gets no other address (nginx appends the real one last)
    # and never the server's own, whose right passcode always works.
    assert real_address(NGINX, f"127.0.0.1, {ROOM}", [NGINX]) == ROOM

