"""The crawler for real: Scrapy in a child process against the loopback demo shop, a real DuckDB file.

Compared with the shop's ground truth (manifest.jsonl): every review exactly once, an
incremental re-crawl that finds none new, one that finds only the reviews the generator added,
robots.txt obeyed, 429/500 retried, bad pages counted, and a crawl killed with SIGKILL that
ends complete after the next crawl. Plus fast unit tests of the settings and the pipeline.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler import demo_shop
from crawler.crawl import CrawlError, child_env, run_crawl
from crawler.pipelines import StorePipeline, review_problem
from crawler.retry import retry_after_seconds
from crawler.settings import DEFAULT_USER_AGENT, MAX_PAGE_BYTES, crawl_settings
from data import store


def _manifest_ids(shop_dir) -> Counter:
    return Counter(store.review_id(r["product_id"], r["author"], r["published_at"], r["body"])
                   for r in demo_shop.load_manifest(shop_dir))


def _stored_ids(db) -> Counter:
    return Counter(r[0] for r in store.query(db, "SELECT review_id FROM reviews").rows)


def _run_row(db, run_id) -> dict:
    row = store.query(db, "SELECT * FROM collect_runs WHERE run_id = ?", [run_id]).first()
    row["problems"] = json.loads(row["problems"])
    return row


@pytest.fixture(scope="module")
def small_shop(tmp_path_factory):
    """All twelve products (every markup and pagination style), fewer reviews than the demo."""
    return demo_shop.generate(tmp_path_factory.mktemp("shop"), seed=7, reviews_per_product=(8, 45))


# --- the live crawls ------------------------------------------------------------------------

@pytest.mark.slow
def test_crawl_collects_every_review_once_then_only_new_ones(small_shop, tmp_path):
    db = str(tmp_path / "shop.duckdb")
    with demo_shop.serve(small_shop) as shop:
        first = run_crawl(db, [f"{shop.url}/sitemap.xml"], polite=False, progress=False)
        robots_respected = not any(p.startswith(("/cart", "/account")) for _, p, _ in shop.requests)
        pages_first = len(shop.requests)

        # Every review of the manifest, exactly once, with its rating, date and anchor.
        assert _stored_ids(db) == _manifest_ids(small_shop)
        assert first["status"] == "ok", first
        assert first["reviews_new"] == sum(_manifest_ids(small_shop).values()) == first["reviews_read"]
        assert first["errors"] == 0 and first["rejected"] == 0
        assert first["problems"] == {"robots_disallowed": 1}  # /cart/ is in the sitemap
        assert robots_respected
        truth = {store.review_id(r["product_id"], r["author"], r["published_at"], r["body"]): r
                 for r in demo_shop.load_manifest(small_shop)}
        stored = store.query(db, "SELECT review_id, product_id, rating, published_at, url, title "
                                 "FROM reviews").dicts()
        for row in stored:
            expected = truth[row["review_id"]]
            if expected["best_rating"] == 5:
                assert row["rating"] == expected["rating"], row
            else:  # the page states worstRating 1, bestRating 10: mapped linearly onto 1-5
                on_page = int(expected["rating_on_page"])
                assert row["rating"] == round(1 + 4 * (on_page - 1) / 9, 3), row
            assert row["published_at"].isoformat() == expected["published_at"]
            assert row["url"] == shop.url + expected["url"]
            assert row["title"] == (expected["title"] or None)
        products = store.query(db, "SELECT product_id, title, category FROM products ORDER BY 1").rows
        assert len(products) == 12 and all(title for _, title, _ in products)

        # Incremental re-crawl through the command: nothing new, only first review pages read.
        shop.requests.clear()
        result = CliRunner().invoke(
            __import__("dashboard.cli", fromlist=["cli"]).cli,
            ["crawl", f"{shop.url}/sitemap.xml", "--no-delay", "--db", db])
        assert result.exit_code == 0, result.output
        assert ": ok;" in result.output and " 0 new," in result.output
        review_pages = [p for _, p, _ in shop.requests if p.startswith("/products/")]
        assert len(review_pages) == 12, review_pages  # page 1 of each product, no further
        assert len(shop.requests) < pages_first

        # The generator adds reviews (newest first, on page 1): the next crawl finds only those.
        added = demo_shop.add_reviews(small_shop, 30, seed=5)
        third = run_crawl(db, [f"{shop.url}/sitemap.xml"], polite=False, progress=False)
    assert third["reviews_new"] == 30, third
    assert _stored_ids(db) == _manifest_ids(small_shop)
    new_ids = {r[0] for r in store.query(db, "SELECT review_id FROM reviews WHERE collect_run_id = ?",
                                         [third["run_id"]]).rows}
    assert new_ids == {store.review_id(r["product_id"], r["author"], r["published_at"], r["body"]) for r in added}
    runs = store.query(db, "SELECT kind, status FROM collect_runs ORDER BY run_id").rows
    assert runs == [("crawl", "ok")] * 3


@pytest.mark.slow
def test_retries_robots_and_bad_pages_are_counted_not_fatal(tmp_path):
    shop_dir = demo_shop.generate(tmp_path / "shop", seed=3, reviews_per_product=(5, 15), products=3)
    manifest = demo_shop.load_manifest(shop_dir)
    coffee, blender, fryer = (p["url"] for p in json.loads((shop_dir / "products.json").read_text()))
    db = str(tmp_path / "faults.duckdb")
    broken = ("<html><head><meta charset='utf-8'><script type='application/ld+json'>{\"@type\": \"Product\", oops"
              "</script></head><body><h1>Caf\xe9 page</h1></body></html>").encode("cp1252")
    with demo_shop.serve(shop_dir) as shop:
        shop.fail(coffee, status=429, times=1, retry_after=1)
        shop.fail(blender, status=500, times=2)
        shop.respond("/big/", b"<html><body>" + b"x" * (MAX_PAGE_BYTES + 1024) + b"</body></html>")
        shop.respond("/broken/", broken)
        # The same server under another host name: a redirect there leaves the start hosts.
        elsewhere = shop.url.replace("127.0.0.1", "localhost") + "/elsewhere/"
        shop.respond("/moved/", b"", status=302, headers={"Location": elsewhere})
        start = [shop.url + u for u in (coffee, blender, fryer, "/big/", "/broken/", "/gone/", "/cart/", "/moved/")]
        summary = run_crawl(db, start, polite=False, progress=False, incremental=False)
        statuses = [(p, s) for _, p, s in shop.requests]
        # `reviewlens extract URL` on a live page: JSON lines, and robots.txt obeyed there too.
        from dashboard.cli import cli

        live = CliRunner().invoke(cli, ["extract", shop.url + fryer])
        forbidden = CliRunner().invoke(cli, ["extract", shop.url + "/cart/"])
    assert live.exit_code == 0, live.output
    lines = [json.loads(line) for line in live.stdout.splitlines()]
    assert lines[0]["type"] == "product" and lines[0]["product_id"] == "KT-1003"
    assert len(lines) - 1 == min(20, sum(1 for r in manifest if r["product_id"] == "KT-1003"))
    assert forbidden.exit_code != 0 and "robots.txt" in forbidden.output
    assert [s for p, s in statuses if p == coffee] == [429, 200]
    assert [s for p, s in statuses if p == blender] == [500, 500, 200]
    # /cart/ is the seventh start URL: it waited for robots.txt with others (crawler/robots.py).
    assert not any(p.startswith("/cart") for p, _ in statuses)
    assert [p for p, _ in statuses if p in ("/moved/", "/elsewhere/")] == ["/moved/"]
    assert summary["crawl_seconds"] >= 1.0  # waited for Retry-After
    # The good pages' reviews all arrived despite the faults around them.
    assert _stored_ids(db) == _manifest_ids(shop_dir) and len(manifest) == summary["reviews_new"]
    problems = summary["problems"]
    assert problems["robots_disallowed"] == 1
    assert problems["page_too_large"] == 1
    assert problems["http_404"] == 1
    assert problems["malformed_json_ld"] == 1 and problems["wrong_charset"] == 1
    assert summary["errors"] == 1  # the oversize page; a page that is gone (404) is no error
    assert summary["status"] == "partial"
    assert _run_row(db, summary["run_id"])["errors"] == 1


def _progress_new(line: str) -> int:
    # "crawl: 3 pages, 60 reviews read, 60 new, 0 errors"
    parts = line.replace(",", "").split()
    return int(parts[parts.index("new") - 1]) if "new" in parts else 0


@pytest.mark.slow
def test_a_crawl_killed_with_sigkill_ends_complete_after_the_next_crawl(small_shop, tmp_path):
    db = str(tmp_path / "killed.duckdb")
    with demo_shop.serve(small_shop) as shop:
        # Polite mode (AutoThrottle, delays) makes the first crawl slow enough to be caught
        # midway; small batches make it store something first.
        config = {"db": db, "urls": [f"{shop.url}/sitemap.xml"], "max_pages": None, "incremental": True,
                  "profile": None, "obey_robots": True, "user_agent": None, "polite": True,
                  "category": None, "product_pattern": None, "progress": True, "flush_items": 5,
                  "flush_seconds": 0.5, "record_pages": None}
        child = subprocess.Popen([sys.executable, "-m", "crawler.crawl", json.dumps(config)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        deadline = time.monotonic() + 60
        stored_before_kill = 0
        try:
            while time.monotonic() < deadline and stored_before_kill == 0:
                ready, _, _ = select.select([child.stderr], [], [], 1.0)
                if ready:
                    line = child.stderr.readline()
                    if line.startswith("crawl:"):
                        stored_before_kill = _progress_new(line)
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        assert stored_before_kill > 0
        killed = store.query(db, "SELECT run_id, status, reviews_new FROM collect_runs").dicts()
        assert [(r["status"]) for r in killed] == ["running"]
        partial = _stored_ids(db)
        assert 0 < sum(partial.values()) < sum(_manifest_ids(small_shop).values())
        assert killed[0]["reviews_new"] == sum(partial.values())  # counters flushed with the rows

        again = run_crawl(db, [f"{shop.url}/sitemap.xml"], polite=False, progress=False)
    assert _stored_ids(db) == _manifest_ids(small_shop)  # no losses, no duplicates
    assert again["status"] == "ok"
    assert again["problems"].get("full_pass_after_interrupted_crawl") == 1
    assert again["reviews_new"] + sum(partial.values()) == sum(_manifest_ids(small_shop).values())
    assert _run_row(db, killed[0]["run_id"])["status"] == "failed"


def _product_page(head: str, reviews: list[tuple[str, str]], body: str = "") -> str:
    """A page of the loopback shop: ``head`` (a <base>), the product K1 with ``reviews``
    (author, relative review URL) in JSON-LD, and ``body``."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle K1", "sku": "K1",
            "review": [{"@type": "Review", "author": author, "url": link, "datePublished": "2024-07-04",
                        "reviewBody": f"{author} says it boils water fast and pours well."}
                       for author, link in reviews]}
    return (f"<!doctype html><html><head><meta charset='utf-8'>{head}<script type='application/ld+json'>"
            f"{json.dumps(data)}</script></head><body><h1>Kettle K1</h1>{body}</body></html>")


