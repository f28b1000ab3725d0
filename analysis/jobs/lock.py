"""One job at a time per store: an exclusive ``fcntl.flock`` on a lock file that says who holds it.

The kernel drops a flock when its process dies, however it dies, so a lock left by a killed
job is simply free again (stale) and the next job takes it over; the file still holds the dead
job's note (pid, host, start time, command, run id), which is how the new job can say it took
over. A second job while one runs fails at once with :class:`JobLocked` (no waiting). The file
is emptied, never deleted, on release: deleting a locked path lets two jobs lock two different
files of the same name.

Every writer of the derived tables takes the same lock of its store (``<db>.run.lock``):
`reviewlens run` (crawl, analyze, reports) and `reviewlens analyze`. A job that already holds
it runs its analysis under it (:func:`store_lock` sees the lock is held by this process), so the
scheduled job does not lock itself out.

Example::

    from analysis.jobs.lock import JobLock, store_lock
    with JobLock("data/reviewlens.duckdb.run.lock") as lock:
        if lock.took_over:
            print("a killed job left", lock.took_over)
    with store_lock("data/reviewlens.duckdb", "reviewlens analyze") as lock:
        lock.note(run_id=7)     # a second run's error names the run
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

EXIT_LOCKED = 4  # the exit status of a command stopped by another job's lock (`reviewlens run`, `analyze`)

# the locks this process holds, by the real path of their file, with the thread that took each (see store_lock)
_HELD: dict[str, tuple["JobLock", int]] = {}


class JobLocked(RuntimeError):
    """Another job holds the lock; ``holder`` is what it wrote (pid, host, started_at, ...).

    ``target`` names what the lock guards ("the store data/x.duckdb"); by default the store
    whose ``<db>.run.lock`` the path is.
    """

    def __init__(self, path: Path, holder: dict[str, Any], target: str | None = None):
        self.path = path
        self.holder = holder
        self.target = target or f"the store {_store_of(path)}"
        super().__init__(f"another reviewlens job is running ({describe(holder)}) on {self.target}; "
                         f"this one stops now. {_what_to_do(path, holder)}")


def describe(holder: dict[str, Any]) -> str:
    """The holder of a lock in words: pid, host, start time, command and run ids when known.

    >>> describe({"pid": 12, "host": "box", "started_at": "2024-05-01 10:00:00",
    ...           "command": "reviewlens analyze", "run_id": 7})
    'pid 12 on box, started 2024-05-01 10:00:00 UTC, reviewlens analyze, analysis run 7'
    """
    parts = [f"pid {holder.get('pid', '?')}" + (f" on {holder['host']}" if holder.get("host") else ""),
             f"started {holder.get('started_at', '?')} UTC"]
    if holder.get("command"):
        parts.append(str(holder["command"]))
    if holder.get("job_id") is not None:
        parts.append(f"job #{holder['job_id']}")
    if holder.get("run_id") is not None:
        parts.append(f"analysis run {holder['run_id']}")
    return ", ".join(parts)


def took_over_line(holder: dict[str, Any]) -> str:
    """The log line of a job that took over a stale lock (its holder died without releasing it)."""
    return f"took over the lock left by a job that ended without releasing it ({describe(holder)})"


def _what_to_do(path: Path, holder: dict[str, Any]) -> str:
    pid = holder.get("pid")
    if holder.get("host") == socket.gethostname() and isinstance(pid, int) and not pid_alive(pid):
        # the flock outlives its taker only in a process that inherited the descriptor
        return (f"Process {pid} is gone, yet the lock is still held, by a process it started: "
                f"find it with `fuser -v {path}` and stop it, then run this again.")
    return ("Wait for it to finish (`reviewlens status` shows the runs), or stop it; if that process "
            f"is gone, the lock is stale and is taken over automatically (lock file {path}).")


def lock_path_for(db: str | os.PathLike) -> Path:
    """The lock file of a database: ``<db>.run.lock`` beside it (symlinks resolved), so each store has one job."""
    return Path(f"{os.path.realpath(db)}.run.lock")


def _store_of(path: Path) -> str:
    name = str(path)
    return name[:-len(".run.lock")] if name.endswith(".run.lock") else name


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
    """An exclusive, non-blocking job lock (see the module docstring).

    ``command`` goes into the note other jobs read when they are refused; ``target`` names what
    the lock guards in their message (default: the store of a ``<db>.run.lock`` path).
    """

    def __init__(self, path: str | os.PathLike, command: str | None = None, target: str | None = None):
        self.path = Path(path)
        self.command = command
        self.target = target
        self.fd: int | None = None
        self.took_over: dict[str, Any] | None = None
        self.holder: dict[str, Any] = {}

    def acquire(self) -> "JobLock":
        """Take the lock or raise :class:`JobLocked` at once; record who holds it.

        A lock file that cannot be made (a read-only folder, a path through a file) raises
        ``data.store.StoreError`` naming the file and its folder, which must be writable.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _cannot_create(self.path, self.target, exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise JobLocked(self.path, holder, self.target) from None
        except BaseException:
            os.close(fd)
            raise
        # Free, yet the file names a holder: that job died without releasing (killed, crashed).
        previous = _read(fd)
        self.took_over = previous or None
        self.fd = fd
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(),
                       "started_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")}
        if self.command:
            self.holder["command"] = self.command
        self._write()
        _HELD[_key(self.path)] = (self, threading.get_ident())
        return self

    def note(self, **fields: Any) -> None:
        """Add fields (``run_id=7``) to the note other jobs read; a ``None`` value removes one."""
        if self.fd is None:
            return
        for name, value in fields.items():
            if value is None:
                self.holder.pop(name, None)
            else:
                self.holder[name] = value
        self._write()

    def _write(self) -> None:
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(self.holder, default=str).encode("utf-8"), 0)
        os.fsync(self.fd)

    def release(self) -> None:
        """Empty the file and drop the lock (an empty file means the last job ended cleanly)."""
        if self.fd is None:
            return
        if _HELD.get(_key(self.path), (None, 0))[0] is self:
            del _HELD[_key(self.path)]
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


