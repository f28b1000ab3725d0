"""The crawl's storage pipeline: validate -> normalise -> dedupe -> batched DuckDB writer.

Reviews are buffered and written every ``flush_items`` reviews or ``flush_seconds`` seconds and
at close, in a worker thread while the crawl goes on. Each flush is one short :func:`data.store.writer` transaction holding the new
products, the new reviews and the run's counters together, so the database file is not held
between flushes and a crawl killed at any moment leaves a store where the run record matches
the reviews stored; crawling again fills the gaps (``review_id`` makes re-reads duplicates).

Example (settings)::

    ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
    REVIEWLENS_DB = "shop.duckdb"; REVIEWLENS_RUN_ID = 7
"""
from __future__ import annotations

import math
import sys
import time
from collections import Counter
from typing import Any

from data import store

# Each flush attaches, commits and checkpoints the file (~0.05-0.1 s): fewer, larger batches
# are cheaper, and a crawl killed between them only has to re-read those pages.
FLUSH_ITEMS = 5000
FLUSH_SECONDS = 5.0
# Problems counted in the crawler's stats under this prefix + the problem's name, by parts of
# the crawl that have no page item to carry them (a signal receiver cannot yield one: see the
# offsite redirects in crawler/spiders/reviews.py); each is added to the run's problems once.
PROBLEM_STATS_PREFIX = "reviewlens/problems/"


def review_problem(review: dict[str, Any]) -> str | None:
    """Why a review cannot be stored, or None when it can.

    >>> review_problem({"product_id": "p1", "body": "", "rating": 4})
    'review_missing_text'
    """
    if not review.get("product_id"):
        return "review_missing_product"
    if not (review.get("body") or "").strip():
        return "review_missing_text"
    rating = review.get("rating")
    if rating is not None and (isinstance(rating, float) and math.isnan(rating) or not 1 <= rating <= 5):
        return "rating_out_of_range"
    if not review.get("review_id"):
        return "review_missing_id"
    return None


