"""The review spider: start URLs may be product pages, category/listing pages or sitemaps.

Each response is read by :func:`crawler.extract.extract`. A page with reviews follows its next
review page (``rel=next``, the profile's next link, ``?page=N+1``) until the list ends,
``max_pages`` review pages of that product were read, or, in incremental mode, a page brings
only reviews the store already had when the crawl started. A listing page follows its product
links and its own next page; a sitemap follows its ``<loc>`` URLs (filtered by
``product_pattern``) and nested sitemaps.

Each fetched (or failed) page becomes one item of ``type: "page"`` carrying its products,
reviews and problems, so the run record is written in the same flushes as the reviews.

Example (normally started by :func:`crawler.crawl.run_crawl`)::

    process.crawl(ReviewSpider, urls=["http://127.0.0.1:8000/sitemap.xml"], known_ids=set())
"""
from __future__ import annotations

import gzip
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap

from crawler.extract import extract

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
MAX_LISTING_PAGES = 200


def failure_reason(failure) -> tuple[str, bool]:
    """A short reason for a failed request and whether it counts as an error.

    Pages robots.txt forbids are skipped by choice, not errors.
    """
    exc = failure.value
    if isinstance(exc, HttpError):  # a subclass of IgnoreRequest: check it first
        return f"http_{exc.response.status}", True
    if isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
        return "robots_disallowed", False
    name = type(exc).__name__
    if "maxsize" in str(exc).lower() or "max size" in str(exc).lower() or "MaxSize" in name:
        return "page_too_large", True
    if isinstance(exc, IgnoreRequest):
        return "ignored_request", False
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().replace("_error", "") or "download_failed", True


def _is_sitemap(response) -> bool:
    path = urlsplit(response.url).path.lower()
    if path.endswith((".xml", ".xml.gz")):
        return True
    head = response.body[:512].lstrip()
    return head.startswith(b"<?xml") and (b"<urlset" in response.body[:2048] or b"<sitemapindex" in response.body[:2048])


class ReviewSpider(scrapy.Spider):
    """Crawl reviews from product, listing and sitemap URLs (see the module docstring)."""
    name = "reviews"

    def __init__(self, urls: list[str], *, max_pages: int | None = None, incremental: bool = True,
                 profile: str | None = None, category: str | None = None,
                 product_pattern: str | None = None, known_ids: set[str] | frozenset = frozenset(),
                 max_errors: int = 50, **kwargs):
        super().__init__(**kwargs)
        self.start_urls_given = list(urls)
        self.max_pages = max_pages
        self.incremental = incremental
        self.profile = profile
        self.category = category
        self.product_pattern = re.compile(product_pattern) if product_pattern else None
        self.known_ids = known_ids
        self.seen_ids: set[str] = set()
        self.max_errors = max_errors
        self.error_count = 0
        self.listing_pages = 0

    async def start(self):
        for url in self.start_urls_given:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                 meta={"review_page": 1})

    # -- callbacks ----------------------------------------------------------------------------

    def parse(self, response):
        if _is_sitemap(response):
            yield from self.parse_sitemap(response)
            return
        fetched_at = datetime.now(timezone.utc).replace(tzinfo=None)
        declared = _CHARSET.search(response.headers.get(b"Content-Type", b"").decode("latin-1"))
        try:
            page = extract(response.body, response.url, fetched_at=fetched_at, profile=self.profile,
                           encoding=declared.group(1) if declared else None, category=self.category)
        except Exception:  # a page the extractor cannot handle is counted, and the crawl goes on
            self.logger.exception("could not read %s; skipped", response.url)
            yield {"type": "page", "url": response.url, "problems": {"extract_failed": 1}, "error": 1}
            self._count_error()
            return
        for review in page.reviews:
            review["collected_at"] = fetched_at
        # One item per page (not one per review): Scrapy's per-item overhead is not small.
        yield {"type": "page", "url": response.url, "problems": page.problems,
               "products": page.products, "reviews": page.reviews}
        if page.reviews:
            yield from self.follow_review_pages(response, page)
        elif page.product_links:
            for link in page.product_links:
                if self.product_pattern is None or self.product_pattern.search(link):
                    yield response.follow(link, callback=self.parse, errback=self.failed,
                                          meta={"review_page": 1})
            if page.next_url and self.listing_pages < MAX_LISTING_PAGES:
                self.listing_pages += 1
                yield response.follow(page.next_url, callback=self.parse, errback=self.failed,
                                      meta={"review_page": 1})

    def follow_review_pages(self, response, page):
        ids = {review["review_id"] for review in page.reviews}
        fresh = ids - self.seen_ids
        self.seen_ids |= ids
        number = response.meta.get("review_page", 1)
        if not page.next_url or not fresh:  # the list ended, or the shop repeats a page
            return
        if self.max_pages and number >= self.max_pages:
            return
        if self.incremental and ids <= self.known_ids:  # nothing on this page is new: stop here
            return
        yield response.follow(page.next_url, callback=self.parse, errback=self.failed,
                              meta={"review_page": number + 1})

    def parse_sitemap(self, response):
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gzip.decompress(body)
            except OSError:
                yield {"type": "page", "url": response.url, "problems": {"sitemap_unreadable": 1}}
                return
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except Exception:  # lxml raises assorted errors on broken XML
            yield {"type": "page", "url": response.url, "problems": {"sitemap_unreadable": 1}}
            return
        yield {"type": "page", "url": response.url, "problems": {}}
        for entry in entries:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(loc, callback=self.parse, errback=self.failed)
            elif self.product_pattern is None or self.product_pattern.search(loc):
                yield scrapy.Request(loc, callback=self.parse, errback=self.failed,
                                     meta={"review_page": 1})

    def failed(self, failure):
        reason, is_error = failure_reason(failure)
        url = failure.request.url if hasattr(failure, "request") else None
        yield {"type": "page", "url": url, "problems": {reason: 1}, "error": int(is_error),
               "fetched": False}
        if is_error:
            self._count_error()

    def _count_error(self) -> None:
        """One more error; the crawl stops (CloseSpider) when they reach ``max_errors``."""
        self.error_count += 1
        if self.max_errors and self.error_count >= self.max_errors:
            raise CloseSpider("too_many_errors")
