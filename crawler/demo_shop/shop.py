"""Generating the demo shop and adding reviews to it later; the ground-truth files.

The shop folder holds the static pages plus:

    manifest.jsonl   one object per review (see `generate`), newest first per product
    products.json    the products with their markup and intended strengths, weaknesses and needs
    shop.json        the settings it was generated with (seed, today, page size, base URL, batches)

A manifest record (one review):

    key              the review's key; its anchor on the page is "r-<key>"
    product_id       the product's SKU, as the page shows it
    url, page        root-relative URL of the review (page URL + "#r-<key>") and its page number;
                     both change when add_reviews pushes reviews to later pages
    author, title, body, published_at (ISO date), language (en, es, de, fr)
    rating           1-5, the rating the reviewer gave
    rating_on_page   the rating as the page writes it (out of best_rating: 5, or 10 on one product)
    aspects          [{"aspect": canonical, "term": as written, "polarity", "start", "end"}],
                     offsets into body
    needs            [need label]; need_spans: [{"need", "start", "end"}] (the sentence asking)
    sentiment        what the text says: positive, negative, neutral or mixed
    rating_disagrees True where the stars contradict the text on purpose
    typos            how many words were misspelt on purpose
    batch            0 for generate, 1, 2, ... for each add_reviews call
    seq              the review's number within its product, in order of writing
"""
from __future__ import annotations

import json
import random
import shutil
from collections import defaultdict
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

from data import store
from data.store import review_id

from . import pages
from .catalog import PRODUCTS, Product
from .writer import ReviewWriter

DEFAULT_TODAY = date(2026, 10, 31)
SPAN_DAYS = 730
MANIFEST = "manifest.jsonl"


def _key(product: Product, seq: int) -> str:
    return f"{product.product_id.lower().replace('-', '')}-{seq:04d}"


def _record(product: Product, seq: int, day: date, written, batch: int) -> dict:
    return {
        "key": _key(product, seq), "product_id": product.product_id, "url": None, "page": None,
        "author": written.author, "rating": written.rating,
        "rating_on_page": pages.rating_on_page(product, written.rating), "best_rating": product.best_rating,
        "language": written.language, "title": written.title, "body": written.body,
        "aspects": written.aspects, "needs": written.needs, "need_spans": written.need_spans,
        "sentiment": written.sentiment, "rating_disagrees": written.rating_disagrees, "typos": written.typos,
        "published_at": day.isoformat(), "batch": batch, "seq": seq,
    }


def _write_unique(writer: ReviewWriter, product: Product, day: date, recent: bool, batch: int, seq: int,
                  seen: set[str]) -> dict:
    """A review whose store id (product, author, date, text) is not taken yet."""
    for _ in range(50):
        written = writer.write(product, recent=recent)
        rid = review_id(product.product_id, written.author, day.isoformat(), written.body)
        if rid not in seen:
            seen.add(rid)
            return _record(product, seq, day, written, batch)
    raise RuntimeError(f"could not write a unique review for {product.product_id} on {day}")


def _newest_first(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: (r["published_at"], r["seq"]), reverse=True)


def _render(out: Path, by_product: dict[str, list[dict]], settings: dict) -> None:
    products = [p for p in PRODUCTS if p.product_id in by_product]
    for product in products:
        by_product[product.product_id] = _newest_first(by_product[product.product_id])
        pages.render_product(out, product, by_product[product.product_id], settings["page_size"])
    pages.render_site(out, products, {k: len(v) for k, v in by_product.items()}, settings["base_url"])
    lines = [json.dumps(r, ensure_ascii=False) for p in products for r in by_product[p.product_id]]
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out / MANIFEST)
    (out / "shop.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")


def _products_json(products: list[Product]) -> list[dict]:
    out = []
    for p in products:
        out.append({
            "product_id": p.product_id, "title": p.title, "brand": p.brand, "category": p.category,
            "url": p.url, "price": p.price, "markup": p.markup, "layout": p.layout, "pagination": p.pagination,
            "best_rating": p.best_rating, "strengths": list(p.strengths), "weaknesses": list(p.weaknesses),
            "needs": list(p.needs), "aspects": sorted(p.aspects),
            "emerging": asdict(p.emerging) if p.emerging else None,
        })
    return out


