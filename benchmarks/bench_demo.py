"""Benchmark: `reviewlens demo --no-dashboard` end to end, then the same job again (incremental).

Run::

    .venv/bin/python -m benchmarks.bench_demo [--products N]

Runs the real command in a fresh temporary store and shop folder (the sentiment model in
data/models/ is reused when it is there, trained when it is not, and the output says which),
prints each step's seconds from the job record, then runs `reviewlens run` on the same shop
content a second time, where the crawl stops early and the analysis has nothing new, and prints
the ratio of the two. The machine (CPU model, cores, GPU) is printed with the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
    except (OSError, AttributeError):
        pass
    gpu = "no GPU"
    try:
        import torch

        if torch.cuda.is_available():
            gpu = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return f"{cpu}, {os.cpu_count()} cores visible, {gpu}"


def job_steps(db: str) -> list[dict]:
    from data import store

    row = store.query(db, "SELECT steps FROM job_runs ORDER BY job_id DESC LIMIT 1").first()
    return json.loads(row["steps"]) if row else []


def main() -> None:
    """Example: `python -m benchmarks.bench_demo --products 3`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=None, help="only the first N demo products")
    args = parser.parse_args()
    model_ready = (REPO / "data" / "models" / "sentiment").exists()
    print(f"machine: {machine()}")
    print(f"sentiment model: {'already trained (reused)' if model_ready else 'missing: trained in this run'}")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "demo.duckdb")
        argv = [sys.executable, "-m", "dashboard.cli", "--db", db, "demo", "--no-dashboard",
                "--shop-dir", str(Path(tmp) / "shop"), "--reports", str(Path(tmp) / "reports")]
        if args.products:
            argv += ["--products", str(args.products)]
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        start = time.perf_counter()
        first = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
        first_s = time.perf_counter() - start
        if first.returncode != 0:
            print(first.stdout[-3000:], first.stderr[-3000:])
            raise SystemExit(f"the demo failed with exit {first.returncode}")
        steps = job_steps(db)
        from data import store

        reviews = store.query(db, "SELECT count(*) FROM reviews").scalar()
        print(f"first demo run: {first_s:.1f} s wall for {reviews} reviews "
              f"(python start, shop generation and serving included)")
        for step in steps:
            print(f"  {step['step']:<8} {step['target'][:40]:<40} {step['status']:<7} {step['seconds']:8.1f} s")
        start = time.perf_counter()
        second = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
        second_s = time.perf_counter() - start
        steps2 = job_steps(db)
        print(f"second run, nothing new (exit {second.returncode}): {second_s:.1f} s wall")
        for step in steps2:
            print(f"  {step['step']:<8} {step['target'][:40]:<40} {step['status']:<7} {step['seconds']:8.1f} s")
        print(f"first / second = {first_s / second_s:.1f}x")


if __name__ == "__main__":
    main()
