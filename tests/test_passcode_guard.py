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
