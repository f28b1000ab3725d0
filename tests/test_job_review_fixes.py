"""`reviewlens run`, `schedule` and `sources check` on the cases a review of the scheduled jobs
found mishandled: partial steps passing as ok, a killed job left `running`, its crawl child left
behind, cron weekdays off by one, a crawl's own error replaced by "check the URLs", a stray `[`
or a list where text belongs in the sources file, and a source with nothing to crawl.

The crawl, analysis and report steps are small fakes passed in (or patched into the command);
the store is a real DuckDB file.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.jobs import runner
from analysis.jobs.lock import lock_path_for
from analysis.jobs.schedule import make_trigger
from analysis.jobs.sources import SourcesError, load_sources
from dashboard.cli import cli
from data import store

REPO = Path(__file__).resolve().parent.parent

ONE_SOURCE = """
    [[source]]
    name = "Our shop"
    urls = ["http://127.0.0.1:9/products/kettle", "http://127.0.0.1:9/prodcuts/toaster"]
"""


def sources_file(tmp_path: Path, body: str = ONE_SOURCE) -> Path:
    path = tmp_path / "reviewlens.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def crawled(**summary):
    """A fake crawl step that returns ``summary`` as the crawler's own."""
    def crawl(db, urls, **options):
        return {"run_id": None, "pages": 3, "reviews_new": 12, "errors": 0, "status": "ok", **summary}
    return crawl


def analysed(status="ok", **counts):
    def analyze(db, **options):
        return {"run_id": 1, "status": status, "counts": {"reviews": 12, **counts}}
    return analyze


STEPS = {"prepare_model": lambda db: None, "write_reports": lambda db, reports_dir, excel: {"reports": 5}}


def run(db, tmp_path, crawl, analyze=None, body: str = ONE_SOURCE):
    lines, warnings = [], []
    result = runner.run_job(db, load_sources(sources_file(tmp_path, body)), crawl=crawl,
                            analyze=analyze or analysed(), reports_dir=tmp_path / "reports",
                            log=lines.append, warn=warnings.append, **STEPS)
    return result, lines, warnings


def job_rows(db):
    return store.query(db, "SELECT * FROM job_runs ORDER BY job_id").dicts()


@pytest.fixture
def fake_steps(monkeypatch):
    """Patch the command's real steps; returns a dict whose ``crawl``/``analyze`` a test sets."""
    steps = {"crawl": crawled(), "analyze": analysed()}
    monkeypatch.setattr(runner, "_real_crawl", lambda db, urls, **o: steps["crawl"](db, urls, **o))
    monkeypatch.setattr(runner, "_real_analyze", lambda db, **o: steps["analyze"](db, **o))
    monkeypatch.setattr(runner, "_real_prepare_model", lambda db, log=None: None)
    monkeypatch.setattr(runner, "_real_write_reports", STEPS["write_reports"])
    return steps


# --- 1. a partial step makes the job partial (exit 3) and names its problems -----------------------

def test_a_start_url_that_answered_404_makes_the_source_partial_and_the_job_exit_3(db_path, tmp_path):
    """The crawl read the good URL; the mistyped one answered 404, no error to the crawler."""
    result, lines, _ = run(db_path, tmp_path, crawled(problems={"http_404": 1, "start_url_gone": 1}))
    assert (result.status, result.exit_code) == ("partial", 3)
    step = result.steps[0]
    assert step.status == "partial" and result.failed_sources() == []
    assert step.error.startswith("some pages could not be read: http_404 1, start_url_gone 1; a start URL")
    assert any(line.startswith("  partial: ") and "problems http_404 1" in line for line in lines), lines
    row = job_rows(db_path)[0]
    assert (row["status"], row["exit_code"]) == ("partial", 3)
    assert json.loads(row["steps"])[0]["status"] == "partial"


def test_a_crawl_that_ended_partial_makes_the_job_exit_3(db_path, tmp_path):
    """A review page answered 500 on every retry: the crawler's own run says partial."""
    result, lines, _ = run(db_path, tmp_path, crawled(status="partial", errors=1, problems={"http_500": 1}))
    assert (result.status, result.exit_code) == ("partial", 3)
    assert "http_500 1" in result.steps[0].error
    assert any("problems http_500 1" in line for line in lines)


def test_an_analysis_that_skipped_reviews_makes_the_job_exit_3(db_path, tmp_path):
    result, lines, _ = run(db_path, tmp_path, crawled(), analysed("partial", skipped_error=4))
    assert (result.status, result.exit_code) == ("partial", 3)
    assert [s.status for s in result.steps] == ["ok", "partial", "ok"]
    assert result.steps[1].error.startswith("4 review(s) could not be analysed")


