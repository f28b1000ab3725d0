"""robots.txt obeyed for every request, also those that arrive while robots.txt is downloading,
and a robots.txt that cannot be read taken as "disallow all".

Scrapy 2.19's RobotsTxtMiddleware keeps one Deferred per site while robots.txt downloads and
lets every waiting request await it. Under the asyncio reactor each await turns the Deferred's
result into None for the next waiter (``Deferred.asFuture``), so the third and later requests
that start together are let through unchecked: a crawl given three start URLs fetched a page
robots.txt forbids. Here each waiter gets its own Deferred, fed from the shared one without
consuming its result.

Scrapy also parses a robots.txt that answered 5xx (an error page: no rules) and lets everything
through when robots.txt times out or the connection fails. RFC 9309 (section 2.3.1.4) says a
robots.txt unreachable because of server or network errors means complete disallow: here such
a site's requests are refused with :class:`RobotsUnreachable`, whose message says what
happened and what to do. A 4xx robots.txt (404: none; 401 and 403 too) means no rules, as
section 2.3.1.3 has it: its body (an error page) is not read as rules, as `reviewlens extract`'s
fetch does not read it either.

Example (settings)::

    DOWNLOADER_MIDDLEWARES = {"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                              "crawler.robots.SharedRobotsTxtMiddleware": 100}
"""
from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError,
                               DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as twisted_errors
from twisted.internet.defer import Deferred

from crawler.fetch import robots_unreachable_message

logger = logging.getLogger(__name__)

# A robots.txt that got no answer because of these is the site being down or mistyped, not a
# bug: the one-line warning of _disallow_all says it, without a traceback.
NETWORK_FAILURES = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError,
                    DownloadTimeoutError, ResponseDataLossError, twisted_errors.ConnectError,
                    twisted_errors.ConnectionLost, twisted_errors.ConnectionDone, ConnectionError,
                    TimeoutError)


def _not_a_network_failure(record: logging.LogRecord) -> bool:
    """Filter for Scrapy's robots.txt logger: drop its "Error downloading" record (an ERROR with
    a ~60-line traceback, naming the page rather than robots.txt) when the cause is a network
    failure, which :meth:`SharedRobotsTxtMiddleware._robots_error` reports in one line. Other
    errors keep their tracebacks."""
    exc = record.exc_info[1] if record.exc_info else None
    return not isinstance(exc, NETWORK_FAILURES)

# Where each unreadable robots.txt's message goes in the crawl's stats (one key per site),
# for the crawl's summary (crawler.crawl).
UNREACHABLE_STATS_PREFIX = "reviewlens/robots_unreachable/"


class RobotsUnreachable(IgnoreRequest):
    """A request not sent because its site's robots.txt could not be read (5xx, timeout, no
    connection); the message names the site, what happened and what to do."""


class DisallowAll:
    """The rules of a site whose robots.txt could not be read: nothing is allowed."""

    def __init__(self, reason: str):
        self.reason = reason

    def allowed(self, url, user_agent) -> bool:
        return False


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose waiting requests all see the parsed robots.txt, and which
    takes a robots.txt it cannot read (5xx, timeout, no connection) as disallow all."""

    def __init__(self, crawler):
        super().__init__(crawler)
        # the parent's logger; adding the same function again is a no-op
        logging.getLogger(RobotsTxtMiddleware.__module__).addFilter(_not_a_network_failure)

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

    def process_request_2(self, rp, request) -> None:
        if isinstance(rp, DisallowAll):
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsUnreachable(rp.reason)
        super().process_request_2(rp, request)

    async def _parse_robots(self, response, netloc: str, request) -> None:
        if response.status < 400:
            await super()._parse_robots(response, netloc, request)
            return
        if response.status < 500:  # unavailable: no rules, whatever the error page says
            await super()._parse_robots(response.replace(body=b""), netloc, request)
            return
        # Retried already (crawler.retry): the server kept failing.
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        self._disallow_all(netloc, f"answered HTTP {response.status}")

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # dropped on our side (offsite, too many redirects)
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        # no answer at all (refused, no such host, timeout): the pages would fail the same way
        self._disallow_all(netloc, f"could not be read ({str(exc).strip() or type(exc).__name__})", answered=False)

    def _disallow_all(self, netloc: str, cause: str, answered: bool = True) -> None:
        """Settle ``netloc``'s rules as disallow all, telling the waiting requests and the log."""
        message = robots_unreachable_message(netloc, cause, answered)
        logger.warning(message)
        self._stats.set_value(UNREACHABLE_STATS_PREFIX + netloc, message)
        rules = DisallowAll(message)
        pending = self._parsers[netloc]
        self._parsers[netloc] = rules
        if isinstance(pending, Deferred):
            pending.callback(rules)
