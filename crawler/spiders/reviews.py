"""The review spider: start URLs may be product pages, category/listing pages or sitemaps.

Each response is read by :func:`crawler.extract.extract`. A page with reviews follows its next
review page (``rel=next``, the profile's next link, ``?page=N+1``) until the list ends,
``max_pages`` review pages of that product were read, or, in incremental mode, a page brings
only reviews the store already had when the crawl started. A listing page follows its product
links and its own next page, at most ``MAX_LISTING_PAGES`` next pages per start URL (a listing
cut short there is counted as ``listing_limit``, an error: its later products were not read); a
sitemap follows its ``<loc>`` URLs (filtered by ``product_pattern``) and nested sitemaps. Only
URLs on the start URLs' hosts (or their subdomains) are requested, redirects included; links
and redirects elsewhere are counted as ``offsite_link`` (not errors), and a redirect elsewhere
also leaves a message for the crawl's summary: a start URL that redirects to another host
read nothing, and the operator is told which host, and what to do.

Each fetched (or failed) page becomes one item of ``type: "page"`` carrying its products,
reviews and problems, so the run record is written in the same flushes as the reviews.

Example (normally started by :func:`crawler.crawl.run_crawl`)::

    process.crawl(ReviewSpider, urls=["http://127.0.0.1:8000/sitemap.xml"], known_ids=set())
"""
from __future__ import annotations

import gzip
import re
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap

from crawler.crawl import (LISTING_LIMIT, MAX_LISTING_PAGES, OFFSITE_LINK, OFFSITE_REDIRECT_STATS_PREFIX,
                           START_URL_GONE, crawl_domains, host_of)
from crawler.extract import extract
from crawler.pipelines import PROBLEM_STATS_PREFIX
from crawler.robots import RobotsUnreachable

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
GONE_STATUSES = (404, 410)  # pages that no longer exist: counted, not errors (see failure_reason)
GONE_PROBLEMS = tuple(f"http_{status}" for status in GONE_STATUSES)
MAX_TEXTLESS_PAGES = 20  # review pages in a row with no review text (see follow_review_pages)


def failure_reason(failure) -> tuple[str, bool]:
    """A short reason for a failed request and whether it counts as an error.

    Pages robots.txt forbids are skipped by choice, not errors. Nor are pages that are gone
    (404, 410): a sitemap or listing that still names sold-out products is common, and
    counting those as errors would stop the crawl of a healthy shop (``max_errors``) and mark
    its run partial; the run's problems still show them. Pages skipped because their site's
    robots.txt could not be read (5xx, timeout) are errors: the run did not get what it came
    for, and a later crawl should try again.
    """
    exc = failure.value
    if isinstance(exc, HttpError):  # a subclass of IgnoreRequest: check it first
        status = exc.response.status
        return f"http_{status}", status not in GONE_STATUSES
    if isinstance(exc, RobotsUnreachable):  # also an IgnoreRequest that names robots.txt
        return "robots_unreachable", True
    if isinstance(exc, IgnoreRequest) and "robots" in str(exc).lower():
        return "robots_disallowed", False
    name = type(exc).__name__
    if "maxsize" in str(exc).lower() or "max size" in str(exc).lower() or "MaxSize" in name:
        return "page_too_large", True
    if isinstance(exc, IgnoreRequest):
        return "ignored_request", False
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().replace("_error", "") or "download_failed", True