def test_a_clean_run_stays_ok_and_exit_0(db_path, tmp_path):
    # problems that are no loss keep the source ok: a link to another site, not followed; a
    # product the sitemap still names that is gone (404, not a start URL)
    result, lines, _ = run(db_path, tmp_path, crawled(problems={"offsite_link": 2, "http_404": 1}))
    assert (result.status, result.exit_code) == ("ok", 0)
    assert [s.status for s in result.steps] == ["ok", "ok", "ok"]
    assert any("problems http_404 1, offsite_link 2" in line for line in lines), lines


def test_quiet_run_names_the_partial_step_and_its_problems(db_path, tmp_path, fake_steps):
    fake_steps["crawl"] = crawled(problems={"http_404": 2, "start_url_gone": 1})
    result = CliRunner().invoke(cli, ["--db", db_path, "run", "--quiet", "--sources", str(sources_file(tmp_path)),
                                      "--reports", str(tmp_path / "reports")])
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    first, second = result.stderr.splitlines()
    assert first == "job #1: partial (exit 3); partial: crawl Our shop"
    assert second.startswith("  crawl Our shop: some pages could not be read: http_404 2, start_url_gone 1;")


# --- 2. a killed job is recorded as such; its crawl child dies with it ------------------------------

def _left_by_a_killed_job(db: str, job_id: int) -> None:
    """What a job killed with SIGKILL leaves: its row still `running`, its note in the lock file
    (the flock itself went with the process)."""
    with store.writer(db) as con:
        assert con.execute("SELECT nextval('job_run_ids')").fetchall()[0][0] == job_id
        con.execute("INSERT INTO job_runs (job_id, started_at, status, pid, sources_file, steps, counts) "
                    "VALUES (?, ?, 'running', 999999, 'x.toml', '[]', '{}')", [job_id, store.now()])
    lock_path_for(db).write_text(json.dumps({"pid": 999999, "host": socket.gethostname(),
                                             "started_at": "2024-05-01 10:00:00", "command": "reviewlens run",
                                             "job_id": job_id}))


def test_the_next_job_marks_a_killed_job_failed(db_path, tmp_path):
    _left_by_a_killed_job(db_path, 1)
    result, _, warnings = run(db_path, tmp_path, crawled())
    assert result.job_id == 2 and result.took_over["job_id"] == 1
    killed, this = job_rows(db_path)
    assert (killed["status"], killed["exit_code"]) == ("failed", 1) and killed["finished_at"] is not None
    assert json.loads(killed["counts"])["error"] == "killed (lock taken over by job #2)"
    assert this["status"] == "ok"
    assert warnings[0].startswith("took over the lock left by a job that ended without releasing it (pid 999999")
    assert warnings[1] == "job #1 was still marked running: recorded as failed, killed (lock taken over by job #2)"


def test_a_job_that_had_finished_is_left_as_it_was(db_path, tmp_path):
    """Killed after recording its end but before releasing the lock: its row is right already."""
    _left_by_a_killed_job(db_path, 1)
    with store.writer(db_path) as con:
        con.execute("UPDATE job_runs SET status = 'ok', exit_code = 0, finished_at = ? WHERE job_id = 1",
                    [store.now()])
    _, _, warnings = run(db_path, tmp_path, crawled())
    assert (job_rows(db_path)[0]["status"], len(warnings)) == ("ok", 1)


def test_quiet_run_says_it_took_over_a_killed_jobs_lock(db_path, tmp_path, fake_steps):
    _left_by_a_killed_job(db_path, 1)
    result = CliRunner().invoke(cli, ["--db", db_path, "run", "--quiet", "--sources", str(sources_file(tmp_path)),
                                      "--reports", str(tmp_path / "reports")])
    assert result.exit_code == 0, result.output
    assert "took over the lock left by a job that ended without releasing it (pid 999999" in result.stderr
    assert "job #1 was still marked running: recorded as failed" in result.stderr
    assert job_rows(db_path)[0]["status"] == "failed"


PARENT = """
import sys
from crawler import crawl
sys.executable = sys.argv[1]   # the "crawl child": a script that writes its pid and sleeps
crawl.run_crawl(sys.argv[2], ["http://127.0.0.1:9/products/kettle"], progress=False)
"""


