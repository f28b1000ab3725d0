"""One job at a time: an exclusive ``fcntl.flock`` on a lock file that holds the pid and start time.

The kernel drops a flock when its process dies, however it dies, so a lock left by a killed
job is simply free again; the file still holds the dead job's pid and start time, which is
how a new job can say it took over. A second job while one runs fails at once with
:class:`JobLocked` (no waiting). The file is emptied, never deleted, on release: deleting a
locked path lets two jobs lock two different files of the same name.

Example::

    from analysis.jobs.lock import JobLock
    with JobLock("data/reviewlens.duckdb.run.lock") as lock:
        if lock.took_over:
            print("a killed job left", lock.took_over)
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


class JobLocked(RuntimeError):
    """Another job holds the lock; ``holder`` is what it wrote (pid, started_at)."""

    def __init__(self, path: Path, holder: dict[str, Any]):
        self.path = path
        self.holder = holder
        who = f"pid {holder.get('pid', '?')}, started {holder.get('started_at', '?')} UTC"
        super().__init__(f"another reviewlens job is running ({who}; lock {path}); this one stops now. "
                         f"Wait for it to finish (`reviewlens status` shows the runs), or stop that process.")


def lock_path_for(db: str | os.PathLike) -> Path:
    """The lock file of a database: ``<db>.run.lock`` beside it, so each store has one job."""
    return Path(f"{db}.run.lock")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class JobLock:
    """An exclusive, non-blocking job lock (see the module docstring)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.fd: int | None = None
        self.took_over: dict[str, Any] | None = None

    def acquire(self) -> "JobLock":
        """Take the lock or raise :class:`JobLocked` at once; record who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise JobLocked(self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        # Free, yet the file names a holder: that job died without releasing (killed, crashed).
        previous = _read(fd)
        self.took_over = previous or None
        mine = {"pid": os.getpid(), "host": socket.gethostname(),
                "started_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(mine).encode("utf-8"), 0)
        os.fsync(fd)
        self.fd = fd
        return self

    def release(self) -> None:
        """Empty the file and drop the lock (an empty file means the last job ended cleanly)."""
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "JobLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read(fd: int) -> dict[str, Any]:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data.decode("utf-8")) if data.strip() else {}
    except (ValueError, OSError):
        return {"pid": "?", "note": "unreadable lock file"}
