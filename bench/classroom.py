"""A classroom on one server: N simulated trainees clicking through pages over Streamlit's websocket.

Each trainee is a websocket client speaking Streamlit's own protocol, as a browser does:
it connects to /_stcore/stream, asks for its first page by name (a deep link, page_name),
then moves through the sidebar by the page_script_hash that the server's navigation
message lists, waiting 2–5 s between clicks. A page run is timed from the request to the
server's script_finished; every run's elements are recorded, and an exception element or
an error alert counts as an error.

    python bench/classroom.py                      # 1, 10 and 30 users, 120 s each
    python bench/classroom.py --users 30 --duration 1800 --rss-every 60
    python bench/classroom.py --first-loads 30     # a fresh server, 30 first loads within 2 s
    python bench/classroom.py --url http://127.0.0.1:8501 --users 10   # a server already running
    python bench/classroom.py --workers 2 --users 60 --addresses one   # classroom mode, one proxy address
    python bench/classroom.py --workers 1 2 --users 30 --addresses many one

Each size starts a fresh `streamlit run app.py` (its own data folder), or with --workers N
deploy/classroom.sh with N workers behind nginx, loads every page once untimed (the first
start builds the database), then measures. Behind nginx each trainee is a browser with a
cookie of its own, connecting from one address (127.0.0.1, as a room behind one LGWAN proxy)
or from many (127.0.0.2, 127.0.0.3 …). Printed first: one JSON line `classroom_conditions`
(commit, data folder, config, think time, users, workers, addresses, CPUs, load average);
then one JSON line per figure (classroom_page_p50_s, classroom_page_p95_s, classroom_rss_mb,
classroom_cpu_per_run_s, with the load average before and after in the note), a per-page table
and, behind nginx, how many trainees each worker served.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Figure  # noqa: E402

# The pages a classroom clicks through (url paths; "" is home).
PAGE_MIX = ["", "catalog", "chart_builder", "pivot_table", "statistics", "survey_analysis", "map"]
RUN_TIMEOUT_S = 300


@dataclass
class PageRun:
    """One page run as the client saw it."""
    page: str
    seconds: float
    elements: dict[tuple, str] = field(default_factory=dict)  # delta path -> element or block type
    errors: list[str] = field(default_factory=list)

    def element_counts(self) -> Counter:
        return Counter(self.elements.values())


class Trainee:
    """One browser tab: a websocket session on the app."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None, source_address: str | None = None):
        self.stream_url = base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.headers = headers or {}  # e.g. the browser's Cookie
        self.source_address = source_address  # e.g. 127.0.0.7: another PC, as nginx sees it
        self.page_hashes: dict[str, str] = {}  # url path -> page_script_hash, from the navigation message
        self.socket = None

    async def __aenter__(self):
        self.socket = await connect(self.stream_url, subprotocols=["streamlit"], max_size=None,
                                    open_timeout=RUN_TIMEOUT_S, ping_interval=None, additional_headers=self.headers,
                                    local_addr=(self.source_address, 0) if self.source_address else None)
        return self

    async def __aexit__(self, *_):
        await self.socket.close()

    async def open_page(self, page: str) -> PageRun:
        """Run `page`: by name on the first load, by its script hash after the navigation message."""
        message = BackMsg()
        if page in self.page_hashes:
            message.rerun_script.page_script_hash = self.page_hashes[page]
        else:
            message.rerun_script.page_name = page
        message.rerun_script.query_string = ""
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        run = PageRun(page, 0.0)
        while True:
            forward = ForwardMsg.FromString(await asyncio.wait_for(self.socket.recv(), RUN_TIMEOUT_S))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                run.elements.clear()  # a rerun (e.g. st.rerun) starts the page again
            elif kind == "navigation":
                self.page_hashes = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "delta":
                self._record(run, forward)
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {forward.page_not_found.page_name}")
            elif kind == "session_event" and forward.session_event.WhichOneof("type") == "script_compilation_exception":
                run.errors.append(forward.session_event.script_compilation_exception.message)
            elif kind == "script_finished":
                if forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    run.seconds = time.perf_counter() - started
                    return run

    @staticmethod
    def _record(run: PageRun, forward: ForwardMsg) -> None:
        delta = forward.delta
        path = tuple(forward.metadata.delta_path)
        if delta.WhichOneof("type") == "new_element":
            element = delta.new_element
            kind = element.WhichOneof("type")
            run.elements[path] = kind
            if kind == "exception":
                run.errors.append(f"{element.exception.type}: {element.exception.message}")
            elif kind == "alert" and element.alert.format == Alert.ERROR:
                run.errors.append(element.alert.body)
        elif delta.WhichOneof("type") == "add_block":
            run.elements[path] = "block:" + (delta.add_block.WhichOneof("type") or "vertical")


