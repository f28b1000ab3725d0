"""Benchmark: generating the demo shop at its default size (goal: under 5 s).

Run::

    .venv/bin/python -m benchmarks.bench_demo_shop

Times, in one run, `generate` at the default size (12 products, 150-300 reviews each), the
review writer alone (same reviews, no pages), copying the finished folder (the bare cost of
writing that many files), and `add_reviews(50)`, and prints reviews/s, pages/s and the ratios.
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from crawler.demo_shop import add_reviews, generate, load_manifest
from crawler.demo_shop.catalog import PRODUCTS
from crawler.demo_shop.writer import ReviewWriter


def main() -> None:
    """Example: `python -m benchmarks.bench_demo_shop --seed 0`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "shop"
        start = time.perf_counter()
        generate(out, seed=args.seed)
        generate_s = time.perf_counter() - start
        reviews = len(load_manifest(out))
        pages = sum(1 for _ in out.rglob("*.html"))

        start = time.perf_counter()
        for product in PRODUCTS:
            writer = ReviewWriter(random.Random(f"bench:{product.product_id}"))
            for _ in range(reviews // len(PRODUCTS)):
                writer.write(product, recent=False)
        writer_s = time.perf_counter() - start

        start = time.perf_counter()
        shutil.copytree(out, Path(tmp) / "copy")
        copy_s = time.perf_counter() - start

        start = time.perf_counter()
        add_reviews(out, 50, seed=1)
        add_s = time.perf_counter() - start
    print(f"generate: {reviews} reviews, {pages} pages in {generate_s:.2f} s "
          f"({reviews / generate_s:,.0f} reviews/s, {pages / generate_s:,.0f} pages/s; goal < 5 s)")
    print(f"review writer alone: {writer_s:.2f} s ({writer_s / generate_s:.0%} of generate)")
    print(f"copying the finished folder: {copy_s:.2f} s; generate / copy = {generate_s / copy_s:.1f}x")
    print(f"add_reviews(50) with a full re-render: {add_s:.2f} s")


if __name__ == "__main__":
    main()
