"""The dashboard keeps working while a job writes.

A real job (`analysis.jobs.runner.run_job`, in its own process, under its lock) crawls two
sources whose crawl step writes reviews in many short transactions, then analyses and writes
the reports. Meanwhile this process runs the dashboard's queries in a loop. Every query either
answers or raises StoreBusy (shown as "updating"); no other error, no half batch is ever seen,
and after the job every new review is there exactly once.
"""
from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysed_store import add_products_and_reviews, analyse
from data import store

REPO = Path(__file__).resolve().parent.parent
BATCHES, BATCH = 10, 4  # per source

JOB = f"""
import sys, time
sys.path.insert(0, {str(REPO / 'tests')!r})
from analysed_store import add_products_and_reviews, analyse
from analysis.jobs import runner
from analysis.jobs.sources import load_sources
from data import store

def crawl(db, urls, **options):
    product = urls[0].rsplit("/", 1)[-1].upper()
    with store.writer(db) as con:
        run_id = store.start_collect_run(con, "crawl", urls[0])
    for batch in range({BATCHES}):          # like the crawler's batched pipeline
        add_products_and_reviews(db, product, {BATCH}, start=1000 + batch * {BATCH})
        time.sleep(0.1)                      # the network between pages (and room for reads)
    with store.writer(db) as con:
        store.finish_collect_run(con, run_id, "ok")
    return {{"run_id": run_id, "pages": {BATCHES}, "reviews_new": {BATCHES * BATCH}, "status": "ok"}}

def analyze(db, **options):
    return {{"run_id": analyse(db), "status": "ok"}}

result = runner.run_job(sys.argv[1], load_sources(sys.argv[2]), crawl=crawl, analyze=analyze,
                        prepare_model=lambda db: None, reports_dir=sys.argv[3], log=print)
print("EXIT", result.exit_code, flush=True)
"""

SOURCES = """
[[source]]
name = "ours"
urls = ["http://127.0.0.1:9/kettle"]

[[source]]
name = "rival"
side = "competitor"
urls = ["http://127.0.0.1:9/toaster"]
"""


def _dashboard_reads(db: str):
    """The dashboard's own queries (dashboard/queries.py), or the same SQL through the store."""
    try:
        from dashboard import queries
        needed = ("store_stamp", "store_state", "filter_choices", "products", "count_reviews",
                  "review_page", "ReviewQuery", "Filters")
        assert all(hasattr(queries, name) for name in needed)
    except (ImportError, AssertionError):
        queries = None

    if queries is not None:
        def read() -> int:
            stamp = queries.store_stamp(db)
            queries.store_state(db, stamp)
            queries.filter_choices(db, stamp)
            queries.products(db, stamp)
            queries.review_page(db, stamp, queries.ReviewQuery(), queries.Filters(), 0)
            return queries.count_reviews(db, stamp, queries.ReviewQuery(), queries.Filters())
        return read, "dashboard.queries"

    def read() -> int:
        store.query(db, "SELECT count(*) FROM review_analysis", wait=2.0)
        store.query(db, "SELECT product_id, title FROM products ORDER BY title", wait=2.0)
        return int(store.query(db, "SELECT count(*) FROM reviews", wait=2.0).scalar())
    return read, "store.query"


@pytest.mark.slow
def test_dashboard_queries_while_a_job_writes(tmp_path):
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no runtime" warnings outside the app
    db = str(tmp_path / "shop.duckdb")
    before = set(add_products_and_reviews(db, "KETTLE", 10))
    analyse(db)
    sources = tmp_path / "reviewlens.toml"
    sources.write_text(SOURCES)
    read, via = _dashboard_reads(db)
    assert read() == 10

    job = subprocess.Popen([sys.executable, "-c", JOB, db, str(sources), str(tmp_path / "reports")],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    answered, busy, seen = 0, 0, []
    while job.poll() is None:
        try:
            count = read()
        except store.StoreBusy:  # the dashboard shows "a job is updating the data"
            busy += 1
            continue
        answered += 1
        seen.append(count)
        time.sleep(0.02)  # people click; a tight loop would only measure lock contention
    output = job.stdout.read()
    assert job.returncode == 0 and "EXIT 0" in output, output

    expected_total = 10 + 2 * BATCHES * BATCH
    assert answered >= 5, (answered, busy)  # the dashboard really got in between the writes
    assert seen == sorted(seen), "the review count went backwards"
    assert all((count - 10) % BATCH == 0 for count in seen), f"half a batch was visible: {seen}"
    assert max(seen) <= expected_total and len(set(seen)) >= 2, seen  # it saw the job progress
    print(f"via {via}: {answered} answers, {busy} 'updating', counts seen {sorted(set(seen))[:5]}...")

    assert read() == expected_total
    ids = store.query(db, "SELECT review_id FROM reviews").rows
    assert len(ids) == len({i for (i,) in ids}) == expected_total  # none lost, none doubled
    assert before <= {i for (i,) in ids}
    expected_new = {store.review_id(product, f"Buyer {i}", f"2024-07-{1 + i % 28:02d}",
                                    f"Review {i} of {product}: the lid is great.")
                    for product in ("KETTLE", "TOASTER") for i in range(1000, 1000 + BATCHES * BATCH)}
    assert expected_new <= {i for (i,) in ids}
    row = store.query(db, "SELECT status, exit_code FROM job_runs").first()
    assert row == {"status": "ok", "exit_code": 0}
    assert (tmp_path / "reports" / "summary.csv").exists()
    from analysis import report
    frame = report.build(db, "reviews")
    assert len(frame) == expected_total and frame["review_id"].is_unique
