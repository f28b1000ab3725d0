"""Fetching one live page for `reviewlens extract URL` (crawls go through Scrapy instead).

Same manners as a crawl: our user agent, robots.txt obeyed unless told otherwise, 10 MB cap.
A robots.txt that cannot be read because of a server error (5xx), a timeout or no connection
means "disallow all" (RFC 9309, section 2.3.1.4); one that is not there (4xx) means no rules.

Example::

    from crawler.fetch import fetch_page
    body, charset, final_url = fetch_page("http://127.0.0.1:8000/p/kettle")
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
import urllib.robotparser
from urllib.parse import urljoin, urlsplit

from crawler.settings import DEFAULT_USER_AGENT, MAX_PAGE_BYTES

# RFC 9309 (section 2.5): crawlers must read at least the first 500 KiB of a robots.txt.
MAX_ROBOTS_BYTES = 512 * 1024


class FetchError(Exception):
    """A page that could not be fetched; the message names the URL and the reason."""


def robots_unreachable_message(host: str, cause: str, answered: bool = True) -> str:
    """What a crawl or a fetch says when ``host``'s robots.txt could not be read: the server
    ``answered`` with an error (try later; --ignore-robots helps on your own site), or did not
    answer at all (then the pages would fail too: check the address).

    >>> robots_unreachable_message("shop.test", "answered HTTP 503")[:52]
    'robots.txt of shop.test answered HTTP 503: taken as '
    >>> robots_unreachable_message("shop.tset", "could not be reached (refused)", answered=False)[-41:]
    'check the address and that the site is up'
    """
    if not answered:
        return (f"robots.txt of {host} {cause}: nothing of {host} was crawled; "
                f"check the address and that the site is up")
    return (f"robots.txt of {host} {cause}: taken as disallow all, per RFC 9309; try again later "
            f"or pass --ignore-robots if you own the site")


def fetch_page(url: str, user_agent: str | None = None, obey_robots: bool = True,
               timeout: float = 30.0) -> tuple[bytes, str | None, str]:
    """``(body, declared charset, final URL)`` of one page; :class:`FetchError` when it fails.

    ``timeout`` (seconds) bounds every wait on the network, robots.txt's included.
    """
    agent = user_agent or DEFAULT_USER_AGENT
    if obey_robots and not read_robots(url, agent, timeout).can_fetch(agent, url):
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


def read_robots(url: str, user_agent: str, timeout: float) -> urllib.robotparser.RobotFileParser:
    """The robots.txt rules of ``url``'s site, read with our user agent within ``timeout``.

    A 4xx answer, 401 and 403 included, means no rules (everything allowed: RFC 9309, section
    2.3.1.3; urllib's own reader disallows all on 401 and 403, a crawl would not), and its body
    is not read as rules. A 5xx answer, a timeout or no connection raises :class:`FetchError`:
    RFC 9309 says to assume complete disallow then.
    """
    robots_url = urljoin(url, "/robots.txt")
    host = urlsplit(robots_url).netloc
    rules = urllib.robotparser.RobotFileParser(robots_url)
    request = urllib.request.Request(robots_url, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_ROBOTS_BYTES)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise FetchError(robots_unreachable_message(host, f"answered HTTP {exc.code}")) from exc
        rules.allow_all = True
        return rules
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError(robots_unreachable_message(host, _network_failure(exc, timeout), answered=False)) from exc
    rules.parse(raw.decode("utf-8", errors="replace").splitlines())
    return rules


def _network_failure(exc: Exception, timeout: float) -> str:
    """How reading robots.txt failed, in words: a timeout, or the network's own reason."""
    reason = getattr(exc, "reason", exc)  # URLError wraps the socket's error
    if isinstance(reason, TimeoutError):
        return f"did not answer within {timeout:g} s"
    return f"could not be reached ({reason})"
