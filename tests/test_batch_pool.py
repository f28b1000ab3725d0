"""The job's per-review stages in worker processes (analysis.batch_pool): the same stored results
as in the job's own process, the batches really in other processes, a failing batch fails the
run and keeps what was written before it, and the real models give the same rows there."""
from __future__ import annotations

import functools
import os

import pytest

from analysis.batch_pool import BatchPool, default_workers
from analysis.pipeline import run_analysis
from data import store
from pipeline_fakes import FakeSentiment, fake_models, label_of, make_store
from test_pipeline import reviews, snapshot


class PidSentiment(FakeSentiment):
    """The fake classifier, noting which process read each batch in ``marker``."""

    def predict(self, texts, batch_size=None):
        import time

        with open(self.marker, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(self.sleep)
        return [label_of(t) for t in texts]


class FailingSentiment(FakeSentiment):
    def predict(self, texts, batch_size=None):
        if any("explode" in t for t in texts):
            raise RuntimeError("the classifier failed on this batch")
        return super().predict(texts)


def pid_models(marker: str, sleep: float = 0.0):
    models = fake_models()
    models.sentiment = PidSentiment(sleep=sleep, marker=marker)
    return models


def failing_models():
    models = fake_models()
    models.sentiment = FailingSentiment()
    return models


def test_a_pool_of_workers_stores_what_one_process_stores(db_path, tmp_path):
    alone = str(tmp_path / "alone.duckdb")
    make_store(db_path, reviews())
    make_store(alone, reviews())
    run_analysis(alone, models=fake_models(), progress=False, batch_size=2)
    marker = tmp_path / "pids.txt"
    with BatchPool(2, functools.partial(pid_models, str(marker))) as pool:
        assert len(pool.wait_ready()) == 2
        result = run_analysis(db_path, models=fake_models(), progress=False, batch_size=2, pool=pool)
    assert result["status"] == "ok" and result["counts"]["reviews"] == len(reviews())
    assert snapshot(db_path) == snapshot(alone)
    pids = marker.read_text().split()
    # each worker read its warm-up review, then the 4 batches were read there, none here
    assert len(pids) == 2 + 4 and len(set(pids)) == 2 and str(os.getpid()) not in pids
    config = store.query(db_path, "SELECT config FROM analysis_runs").scalar()
    assert '"workers": 2' in config
    # each worker's stage seconds are added up in the run's record
    assert result["durations"]["sentiment"] > 0 and result["durations"]["write"] > 0


def test_a_batch_that_fails_in_a_worker_is_read_again_here_and_only_its_bad_review_skipped(db_path):
    # The worker's batch fails; this process reads it again review by review (with the same
    # failing model): the bad review is skipped for an error, the others of its batch and every
    # other batch are written, and the run ends partial.
    bad = [("p3", 1, "2024-09-01", "This one will explode the classifier.")]
    make_store(db_path, reviews(bad))
    with BatchPool(2, failing_models) as pool:
        pool.wait_ready()
        result = run_analysis(db_path, models=failing_models(), progress=False, batch_size=3, pool=pool,
                              log=lambda line: None)
    assert result["status"] == "partial" and result["counts"]["skipped_error"] == 1
    assert store.query(db_path, "SELECT status FROM analysis_runs").scalar() == "partial"
    bad_id = store.query(db_path, "SELECT review_id FROM reviews WHERE body LIKE '%explode%'").scalar()
    rows = dict(store.query(db_path, "SELECT review_id, coalesce(skipped_reason, '') FROM review_analysis").rows)
    assert rows.pop(bad_id) == "error"
    everyone = {r[0] for r in store.query(db_path, "SELECT review_id FROM reviews").rows}
    assert set(rows) == everyone - {bad_id} and "error" not in rows.values()


def test_models_given_without_a_pool_run_in_this_process_unless_workers_are_asked(db_path):
    make_store(db_path, reviews())
    with pytest.raises(ValueError, match="BatchPool"):
        run_analysis(db_path, models=fake_models(), progress=False, workers=2)
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"


def test_default_workers_by_device_cores_and_batches():
    assert default_workers("cpu", 100, cores=64) == 1
    assert default_workers("cuda", 100, cores=16) == 4
    assert default_workers("cuda", 100, cores=8) == 2
    assert default_workers("cuda", 9, cores=16) == 1          # too few batches to wait for workers
    assert default_workers("cuda", 12, cores=16) == 1 and default_workers("cuda", 16, cores=16) == 4


def slow_models(seconds: float, marker: str):
    import time

    time.sleep(seconds)
    return pid_models(marker)


def test_batches_are_analysed_here_until_the_workers_have_loaded_their_models(db_path, tmp_path):
    alone = str(tmp_path / "alone.duckdb")
    more = [("p3", 1 + i % 5, f"2024-10-{1 + i:02d}", f"Review {i}: the lid broke.") for i in range(22)]
    make_store(db_path, reviews(more))
    make_store(alone, reviews(more))
    run_analysis(alone, models=fake_models(), progress=False, batch_size=1)
    marker = tmp_path / "pids.txt"
    # this process's models note their pid too, and take a second a batch (30 s for all 30)
    here = pid_models(str(marker), sleep=1.0)
    with BatchPool(2, functools.partial(slow_models, 2.0, str(marker))) as pool:
        result = run_analysis(db_path, models=here, progress=False, batch_size=1, pool=pool)
    assert snapshot(db_path) == snapshot(alone)
    pids = marker.read_text().split()
    before = result["counts"]["batches_before_workers_ready"]
    assert 1 <= before < 30 and pids.count(str(os.getpid())) == before
    # the rest went to the two workers once they were ready (each read its warm-up review first)
    assert len(pids) == 30 + 2 and len(set(pids) - {str(os.getpid())}) == 2


def test_a_run_that_ends_before_the_workers_are_ready_does_not_wait_for_them(db_path, tmp_path):
    import time

    make_store(db_path, reviews())
    started = time.perf_counter()
    with BatchPool(2, functools.partial(slow_models, 120.0, str(tmp_path / "pids.txt"))) as pool:
        result = run_analysis(db_path, models=fake_models(), progress=False, batch_size=4, pool=pool)
        loading = list(pool._pool._processes or {})             # the workers' pids, still loading
    assert result["counts"]["batches_before_workers_ready"] == 2
    assert time.perf_counter() - started < 60                 # the run did not wait for them
    assert len(loading) == 2
    for pid in loading:                                       # and they were ended, not left loading
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.slow
def test_real_models_in_workers_give_the_rows_of_one_process(db_path, tmp_path, sentiment_model_path):
    from analysis.pipeline import load_models
    from crawler.demo_shop.shop import generate, store_manifest

    alone = str(tmp_path / "alone.duckdb")
    shop = generate(tmp_path / "shop", seed=3, reviews_per_product=(6, 6), products=3)
    store_manifest(db_path, shop)
    store_manifest(alone, shop)
    loader = functools.partial(load_models, db_path, "cpu", str(sentiment_model_path), True)
    models = loader()
    run_analysis(alone, models=models, progress=False, batch_size=6)
    with BatchPool(2, loader) as pool:
        run_analysis(db_path, models=models, progress=False, batch_size=6, pool=pool)
    ours, theirs = snapshot(db_path), snapshot(alone)
    assert len(ours["sentences"]) > 30 and len(ours["aspect_mentions"]) > 10
    for table in ("review_analysis", "sentences", "aspect_mentions", "needs"):
        assert ours[table] == theirs[table], table
    assert [r[:2] for r in ours["sentence_embeddings"]] == [r[:2] for r in theirs["sentence_embeddings"]]


class DyingSentiment(FakeSentiment):
    def predict(self, texts, batch_size=None):
        if any("explode" in t for t in texts):
            os._exit(1)        # the process ends as if killed (out of memory)
        return super().predict(texts)


def dying_models():
    models = fake_models()
    models.sentiment = DyingSentiment()
    return models


def test_a_worker_that_dies_is_said_plainly_and_the_run_is_failed(db_path):
    from analysis.batch_pool import WorkerDied

    make_store(db_path, reviews([("p3", 1, "2024-09-01", "This one will explode the classifier.")]))
    with BatchPool(2, dying_models) as pool:
        pool.wait_ready()
        with pytest.raises(WorkerDied, match="--workers 1"):
            run_analysis(db_path, models=fake_models(), progress=False, batch_size=3, pool=pool)
    assert store.query(db_path, "SELECT status FROM analysis_runs").scalar() == "failed"


def test_workers_end_when_the_jobs_process_is_killed(tmp_path):
    """A killed job leaves no worker behind holding its models (and, on a GPU, its memory)."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    here = Path(__file__).resolve().parent
    script = tmp_path / "job.py"
    script.write_text(
        "import functools, os, sys, time\n"
        f"sys.path.insert(0, {str(here)!r})\n"
        "from analysis.batch_pool import BatchPool\n"
        "from test_batch_pool import pid_models\n"
        "if __name__ == '__main__':\n"
        f"    pool = BatchPool(2, functools.partial(pid_models, {str(tmp_path / 'pids.txt')!r}))\n"
        "    print(' '.join(map(str, pool.wait_ready())), flush=True)\n"
        "    time.sleep(600)\n")
    job = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=str(here.parent))
    try:
        workers = [int(pid) for pid in job.stdout.readline().split()]
        assert len(workers) == 2
        job.send_signal(signal.SIGKILL)
        job.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
            time.sleep(0.2)
        left = [pid for pid in workers if Path(f"/proc/{pid}").exists()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
        assert not left, f"workers {left} outlived the job"
    finally:
        if job.poll() is None:
            job.kill()