def _origin(response) -> str:
    """The start URL that ``response``'s page was reached from (its own URL for one without)."""
    return response.meta.get("origin") or response.url


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
                 max_errors: int = 50, day_first: bool | None = None, **kwargs):
        super().__init__(**kwargs)
        self.start_urls_given = list(urls)
        self.max_pages = max_pages
        self.incremental = incremental
        self.profile = profile
        self.category = category
        self.day_first = day_first
        self.product_pattern = re.compile(product_pattern) if product_pattern else None
        self.known_ids = known_ids
        self.seen_ids: set[str] = set()
        self.max_errors = max_errors
        self.error_count = 0
        # listing next pages followed, per start URL (meta "origin"): each category the user
        # gave gets its own MAX_LISTING_PAGES, however many others the crawl has
        self.listing_pages: Counter[str] = Counter()
        self.listing_limited: set[str] = set()  # start URLs whose limit was logged
        # Only the start URLs' hosts (and their subdomains) are crawled. Scrapy's offsite
        # middleware reads allowed_domains and so also drops redirects to other hosts (counted
        # by redirect_scheduled). (crawler.crawl reads the known review ids of the same hosts.)
        self.allowed_domains = crawl_domains(self.start_urls_given)
        # other host -> [pages redirected there, the first such page, where it went]
        self.offsite_redirects: dict[str, list] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # (a bound method of the spider, which lives as long as the crawl: Scrapy holds
        # signal receivers weakly)
        crawler.signals.connect(spider.redirect_scheduled, signal=signals.request_scheduled)
        return spider

    async def start(self):
        for url in self.start_urls_given:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed,
                                 meta={"review_page": 1, "start_url": True, "origin": url})

    # -- callbacks ----------------------------------------------------------------------------

    def parse(self, response):
        if _is_sitemap(response):
            yield from self.parse_sitemap(response)
            return
        fetched_at = datetime.now(timezone.utc).replace(tzinfo=None)
        declared = _CHARSET.search(response.headers.get(b"Content-Type", b"").decode("latin-1"))
        try:
            page = extract(response.body, response.url, fetched_at=fetched_at, profile=self.profile,
                           encoding=declared.group(1) if declared else None, category=self.category,
                           day_first=self.day_first)
        except Exception:  # a page the extractor cannot handle is counted, and the crawl goes on
            self.logger.exception("could not read %s; skipped", response.url)
            yield {"type": "page", "url": response.url, "problems": {"extract_failed": 1}, "error": 1}
            self._count_error()
            return
        for review in page.reviews:
            review["collected_at"] = fetched_at
        problems = dict(page.problems)  # links to other hosts are added to the page's problems
        if page.reviews or page.review_entries:  # star-only reviews (none kept) still paginate
            requests = list(self.follow_review_pages(response, page, problems))
        else:
            requests = list(self.follow_listing(response, page, problems))
        # One item per page (not one per review): Scrapy's per-item overhead is not small.
        yield {"type": "page", "url": response.url, "problems": problems,
               "products": page.products, "reviews": page.reviews}
        yield from requests

    def follow_listing(self, response, page, problems: dict):
        """A listing page's product links (those ``product_pattern`` wants) and its next page.

        Next pages are followed up to ``MAX_LISTING_PAGES`` per start URL (a shop whose "next"
        link never ends must not keep the crawl going forever), counted per start URL so that
        one long category does not use up the pages of the others. A listing cut short there
        lost the products of its later pages: it is yielded as an unread page with the problem
        ``listing_limit`` and an error (the run ends partial), and logged once per start URL
        with what to do, as there is no setting to raise the limit.
        """
        if not page.product_links:
            return
        origin = _origin(response)
        for link in page.product_links:
            if self._wanted(link) and self._on_site(link, problems):
                yield response.follow(link, callback=self.parse, errback=self.failed,
                                      meta={"review_page": 1, "origin": origin})
        if not page.next_url or not self._on_site(page.next_url, problems):
            return
        if self.listing_pages[origin] >= MAX_LISTING_PAGES:
            if origin not in self.listing_limited:
                self.listing_limited.add(origin)
                self.logger.warning(
                    "listing %s: stopped at %s after %d listing pages, the most one start URL may "
                    "follow (MAX_LISTING_PAGES in crawler/spiders/reviews.py; there is no setting "
                    "for it); the products of its later pages were not crawled: give its later "
                    "pages, its subcategories or the shop's sitemap as start URLs",
                    origin, response.url, MAX_LISTING_PAGES)
            yield {"type": "page", "url": response.urljoin(page.next_url),
                   "problems": {LISTING_LIMIT: 1}, "error": 1, "fetched": False}
            return
        self.listing_pages[origin] += 1
        yield response.follow(page.next_url, callback=self.parse, errback=self.failed,
                              meta={"review_page": 1, "origin": origin})

    def follow_review_pages(self, response, page, problems: dict):
        ids = {review["review_id"] for review in page.reviews}
        fresh = ids - self.seen_ids
        self.seen_ids |= ids
        number = response.meta.get("review_page", 1)
        # A page whose reviews all lack text has no ids to tell a repeated page by, nor to
        # compare with the store: such pages are followed, but only so many in a row.
        textless = 0 if ids else response.meta.get("textless_pages", 0) + 1
        if not page.next_url or (ids and not fresh):  # the list ended, or the shop repeats a page
            return
        if textless > MAX_TEXTLESS_PAGES:
            return
        if self.max_pages and number >= self.max_pages:
            return
        if self.incremental and ids and ids <= self.known_ids:  # nothing on this page is new: stop here
            return
        if not self._on_site(page.next_url, problems):
            return
        yield response.follow(page.next_url, callback=self.parse, errback=self.failed,
                              meta={"review_page": number + 1, "textless_pages": textless,
                                    "origin": _origin(response)})

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
        problems: dict = {}
        requests = []
        origin = _origin(response)
        for entry in entries:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if self._on_site(loc, problems):
                    requests.append(scrapy.Request(loc, callback=self.parse, errback=self.failed,
                                                   meta={"origin": origin}))
            elif self._wanted(loc) and self._on_site(loc, problems):
                requests.append(scrapy.Request(loc, callback=self.parse, errback=self.failed,
                                               meta={"review_page": 1, "origin": origin}))
        yield {"type": "page", "url": response.url, "problems": problems}
        yield from requests

    def failed(self, failure):
        reason, is_error = failure_reason(failure)
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        problems = {reason: 1}
        # (a redirect keeps the request's meta: a start URL that redirects to a 404 is one too)
        if reason in GONE_PROBLEMS and request is not None and request.meta.get("start_url"):
            # not a sold-out product a sitemap still lists: the URL the crawl was given is gone
            # (or mistyped); the scheduled job reports such a source as partial
            problems[START_URL_GONE] = 1
        yield {"type": "page", "url": url, "problems": problems, "error": int(is_error),
               "fetched": False}
        if is_error:
            self._count_error()

    def redirect_scheduled(self, request) -> None:
        """Count a redirect to another host, which Scrapy's offsite filter is about to drop.

        Scrapy 2.19's OffsiteMiddleware checks each request as the engine schedules it, in its
        own ``request_scheduled`` receiver: the IgnoreRequest it raises there makes the engine
        drop the request with no errback and no ``request_dropped`` signal. Our own links are
        checked before they are requested (:meth:`_on_site`), so what it drops is a redirect
        (RedirectMiddleware's or a meta refresh, which carry ``redirect_urls``) to a host the
        crawl does not fetch. The engine calls every receiver of the signal, so this one sees
        the same request and asks the same middleware (``should_follow``) whether it goes.

        Such a redirect is an ``offsite_link``, like a link there (counted in the stats, which
        the pipeline adds to the run's problems: no item can be yielded from here), and a
        message for the crawl's summary: one per start URL, one per other host for the rest.
        """
        redirects = request.meta.get("redirect_urls")
        if not redirects or request.dont_filter or request.meta.get("allow_offsite"):
            return
        offsite = self.crawler.get_downloader_middleware(OffsiteMiddleware)
        if offsite is None or offsite.should_follow(request, self):
            return
        self.crawler.stats.inc_value(PROBLEM_STATS_PREFIX + OFFSITE_LINK)
        asked, went, host = redirects[0], request.url, host_of(request.url) or request.url
        redirect = f"{asked} redirects to another host, {host} ({went})"
        if request.meta.get("start_url"):
            key = OFFSITE_REDIRECT_STATS_PREFIX + "start/" + asked
            if self.crawler.stats.get_value(key) is not None:
                return
            message = (f"the start URL {redirect}, which the crawl does not fetch (only the start "
                       f"URLs' hosts and their subdomains): nothing was read from it; if it is the "
                       f"same shop, add a URL on {host} to the source (such as {went}), which lets "
                       f"the crawl fetch that host")
            self.logger.warning(message)
        else:
            seen = self.offsite_redirects.setdefault(host, [0, redirect])
            seen[0] += 1
            key = OFFSITE_REDIRECT_STATS_PREFIX + "page/" + host
            message = (f"{seen[0]} page(s) redirected to another host, {host}, and were not read "
                       f"(the first: {seen[1]}); if it is the same shop, add a URL on {host} to "
                       f"the source to crawl it too")
            if seen[0] == 1:
                self.logger.warning(message)
        self.crawler.stats.set_value(key, message)

    def _wanted(self, url: str) -> bool:
        return self.product_pattern is None or bool(self.product_pattern.search(url))

    def _on_site(self, url: str, problems: dict) -> bool:
        """Whether ``url`` is on a start URL's host (or a subdomain of one), as Scrapy's offsite
        filter reads ``allowed_domains``; a link elsewhere is counted as ``offsite_link``."""
        host = host_of(url)
        if host and any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains):
            return True
        problems[OFFSITE_LINK] = problems.get(OFFSITE_LINK, 0) + 1
        return False

    def _count_error(self) -> None:
        """One more error; the crawl stops (CloseSpider) when they reach ``max_errors``."""
        self.error_count += 1
        if self.max_errors and self.error_count >= self.max_errors:
            raise CloseSpider("too_many_errors")
