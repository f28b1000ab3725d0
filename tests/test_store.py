"""The store on real DuckDB files: migrations, writes, dedupe, locking."""
from __future__ import annotations

import contextlib
import subprocess
import sys
import time

import duckdb
import pytest

from data import store


def test_fresh_file_migrates_to_latest(db_path):
    assert store.ensure(db_path) == store.latest_version()
    con = duckdb.connect(db_path)
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    assert versions == list(range(1, store.latest_version() + 1))
    assert {"products", "reviews", "collect_runs", "analysis_runs", "sentences"} <= tables


_OLD_REVIEW = ("r1", "p1", "src", "https://shop.example/p1#r1", "Ann", 4.0, "8", "0-10", "Good",
               "Boils fast", "en", "2024-07-04", 3, True, "Red", "2024-07-05 10:00:00", "h1", 7)


@pytest.mark.parametrize("start", range(0, store.latest_version()))
def test_every_earlier_version_migrates_to_latest(db_path, start):
    con = duckdb.connect(db_path)
    assert store.migrate(con, target=start) == start
    if start >= 1:  # data written at the old version survives the upgrade, every column of it
        con.execute("INSERT INTO products VALUES ('p1', 'src', NULL, 'Kettle', NULL, NULL, now(), now())")
        con.execute(f"INSERT INTO reviews VALUES ({', '.join('?' * len(_OLD_REVIEW))})", list(_OLD_REVIEW))
    con.close()
    assert store.ensure(db_path) == store.latest_version()
    titles = store.query(db_path, "SELECT title FROM products").rows
    assert titles == ([("Kettle",)] if start >= 1 else [])
    stored = store.query(db_path, "SELECT review_id, product_id, source, url, author, rating, rating_original, "
                                  "rating_scale, title, body, language, CAST(published_at AS VARCHAR), "
                                  "helpful_votes, verified, variant, CAST(collected_at AS VARCHAR), "
                                  "content_hash, collect_run_id FROM reviews").rows
    assert stored == ([_OLD_REVIEW] if start >= 1 else [])
    columns = store.query(db_path, "SELECT column_name FROM information_schema.columns "
                                   "WHERE table_name = 'reviews' ORDER BY ordinal_position").rows
    assert [c for (c,) in columns] == store.REVIEW_COLUMNS


def test_reviews_have_no_key_but_the_store_still_dedupes(db_path):
    """Migration 004 dropped the PRIMARY KEY on reviews (it cost more than the rest of a bulk
    write); the writers' anti-join keeps ids unique, NOT NULL still holds."""
    store.ensure(db_path)
    con = duckdb.connect(db_path)
    kinds = {r[0] for r in con.execute("SELECT constraint_type FROM duckdb_constraints() "
                                       "WHERE table_name = 'reviews'").fetchall()}
    assert "PRIMARY KEY" not in kinds and "NOT NULL" in kinds
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO reviews (review_id, product_id, source, body, collected_at, content_hash) "
                    "VALUES (NULL, 'p1', 's', 'text', now(), 'h')")
    con.close()
    batch = [_review(f"Review {i} of the kettle", author=f"U{i % 50}") for i in range(200)]
    with store.writer(db_path) as con:
        assert store.insert_reviews(con, batch + batch[:30]) == (200, 30)
    with store.writer(db_path) as con:
        assert store.insert_reviews(con, batch[100:] + [_review("One more")]) == (1, 100)
    ids = store.query(db_path, "SELECT count(*) AS n, count(DISTINCT review_id) AS d FROM reviews").first()
    assert ids == {"n": 201, "d": 201}


def test_migrating_twice_changes_nothing(db_path):
    store.ensure(db_path)
    store.ensure(db_path)
    assert store.query(db_path, "SELECT count(*) FROM schema_version").scalar() == store.latest_version()


def _review(body, author="Ann", product="p1", **extra):
    return {"product_id": product, "source": "test", "author": author, "body": body, **extra}


def test_insert_reviews_dedupes_within_batch_and_against_store(db_path):
    with store.writer(db_path) as con:
        new, dups = store.insert_reviews(con, [_review("Great kettle"), _review("great  KETTLE", author="ann"),
                                               _review("Leaks at the lid", author="Bo", rating=2.0)])
    assert (new, dups) == (2, 1)
    with store.writer(db_path) as con:
        assert store.insert_reviews(con, [_review("Great kettle"), _review("New one", author="Cy")]) == (1, 1)
    rows = store.query(db_path, "SELECT body, rating FROM reviews ORDER BY body").rows
    assert rows == [("Great kettle", None), ("Leaks at the lid", 2.0), ("New one", None)]


