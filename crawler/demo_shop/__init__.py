"""The demo shop: a generated static shop with project-written reviews, served on 127.0.0.1.

`generate(out_dir, seed=0)` writes the pages plus the ground truth (`manifest.jsonl`,
`products.json`); `add_reviews(out_dir, n, seed=1)` adds newer reviews (they lead page 1);
`serve(out_dir)` serves the folder in a background thread (see `server.DemoShopServer` for the
hooks tests use: `requests`, `fail`, `respond`, `hits`).

>>> import tempfile
>>> shop_dir = generate(tempfile.mkdtemp(), seed=3, reviews_per_product=(4, 6), products=1)
>>> with serve(shop_dir) as shop:
...     shop.url.startswith("http://127.0.0.1:")
True
"""
from .shop import add_reviews, generate, load_manifest
from .server import DemoShopServer, serve

__all__ = ["generate", "add_reviews", "serve", "load_manifest", "DemoShopServer"]
