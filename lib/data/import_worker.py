"""Reading an import file in a worker process, with a memory limit and a time limit over the whole read.

The guards in import_guards refuse what can be told before reading (size, zip bombs, width). What
only shows while reading cannot take the server with it: one 450 MB string in an xlsx's shared
strings, or ten million of them, are read before any row, where a row-by-row time check never runs.
So `read_file_guarded` runs `lib.data.importing.read_file` in a child process whose address space is
limited (RLIMIT_AS) and which is killed at the time limit, wherever it is. A valid file that needs
more memory is called too large, not broken.

Run as `python -m lib.data.import_worker`; it reads one pickled request on stdin and writes progress
messages and one pickled answer on stdout (length-prefixed, as lib.analysis.sql_worker does).
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from lib import settings
from lib.data import import_guards
from lib.data.import_result import DataImportError, ImportResult, Progress
from lib.data.importing import read_file

try:
    import resource
except ImportError:  # Windows: no address-space limit; the time limit still holds
    resource = None

IMPORT_MEMORY_MB = int(os.environ.get("WORKBENCH_IMPORT_MEMORY_MB", "2048"))
_MAX_ANSWER_BYTES = 4 << 30  # the answer is bounded by the child's own memory limit


def _send(stream, payload: bytes) -> None:
    stream.write(len(payload).to_bytes(8, "big"))
    stream.write(payload)
    stream.flush()


def _receive(stream) -> bytes | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    length = int.from_bytes(head, "big")
    if length > _MAX_ANSWER_BYTES:
        return None
    data = stream.read(length)
    return data if len(data) == length else None


def _limits_env(memory_mb: int, seconds: float) -> dict[str, str]:
    """The child's environment: the guards as this process has them now (settings, or a test's)."""
    mb = 1024 * 1024
    return {**os.environ,
            "WORKBENCH_IMPORT_MAX_MB": str(import_guards.MAX_IMPORT_BYTES / mb),
            "WORKBENCH_IMPORT_MAX_UNZIPPED_MB": str(import_guards.MAX_UNZIPPED_BYTES / mb),
            "WORKBENCH_IMPORT_MAX_COLUMNS": str(import_guards.MAX_IMPORT_COLUMNS),
            "WORKBENCH_IMPORT_MAX_CELLS": str(import_guards.MAX_IMPORT_CELLS),
            "WORKBENCH_IMPORT_MAX_SECONDS": str(seconds),
            "WORKBENCH_IMPORT_MEMORY_MB": str(memory_mb),
            # GDAL refuses one GeoJSON feature over 200 MB as if broken; memory is bounded here instead.
            "OGR_GEOJSON_MAX_OBJ_SIZE": os.environ.get("OGR_GEOJSON_MAX_OBJ_SIZE", "0")}


def read_file_guarded(path: str | Path, *, progress: Progress | None = None, memory_mb: int | None = None,
                      time_limit_s: float | None = None, **options) -> ImportResult:
    """`importing.read_file(path, **options)` in a worker process under a memory and a time limit."""
    path = Path(path)
    memory_mb = IMPORT_MEMORY_MB if memory_mb is None else int(memory_mb)
    seconds = import_guards.MAX_IMPORT_SECONDS if time_limit_s is None else float(time_limit_s)
    import_guards.check_size(path, options.get("max_bytes"))  # refused at once, without a process
    child = subprocess.Popen([sys.executable, "-m", "lib.data.import_worker"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, cwd=settings.REPO_ROOT, env=_limits_env(memory_mb, seconds))
    timed_out = threading.Event()

    def stop_at_deadline() -> None:
        timed_out.set()
        child.kill()

    kind, values = "died", []
    try:
        if _receive(child.stdout) is not None:  # ready: its imports done, which are not the file's fault
            watchdog = threading.Timer(seconds, stop_at_deadline)  # the deadline covers the whole read
            watchdog.start()
            try:
                _send(child.stdin, pickle.dumps({"path": str(path), "options": options}))
                child.stdin.close()
                while (message := _receive(child.stdout)) is not None:
                    kind, *values = pickle.loads(message)  # noqa: S301  (our own child's answer)
                    if kind != "progress":
                        break
                    if progress is not None:
                        progress(*values)
                    kind = "died"
            finally:
                watchdog.cancel()
    except OSError:  # the child died while we wrote to it
        kind = "died"
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    if kind == "ok":
        return values[0]
    if kind == "error":
        raise DataImportError(values[0], **values[1])
    if timed_out.is_set():
        raise DataImportError("too_slow", name=path.name, seconds=seconds)
    raise DataImportError("out_of_memory", name=path.name, limit_mb=memory_mb)  # MemoryError, or killed by it


def _serve() -> None:
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the real stdout
    if resource is not None:
        limit = IMPORT_MEMORY_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _send(answers, b"ready")
    request = pickle.loads(_receive(requests))  # noqa: S301  (from the server that started us)

    def progress(fraction: float, message: str) -> None:
        _send(answers, pickle.dumps(("progress", fraction, message)))

    try:
        answer = ("ok", read_file(request["path"], progress=progress, **request["options"]))
    except DataImportError as refused:
        answer = ("error", refused.key, refused.values)
    except MemoryError:
        answer = ("memory",)
    try:
        payload = pickle.dumps(answer)
    except MemoryError:
        payload = pickle.dumps(("memory",))
    _send(answers, payload)


if __name__ == "__main__":
    _serve()
