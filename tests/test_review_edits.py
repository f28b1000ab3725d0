"""A review its author edited: a re-crawl stores the new version and moves the earlier one into
``review_versions`` (data/store.py supersede_edited), so the store counts the review once, as it
reads now, and loses nothing: also a review an import stored that a crawl read since
(review_sightings), and an edit its author takes back. Unit tests on a real DuckDB file, and real
crawls of a loopback page whose review changes between crawls."""
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
    (run id, new, edited) as the run's record has them, written as the crawl's pipeline writes.
    ``status`` None: the crawl was killed before its last write."""
    rows = [{"product_id": "K1", "source": source, "published_at": date(2024, 7, 4),
             "collected_at": datetime(2024, 8, 1), "rating": 5.0, **r} for r in reviews]
    for row in rows:
        row["review_id"] = store.review_id(row["product_id"], row["author"], row["published_at"], row["body"])
    with store.writer(db) as con:
        if kind == "crawl":  # a crawl marks one left running (killed) failed, as crawler.crawl._begin_run
            con.execute("UPDATE collect_runs SET status = 'failed' WHERE kind = 'crawl' AND status = 'running'")
        run_id = store.start_collect_run(con, kind, "test")
        for row in rows:
            row["collect_run_id"] = run_id
        store.upsert_products(con, [{"product_id": "K1", "source": source}])
        new, duplicates = store.insert_reviews(con, rows, crawl_run=run_id if kind == "crawl" else None)
        store.add_to_collect_run(con, run_id, reviews_read=len(rows), reviews_new=new, duplicates=duplicates)
        if status is not None:
            if kind == "crawl":
                store.supersede_edited(con, run_id, [row["review_id"] for row in rows])
            store.finish_collect_run(con, run_id, status)
        new, edited = con.execute("SELECT reviews_new, reviews_edited FROM collect_runs WHERE run_id = ?",
                                  [run_id]).fetchall()[0]
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

    # The earlier version read again beside the current one is no new review. (Read instead of
    # the current one, it is an edit taken back: test_an_edit_taken_back_makes_the_first_version_current_again.)
    _, new, edited = _collect(db, "crawl", [
        {"author": "Ann", "body": "Boils fast, love it."},
        {"author": "ann ", "body": "Boils fast, love it. UPDATE: the lid broke after a month.", "rating": 2.0,
         "url": "http://shop.test/k1#r-1"}])
    assert (new, edited) == (0, 0)
    assert len(_bodies(db)) == 2 and _bodies(db, "review_versions") == ["Boils fast, love it."]


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
    # the page links each review on its own: two anchors are two reviews, on one page or on two
    ([{"author": "Ann", "body": "Great.", "url": "http://shop.test/k1#r-1"}],
     [{"author": "Ann", "body": "Awful.", "url": "http://shop.test/k1#r-2"}]),
    ([{"author": "Ann", "body": "Great.", "url": "http://shop.test/k1/#r-1"}],
     [{"author": "Ann", "body": "Awful.", "url": "http://shop.test/k1/page-2.html#r-2"}]),
])
def test_reviews_that_cannot_be_told_for_one_are_both_kept(tmp_path, first, second):
    db = _store(tmp_path)
    _collect(db, "crawl", first)
    _, new, edited = _collect(db, "crawl", second)
    assert edited == 0 and new == len(second)
    assert len(_bodies(db)) == len(first) + len(second)
    assert _bodies(db, "review_versions") == []


def test_an_edited_review_that_moved_to_another_page_is_one_review(tmp_path):
    # Newer reviews pushed Ann's from page 1 to page 2, then she edited it: its link names
    # another page, its anchor is the same. The anchor names the review; the page it sits on moves.
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": "Great.", "url": "http://shop.test/k1/#r-1"}])
    _, new, edited = _collect(db, "crawl", [
        {"author": "Ann", "body": "Great. UPDATE: it leaks.", "url": "http://shop.test/k1/page-2.html#r-1"}])
    assert (new, edited) == (1, 1)
    assert _bodies(db) == ["Great. UPDATE: it leaks."] and _bodies(db, "review_versions") == ["Great."]


def _ann(db) -> tuple:
    return store.query(db, "SELECT rating, rating_original, rating_scale, title, content_hash FROM reviews "
                           "WHERE author = 'Ann'").rows[0]


@pytest.mark.parametrize("changes", [{"rating": 1.0, "rating_original": "1"}, {"title": "Broke after a week"},
                                     {"rating": 1.0, "rating_original": "1", "title": "Broke after a week"}])
def test_a_recrawl_updates_stars_or_a_title_edited_in_place(tmp_path, changes):
    # Same product, author, date and text: the same review_id, so no new row; the crawl's
    # stars and title win, and the version they replace is kept.
    db = _store(tmp_path)
    ann = {"author": "Ann", "body": "Boils fast.", "rating_original": "5", "rating_scale": "1-5", "title": "Love it"}
    _collect(db, "crawl", [ann, {"author": "Bob", "body": "Pours well."}])
    run_id, new, edited = _collect(db, "crawl", [{**ann, **changes}, {"author": "Bob", "body": "Pours well."}])
    assert (new, edited) == (0, 1)
    now = {**ann, "rating": 5.0, **changes}
    assert _ann(db) == (now["rating"], now["rating_original"], "1-5", now["title"],
                        store.content_hash(now["title"], "Boils fast."))
    current = store.review_id("K1", "Ann", date(2024, 7, 4), "Boils fast.")
    assert store.query(db, "SELECT rating, title, content_hash, review_id, superseded_by, superseded_run "
                           "FROM review_versions").rows == [
        (5.0, "Love it", store.content_hash("Love it", "Boils fast."), current, current, run_id)]
    assert len(_bodies(db)) == 2

    # read again as it is: nothing more to update
    _, new, edited = _collect(db, "crawl", [{**ann, **changes}])
    assert (new, edited) == (0, 0)
    assert store.query(db, "SELECT count(*) FROM review_versions").rows == [(1,)]


def test_new_stars_send_the_review_back_to_the_analysis(tmp_path):
    # Its rating-text mismatch was decided with the old stars: its analysis row goes, so the
    # next `analyze` reads it again (pipeline.pending_reviews: a review without one is pending).
    db = _store(tmp_path)
    ann = {"author": "Ann", "body": "Boils fast.", "title": "Love it"}
    _collect(db, "crawl", [ann, {"author": "Bob", "body": "Pours well."}])
    with store.writer(db) as con:
        con.execute("INSERT INTO review_analysis (review_id, product_id, content_hash, models_key, run_id, "
                    "rating_mismatch) SELECT review_id, product_id, content_hash, 'm', 1, false FROM reviews"
                    ).fetchall()
    _collect(db, "crawl", [{**ann, "rating": 1.0}, {"author": "Bob", "body": "Pours well.", "title": "Nice"}])
    analysed = store.query(db, "SELECT r.author FROM review_analysis JOIN reviews r USING (review_id)").rows
    assert analysed == [("Bob",)]  # Bob's new title changes his content_hash instead


def test_a_batch_that_reads_an_edited_review_twice_keeps_its_first_row(tmp_path):
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": "Boils fast."}])
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": "Boils fast.", "rating": 1.0},
                                            {"author": "Ann", "body": "Boils fast.", "rating": 3.0}])
    assert (new, edited) == (0, 1)
    assert _ann(db)[0] == 1.0 and store.query(db, "SELECT rating FROM review_versions").rows == [(5.0,)]


def test_what_a_recrawl_does_not_give_or_writes_another_way_is_no_edit(tmp_path):
    db = _store(tmp_path)
    ann = {"author": "Ann", "body": "Boils fast.", "rating_original": "5", "rating_scale": "1-5", "title": "Love it"}
    _collect(db, "crawl", [ann])
    before = _ann(db)
    # other markup without stars or title (a listing's snippet); the same stars written as 10 of 10
    for seen in ({**ann, "rating": None, "rating_original": None, "rating_scale": None, "title": None},
                 {**ann, "rating_original": "10", "rating_scale": "1-10"}):
        _, new, edited = _collect(db, "crawl", [seen])
        assert (new, edited) == (0, 0)
    assert _ann(db) == before and _bodies(db, "review_versions") == []


def test_an_import_keeps_the_stored_stars_and_title(tmp_path):
    # An export may be older than the stored version: an import changes nothing stored.
    db = _store(tmp_path)
    ann = {"author": "Ann", "body": "Boils fast.", "title": "Love it"}
    _collect(db, "crawl", [ann])
    before = _ann(db)
    _, new, edited = _collect(db, "import", [{**ann, "rating": 1.0, "title": "Broke"}], source="shop.test")
    assert (new, edited) == (0, 0)
    assert _ann(db) == before and _bodies(db, "review_versions") == []


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


# --- a review an import stored, that a crawl read since, then edited -------------------------

V1, V2 = "Boils fast, love it.", "Boils fast. UPDATE: the lid broke after a month."
PAGE = "http://shop.test/k1/"


def _import(db, tmp_path, rows: list[tuple[str, str]], name: str = "export.csv"):
    """`reviewlens import` of a file holding ``rows`` (author, body) of K1 on 2024-07-04."""
    from crawler.importer import import_files

    export = tmp_path / name
    export.write_text("product_id,author,date,rating,body\n"
                      + "".join(f'K1,{author},2024-07-04,5,"{body}"\n' for author, body in rows), encoding="utf-8")
    return import_files(db, [export], progress=False)


def test_an_edit_replaces_a_review_an_import_stored_once_a_crawl_read_it(tmp_path):
    # Imported first, then read by a crawl: a duplicate, stored once, as the import's row (no
    # link, the file's source). Its author edits it: the crawl that reads the edit replaces it.
    db = _store(tmp_path)
    assert _import(db, tmp_path, [("Ann", V1), ("Bob", "Pours well.")]).imported == 2
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V1, "url": PAGE + "#r-1"},
                                            {"author": "Bob", "body": "Pours well.", "url": PAGE + "#r-2"}])
    assert (new, edited) == (0, 0)
    assert store.query(db, "SELECT count(*) FROM reviews WHERE source = 'export.csv'").rows == [(2,)]
    # newer reviews pushed it to page 2 before the edit: the anchor names it, not the page
    run_id, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V2, "url": PAGE + "page-2.html#r-1"},
                                                 {"author": "Bob", "body": "Pours well.", "url": PAGE + "#r-2"}])
    assert (new, edited) == (1, 1)
    assert _bodies(db) == [V2, "Pours well."]
    current = store.review_id("K1", "Ann", date(2024, 7, 4), V2)
    assert store.query(db, "SELECT body, source, superseded_by, superseded_run FROM review_versions").rows == [
        (V1, "export.csv", current, run_id)]
    assert store.query(db, "SELECT review_id FROM review_sightings").rows == [
        (store.review_id("K1", "Bob", date(2024, 7, 4), "Pours well."),)]
    # the file imported again adds nothing: one version is current, the other kept
    summary = _import(db, tmp_path, [("Ann", V1), ("Bob", "Pours well.")])
    assert (summary.imported, summary.duplicates) == (0, 2)
    assert _bodies(db) == [V2, "Pours well."]


@pytest.mark.parametrize("reads", [
    [],                                                                # no crawl read the imported one
    [{"author": "Ann", "body": V1, "url": PAGE + "#r-2"}],             # a crawl read it at another anchor
    [{"author": "Ann", "body": V1, "url": PAGE + "#r-2"},              # ... and once without a link,
     {"author": "Ann", "body": V1}],                                   #     which keeps the anchor noted
    [{"author": "Ann", "body": V1, "url": "http://other.test/k1/#r-1", "source": "other.test"}],  # another shop
])
def test_an_imported_review_no_crawl_read_there_stays_beside_the_crawled_one(tmp_path, reads):
    # An import cannot tell which version is current: only where a crawl read it does the edit
    # a crawl reads there replace it.
    db = _store(tmp_path)
    _import(db, tmp_path, [("Ann", V1)])
    for read in reads:
        read = dict(read)
        source = read.pop("source", "shop.test")
        assert _collect(db, "crawl", [read], source=source)[1:] == (0, 0)
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V2, "url": PAGE + "#r-1"}])
    assert (new, edited) == (1, 0)
    assert _bodies(db) == [V1, V2] and _bodies(db, "review_versions") == []


# --- an edit taken back ------------------------------------------------------------------------

def _analysed(db) -> list[str]:
    return [a for (a,) in store.query(db, "SELECT r.body FROM review_analysis JOIN reviews r USING (review_id) "
                                          "ORDER BY 1").rows]


def test_an_edit_taken_back_makes_the_first_version_current_again(tmp_path):
    db = _store(tmp_path)
    ann = {"author": "Ann", "url": PAGE + "#r-1"}
    bob = {"author": "Bob", "body": "Pours well.", "url": PAGE + "#r-2"}
    _collect(db, "crawl", [{**ann, "body": V1}, bob])
    with store.writer(db) as con:  # analysed (an analysis run between the crawls leaves V1's row too)
        con.execute("INSERT INTO review_analysis (review_id, product_id, content_hash, models_key, run_id, "
                    "rating_mismatch) SELECT review_id, product_id, content_hash, 'm', 1, false FROM reviews"
                    ).fetchall()
    assert _collect(db, "crawl", [{**ann, "body": V2}, bob])[1:] == (1, 1)
    # the author takes the edit back (and gives 3 stars now): the page shows V1 again
    run_id, new, edited = _collect(db, "crawl", [{**ann, "body": V1, "rating": 3.0}, bob])
    assert (new, edited) == (1, 1)
    assert store.query(db, "SELECT body, rating, collect_run_id FROM reviews ORDER BY body").rows == [
        (V1, 3.0, run_id), ("Pours well.", 5.0, 1)]
    first = store.review_id("K1", "Ann", date(2024, 7, 4), V1)
    assert store.query(db, "SELECT body, superseded_by, superseded_run FROM review_versions").rows == [
        (V2, first, run_id)]
    # V1 goes back to the analysis, as any edit does (its analysis row went); Bob's stays
    assert _analysed(db) == ["Pours well."]
    # read again as it is, or imported from a file holding either version: nothing changes
    assert _collect(db, "crawl", [{**ann, "body": V1, "rating": 3.0}, bob])[1:] == (0, 0)
    summary = _import(db, tmp_path, [("Ann", V1), ("Ann", V2), ("Bob", "Pours well.")])
    assert (summary.imported, summary.duplicates) == (0, 3)
    assert _bodies(db) == [V1, "Pours well."] and _bodies(db, "review_versions") == [V2]
    # and edited once more: V2 is current again, V1 kept
    assert _collect(db, "crawl", [{**ann, "body": V2}, bob])[1:] == (1, 1)
    assert _bodies(db) == [V2, "Pours well."] and _bodies(db, "review_versions") == [V1]


def test_an_earlier_version_that_replaces_nothing_is_not_stored_again(tmp_path):
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": V1}])
    _collect(db, "crawl", [{"author": "Ann", "body": V2}])
    # read beside the current one (a page that shows both): nothing to replace
    run_id, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V1}, {"author": "Ann", "body": V2}])
    assert (new, edited) == (0, 0)
    assert store.query(db, "SELECT duplicates FROM collect_runs WHERE run_id = ?", [run_id]).rows == [(2,)]
    assert _bodies(db) == [V2] and _bodies(db, "review_versions") == [V1]
    # read beside another review of hers of that day: nothing says which one it would replace
    run_id, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V1},
                                                 {"author": "Ann", "body": "Mine too.", "variant": "blue"}])
    assert (new, edited) == (1, 0)
    assert store.query(db, "SELECT duplicates FROM collect_runs WHERE run_id = ?", [run_id]).rows == [(1,)]
    assert _bodies(db) == [V2, "Mine too."] and _bodies(db, "review_versions") == [V1]


def test_an_edit_taken_back_that_a_killed_crawl_stored_is_settled_by_the_next_crawl(tmp_path):
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": V1}])
    _collect(db, "crawl", [{"author": "Ann", "body": V2}])
    _collect(db, "crawl", [{"author": "Ann", "body": V1}], status=None)  # killed before its last write
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V1}])
    assert (new, edited) == (0, 1)
    assert _bodies(db) == [V1] and _bodies(db, "review_versions") == [V2]


def test_an_earlier_version_a_killed_crawl_stored_leaves_even_when_not_read_again(tmp_path):
    """A killed crawl stored V1 read again (a stale page) and never settled it; the next crawl
    reads only V2. V1 must not stay current beside V2 for good, nor block the next edit (review
    rv30: before, both stayed, and V3 was stored as a third review)."""
    db = _store(tmp_path)
    _collect(db, "crawl", [{"author": "Ann", "body": V1}])
    _collect(db, "crawl", [{"author": "Ann", "body": V2}])
    killed, _, _ = _collect(db, "crawl", [{"author": "Ann", "body": V1}], status=None)
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V2}])
    assert (new, edited) == (0, 0)
    assert _bodies(db) == [V2] and _bodies(db, "review_versions") == [V1]
    assert store.query(db, "SELECT reviews_new, duplicates FROM collect_runs WHERE run_id = ?",
                       [killed]).rows == [(0, 1)]
    V3 = "Lid replaced, fine now."
    _, new, edited = _collect(db, "crawl", [{"author": "Ann", "body": V3}])
    assert (new, edited) == (1, 1)
    assert _bodies(db) == [V3] and _bodies(db, "review_versions") == [V1, V2]


def test_the_crawl_pipeline_settles_an_imported_review_edited_and_taken_back(tmp_path):
    # The same, through crawler.pipelines.StorePipeline writing one review per transaction.
    from crawler.pipelines import StorePipeline

    db = _store(tmp_path)
    _import(db, tmp_path, [("Ann", V1), ("Bob", "Pours well.")])

    def crawl(ann_body: str) -> tuple:
        with store.writer(db) as con:
            run_id = store.start_collect_run(con, "crawl", PAGE)
        pipeline = StorePipeline(db, run_id, flush_items=1, progress=False)
        pipeline.process_item({"type": "page"})
        for author, body, anchor in (("Ann", ann_body, "#r-1"), ("Bob", "Pours well.", "#r-2")):
            pipeline.process_item({"type": "review", "product_id": "K1", "source": "shop.test", "author": author,
                                   "published_at": date(2024, 7, 4), "rating": 5.0, "body": body,
                                   "url": PAGE + anchor,
                                   "review_id": store.review_id("K1", author, date(2024, 7, 4), body)})
        assert pipeline.finish() == "ok"
        return store.query(db, "SELECT reviews_new, duplicates, reviews_edited FROM collect_runs "
                               "WHERE run_id = ?", [run_id]).rows[0]

    assert crawl(V1) == (0, 2, 0)
    assert crawl(V2) == (1, 1, 1)
    assert _bodies(db) == [V2, "Pours well."] and _bodies(db, "review_versions") == [V1]
    assert crawl(V1) == (1, 1, 1)
    assert _bodies(db) == [V1, "Pours well."] and _bodies(db, "review_versions") == [V2]
    assert crawl(V1) == (0, 2, 0)
    assert _import(db, tmp_path, [("Ann", V1), ("Ann", V2)]).imported == 0
    assert store.query(db, "SELECT count(*) FROM reviews").rows == [(2,)]


def _page(body: str, stars: int = 5, title: str | None = None) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle K1", "sku": "K1",
            "review": [{"@type": "Review", "author": "Ann", "datePublished": "2024-07-04",
                        "reviewRating": {"ratingValue": stars}, "reviewBody": body,
                        **({"name": title} if title else {})},
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


@pytest.mark.slow
def test_a_real_recrawl_of_stars_and_a_title_edited(tmp_path):
    shop_dir = demo_shop.generate(tmp_path / "shop", seed=3, reviews_per_product=(2, 3), products=1)
    db = str(tmp_path / "crawl.duckdb")
    body = "It stopped heating after a week and the lid leaks."
    with demo_shop.serve(shop_dir) as shop:
        shop.respond("/edited/k1/", _page(body, stars=5, title="Love it"))
        first = run_crawl(db, [shop.url + "/edited/k1/"], polite=False, progress=False)
        shop.respond("/edited/k1/", _page(body, stars=1, title="Broke after a week"))
        second = run_crawl(db, [shop.url + "/edited/k1/"], polite=False, progress=False, incremental=False)
        third = run_crawl(db, [shop.url + "/edited/k1/"], polite=False, progress=False, incremental=False)
    assert first["reviews_new"] == 2 and (second["reviews_new"], second["reviews_edited"]) == (0, 1), second
    assert (third["reviews_new"], third["reviews_edited"]) == (0, 0), third
    assert store.query(db, "SELECT rating, title, content_hash FROM reviews WHERE author = 'Ann'").rows == [
        (1.0, "Broke after a week", store.content_hash("Broke after a week", body))]
    assert store.query(db, "SELECT rating, title FROM review_versions").rows == [(5.0, "Love it")]


@pytest.mark.slow
def test_a_real_recrawl_of_an_edited_review_pushed_to_page_two(tmp_path):
    # Newest first, 3 a page: 3 new reviews push one from page 1 to page 2, then its author
    # edits it. Its link names page 2 now (``page-2.html#r-...``): still one review.
    out = demo_shop.generate(tmp_path / "shop", seed=3, reviews_per_product=(6, 6), products=1, page_size=3)
    db = str(tmp_path / "crawl.duckdb")
    with demo_shop.serve(out) as shop:
        run_crawl(db, [shop.url + "/sitemap.xml"], polite=False, progress=False)
        demo_shop.add_reviews(out, 3, seed=5)
        records = demo_shop.load_manifest(out)
        target = records[3]
        assert target["page"] == 2, target
        target["body"] += " UPDATE: after a month the lid broke and it leaks."
        (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        demo_shop.add_reviews(out, 0)  # re-render the pages from the manifest
        second = run_crawl(db, [shop.url + "/sitemap.xml"], polite=False, progress=False, incremental=False)
    assert (second["reviews_edited"], second["status"]) == (1, "ok"), second
    rows = store.query(db, "SELECT url, body FROM reviews WHERE author = ? AND published_at = ?",
                       [target["author"], target["published_at"]]).rows
    assert len(rows) == 1 and rows[0][1] == target["body"] and "page-2.html#r-" in rows[0][0], rows
    assert store.query(db, "SELECT count(*) FROM reviews").rows == [(len(records),)]
    assert store.query(db, "SELECT count(*) FROM review_versions").rows == [(1,)]


@pytest.mark.slow
def test_a_real_recrawl_of_an_edit_taken_back(tmp_path):
    shop_dir = demo_shop.generate(tmp_path / "shop", seed=3, reviews_per_product=(2, 3), products=1)
    db = str(tmp_path / "crawl.duckdb")
    runs = []
    with demo_shop.serve(shop_dir) as shop:
        for body in ("Boils water fast, love it.", "Boils water fast. UPDATE: after a month the lid broke.",
                     "Boils water fast, love it."):
            shop.respond("/edited/k1/", _page(body))
            runs.append(run_crawl(db, [shop.url + "/edited/k1/"], polite=False, progress=False, incremental=False))
    assert [(run["reviews_new"], run["reviews_edited"], run["status"]) for run in runs] == [
        (2, 0, "ok"), (1, 1, "ok"), (1, 1, "ok")], runs
    rows = store.query(db, "SELECT author, body FROM reviews ORDER BY author").rows
    assert rows == [("Ann", "Boils water fast, love it."), ("Bob", "Pours well and looks nice.")]
    assert _bodies(db, "review_versions") == ["Boils water fast. UPDATE: after a month the lid broke."]
