"""`reviewlens run`: the sources file, the single-instance lock, partial failures and exit codes.

The crawl and analysis steps are small fakes passed in (they write real rows into a real
DuckDB file); the lock is tested across real processes, including one killed with SIGKILL.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysed_store import add_products_and_reviews, analyse
from analysis import report
from analysis.jobs import runner
from analysis.jobs.lock import JobLock, JobLocked, lock_path_for
from analysis.jobs.sources import SourcesError, load_sources
from dashboard.cli import cli
from data import store

REPO = Path(__file__).resolve().parent.parent


def _sources(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "reviewlens.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


THREE_SOURCES = """
    [[source]]
    name = "ours"
    urls = ["http://127.0.0.1:9/ours"]
    category = "Kitchen"
    [source.products]
    "EXTRA" = "competitor"

    [[source]]
    name = "rival"
    side = "competitor"
    urls = ["http://127.0.0.1:9/rival"]

    [[source]]
    name = "third"
    side = "competitor"
    urls = ["http://127.0.0.1:9/third"]
    max_pages = 3
"""


class FakeCrawl:
    """Writes a few reviews per source like the crawler would; named sources fail."""

    def __init__(self, failing=(), how="raise"):
        self.failing, self.how, self.calls = set(failing), how, []

    def __call__(self, db, urls, **options):
        self.calls.append((urls, options))
        name = urls[0].rsplit("/", 1)[-1]
        if name in self.failing:
            if self.how == "raise":
                raise ConnectionError(f"connection refused: {urls[0]}")
            return {"status": "failed", "errors": 1, "pages": 0, "reviews_new": 0}
        with store.writer(db) as con:
            run_id = store.start_collect_run(con, "crawl", urls[0])
        ids = add_products_and_reviews(db, name.upper(), 3)
        with store.writer(db) as con:
            con.execute("UPDATE reviews SET collect_run_id = ? WHERE review_id IN (SELECT unnest(?))", [run_id, ids])
            store.finish_collect_run(con, run_id, "ok")
        return {"run_id": run_id, "pages": 1, "reviews_new": 3, "duplicates": 0, "rejected": 0,
                "errors": 0, "status": "ok"}


def fake_analyze(db, **options):
    run_id = analyse(db)
    return {"run_id": run_id, "counts": {"reviews": 3}, "durations": {}, "status": "ok"}


def run(db, config, tmp_path, **steps):
    steps.setdefault("crawl", FakeCrawl())  # crawl=None: the real crawler
    steps.setdefault("analyze", fake_analyze)
    steps.setdefault("prepare_model", lambda db: None)
    lines = []
    result = runner.run_job(db, config, reports_dir=tmp_path / "reports", log=lines.append, **steps)
    return result, lines


def job_row(db):
    return store.query(db, "SELECT * FROM job_runs ORDER BY job_id DESC").first()


# --- the sources file -----------------------------------------------------------------------------

def test_example_sources_file_is_valid():
    config = load_sources(REPO / "reviewlens.example.toml")
    assert [s.side for s in config.sources] == ["ours", "competitor"]
    assert config.sources[0].start_urls[-1].endswith("sitemap.xml")
    assert config.sources[0].products == {"KT-900-RESELL": "competitor"}


def test_bad_sources_file_names_line_and_field(tmp_path):
    path = _sources(tmp_path, """
        [[source]]
        name = "A"
        urls = ["ftp://x"]
        max_pages = 0
        side = "mine"
        colour = "red"
    """)
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    problems = caught.value.problems
    assert "line 4, source #1 ('A'), field urls: 'ftp://x' is not an http(s) URL" in problems[1]
    assert any(p.startswith("line 5, source #1 ('A'), field max_pages: must be a whole number") for p in problems)
    assert any(p.startswith("line 6") and "side" in p and "'mine'" in p for p in problems)
    assert any(p.startswith("line 7") and "colour" in p and "unknown key" in p for p in problems)


def test_sources_check_command(tmp_path):
    good = CliRunner().invoke(cli, ["sources", "check", str(REPO / "reviewlens.example.toml")])
    assert good.exit_code == 0 and "ok:" in good.output and "Rival store: competitor" in good.output
    bad = _sources(tmp_path, "[[source]]\nname = \"x\"\nurls = [\"https://a.example/p\"]\nprofile = \"no-such\"\n")
    result = CliRunner().invoke(cli, ["sources", "check", str(bad)])
    assert result.exit_code == 2
    assert "line 4, source #1 ('x'), field profile: no site profile named 'no-such'" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[[source]\n")
    result = CliRunner().invoke(cli, ["sources", "check", str(broken)])
    assert result.exit_code == 2 and "not valid TOML" in result.output and "line 1" in result.output


# --- one job: steps, partial failure, exit codes ----------------------------------------------------

def test_all_sources_ok_exit_0_recorded_and_reported(db_path, tmp_path):
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    crawl = FakeCrawl()
    result, lines = run(db_path, config, tmp_path, crawl=crawl)
    assert (result.status, result.exit_code) == ("ok", 0)
    assert [s.step for s in result.steps] == ["crawl", "crawl", "crawl", "analyze", "reports"]
    assert crawl.calls[2][1]["max_pages"] == 3 and crawl.calls[0][1]["category"] == "Kitchen"
    assert crawl.calls[0][1]["incremental"] is True
    row = job_row(db_path)
    assert row["status"] == "ok" and row["exit_code"] == 0 and row["finished_at"] is not None
    steps = json.loads(row["steps"])
    assert [s["status"] for s in steps] == ["ok"] * 5 and all(s["seconds"] >= 0 for s in steps)
    assert json.loads(row["counts"])["reviews_new"] == 9
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(f"{k}.csv" for k in report.KINDS)
    sides = dict(store.query(db_path, "SELECT product_id, side FROM product_sides").rows)
    assert sides == {"OURS": "ours", "RIVAL": "competitor", "THIRD": "competitor", "EXTRA": "competitor"}
    summary = report.build(db_path, "summary")
    assert set(zip(summary["product_id"], summary["side"])) == {
        ("OURS", "ours"), ("RIVAL", "competitor"), ("THIRD", "competitor")}


@pytest.mark.parametrize("how", ["raise", "status"])
def test_a_failing_source_is_reported_and_the_others_run(db_path, tmp_path, how):
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    result, lines = run(db_path, config, tmp_path, crawl=FakeCrawl({"rival"}, how))
    assert (result.status, result.exit_code) == ("partial", 3)
    assert result.failed_sources() == ["rival"]
    assert [s.status for s in result.steps] == ["ok", "failed", "ok", "ok", "ok"]
    assert store.query(db_path, "SELECT count(*) FROM reviews").scalar() == 6
    assert job_row(db_path)["exit_code"] == 3
    assert any("failed" in line for line in lines)


def test_every_source_failing_is_exit_1_and_skips_analysis(db_path, tmp_path):
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    analysed = []
    result, _ = run(db_path, config, tmp_path, crawl=FakeCrawl({"ours", "rival", "third"}),
                    analyze=lambda db, **o: analysed.append(db))
    assert (result.status, result.exit_code) == ("failed", 1)
    assert analysed == [] and [s.status for s in result.steps][-2:] == ["skipped", "skipped"]
    assert job_row(db_path)["status"] == "failed"


@pytest.mark.parametrize("problem", ["http_404", "robots_disallowed"])
def test_a_source_that_read_no_page_failed_even_without_errors(db_path, tmp_path, problem):
    """A mistyped URL (404) or a site whose robots.txt bars us reads nothing; neither is an error
    to the crawler (a sitemap may name sold-out products), yet the source must not pass as ok."""
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    crawl = FakeCrawl()

    def rival_read_nothing(db, urls, **options):
        if urls[0].endswith("/rival"):
            return {"run_id": None, "status": "ok", "pages": 0, "errors": 0, "problems": {problem: 1}}
        return crawl(db, urls, **options)

    result, lines = run(db_path, config, tmp_path, crawl=rival_read_nothing)
    assert (result.status, result.exit_code) == ("partial", 3)
    assert result.failed_sources() == ["rival"]
    assert result.steps[1].error.startswith(f"no page could be read: {problem} 1")
    assert json.loads(job_row(db_path)["steps"])[1]["status"] == "failed"


def test_a_crawl_process_that_died_keeps_its_own_message(db_path, tmp_path):
    # crawler.crawl.run_crawl reports a crashed child with its exit code and last words: the
    # step's error is those words, not a generic "reported failure" or "no page could be read".
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    crawl = FakeCrawl()

    def rival_crashed(db, urls, **options):
        if urls[0].endswith("/rival"):
            return {"run_id": None, "status": "failed", "pages": 0, "exit_code": 1,
                    "message": "MemoryError: the page was too big"}
        return crawl(db, urls, **options)

    result, _ = run(db_path, config, tmp_path, crawl=rival_crashed)
    assert result.failed_sources() == ["rival"]
    assert result.steps[1].error == "MemoryError: the page was too big"


def test_a_failing_analysis_is_exit_1(db_path, tmp_path):
    config = load_sources(_sources(tmp_path, THREE_SOURCES))

    def broken(db, **options):
        raise RuntimeError("model exploded")

    result, _ = run(db_path, config, tmp_path, analyze=broken)
    assert result.exit_code == 1 and "model exploded" in result.steps[3].error
    assert result.steps[4].status == "skipped"


def test_the_step_a_job_is_stopped_in_is_recorded(db_path, tmp_path):
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    crawl = FakeCrawl()

    def stopped_in_the_second(db, urls, **options):
        if len(crawl.calls) == 1:
            raise runner.JobStopped("stopped by signal 15")
        return crawl(db, urls, **options)

    with pytest.raises(runner.JobStopped):
        run(db_path, config, tmp_path, crawl=stopped_in_the_second)
    row = job_row(db_path)
    steps = json.loads(row["steps"])
    assert row["status"] == "stopped" and len(steps) == 2
    assert (steps[1]["status"], steps[1]["error"]) == ("failed", "stopped")


ONE_SOURCE = """
    [[source]]
    name = "ours"
    urls = ["http://127.0.0.1:9/ours"]
