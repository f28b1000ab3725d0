"""Run a crawl into the store: ``run_crawl`` starts Scrapy in a child process and returns its summary.

Twisted's reactor cannot be started twice in one process, so each crawl runs in a fresh
``python -m crawler.crawl`` child; ``run_crawl`` can then be called again and again (by the
scheduler, the demo, tests). The child prints its run id first and a JSON summary last on
stdout; the progress lines go to stderr.

Example::

    from crawler.crawl import run_crawl
    summary = run_crawl("shop.duckdb", ["http://127.0.0.1:8000/sitemap.xml"], polite=False)
    summary["reviews_new"], summary["status"]     # (3120, 'ok')
"""
from __future__ import annotations

import gc
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from data import store

# A run's problem when a start URL itself answered 404 or 410 (crawler/spiders/reviews.py counts
# it beside http_404): a typo or a removed page, where a sitemap's sold-out product is no news.
START_URL_GONE = "start_url_gone"
# Listing next pages followed per start URL (crawler/spiders/reviews.py): a bound on shops whose
# "next" never ends. There is no setting for it; a category longer than this is crawled in parts.
MAX_LISTING_PAGES = 200
LISTING_LIMIT = "listing_limit"  # the problem counted for each listing cut short by it
# A link, or a redirect, to a host the crawl does not fetch (not a start URL's host or a
# subdomain of one): counted, not an error. A redirect elsewhere is dropped by Scrapy's offsite
# filter before any errback could see it, so crawler/spiders/reviews.py counts it as the
# request is scheduled and leaves a message under OFFSITE_REDIRECT_STATS_PREFIX in the stats.
OFFSITE_LINK = "offsite_link"
OFFSITE_REDIRECT_STATS_PREFIX = "reviewlens/offsite_redirect/"  # + "start/" URL or "page/" host

SUMMARY_KEYS = ("run_id", "pages", "reviews_read", "reviews_new", "reviews_edited", "duplicates",
                "rejected", "errors", "status", "problems")


class CrawlError(ValueError):
    """Bad crawl input (URL, profile, pattern); the message names it and says what to do."""


def check_urls(urls: list[str]) -> list[str]:
    """The start URLs, checked: each must be an http(s) URL with a host."""
    if not urls:
        raise CrawlError("no URL to crawl: pass product, listing or sitemap URLs")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CrawlError(f"{url!r} is not an http(s) URL; pass a full address such as "
                             f"https://shop.example/products/kettle (saved pages go to `reviewlens extract`)")
    return list(urls)


def crawl_domains(urls: list[str]) -> list[str]:
    """The hosts a crawl of ``urls`` may fetch from and store reviews under, with their subdomains.

    The spider gives these to Scrapy's offsite filter (``allowed_domains``: a host or any
    subdomain of it), and the known review ids are read for the same hosts, so both agree on
    what is "this shop". A URL without a readable host adds nothing.

    >>> crawl_domains(["http://Shop.test/c/kitchen", "http://shop.test:8080/sitemap.xml"])
    ['shop.test']
    """
    return sorted({host for host in map(host_of, urls) if host})


def host_of(url: str) -> str | None:
    """The lower-cased host name of ``url``; None for a URL that has none or cannot be read.

    >>> host_of("http://Shop.test:8080/p/1"), host_of("http://[oops")
    ('shop.test', None)
    """
    try:
        return urlsplit(url).hostname
    except ValueError:  # "http://[oops": a broken IPv6 host
        return None