@pytest.mark.slow
def test_a_crawl_follows_links_from_the_pages_base_element(small_shop, tmp_path):
    # A listing whose <base> names another folder, a product page whose <base> names the
    # folder of its review pages: every link is taken from the base, not from the page's URL.
    db = str(tmp_path / "base.duckdb")
    with demo_shop.serve(small_shop) as shop:
        shop.respond("/mirror/list/", '<html><head><base href="/catalog/"></head><body>'
                                      '<div class="product-card"><a href="kettle/">Kettle</a></div></body></html>')
        shop.respond("/catalog/kettle/", _product_page('<base href="/reviews/kettle/">', [("Ann", "r-1")],
                                                       '<a rel="next" href="?page=2">Next</a>'))
        shop.respond("/reviews/kettle/?page=2", _product_page("", [("Bob", "#r-2")]))
        summary = run_crawl(db, [shop.url + "/mirror/list/"], polite=False, progress=False)
        paths = [p for _, p, _ in shop.requests if p != "/robots.txt"]
    assert paths == ["/mirror/list/", "/catalog/kettle/", "/reviews/kettle/?page=2"], paths
    assert summary["status"] == "ok" and summary["reviews_new"] == 2, summary
    urls = store.query(db, "SELECT author, url FROM reviews ORDER BY author").rows
    assert urls == [("Ann", shop.url + "/reviews/kettle/r-1"), ("Bob", shop.url + "/reviews/kettle/?page=2#r-2")]


