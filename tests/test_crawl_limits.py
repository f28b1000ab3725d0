"""The crawl's limits and manners on a real loopback site, in the real crawl child process.

- A listing limit is counted per start URL, and a listing it cuts short is a problem of the run
  (``listing_limit``, partial), never a silent loss of products.
- An incremental crawl of a shop that redirects to ``www`` knows the reviews stored under
  ``www`` (the host the pages came from), so it stops at the first known page.
- A 429 with ``Retry-After`` holds back every request to that host until the time is up, not
  only the retry of the refused page.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from crawler.crawl import _config, _known_review_ids, child_env, run_crawl
from data import store
from loopback_site import loopback_site


def _product(name: str, reviews: list[str], next_href: str | None = None) -> bytes:
    """A product page with its reviews in JSON-LD and an optional rel=next link."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": name, "sku": name,
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": f"Ann {i}"},
                        "datePublished": "2024-07-01", "reviewBody": body,
                        "reviewRating": {"@type": "Rating", "ratingValue": 4}}
                       for i, body in enumerate(reviews)]}
    link = f'<a rel="next" href="{next_href}">Next</a>' if next_href else ""
    return (f'<html><head><title>{name}</title><script type="application/ld+json">{json.dumps(data)}'
            f'</script></head><body><h1>{name}</h1>{link}</body></html>').encode()


# --- the listing limit ------------------------------------------------------------------------

LISTING_PAGES = {"kitchen": 5, "garden": 5, "bath": 3}  # listing pages per category
LIMIT = 3  # MAX_LISTING_PAGES in the crawl child: next pages followed per start URL


def _shop_of_categories(path: str, host: str):
    if path.startswith("/c/"):
        category, _, query = path[3:].partition("?")
        number = int(query.split("=")[1]) if query else 1
        more = LISTING_PAGES[category] > number
        link = f'<a rel="next" href="/c/{category}?page={number + 1}">Next</a>' if more else ""
        return 200, {}, (f'<html><body><div class="product-card"><a href="/p/{category}-{number}">'
                         f'{category} {number}</a></div>{link}</body></html>').encode()
    if path.startswith("/p/"):
        return 200, {}, _product(path[3:], [f"A fine {path[3:]}, it works well."])
    return 404, {}, b"<html><body>nothing here</body></html>"