def test_insert_reviews_hashes_absent_fields_as_empty(db_path):
    """A review without author, title or date gets the ids every other writer gives it
    (pandas turns absent fields into NaN; they must not be hashed as 'nan')."""
    with store.writer(db_path) as con:
        store.insert_reviews(con, [_review("No author here", author=None),
                                   {"product_id": "p2", "source": "test", "body": "Bare", "rating": 4.0}])
    got = store.query(db_path, "SELECT product_id, review_id, content_hash, body FROM reviews "
                               "ORDER BY product_id").rows
    assert got == [("p1", store.review_id("p1", None, None, "No author here"),
                    store.content_hash(None, "No author here"), "No author here"),
                   ("p2", store.review_id("p2", None, None, "Bare"), store.content_hash(None, "Bare"), "Bare")]
    assert store.review_id("p2", None, None, "Bare") != store.review_id("p2", "nan", "nan", "Bare")


def test_review_id_is_stable_and_distinguishes_products():
    a = store.review_id("p1", "Ann", "2024-07-04", "Great")
    assert a == store.review_id("p1", " ann ", "2024-07-04", "great")
    assert a != store.review_id("p2", "Ann", "2024-07-04", "Great")
    assert a != store.review_id("p1", "Ann", "2024-07-05", "Great")


def test_upsert_products_keeps_known_facts(db_path):
    with store.writer(db_path) as con:
        store.upsert_products(con, [{"product_id": "p1", "source": "s", "title": "Kettle", "brand": "Acme"}])
    with store.writer(db_path) as con:
        store.upsert_products(con, [{"product_id": "p1", "source": "s", "title": "Kettle 2"}])
    row = store.query(db_path, "SELECT title, brand, first_seen <= last_seen AS ordered FROM products").first()
    assert row == {"title": "Kettle 2", "brand": "Acme", "ordered": True}


def test_collect_run_counts_accumulate(db_path):
    with store.writer(db_path) as con:
        run = store.start_collect_run(con, "import", "a.csv")
        store.add_to_collect_run(con, run, reviews_read=3, reviews_new=2, rejected=1, problems={"no text": 1})
        store.add_to_collect_run(con, run, reviews_read=1, duplicates=1, problems={"no text": 2})
        store.finish_collect_run(con, run, "ok")
    row = store.query(db_path, "SELECT status, reviews_read, reviews_new, duplicates, rejected, problems::VARCHAR AS p "
                               "FROM collect_runs").first()
    assert row["status"] == "ok" and row["reviews_read"] == 4 and row["reviews_new"] == 2
    assert row["duplicates"] == 1 and row["rejected"] == 1 and row["p"] == '{"no text": 3}'


def test_failed_batch_rolls_back(db_path):
    with pytest.raises(RuntimeError):
        with store.writer(db_path) as con:
            store.insert_reviews(con, [_review("kept?")])
            raise RuntimeError("crash in the middle of a batch")
    assert store.query(db_path, "SELECT count(*) FROM reviews").scalar() == 0


def test_an_error_after_the_commit_reaches_the_caller_as_it_is(db_path, monkeypatch):
    """A stop signal landing just after COMMIT used to meet the writer's ROLLBACK, whose "no
    transaction is active" replaced it: the job then took a stop for a failed step."""
    real = store.connect

    class Stopped(Exception):
        pass

    class AfterCommit:
        def __init__(self, con):
            self.con, self.armed = con, False   # armed in the batch: migrations commit too

        def execute(self, sql, *args):
            result = self.con.execute(sql, *args)
            if sql == "COMMIT" and self.armed:
                raise Stopped("stopped by signal 15")
            return result

        def __getattr__(self, name):
            return getattr(self.con, name)

    monkeypatch.setattr(store, "connect", lambda *a, **k: AfterCommit(real(*a, **k)))
    with pytest.raises(Stopped):
        with store.writer(db_path) as con:
            store.insert_reviews(con, [_review("Committed before the signal")])
            con.armed = True
    monkeypatch.undo()
    assert store.query(db_path, "SELECT count(*) FROM reviews").scalar() == 1


