"""Worker processes that run trainee SQL, so that no query can take the server down.

A worker is a separate Python process with its own locked, read-only connection to the published
database. Its address space is limited (RLIMIT_AS, where the OS has one), it interrupts a query at
the time limit itself, and it hands back at most a byte budget of rows, converted here to the
DataFrame the page shows (nested values as capped text) and cut again to the budget measured on the
Python objects, pickled: the server only unpickles, so a result small as Arrow but huge as Python
objects costs the server nothing. The server kills a worker that does not answer in time (a query
stuck where an interrupt cannot reach it) or that died, and starts a fresh one when needed: a
hostile query costs its author an error message and the other users nothing.

Run as `python -m lib.analysis.sql_worker MEMORY_MB`; it reads length-prefixed JSON
requests on stdin and writes a JSON header and a pickled DataFrame per request on stdout.
"""
from __future__ import annotations

import json
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from lib import settings
from lib.data.build_holds import BuildHold
from lib.data.duckdb_lockdown import open_locked_read_only

try:
    import resource
except ImportError:  # Windows: no address-space limit; the time limit and byte budget still hold
    resource = None

_LENGTH = struct.Struct(">Q")
BATCH_ROWS = 256
MAX_MESSAGE_BYTES = 1 << 20  # requests and headers are small JSON
WORKER_NICENESS = 5  # a heavy query yields the CPU to the pages of everyone else
GRACE_S = 3.0  # beyond the time limit, before the server kills a worker that did not stop itself
START_TIMEOUT_S = 60.0
NESTED_TEXT_CHARS = 200  # a list, struct or map is shown as its text, cut here
NESTED_ELEMENTS = NESTED_TEXT_CHARS // 2 + 1  # at 2+ characters each, more than the text shows


class WorkerFailed(Exception):
    """No answer: `kind` is timeout (killed at the deadline), busy, own_busy or crashed."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _send(stream, payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _receive(stream, max_bytes: int) -> bytes | None:
    """One message, or None at the end of the stream; a message over `max_bytes` is refused unread."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    if length > max_bytes:
        raise WorkerFailed("crashed")
    data = stream.read(length)
    return data if len(data) == length else None


# worker side -----------------------------------------------------------------------------

def error_kind(exc: BaseException) -> str:
    """The kind of a failed query, which lib.analysis.user_sql turns into a sentence."""
    kinds = [
        (duckdb.InterruptException, "timeout"), (duckdb.PermissionException, "permission"),
        (duckdb.CatalogException, "catalog"), (duckdb.BinderException, "binder"),
        ((duckdb.OutOfMemoryException, MemoryError), "memory"), (duckdb.ParserException, "syntax"),
        ((duckdb.InvalidInputException, duckdb.NotImplementedException), "refused"),
    ]
    return next((kind for types, kind in kinds if isinstance(exc, types)), "error")


def _rows_within(batch: pa.RecordBatch, rows: int, budget: int) -> int:
    """The most leading rows of `batch` (at most `rows`) whose bytes fit in `budget`."""
    low, high = 0, rows
    while low < high:
        middle = (low + high + 1) // 2
        if batch.slice(0, middle).nbytes <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def fetch_within(reader: pa.RecordBatchReader, row_cap: int, byte_budget: int):
    """Batches up to `row_cap` rows and `byte_budget` bytes; and what stopped it (None, rows, bytes)."""
    batches, rows, size = [], 0, 0
    for batch in reader:
        if batch.num_rows == 0:
            continue
        if rows == row_cap:
            return batches, "rows"
        take = min(batch.num_rows, row_cap - rows)
        if size + batch.slice(0, take).nbytes > byte_budget:
            take = _rows_within(batch, take, byte_budget - size)
            if take:
                batches.append(batch.slice(0, take))
            return batches, "bytes"
        batches.append(batch.slice(0, take))
        rows += take
        size += batches[-1].nbytes
        if take < batch.num_rows:
            return batches, "rows"
    return batches, None


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique the way DuckDB names a table's: a repeated `id` becomes `id_1`, `id_2`…"""
    seen, result = set(names), []
    for name in names:
        if name in result:
            number = 1
            while f"{name}_{number}" in seen:
                number += 1
            name = f"{name}_{number}"
            seen.add(name)
        result.append(name)
    return result


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _capped_text(name: str, kind: pa.DataType) -> str:
    """SQL for a nested value's text, cut: lists and maps first cut to their leading elements (cheap),
    then cast and cut to NESTED_TEXT_CHARS + 1 characters (the extra one says it was cut)."""
    value = _quoted(name)
    if pa.types.is_map(kind):
        value = f"map_from_entries(list_slice(map_entries({value}), 1, {NESTED_ELEMENTS}))"
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        value = f"list_slice({value}, 1, {NESTED_ELEMENTS})"
    return f"left(CAST({value} AS VARCHAR), {NESTED_TEXT_CHARS + 1}) AS {_quoted(name)}"


