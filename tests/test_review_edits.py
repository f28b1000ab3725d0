"""A review its author edited: a re-crawl stores the new version and moves the earlier one into
``review_versions`` (data/store.py supersede_edited), so the store counts the review once, as it
reads now, and loses nothing. Unit tests on a real DuckDB file, and one real crawl of a
loopback page whose review changes between two crawls."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from crawler import demo_shop
from crawler.crawl import run_crawl
from data import store


def _store(tmp_path):
    db = str(tmp_path / "edits.duckdb")
    store.ensure(db)
    return db


def _collect(db, kind: str, reviews: list[dict], source: str = "shop.test",
             status: str | None = "ok") -> tuple[int, int, int]:
    """One collect run of ``kind`` that reads ``reviews`` (all of them are what the crawl saw):
    (run id, new, edited). ``status`` None: the crawl was killed before its last write."""
    rows = [{"product_id": "K1", "source": source, "published_at": date(2024, 7, 4),
             "collected_at": datetime(2024, 8, 1), "rating": 5.0, **r} for r in reviews]
    for row in rows:
        row["review_id"] = store.review_id(row["product_id"], row["author"], row["published_at"], row["body"])
    with store.writer(db) as con:
        run_id = store.start_collect_run(con, kind, "test")
        for row in rows:
            row["collect_run_id"] = run_id
        store.upsert_products(con, [{"product_id": "K1", "source": source}])
        new, _ = store.insert_reviews(con, rows)
        edited = 0
        if status is not None:
            if kind == "crawl":
                edited = store.supersede_edited(con, run_id, [row["review_id"] for row in rows])
            store.finish_collect_run(con, run_id, status)
    return run_id, new, edited


def _bodies(db, table: str = "reviews") -> list[str]:
    return [b for (b,) in store.query(db, f"SELECT body FROM {table} ORDER BY body").rows]


def test_a_recrawl_replaces_an_edited_review_and_keeps_the_earlier_version(tmp_path):
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": "Boils fast, love it.", "url": "http://shop.test/k1#r-1"},
                           {"author": "Bob", "body": "Pours well."}])
    run_id, new, edited = _collect(db, "crawl", [
        {"author": "ann ", "body": "Boils fast, love it. UPDATE: the lid broke after a month.", "rating": 2.0,
         "url": "http://shop.test/k1#r-1"},
        {"author": "Bob", "body": "Pours well."}])
    assert (new, edited) == (1, 1)
    assert _bodies(db) == ["Boils fast, love it. UPDATE: the lid broke after a month.", "Pours well."]
    kept = store.query(db, "SELECT body, rating, superseded_by, superseded_run FROM review_versions").rows
    current = store.query(db, "SELECT review_id FROM reviews WHERE author = 'ann '").rows[0][0]
    assert kept == [("Boils fast, love it.", 5.0, current, run_id)]
    assert store.query(db, "SELECT reviews_edited FROM collect_runs WHERE run_id = ?", [run_id]).rows == [(1,)]

    # The earlier version seen again (a cached copy, an old export) is no new review.
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": "Boils fast, love it."}])
    assert (new, edited) == (0, 0)
    assert len(_bodies(db)) == 2


@pytest.mark.parametrize("first, second", [
    # a placeholder name is many people
    ([{"author": "Amazon Customer", "body": "Great."}], [{"author": "Amazon Customer", "body": "Awful."}]),
    # no name, or no date: nothing says it is the same review
    ([{"author": None, "body": "Great."}], [{"author": None, "body": "Awful."}]),
    ([{"author": "Ann", "body": "Great.", "published_at": None}],
     [{"author": "Ann", "body": "Awful.", "published_at": None}]),
    # two reviews by one person on one day, in the new crawl or in the store
    ([{"author": "Ann", "body": "Great."}], [{"author": "Ann", "body": "Awful."}, {"author": "Ann", "body": "Meh."}]),
    ([{"author": "Ann", "body": "Great."}, {"author": "Ann", "body": "Meh."}], [{"author": "Ann", "body": "Awful."}]),
    # another day, another author
    ([{"author": "Ann", "body": "Great."}], [{"author": "Ann", "body": "Awful.", "published_at": date(2024, 7, 5)}]),
    ([{"author": "Ann", "body": "Great."}], [{"author": "Anna", "body": "Awful."}]),
    # the page links each review on its own: two anchors are two reviews
    ([{"author": "Ann", "body": "Great.", "url": "http://shop.test/k1#r-1"}],
     [{"author": "Ann", "body": "Awful.", "url": "http://shop.test/k1#r-2"}]),
])
def test_reviews_that_cannot_be_told_for_one_are_both_kept(tmp_path, first, second):
    db = _store(tmp_path)
    _collect(db, "crawl", first)
    _, new, edited = _collect(db, "crawl", second)
    assert edited == 0 and new == len(second)
    assert len(_bodies(db)) == len(first) + len(second)
    assert _bodies(db, "review_versions") == []


def test_a_review_the_crawl_reads_again_is_no_earlier_version(tmp_path):
    # Sarah reviewed the red kettle; the next crawl finds her review of the blue one, of the
    # same day, and the red one still on the page: two reviews, not an edit.
    db = _store(tmp_path)
    red = {"author": "Sarah", "body": "The red one is lovely.", "variant": "red"}
    _collect(db, "crawl", [red])
    _, new, edited = _collect(db, "crawl", [{"author": "Sarah", "body": "Blue is nice too.", "variant": "blue"}, red])
    assert (new, edited) == (1, 0)
    assert len(_bodies(db)) == 2


def test_an_edit_a_killed_crawl_stored_is_found_by_the_next_crawl(tmp_path):
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": "Great."}])
    _collect(db, "crawl", [{"author": "Ann", "body": "Great. UPDATE: it leaks."}], status=None)  # killed
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": "Great. UPDATE: it leaks."}])
    assert (new, edited) == (0, 1)
    assert _bodies(db) == ["Great. UPDATE: it leaks."] and _bodies(db, "review_versions") == ["Great."]


def test_imports_and_other_hosts_store_both_versions(tmp_path):
    # An export file may be older than the one imported before it: an import cannot tell which
    # version is current. Another host is another shop's review.
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": "Great."}])
    _collect(db, "crawl", [{"author": "Ann", "body": "Awful."}], source="other.test")
    _collect(db, "import", [{"author": "Ann", "body": "Fine."}], source="export.csv")
    assert len(_bodies(db)) == 3


def test_an_import_does_not_store_a_known_earlier_version_again(tmp_path):
    from crawler.importer import import_files

    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": "Boils fast, love it."}])
    _collect(db, "crawl", [{"author": "Ann", "body": "Boils fast. UPDATE: it leaks."}])
    export = tmp_path / "old_export.csv"
    export.write_text("product_id,author,date,rating,body\n"
                      "K1,Ann,2024-07-04,5,\"Boils fast, love it.\"\n"
                      "K1,Cy,2024-07-05,4,Quiet enough.\n", encoding="utf-8")
    summary = import_files(db, [export], progress=False)
    assert (summary.imported, summary.duplicates) == (1, 1)
    assert _bodies(db) == ["Boils fast. UPDATE: it leaks.", "Quiet enough."]


def _page(body: str) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle K1", "sku": "K1",
            "review": [{"@type": "Review", "author": "Ann", "datePublished": "2024-07-04",
                        "reviewRating": {"ratingValue": 5}, "reviewBody": body},
                       {"@type": "Review", "author": "Bob", "datePublished": "2024-07-02",
                        "reviewRating": {"ratingValue": 4}, "reviewBody": "Pours well and looks nice."}]}
    return (f"<!doctype html><html><head><meta charset='utf-8'><script type='application/ld+json'>"
            f"{json.dumps(data)}</script></head><body><h1>Kettle K1</h1></body></html>")


@pytest.mark.slow
def test_a_real_recrawl_of_an_edited_review(tmp_path):
    shop_dir = demo_shop.generate(tmp_path / "shop", seed=3, reviews_per_product=(5, 6), products=1)
    db = str(tmp_path / "crawl.duckdb")
    with demo_shop.serve(shop_dir) as shop:
        shop.respond("/edited/k1/", _page("Boils water fast, love it."))
        first = run_crawl(db, [shop.url + "/edited/k1/"], polite=False, progress=False)
        shop.respond("/edited/k1/", _page("Boils water fast. UPDATE: after a month the lid broke."))
        second = run_crawl(db, [shop.url + "/edited/k1/"], polite=False, progress=False)
    assert first["reviews_new"] == 2 and second["reviews_new"] == 1, (first, second)
    assert second["reviews_edited"] == 1 and second["status"] == "ok", second
    rows = store.query(db, "SELECT author, body FROM reviews ORDER BY author").rows
    assert rows == [("Ann", "Boils water fast. UPDATE: after a month the lid broke."),
                    ("Bob", "Pours well and looks nice.")]
    assert _bodies(db, "review_versions") == ["Boils water fast, love it."]
