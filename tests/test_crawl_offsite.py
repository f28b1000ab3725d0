"""Redirects to another host, in the real crawl child against real loopback sites.

The crawl fetches only the start URLs' hosts (and their subdomains); Scrapy's offsite filter
drops a redirect elsewhere. That drop used to be silent (Scrapy drops it while scheduling,
where no errback runs), so a start URL that redirects to another host ended ``failed`` with
"no problem was recorded". It is now counted as ``offsite_link``, like any link to another
host, and the crawl's message names the start URL, the host it went to and what to do.

Both sites listen on 127.0.0.1; the other host is ``localhost``, a different host name for
the offsite filter but the same loopback address, so no traffic leaves the machine.
"""
from __future__ import annotations

import json
from contextlib import ExitStack, contextmanager

import pytest

from crawler.crawl import run_crawl
from data import store
from loopback_site import loopback_site


def _paths(log) -> list[str]:
    """The paths a loopback site was asked for, from its log (time, host, path)."""
    return [path for _, _, path in log]


def _product(name: str) -> bytes:
    data = {"@context": "https://schema.org", "@type": "Product", "name": name, "sku": name,
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": "Ann"},
                        "datePublished": "2024-07-01", "reviewBody": f"The {name} works well.",
                        "reviewRating": {"@type": "Rating", "ratingValue": 4}}]}
    return (f'<html><head><title>{name}</title><script type="application/ld+json">{json.dumps(data)}'
            f'</script></head><body><h1>{name}</h1></body></html>').encode()


NOT_FOUND = (404, {}, b"<html><body>nothing here</body></html>")


@contextmanager
def _shop_and_elsewhere(routes):
    """The shop on 127.0.0.1 (``routes(path, shop URL, elsewhere URL)``) and another site,
    reached as ``localhost``, that the shop redirects to. Yields ``(shop URL, elsewhere URL,
    shop's log, elsewhere's log: see tests/loopback_site.py)``."""
    with ExitStack() as stack:
        other, other_log = stack.enter_context(loopback_site(lambda path, host: (200, {}, _product("Elsewhere"))))
        elsewhere = other.replace("127.0.0.1", "localhost")
        base: list[str] = []
        shop, shop_log = stack.enter_context(loopback_site(lambda path, host: routes(path, base[0], elsewhere)))
        base.append(shop)
        yield shop, elsewhere, shop_log, other_log


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.slow
def test_a_start_url_that_redirects_to_another_host_fails_naming_the_redirect(tmp_path):
    db = str(tmp_path / "shop.duckdb")

    def routes(path, shop, elsewhere):
        if path == "/shop":
            return 301, {"Location": f"{elsewhere}/new-shop"}, b""
        return NOT_FOUND

    with _shop_and_elsewhere(routes) as (shop, elsewhere, shop_log, other_log):
        summary = run_crawl(db, [f"{shop}/shop"], polite=False, progress=False, timeout=120)
    assert "/shop" in _paths(shop_log)
    assert _paths(other_log) == []  # the other host is not crawled, not even its robots.txt
    assert summary["status"] == "failed" and summary["pages"] == 0, summary
    assert summary["problems"] == {"offsite_link": 1}, summary
    row = store.query(db, "SELECT status, problems FROM collect_runs WHERE run_id = ?",
                      [summary["run_id"]]).first()
    assert row["status"] == "failed" and json.loads(row["problems"]) == {"offsite_link": 1}
    # The message names the start URL, where it went, and what to do.
    message = summary.get("message") or ""
    went = f"the start URL {shop}/shop redirects to another host, localhost ({elsewhere}/new-shop)"
    assert went in message, summary
    assert "add a URL on localhost to the source" in message, summary


@pytest.mark.slow
def test_a_page_redirected_to_another_host_is_an_offsite_link_and_the_run_goes_on(tmp_path):
    db = str(tmp_path / "shop.duckdb")

    def routes(path, shop, elsewhere):
        if path == "/sitemap.xml":  # one product here, one moved elsewhere, one link elsewhere
            locs = "".join(f"<url><loc>{url}</loc></url>"
                           for url in (f"{shop}/p/a", f"{shop}/p/moved", f"{elsewhere}/p/c"))
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0" encoding="UTF-8"?><urlset '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>').encode()
        if path == "/p/a":
            return 200, {}, _product("A")
        if path == "/p/moved":
            return 302, {"Location": f"{elsewhere}/p/moved"}, b""
        return NOT_FOUND

    with _shop_and_elsewhere(routes) as (shop, elsewhere, shop_log, other_log):
        summary = run_crawl(db, [f"{shop}/sitemap.xml"], polite=False, progress=False, timeout=120)
    assert _paths(other_log) == []
    assert "/p/moved" in _paths(shop_log)
    # The link elsewhere (as before) and the redirect elsewhere are both off-site links:
    # counted, not errors; the sitemap and the product here were read.
    assert summary["status"] == "ok" and summary["pages"] == 2 and summary["reviews_new"] == 1, summary
    assert summary["problems"] == {"offsite_link": 2}, summary
    message = summary.get("message") or ""
    assert f"{shop}/p/moved redirects to another host, localhost ({elsewhere}/p/moved)" in message, summary