# --- fast unit tests ------------------------------------------------------------------------

def test_a_full_pass_follows_a_broken_crawl_of_the_same_urls(tmp_path):
    from crawler.crawl import _begin_run

    db = str(tmp_path / "runs.duckdb")
    with store.writer(db) as con:
        store.migrate(con)

    def crawl(url: str, status: str | None, pages: int = 3) -> bool:
        """One crawl of ``url`` that read ``pages`` pages and ended as ``status`` (None: killed);
        whether it was incremental."""
        run_id, incremental = _begin_run({"db": db, "urls": [url], "incremental": True})
        with store.writer(db) as con:
            store.add_to_collect_run(con, run_id, pages=pages)
            if status is not None:
                store.finish_collect_run(con, run_id, status)
        return incremental

    a, b = "http://a.test/p/x", "http://b.test/p/y"
    assert crawl(a, "failed") is True
    assert crawl(b, "ok") is True  # another shop's crawl neither needs nor spends A's full pass
    assert crawl(a, "partial") is False  # A's full pass; it missed a page again
    assert crawl(a, "ok") is False  # a partial crawl leaves a gap too
    assert crawl(a, "ok") is True
    assert crawl(b, None) is True  # killed
    assert crawl(a, "ok") is True and crawl(b, "ok") is False
    # A crawl that read no page (a mistyped URL, a site that was down) stored nothing: it leaves
    # no gap to fill, and does not spend a full pass that is owed either.
    assert crawl(a, "failed", pages=0) is True
    assert crawl(a, "ok") is True
    assert crawl(a, "partial") is True
    assert crawl(a, "failed", pages=0) is False  # the full pass, but the site was down
    assert crawl(a, "ok") is False  # still owed
    assert crawl(a, "ok") is True


