"""robots.txt obeyed for every request, also those that arrive while robots.txt is downloading.

Scrapy 2.19's RobotsTxtMiddleware keeps one Deferred per site while robots.txt downloads and
lets every waiting request await it. Under the asyncio reactor each await turns the Deferred's
result into None for the next waiter (``Deferred.asFuture``), so the third and later requests
that start together are let through unchecked: a crawl given three start URLs fetched a page
robots.txt forbids. Here each waiter gets its own Deferred, fed from the shared one without
consuming its result.

Example (settings)::

    DOWNLOADER_MIDDLEWARES = {"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                              "crawler.robots.SharedRobotsTxtMiddleware": 100}
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose waiting requests all see the parsed robots.txt."""

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred = Deferred()

            def relay(result):
                waiter.callback(result)
                return result  # leave the result in place for the next waiter

            pending.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)