"""


@pytest.mark.parametrize("where", ["batch", "single-review retry"])
def test_sigterm_inside_the_analysis_stops_the_job_and_blames_no_review(db_path, tmp_path, where):
    """SIGTERM while a model reads (a scheduler's timeout, systemd): the job stops, it is not
    swallowed by the analysis retrying a failed batch review by review."""
    import dataclasses

    from analysis.pipeline import run_analysis
    from pipeline_fakes import FakeAspects, FakeSentiment, fake_models, make_store

    bodies = [f"The lid of kettle {i} is great." for i in range(12)]
    if where != "batch":
        bodies[0] = "BOOM the lid is bad."
    make_store(db_path, [{"product_id": "p1", "author": f"a{i}", "rating": 4, "published_at": "2024-01-01",
                          "body": body, "url": f"https://shop.test/p1#r{i}"} for i, body in enumerate(bodies)])

    class TermOnCall(FakeSentiment):
        """Sends SIGTERM to this process on its ``at``-th call."""
        calls = 0

        def predict(self, texts, batch_size=None):
            TermOnCall.calls += 1
            if TermOnCall.calls == at:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)   # the handler raises in here
            return super().predict(texts, batch_size)

    class Boom(FakeAspects):
        def extract(self, texts):
            if any("BOOM" in t for t in texts):
                raise RuntimeError("stage failed on BOOM")
            return super().extract(texts)

    # "batch": in the 3rd batch of 4; "retry": the one batch fails on BOOM, then the signal comes
    # while its first review is read again alone (it must not be marked skipped for an error)
    at, batch_size = (3, 4) if where == "batch" else (2, 12)
    models = dataclasses.replace(fake_models(), sentiment=TermOnCall(), aspects=Boom())
    config = load_sources(_sources(tmp_path, ONE_SOURCE))

    def analyze(db, **options):
        return run_analysis(db, models=models, progress=False, batch_size=batch_size, log=lambda line: None)

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(runner.JobStopped), runner.stop_on_sigterm():
        run(db_path, config, tmp_path, crawl=lambda *a, **k: {"status": "ok", "pages": 1}, analyze=analyze)
    assert TermOnCall.calls == at                    # nothing was read after the signal
    row = job_row(db_path)
    steps = json.loads(row["steps"])
    assert (row["status"], row["exit_code"]) == ("stopped", 1)
    assert [(s["step"], s["status"], s["error"]) for s in steps] == [("crawl", "ok", None),
                                                                     ("analyze", "failed", "stopped")]
    assert store.query(db_path, "SELECT status FROM analysis_runs").rows == [("failed",)]
    assert store.query(db_path, "SELECT count(*) FROM review_analysis WHERE skipped_reason IS NOT NULL").scalar() == 0
    assert store.query(db_path, "SELECT count(*) FROM review_analysis").scalar() == (8 if where == "batch" else 0)
    assert signal.getsignal(signal.SIGTERM) == before   # the runner's handler is gone again


def test_job_stopped_is_not_an_exception():
    """So no `except Exception` on the way (a step that goes on after an error) swallows a stop."""
    assert issubclass(runner.JobStopped, BaseException) and not issubclass(runner.JobStopped, Exception)


def test_a_source_whose_side_changed_re_marks_the_products_it_saw_again(db_path, tmp_path):
    """The second crawl brings no new review (the same page again), but its product is re-marked."""
    def crawl(db, urls, **options):
        with store.writer(db) as con:
            run_id = store.start_collect_run(con, "crawl", urls[0])
            store.upsert_products(con, [{"product_id": "P1", "source": "shop", "url": "https://shop.test/p1"}])
            store.insert_reviews(con, [{"product_id": "P1", "source": "shop", "author": "Ann",
                                        "published_at": "2024-01-01", "body": "Great kettle.",
                                        "collect_run_id": run_id}])
            store.finish_collect_run(con, run_id, "ok")
        return {"run_id": run_id, "pages": 1, "reviews_new": 1, "errors": 0, "status": "ok"}

    for side in ("ours", "competitor"):
        config = load_sources(_sources(tmp_path, f"""
            [[source]]
            name = "shop"
            sitemaps = ["https://shop.test/sitemap.xml"]
            side = "{side}"
            """))
        run(db_path, config, tmp_path, crawl=crawl)
        assert store.query(db_path, "SELECT product_id, side FROM product_sides").rows == [("P1", side)]


# --- the lock ------------------------------------------------------------------------------------

HOLDER = """
import sys, time
from analysis.jobs.lock import JobLock
lock = JobLock(sys.argv[1]).acquire()
print("holding", flush=True)
time.sleep(60)
"""


def _hold_lock_in_child(path: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert child.stdout.readline().strip() == "holding"
    return child


def test_lock_is_exclusive_in_process(tmp_path):
    path = tmp_path / "x.lock"
    with JobLock(path):
        with pytest.raises(JobLocked, match=f"pid {os.getpid()}"):
            JobLock(path).acquire()
    with JobLock(path) as again:  # released: free again, and no "took over"
        assert again.took_over is None


def test_second_run_exits_at_once_with_a_clear_message(db_path, tmp_path):
    sources = _sources(tmp_path, THREE_SOURCES)
    store.ensure(db_path)
    child = _hold_lock_in_child(lock_path_for(db_path))
    try:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "dashboard.cli", "--db", db_path, "run", "--sources",
                                 str(sources)], capture_output=True, text=True, cwd=REPO, timeout=60)
        took = time.monotonic() - started
    finally:
        child.kill()
        child.wait()
    assert result.returncode == 4, result.stderr
    assert f"another reviewlens job is running (pid {child.pid}" in result.stderr
    assert took < 20  # at once: no crawl was attempted (a crawl of port 9 would take longer)
    assert store.query(db_path, "SELECT count(*) FROM job_runs").scalar() == 0


def test_lock_left_by_a_killed_job_is_taken_over(db_path, tmp_path):
    path = lock_path_for(db_path)
    child = _hold_lock_in_child(path)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert json.loads(path.read_text())["pid"] == child.pid  # the dead job's note is still there
    config = load_sources(_sources(tmp_path, THREE_SOURCES))
    result, lines = run(db_path, config, tmp_path)
    assert result.exit_code == 0 and result.took_over["pid"] == child.pid
    assert any(f"took over the lock left by a job that ended without releasing it (pid {child.pid}" in l
               for l in lines)
    assert path.read_text() == ""  # released cleanly this time


def test_a_lock_file_that_cannot_be_made_is_a_store_error_naming_it(tmp_path):
    # a path through a regular file fails for root too (chmod would not stop root)
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder", encoding="utf-8")
    for db in (a_file / "shop.duckdb", a_file / "deeper" / "shop.duckdb"):
        with pytest.raises(store.StoreError) as caught:
            JobLock(lock_path_for(db)).acquire()
        assert str(caught.value) == (f"cannot create the lock file {lock_path_for(db)}: the folder of the store "
                                     f"{os.path.realpath(db)} must be writable ({a_file} is a file, not a folder)")
        assert isinstance(caught.value.__cause__, OSError)


def _store_under_a_file(tmp_path: Path) -> str:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder", encoding="utf-8")
    return str(a_file / "shop.duckdb")


def test_run_and_analyze_say_in_one_line_when_the_lock_file_cannot_be_made(tmp_path):
    db = _store_under_a_file(tmp_path)
    sources = _sources(tmp_path, THREE_SOURCES)
    result = CliRunner().invoke(cli, ["--db", db, "run", "--sources", str(sources), "--quiet"])
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (f"error: cannot create the lock file {lock_path_for(db)}: the folder of the "
                                     f"store {db} must be writable ({tmp_path / 'a_file'} is a file, not a folder)")
    # analyze stops earlier, and in one line too: a store under a file cannot exist
    analysed = CliRunner().invoke(cli, ["--db", db, "analyze", "--quiet"])
    assert analysed.exit_code == 1, analysed.output
    assert analysed.output.startswith(f"Error: no database at {db}: ")
    assert len(analysed.output.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root creates files in a read-only folder anyway")
def test_run_on_a_store_in_a_read_only_folder(db_path, tmp_path):
    store.ensure(db_path)
    folder = Path(db_path).parent
    sources = _sources(tmp_path, THREE_SOURCES)  # read only: a read-only folder is fine for it
    folder.chmod(0o555)
    try:
        result = CliRunner().invoke(cli, ["--db", db_path, "run", "--sources", str(sources), "--quiet"])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (f"error: cannot create the lock file {lock_path_for(db_path)}: the folder of "
                                     f"the store {db_path} must be writable (Permission denied)")


def test_run_command_exit_codes_for_bad_sources(db_path, tmp_path):
    result = CliRunner().invoke(cli, ["--db", db_path, "run", "--sources", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2 and "no sources file" in result.output


# --- the real crawler ----------------------------------------------------------------------------

HOSTILE_PAGE = """<html><head><title>Evil kettle</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Evil Kettle", "sku": "EVIL-1", "review": [{"@type": "Review",
 "author": {"@type": "Person", "name": "Mallory"}, "datePublished": "2024-07-04",
 "reviewBody": "=HYPERLINK(\\"http://evil.example/\\",\\"click\\")",
 "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5}}]}</script>
</head><body><h1>Evil Kettle</h1></body></html>"""


@pytest.mark.slow
def test_real_crawl_of_the_demo_shop_plus_a_dead_source_is_exit_3(db_path, tmp_path):
    """The real path: Scrapy (in its child process) crawls the demo shop on 127.0.0.1, another
    source's host refuses connections; the job goes on, analyses (fake) and reports (real)."""
    from crawler import demo_shop

    shop_dir = demo_shop.generate(tmp_path / "shop", seed=0, products=1, reviews_per_product=(25, 30))
    expected = demo_shop.load_manifest(shop_dir)
    with demo_shop.serve(shop_dir) as shop:
        shop.respond("/hostile/", HOSTILE_PAGE)  # a page whose review is a spreadsheet formula
        config = load_sources(_sources(tmp_path, f"""
            [[source]]
            name = "demo"
            urls = ["{shop.url.rstrip('/')}/hostile/", "{shop.url.rstrip('/')}/no-such-product/",
                    "{shop.url.rstrip('/')}/produkt/kühlschrank/"]
            sitemaps = ["{shop.url.rstrip('/')}/sitemap.xml"]
            polite = false

            [[source]]
            name = "down"
            side = "competitor"
            urls = ["http://127.0.0.1:9/nothing-listens-here"]
            polite = false
        """))
        result, lines = run(db_path, config, tmp_path, crawl=None)
    assert (result.status, result.exit_code) == ("partial", 3), lines
    assert result.failed_sources() == ["down"] and "no page could be read" in result.steps[1].error
    # the mistyped start URLs (one that Scrapy sends percent-encoded) make the good source
    # partial, and it says so
    assert result.steps[0].status == "partial" and result.steps[0].counts["problems"]["start_url_gone"] == 2
    assert "a start URL of the sources file answered 404 or 410" in result.steps[0].error
    assert result.steps[0].counts["reviews_new"] == len(expected) + 1
    reviews = report.build(db_path, "reviews")
    assert len(reviews) == len(expected) + 1 and set(reviews["side"]) == {"ours"}
    assert all(url.startswith(shop.url) for url in reviews["url"])
    written = (tmp_path / "reports" / "reviews.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")" in written  # crawled, kept, made inert
    assert ",=HYPERLINK" not in written and '"=HYPERLINK' not in written
    summary = (tmp_path / "reports" / "summary.csv").read_text(encoding="utf-8")
    assert summary.splitlines()[0].startswith("product_id,product,category,side,finding")


def test_readme_sources_example_is_valid(tmp_path):
    import re

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Running on a schedule"):]
    example = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    config = load_sources(_sources(tmp_path, example))
    assert [s.name for s in config.sources] == ["Our shop", "Rival store"]
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |"):
        assert code in section  # every exit code of `reviewlens run` is documented


def test_a_sources_date_order_reaches_its_crawl_and_a_wrong_one_is_named(tmp_path, db_path):
    text = THREE_SOURCES.replace('side = "competitor"\n', 'side = "competitor"\n    dates = "day-first"\n', 1)
    config = load_sources(_sources(tmp_path, text))
    crawl = FakeCrawl()
    run(db_path, config, tmp_path, crawl=crawl)
    assert [options["day_first"] for _, options in crawl.calls] == [None, True, None]
    with pytest.raises(SourcesError, match='dates.*"day-first" or "month-first", got \'dd/mm\''):
        load_sources(_sources(tmp_path, text.replace('"day-first"', '"dd/mm"')))