class StorePipeline:
    """Counts pages and problems, rejects bad reviews, dedupes, writes batches to the store."""

    def __init__(self, db: str, run_id: int, flush_items: int = FLUSH_ITEMS,
                 flush_seconds: float = FLUSH_SECONDS, progress: bool = True):
        self.db = db
        self.run_id = run_id
        self.flush_items = flush_items
        self.flush_seconds = flush_seconds
        self.progress = progress
        self.seen: set[str] = set()
        self.totals = Counter()
        self._reset()
        self._last_flush = time.monotonic()
        self._timer = None
        self._writing = None   # the Deferred of the write running in a worker thread
        self._failure = None
        self.stats = None      # the crawler's stats: time spent writing goes there
        self._stats_problems = Counter()  # the PROBLEM_STATS_PREFIX counts already taken

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        settings = crawler.settings
        pipeline = cls(settings.get("REVIEWLENS_DB"), settings.getint("REVIEWLENS_RUN_ID"),
                       settings.getint("REVIEWLENS_FLUSH_ITEMS", FLUSH_ITEMS),
                       settings.getfloat("REVIEWLENS_FLUSH_SECONDS", FLUSH_SECONDS),
                       settings.getbool("REVIEWLENS_PROGRESS", True))
        # The close reason (finished, too_many_errors, ...) is only known at spider_closed,
        # which Scrapy sends after the pipelines' close_spider.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        pipeline.stats = crawler.stats
        return pipeline

    def _reset(self) -> None:
        self.reviews: list[dict] = []
        self.products: dict[str, dict] = {}
        self.counts = Counter()
        self.problems = Counter()

    # -- scrapy hooks --------------------------------------------------------------------------

    def open_spider(self, spider=None) -> None:
        from twisted.internet import task

        # Time-based flushes while pages trickle in (AutoThrottle can make them slow).
        self._timer = task.LoopingCall(self._flush_if_due)
        self._timer.start(max(self.flush_seconds / 2, 0.2), now=False)

    async def close_spider(self, spider=None) -> None:
        from scrapy.utils.defer import maybe_deferred_to_future

        if self._timer is not None and self._timer.running:
            self._timer.stop()
        if self._writing is not None:
            await maybe_deferred_to_future(self._writing)
        if self._failure is not None:
            self._failure.raiseException()
        # The last batch waits for spider_closed, which knows how the crawl ended: one
        # transaction then writes it together with the run's status (each opening of the
        # store costs ~0.15 s, whatever the batch size).

    def spider_closed(self, spider, reason: str) -> None:
        self.finish(reason)

    def finish(self, finish_reason: str | None = "finished") -> str:
        """Write what is buffered and close the run record with its status, in one transaction."""
        batch = self._take(force=True)
        errors = self.totals["errors"] + batch["counts"]["errors"]
        pages = self.totals["pages"] + batch["counts"]["pages"]
        status = self.final_status(finish_reason, errors, pages)
        self._record(batch, *self._write(batch, status=status))
        self.totals["status"] = status  # type: ignore[assignment]
        return status

    def final_status(self, finish_reason: str | None, errors: int | None = None,
                     pages: int | None = None) -> str:
        """ok: finished cleanly; partial: finished with errors; failed: stopped by errors, or
        no page read at all (a mistyped URL that answers 404, robots.txt forbidding it)."""
        if finish_reason and finish_reason not in ("finished",) or pages == 0:
            return "failed"
        return "partial" if (self.totals["errors"] if errors is None else errors) else "ok"

    def process_item(self, item, spider=None):
        kind = item.get("type")
        if kind == "page":
            self._count_page(item)
            for product in item.get("products") or ():
                self._add_product(product)
            for review in item.get("reviews") or ():
                self._add_review(review)
        elif kind == "product":
            self._add_product(item)
        elif kind == "review":
            self._add_review(item)
        if len(self.reviews) >= self.flush_items:
            from twisted.internet import reactor

            # In a crawl the write goes to a worker thread; without a running reactor
            # (tests, scripts) it happens here and now.
            self.flush_soon() if reactor.running else self.flush()
        return item

    # -- the steps -----------------------------------------------------------------------------

    def _count_page(self, item: dict) -> None:
        if item.get("fetched", True):
            self.counts["pages"] += 1
        self.counts["errors"] += int(item.get("error", 0))
        for reason, count in (item.get("problems") or {}).items():
            self.problems[reason] += count
            if reason == "review_missing_text":  # dropped by the parser: read and rejected
                self.counts["reviews_read"] += count
                self.counts["rejected"] += count

    def _add_product(self, item: dict) -> None:
        if not item.get("product_id"):
            self.problems["product_missing_id"] += 1
            return
        row = {k: item.get(k) for k in store.PRODUCT_COLUMNS if k in item}
        known = self.products.get(item["product_id"], {})
        # Facts a later page states win over blanks from an earlier one.
        self.products[item["product_id"]] = {**known, **{k: v for k, v in row.items() if v is not None}}

    def _add_review(self, item: dict) -> None:
        self.counts["reviews_read"] += 1
        problem = review_problem(item)
        if problem:
            self.counts["rejected"] += 1
            self.problems[problem] += 1
            return
        if item["review_id"] in self.seen:  # read twice in this crawl (a page repeated)
            self.counts["duplicates"] += 1
            return
        self.seen.add(item["review_id"])
        # The review's own dict goes to the store (which reads only its columns): no copy.
        item["collect_run_id"] = self.run_id
        item["collected_at"] = item.get("collected_at") or store.now()
        if item.get("content_hash") is None:
            item["content_hash"] = store.content_hash(item.get("title"), item.get("body"))
        self.reviews.append(item)

    def _flush_if_due(self) -> None:
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush_soon()

    def flush_soon(self):
        """Write the buffer in a worker thread, so fetching and parsing go on meanwhile.

        One write at a time, in order: while one runs, items keep collecting for the next.
        Returns the Deferred of the write (None when one is already running or nothing is due).
        """
        from twisted.internet import threads

        if self._writing is not None:
            return None
        batch = self._take()
        if batch is None:
            return None
        self._writing = threads.deferToThread(self._write, batch)

        def done(result):
            self._writing = None
            self._record(batch, *result)
            return None

        def failed(failure):
            self._writing = None
            self._failure = failure  # raised at close: a store that cannot be written stops the crawl
            return None

        self._writing.addCallbacks(done, failed)
        return self._writing

    def flush(self) -> None:
        """Write what is buffered and the run's counters now, in this thread."""
        batch = self._take()
        if batch is not None:
            self._record(batch, *self._write(batch))

    def _take(self, force: bool = False) -> dict | None:
        self._last_flush = time.monotonic()
        self._take_stats_problems()
        if not (force or self.reviews or self.products or self.counts or self.problems):
            return None
        batch = {"reviews": self.reviews, "products": self.products, "counts": self.counts,
                 "problems": self.problems}
        self._reset()
        return batch

    def _take_stats_problems(self) -> None:
        """Add the problems counted in the stats (PROBLEM_STATS_PREFIX) since the last batch."""
        if self.stats is None:
            return
        # (a copy: the writer thread adds its timings to the same stats)
        for key, value in list(self.stats.get_stats().items()):
            if key.startswith(PROBLEM_STATS_PREFIX) and value != self._stats_problems[key]:
                self.problems[key[len(PROBLEM_STATS_PREFIX):]] += value - self._stats_problems[key]
                self._stats_problems[key] = value

    def _write(self, batch: dict, status: str | None = None) -> tuple[int, int]:
        """One short transaction: products, reviews, the run's counters (and final status) together."""
        reviews, products, counts = batch["reviews"], batch["products"], batch["counts"]
        new = duplicates = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        with store.writer(self.db, attach=True) as con:
            if reviews:
                # Reviews reference products: make sure each has a row, even a bare one.
                for review in reviews:
                    if review["product_id"] not in products:
                        products[review["product_id"]] = {"product_id": review["product_id"],
                                                          "source": review["source"]}
            if products:
                store.upsert_products(con, list(products.values()))
            if reviews:
                # the crawl's version of a stored review wins (stars or title edited in place)
                new, duplicates = store.insert_reviews(con, reviews, crawl_run=self.run_id)
            store.add_to_collect_run(
                con, self.run_id, pages=counts["pages"], reviews_read=counts["reviews_read"],
                reviews_new=new, duplicates=duplicates + counts["duplicates"],
                rejected=counts["rejected"], errors=counts["errors"],
                problems=dict(batch["problems"]))
            if status is not None:
                # the crawl saw each page as it reads now: a review it stored that a customer
                # edited replaces the stored version (kept in review_versions)
                store.supersede_edited(con, self.run_id, self.seen)
                store.finish_collect_run(con, self.run_id, status)
        if self.stats is not None:  # the benchmark prints these (process CPU while writing)
            self.stats.inc_value("reviewlens/store_write_seconds", time.perf_counter() - started)
            self.stats.inc_value("reviewlens/store_write_cpu_seconds", time.process_time() - cpu_started)
        return new, duplicates

    def _record(self, batch: dict, new: int, duplicates: int) -> None:
        counts = batch["counts"]
        for key in ("pages", "reviews_read", "rejected", "errors"):
            self.totals[key] += counts[key]
        self.totals["reviews_new"] += new
        self.totals["duplicates"] += duplicates + counts["duplicates"]
        if self.progress:
            print(f"crawl: {self.totals['pages']} pages, {self.totals['reviews_read']} reviews read, "
                  f"{self.totals['reviews_new']} new, {self.totals['errors']} errors",
                  file=sys.stderr, flush=True)