def browser(seed: int, many_addresses: bool) -> dict:
    """What tells one trainee's browser apart: its own cookie, and (many_addresses) its own source address."""
    return {"headers": {"Cookie": f"workbench_worker=bench-browser-{seed}"},
            "source_address": f"127.0.{1 + seed // 250}.{2 + seed % 250}" if many_addresses else None}


async def trainee_session(base_url: str, pages: list[str], deadline: float, think: tuple[float, float],
                          runs: list[PageRun], seed: int, many_addresses: bool = False) -> None:
    """One trainee: a first page by name, then clicks through the sidebar until the deadline."""
    rng = random.Random(seed)
    async with Trainee(base_url, **browser(seed, many_addresses)) as trainee:
        page = rng.choice(pages)
        while time.perf_counter() < deadline:
            try:
                runs.append(await trainee.open_page(page))
            except (asyncio.TimeoutError, OSError) as error:
                runs.append(PageRun(page, RUN_TIMEOUT_S, errors=[f"{type(error).__name__}: {error}"]))
                return
            await asyncio.sleep(rng.uniform(*think))
            page = rng.choice([p for p in pages if p != page])


async def classroom(base_url: str, users: int, seconds: float, think: tuple[float, float],
                    pages: list[str], many_addresses: bool = False) -> list[PageRun]:
    """`users` trainees arriving over the first think time, clicking for `seconds`."""
    runs: list[PageRun] = []
    deadline = time.perf_counter() + seconds

    async def arrive(i: int):
        await asyncio.sleep(random.Random(i).uniform(0, think[1]))
        await trainee_session(base_url, pages, deadline, think, runs, seed=i, many_addresses=many_addresses)

    await asyncio.gather(*(arrive(i) for i in range(users)))
    return runs


async def first_loads(base_url: str, users: int, within: float, pages: list[str]) -> list[PageRun]:
    """`users` browsers opening the app (each a page by URL) within `within` seconds."""
    runs: list[PageRun] = []

    async def one(i: int):
        rng = random.Random(1000 + i)
        await asyncio.sleep(rng.uniform(0, within))
        page = rng.choice(pages)
        try:
            async with Trainee(base_url) as trainee:
                runs.append(await trainee.open_page(page))
        except (asyncio.TimeoutError, OSError) as error:
            runs.append(PageRun(page, RUN_TIMEOUT_S, errors=[f"{type(error).__name__}: {error}"]))

    await asyncio.gather(*(one(i) for i in range(users)))
    return runs


# --- the server -----------------------------------------------------------------------

