"""Fetching one live page for `reviewlens extract URL` (crawls go through Scrapy instead).

Same manners as a crawl: our user agent, robots.txt obeyed unless told otherwise, 10 MB cap.

Example::

    from crawler.fetch import fetch_page
    body, charset, final_url = fetch_page("http://127.0.0.1:8000/p/kettle")
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urljoin

from crawler.settings import DEFAULT_USER_AGENT, MAX_PAGE_BYTES


class FetchError(Exception):
    """A page that could not be fetched; the message names the URL and the reason."""


def fetch_page(url: str, user_agent: str | None = None, obey_robots: bool = True,
               timeout: float = 30.0) -> tuple[bytes, str | None, str]:
    """``(body, declared charset, final URL)`` of one page; :class:`FetchError` when it fails."""
    agent = user_agent or DEFAULT_USER_AGENT
    if obey_robots:
        robots = urllib.robotparser.RobotFileParser(urljoin(url, "/robots.txt"))
        try:
            robots.read()
        except (OSError, ValueError):
            robots = None  # no robots.txt reachable: allowed, as for crawlers
        if robots is not None and not robots.can_fetch(agent, url):
            raise FetchError(f"robots.txt of {url} forbids fetching it; pass --ignore-robots only "
                             f"if you own the shop or have permission")
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
            final_url = response.geturl()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} answered HTTP {exc.code}; check the address") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"cannot fetch {url}: {exc}") from exc
    if len(body) > MAX_PAGE_BYTES:
        raise FetchError(f"{url} is larger than 10 MB; save the part you need and pass the file")
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return body, match.group(1) if match else None, final_url
