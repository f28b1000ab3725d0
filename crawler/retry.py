"""Retries that back off: 429 and 5xx answers wait before the next try, honouring Retry-After.

Scrapy's own RetryMiddleware retries at once; a shop that says "429, come back in 30 s"
deserves better. This middleware replaces it (see :mod:`crawler.settings`): the wait is the
server's ``Retry-After`` (seconds or an HTTP date) when given, else exponential backoff with
jitter, capped at ``RETRY_MAX_DELAY``. The wait holds the request's download slot, so the
rest of the crawl of that shop slows down too, which is the point.

Example (settings)::

    DOWNLOADER_MIDDLEWARES = {"scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                              "crawler.retry.BackoffRetryMiddleware": 550}
"""
from __future__ import annotations

import random
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message


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
