"""`reviewlens schedule`: APScheduler fires the job on a short interval, survives failed runs, logs
each run, and stops cleanly on SIGTERM (exit 0), also while a run is going."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from analysis.jobs.schedule import ScheduleError, make_trigger, parse_every

REPO = Path(__file__).resolve().parent.parent

FAKE_SCHEDULE = """
import logging, sys
from analysis.jobs.schedule import run_schedule
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
runs = []
def job():
    runs.append(1)
    if len(runs) == 2:
        raise RuntimeError("the shop is down")
    return 1 if len(runs) == 3 else 0
run_schedule(job, every="1s")
"""


class Watcher:
    """Reads a child's stderr in a thread; waits for a line to appear."""

    def __init__(self, argv):
        self.lines: list[str] = []
        self.proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float, times: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(text in line for line in self.lines) >= times:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.proc.kill()
        raise AssertionError(f"{text!r} did not appear; log:\n" + "\n".join(self.lines))

    def stop(self, timeout: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self.thread.join(5)
        return code


def test_intervals_and_cron_are_checked():
    assert parse_every("6h").total_seconds() == 6 * 3600
    assert parse_every("1h30m").total_seconds() == 5400
    assert parse_every("1s").total_seconds() == 1
    for bad in ("6", "six hours", "", "0s"):
        with pytest.raises(ScheduleError, match="--every"):
            parse_every(bad)
    with pytest.raises(ScheduleError, match="five fields"):
        make_trigger(cron="every day")
    with pytest.raises(ScheduleError, match="exactly one"):
        make_trigger(every="1h", cron="0 * * * *")
    assert make_trigger(cron="0 */6 * * *") is not None


def test_scheduler_fires_survives_failures_and_stops_on_sigterm():
    watcher = Watcher([sys.executable, "-c", FAKE_SCHEDULE])
    watcher.wait_for("run #4 finished", timeout=30)
    code = watcher.stop()
    assert code == 0, watcher.lines
    log = "\n".join(watcher.lines)
    assert "run #1 finished: exit 0 (ok)" in log
    assert "run #2 failed with an error" in log and "the shop is down" in log
    assert "run #3 finished: exit 1 (failed)" in log
    assert "got SIGTERM: stopping the schedule" in log
    assert "schedule stopped after" in log
    starts = [l for l in watcher.lines if "started" in l and "run #" in l]
    assert len(starts) >= 4


@pytest.mark.slow
def test_schedule_command_runs_reviewlens_run_and_stops_a_running_job(tmp_path):
    sources = tmp_path / "reviewlens.toml"
    sources.write_text(textwrap.dedent("""
        [[source]]
        name = "down"
        urls = ["http://127.0.0.1:9/nothing-listens-here"]
        polite = false
    """))
    db = str(tmp_path / "store.duckdb")
    watcher = Watcher([sys.executable, "-m", "dashboard.cli", "--db", db, "schedule", "--every", "1s",
                       "--sources", str(sources), "--reports", str(tmp_path / "reports")])
    watcher.wait_for("run #1 finished: exit 1 (failed)", timeout=90)
    watcher.wait_for("[1/3] crawl 'down'", timeout=30, times=2)  # run #2 is crawling now
    time.sleep(0.5)
    started = time.monotonic()
    code = watcher.stop()
    assert code == 0, watcher.lines
    assert time.monotonic() - started < 30
    log = "\n".join(watcher.lines)
    assert "failed sources: down" in log  # `reviewlens run` said which source failed
    assert "schedule stopped after 2 run(s)" in log
    assert log.index("run #2 finished") < log.index("schedule stopped after")
    from data import store
    rows = store.query(db, "SELECT status, exit_code FROM job_runs ORDER BY job_id").rows
    assert rows[0] == ("failed", 1)
    assert rows[1] == ("stopped", 1)