class Server:
    """`streamlit run app.py` on a free port with a fresh data folder (or a server already running)."""

    def __init__(self, url: str | None = None, config: list[str] | None = None):
        self.process = None
        self.url = url
        self.config = config or []

    def __enter__(self):
        if self.url:
            return self
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "WORKBENCH_DATA_DIR": tempfile.mkdtemp(prefix="classroom-data-")}
        self.log = open(Path(env["WORKBENCH_DATA_DIR"]) / "server.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *self.config],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def __exit__(self, *_):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.log.close()

    def rss_mb(self) -> float | None:
        if self.process is None:
            return None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return None

    def cpu_seconds(self) -> float | None:
        if self.process is None:
            return None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ClassroomMode:
    """deploy/classroom.sh with `workers` workers behind nginx, on free ports and a fresh data folder."""

    def __init__(self, workers: int):
        self.workers = workers

    def __enter__(self):
        base = _consecutive_free_ports(self.workers + 1)
        self.data_dir = Path(tempfile.mkdtemp(prefix="classroom-data-"))
        self.run_dir = self.data_dir / "classroom"
        self.ports = list(range(base, base + self.workers))
        self.url = f"http://127.0.0.1:{base + self.workers}"
        self.log = open(self.data_dir / "classroom.out", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            ["bash", "deploy/classroom.sh", str(self.workers), str(base + self.workers)], cwd=ROOT,
            env={**os.environ, "WORKBENCH_DATA_DIR": str(self.data_dir), "WORKBENCH_WORKER_BASE_PORT": str(base)},
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 900
        while time.time() < deadline:
            if all(_healthy(f"http://127.0.0.1:{port}") for port in self.ports) and _healthy(self.url):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(1)
        self.__exit__()
        raise RuntimeError("classroom mode did not start: see " + str(self.data_dir / "classroom.out"))

    def __exit__(self, *_):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the script stops its workers and nginx
            self.process.wait(timeout=120)
        self.log.close()

    def _pids(self) -> list[int]:
        return [int((self.run_dir / f"worker-{port}.pid").read_text()) for port in self.ports]

    def rss_mb(self) -> float | None:
        return sum(_process_rss_mb(pid) for pid in self._pids())

    def cpu_seconds(self) -> float | None:
        return sum(_process_cpu_seconds(pid) for pid in self._pids())

    def browsers_per_worker(self) -> dict[str, int]:
        """How many distinct browsers each worker served a websocket to (from nginx's access log)."""
        seen: dict[str, set] = defaultdict(set)
        for line in (self.run_dir / "nginx-access.log").read_text().splitlines():
            match = re.search(r'"GET /_stcore/stream[^"]*" \d+ (\S+) sticky=(\S+)', line)
            if match and match.group(2).startswith("bench-browser-"):
                seen[match.group(1)].add(match.group(2))
        return {worker: len(browsers) for worker, browsers in sorted(seen.items())}


def _consecutive_free_ports(count: int) -> int:
    first = 20000 + random.randrange(30000)
    while True:
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            first += count


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _process_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- conditions ---------------------------------------------------------------------------

def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return ""


def conditions(users: int, workers: int, addresses: str, think: tuple[float, float], seconds: float,
               config: list[str], url: str | None) -> dict:
    """Everything a figure depends on that is not in the figure: so that it can be reproduced."""
    streamlit_config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    import streamlit

    return {
        "commit": _git("rev-parse", "--short", "HEAD")
        + (" (modified)" if _git("status", "--porcelain", "-uno") else ""),
        "server": url
        or (f"deploy/classroom.sh, {workers} workers behind nginx" if workers else "one `streamlit run app.py`"),
        "data_folder": "an existing server's (not inspected)"
        if url
        else "fresh temporary folder: published database built at start, demo course seeded, "
        "every page loaded once untimed before measuring",
        "config": {
            "runner.postScriptGC": streamlit_config.get("runner", {}).get("postScriptGC"),
            "server.fileWatcherType": streamlit_config.get("server", {}).get("fileWatcherType"),
            "overrides": config,
        },
        "users": users,
        "workers": workers or 1,
        "addresses": addresses if workers else "one (127.0.0.1, direct)",
        "think_s": list(think),
        "duration_s": seconds,
        "pages": [p or "home" for p in PAGE_MIX],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- figures ----------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def page_table(runs: list[PageRun]) -> str:
    by_page: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    for run in runs:
        by_page[run.page or "home"].append(run.seconds)
        errors[run.page or "home"] += len(run.errors)
    lines = ["| page | runs | p50 s | p95 s | max s | errors |", "|---|---|---|---|---|---|"]
    for page, times in sorted(by_page.items()):
        lines.append(f"| {page} | {len(times)} | {percentile(times, .5):.2f} | {percentile(times, .95):.2f} "
                     f"| {max(times):.2f} | {errors[page]} |")
    return "\n".join(lines)


def measure(users: int, seconds: float, think: tuple[float, float], url: str | None, rss_every: float,
            config: list[str], workers: int = 0, addresses: str = "one") -> list[Figure]:
    print(json.dumps({"name": "classroom_conditions",
                      **conditions(users, workers, addresses, think, seconds, config, url)},
                     ensure_ascii=False), flush=True)
    size = f"{users} users, {workers} workers, {addresses} address(es)" if workers else users
    with (ClassroomMode(workers) if workers else Server(url, config)) as server:
        warm = asyncio.run(first_loads(server.url, 1, 0, [""]))  # first start: database, caches
        for page in PAGE_MIX:
            warm += asyncio.run(first_loads(server.url, 1, 0, [page]))
        cpu_before, load_before = server.cpu_seconds(), os.getloadavg()
        rss_samples: list[tuple[float, float]] = []

        async def run_with_rss():
            task = asyncio.ensure_future(classroom(server.url, users, seconds, think, PAGE_MIX,
                                                   many_addresses=addresses == "many"))
            started = time.perf_counter()
            while rss_every and not task.done():
                await asyncio.wait([task], timeout=rss_every)
                if server.rss_mb() is not None:
                    rss_samples.append((time.perf_counter() - started, server.rss_mb()))
            return await task

        runs = asyncio.run(run_with_rss())
        cpu = (server.cpu_seconds() - cpu_before) if cpu_before is not None else None
        rss, load_after = server.rss_mb(), os.getloadavg()
        spread = server.browsers_per_worker() if workers else None
    times = [r.seconds for r in runs]
    errors = [e for r in runs for e in r.errors]
    load = f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    note = f"{len(runs)} page runs, {len(errors)} errors, {seconds:.0f} s, think {think[0]:g}-{think[1]:g} s; {load}"
    if spread is not None:
        note += f"; browsers per worker {spread}"
    figures = [Figure("classroom_page_p50_s", size, "s", percentile(times, .5), len(runs), note=note),
               Figure("classroom_page_p95_s", size, "s", percentile(times, .95), len(runs), note=note)]
    if cpu is not None:
        figures.append(Figure("classroom_cpu_per_run_s", size, "s", cpu / max(1, len(runs)), len(runs),
                              note=f"server process CPU (all workers) over the measured period / page runs; {load}"))
    if rss is not None:
        samples = ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in rss_samples)
        figures.append(
            Figure(
                "classroom_rss_mb",
                size,
                "MB",
                rss,
                1,
                note=f"server RSS at the end; samples: {samples}" if samples else "server RSS at the end",
            )
        )
    print(page_table(runs), file=sys.stderr)
    for error in Counter(errors).most_common(10):
        print(f"error x{error[1]}: {error[0][:300]}", file=sys.stderr)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="*", default=[1, 10, 30])
    parser.add_argument("--duration", type=float, default=120, help="seconds of clicking per size")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0))
    parser.add_argument("--url", help="a server already running (default: start a fresh one per size)")
    parser.add_argument("--rss-every", type=float, default=0, help="sample the server's RSS every N seconds")
    parser.add_argument("--first-loads", type=int, help="instead: N first page loads within --within s "
                                                        "of a fresh start")
    parser.add_argument("--within", type=float, default=2.0)
    parser.add_argument("--config", nargs="*", default=[], help="extra `streamlit run` options, e.g. "
                                                                "--config=--runner.postScriptGC=true")
    parser.add_argument("--workers", type=int, nargs="*", default=[0],
                        help="classroom mode (deploy/classroom.sh) with N workers behind nginx; 0: one plain server")
    parser.add_argument("--addresses", nargs="*", choices=["one", "many"], default=["one"],
                        help="behind nginx: every trainee from 127.0.0.1 (one proxy), or each from its own")
    args = parser.parse_args(argv)
    if args.first_loads:
        with Server(args.url, args.config) as server:
            load = os.getloadavg()
            runs = asyncio.run(first_loads(server.url, args.first_loads, args.within, PAGE_MIX))
        failed = [r for r in runs if r.errors]
        times = [r.seconds for r in runs]
        print(page_table(runs), file=sys.stderr)
        for run in failed[:10]:
            print(f"{run.page}: {run.errors[0][:300]}", file=sys.stderr)
        note = f"{len(runs) - len(failed)} of {len(runs)} first loads succeeded; load average {load[0]:.2f}"
        for name, value in (("classroom_first_load_failures", len(failed)),
                            ("classroom_first_load_max_s", max(times)),
                            ("classroom_first_load_p50_s", percentile(times, .5))):
            print(Figure(name, args.first_loads, "s" if name.endswith("_s") else "count", value,
                         len(runs), note=note).as_json(), flush=True)
        return 0 if not failed else 1
    for workers in args.workers:
        for addresses in args.addresses if workers else ["one"]:
            for users in args.users:
                for figure in measure(users, args.duration, tuple(args.think), args.url, args.rss_every,
                                      args.config, workers, addresses):
                    print(figure.as_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
