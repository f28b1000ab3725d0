"""The first stages of a batch (language, sentences, needs) in a second process, one batch ahead
of the models.

Those stages are CPU work in Python and spaCy. On a GPU they ran on the one core that also feeds
the GPU: the analysis of 12,000 demo reviews on an H100 spent about 4.5 s of its 29.6 s splitting
sentences and finding needs there. :class:`PrepareAhead` runs
:func:`analysis.pipeline.first_stages` for the next batch in a worker process (started once per
run as ``python -m analysis.prepare_ahead``, with spaCy loaded there once) while this process runs
the models on the current batch and writes it. They are the same functions on the same rows, so
the results are the same; the store is read and written by this process only, so a run killed
half-way is finished as before.

The worker is a plain child process fed pickles through its stdin and answering on its stdout,
not a ``multiprocessing`` pool: a pool's worker would import the caller's main script again,
and a script that calls the job without an ``if __name__ == "__main__"`` guard would run twice.

The job uses it when there are at least :data:`MIN_CORES` cores and two batches to read
(``REVIEWLENS_PREPARE_AHEAD=1`` or ``0`` forces it on or off).

Example::

    with PrepareAhead(models.find_needs, run_id=3) as ahead:
        pending = ahead.submit(reviews)           # rows as read from the store
        reviews, sents, need_rows, seconds = pending.result()
"""
from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from typing import Callable

MIN_CORES = 4
ENV = "REVIEWLENS_PREPARE_AHEAD"


def wanted(batches: int) -> bool:
    """Whether the job should prepare ahead: ``REVIEWLENS_PREPARE_AHEAD`` if set, else at least
    two batches and :data:`MIN_CORES` cores (on two cores the worker would take the models' second
    core).

    >>> wanted(0)
    False
    """
    forced = os.environ.get(ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1" and batches >= 1
    return batches >= 2 and (os.cpu_count() or 1) >= MIN_CORES


class PrepareAhead:
    """One worker process that runs :func:`analysis.pipeline.first_stages` on the batches handed
    to :meth:`submit`, in order. ``find_needs`` must pickle (a test's lambda does not: the
    constructor raises at once, and the caller runs the stages itself)."""

    def __init__(self, find_needs: Callable, run_id: int):
        setup = pickle.dumps(find_needs)   # fails here, not in the worker
        self.run_id = run_id
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._process = subprocess.Popen([sys.executable, "-m", "analysis.prepare_ahead"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env)
        self._requests: queue.Queue = queue.Queue()
        self._answers: dict[int, tuple[str, object]] = {}
        self._answered = threading.Condition()
        self._asked = 0
        self._requests.put(setup)
        # requests and answers go through their own threads: a batch's pickle is larger than a
        # pipe's buffer, and neither side may wait on the other's reading
        self._threads = [threading.Thread(target=self._send, daemon=True, name="prepare-ahead-send"),
                         threading.Thread(target=self._receive, daemon=True, name="prepare-ahead-receive")]
        for thread in self._threads:
            thread.start()

    def submit(self, reviews: list[dict]) -> "_Pending":
        """A pending ``(reviews, sentences, need rows, seconds per stage)`` for ``reviews``."""
        number = self._asked
        self._asked += 1
        self._requests.put(pickle.dumps((reviews, self.run_id)))
        return _Pending(self, number)

    def _send(self) -> None:
        pipe = self._process.stdin
        try:
            while (message := self._requests.get()) is not None:
                pipe.write(len(message).to_bytes(8, "little") + message)
                pipe.flush()
            pipe.close()
        except (BrokenPipeError, ValueError):   # the worker is gone: _receive reports it
            pass

    def _receive(self) -> None:
        number = 0
        while True:
            try:
                answer = pickle.load(self._process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                answer = None
            with self._answered:
                if answer is None:
                    self._answers[-1] = ("gone", None)
                    self._answered.notify_all()
                    return
                self._answers[number] = answer
                number += 1
                self._answered.notify_all()

    def _result(self, number: int):
        with self._answered:
            while number not in self._answers and -1 not in self._answers:
                self._answered.wait()
            status, payload = self._answers.pop(number, ("gone", None))
        if status == "error":
            raise payload
        if status == "gone":
            code = self._process.wait()
            raise RuntimeError(f"the worker process that splits sentences and finds needs stopped "
                               f"(exit code {code}); run again with {ENV}=0 to do it in one process")
        return payload

    def close(self) -> None:
        """Stop the worker (batches not begun are dropped)."""
        self._requests.put(None)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> "PrepareAhead":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Pending:
    """What :meth:`PrepareAhead.submit` gives back; :meth:`result` waits for it."""

    def __init__(self, ahead: PrepareAhead, number: int):
        self._ahead, self._number = ahead, number

    def result(self):
        return self._ahead._result(self._number)


def _serve() -> None:
    """The worker: a pickled need finder, then ``(reviews, run_id)`` requests, each answered with
    ``("ok", first_stages(...))`` or ``("error", exception)``, until stdin closes."""
    from analysis.pipeline import first_stages

    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())   # a stray print must not reach the answers
    sys.stdout = sys.stderr

    def read():
        size = requests.read(8)
        return pickle.loads(requests.read(int.from_bytes(size, "little"))) if len(size) == 8 else None

    find_needs = read()
    while (request := read()) is not None:
        reviews, run_id = request
        try:
            answer = ("ok", first_stages(reviews, find_needs, run_id))
        except Exception as exc:  # handed to the job, which fails the run with it
            answer = ("error", exc)
        try:
            message = pickle.dumps(answer)
        except Exception as exc:   # what does not pickle goes as text
            what = answer[1] if answer[0] == "error" else exc
            message = pickle.dumps(("error", RuntimeError(f"{type(what).__name__}: {what}")))
        answers.write(message)
        answers.flush()


if __name__ == "__main__":
    _serve()