def to_frame(cursor: duckdb.DuckDBPyConnection, table: pa.Table) -> tuple[pd.DataFrame, list[str]]:
    """DuckDB's .df() of the rows, with nested values as text of at most NESTED_TEXT_CHARS; the nested columns.

    .df() turns one map of a million entries into a million Python objects (gigabytes); its text,
    cut, is what a table on screen can show anyway.
    """
    table = table.rename_columns(unique_names(table.column_names))
    nested = {f.name: f.type for f in table.schema if pa.types.is_nested(f.type)}
    relation = cursor.from_arrow(table)
    if nested:
        relation = relation.project(", ".join(_capped_text(n, nested[n]) if n in nested else _quoted(n)
                                              for n in table.column_names))
    frame = relation.df()
    for name in nested:
        frame[name] = frame[name].map(
            lambda text: text[:NESTED_TEXT_CHARS] + "…" if isinstance(text, str) and len(text) > NESTED_TEXT_CHARS
            else text)
    return frame, list(nested)


def python_row_bytes(frame: pd.DataFrame) -> np.ndarray:
    """Each row's bytes as Python holds it (object cells counted one by one)."""
    sizes = np.zeros(len(frame), dtype=np.int64)
    for _name, column in frame.items():
        if getattr(column.dtype, "kind", "O") in "biufcmM":  # fixed-size numbers and times
            sizes += column.dtype.itemsize
        else:  # strings, decimals, bytes: one Python object per cell, plus its pointer
            sizes += np.fromiter((sys.getsizeof(v) for v in column), dtype=np.int64, count=len(column)) + 8
    return sizes


def within_python_budget(frame: pd.DataFrame, budget: int) -> tuple[pd.DataFrame, bool]:
    """The leading rows whose Python objects fit in `budget`; whether rows were cut."""
    fits = int(np.searchsorted(np.cumsum(python_row_bytes(frame)), budget, side="right"))
    return (frame, False) if fits >= len(frame) else (frame.iloc[:fits], True)


def _run(con: duckdb.DuckDBPyConnection, request: dict) -> tuple[dict, bytes]:
    started = time.perf_counter()
    cursor, converter = con.cursor(), con.cursor()

    def interrupt() -> None:
        cursor.interrupt()
        converter.interrupt()

    # The timer starts before DuckDB parses anything (parsing happens inside execute()) and covers converting.
    timer = threading.Timer(request["time_limit_s"], interrupt)
    timer.start()
    try:
        reader = cursor.execute(request["query"]).to_arrow_reader(BATCH_ROWS)
        batches, limited_by = fetch_within(reader, request["row_cap"], request["byte_budget"])
        frame, nested = to_frame(converter, pa.Table.from_batches(batches, reader.schema))
        frame, cut = within_python_budget(frame, request["byte_budget"])
    except (duckdb.Error, MemoryError, pa.ArrowException) as exc:
        return {"ok": False, "kind": error_kind(exc), "detail": str(exc)[:2000]}, b""
    finally:
        timer.cancel()
        cursor.close()  # also ends a query whose rest was not fetched
        converter.close()
    elapsed = time.perf_counter() - started
    limited_by = "bytes" if cut else limited_by
    if limited_by == "bytes" and frame.empty:
        return {"ok": False, "kind": "too_large", "detail": ""}, b""
    header = {"ok": True, "limited_by": limited_by, "elapsed_s": elapsed, "nested": nested}
    return header, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)


