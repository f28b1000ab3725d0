"""robots.txt that cannot be read means "disallow all" (RFC 9309, section 2.3.1.4), in a crawl and
in `reviewlens extract URL`; one that is unavailable (4xx, 401 and 403 too) means no rules; one
that never answers cannot hang either. Real loopback servers on 127.0.0.1: the demo shop, and a small one whose
robots.txt answers late or never.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest
from scrapy.http import Request
from twisted.python.failure import Failure

from crawler import demo_shop
from crawler.demo_shop.server import running
from crawler.crawl import child_env, run_crawl
from crawler.fetch import FetchError, fetch_page
from crawler.robots import RobotsUnreachable
from crawler.spiders.reviews import ReviewSpider, failure_reason

PAGE = (b"<html><head><title>Kettle</title></head><body><h1>Kettle</h1>"
        b"<p>A kettle that boils water.</p></body></html>")


@pytest.fixture(scope="module")
def tiny_shop(tmp_path_factory):
    return demo_shop.generate(tmp_path_factory.mktemp("shop"), seed=3, reviews_per_product=(5, 8), products=2)


def _product_urls(shop_dir) -> list[str]:
    return [p["url"] for p in json.loads((shop_dir / "products.json").read_text())]


@contextmanager
def _site(robots_delay: float | None = 0.0, robots: bytes = b"User-agent: *\nDisallow: /private/\n"):
    """A loopback site serving ``robots`` after ``robots_delay`` seconds (None: never) and a page
    at any other path. Yields ``(base URL, the paths requested, their User-Agent headers)``."""
    requested: list[str] = []
    agents: list[str | None] = []
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_GET(self):
            requested.append(self.path)
            agents.append(self.headers.get("User-Agent"))
            if self.path == "/robots.txt":
                if robots_delay is None or stop.wait(robots_delay):  # accepted, never answered
                    stop.wait()
                    return
                self._answer(robots, "text/plain")
            else:
                self._answer(PAGE, "text/html; charset=utf-8")

        def _answer(self, body: bytes, content_type: str):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with running(Handler) as url:
        try:
            yield url, requested, agents
        finally:
            stop.set()  # a robots.txt that never answers lets go before the server stops


# --- the crawl (Scrapy, in a child process) ------------------------------------------------

@pytest.mark.slow
def test_a_crawl_fetches_nothing_from_a_site_whose_robots_txt_answers_503(tiny_shop, tmp_path):
    product = _product_urls(tiny_shop)[0]
    with demo_shop.serve(tiny_shop) as shop:
        shop.respond("/robots.txt", b"<h1>Service unavailable</h1>", status=503,
                     headers={"Content-Type": "text/html"})
        summary = run_crawl(str(tmp_path / "shop.duckdb"), [shop.url + product, shop.url + "/sitemap.xml"],
                            polite=False, progress=False)
        paths = [p for _, p, _ in shop.requests]
    host = shop.url.removeprefix("http://")
    assert set(paths) == {"/robots.txt"}, paths  # retried (5xx), and nothing else asked for
    assert len(paths) == 4
    assert summary["pages"] == 0 and summary["reviews_new"] == 0
    assert summary["problems"] == {"robots_unreachable": 2}
    assert summary["status"] == "failed" and summary["errors"] == 2  # no page read: not a success
    assert summary["message"] == (f"robots.txt of {host} answered HTTP 503: taken as disallow all, per "
                                  f"RFC 9309; try again later or pass --ignore-robots if you own the site")


# A robots.txt that answers 4xx is unavailable: no rules (RFC 9309, section 2.3.1.3), whatever
# its error page says; 401 and 403 too, in a crawl as in `reviewlens extract URL` (below).
UNAVAILABLE = [(404, b"<h1>Not found</h1>"), (403, b"User-agent: *\nDisallow: /\n")]


@pytest.mark.slow
@pytest.mark.parametrize("status, body", UNAVAILABLE)
def test_a_crawl_reads_everything_of_a_site_without_robots_txt(tiny_shop, tmp_path, status, body):
    product = _product_urls(tiny_shop)[0]
    with demo_shop.serve(tiny_shop) as shop:
        shop.respond("/robots.txt", body, status=status, headers={"Content-Type": "text/html"})
        summary = run_crawl(str(tmp_path / "shop.duckdb"), [shop.url + product], polite=False, progress=False)
        paths = [p for _, p, _ in shop.requests]
    assert paths[0] == "/robots.txt" and product in paths
    assert summary["status"] == "ok" and summary["reviews_new"] > 0, summary
    assert "message" not in summary


# A crawl with the spider and the crawl's settings, but a short download timeout (the first
# argument, in seconds), no retries and no store; prints the spider's items and our stats.
_SHORT_CRAWL = """
import json, sys
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from crawler.settings import crawl_settings
from crawler.spiders.reviews import ReviewSpider

settings = crawl_settings(polite=False)
settings.update(DOWNLOAD_TIMEOUT=float(sys.argv[1]), RETRY_TIMES=0, ITEM_PIPELINES={}, LOG_LEVEL="CRITICAL")
process = CrawlerProcess(settings)
crawler = process.create_crawler(ReviewSpider)
items = []

def scraped(item, response, spider):
    items.append(item)

