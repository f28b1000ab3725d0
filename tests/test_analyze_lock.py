"""One `reviewlens analyze` at a time per store: the store's job lock around the analysis run.

A helper process runs the real analysis job (``run_analysis`` with the small fake models of
pipeline_fakes) and holds it at its first batch until the test lets it go, so a second run is
started through the real CLI while the first one is truly under way. The lock left by a run
killed with SIGKILL is taken over; the lock is released after a normal run and after an error;
a scheduled job runs its analysis under its own lock; train-sentiment locks its model folder.
"""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis import pipeline
from analysis.jobs import runner
from analysis.jobs.lock import EXIT_LOCKED, JobLock, JobLocked, lock_path_for, pid_alive, store_lock
from analysis.jobs.sources import load_sources
from analysis.pipeline import run_analysis
from dashboard.cli import cli
from data import store
from pipeline_fakes import FakeSentiment, fake_models, make_store, review_rows

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

REVIEWS = [
    ("p1", 5, "2024-01-10", "Great kettle, love it. The lid sticks though."),
    ("p1", 2, "2024-02-11", "The handle gets hot. I wish it had a longer cable."),
    ("p1", 4, "2024-03-12", "Sound is great! The price is good."),
    ("p2", 1, "2024-05-14", "Battery life is poor. It needs a longer cable."),
    ("p2", 5, "2024-06-15", "The battery is excellent and the screen is lovely."),
    ("p2", 3, "2024-07-16", "The screen is nice but the battery dies fast at night."),
]

# The real analysis job with fake models, stopped inside its first batch until `release` exists.
ANALYSIS = f"""
import dataclasses, sys, time
from pathlib import Path
sys.path.insert(0, {str(TESTS)!r})
from pipeline_fakes import FakeSentiment, fake_models
from analysis.pipeline import run_analysis

db, started, release = sys.argv[1:4]

class Waiting(FakeSentiment):
    def predict(self, texts, batch_size=None):
        Path(started).touch()
        deadline = time.monotonic() + 60
        while not Path(release).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().predict(texts, batch_size)

summary = run_analysis(db, models=dataclasses.replace(fake_models(), sentiment=Waiting()), progress=False,
                       batch_size=2)
print("finished", summary["run_id"], summary["status"], flush=True)
"""


def _store(db: str) -> None:
    make_store(db, review_rows(REVIEWS))


