"""`reviewlens demo` (what `make demo` runs): the whole path on the embedded demo shop.

Generate the demo shop (once, into ``data/demo_shop``), serve it on 127.0.0.1, then run the
same job as `reviewlens run` on it (crawl, train the sentiment model if it is missing,
analyze, write the reports), under the same lock and recorded in ``job_runs``. In each
category the first product is marked "ours" and the others "competitor" (:func:`demo_sides`),
so the reports' ``side`` column has both. The command then serves the dashboard on the result.

Example::

    from analysis.jobs.demo import run_demo
    result = run_demo("data/reviewlens.duckdb")
    result.exit_code, result.reports_dir
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from analysis.jobs.runner import JobResult, run_job
from analysis.jobs.sources import JobConfig, Source

DEMO_SHOP_DIR = "data/demo_shop"
REPORTS_DIR = "data/reports"


@dataclass
class DemoResult:
    """What the demo did: the job's result, where the reports are, how long each part took."""
    job: JobResult
    shop_dir: Path
    reports_dir: Path
    seconds: dict[str, float]

    @property
    def exit_code(self) -> int:
        return self.job.exit_code


def ensure_shop(shop_dir: str | Path = DEMO_SHOP_DIR, products: int | None = None,
                log: Callable[[str], None] = print) -> Path:
    """The demo shop folder, generated first when it has no ``manifest.jsonl``."""
    from crawler import demo_shop

    shop_dir = Path(shop_dir)
    if (shop_dir / "manifest.jsonl").exists():
        log(f"demo shop: using {shop_dir} (delete it to generate a fresh one)")
        return shop_dir
    log(f"demo shop: generating into {shop_dir} ...")
    demo_shop.generate(shop_dir, seed=0, products=products)
    return shop_dir


def demo_sides(shop_dir: str | Path) -> dict[str, str]:
    """The demo's story: in each category the first product is ours, the others are rivals'.

    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "products.json").write_text(json.dumps([
    ...     {"product_id": "A", "category": "Kitchen"}, {"product_id": "B", "category": "Kitchen"}]))
    >>> demo_sides(folder)
    {'A': 'ours', 'B': 'competitor'}
    """
    path = Path(shop_dir) / "products.json"
    try:
        products = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # an older shop folder without it: every product is "ours"
    sides, seen = {}, set()
    for product in products:
        category = product.get("category")
        sides[product["product_id"]] = "competitor" if category in seen else "ours"
        seen.add(category)
    return sides


def run_demo(db: str, *, shop_dir: str | Path = DEMO_SHOP_DIR, reports_dir: str | Path = REPORTS_DIR,
             device: str = "auto", products: int | None = None, log: Callable[[str], None] = print,
             progress: bool = True, **steps) -> DemoResult:
    """Shop -> serve on loopback -> crawl -> model -> analyze -> reports; see the module docstring.

    ``steps`` passes ``crawl``/``analyze``/``prepare_model``/``write_reports`` on to
    :func:`analysis.jobs.runner.run_job` (tests swap the heavy ones).
    """
    from crawler import demo_shop

    seconds: dict[str, float] = {}
    started = time.monotonic()
    shop_dir = ensure_shop(shop_dir, products, log)
    seconds["shop"] = time.monotonic() - started
    with demo_shop.serve(shop_dir, host="127.0.0.1", port=0) as shop:
        log(f"demo shop: serving on {shop.url}")
        source = Source(name="demo shop", urls=[], sitemaps=[shop.url.rstrip("/") + "/sitemap.xml"],
                        side="ours", polite=False,  # loopback: no delays needed
                        products=demo_sides(shop_dir))
        config = JobConfig(path=Path("(demo)"), sources=[source], reports_dir=str(reports_dir), device=device)
        job_started = time.monotonic()
        result = run_job(db, config, log=log, progress=progress, **steps)
        seconds["job"] = time.monotonic() - job_started
    for step in result.steps:
        seconds[step.step] = seconds.get(step.step, 0.0) + step.seconds
    seconds["total"] = time.monotonic() - started
    return DemoResult(result, shop_dir, Path(reports_dir), seconds)