def run_crawl(db: str | os.PathLike, urls: list[str], *, max_pages: int | None = None,
              incremental: bool = True, profile: str | None = None, obey_robots: bool = True,
              user_agent: str | None = None, polite: bool = True, category: str | None = None,
              product_pattern: str | None = None, progress: bool = True,
              flush_items: int | None = None, flush_seconds: float | None = None,
              record_pages: str | None = None, timeout: float | None = None,
              day_first: bool | None = None) -> dict[str, Any]:
    """Crawl ``urls`` (product, listing or sitemap pages) into the store at ``db``.

    Returns ``{run_id, pages, reviews_read, reviews_new, duplicates, rejected, errors, status,
    problems, seconds}``. ``max_pages`` caps the review pages read per product; ``incremental``
    (default) stops a product's pagination at the first page with only stored reviews;
    ``profile`` forces a site profile; ``product_pattern`` filters sitemap and listing links;
    ``polite=False`` turns delays off (loopback and benchmarks only); ``day_first`` says how the
    site writes numeric dates such as 03/04/2024 (default None: each date on its own, month
    first unless the first number is above 12; a site-wide setting, so a review reads the same
    day, and keeps its id, whichever page it is on).

    >>> run_crawl("shop.duckdb", ["http://127.0.0.1:8000/"], polite=False)["status"]  # doctest: +SKIP
    'ok'
    """
    config = _config(db, urls, max_pages=max_pages, incremental=incremental, profile=profile,
                     obey_robots=obey_robots, user_agent=user_agent, polite=polite,
                     category=category, product_pattern=product_pattern, progress=progress,
                     flush_items=flush_items, flush_seconds=flush_seconds,
                     record_pages=record_pages, day_first=day_first)
    started = time.monotonic()
    # subprocess.run kills the child when this process is stopped by an exception (SIGTERM turned
    # into JobStopped, Ctrl+C); dies_with_parent covers a SIGKILL, which runs no code here.
    proc = subprocess.run([sys.executable, "-m", "crawler.crawl", json.dumps(config)],
                          stdout=subprocess.PIPE, stderr=None if progress else subprocess.PIPE,
                          text=True, timeout=timeout, env=child_env(), preexec_fn=dies_with_parent())
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    messages = [json.loads(line) for line in lines]
    summary = next((m for m in reversed(messages) if "status" in m), None)
    if summary is None:
        run_id = next((m["run_id"] for m in messages if "run_id" in m), None)
        detail = (proc.stderr or "").strip().splitlines()[-3:] if not progress else []
        summary = _run_row(str(db), run_id) if run_id is not None else {}
        summary.update(status="failed", exit_code=proc.returncode,
                       message=" | ".join(detail) or f"the crawl process ended with code {proc.returncode}")
    summary["seconds"] = round(time.monotonic() - started, 3)
    return summary


def dies_with_parent():
    """A ``preexec_fn`` that has Linux kill the child (SIGKILL) when this process dies, however
    it dies, so a killed job leaves no crawl writing on without its lock; None elsewhere, or
    where libc's ``prctl`` cannot be found (the child then may outlive a killed parent).

    prctl is looked up here, before the fork: the child runs only the call itself. It also
    checks that its parent is still the one that started it (it may have died during the fork).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    set_death_signal, kill = 1, int(signal.SIGKILL)   # PR_SET_PDEATHSIG, from <linux/prctl.h>

    def preexec() -> None:
        prctl(set_death_signal, kill, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: no signal would come
            os._exit(1)

    return preexec


def child_env() -> dict[str, str]:
    """The environment of a crawl child: ours, with the project importable."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _config(db, urls, *, max_pages, incremental, profile, obey_robots, user_agent, polite,
            category, product_pattern, progress, flush_items, flush_seconds, record_pages,
            day_first=None) -> dict:
    urls = check_urls(list(urls))
    if max_pages is not None and max_pages < 1:
        raise CrawlError(f"--max-pages must be 1 or more, not {max_pages}")
    if profile is not None:
        from crawler.profiles import ProfileError, get_profile

        try:
            get_profile(profile)
        except ProfileError as exc:
            raise CrawlError(str(exc)) from exc
    if product_pattern:
        try:
            re.compile(product_pattern)
        except re.error as exc:
            raise CrawlError(f"product URL pattern {product_pattern!r} is not a regular expression: {exc}") from exc
    return {"db": str(db), "urls": urls, "max_pages": max_pages, "incremental": incremental,
            "profile": profile, "obey_robots": obey_robots, "user_agent": user_agent,
            "polite": polite, "category": category, "product_pattern": product_pattern,
            "progress": progress, "flush_items": flush_items, "flush_seconds": flush_seconds,
            "record_pages": record_pages, "day_first": day_first}


def _run_row(db: str, run_id: int) -> dict[str, Any]:
    try:
        row = store.query(db, "SELECT * FROM collect_runs WHERE run_id = ?", [run_id]).first() or {}
    except store.StoreError:
        return {"run_id": run_id}
    summary = {key: row.get(key) for key in SUMMARY_KEYS}
    summary["problems"] = json.loads(row.get("problems") or "{}") if row else {}
    return summary


# --- the child process ----------------------------------------------------------------------

