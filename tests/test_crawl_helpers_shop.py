"""A tiny loopback shop for the crawl tests (the full demo shop lives in crawler/demo_shop).

It writes products whose review lists use JSON-LD, microdata or the rv-list profile shape,
paginated with ?page=N, a category page, a sitemap and a robots.txt that forbids /private/;
the server can answer some paths with 429/503 first, to test retries. The module holds one
sanity test of its own, so the file name may start with test_.
"""
from __future__ import annotations

import html
import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGE_SIZE = 5
AUTHORS = ["Ann", "Bo", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana"]
OPENINGS = ["The lid", "The handle", "The cable", "Cleaning", "The noise", "Heating", "The button"]
VERDICTS = ["works well", "broke after a week", "feels cheap but does the job",
            "is better than I expected", "could be quieter", "is exactly as described"]


@dataclass
class MiniShop:
    root: Path
    products: list[dict] = field(default_factory=list)

    @property
    def reviews(self) -> list[dict]:
        return [r for p in self.products for r in p["reviews"]]


def _review(product_index: int, n: int) -> dict:
    return {"id": f"r{product_index}-{n}", "author": AUTHORS[n % len(AUTHORS)] + str(n),
            "rating": 1 + (n * 7 + product_index) % 5,
            "title": f"Review {n}",
            "body": f"{OPENINGS[n % len(OPENINGS)]} {VERDICTS[(n + product_index) % len(VERDICTS)]} (note {n}).",
            "date": f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}"}


def build_shop(root: Path, counts=(12, 7, 11), start: int = 0) -> MiniShop:
    """Write the shop: one product per entry of ``counts`` (that many reviews), markup rotating."""
    shop = MiniShop(root)
    kinds = ["jsonld", "microdata", "profile"]
    for i, count in enumerate(counts):
        reviews = [_review(i, n) for n in range(start, start + count)][::-1]  # newest first
        shop.products.append({"slug": f"item-{i}", "sku": f"SKU-{i}", "name": f"Gadget {i}",
                              "kind": kinds[i % 3], "reviews": reviews})
    write_shop(shop)
    return shop


def add_reviews(shop: MiniShop, product_index: int, n: int) -> list[dict]:
    """Add ``n`` newer reviews on top of product ``product_index``'s list; return them."""
    product = shop.products[product_index]
    first = max(int(r["id"].split("-")[1]) for r in product["reviews"]) + 1
    added = [_review(product_index, k) for k in range(first, first + n)][::-1]
    product["reviews"] = added + product["reviews"]
    write_shop(shop)
    return added


def _page_html(product: dict, page: int, pages: int) -> str:
    chunk = product["reviews"][(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    esc = html.escape
    next_link = f'<a class="rv-next" href="?page={page + 1}">Next</a>' if page < pages else ""
    rel_next = f'<link rel="next" href="/p/{product["slug"]}?page={page + 1}">' if page < pages else ""
    if product["kind"] == "jsonld":
        data = {"@context": "https://schema.org", "@type": "Product", "name": product["name"],
                "sku": product["sku"], "brand": {"@type": "Brand", "name": "Acme"},
                "review": [{"@type": "Review", "@id": f"#{r['id']}", "author": {"@type": "Person", "name": r["author"]},
                            "datePublished": r["date"], "name": r["title"], "reviewBody": r["body"],
                            "reviewRating": {"@type": "Rating", "ratingValue": str(r["rating"]),
                                             "bestRating": "5"}} for r in chunk]}
        body = f'<script type="application/ld+json">{json.dumps(data)}</script><h1>{esc(product["name"])}</h1>'
    elif product["kind"] == "microdata":
        items = "".join(
            f'<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
            f'<span itemprop="author">{esc(r["author"])}</span><meta itemprop="datePublished" content="{r["date"]}">'
            f'<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
            f'<span itemprop="ratingValue">{r["rating"]}</span></div>'
            f'<b itemprop="name">{esc(r["title"])}</b><p itemprop="reviewBody">{esc(r["body"])}</p></div>'
            for r in chunk)
        body = (f'<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">{esc(product["name"])}</h1>'
                f'<meta itemprop="sku" content="{product["sku"]}">{items}</div>')
    else:
        items = "".join(
            f'<article class="rv-item" id="{r["id"]}"><span class="rv-stars" data-score="{r["rating"]}">'
            f'{r["rating"]} out of 5</span><h4 class="rv-title">{esc(r["title"])}</h4>'
            f'<p class="rv-body">{esc(r["body"])}</p><span class="rv-author">{esc(r["author"])}</span>'
            f'<time class="rv-date" datetime="{r["date"]}">{r["date"]}</time></article>' for r in chunk)
        body = (f'<h1 class="pd-title">{esc(product["name"])}</h1><span class="pd-brand">Acme</span>'
                f'<span class="pd-sku">{product["sku"]}</span><div class="rv-list">{items}</div>')
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{esc(product['name'])}</title>"
            f"{rel_next}</head><body>{body}{next_link}</body></html>")


def write_shop(shop: MiniShop) -> None:
    root = shop.root
    (root / "p").mkdir(parents=True, exist_ok=True)
    for product in shop.products:
        pages = max(1, -(-len(product["reviews"]) // PAGE_SIZE))
        for page in range(1, pages + 1):
            (root / "p" / f"{product['slug']}.{page}.html").write_text(
                _page_html(product, page, pages), encoding="utf-8")
    cards = "".join(f'<div class="product-card"><a href="/p/{p["slug"]}">{p["name"]}</a></div>'
                    for p in shop.products)
    (root / "category.html").write_text(f"<html><body><h2>All</h2>{cards}</body></html>", encoding="utf-8")
    locs = "".join(f"<url><loc>http://HOST/p/{p['slug']}</loc></url>" for p in shop.products)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}<url><loc>http://HOST/category</loc></url></urlset>", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (root / "private").mkdir(exist_ok=True)
    (root / "private" / "secret.html").write_text(
        _page_html({**shop.products[0], "slug": "secret", "sku": "SECRET"}, 1, 1), encoding="utf-8")


@contextmanager
def serve_shop(root: Path, flaky: dict[str, list[int]] | None = None):
    """Serve the shop on 127.0.0.1; ``flaky`` maps a path to statuses answered before the page.

    Yields ``(base_url, hits)`` where ``hits`` counts requests per path (with query).
    """
    flaky = {k: list(v) for k, v in (flaky or {}).items()}
    hits: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            with lock:
                hits[self.path] = hits.get(self.path, 0) + 1
                queued = flaky.get(parts.path)
                status = queued.pop(0) if queued else None
            if status:
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = parts.path.strip("/") or "index"
            page = parse_qs(parts.query).get("page", ["1"])[0]
            candidates = [root / f"{path}.{page}.html", root / f"{path}.html", root / path]
            file = next((c for c in candidates if c.is_file()), None)
            if file is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = file.read_bytes().replace(b"http://HOST", f"http://{self.headers['Host']}".encode())
            self.send_response(200)
            kind = "text/plain" if file.suffix == ".txt" else "application/xml" if file.suffix == ".xml" else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_the_mini_shop_serves_its_pages(tmp_path):
    from urllib.request import urlopen

    shop = build_shop(tmp_path, counts=(6,))
    with serve_shop(tmp_path) as (base, hits):
        first = urlopen(f"{base}/p/item-0").read().decode()
        second = urlopen(f"{base}/p/item-0?page=2").read().decode()
    assert shop.products[0]["reviews"][0]["body"] in html.unescape(first)
    assert shop.products[0]["reviews"][5]["body"] in html.unescape(second)
    assert hits == {"/p/item-0": 1, "/p/item-0?page=2": 1}
