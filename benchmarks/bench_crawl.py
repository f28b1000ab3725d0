"""Benchmark: crawling the loopback demo shop, next to the bare fetch of the same pages.

Run::

    .venv/bin/python -m benchmarks.bench_crawl            # the default demo shop (~2,700 reviews)
    .venv/bin/python -m benchmarks.bench_crawl --reviews 40 80 --rounds 3

It generates the demo shop, serves it on 127.0.0.1 and, with politeness delays off, times

* the real crawl: :func:`crawler.crawl.run_crawl` from the sitemap into a fresh store (follow
  listings and review pagination, extraction, normalisation, dedupe, batched DuckDB writes), and
* the bare fetch: the same pages the real crawl fetched, with the same settings and a
  do-nothing parse callback (:class:`crawler.spiders.fetch_only.FetchOnlySpider`),

each in its own child process, timed from spider open to spider close (for the crawl, after its
last store write; process start-up and imports excluded for both; both with the same settings
and the same garbage-collector set-up), and prints pages/s, reviews/s and the ratio of the times, in wall
seconds and in the crawl process's CPU seconds (the steadier figure on a shared machine; the
shop's server runs in this process, not in the crawl's). Goal: extraction + storage <= 1.5 x
the bare fetch time. Odd rounds run the bare fetch first; each round's own ratio is printed too,
and their median (the pairs ran back to back, so it moves less with the machine's load). It also prints the CPU time of ``extract()`` alone per HTML page (no
Scrapy, no store; best round), the figure to watch when changing the parser, and the CPU the
crawl's store writes took (process CPU while writing, part of the crawl's time).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler import demo_shop
from crawler.crawl import child_env, run_crawl


def fetch_only(urls: list[str]) -> dict:
    config = {"fetch_only": True, "urls": urls, "polite": False}
    proc = subprocess.run([sys.executable, "-m", "crawler.crawl", json.dumps(config)], check=True,
                          stdout=subprocess.PIPE, text=True, env=child_env())
    return json.loads(proc.stdout.strip().splitlines()[-1])


def extract_only(urls: list[str], rounds: int) -> float:
    """CPU seconds of :func:`crawler.extract.extract` alone over the fetched pages (best round).

    No Scrapy and no store: the steadiest figure for the parsing work on a shared machine.
    """
    import urllib.request
    from datetime import datetime

    from crawler.extract import extract

    pages = []
    for url in urls:
        with urllib.request.urlopen(url) as response:  # the loopback demo shop
            if response.headers.get_content_type() == "text/html":
                pages.append((url, response.read()))
    from crawler.normalize import detect_language

    fetched_at = datetime(2026, 1, 1)
    detect_language("warming up the language detector")  # its model loads outside the timing
    for url, body in pages[:3]:
        extract(body, url, fetched_at=fetched_at)
    best = float("inf")
    for _ in range(max(rounds, 1)):
        started = time.process_time()
        for url, body in pages:
            extract(body, url, fetched_at=fetched_at)
        best = min(best, time.process_time() - started)
    return best / max(len(pages), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", nargs=2, type=int, default=(150, 300), metavar=("LOW", "HIGH"),
                        help="reviews per product (default: the demo shop's 150 300)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each; the median is reported")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_crawl_") as tmp:
        shop_dir = demo_shop.generate(Path(tmp) / "shop", seed=0, reviews_per_product=tuple(args.reviews))
        expected = len(demo_shop.load_manifest(shop_dir))
        crawl_times, bare_times, crawl_cpu, bare_cpu, write_cpu = [], [], [], [], []
        urls: list[str] = []
        with demo_shop.serve(shop_dir) as shop:
            for round_ in range(args.rounds):
                db = Path(tmp) / f"bench{round_}.duckdb"
                pages_file = Path(tmp) / f"pages{round_}.txt"
                # Odd rounds fetch bare first (the pages the previous crawl visited), so neither
                # side always runs second on a warmed-up server.
                bare_first = round_ % 2 == 1 and bool(urls)
                if bare_first:
                    bare = fetch_only(urls)
                summary = run_crawl(db, [f"{shop.url}/sitemap.xml"], polite=False, progress=False,
                                    record_pages=str(pages_file))
                if summary["reviews_new"] != expected or summary["status"] != "ok":
                    print(f"crawl did not collect every review: {summary} (expected {expected})")
                    return 1
                visited = [u for u in pages_file.read_text(encoding="utf-8").split() if not u.endswith("robots.txt")]
                if urls and sorted(visited) != sorted(urls):
                    print("the crawl visited other pages than the round before; the comparison would be unfair")
                    return 1
                urls = visited
                if not bare_first:
                    bare = fetch_only(urls)
                if bare["pages"] != summary["pages"]:
                    print(f"bare fetch read {bare['pages']} pages, the crawl {summary['pages']}: not comparable")
                    return 1
                crawl_times.append(summary["crawl_seconds"])
                bare_times.append(bare["crawl_seconds"])
                crawl_cpu.append(summary["crawl_cpu_seconds"])
                bare_cpu.append(bare["crawl_cpu_seconds"])
                write_cpu.append(summary.get("store_write_cpu_seconds"))
                pages = summary["pages"]
                print(f"round {round_ + 1}: crawl {summary['crawl_seconds']:.2f} s "
                      f"(cpu {summary['crawl_cpu_seconds']:.2f} s), bare fetch {bare['crawl_seconds']:.2f} s "
                      f"(cpu {bare['crawl_cpu_seconds']:.2f} s), {bare['pages']} pages"
                      f"{' (bare fetch first)' if bare_first else ''}; ratio "
                      f"{summary['crawl_seconds'] / bare['crawl_seconds']:.2f}x wall, "
                      f"{summary['crawl_cpu_seconds'] / bare['crawl_cpu_seconds']:.2f}x cpu", flush=True)
            extract_cpu = extract_only(urls, args.rounds)
    crawl_s, bare_s = statistics.median(crawl_times), statistics.median(bare_times)
    crawl_c, bare_c = statistics.median(crawl_cpu), statistics.median(bare_cpu)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"demo shop: {pages} pages, {expected} reviews; median of {args.rounds} rounds; "
          f"{os.cpu_count()} cpus, load average {load:.1f}")
    print(f"bare fetch (do-nothing callback): {bare_s:6.2f} s  {pages / bare_s:7.1f} pages/s  "
          f"(cpu {bare_c:.2f} s)")
    print(f"crawl (extract + store):          {crawl_s:6.2f} s  {pages / crawl_s:7.1f} pages/s  "
          f"{expected / crawl_s:8.1f} reviews/s  (cpu {crawl_c:.2f} s)")
    print(f"extract alone (no Scrapy, no store): {1000 * extract_cpu:.2f} ms cpu per HTML page "
          f"(best of {args.rounds})")
    if None not in write_cpu:
        print(f"store writes inside the crawl: {1000 * statistics.median(write_cpu):.0f} ms cpu (median)")
    print(f"ratio crawl / bare fetch: {crawl_s / bare_s:.2f}x wall, {crawl_c / bare_c:.2f}x cpu (goal <= 1.5x)")
    # Each round's pair ran back to back, so its ratio is steadier than the ratio of medians
    # when other jobs come and go.
    wall_ratio = statistics.median(c / b for c, b in zip(crawl_times, bare_times))
    cpu_ratio = statistics.median(c / b for c, b in zip(crawl_cpu, bare_cpu))
    print(f"median of the rounds' ratios: {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