def generate(out_dir, seed: int = 0, reviews_per_product: tuple[int, int] = (150, 300), page_size: int = 20,
             today: date = DEFAULT_TODAY, base_url: str | None = None, products: int | None = None) -> Path:
    """Write the demo shop (pages, manifest.jsonl, products.json) into `out_dir`; return its path.

    The same seed gives the same shop. `products` keeps only the first N products (small shops
    for tests); `base_url` writes absolute URLs into sitemap.xml and robots.txt (otherwise the
    demo server fills them in when it serves them).

    >>> import tempfile
    >>> path = generate(tempfile.mkdtemp(), seed=1, reviews_per_product=(5, 8), products=2)
    >>> (path / "manifest.jsonl").exists()
    True
    """
    lo, hi = reviews_per_product
    if not 1 <= lo <= hi:
        raise ValueError(f"reviews_per_product={reviews_per_product!r}: give (low, high) with 1 <= low <= high")
    if page_size < 1:
        raise ValueError(f"page_size={page_size!r}: give a positive number of reviews per page")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for owned in ("products", "category"):   # stale pages from an earlier, larger shop
        shutil.rmtree(out / owned, ignore_errors=True)
    chosen = list(PRODUCTS[:products] if products else PRODUCTS)
    by_product: dict[str, list[dict]] = {}
    for product in chosen:
        rng = random.Random(f"{seed}:{product.product_id}")
        writer = ReviewWriter(rng)
        count = rng.randint(lo, hi)
        # more reviews lately, as a product gets known
        ages = sorted((int(SPAN_DAYS * rng.random() ** 1.3) for _ in range(count)), reverse=True)
        seen: set[str] = set()
        records = []
        for seq, age in enumerate(ages, start=1):
            recent = product.emerging is not None and age < product.emerging.days
            records.append(_write_unique(writer, product, today - timedelta(days=age), recent, 0, seq, seen))
        by_product[product.product_id] = records
    settings = {"seed": seed, "today": today.isoformat(), "page_size": page_size, "base_url": base_url,
                "batches": 0, "products": [p.product_id for p in chosen]}
    (out / "products.json").write_text(json.dumps(_products_json(chosen), indent=1) + "\n", encoding="utf-8")
    _render(out, by_product, settings)
    return out


def load_manifest(out_dir) -> list[dict]:
    """The ground truth of a generated shop, one dict per review.

    >>> load_manifest("/no/such/shop")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no demo shop at /no/such/shop (manifest.jsonl missing): run `python -m crawler.demo_shop generate /no/such/shop` first
    """
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"no demo shop at {out_dir} ({MANIFEST} missing): "
                                f"run `python -m crawler.demo_shop generate {out_dir}` first")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def store_manifest(db: str, out_dir) -> tuple[list[dict], list[dict]]:
    """Write a generated shop's products and manifest reviews straight into the store at ``db``
    (no crawl: for tests and benchmarks that need the ground truth beside the stored reviews);
    return ``(products, manifest)``.

    Example::

        products, manifest = store_manifest("data/reviewlens.duckdb", generate("/tmp/shop", products=2))
    """
    products = json.loads((Path(out_dir) / "products.json").read_text(encoding="utf-8"))
    manifest = load_manifest(out_dir)
    with store.writer(db) as con:
        store.upsert_products(con, [{"product_id": p["product_id"], "source": "demo", "url": p["url"],
                                     "title": p["title"], "brand": p["brand"], "category": p["category"]}
                                    for p in products])
        store.insert_reviews(con, [{"product_id": r["product_id"], "source": "demo", "url": r["url"],
                                    "author": r["author"], "rating": r["rating"], "title": r["title"],
                                    "body": r["body"], "language": r["language"], "published_at": r["published_at"]}
                                   for r in manifest])
    return products, manifest


def add_reviews(out_dir, n: int, seed: int = 1) -> list[dict]:
    """Add `n` new reviews, newer than every review in the shop, spread over a few products.

    The pages are re-rendered (the new reviews lead page 1) and the manifest is updated.
    Returns the new manifest records.

    >>> import tempfile
    >>> path = generate(tempfile.mkdtemp(), seed=1, reviews_per_product=(5, 8), products=2)
    >>> len(add_reviews(path, 3))
    3
    """
    if n < 0:
        raise ValueError(f"n={n!r}: give how many reviews to add (0 or more)")
    out = Path(out_dir)
    records = load_manifest(out)
    settings = json.loads((out / "shop.json").read_text(encoding="utf-8"))
    settings["batches"] += 1
    batch = settings["batches"]
    by_product: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_product[r["product_id"]].append(r)
    chosen = [p for p in PRODUCTS if p.product_id in settings["products"]]
    rng = random.Random(f"add:{seed}:{batch}")
    targets = rng.sample(chosen, min(len(chosen), rng.randint(2, 4)))
    latest = max(date.fromisoformat(r["published_at"]) for r in records)
    today = date.fromisoformat(settings["today"])
    writer = ReviewWriter(rng)
    seen = {review_id(r["product_id"], r["author"], r["published_at"], r["body"]) for r in records}
    added = []
    for _ in range(n):
        product = rng.choice(targets)
        existing = by_product[product.product_id]
        seq = max((r["seq"] for r in existing), default=0) + 1
        day = latest + timedelta(days=rng.randint(1, 7))
        recent = product.emerging is not None and (day - today).days > -product.emerging.days
        record = _write_unique(writer, product, day, recent, batch, seq, seen)
        existing.append(record)
        added.append(record)
    newest = max((date.fromisoformat(r["published_at"]) for r in added), default=today)
    settings["today"] = max(today, newest).isoformat()
    _render(out, dict(by_product), settings)
    return added
