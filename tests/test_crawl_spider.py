"""The review spider offline: saved pages turned into Scrapy responses, decisions checked one by one."""
from __future__ import annotations

import pytest
import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.spiders.reviews import ReviewSpider, failure_reason

BASE = "http://shop.test"


def _page(url: str, reviews: list[tuple[str, str]], next_href: str | None = None, meta=None) -> HtmlResponse:
    items = "".join(f'<article class="rv-item" id="r-{rid}"><span class="rv-stars" data-score="4"></span>'
                    f'<p class="rv-body">{text}</p><span class="rv-author">A{rid}</span>'
                    f'<time class="rv-date" datetime="2024-07-0{len(rid) % 9 + 1}"></time></article>'
                    for rid, text in reviews)
    link = f'<a class="rv-next" href="{next_href}">Next</a>' if next_href else ""
    html = (f'<html><body><h1 class="pd-title">Kettle</h1><span class="pd-sku">K1</span>'
            f'<div class="rv-list">{items}</div>{link}</body></html>')
    request = Request(url, meta=meta or {"review_page": 1})
    return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)


def _run(spider, response):
    out = list(spider.parse(response))
    return [o for o in out if isinstance(o, dict)], [o for o in out if isinstance(o, scrapy.Request)]


def test_review_pages_are_followed_until_the_list_ends_or_max_pages():
    spider = ReviewSpider([BASE], category="Kitchen")
    items, requests = _run(spider, _page(f"{BASE}/k", [("1", "Good kettle"), ("2", "Loud lid")], "?page=2"))
    (page,) = items
    assert page["type"] == "page" and [r["body"] for r in page["reviews"]] == ["Good kettle", "Loud lid"]
    assert page["products"][0]["category"] == "Kitchen"  # --category fills what the page does not say
    assert [(r.url, r.meta["review_page"]) for r in requests] == [(f"{BASE}/k?page=2", 2)]
    _, requests = _run(spider, _page(f"{BASE}/k?page=2", [("3", "Fine")], None, {"review_page": 2}))
    assert requests == []  # no next link: the list ended

    capped = ReviewSpider([BASE], max_pages=2)
    _, requests = _run(capped, _page(f"{BASE}/k?page=2", [("4", "Okay")], "?page=3", {"review_page": 2}))
    assert requests == []


def test_incremental_stops_at_a_page_of_known_reviews_and_full_does_not():
    first = _page(f"{BASE}/k", [("1", "Good kettle"), ("2", "Loud lid")], "?page=2")
    ids = {r["review_id"] for r in _run(ReviewSpider([BASE]), first)[0][0]["reviews"]}
    incremental = ReviewSpider([BASE], known_ids=ids)
    assert _run(incremental, first)[1] == []
    full = ReviewSpider([BASE], known_ids=ids, incremental=False)
    assert len(_run(full, first)[1]) == 1
    # One unknown review on the page is enough to go on.
    mixed = ReviewSpider([BASE], known_ids=ids)
    page = _page(f"{BASE}/k", [("9", "Brand new one"), ("1", "Good kettle")], "?page=2")
    assert len(_run(mixed, page)[1]) == 1


def test_a_shop_repeating_the_same_page_does_not_loop():
    spider = ReviewSpider([BASE], incremental=False)
    assert len(_run(spider, _page(f"{BASE}/k", [("1", "Same")], "?page=2"))[1]) == 1
    assert _run(spider, _page(f"{BASE}/k?page=2", [("1", "Same")], "?page=3", {"review_page": 2}))[1] == []