crawler.signals.connect(scraped, signal=signals.item_scraped)
process.crawl(crawler, urls=sys.argv[2:])
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("reviewlens/")}
print(json.dumps({"items": items, "stats": stats}, default=str))
"""


@pytest.mark.slow
def test_a_crawl_whose_robots_txt_never_answers_times_out_and_fetches_nothing():
    with _site(robots_delay=None) as (url, requested, _):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", _SHORT_CRAWL, "1", url + "/p/kettle", url + "/p/toaster"],
                              capture_output=True, text=True, timeout=60, env=child_env())
        took = time.monotonic() - started
        assert done.returncode == 0, done.stderr[-2000:]
        assert requested == ["/robots.txt"]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(item["url"] for item in out["items"]) == [url + "/p/kettle", url + "/p/toaster"]
    assert all(item["problems"] == {"robots_unreachable": 1} and item["error"] == 1 for item in out["items"])
    (message,) = out["stats"].values()
    assert message.startswith(f"robots.txt of {url.removeprefix('http://')} could not be read (")
    assert "took longer than 1" in message and "check the address and that the site is up" in message
    assert "--ignore-robots" not in message     # it would not help: the pages would time out too
    assert took < 30


@pytest.mark.slow
def test_a_crawl_waits_for_a_slow_robots_txt_and_obeys_it():
    with _site(robots_delay=1.5) as (url, requested, _):
        done = subprocess.run([sys.executable, "-c", _SHORT_CRAWL, "5", url + "/p/kettle", url + "/private/kettle"],
                              capture_output=True, text=True, timeout=60, env=child_env())
        assert done.returncode == 0, done.stderr[-2000:]
        assert sorted(requested) == ["/p/kettle", "/robots.txt"]
    items = {item["url"]: item for item in json.loads(done.stdout.strip().splitlines()[-1])["items"]}
    assert items[url + "/private/kettle"]["problems"] == {"robots_disallowed": 1}
    assert items[url + "/p/kettle"].get("problems") == {}


def test_pages_skipped_for_an_unreadable_robots_txt_are_errors():
    failure = Failure(RobotsUnreachable("robots.txt of shop.test answered HTTP 503: taken as disallow all"))
    failure.request = Request("http://shop.test/p/kettle")
    assert failure_reason(failure) == ("robots_unreachable", True)
    (item,) = list(ReviewSpider(["http://shop.test/"]).failed(failure))
    assert item["error"] == 1 and item["problems"] == {"robots_unreachable": 1}


# --- `reviewlens extract URL` (crawler.fetch) -----------------------------------------------

def test_fetch_page_refuses_a_site_whose_robots_txt_answers_503_and_reads_one_without(tiny_shop):
    product = _product_urls(tiny_shop)[0]
    with demo_shop.serve(tiny_shop) as shop:
        shop.respond("/robots.txt", b"busy", status=503, headers={"Content-Type": "text/plain"})
        with pytest.raises(FetchError) as refused:
            fetch_page(shop.url + product, timeout=5)
        assert shop.hits("/products/") == 0
        shop.respond("/robots.txt", b"gone", status=404, headers={"Content-Type": "text/plain"})
        body, _, final_url = fetch_page(shop.url + product, timeout=5)
    host = shop.url.removeprefix("http://")
    assert str(refused.value) == (f"robots.txt of {host} answered HTTP 503: taken as disallow all, per "
                                  f"RFC 9309; try again later or pass --ignore-robots if you own the site")
    assert final_url == shop.url + product and b"</html>" in body


@pytest.mark.parametrize("status, body", UNAVAILABLE)
def test_fetch_page_reads_a_site_whose_robots_txt_is_unavailable_as_a_crawl_does(tiny_shop, status, body):
    product = _product_urls(tiny_shop)[0]
    with demo_shop.serve(tiny_shop) as shop:
        shop.respond("/robots.txt", body, status=status, headers={"Content-Type": "text/plain"})
        page, _, _ = fetch_page(shop.url + product, timeout=5)
        assert shop.hits("/products/") == 1
    assert b"</html>" in page


def _within(seconds: float, call):
    """``call()``'s exception (or None), or AssertionError when it is still running after
    ``seconds``: a hang fails the test instead of stopping the test run."""
    outcome: list = []

    def run():
        try:
            call()
            outcome.append(None)
        except Exception as exc:  # handed to the test
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"still waiting after {seconds} s"
    return outcome[0]


def test_fetch_page_gives_up_on_a_robots_txt_that_never_answers():
    with _site(robots_delay=None) as (url, requested, _):
        refused = _within(10, lambda: fetch_page(url + "/p/kettle", timeout=0.5))
        assert requested == ["/robots.txt"]  # the page itself was not asked for
    assert isinstance(refused, FetchError), refused
    assert str(refused).startswith(f"robots.txt of {url.removeprefix('http://')} did not answer "
                                   f"within 0.5 s: nothing of ")
    assert str(refused).endswith("check the address and that the site is up")


def test_fetch_page_waits_for_a_slow_robots_txt_and_obeys_it():
    with _site(robots_delay=0.3) as (url, requested, _):
        body, _, _ = fetch_page(url + "/p/kettle", timeout=5)
        with pytest.raises(FetchError, match="forbids fetching it"):
            fetch_page(url + "/private/kettle", timeout=5)
        assert requested == ["/robots.txt", "/p/kettle", "/robots.txt"]
    assert body == PAGE


def test_fetch_page_reads_robots_txt_with_our_user_agent():
    with _site() as (url, requested, agents):
        fetch_page(url + "/p/kettle", user_agent="acme-audit/1 (ops@acme.test)", timeout=5)
    assert requested == ["/robots.txt", "/p/kettle"]
    assert agents == ["acme-audit/1 (ops@acme.test)"] * 2