def _state(pid: int) -> str | None:
    """The process's state letter (Z: a zombie, dead but not reaped), None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the death signal is Linux's")
def test_the_crawl_child_dies_when_its_job_is_killed(tmp_path):
    pid_file = tmp_path / "child.pid"
    child_script = tmp_path / "crawl-child"
    child_script.write_text(f'#!/bin/sh\necho $$ > {pid_file}\nexec sleep 60\n')
    child_script.chmod(0o755)
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(child_script), str(tmp_path / "x.duckdb")], cwd=REPO)
    child = None
    try:
        deadline = time.monotonic() + 20
        while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
            assert parent.poll() is None, "the job ended before it started its crawl child"
            time.sleep(0.05)
        child = int(pid_file.read_text())
        assert _state(child) not in (None, "Z")
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while _state(child) not in (None, "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _state(child) in (None, "Z"), "the crawl child outlived its job"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child is not None and _state(child) not in (None, "Z"):
            os.kill(child, signal.SIGKILL)


# --- 3. cron weekdays as crontab counts them (0 and 7 are Sunday) ------------------------------------

@pytest.mark.parametrize("weekday, days", [
    ("1", {"Mon"}), ("0", {"Sun"}), ("7", {"Sun"}), ("1-5", {"Mon", "Tue", "Wed", "Thu", "Fri"}),
    ("mon-fri", {"Mon", "Tue", "Wed", "Thu", "Fri"}), ("5-7", {"Fri", "Sat", "Sun"}),
    ("0,6", {"Sat", "Sun"}), ("*/2", {"Sun", "Tue", "Thu", "Sat"}), ("SUN", {"Sun"}),
])
def test_cron_weekdays_are_crontabs(weekday, days):
    trigger = make_trigger(cron=f"0 3 * * {weekday}", timezone=timezone.utc)
    fire, now, fired = None, datetime(2025, 1, 1, tzinfo=timezone.utc), set()   # a Wednesday
    for _ in range(14):
        fire = trigger.get_next_fire_time(fire, now)
        fired.add(fire.strftime("%a"))
        now = fire
    assert fired == days and fire.hour == 3


@pytest.mark.parametrize("weekday", ["8", "5-1", "funday", "1-5/0"])
def test_a_wrong_cron_weekday_is_a_schedule_error(weekday):
    from analysis.jobs.schedule import ScheduleError

    with pytest.raises(ScheduleError, match="five fields"):
        make_trigger(cron=f"0 3 * * {weekday}")


# --- 4. the crawl's own error is kept; the "not recorded" warnings reach --quiet ---------------------

def test_a_crawl_that_could_not_open_the_store_keeps_its_message(db_path, tmp_path):
    message = f"cannot open the database {db_path}: IO Error: not a valid DuckDB database file"
    result, _, _ = run(db_path, tmp_path, crawled(status="failed", pages=0, message=message))
    assert result.steps[0].error == f"no page could be read: {message}"


def test_quiet_run_on_a_store_that_is_no_store_says_why(tmp_path, fake_steps):
    db = tmp_path / "store.duckdb"
    db.write_text("product_id,review\n")   # a wrong --db: a CSV file
    message = f"cannot open the database {db}: IO Error: not a valid DuckDB database file"
    fake_steps["crawl"] = crawled(status="failed", pages=0, reviews_new=0, message=message)
    result = CliRunner().invoke(cli, ["--db", str(db), "run", "--quiet", "--sources", str(sources_file(tmp_path)),
                                      "--reports", str(tmp_path / "reports")])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"warning: could not record the job in {db}: cannot open the database")
    assert f"  crawl Our shop: no page could be read: {message}" in result.stderr.splitlines()
    assert "check the URLs" not in result.output and "job #None" not in result.output


# --- 5, 6. the sources file: a stray [, a list where text belongs, nothing to crawl -----------------

@pytest.mark.parametrize("body, expected", [
    ('[[source]]\nname = "Our shop"\nurls = ["https://shop.example/p/1"]\n\n'
     '[[source]]\nname = "Rival"\nurls = ["http://[rival.example/p/2"]\n',
     "line 7, source #2 ('Rival'), field urls: 'http://[rival.example/p/2' cannot be read as a URL"),
    ('[[source]]\nname = "Our shop"\nurls = ["https://shop.example/p/1"]\ndates = ["day-first"]\n',
     "line 4, source #1 ('Our shop'), field dates: must be \"day-first\" or \"month-first\", got ['day-first']"),
    ('[[source]]\nname = "Our shop"\nurls = ["https://shop.example/p/1"]\n\n'
     '[[source]]\nname = "Rival"\nside = "competitor"\nsitemaps = []\n',
     "line 8, source #2 ('Rival'), field sitemaps: is empty: give at least one sitemap"),
    ('[[source]]\nname = "Our shop"\nurls = []\nsitemaps = []\n',
     "line 3, source #1 ('Our shop'), field urls: is empty: give at least one start URL"),
])
def test_bad_sources_are_named_by_line_source_and_field(tmp_path, body, expected):
    path = tmp_path / "reviewlens.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith(expected), caught.value.problems
    checked = CliRunner().invoke(cli, ["sources", "check", str(path)])
    assert checked.exit_code == 2 and expected in checked.output and "Traceback" not in checked.output


def test_a_source_with_only_sitemaps_or_only_urls_is_fine(tmp_path):
    config = load_sources(sources_file(tmp_path, """
        [[source]]
        name = "A"
        sitemaps = ["https://a.example/sitemap.xml"]
        urls = []

        [[source]]
        name = "B"
        urls = ["https://b.example/p/1"]
        sitemaps = []
    """))
    assert [s.start_urls for s in config.sources] == [["https://a.example/sitemap.xml"], ["https://b.example/p/1"]]