def _begin_run(config: dict) -> tuple[int, bool]:
    """Open the run record; after a crawl of the same URLs that left a gap, read everything.

    A killed crawl (still 'running'), one stopped by too many errors ('failed') or one that
    missed pages ('partial': a review page that failed midway) stored the newest pages of some
    products but not the older ones; stopping at the first known page would leave that gap
    forever. So the next crawl of the same start URLs is a full pass, once. (Only the same
    target's last run that read a page counts: a crawl of another shop in between neither
    spends that full pass nor needs one, and a crawl that read no page at all, such as a
    mistyped start URL or a site that was down, stored nothing to leave a gap after, nor
    filled one. Nor does a crawl partial only because a listing was longer than the listing
    limit (``listing_limit``): a full pass would be cut at the same place.)
    """
    incremental = config["incremental"]
    target = " ".join(config["urls"])
    # attach=True: the process keeps one in-memory DuckDB for all its writes (the pipeline's
    # batches too) and attaches the store file for each, instead of starting DuckDB each time.
    with store.writer(config["db"], attach=True) as con:
        con.execute("UPDATE collect_runs SET status = 'failed', finished_at = ? "
                    "WHERE kind = 'crawl' AND status = 'running'", [store.now()])
        # pages are counted in the transaction that stores their reviews: 0 means nothing stored
        last = con.execute(f"SELECT status, errors, coalesce(CAST(json_extract(problems, '$.{LISTING_LIMIT}') "
                           "AS INTEGER), 0) FROM collect_runs WHERE kind = 'crawl' AND target = ? "
                           "AND pages > 0 ORDER BY run_id DESC LIMIT 1", [target]).fetchall()
        # (a run partial only for listings cut at the listing limit left no gap a full pass fills:
        # the same listings would be cut again)
        interrupted = bool(last) and (last[0][0] == "failed" or (
            last[0][0] == "partial" and not (last[0][2] and last[0][1] <= last[0][2])))
        run_id = store.start_collect_run(con, "crawl", target)
        if interrupted and incremental:
            incremental = False
            store.add_to_collect_run(con, run_id, problems={"full_pass_after_interrupted_crawl": 1})
    return run_id, incremental


def _known_review_ids(db: str, urls: list[str]) -> set[str]:
    """The ids of the stored reviews this crawl may meet again, for the incremental stop.

    A review's ``source`` is the host its page was served from, which need not be a start
    URL's host: a shop at ``shop.test`` that redirects to ``www.shop.test`` stores its reviews
    under the latter. So the ids are read for every host the crawl may fetch from, the start
    hosts and their subdomains (:func:`crawl_domains`, as the spider's offsite filter has it),
    and for no other shop's. Read once, before the pipeline's first write.
    """
    domains = crawl_domains(urls)
    if not domains:
        return set()
    with store.reader(db) as con:
        rows = con.execute(
            "SELECT review_id FROM reviews WHERE EXISTS (SELECT 1 FROM (SELECT unnest(?) AS domain) "
            "WHERE source = domain OR ends_with(source, '.' || domain))", [domains]).fetchall()
    return {r[0] for r in rows}


class _Clock:
    """Wall and CPU seconds from spider open to spider close (the crawl, without start-up).

    The close is read after every other ``spider_closed`` receiver, so the crawl's time
    includes the pipeline's last write (the final batch and the run's status).
    """

    def __init__(self, crawler):
        from scrapy import signals

        self.opened = self.closed = None
        self.cpu_opened = self.cpu_closed = None
        self._signals = crawler.signals
        # Bound methods of an object we keep: Scrapy holds signal receivers weakly.
        crawler.signals.connect(self.on_open, signal=signals.spider_opened)

    def on_open(self, spider):
        from scrapy import signals

        self.opened, self.cpu_opened = time.monotonic(), time.process_time()
        # Receivers run in the order they were connected: the pipeline's came before this one.
        self._signals.connect(self.on_close, signal=signals.spider_closed)

    def on_close(self, spider, reason):
        self.closed, self.cpu_closed = time.monotonic(), time.process_time()

    @property
    def seconds(self) -> float | None:
        if self.opened is None or self.closed is None:
            return None
        return round(self.closed - self.opened, 3)

    @property
    def cpu_seconds(self) -> float | None:
        if self.cpu_opened is None or self.cpu_closed is None:
            return None
        return round(self.cpu_closed - self.cpu_opened, 3)


def _warm_up() -> None:
    """Load extruct, pandas and the language model now, not while the first pages wait (~2 s).

    The store's batch writer is run once on an in-memory database too: its first call imports
    parts of pandas and pyarrow lazily and sets up DuckDB's DataFrame scan (~0.07 s), which
    would otherwise land on the first flush.
    """
    import duckdb
    import extruct  # noqa: F401
    import pandas  # noqa: F401  (the store's batch writer uses it)

    from crawler.normalize import detect_language

    detect_language("warming up the language detector")
    con = duckdb.connect(":memory:")
    try:
        store.migrate(con)
        con.execute("BEGIN")
        store.upsert_products(con, [{"product_id": "warm-up", "source": "warm-up", "title": "warm-up"}])
        store.insert_reviews(con, [{"review_id": "warm-up", "product_id": "warm-up", "source": "warm-up",
                                    "body": "warm-up", "rating": 4.0, "collected_at": store.now()}])
        con.execute("ROLLBACK")
    finally:
        con.close()


