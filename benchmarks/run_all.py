"""Run every benchmark once at a size that finishes in minutes on 2 cores (`make bench`).

Each benchmark prints its own figures and ratios; the full-size runs quoted in the README use
the commands written there (e.g. `python -m benchmarks.bench_import --rows 1000000`).
"""
from __future__ import annotations

import subprocess
import sys

RUNS = [
    ["benchmarks.bench_demo_shop"],
    ["benchmarks.bench_import", "--rows", "200000"],
    ["benchmarks.bench_crawl", "--rounds", "1"],
    ["benchmarks.bench_analyze", "--reviews", "40", "--device", "auto"],
    ["benchmarks.bench_dashboard", "--sizes", "10000,100000", "--repeat", "3"],
]


def main() -> int:
    failed = []
    for args in RUNS:
        print(f"\n=== python -m {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, "-m", *args]).returncode != 0:
            failed.append(args[0])
    if failed:
        print(f"\nbenchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
