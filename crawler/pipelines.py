"""The crawl's storage pipeline: validate -> normalise -> dedupe -> batched DuckDB writer.

Reviews are buffered and written every ``flush_items`` reviews or ``flush_seconds`` seconds and
at close. Each flush is one short :func:`data.store.writer` transaction holding the new
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

FLUSH_ITEMS = 500
FLUSH_SECONDS = 2.0


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

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.get("REVIEWLENS_DB"), settings.getint("REVIEWLENS_RUN_ID"),
                   settings.getint("REVIEWLENS_FLUSH_ITEMS", FLUSH_ITEMS),
                   settings.getfloat("REVIEWLENS_FLUSH_SECONDS", FLUSH_SECONDS),
                   settings.getbool("REVIEWLENS_PROGRESS", True))

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

    def close_spider(self, spider=None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.flush()
        reason = getattr(getattr(spider, "crawler", None), "stats", None)
        reason = reason.get_value("finish_reason") if reason else None
        status = self.final_status(reason)
        with store.writer(self.db) as con:
            store.finish_collect_run(con, self.run_id, status)
        self.totals["status"] = status  # type: ignore[assignment]

    def final_status(self, finish_reason: str | None) -> str:
        """ok: finished cleanly; partial: finished with errors; failed: stopped by errors."""
        if finish_reason and finish_reason not in ("finished",):
            return "failed"
        return "partial" if self.totals["errors"] else "ok"

    def process_item(self, item, spider=None):
        kind = item.get("type")
        if kind == "page":
            self._count_page(item)
        elif kind == "product":
            self._add_product(item)
        elif kind == "review":
            self._add_review(item)
        if len(self.reviews) >= self.flush_items:
            self.flush()
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
        row = {k: item.get(k) for k in store.REVIEW_COLUMNS}
        row["collect_run_id"] = self.run_id
        row["collected_at"] = item.get("collected_at") or store.now()
        self.reviews.append(row)

    def _flush_if_due(self) -> None:
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered and the run's counters in one short transaction."""
        self._last_flush = time.monotonic()
        if not (self.reviews or self.products or self.counts or self.problems):
            return
        new = duplicates = 0
        with store.writer(self.db) as con:
            if self.products:
                # Reviews reference products: make sure each has a row, even a bare one.
                store.upsert_products(con, list(self.products.values()))
            if self.reviews:
                missing = {r["product_id"] for r in self.reviews} - set(self.products)
                if missing:
                    store.upsert_products(con, [{"product_id": p, "source": r["source"]}
                                                for p, r in {r["product_id"]: r for r in self.reviews
                                                             if r["product_id"] in missing}.items()])
                new, duplicates = store.insert_reviews(con, self.reviews)
            store.add_to_collect_run(
                con, self.run_id, pages=self.counts["pages"], reviews_read=self.counts["reviews_read"],
                reviews_new=new, duplicates=duplicates + self.counts["duplicates"],
                rejected=self.counts["rejected"], errors=self.counts["errors"],
                problems=dict(self.problems))
        for key in ("pages", "reviews_read", "rejected", "errors"):
            self.totals[key] += self.counts[key]
        self.totals["reviews_new"] += new
        self.totals["duplicates"] += duplicates + self.counts["duplicates"]
        self._reset()
        if self.progress:
            print(f"crawl: {self.totals['pages']} pages, {self.totals['reviews_read']} reviews read, "
                  f"{self.totals['reviews_new']} new, {self.totals['errors']} errors",
                  file=sys.stderr, flush=True)