@contextmanager
def store_lock(db: str | os.PathLike, command: str,
               log: Callable[[str], None] | None = None) -> Iterator[JobLock]:
    """Hold the lock of the store ``db`` for ``command``, or raise :class:`JobLocked` at once.

    A stale lock (its holder died) is taken over and ``log`` told so. When this thread holds the
    lock already (a job running its analysis step), the job's lock is yielded as it is, not taken
    twice; notes added under it are undone on the way out. Another thread is refused like
    another process.
    """
    path = lock_path_for(db)
    held, thread = _HELD.get(_key(path), (None, 0))
    if held is not None and held.fd is not None and thread == threading.get_ident():
        before = dict(held.holder)
        try:
            yield held
        finally:
            if held.fd is not None:
                held.holder = before
                held._write()
        return
    with JobLock(path, command=command, target=f"the store {db}") as lock:
        if lock.took_over and log is not None:
            log(took_over_line(lock.took_over))
        yield lock


@contextmanager
def waiting_lock(path: str | os.PathLike, command: str, target: str,
                 log: Callable[[str], None] | None = None, wait: float = 7200.0,
                 poll: float = 2.0) -> Iterator[JobLock]:
    """Hold the lock at ``path``, waiting while another process holds it (up to ``wait`` seconds,
    then :class:`JobLocked`); ``log`` is told once that this one waits, and for whom.

    For work that the second comer should wait for rather than skip: a model trained on first
    use. Two runs that both find it missing train it once; the second then uses the first's.

    Example::

        with waiting_lock("data/models/sentiment.lock", "training the sentiment model", "data/models/sentiment"):
            ...   # check again whether it is there now, and train it only if not
    """
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            lock = JobLock(path, command=command, target=target).acquire()
            break
        except JobLocked as exc:
            if time.monotonic() >= deadline:
                raise
            if not told and log is not None:
                log(f"waiting for another process ({describe(exc.holder)}) that holds {target}")
                told = True
            time.sleep(poll)
    try:
        yield lock
    finally:
        lock.release()


def file_in_the_way(path: str | os.PathLike) -> Path | None:
    """The file that stands where a folder above ``path`` should be (``notes.txt`` for
    ``notes.txt/x.csv``), or None."""
    folder = Path(path).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder if folder.exists() and not folder.is_dir() else None


def _cannot_create(path: Path, target: str | None, exc: OSError) -> Exception:
    """The error for a lock file that cannot be made: a ``data.store.StoreError``, which the
    commands turn into one line."""
    from data.store import StoreError  # imports duckdb: only on this path, so `reviewlens --help` stays light

    in_the_way = file_in_the_way(path)  # mkdir says "File exists" or "Not a directory" for it
    reason = f"{in_the_way} is a file, not a folder" if in_the_way else (exc.strerror or str(exc))
    return StoreError(f"cannot create the lock file {path}: the folder of {target or f'the store {_store_of(path)}'} "
                      f"must be writable ({reason})")


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _read(fd: int) -> dict[str, Any]:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data.decode("utf-8")) if data.strip() else {}
    except (ValueError, OSError):
        return {"pid": "?", "note": "unreadable lock file"}