def _file_stamp(path: Path) -> tuple:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def serve(memory_mb: int) -> None:
    """The worker's loop: one request in, one answer out, until the server closes stdin."""
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the real stdout
    if resource is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        os.nice(WORKER_NICENESS)
    _send(answers, b"{}")  # ready
    con, opened, hold = None, None, None
    while (message := _receive(requests, MAX_MESSAGE_BYTES)) is not None:
        request = json.loads(message)
        path = Path(request["database"])
        try:
            # The published database is replaced by a rebuild: reopen when the file changed, and hold
            # the build open so that no other process removes it under this connection.
            if con is None or opened != _file_stamp(path):
                if con is not None:
                    con.close()
                if hold is not None:
                    hold.release()
                con, hold = None, BuildHold(path.parent)
                opened = _file_stamp(path)
                con = open_locked_read_only(path, f"{memory_mb // 2}MB", threads=1)
            header, payload = _run(con, request)
        except (OSError, duckdb.Error) as exc:
            con, header, payload = None, {"ok": False, "kind": "error", "detail": type(exc).__name__}, b""
        _send(answers, json.dumps(header).encode())
        _send(answers, payload)


# server side -----------------------------------------------------------------------------

class _Worker:
    def __init__(self, memory_mb: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lib.analysis.sql_worker", str(memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=settings.REPO_ROOT,
        )
        self.killed_at_deadline = False
        self.database: tuple | None = None  # the build it has open (_database_key)
        self._exchange(lambda: _receive(self.process.stdout, MAX_MESSAGE_BYTES), START_TIMEOUT_S)

    def _exchange(self, talk, deadline_s: float):
        watchdog = threading.Timer(deadline_s, self._kill_at_deadline)
        watchdog.start()
        try:
            answer = talk()
        except (OSError, ValueError):
            answer = None
        finally:
            watchdog.cancel()
        if answer is None:
            self.kill()
            raise WorkerFailed("timeout" if self.killed_at_deadline else "crashed")
        return answer

    def _kill_at_deadline(self) -> None:
        self.killed_at_deadline = True
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def ask(self, request: dict, deadline_s: float, max_payload: int) -> tuple[dict, bytes]:
        def talk():
            _send(self.process.stdin, json.dumps(request).encode())
            header = _receive(self.process.stdout, MAX_MESSAGE_BYTES)
            payload = None if header is None else _receive(self.process.stdout, max_payload)
            return None if payload is None else (json.loads(header), payload)

        return self._exchange(talk, deadline_s)


def _database_key(path: str) -> tuple:
    """The database file as the worker would find it: its path and, while it exists, its stamp."""
    try:
        return path, _file_stamp(Path(path))
    except OSError:
        return path, None


class WorkerPool:
    """At most `size` workers run queries at once, started as users need them; idle ones are kept.

    An owner (one user's browser session) holds at most one worker: two tabs of slow queries
    from one user cannot take every worker from the others.
    """

    def __init__(self, size: int, memory_mb: int):
        self.memory_mb = memory_mb
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._owners: set[str] = set()
        self._lock = threading.Lock()

    def run(self, request: dict, wait_s: float, owner: str | None = None) -> tuple[dict, bytes]:
        """Run one request: the header and payload, or WorkerFailed (own_busy: the owner's other query runs)."""
        with self._lock:
            if owner is not None and owner in self._owners:
                raise WorkerFailed("own_busy")
            if owner is not None:
                self._owners.add(owner)
        try:
            return self._run(request, wait_s)
        finally:
            with self._lock:
                self._owners.discard(owner)

    def _run(self, request: dict, wait_s: float) -> tuple[dict, bytes]:
        if not self._slots.acquire(timeout=wait_s):
            raise WorkerFailed("busy")
        try:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            database = _database_key(request["database"])
            if worker is not None and worker.database not in (None, database):
                # Another build was published (or rebuilt under the same name): a fresh process opens it
                # (under RLIMIT_AS, DuckDB aborts the process when a second database is opened after the
                # first was closed).
                worker.kill()
                worker = None
            if worker is None or worker.process.poll() is not None:
                worker = _Worker(self.memory_mb)
            worker.database = database
            header, payload = worker.ask(
                request, request["time_limit_s"] + GRACE_S, request["byte_budget"] * 2 + MAX_MESSAGE_BYTES)
            if header.get("kind") in {"memory", "error"}:
                worker.kill()  # after running out of memory a process is best replaced
            else:
                with self._lock:
                    self._idle.append(worker)
            return header, payload
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
