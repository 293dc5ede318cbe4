"""Classroom-server mode (deploy/classroom.sh): 3 supervised workers behind nginx, sticky by browser.

One classroom for the module, on free ports and a data folder of its own. Users are websocket
clients speaking Streamlit's protocol (bench/classroom.py), all from one address (127.0.0.1), as
PCs behind one LGWAN proxy are. Which worker served a request is read from nginx's access log.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.classroom import Trainee
from tests.conftest import ROOT
from tests.fixtures.event_loop import run_in_own_thread

WORKERS = 3
BROWSERS = [f"browser-{i}" for i in range(12)]
PAGES = ["", "catalog", "pivot_table"]
START_LIMIT_S = 600  # a safety net for a machine under load, not a figure

if shutil.which("nginx") is None and not os.environ.get("CI"):
    pytest.skip("nginx is not installed (CI installs it from Debian)", allow_module_level=True)


def _ports_free(*ports: int) -> bool:
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        first = sock.getsockname()[1]
    while not _ports_free(*range(first, first + count)):
        first = 20000 + (first + count) % 40000
    return first


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_until(check, what: str, limit_s: float = START_LIMIT_S):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    raise AssertionError(f"never happened: {what}")


@dataclass
class Classroom:
    process: subprocess.Popen
    url: str
    worker_ports: list[int]
    run_dir: Path

    def worker_pid(self, port: int) -> int | None:
        """The process of the Streamlit worker on `port` (None while there is none)."""
        wanted = f"--server.port\0{port}\0".encode()
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and wanted in (proc / "cmdline").read_bytes() \
                        and os.getpgid(int(proc.name)) == self.process.pid:
                    return int(proc.name)
            except OSError:
                continue
        return None

    def worker_of(self, cookie: str | None) -> tuple[int, str | None]:
        """(the worker port that served a request with this browser cookie, the cookie nginx set)."""
        probe = uuid.uuid4().hex
        request = urllib.request.Request(f"{self.url}/_stcore/health?probe={probe}")
        if cookie:
            request.add_header("Cookie", f"workbench_worker={cookie}")
        with urllib.request.urlopen(request, timeout=30) as response:
            set_cookie = next((value for value in response.headers.get_all("Set-Cookie") or []
                               if value.startswith("workbench_worker=")), None)
        # nginx logs a request just after answering it
        line = _wait_until(lambda: next((line for line in (self.run_dir / "nginx-access.log").read_text().splitlines()
                                         if f"probe={probe} " in line), None), "the request in the access log", 60)
        upstream = line.split('" ', 1)[1].split()[1]  # after the status: the worker's address
        return int(upstream.rsplit(":", 1)[1]), set_cookie


@pytest.fixture(scope="module")
def classroom(store, tmp_path_factory):
    """deploy/classroom.sh with 3 workers; the demo's published build copied in (so nothing is rebuilt)."""
    data = tmp_path_factory.mktemp("classroom-data")
    shutil.copy(store.current_build_path, data / "published.json")
    shutil.copytree(store.builds_dir, data / "published-builds")
    base = _free_ports(WORKERS + 1)
    ports = list(range(base, base + WORKERS))
    log = open(data / "classroom.out", "wb")  # noqa: SIM115 - closed after the process
    process = subprocess.Popen(
        ["bash", "deploy/classroom.sh", str(WORKERS), str(base + WORKERS)], cwd=ROOT,
        env={**os.environ, "WORKBENCH_DATA_DIR": str(data), "WORKBENCH_WORKER_BASE_PORT": str(base)},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    room = Classroom(process, f"http://127.0.0.1:{base + WORKERS}", ports, data / "classroom")
    try:
        _wait_until(lambda: all(_healthy(f"http://127.0.0.1:{port}") for port in ports) and _healthy(room.url),
                    "3 workers and nginx answering")
        yield room
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_browsers_behind_one_address_spread_over_the_workers_and_each_stays_on_one(classroom):
    landed = {browser: {classroom.worker_of(browser)[0] for _ in range(3)} for browser in BROWSERS}
    assert [browser for browser, workers in landed.items() if len(workers) != 1] == []
    assert len(set().union(*landed.values())) >= 2
    # A browser without the cookie is given one; with it, it comes back to the worker that served it.
    first_worker, set_cookie = classroom.worker_of(None)
    assert set_cookie
    cookie = set_cookie.split(";", 1)[0].split("=", 1)[1]
    assert {classroom.worker_of(cookie)[0] for _ in range(3)} == {first_worker}
    assert classroom.worker_of(cookie)[1] is None  # not set again


@dataclass
class User:
    browser: str
    worker: int
    runs_before_kill: int = 0
    runs_after_kill: int = 0
    errors: list[str] = field(default_factory=list)
    disconnected: bool = False


async def _click(classroom: Classroom, user: User, victim: int, killed: asyncio.Event,
                 enough: asyncio.Event) -> None:
    """Pages one after another until `enough`; a dropped connection ends the session."""
    try:
        async with Trainee(classroom.url, {"Cookie": f"workbench_worker={user.browser}"}) as trainee:
            turn = 0
            while not enough.is_set():
                run = await trainee.open_page(PAGES[turn % len(PAGES)])
                turn += 1
                user.errors += run.errors
                if killed.is_set():
                    user.runs_after_kill += 1
                else:
                    user.runs_before_kill += 1
                await asyncio.sleep(0.5)
    except Exception as error:  # noqa: BLE001 - what a user saw is counted, whatever it is
        if killed.is_set() and user.worker == victim:
            user.disconnected = True
        else:
            user.errors.append(f"{type(error).__name__}: {error}")


async def _kill_one_worker_under_load(classroom: Classroom, users: list[User], victim: int) -> None:
    killed, enough = asyncio.Event(), asyncio.Event()
    sessions = [asyncio.ensure_future(_click(classroom, user, victim, killed, enough)) for user in users]
    others = [user for user in users if user.worker != victim]

    async def until(condition) -> None:
        while not condition() and not all(session.done() for session in sessions):
            await asyncio.sleep(0.5)

    await until(lambda: all(user.runs_before_kill for user in users))
    os.kill(classroom.worker_pid(victim), signal.SIGKILL)
    killed.set()
    await until(lambda: all(user.runs_after_kill >= 2 or user.errors for user in others))
    enough.set()
    await asyncio.gather(*sessions)


def test_a_worker_killed_under_load_comes_back_and_the_others_users_see_nothing(classroom):
    users = [User(browser, classroom.worker_of(browser)[0]) for browser in BROWSERS]
    by_worker = {port: [u for u in users if u.worker == port] for port in classroom.worker_ports}
    victim = next(port for port, on_it in by_worker.items() if on_it)
    assert [u for u in users if u.worker != victim], "every browser landed on one worker"
    killed_pid = classroom.worker_pid(victim)

    run_in_own_thread(_kill_one_worker_under_load(classroom, users, victim))

    others = [user for user in users if user.worker != victim]
    assert {user.browser: user.errors for user in users if user.errors} == {}
    assert [user.browser for user in others if user.runs_after_kill < 2] == []
    assert [user.browser for user in by_worker[victim] if not user.disconnected] == []
    # The supervisor started the killed worker again, and its browsers come back to it.
    _wait_until(lambda: classroom.worker_pid(victim) not in (None, killed_pid), "the killed worker restarted")
    _wait_until(lambda: _healthy(f"http://127.0.0.1:{victim}"), "the restarted worker answering")
    comeback = by_worker[victim][0].browser
    _wait_until(lambda: classroom.worker_of(comeback)[0] == victim, "nginx sending its browsers back to it")

    async def reconnect():
        async with Trainee(classroom.url, {"Cookie": f"workbench_worker={comeback}"}) as trainee:
            return await trainee.open_page("")

    assert run_in_own_thread(reconnect()).errors == []


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_every_worker_and_nginx(classroom):
    os.killpg(classroom.process.pid, signal.SIGINT)  # what Ctrl+C in the terminal sends
    classroom.process.wait(timeout=START_LIMIT_S)
    _wait_until(lambda: not _group_alive(classroom.process.pid), "every process of the classroom gone", 120)
    assert not _healthy(classroom.url)