def test_settings_are_explicit_and_polite():
    settings = crawl_settings()
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["AUTOTHROTTLE_ENABLED"] is True and settings["DOWNLOAD_DELAY"] > 0
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] <= 2
    assert settings["REMOTE_CONTROL_ENABLED"] is False and settings["TELNETCONSOLE_ENABLED"] is False
    assert settings["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024
    assert settings["CLOSESPIDER_ERRORCOUNT"] > 0
    assert {429, 500, 503} <= set(settings["RETRY_HTTP_CODES"])
    assert settings["DOWNLOADER_MIDDLEWARES"] == {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.retry.BackoffRetryMiddleware": 550,
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "crawler.robots.SharedRobotsTxtMiddleware": 100}
    assert settings["USER_AGENT"] == DEFAULT_USER_AGENT and "reviewlens" in DEFAULT_USER_AGENT
    assert settings["LOG_LEVEL"] == "WARNING"
    custom = crawl_settings(obey_robots=False, user_agent="acme-audit/1 (ops@acme.test)", polite=False)
    assert custom["ROBOTSTXT_OBEY"] is False and custom["USER_AGENT"] == "acme-audit/1 (ops@acme.test)"
    assert custom["AUTOTHROTTLE_ENABLED"] is False and custom["DOWNLOAD_DELAY"] == 0
    assert custom["REMOTE_CONTROL_ENABLED"] is False


def test_retry_after_header_forms():
    from datetime import datetime, timezone

    assert retry_after_seconds(b"7") == 7.0
    now = datetime(2024, 7, 4, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Thu, 04 Jul 2024 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_bad_crawl_input_is_refused_before_anything_starts(tmp_path):
    db = tmp_path / "x.duckdb"
    with pytest.raises(CrawlError, match="'ftp://shop.test/' is not an http"):
        run_crawl(db, ["ftp://shop.test/"])
    with pytest.raises(CrawlError, match="no site profile named 'nope'"):
        run_crawl(db, ["http://127.0.0.1:9/"], profile="nope")
    with pytest.raises(CrawlError, match="not a regular expression"):
        run_crawl(db, ["http://127.0.0.1:9/"], product_pattern="(")
    assert not db.exists()


def _review(n: int, **changes) -> dict:
    base = {"type": "review", "product_id": "P1", "source": "shop.test", "author": f"A{n}",
            "rating": 4.0, "rating_original": "4", "rating_scale": "1-5", "title": None,
            "body": f"Body {n}", "published_at": None, "url": f"http://shop.test/p#r{n}", "language": None}
    base["review_id"] = store.review_id("P1", base["author"], None, base["body"])
    base.update(changes)
    return base


def test_pipeline_validates_dedupes_and_counts_in_batches(tmp_path):
    db = str(tmp_path / "pipe.duckdb")
    with store.writer(db) as con:
        run_id = store.start_collect_run(con, "crawl", "http://shop.test/p")
    pipeline = StorePipeline(db, run_id, flush_items=3, progress=False)
    product = {"type": "product", "product_id": "P1", "source": "shop.test", "url": "http://shop.test/p",
               "title": "Pan"}
    pipeline.process_item({"type": "page", "url": "http://shop.test/p", "problems": {"review_missing_text": 1},
                           "products": [product], "reviews": [_review(1), _review(2), _review(1)]})
    pipeline.process_item({"type": "page", "url": "http://shop.test/p?page=2", "problems": {},
                           "products": [], "reviews": [_review(3, rating=9.0), _review(4, body="  "), _review(5)]})
    pipeline.process_item({"type": "page", "url": "http://shop.test/x", "problems": {"http_404": 1},
                           "error": 1, "fetched": False})
    pipeline.flush()
    row = _run_row(db, run_id)
    assert (row["pages"], row["reviews_read"], row["reviews_new"], row["duplicates"], row["rejected"],
            row["errors"]) == (2, 7, 3, 1, 3, 1)
    assert row["problems"] == {"review_missing_text": 2, "rating_out_of_range": 1, "http_404": 1}
    assert sorted(r[0] for r in store.query(db, "SELECT author FROM reviews").rows) == ["A1", "A2", "A5"]
    assert store.query(db, "SELECT title FROM products").scalar() == "Pan"
    # The text hash is the store's function of (title, body), also for a review without a title
    # (a pandas-made hash would read the missing title as "nan").
    hashes = store.query(db, "SELECT body, content_hash FROM reviews WHERE title IS NULL").rows
    assert hashes and all(h == store.content_hash(None, body) for body, h in hashes)
    assert review_problem({"product_id": "P1", "body": "ok", "rating": None, "review_id": "x"}) is None