@pytest.mark.slow
def test_the_listing_limit_counts_per_start_url_and_records_what_it_cut(tmp_path):
    db = str(tmp_path / "shop.duckdb")
    with loopback_site(_shop_of_categories) as (base, log):
        config = _config(db, [f"{base}/c/{category}" for category in LISTING_PAGES],
                         max_pages=None, incremental=True, profile=None, obey_robots=False,
                         user_agent=None, polite=False, category=None, product_pattern=None,
                         progress=False, flush_items=None, flush_seconds=None, record_pages=None)
        # The real crawl child (crawler.crawl.main), with a small limit instead of 200.
        child = (f"import sys, crawler.spiders.reviews as spider; spider.MAX_LISTING_PAGES = {LIMIT}; "
                 "import crawler.crawl as crawl; sys.exit(crawl.main(sys.argv[1:]))")
        proc = subprocess.run([sys.executable, "-c", child, json.dumps(config)], capture_output=True,
                              text=True, env=child_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    products = {r[0] for r in store.query(db, "SELECT product_id FROM products").rows}
    # Each category gets its own LIMIT next pages: kitchen and garden lose their 5th page only,
    # bath (3 pages) is read whole. (Counted across the crawl, bath and garden lost more.)
    assert len(products) == 4 + 4 + 3, sorted(products)
    assert not any(p.endswith(("kitchen-5", "garden-5")) for p in products)
    assert sum(1 for _, _, path in log if path.startswith("/c/")) == 4 + 4 + 3
    # What the limit cut is a problem of the run, which is partial: products were lost.
    assert summary["problems"].get("listing_limit") == 2, summary
    assert summary["status"] == "partial" and summary["errors"] == 2
    row = store.query(db, "SELECT status, problems FROM collect_runs WHERE run_id = ?",
                      [summary["run_id"]]).first()
    assert row["status"] == "partial" and json.loads(row["problems"])["listing_limit"] == 2
    # The log names the listing and says there is no setting to raise the limit.
    assert f"listing {base}/c/kitchen: stopped" in proc.stderr
    assert f"listing {base}/c/garden: stopped" in proc.stderr
    assert "/c/bath: stopped" not in proc.stderr
    assert "no setting" in proc.stderr


# --- incremental crawls of a shop served on www ---------------------------------------------

def _shop_on_www(path: str, host: str):
    """``shop.test`` redirects its product pages to ``www.shop.test``, which serves 5 review
    pages of 3 reviews each."""
    if host == "shop.test" and path.startswith("/p/kettle"):
        return 301, {"Location": f"http://www.shop.test{path}"}, b""
    if host == "www.shop.test" and path.startswith("/p/kettle"):
        page = int(path.split("page=")[1]) if "page=" in path else 1
        reviews = [f"Review {i} of the kettle: it boils fast." for i in range((page - 1) * 3, page * 3)]
        return 200, {}, _product("Kettle", reviews, f"/p/kettle?page={page + 1}" if page < 5 else None)
    return 404, {}, b"<html><body>nothing here</body></html>"


@pytest.mark.slow
def test_an_incremental_crawl_of_a_shop_that_redirects_to_www_stops_at_known_reviews(tmp_path, monkeypatch):
    # The crawl child reaches shop.test and www.shop.test through the loopback site as a proxy.
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    db = str(tmp_path / "shop.duckdb")
    with loopback_site(_shop_on_www) as (base, log):
        monkeypatch.setenv("http_proxy", base)
        first = run_crawl(db, ["http://shop.test/p/kettle"], polite=False, progress=False)
        assert first["status"] == "ok" and first["reviews_new"] == 15, first
        log.clear()
        second = run_crawl(db, ["http://shop.test/p/kettle"], polite=False, progress=False)
    assert store.query(db, "SELECT DISTINCT source FROM reviews").rows == [("www.shop.test",)]
    # The first page brings only stored reviews: the crawl stops there, as without the redirect.
    assert second["status"] == "ok" and second["pages"] == 1 and second["reviews_new"] == 0, second
    assert [(host, path) for _, host, path in log if path != "/robots.txt"] == [
        ("shop.test", "/p/kettle"), ("www.shop.test", "/p/kettle")]


def test_the_known_reviews_are_those_of_the_start_hosts_and_their_subdomains(tmp_path):
    db = str(tmp_path / "shops.duckdb")
    sources = {"r1": "shop.test", "r2": "www.shop.test", "r3": "eu.shop.test",
               "r4": "othershop.test", "r5": "shop.test.evil.example", "r6": "other.test"}
    with store.writer(db) as con:
        store.migrate(con)
        store.upsert_products(con, [{"product_id": f"p-{rid}", "source": source, "title": "Kettle"}
                                    for rid, source in sources.items()])
        store.insert_reviews(con, [{"review_id": rid, "product_id": f"p-{rid}", "source": source,
                                    "body": "Boils fast.", "rating": 4.0, "collected_at": store.now()}
                                   for rid, source in sources.items()])
    assert _known_review_ids(db, ["http://Shop.test/p/kettle"]) == {"r1", "r2", "r3"}
    assert _known_review_ids(db, ["https://www.shop.test/c/kitchen"]) == {"r2"}
    assert _known_review_ids(db, ["http://shop.test/p/a", "http://other.test/p/b"]) == {"r1", "r2", "r3", "r6"}


# --- Retry-After holds the shop -------------------------------------------------------------

RETRY_AFTER = 2  # seconds; the crawl's polite=False cap (RETRY_MAX_DELAY) is 2 s too


@pytest.mark.slow
def test_a_429_with_retry_after_holds_every_request_to_the_shop(tmp_path):
    refused: list[str] = []

    def route(path: str, host: str):
        if path == "/c":
            return 200, {}, (b'<html><body><div class="product-card"><a href="/p/a">A</a></div>'
                             b'<div class="product-card"><a href="/p/b">B</a></div></body></html>')
        if path == "/p/a":
            if not refused:  # "come back in 2 s", to the whole shop
                refused.append(path)
                return 429, {"Retry-After": str(RETRY_AFTER)}, b"<html><body>slow down</body></html>"
            return 200, {}, _product("A", ["A is a good kettle."])
        if path == "/p/b":  # answers late: its next page is asked for while the shop is held
            time.sleep(0.5)
            return 200, {}, _product("B", ["B is a fine kettle."], "/p/b?page=2")
        if path == "/p/b?page=2":
            return 200, {}, _product("B", ["B boils quickly."])
        return 404, {}, b"<html><body>nothing here</body></html>"

    with loopback_site(route) as (base, log):
        # polite=False: no delay between requests, so only the hold can keep them back
        summary = run_crawl(str(tmp_path / "shop.duckdb"), [f"{base}/c"], polite=False, progress=False, obey_robots=False)
    assert summary["status"] == "ok" and summary["reviews_new"] == 3, summary
    times = {path: when for when, _, path in reversed(log)}  # each path's first request
    refused_at = next(when for when, _, path in log if path == "/p/a")
    # /p/b was on its way when the 429 came; its next page waited for the end of the hold,
    # and so did the retry of /p/a.
    assert times["/p/b?page=2"] - refused_at >= RETRY_AFTER - 0.1, log
    retried_at = [when for when, _, path in log if path == "/p/a"][1]
    assert retried_at - refused_at >= RETRY_AFTER - 0.1, log



@pytest.mark.parametrize("errors, full_pass", [(2, False), (3, True)])
def test_a_crawl_partial_only_for_the_listing_limit_schedules_no_full_pass(db_path, errors, full_pass):
    # Its listings would be cut at the same place again: a full pass fills no gap. Another
    # error beside them (a review page that failed) still does.
    from crawler.crawl import _begin_run

    urls = ["http://shop.test/c/kettles"]
    with store.writer(db_path) as con:
        run = store.start_collect_run(con, "crawl", " ".join(urls))
        store.add_to_collect_run(con, run, pages=200, errors=errors, problems={"listing_limit": 2})
        store.finish_collect_run(con, run, "partial")
    _, incremental = _begin_run({"db": db_path, "urls": urls, "incremental": True})
    assert incremental is not full_pass