def test_a_page_of_star_only_reviews_does_not_end_the_review_list():
    # Reviews without text are counted and left out; the list goes on past them.
    starred = _page(f"{BASE}/k?page=2", [("5", ""), ("6", "")], "?page=3", {"review_page": 2})
    for spider in (ReviewSpider([BASE]), ReviewSpider([BASE], known_ids={"some-known-id"})):
        items, requests = _run(spider, starred)
        assert items[0]["reviews"] == [] and items[0]["problems"] == {"review_missing_text": 2}
        assert [(r.url, r.meta["review_page"]) for r in requests] == [(f"{BASE}/k?page=3", 3)]
    # Without ids to spot a repeated page, a run of such pages is capped.
    from crawler.spiders.reviews import MAX_TEXTLESS_PAGES

    endless = _page(f"{BASE}/k?page=40", [("5", "")], "?page=41",
                    {"review_page": 40, "textless_pages": MAX_TEXTLESS_PAGES})
    assert _run(ReviewSpider([BASE]), endless)[1] == []


def test_listing_pages_follow_product_links_filtered_by_pattern_and_their_next_page():
    html = ('<html><body><div class="product-card"><a href="/products/a/">A</a></div>'
            '<div class="product-card"><a href="/gift-cards/">Gift</a></div>'
            '<a rel="next" href="/c/kitchen?page=2">next</a></body></html>')
    response = HtmlResponse(f"{BASE}/c/kitchen", body=html.encode(), encoding="utf-8",
                            request=Request(f"{BASE}/c/kitchen"))
    items, requests = _run(ReviewSpider([BASE], product_pattern=r"/products/"), response)
    assert [r.url for r in requests] == [f"{BASE}/products/a/", f"{BASE}/c/kitchen?page=2"]
    assert items[0]["reviews"] == [] and items[0]["problems"] == {}


def test_sitemaps_and_sitemap_indexes():
    urlset = (b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b'<url><loc>http://shop.test/products/a/</loc></url><url><loc>http://shop.test/about/</loc></url>'
              b'</urlset>')
    response = XmlResponse(f"{BASE}/sitemap.xml", body=urlset, request=Request(f"{BASE}/sitemap.xml"))
    _, requests = _run(ReviewSpider([BASE], product_pattern="/products/"), response)
    assert [r.url for r in requests] == [f"{BASE}/products/a/"]
    _, requests = _run(ReviewSpider([BASE]), response)
    assert len(requests) == 2
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b'<sitemap><loc>http://shop.test/sitemap-products.xml</loc></sitemap></sitemapindex>')
    response = XmlResponse(f"{BASE}/sitemap.xml", body=index, request=Request(f"{BASE}/sitemap.xml"))
    _, requests = _run(ReviewSpider([BASE], product_pattern="/products/"), response)
    assert [r.url for r in requests] == [f"{BASE}/sitemap-products.xml"]
    broken = XmlResponse(f"{BASE}/sitemap.xml", body=b"\x1f\x8bnot really gzip",
                         request=Request(f"{BASE}/sitemap.xml"))
    items, requests = _run(ReviewSpider([BASE]), broken)
    assert requests == [] and items[0]["problems"] == {"sitemap_unreadable": 1}


def test_only_the_start_hosts_are_crawled():
    spider = ReviewSpider([f"{BASE}/k", "http://Other.test:8080/sitemap.xml"])
    assert spider.allowed_domains == ["other.test", "shop.test"]  # Scrapy's offsite filter: redirects
    items, requests = _run(spider, _page(f"{BASE}/k", [("1", "Good kettle")], "https://tracker.example/next"))
    assert requests == [] and items[0]["problems"] == {"offsite_link": 1}
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b'<url><loc>http://elsewhere.example/p/1</loc></url><url><loc>http://shop.test/p/2</loc></url>'
              b'<url><loc>http://www.shop.test/p/3</loc></url><url><loc>http://[oops/p/4</loc></url></urlset>')
    response = XmlResponse(f"{BASE}/sitemap.xml", body=urlset, request=Request(f"{BASE}/sitemap.xml"))
    items, requests = _run(spider, response)
    assert [r.url for r in requests] == [f"{BASE}/p/2", "http://www.shop.test/p/3"]
    assert items[0]["problems"] == {"offsite_link": 2}
    listing = ('<html><body><div class="product-card"><a href="/p/a">A</a></div>'
               '<a rel="next" href="http://elsewhere.example/c?page=2">next</a></body></html>')
    response = HtmlResponse(f"{BASE}/c", body=listing.encode(), encoding="utf-8", request=Request(f"{BASE}/c"))
    items, requests = _run(spider, response)
    assert [r.url for r in requests] == [f"{BASE}/p/a"] and items[0]["problems"] == {"offsite_link": 1}