def test_insert_reviews_keeps_the_first_row_of_an_id_in_a_big_batch(db_path):
    """The same review twice in one batch: the first copy is stored, whatever the threads do
    (without an order, DuckDB kept the later copy of about 3% of 200,000 ids)."""
    import pyarrow as pa

    n = 100_000
    ids = [f"id{i:06d}" for i in range(n)]
    batch = pa.table({"review_id": ids * 2, "product_id": ["p1"] * (2 * n), "source": ["test"] * (2 * n),
                      "body": ["Body"] * (2 * n), "rating": [5.0] * n + [1.0] * n,
                      "content_hash": ["h"] * (2 * n)})
    with store.writer(db_path) as con:
        con.execute("SET threads = 4")
        assert store.insert_reviews(con, batch.to_pandas()) == (n, n)
    assert store.query(db_path, "SELECT count(*) FILTER (WHERE rating = 1.0) FROM reviews").scalar() == 0


def test_reading_a_missing_file_says_what_to_do(db_path):
    with pytest.raises(store.StoreError, match="reviewlens import"):
        store.query(db_path, "SELECT 1")


@contextlib.contextmanager
def _held_by_another_process(db_path, seconds: float):
    """Another process holds the store read-write for ``seconds``; the block runs while it does."""
    holder = subprocess.Popen([sys.executable, "-c",
                               f"import duckdb, time; c = duckdb.connect({db_path!r}); print('held', flush=True); "
                               f"time.sleep({seconds})"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.wait(timeout=10)


def test_reader_retries_then_reports_a_busy_store(db_path):
    store.ensure(db_path)
    with _held_by_another_process(db_path, 2.5):
        with pytest.raises(store.StoreBusy, match="a job is updating the data"):
            store.query(db_path, "SELECT 1", wait=0.3)
        started = time.monotonic()  # a longer wait outlasts the writer and succeeds
        assert store.query(db_path, "SELECT count(*) FROM reviews", wait=10).scalar() == 0
        assert time.monotonic() - started > 0.5


def test_column_types_read_cheaply_match_information_schema(db_path):
    """The writers read a table's columns with PRAGMA table_info; every table gives the same
    names and types as information_schema."""
    store.ensure(db_path)
    con = duckdb.connect(db_path)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        assert {"reviews", "products", "collect_runs"} <= set(tables)
        for table in tables:
            expected = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                   "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            assert store._column_types(con, table) == expected, table
    finally:
        con.close()


def test_schema_version_of_a_new_file_is_zero(db_path):
    con = duckdb.connect(db_path)
    try:
        assert store.schema_version(con) == 0
        assert store.migrate(con) == store.latest_version() == store.schema_version(con)
    finally:
        con.close()


def _stored(db_path):
    return store.query(db_path, "SELECT * FROM reviews ORDER BY review_id").rows, \
        store.query(db_path, "SELECT * FROM products ORDER BY product_id").rows


def test_plain_rows_and_a_dataframe_store_the_same(tmp_path):
    """Plain dicts go to DuckDB as an Arrow table, a DataFrame through pandas: same rows."""
    import datetime as dt

    import pandas as pd

    stamp = dt.datetime(2026, 1, 2, 3, 4, 5, 678901)
    reviews = [
        {"product_id": "p1", "source": "s", "author": "Ann", "body": "Boils fast", "title": "Good",
         "rating": 4, "published_at": dt.date(2024, 7, 4), "helpful_votes": 3, "verified": True,
         "collected_at": stamp, "collect_run_id": 7, "type": "review"},
        {"product_id": "p1", "source": "s", "body": "No author, no title", "rating": 4.5,
         "collected_at": stamp},
        {"product_id": "p2", "source": "s", "author": None, "title": None, "body": "Zürich ﬁne",
         "rating": None, "verified": False, "variant": "Red", "language": "de", "collected_at": stamp,
         "url": "http://shop.test/p2#r-1", "rating_original": "8/10", "rating_scale": "0-10"},
        {"review_id": "given-id", "content_hash": "given-hash", "product_id": "p2", "source": "s",
         "body": "Ids given", "collected_at": stamp},
    ]
    reviews.append(dict(reviews[0]))  # a duplicate inside the batch
    products = [{"product_id": "p1", "source": "s", "title": "Kettle", "first_seen": stamp, "last_seen": stamp},
                {"product_id": "p2", "source": "s", "brand": "Acme", "first_seen": stamp, "last_seen": stamp},
                {"product_id": "p1", "source": "s", "title": "Kettle 2", "rating": 4.0,
                 "first_seen": stamp, "last_seen": stamp}]
    plain, frame = str(tmp_path / "plain.duckdb"), str(tmp_path / "frame.duckdb")
    with store.writer(plain) as con:
        assert store._plain_table(con, "reviews", reviews, store._review_columns) is not None
        assert store._plain_table(con, "products", products, store._product_columns) is not None
        store.upsert_products(con, products)
        assert store.insert_reviews(con, reviews) == (4, 1)
    with store.writer(frame) as con:
        store.upsert_products(con, pd.DataFrame(products))
        assert store.insert_reviews(con, pd.DataFrame(reviews)) == (4, 1)
    assert _stored(plain) == _stored(frame)
    rows, products_stored = _stored(plain)
    assert len(rows) == 4 and [p[3] for p in products_stored] == ["Kettle 2", None]
    no_title = next(r for r in rows if r[9] == "No author, no title")
    assert no_title[0] == store.review_id("p1", None, None, "No author, no title")
    assert no_title[16] == store.content_hash(None, "No author, no title")


def test_odd_values_take_the_pandas_path(db_path):
    """NaN, numbers written as text, aware datetimes: the pandas path (DuckDB's CAST) reads them."""
    import datetime as dt

    odd = [
        [{"product_id": "p1", "source": "s", "body": "NaN title", "title": float("nan")}],
        [{"product_id": "p1", "source": "s", "body": "Text rating", "rating": "4"}],
        [{"product_id": "p1", "source": "s", "body": "Aware",
          "collected_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}],
        [{"product_id": "p1", "source": "s", "body": "Yes/no as 1", "verified": 1}],
    ]
    with store.writer(db_path) as con:
        for rows in odd:
            assert store._plain_table(con, "reviews", rows, store._review_columns) is None
            assert store.insert_reviews(con, rows) == (1, 0)
    got = dict(store.query(db_path, "SELECT body, content_hash FROM reviews").rows)
    assert got["NaN title"] == store.content_hash(None, "NaN title")
    assert store.query(db_path, "SELECT rating FROM reviews WHERE body = 'Text rating'").scalar() == 4.0


def test_attached_writer_writes_releases_the_file_and_rolls_back(db_path):
    """writer(attach=True): the file is attached to one in-memory DuckDB kept by the process;
    after the block another process can open it, and a failed batch leaves nothing."""
    for body in ("First batch", "Second batch"):
        with store.writer(db_path, attach=True) as con:
            assert store.insert_reviews(con, [_review(body)]) == (1, 0)
            run = store.start_collect_run(con, "crawl", "http://shop.test/")
    with pytest.raises(RuntimeError):
        with store.writer(db_path, attach=True) as con:
            store.insert_reviews(con, [_review("rolled back")])
            raise RuntimeError("crash in the middle of a batch")
    other = subprocess.run([sys.executable, "-c", f"import duckdb; c = duckdb.connect({db_path!r}); "
                            "print(sorted(r[0] for r in c.execute('SELECT body FROM reviews').fetchall()), "
                            "c.execute('SELECT max(run_id) FROM collect_runs').fetchall()[0][0])"],
                           capture_output=True, text=True, timeout=60)
    assert other.stdout.strip() == f"['First batch', 'Second batch'] {run}", other.stderr
    assert store.query(db_path, "SELECT count(*) FROM schema_version").scalar() == store.latest_version()


def test_attached_writer_waits_for_a_busy_store(db_path):
    store.ensure(db_path)
    with _held_by_another_process(db_path, 1.5):
        with pytest.raises(store.StoreBusy, match="a job is updating the data"):
            with store.writer(db_path, wait=0.2, attach=True):
                pass
        with store.writer(db_path, wait=10, attach=True) as con:  # outlasts the holder
            store.insert_reviews(con, [_review("after the wait")])
    assert store.query(db_path, "SELECT body FROM reviews").rows == [("after the wait",)]
