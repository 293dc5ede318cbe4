"""Which processes have a published build open: each holds a shared lock on the build's lock file.

Several processes (classroom workers, the CLI, trainee SQL workers) read one data folder. A build
folder is removed only under an exclusive lock on its lock file, which the OS grants only when no
process holds a shared one, and the OS drops a dead process's locks itself (kill -9 included), so
no marker is ever left stale.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: a file still open elsewhere cannot be deleted there, guard enough
    fcntl = None

LOCK_NAME = "in-use.lock"


class BuildHold:
    """A shared lock on one build folder, held while this process may open its files.

    Raises FileNotFoundError when the folder is gone or is being removed.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        lock_path = self.folder / LOCK_NAME
        self._fd: int | None = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_SH)
        try:  # a removal may have run between opening the lock file and locking it
            removed = os.stat(lock_path).st_ino != os.fstat(self._fd).st_ino
        except FileNotFoundError:
            removed = True
        if removed:
            self.release()
            raise FileNotFoundError(f"build removed: {self.folder.name}")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def remove_if_unused(folder: Path) -> bool:
    """Delete a build folder unless some process holds it; True if it is gone."""
    folder = Path(folder)
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except FileNotFoundError:
        return not folder.exists()
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
        # The lock file goes last: whoever opened it meanwhile sees it replaced and backs off.
        for path in sorted(folder.iterdir(), key=lambda p: p.name == LOCK_NAME):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        folder.rmdir()
        return True
    except OSError:  # Windows: still open elsewhere; removed on a later publish
        return False
    finally:
        os.close(fd)
