"""Limits on instructor passcode attempts, per browser and overall, with a delay that grows.

- Per browser (its session at its address; behind a trusted proxy, the address the proxy saw,
  see lib.workspace.client_address): the first FREE_FAILURES wrong passcodes cost nothing;
  after that each one makes the client wait 2, 4, 8 … seconds (at most MAX_DELAY_S) before
  the next attempt is even checked; LOCK_AFTER failures within LOCK_WINDOW_S lock that
  browser out for LOCK_S. Other browsers at the same address (a room behind one LGWAN proxy,
  the instructor among them) are not locked by it.
- Overall: after OVERALL_PER_MINUTE wrong passcodes within a minute from anyone (many
  addresses guessing together), every attempt is refused without checking until the minute
  has passed.
- The server's own console (a loopback browser) is never refused: the right passcode from
  there always works.
A refused attempt is never checked, so guessing costs the guesser time, not the server
scrypt work. A correct passcode clears the client's failures. Lock-outs are appended to
passcode_lockouts.jsonl in the data folder, which the instructor page shows; the
instructor can clear them (`reset`, or `python -m lib.cli unlock` on the server, which
every worker sees through that file). The counts live in this process (several workers
behind a proxy each keep their own, so the overall limit there is per worker).
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from lib import settings

FREE_FAILURES = 3
MAX_DELAY_S = 60.0
LOCK_AFTER = 10
LOCK_WINDOW_S = 15 * 60
LOCK_S = 15 * 60
OVERALL_PER_MINUTE = 19  # the 20th wrong passcode within a minute is refused unchecked


@dataclass
class Verdict:
    outcome: str  # "ok", "wrong", "wait", "locked", "busy" (overall limit)
    wait_s: float = 0.0

    @property
    def checked(self) -> bool:
        return self.outcome in ("ok", "wrong")


@dataclass
class _Client:
    failures: deque = field(default_factory=deque)  # times of recent wrong passcodes
    next_allowed: float = 0.0
    locked_until: float = 0.0


def lockout_log_path():
    return settings.data_dir() / "passcode_lockouts.jsonl"


class PasscodeGuard:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}
        self._recent: deque = deque()  # times of wrong passcodes from anyone
        self._busy_until = 0.0
        self._log_seen: tuple | None = None  # the lock-out log as last read (for unlocks elsewhere)
        self._resets_seen: int | None = None

    def attempt(self, client: str | None, passcode: str, verify: Callable[[str], bool],
                session: str | None = None, console: bool = False) -> Verdict:
        """Check `passcode` with `verify` unless a limit says to refuse it first.

        `client` is the browser's address, `session` its browser session; `console` says it is the
        server's own screen, whose attempts are never refused.
        """
        if console:
            return Verdict("ok" if verify(passcode) else "wrong")
        key = f"{client or 'unknown'} {session}" if session else (client or "unknown")
        self._follow_unlocks()
        with self._lock:
            now = self._clock()
            state = self._clients.setdefault(key, _Client())
            if now < state.locked_until:
                return Verdict("locked", state.locked_until - now)
            if now < self._busy_until:
                return Verdict("busy", self._busy_until - now)
            if now < state.next_allowed:
                return Verdict("wait", state.next_allowed - now)
        if verify(passcode):
            with self._lock:
                self._clients.pop(key, None)
            return Verdict("ok")
        with self._lock:
            now = self._clock()
            self._failed(key, state, now)
        return Verdict("wrong")

    def _failed(self, key: str, state: _Client, now: float) -> None:
        state.failures.append(now)
        while state.failures and now - state.failures[0] > LOCK_WINDOW_S:
            state.failures.popleft()
        extra = len(state.failures) - FREE_FAILURES
        if extra > 0:
            state.next_allowed = now + min(2.0 ** extra, MAX_DELAY_S)
        if len(state.failures) >= LOCK_AFTER:
            state.locked_until = now + LOCK_S
            _log_lockout("client", key.split(" ", 1)[0], len(state.failures))
        self._recent.append(now)
        while self._recent and now - self._recent[0] > 60:
            self._recent.popleft()
        if len(self._recent) >= OVERALL_PER_MINUTE and now >= self._busy_until:
            self._busy_until = self._recent[0] + 60
            _log_lockout("overall", "", len(self._recent))

    def reset(self) -> None:
        """The instructor clears every lock-out and count (in every process: see _follow_unlocks)."""
        self._clear()
        path = lockout_log_path()
        if path.exists():
            _append(path, {"at": _now_text(), "kind": "reset"})

    def _clear(self) -> None:
        with self._lock:
            self._clients.clear()
            self._recent.clear()
            self._busy_until = 0.0

    def _follow_unlocks(self) -> None:
        """Clear the counts when the log has a reset written since this process last looked
        (another worker's instructor page, or `python -m lib.cli unlock`)."""
        try:
            stat = lockout_log_path().stat()
            stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        except OSError:
            stamp = None
        if stamp == self._log_seen:
            return
        resets = _reset_count()
        if self._resets_seen is not None and resets > self._resets_seen:
            self._clear()
        self._log_seen, self._resets_seen = stamp, resets

    def locked_clients(self) -> list[str]:
        self._follow_unlocks()
        with self._lock:
            now = self._clock()
            return sorted(k for k, s in self._clients.items() if s.locked_until > now)

    def overall_blocked(self) -> bool:
        with self._lock:
            return self._clock() < self._busy_until


def _now_text() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _append(path, entry: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _log_lockout(kind: str, client: str, failures: int) -> None:
    _append(lockout_log_path(), {"at": _now_text(), "kind": kind, "client": client, "failures": failures})


def _entries() -> list[dict]:
    path = lockout_log_path()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _reset_count() -> int:
    return sum(entry.get("kind") == "reset" for entry in _entries())


def unlock_everywhere() -> None:
    """`python -m lib.cli unlock`: every worker clears its lock-outs on its next attempt."""
    _append(lockout_log_path(), {"at": _now_text(), "kind": "reset", "by": "console"})


def lockouts_since_reset() -> list[dict]:
    """Lock-outs recorded since the instructor last cleared them, newest last."""
    entries = _entries()
    last_reset = max((i for i, e in enumerate(entries) if e.get("kind") == "reset"), default=-1)
    return entries[last_reset + 1:]


GUARD = PasscodeGuard()