def _start_analysis(db: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """Start the helper's analysis run and wait until it is inside its first batch; return it and
    the file that lets it go on."""
    started, release = tmp_path / "started", tmp_path / "release"
    child = subprocess.Popen([sys.executable, "-c", ANALYSIS, db, str(started), str(release)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not started.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise AssertionError(f"the helper analysis never started its first batch: {child.communicate()}")
        time.sleep(0.05)
    return child, release


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.kill()
    child.communicate()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_second_analyze_stops_at_once_naming_the_running_one(db_path, tmp_path):
    _store(db_path)
    child, release = _start_analysis(db_path, tmp_path)
    try:
        # A model that does not exist: the refused run must stop before it loads any model
        # (without the lock it went on, loaded models and read the first run's reviews again).
        started = time.monotonic()
        second = _cli("--db", db_path, "analyze", "--quiet", "--device", "cpu",
                      "--sentiment-model", str(tmp_path / "no-such-model"))
        took = time.monotonic() - started
        note = lock_path_for(db_path)
        running = json.loads(note.read_text()) if note.exists() else {}
        release.touch()
        out, err = child.communicate(timeout=60)
    finally:
        _stop(child)
    assert second.returncode == EXIT_LOCKED == 4, second.stderr
    message = " ".join(second.stderr.split())
    assert (f"another reviewlens job is running (pid {child.pid} on {socket.gethostname()}, "
            f"started {running['started_at']} UTC, reviewlens analyze, analysis run 1) "
            f"on the store {db_path}; this one stops now.") in message
    assert ("or stop it; if that process is gone, the lock is stale and is taken over automatically" in message)
    assert "no-such-model" not in second.stderr    # stopped before the models
    assert took < 30
    # the first run was neither disturbed nor marked interrupted, and read every review once
    assert child.returncode == 0, err
    assert out.split() == ["finished", "1", "ok"]
    assert store.query(db_path, "SELECT run_id, status FROM analysis_runs").rows == [(1, "ok")]
    assert store.query(db_path, "SELECT count(*) FROM review_analysis").scalar() == len(REVIEWS)
    assert lock_path_for(db_path).read_text() == ""


def test_scheduled_run_stops_while_an_analyze_runs(db_path, tmp_path):
    _store(db_path)
    sources = tmp_path / "reviewlens.toml"
    sources.write_text('[[source]]\nname = "shop"\nurls = ["http://127.0.0.1:9/shop"]\n', encoding="utf-8")
    child, _ = _start_analysis(db_path, tmp_path)
    try:
        job = _cli("--db", db_path, "run", "--sources", str(sources))
    finally:
        _stop(child)
    assert job.returncode == EXIT_LOCKED, job.stderr
    assert f"(pid {child.pid} on {socket.gethostname()}" in job.stderr
    assert "reviewlens analyze, analysis run 1)" in job.stderr
    assert store.query(db_path, "SELECT count(*) FROM job_runs").scalar() == 0


def test_lock_left_by_a_killed_analyze_is_taken_over(db_path, tmp_path, monkeypatch):
    _store(db_path)
    child, _ = _start_analysis(db_path, tmp_path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    _stop(child)
    left = json.loads(lock_path_for(db_path).read_text())   # the dead run's note is still there
    assert left["pid"] == child.pid and left["run_id"] == 1
    monkeypatch.setattr(pipeline, "load_models", lambda db, device="auto", sentiment_model=None: fake_models())
    result = CliRunner().invoke(cli, ["--db", db_path, "analyze", "--quiet", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert (f"took over the lock left by a job that ended without releasing it (pid {child.pid} "
            f"on {socket.gethostname()}") in result.output
    assert "analysis run 2 ok" in result.output
    assert store.query(db_path, "SELECT run_id, status FROM analysis_runs ORDER BY run_id").rows == [
        (1, "interrupted"), (2, "ok")]
    assert lock_path_for(db_path).read_text() == ""


def _try_store_lock(db: str) -> str:
    try:
        with store_lock(db, "reviewlens analyze"):
            return "taken"
    except JobLocked:
        return "JobLocked"


class Probe(FakeSentiment):
    """Fake sentiment that looks at the store's lock while the run is under way, or fails."""

    def __init__(self, db: str, fail: bool = False):
        super().__init__()
        self.db, self.fail, self.seen = db, fail, []

    def predict(self, texts, batch_size=None):
        path = lock_path_for(self.db)
        self.seen.append(json.loads(path.read_text()))
        with pytest.raises(JobLocked):     # held, also against a second taker in this process
            JobLock(path).acquire()
        refused = []                       # and against another thread (only the taker's thread nests)
        other = threading.Thread(target=lambda: refused.append(_try_store_lock(self.db)))
        other.start()
        other.join()
        assert refused == ["JobLocked"]
        if self.fail:
            raise RuntimeError("the sentiment model broke")
        return super().predict(texts, batch_size)


def test_lock_is_held_during_a_run_and_released_after_it_and_after_an_error(db_path):
    _store(db_path)
    probe = Probe(db_path)
    summary = run_analysis(db_path, models=dataclasses.replace(fake_models(), sentiment=probe), progress=False,
                           batch_size=2, log=pytest.fail)
    assert summary["status"] == "ok"
    assert probe.seen and all(note["pid"] == os.getpid() and note["run_id"] == 1 and
                              note["command"] == "reviewlens analyze" for note in probe.seen)
    assert lock_path_for(db_path).read_text() == ""       # released: emptied, and free again
    with JobLock(lock_path_for(db_path)) as again:
        assert again.took_over is None

    broken = Probe(db_path, fail=True)
    with pytest.raises(RuntimeError, match="sentiment model broke"):
        run_analysis(db_path, models=dataclasses.replace(fake_models(), sentiment=broken), progress=False,
                     full=True, log=pytest.fail)
    assert broken.seen
    assert lock_path_for(db_path).read_text() == ""
    with JobLock(lock_path_for(db_path)) as again:
        assert again.took_over is None
    assert store.query(db_path, "SELECT run_id, status FROM analysis_runs ORDER BY run_id").rows == [
        (1, "ok"), (2, "failed")]


def test_scheduled_job_runs_its_analysis_under_its_own_lock(db_path, tmp_path):
    """`reviewlens run` holds the store's lock and calls the analysis, which must not lock itself out."""
    _store(db_path)
    sources = tmp_path / "reviewlens.toml"
    sources.write_text(textwrap.dedent("""
        [[source]]
        name = "shop"
        urls = ["http://127.0.0.1:9/shop"]
        """), encoding="utf-8")
    probe = Probe(db_path)

    def crawl(db, urls, **options):
        return {"pages": 1, "reviews_new": 0, "errors": 0, "status": "ok"}

    def analyze(db, **options):     # the real job's analyze step, with the fake models
        return run_analysis(db, models=dataclasses.replace(fake_models(), sentiment=probe), progress=False,
                            log=pytest.fail)

    lines: list[str] = []
    result = runner.run_job(db_path, load_sources(sources), crawl=crawl, analyze=analyze,
                            prepare_model=lambda db: None, write_reports=lambda db, out, excel: {"reports": 0},
                            log=lines.append)
    assert result.exit_code == runner.EXIT_OK, lines
    assert [s.status for s in result.steps] == ["ok", "ok", "ok"]
    assert probe.seen and all(note["command"] == "reviewlens run" and note["job_id"] == result.job_id and
                              note["run_id"] == 1 and note["pid"] == os.getpid() for note in probe.seen)
    assert lock_path_for(db_path).read_text() == ""


def test_lock_held_by_a_process_started_by_a_dead_one_says_so(tmp_path):
    """The kernel frees the lock when its holder dies, unless a child inherited the descriptor:
    then the message must not promise a take-over that cannot happen."""
    path = tmp_path / "store.duckdb.run.lock"
    script = textwrap.dedent("""
        import os, sys, time
        from analysis.jobs.lock import JobLock
        lock = JobLock(sys.argv[1]).acquire()
        child = os.fork()
        if child == 0:          # keeps the inherited descriptor, and so the lock
            time.sleep(60)
            os._exit(0)
        print(child, flush=True)
        os._exit(0)
        """)
    parent = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True,
                              cwd=REPO)
    orphan = int(parent.stdout.readline())
    try:
        parent.wait(timeout=30)
        with pytest.raises(JobLocked) as refused:
            JobLock(path).acquire()
    finally:
        os.kill(orphan, signal.SIGKILL)
        parent.stdout.close()
    dead = refused.value.holder["pid"]
    assert dead != orphan and not pid_alive(dead)
    message = str(refused.value)
    assert f"Process {dead} is gone, yet the lock is still held, by a process it started" in message
    assert f"fuser -v {path}" in message and "taken over automatically" not in message
    assert f"on the store {tmp_path / 'store.duckdb'}" in message


def test_second_train_sentiment_into_the_same_folder_stops_at_once(tmp_path, monkeypatch):
    from analysis import train_sentiment

    folder = tmp_path / "models" / "sentiment"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from analysis.jobs.lock import JobLock
        JobLock(sys.argv[1]).acquire()
        print("holding", flush=True)
        time.sleep(60)
        """), f"{folder}.lock"], stdout=subprocess.PIPE, text=True, cwd=REPO)
    trained: list[Path] = []

    def fake_train(out_dir=None, **options):
        trained.append(Path(out_dir))
        return {"version": "fake@1", "train_seconds": 0,
                "metrics": {"heldout": {"accuracy": 1.0, "macro_f1": 1.0}}}

    monkeypatch.setattr(train_sentiment, "train", fake_train)
    try:
        assert holder.stdout.readline().strip() == "holding"
        refused = CliRunner().invoke(cli, ["train-sentiment", "--quick", "--out", str(folder)])
    finally:
        holder.kill()
        holder.communicate()
    assert refused.exit_code == EXIT_LOCKED, refused.output
    assert f"(pid {holder.pid} on {socket.gethostname()}" in refused.output
    assert f"on the model folder {folder}" in refused.output
    assert trained == []
    done = CliRunner().invoke(cli, ["train-sentiment", "--quick", "--out", str(folder)])  # the holder was killed
    assert done.exit_code == 0, done.output
    assert trained == [folder] and "saved fake@1" in done.output


# A process that holds a lock file for a moment, like a run training a model on first use.
HOLDER = """
import sys, time
from pathlib import Path
from analysis.jobs.lock import JobLock
path, ready, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
with JobLock(path, command="training the default sentiment model"):
    Path(ready).touch()
    time.sleep(seconds)
"""


def _hold(path: Path, tmp_path: Path, seconds: float, name: str = "holding") -> subprocess.Popen:
    ready = tmp_path / name
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(ready), str(seconds)], cwd=REPO)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert child.poll() is None and time.monotonic() < deadline, "the holder did not take the lock"
        time.sleep(0.05)
    return child


def test_waiting_lock_waits_for_the_holder_and_says_so_once(tmp_path):
    from analysis.jobs.lock import waiting_lock

    path = tmp_path / "sentiment.lock"
    child = _hold(path, tmp_path, 1.5)
    said: list[str] = []
    started = time.monotonic()
    with waiting_lock(path, "training", "the model folder X", log=said.append, poll=0.1) as lock:
        waited = time.monotonic() - started
        assert lock.holder["pid"] == os.getpid()
    child.wait(timeout=30)
    assert waited >= 0.5, waited                       # it did wait for the holder
    assert len(said) == 1 and f"pid {child.pid}" in said[0] and "the model folder X" in said[0], said
    holder = _hold(path, tmp_path, 5, name="holding again")
    try:
        with pytest.raises(JobLocked):                 # and gives up after `wait`
            with waiting_lock(path, "training", "X", wait=0.3, poll=0.1):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_default_model_missing_in_two_runs_is_trained_once(tmp_path, monkeypatch):
    # A run that finds the default model missing while another process trains it waits for the
    # folder's lock, then finds the model there and does not train it again.
    from analysis import sentiment, train_sentiment

    folder = tmp_path / "models" / "sentiment"
    monkeypatch.setenv("REVIEWLENS_MODELS", str(folder.parent))
    folder.parent.mkdir()
    trained: list[Path] = []
    monkeypatch.setattr(train_sentiment, "train", lambda out_dir, **kw: trained.append(out_dir))
    child = _hold(Path(f"{folder}.lock"), tmp_path, 1.0)
    ready = iter([False, True])     # missing when asked first; there once the holder is done
    monkeypatch.setattr(sentiment, "default_model_ready", lambda path=None: next(ready))
    assert sentiment.ensure_default_model(log=lambda line: None) == folder
    child.wait(timeout=30)
    assert trained == []


def test_aspect_heads_trained_by_another_run_meanwhile_are_not_trained_again(tmp_path, monkeypatch):
    from analysis import aspect_head, aspects

    folder = tmp_path / "aspects" / "reviewlens-sentiment-x"
    trained: list[Path] = []
    monkeypatch.setattr(aspect_head, "train", lambda path, **kw: trained.append(path))
    monkeypatch.setattr(aspect_head.HeadAspectExtractor, "load", classmethod(lambda cls, path, **kw: object()))
    monkeypatch.setattr(aspect_head, "is_trained", lambda path: False)
    aspects._train_once(folder, encoder=None, version="x", device="cpu")      # missing: trained here
    assert trained == [folder]
    child = _hold(Path(f"{folder}.lock"), tmp_path, 1.0)
    monkeypatch.setattr(aspect_head, "is_trained", lambda path: True)       # the other run's heads
    started = time.monotonic()
    aspects._train_once(folder, encoder=None, version="x", device="cpu")
    assert time.monotonic() - started >= 0.5        # it waited for the other run's lock
    assert trained == [folder]                      # and used its heads
    child.wait(timeout=30)
