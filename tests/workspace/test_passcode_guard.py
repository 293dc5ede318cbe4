"""Instructor passcode attempts: limited per client and overall, with a growing delay, lock-out and reset."""
from __future__ import annotations

import pytest

from lib.workspace import passcode_guard
from lib.workspace.passcode_guard import PasscodeGuard


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Verifier:
    """Counts how often the (expensive) passcode check really ran."""

    def __init__(self, right: str = "正しいパスコード"):
        self.right, self.calls = right, 0

    def __call__(self, passcode: str) -> bool:
        self.calls += 1
        return passcode == self.right


@pytest.fixture()
def guard(data_dir):
    passcode_guard.lockout_log_path().unlink(missing_ok=True)
    clock = Clock()
    return PasscodeGuard(clock), clock


def test_the_20th_wrong_attempt_in_a_minute_is_refused_without_checking(guard):
    guard, clock = guard
    verify = Verifier()
    for i in range(19):  # from 19 different computers: no single client is slowed down
        assert guard.attempt(f"10.0.0.{i}", "違う", verify).outcome == "wrong"
        clock.now += 2
    verdict = guard.attempt("10.0.0.99", "違う", verify)
    assert verdict.outcome == "busy" and not verdict.checked and verify.calls == 19
    # even the right passcode waits until the minute has passed
    assert guard.attempt("10.0.0.99", verify.right, verify).outcome == "busy" and verify.calls == 19
    assert guard.overall_blocked()
    clock.now += 61
    assert guard.attempt("10.0.0.99", verify.right, verify).outcome == "ok"
    assert [e["kind"] for e in passcode_guard.lockouts_since_reset()] == ["overall"]


def test_one_client_waits_longer_after_each_failure_then_is_locked_out_and_reset_clears_it(guard):
    guard, clock = guard
    verify = Verifier()
    waits = []
    for failure in range(1, passcode_guard.LOCK_AFTER):
        assert guard.attempt("192.168.1.5", "違う", verify).outcome == "wrong"
        if failure > passcode_guard.FREE_FAILURES:  # an attempt right away is refused unchecked
            refused = guard.attempt("192.168.1.5", verify.right, verify)
            assert refused.outcome == "wait" and not refused.checked
            waits.append(round(refused.wait_s))
            clock.now += refused.wait_s
    assert waits == [2, 4, 8, 16, 32, 60]
    assert guard.attempt("192.168.1.5", "違う", verify).outcome == "wrong"  # the LOCK_AFTER-th
    assert verify.calls == passcode_guard.LOCK_AFTER
    locked = guard.attempt("192.168.1.5", verify.right, verify)
    assert locked.outcome == "locked" and not locked.checked and verify.calls == passcode_guard.LOCK_AFTER
    assert guard.locked_clients() == ["192.168.1.5"]
    assert guard.attempt("192.168.1.6", verify.right, verify).outcome == "ok"  # others are not locked
    events = passcode_guard.lockouts_since_reset()
    assert events[-1]["kind"] == "client" and events[-1]["client"] == "192.168.1.5"

    guard.reset()
    assert guard.locked_clients() == [] and passcode_guard.lockouts_since_reset() == []
    assert guard.attempt("192.168.1.5", verify.right, verify).outcome == "ok"


def test_a_lock_out_ends_by_itself_and_a_right_passcode_clears_the_count(guard):
    guard, clock = guard
    verify = Verifier()
    for _ in range(3):
        guard.attempt("a", "違う", verify)
    assert guard.attempt("a", verify.right, verify).outcome == "ok"
    assert guard.attempt("a", "違う", verify).outcome == "wrong"
    assert guard.attempt("a", "違う", verify).outcome == "wrong"  # the count started again: no wait yet
    for _ in range(passcode_guard.LOCK_AFTER):
        clock.now += passcode_guard.MAX_DELAY_S
        guard.attempt("a", "違う", verify)
    assert guard.attempt("a", verify.right, verify).outcome == "locked"
    clock.now += passcode_guard.LOCK_S + 1
    assert guard.attempt("a", verify.right, verify).outcome == "ok"


def _lock_out(guard, clock, verify, client: str, session: str | None = None) -> None:
    """LOCK_AFTER wrong passcodes, each after the wait the last one cost."""
    for _ in range(passcode_guard.LOCK_AFTER):
        clock.now += passcode_guard.MAX_DELAY_S
        assert guard.attempt(client, "違う", verify, session=session).outcome == "wrong"
    assert guard.attempt(client, verify.right, verify, session=session).outcome == "locked"


def test_a_browser_locked_out_does_not_lock_the_other_browsers_at_its_address(guard):
    guard, clock = guard
    verify = Verifier()
    _lock_out(guard, clock, verify, "10.20.0.1", session="trainee-browser")  # one address: the LGWAN proxy
    assert guard.attempt("10.20.0.1", verify.right, verify, session="instructor-browser").outcome == "ok"
    assert passcode_guard.lockouts_since_reset()[-1]["client"] == "10.20.0.1"


def test_the_right_passcode_from_the_servers_own_console_always_works(guard):
    guard, clock = guard
    verify = Verifier()
    _lock_out(guard, clock, verify, "127.0.0.1", session="console")
    clock.now += 61
    for i in range(passcode_guard.OVERALL_PER_MINUTE):  # and the overall limit reached from elsewhere
        guard.attempt(f"10.0.0.{i}", "違う", verify)
    assert guard.overall_blocked()
    assert guard.attempt("127.0.0.1", verify.right, verify, session="console", console=True).outcome == "ok"
    assert guard.attempt("127.0.0.1", "違う", verify, session="console", console=True).outcome == "wrong"


def test_unlock_command_lifts_a_lock_out_in_a_running_worker(guard, capsys):
    from lib.cli import main

    guard, clock = guard
    verify = Verifier()
    _lock_out(guard, clock, verify, "10.20.0.1", session="trainee-browser")
    assert guard.locked_clients()
    assert main(["unlock"]) == 0  # another process in real life: it only writes the lock-out log
    assert "解除しました" in capsys.readouterr().out
    assert guard.locked_clients() == []
    assert guard.attempt("10.20.0.1", verify.right, verify, session="trainee-browser").outcome == "ok"


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "address"), [
    ("127.0.0.1", "10.1.2.3", ["127.0.0.1"], "10.1.2.3"),            # behind classroom mode's nginx
    ("127.0.0.1", "127.0.0.1, 10.1.2.3", ["127.0.0.1"], "10.1.2.3"),  # a browser cannot claim to be local
    ("127.0.0.1", "10.1.2.3, 10.9.0.1", ["127.0.0.0/8", "10.9.0.0/16"], "10.1.2.3"),  # two trusted proxies
    ("10.9.9.9", "127.0.0.1", ["127.0.0.1"], "10.9.9.9"),            # not a trusted proxy: its header is not read
    ("127.0.0.1", "10.1.2.3", [], "127.0.0.1"),                      # no proxy trusted
    ("127.0.0.1", None, ["127.0.0.1"], "127.0.0.1"),                 # the server's own browser, direct
    ("127.0.0.1", "not-an-address", ["127.0.0.1"], None),            # unknown, never local
])
def test_the_browsers_address_is_read_from_x_forwarded_for_only_through_trusted_proxies(
        peer, forwarded, trusted, address):
    from lib.workspace.client_address import real_address

    assert real_address(peer, forwarded, trusted) == address
