"""The per-review stages of the job in several processes at once, each with its own models.

On a GPU machine the job's per-batch work is mostly Python on one core (sentence splitting, the
aspect terms' decoding and polarity, the need rules) while the GPU waits: one process cannot use
the other cores, because Python runs one thread at a time. A :class:`BatchPool` starts a few
processes, each loading the models once onto the same device, and hands each a batch of review
rows; the job's own process reads the batches and writes the results, one batch per
transaction, in the order the batches were read (:func:`analysis.pipeline.run_analysis`).

The workers never open the store: the rows go in and the derived rows come back. A batch is the
same computation in a worker as in the job's own process (:func:`analysis.pipeline.analyse_batch`),
so the stored results do not depend on the number of workers.

Example::

    with BatchPool(2, functools.partial(load_models, "shop.duckdb", "cuda")) as pool:
        derived, seconds = pool.analyse(reviews, run_id=7).result()
"""
from __future__ import annotations

import os
from concurrent.futures import Future
from typing import Callable

# At most this many workers: each holds its own copy of the models and, on a GPU, its own CUDA
# context; on the H100 machine 4 workers doubled the job's speed and 8 added 12% more.
MAX_WORKERS = 4
# Cores per worker: the worker's own Python, its tokenizer and BLAS threads, and the threads the
# stages start alongside (theme vectors while the aspect stage runs).
CORES_PER_WORKER = 4
# Fewer batches than this are analysed in the job's own process: the workers take about 20 s
# to load their models, and the job's own process goes on meanwhile. Measured on an H100
# machine (stop 25, `reviewlens analyze` of 12,000 reviews, 12 batches of 1,024, cold): the job's
# process had done 11 batches when the 4 workers were ready, and the run took 55.3 s against
# 53.9 s with --workers 1. From about 16 batches the workers have a share worth their start.
MIN_BATCHES = 16

_MODELS = None   # in a worker process: the models its initializer loaded
_READY = None    # in a worker process: the barrier that wait_ready's tasks meet at


def default_workers(device: str, batches: int, cores: int | None = None) -> int:
    """How many worker processes a run should use: 1 (the job's own process) on the CPU, where
    torch already spreads each model batch over every core; on CUDA one per
    :data:`CORES_PER_WORKER` cores, at most :data:`MAX_WORKERS`, and only for a run of at least
    :data:`MIN_BATCHES` batches (a worker takes seconds to start).

    >>> default_workers("cpu", 40, cores=16), default_workers("cuda", 40, cores=16), default_workers("cuda", 12, cores=16)
    (1, 4, 1)
    >>> default_workers("cuda:0", 40, cores=2)
    1
    """
    if not str(device).startswith("cuda") or batches < MIN_BATCHES:
        return 1
    cores = cores or os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores // CORES_PER_WORKER, batches))


def _start(loader: Callable, seed: int, threads: int, ready) -> None:
    """A worker's initializer: limit its threads to its share of the cores, load the models."""
    global _MODELS, _READY
    _READY = ready
    _leave_with_the_parent()
    os.environ["RAYON_NUM_THREADS"] = str(threads)      # the fast tokenizer's pool (read once, at first use)
    os.environ.setdefault("REVIEWLENS_THREADS", str(threads))   # torch's, as the models set it on loading
    import torch

    torch.set_num_threads(threads)
    from analysis.pipeline import _seed_everything

    _seed_everything(seed)
    _MODELS = loader()
    _analyse([dict(_WARM_REVIEW)], run_id=0)    # first-call costs (CUDA kernels, caches) before real work
    _seed_everything(seed)


# one made-up review that every worker reads once after loading its models
_WARM_REVIEW = {"review_id": "warm-up", "product_id": "warm-up", "title": "", "rating": 3, "language": "en",
                "content_hash": "", "url": "", "body": "The battery lasts all day, but I wish the lid did not stick."}


def _leave_with_the_parent(every: float = 1.0) -> None:
    """End this worker when the job's process is gone (killed, say): a worker waiting for its
    next batch would otherwise wait forever, holding its models and its share of the GPU,
    since its siblings keep the task queue open."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="leave-with-the-parent", daemon=True).start()


def _ready() -> int:
    """Wait until every worker runs this task (a worker runs one task at a time, so each holds
    one): :meth:`BatchPool.wait_ready` then knows that all of them have loaded their models."""
    _READY.wait(timeout=_READY_SECONDS)
    return os.getpid()


_READY_SECONDS = 900   # a worker that has not loaded its models by then has failed


def _analyse(reviews: list[dict], run_id: int) -> tuple[dict[str, list[dict]], dict[str, float]]:
    """In a worker: the batch's derived rows (their private keys dropped: nothing after the
    write reads them) and the seconds each stage took."""
    from analysis.pipeline import RunState, Worker, analyse_batch

    state = RunState(run_id)
    derived = analyse_batch(Worker(_MODELS, run_id), reviews, state.timed)
    derived["sentences"] = [{k: v for k, v in s.items() if not k.startswith("_")} for s in derived["sentences"]]
    return derived, dict(state.durations)


class WorkerDied(RuntimeError):
    """A worker process ended without finishing its batch."""


class BatchPool:
    """``workers`` processes (started with ``spawn``, which CUDA needs), each running ``loader()``
    once (a picklable callable returning :class:`analysis.pipeline.Models`), then one batch at a
    time. They start at once, in the background: :meth:`ready` says whether all have loaded
    their models (the job analyses batches in its own process until then). Use it as a context
    manager, or call :meth:`close`.
    """

    def __init__(self, workers: int, loader: Callable, seed: int = 0, cores: int | None = None):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        threads = max(1, (cores or os.cpu_count() or 1) // workers)
        spawn = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(workers, mp_context=spawn, initializer=_start,
                                         initargs=(loader, seed, threads, spawn.Barrier(workers)))
        # one task per worker that ends when all have loaded: each task starts its own process
        self._started = [self._pool.submit(_ready) for _ in range(workers)]

    def ready(self) -> bool:
        """True once every worker has loaded its models (a worker that failed to start raises)."""
        if not all(f.done() for f in self._started):
            return False
        self.wait_ready()
        return True

    def wait_ready(self) -> list[int]:
        """Wait until every worker has loaded its models; their process ids."""
        return sorted({self.result(f) for f in self._started})

    def analyse(self, reviews: list[dict], run_id: int) -> Future:
        """A future of ``(derived rows by table, seconds by stage)`` for one batch of review rows."""
        return self._pool.submit(_analyse, reviews, run_id)

    @staticmethod
    def result(future: Future):
        """``future.result()``, with a worker that died (out of memory, killed) said plainly."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerDied("a worker process of the analysis job stopped without finishing its batch "
                             "(out of memory, or killed). The batches written before it are kept; run "
                             "`reviewlens analyze` again, with fewer workers (--workers 1) if it happens again.") from exc

    def close(self, cancel: bool = False) -> None:
        """Let the workers finish and exit; with ``cancel``, or while they are still loading
        their models (a run that ended first), end them at once instead of waiting."""
        if cancel or not all(f.done() for f in self._started):
            # ProcessPoolExecutor has no public way to end its workers before Python 3.14; its
            # pid -> process map is gone once it is shut down, so it is read first
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(timeout=10)
            return
        self._pool.shutdown(wait=True)

    def __enter__(self) -> "BatchPool":
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.close(cancel=kind is not None)