def _failure(exc, url=f"{BASE}/x"):
    failure = Failure(exc)
    failure.request = Request(url)
    return failure


def test_failures_are_counted_by_reason_and_too_many_stop_the_crawl():
    not_found = Response(f"{BASE}/x", status=404, request=Request(f"{BASE}/x"))
    forbidden = Response(f"{BASE}/x", status=403, request=Request(f"{BASE}/x"))
    assert failure_reason(_failure(HttpError(forbidden, "Ignoring non-200 response"))) == ("http_403", True)
    assert failure_reason(_failure(IgnoreRequest("Forbidden by robots.txt"))) == ("robots_disallowed", False)
    from scrapy.exceptions import DownloadCancelledError

    too_big = DownloadCancelledError("Expected to receive 11000000 bytes which is larger than download max size (10485760)")
    assert failure_reason(_failure(too_big)) == ("page_too_large", True)
    spider = ReviewSpider([BASE], max_errors=2)
    (item,) = list(spider.failed(_failure(HttpError(forbidden, "x"))))
    assert item == {"type": "page", "url": f"{BASE}/x", "problems": {"http_403": 1}, "error": 1, "fetched": False}
    with pytest.raises(CloseSpider) as stopped:
        list(spider.failed(_failure(HttpError(forbidden, "x"))))
    assert stopped.value.reason == "too_many_errors"
    robots = ReviewSpider([BASE], max_errors=1)
    assert list(robots.failed(_failure(IgnoreRequest("Forbidden by robots.txt"))))[0]["error"] == 0


def test_pages_that_are_gone_are_counted_but_do_not_stop_the_crawl():
    # A sitemap naming many sold-out products must not end a healthy shop's crawl as failed.
    spider = ReviewSpider([BASE], max_errors=2)
    for status in (404, 410, 404, 404):
        gone = Response(f"{BASE}/x", status=status, request=Request(f"{BASE}/x"))
        (item,) = list(spider.failed(_failure(HttpError(gone, "Ignoring non-200 response"))))
        assert item["problems"] == {f"http_{status}": 1} and item["error"] == 0
    assert spider.error_count == 0


def test_a_page_the_extractor_fails_on_is_counted_and_the_crawl_goes_on(monkeypatch):
    from crawler.spiders import reviews

    def broken(*args, **kwargs):
        raise ValueError("a bug in the extractor")
    monkeypatch.setattr(reviews, "extract", broken)
    spider = ReviewSpider([BASE], max_errors=2)
    items, requests = _run(spider, _page(f"{BASE}/k", [("1", "Good kettle")], "?page=2"))
    assert items == [{"type": "page", "url": f"{BASE}/k", "problems": {"extract_failed": 1}, "error": 1}]
    assert requests == []
    with pytest.raises(CloseSpider):
        _run(spider, _page(f"{BASE}/j", [("2", "Fine")]))


def test_no_spider_callback_returns_a_value_from_a_generator():
    # The crawl settings turn Scrapy's per-request version of this check off (it re-reads the
    # callback's source again and again); it runs here once instead.
    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.settings import crawl_settings
    from crawler.spiders.fetch_only import FetchOnlySpider

    assert crawl_settings()["WARN_ON_GENERATOR_RETURN_VALUE"] is False
    callbacks = [ReviewSpider.parse, ReviewSpider.follow_review_pages, ReviewSpider.follow_listing,
                 ReviewSpider.parse_sitemap,
                 ReviewSpider.failed, FetchOnlySpider.parse]
    assert [c.__name__ for c in callbacks if is_generator_with_return_value(c)] == []

    def returns_a_value(response):  # what the check is there to catch
        yield {}
        return "lost"

    assert is_generator_with_return_value(returns_a_value)
