"""Retries that back off: 429 and 5xx answers wait before the next try, honouring Retry-After.

Scrapy's own RetryMiddleware retries at once; a shop that says "429, come back in 30 s"
deserves better. This middleware replaces it (see :mod:`crawler.settings`): the wait is the
server's ``Retry-After`` (seconds or an HTTP date) when given, else exponential backoff with
jitter, capped at ``RETRY_MAX_DELAY``.

A 429 or 503 with ``Retry-After`` speaks for the whole shop, not for one URL: every request
to that host waits until the time is up. Waiting inside the middleware cannot do that, since
Scrapy frees the download slot's place before downloader middlewares see the response, and
the shop's other queued pages go on being fetched meanwhile. So the wait is put on Scrapy's
download slot of that host as soon as the response is downloaded (the ``response_downloaded``
signal, sent before the slot takes its next request): the slot's queue is paused until then,
and after the wait its usual delay (AutoThrottle's) applies again. The retry of the refused
page goes through the same slot, so it waits too.

Example (settings)::

    DOWNLOADER_MIDDLEWARES = {"scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                              "crawler.retry.BackoffRetryMiddleware": 550}
"""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

# Answers whose Retry-After asks the client as a whole to wait (RFC 9110 10.2.3, RFC 6585 4).
HOLD_STATUSES = (429, 503)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, or None when absent or unreadable.

    >>> retry_after_seconds(b"7")
    7.0
    """
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before retrying (Retry-After, else exponential backoff)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base_delay = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.max_delay = settings.getfloat("RETRY_MAX_DELAY", 60.0)
        self.held_until: dict[str, float] = {}  # download slot (host) -> monotonic end of its wait

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        # Scrapy holds receivers weakly; the middleware lives as long as the crawl.
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def response_downloaded(self, response, request, spider=None) -> None:
        """A 429/503 with Retry-After: hold the shop's download slot for the time it asks
        (at most ``RETRY_MAX_DELAY``), before the slot sends its next request."""
        if response.status not in HOLD_STATUSES:
            return
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked:
            self.hold_slot(request, min(asked, self.max_delay))

    def hold_slot(self, request, seconds: float) -> bool:
        """Send nothing more through ``request``'s download slot (its host) for ``seconds``.

        The slot's ``lastseen`` (when it last sent a request; the next one waits the slot's
        delay after it) is moved to the end of the wait, and its queue is paused by a timer
        (``latercall``, the one Scrapy itself sets for a delay) that fires then: the timer
        covers a slot without delay, ``lastseen`` keeps the slot from being dropped as idle
        meanwhile and, where there is a delay, spaces the first request after the wait as
        usual. A longer wait already on the slot is kept. False when the slot is unknown.
        """
        from scrapy.utils.asyncio import call_later

        engine = getattr(self.crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        key = request.meta.get("download_slot")
        slot = downloader.slots.get(key) if downloader is not None and key is not None else None
        if slot is None:
            return False
        until = monotonic() + seconds
        if until <= self.held_until.get(key, 0.0):
            return True
        self.held_until[key] = until
        slot.lastseen = max(slot.lastseen, until)
        if slot.latercall:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, downloader._latercall, slot)
        return True

    def held(self, request) -> bool:
        """Whether ``request``'s download slot is still held by a Retry-After."""
        return self.held_until.get(request.meta.get("download_slot"), 0.0) > monotonic()

    def backoff(self, request, response=None) -> float:
        attempt = request.meta.get("retry_times", 0)
        asked = retry_after_seconds(response.headers.get(b"Retry-After")) if response is not None else None
        if asked is not None:
            return min(asked, self.max_delay)
        return min(self.base_delay * (2 ** attempt) * (0.75 + random.random() / 2), self.max_delay)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if not self.held(request):  # a held slot makes the retry wait, with the shop's other pages
            await _sleep(self.backoff(request, response))
        return retry

    async def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await _sleep(self.backoff(request))
        return retry


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor
    from twisted.internet.task import deferLater
    from scrapy.utils.defer import maybe_deferred_to_future

    if seconds > 0:
        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
