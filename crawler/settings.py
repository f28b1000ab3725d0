"""Scrapy settings for reviewlens crawls, every politeness and safety choice written out.

``CrawlerProcess`` does not read Scrapy's project template, whose defaults are the polite
ones: without this module robots.txt would be ignored, nothing throttled, and Scrapy 2.19 would
open a remote-control HTTP server (writing a bearer-token file under the home folder) and a
Telnet console. So everything is set here explicitly.

Example::

    from crawler.settings import crawl_settings
    settings = crawl_settings(obey_robots=True, user_agent=None, polite=True)
"""
from __future__ import annotations

from typing import Any

DEFAULT_USER_AGENT = ("reviewlens/0.1 (review analytics crawler; collects product reviews for "
                      "the shop owner; honours robots.txt)")
MAX_PAGE_BYTES = 10 * 1024 * 1024


def crawl_settings(*, obey_robots: bool = True, user_agent: str | None = None, polite: bool = True,
                   log_level: str = "WARNING", max_errors: int = 50) -> dict[str, Any]:
    """The settings of one crawl.

    ``polite=False`` turns the delays off (AutoThrottle, download delay, long backoff): for the
    loopback demo shop and benchmarks, never for someone else's shop.

    >>> crawl_settings(polite=False)["AUTOTHROTTLE_ENABLED"]
    False
    """
    return {
        "BOT_NAME": "reviewlens",
        "USER_AGENT": user_agent or DEFAULT_USER_AGENT,
        "ROBOTSTXT_OBEY": bool(obey_robots),
        # Off unless asked for: no listening sockets, no token file in the home folder.
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Politeness: few parallel requests per shop, AutoThrottle adapting to its latency.
        "AUTOTHROTTLE_ENABLED": polite,
        "AUTOTHROTTLE_START_DELAY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": 0.5 if polite else 0.0,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "CONCURRENT_REQUESTS": 8 if polite else 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2 if polite else 16,
        # Scrapy starts this many asyncio worker tasks for every response's output (here one
        # page item and at most a few links); its default, 100, made 14,000 tasks in a
        # 140-page crawl. Our pipeline is synchronous, so a few workers are enough.
        "CONCURRENT_ITEMS": 4,
        # Scrapy checks every generator callback for a `return value` by reading its source
        # (inspect + ast), cached on the bound method, which each request makes anew: the
        # check ran ~30 times a crawl, ~5% of its CPU. tests/test_crawl_spider.py runs the same
        # check on our callbacks once instead.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "DOWNLOAD_TIMEOUT": 30 if polite else 10,
        # Retries with backoff honouring Retry-After (crawler.retry), on 429 and 5xx.
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 408, 522, 524],
        "RETRY_BACKOFF_BASE": 1.0 if polite else 0.05,
        "RETRY_MAX_DELAY": 60.0 if polite else 2.0,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.retry.BackoffRetryMiddleware": 550,
            # Scrapy's own lets requests through unchecked while robots.txt downloads (see module).
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.robots.SharedRobotsTxtMiddleware": 100,
        },
        # A broken shop stops the crawl instead of filling the logs.
        "CLOSESPIDER_ERRORCOUNT": max_errors,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "HTTPERROR_ALLOW_ALL": False,
        "COOKIES_ENABLED": False,
        "ITEM_PIPELINES": {"crawler.pipelines.StorePipeline": 300},
        "LOG_LEVEL": log_level,
        "LOG_ENABLED": True,
        "STATS_DUMP": False,
        "LOGSTATS_INTERVAL": 0,
        "MEMUSAGE_ENABLED": False,
    }