def _start(process) -> None:
    """``process.start()`` with the objects of imports and warm-up kept out of the cyclic GC.

    Scrapy, lxml, extruct, pandas and the language model leave over 100,000 objects that
    live as long as the process; every full collection during the crawl would walk them again.
    ``gc.freeze()`` (CPython's documented remedy) moves them out of its reach; unfrozen after.
    Parsing a page allocates thousands of short-lived dicts and lists, which at the default
    threshold (700) set off a young collection every few hundred microseconds; a higher one
    collects the same garbage in fewer passes (~5% of a crawl's time before).
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        process.start()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def crawl_here(config: dict) -> dict[str, Any]:
    """Run one crawl in this process (once per process: the reactor cannot restart)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import crawl_settings
    from crawler.spiders.reviews import ReviewSpider

    _warm_up()
    run_id, incremental = _begin_run(config)
    print(json.dumps({"run_id": run_id}), flush=True)
    known = _known_review_ids(config["db"], config["urls"]) if incremental else set()
    settings = crawl_settings(obey_robots=config["obey_robots"], user_agent=config["user_agent"],
                              polite=config["polite"])
    settings.update({"REVIEWLENS_DB": config["db"], "REVIEWLENS_RUN_ID": run_id,
                     "REVIEWLENS_PROGRESS": config["progress"]})
    if config.get("flush_items"):
        settings["REVIEWLENS_FLUSH_ITEMS"] = config["flush_items"]
    if config.get("flush_seconds"):
        settings["REVIEWLENS_FLUSH_SECONDS"] = config["flush_seconds"]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReviewSpider)
    visited: list[str] = []
    clock = _Clock(crawler)

    def record(response, request, spider):
        visited.append(response.url)

    if config.get("record_pages"):
        from scrapy import signals

        crawler.signals.connect(record, signal=signals.response_received)
    process.crawl(crawler, urls=config["urls"], max_pages=config["max_pages"], incremental=incremental,
                  profile=config["profile"], category=config["category"],
                  product_pattern=config["product_pattern"], known_ids=known,
                  day_first=config.get("day_first"))
    _start(process)
    if config.get("record_pages"):
        Path(config["record_pages"]).write_text("\n".join(visited) + "\n", encoding="utf-8")
    summary = _run_row(config["db"], run_id)
    summary["crawl_seconds"] = clock.seconds
    summary["crawl_cpu_seconds"] = clock.cpu_seconds
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    for key in ("store_write_seconds", "store_write_cpu_seconds"):
        if f"reviewlens/{key}" in stats:
            summary[key] = round(stats[f"reviewlens/{key}"], 3)
    messages = robots_messages(stats) + offsite_messages(stats)
    if messages:
        summary["message"] = "; ".join(messages)
    return summary


def robots_messages(stats: dict) -> list[str]:
    """What the crawl's stats say about sites whose robots.txt could not be read, one line each."""
    from crawler.robots import UNREACHABLE_STATS_PREFIX

    return [message for key, message in sorted(stats.items()) if key.startswith(UNREACHABLE_STATS_PREFIX)]


def offsite_messages(stats: dict) -> list[str]:
    """What the crawl's stats say about redirects to other hosts, which were not followed: one
    line per start URL that redirected elsewhere, then one per other host pages went to.

    >>> offsite_messages({OFFSITE_REDIRECT_STATS_PREFIX + "page/b.test": "2 pages went to b.test",
    ...                   OFFSITE_REDIRECT_STATS_PREFIX + "start/http://a.test/": "a.test went away"})
    ['a.test went away', '2 pages went to b.test']
    """
    found = sorted((key, message) for key, message in stats.items()
                   if key.startswith(OFFSITE_REDIRECT_STATS_PREFIX))
    start = OFFSITE_REDIRECT_STATS_PREFIX + "start/"
    return ([message for key, message in found if key.startswith(start)]
            + [message for key, message in found if not key.startswith(start)])


def fetch_only_here(urls: list[str], polite: bool = False) -> dict[str, Any]:
    """Fetch ``urls`` with the crawl's settings and a do-nothing callback (the benchmark's baseline)."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.settings import crawl_settings
    from crawler.spiders.fetch_only import FetchOnlySpider

    settings = crawl_settings(polite=polite)
    settings["ITEM_PIPELINES"] = {}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FetchOnlySpider)
    clock = _Clock(crawler)
    process.crawl(crawler, urls=urls)
    _start(process)
    return {"pages": crawler.spider.pages, "crawl_seconds": clock.seconds,
            "crawl_cpu_seconds": clock.cpu_seconds}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m crawler.crawl CONFIG_JSON  (use `reviewlens crawl` instead)", file=sys.stderr)
        return 2
    config = json.loads(argv[0])
    try:
        if config.get("fetch_only"):
            summary = fetch_only_here(config["urls"], polite=config.get("polite", False))
        else:
            summary = crawl_here(config)
    except store.StoreError as exc:  # busy or unreadable store: say so, no traceback
        print(f"crawl stopped: {exc}", file=sys.stderr, flush=True)
        print(json.dumps({"status": "failed", "message": str(exc)}), flush=True)
        return 1
    print(json.dumps(summary, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
