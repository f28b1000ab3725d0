"""The demo shop: deterministic generation, pages that match the ground truth, the loopback server."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

from crawler.demo_shop import add_reviews, generate, load_manifest, serve
from crawler.demo_shop.__main__ import main as demo_main
from crawler.demo_shop.catalog import BY_ID
from data.store import review_id

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def small_shop(tmp_path_factory) -> Path:
    """All twelve products, 30-50 reviews each: two or three review pages per product."""
    return generate(tmp_path_factory.mktemp("small"), seed=7, reviews_per_product=(30, 50))


@pytest.fixture(scope="module")
def full_shop(tmp_path_factory) -> Path:
    """The default size, for the text-mix statistics."""
    return generate(tmp_path_factory.mktemp("full"), seed=0)


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


class _Balance(HTMLParser):
    """Checks that every element that is opened is closed in order."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} at {self.getpos()}")
        else:
            self.stack.pop()


def test_same_seed_gives_the_same_shop(tmp_path):
    first = generate(tmp_path / "a", seed=5, reviews_per_product=(10, 20), products=4)
    second = generate(tmp_path / "b", seed=5, reviews_per_product=(10, 20), products=4)
    other = generate(tmp_path / "c", seed=6, reviews_per_product=(10, 20), products=4)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "manifest.jsonl").read_bytes() != (other / "manifest.jsonl").read_bytes()


def test_pages_hold_exactly_the_manifest_reviews(small_shop):
    manifest = load_manifest(small_shop)
    products = json.loads((small_shop / "products.json").read_text())
    assert len(products) == 12 and {p["markup"] for p in products} == {"jsonld", "microdata", "profile"}
    on_pages: dict[str, list[str]] = defaultdict(list)
    for page in (small_shop / "products").rglob("*.html"):
        on_pages[page.parent.name].extend(re.findall(r'id="r-([a-z0-9-]+)"', page.read_text()))
    for product in products:
        slug = product["url"].strip("/").split("/")[-1]
        expected = [r["key"] for r in manifest if r["product_id"] == product["product_id"]]
        assert sorted(on_pages[slug]) == sorted(expected)
    for r in manifest:   # the recorded URL points at the page that holds the anchor
        path, anchor = r["url"].split("#")
        page = path.split("?page=")
        folder = small_shop / page[0].strip("/")
        file = folder / "index.html" if path.endswith("/") else (
            folder / f"page-{page[1]}.html" if len(page) == 2 else small_shop / path.strip("/"))
        assert f'id="{anchor}"' in file.read_text(), r["url"]
    ids = {review_id(r["product_id"], r["author"], r["published_at"], r["body"]) for r in manifest}
    assert len(ids) == len(manifest), "two reviews would get the same store id"


def test_every_page_is_well_formed_html(small_shop):
    pages = list(small_shop.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        checker = _Balance()
        checker.feed(page.read_text(encoding="utf-8"))
        checker.close()
        assert not checker.problems and not checker.stack, (page, checker.problems[:3], checker.stack)


def _jsonld_reviews(html: str) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("@type") == "Review":
                found.append(node)
            for value in node.values():
                walk(value)

    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        walk(json.loads(block))   # invalid JSON fails the test here
    return found


def test_jsonld_pages_match_the_manifest(small_shop):
    by_key = {r["key"]: r for r in load_manifest(small_shop)}
    checked = 0
    for product in (p for p in BY_ID.values() if p.markup == "jsonld"):
        for page in sorted((small_shop / "products" / product.slug).glob("*.html")):
            reviews = _jsonld_reviews(page.read_text())
            assert reviews, page
            for review in reviews:
                truth = by_key[review["@id"].removeprefix("#r-")]
                assert review["reviewBody"] == truth["body"]
                assert review.get("name") == truth["title"]
                assert review["datePublished"].startswith(truth["published_at"])
                author = review["author"]
                assert (author if isinstance(author, str) else author["name"]) == truth["author"]
                rating = review["reviewRating"]
                assert str(rating["ratingValue"]) == truth["rating_on_page"]
                assert float(rating["ratingValue"]) / rating["bestRating"] * 5 == truth["rating"]
                checked += 1
    assert checked == sum(1 for r in by_key.values() if BY_ID[r["product_id"]].markup == "jsonld")


def test_microdata_pages_read_by_extruct_match_the_manifest(small_shop):
    extruct = pytest.importorskip("extruct")
    by_key = {r["key"]: r for r in load_manifest(small_shop)}
    product = BY_ID["OD-4003"]   # the <time datetime> layout
    html = (small_shop / "products" / product.slug / "page-2.html").read_text()
    data = extruct.extract(html, base_url="http://127.0.0.1/x", syntaxes=["microdata"], uniform=True)
    [item] = data["microdata"]
    assert item["sku"] == "OD-4003" and item["aggregateRating"]["reviewCount"]
    for review in item["review"]:
        truth = by_key[review["id"].split("#r-")[1]]
        assert (review["reviewBody"], review["datePublished"]) == (truth["body"], truth["published_at"])
        assert review["reviewRating"]["ratingValue"] == truth["rating_on_page"]
        assert review["author"]["name"] == truth["author"]


def test_profile_pages_have_the_agreed_shape(small_shop):
    parsel = pytest.importorskip("parsel")
    by_key = {r["key"]: r for r in load_manifest(small_shop)}
    product = BY_ID["PH-3002"]
    page = parsel.Selector((small_shop / "products" / product.slug / "index.html").read_text())
    assert page.css("h1.pd-title::text").get() == product.title
    assert page.css("span.pd-sku::text").get() == product.product_id
    items = page.css("div.rv-list article.rv-item")
    assert len(items) == 20
    for item in items:
        truth = by_key[item.attrib["id"].removeprefix("r-")]
        assert item.css("span.rv-stars::attr(data-score)").get() == str(truth["rating"])
        assert item.css("p.rv-body::text").get() == truth["body"]
        assert item.css("span.rv-author::text").get() == truth["author"]
        assert item.css("time.rv-date::attr(datetime)").get() == truth["published_at"]
        assert item.css("h4.rv-title::text").get() == truth["title"]
    assert page.css("a.rv-next::attr(href)").get() == "?page=2"


def test_the_crawler_extractor_reads_what_the_manifest_says(small_shop):
    """The contract with crawler.extract: every markup variant gives back the manifest's reviews."""
    from crawler.extract import extract

    by_key = {r["key"]: r for r in load_manifest(small_shop)}
    base = "http://127.0.0.1:8000"
    for product in BY_ID.values():
        page_url = base + (f"{product.url}?page=2" if product.pagination == "query" else f"{product.url}page-2.html")
        page = extract((small_shop / product.url.strip("/") / "page-2.html").read_bytes(), page_url, encoding="utf-8")
        assert not page.problems, (product.product_id, page.problems)
        assert [p["product_id"] for p in page.products] == [product.product_id]
        on_page = [r for r in by_key.values() if r["product_id"] == product.product_id and r["page"] == 2]
        assert len(page.reviews) == len(on_page) > 0
        for review in page.reviews:
            truth = by_key[review["url"].split("#r-")[1]]
            assert review["url"] == base + truth["url"]
            assert (review["body"], review["author"], review["title"]) == (truth["body"], truth["author"], truth["title"])
            assert (round(review["rating"]), str(review["published_at"])) == (truth["rating"], truth["published_at"])


def _next_links(html: str) -> list[str]:
    return (re.findall(r'<link rel="next" href="([^"]+)"', html) + re.findall(r'<a rel="next" href="([^"]+)"', html)
            + re.findall(r'<a class="rv-next" href="([^"]+)"', html))


def test_following_next_links_reaches_every_review_once(small_shop):
    manifest = load_manifest(small_shop)
    with serve(small_shop) as shop:
        for product in BY_ID.values():
            url, seen, pages = shop.url + product.url, [], 0
            while url:
                status, html, _ = _get(url)
                assert status == 200, url
                pages += 1
                seen.extend(re.findall(r'id="r-([a-z0-9-]+)"', html))
                targets = {urljoin(url, href) for href in _next_links(html)}
                assert len(targets) <= 1, targets   # link and anchor agree
                url = targets.pop() if targets else None
                assert pages < 50
            expected = [r["key"] for r in manifest if r["product_id"] == product.product_id]
            assert len(seen) == len(set(seen)) and set(seen) == set(expected), product.product_id


def test_category_listings_lead_to_every_product(small_shop):
    with serve(small_shop) as shop:
        home = _get(shop.url + "/")[1]
        categories = re.findall(r'<li><a href="(/category/[a-z-]+/)">', home)
        assert len(categories) == 4
        found = set()
        for category in categories:
            url, pages = shop.url + category, 0
            while url:
                html = _get(url)[1]
                pages += 1
                found.update(re.findall(r'class="product-link" href="([^"]+)"', html))
                nxt = re.findall(r'<a rel="next" href="([^"]+)"', html)
                url = urljoin(url, nxt[0]) if nxt else None
            assert pages == 2
        assert found == {p.url for p in BY_ID.values()}
        assert shop.hits("/cart/") == 0


def test_server_serves_pages_404s_and_fault_hooks(small_shop):
    with serve(small_shop) as shop:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", shop.url)
        status, home, headers = _get(shop.url + "/")
        assert status == 200 and "Demo Shop" in home and "charset=utf-8" in headers["Content-Type"]
        assert _get(shop.url + "/no-such-page.html")[0] == 404
        assert _get(shop.url + "/products/")[0] == 404          # no directory listings
        assert _get(shop.url + "/products/sonora-buds-lite")[0] == 200   # redirected to the folder
        assert _get(shop.url + "/products/crispa-air-fryer-xl/?page=99")[0] == 404
        fryer = small_shop / "products" / "crispa-air-fryer-xl"
        assert _get(shop.url + "/products/crispa-air-fryer-xl/?page=2")[1] == (fryer / "page-2.html").read_text()
        robots = _get(shop.url + "/robots.txt")[1]
        assert "Disallow: /cart/" in robots and f"Sitemap: {shop.url}/sitemap.xml" in robots
        locs = re.findall(r"<loc>([^<]+)</loc>", _get(shop.url + "/sitemap.xml")[1])
        assert {shop.url + p.url for p in BY_ID.values()} < set(locs)
        assert any("/products/" not in loc for loc in locs)   # a filter has something to skip

        shop.fail("/index.html", status=429, times=2, retry_after=3)
        first = _get(shop.url + "/index.html")
        assert (first[0], first[2]["Retry-After"]) == (429, "3")
        assert _get(shop.url + "/index.html")[0] == 429
        assert _get(shop.url + "/index.html")[0] == 200
        shop.respond("/broken.html", b"<html><script type='application/ld+json'>{oops</script>", status=200)
        assert "{oops" in _get(shop.url + "/broken.html")[1]
        assert shop.hits("/index.html") == 3 and ("GET", "/no-such-page.html", 404) in shop.requests
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(shop.url + "/", timeout=2)   # stopped on exit


def test_add_reviews_puts_exactly_n_newer_reviews_on_page_one(tmp_path):
    path = generate(tmp_path / "shop", seed=3, reviews_per_product=(25, 40))
    before = load_manifest(path)
    added = add_reviews(path, 15, seed=9)
    after = load_manifest(path)
    assert len(added) == 15 and len(after) == len(before) + 15
    assert {r["key"] for r in after} - {r["key"] for r in before} == {r["key"] for r in added}
    newest_before = max(r["published_at"] for r in before)
    assert all(r["published_at"] > newest_before for r in added)
    assert 2 <= len({r["product_id"] for r in added}) <= 4
    for r in added:
        assert r["page"] == 1
        page = (path / BY_ID[r["product_id"]].url.strip("/") / "index.html").read_text()
        assert f'id="r-{r["key"]}"' in page
    old = {r["key"]: (r["body"], r["published_at"]) for r in before}
    assert all(old[r["key"]] == (r["body"], r["published_at"]) for r in after if r["key"] in old)
    with pytest.raises(ValueError, match="n=-1"):
        add_reviews(path, -1)


def test_text_mix_is_within_the_intended_ranges(full_shop):
    manifest = load_manifest(full_shop)
    products = {p["product_id"]: p for p in json.loads((full_shop / "products.json").read_text())}
    total = len(manifest)
    assert 12 * 150 <= total <= 12 * 300
    english = [r for r in manifest if r["language"] == "en"]
    share = lambda items, test: sum(1 for r in items if test(r)) / len(items)  # noqa: E731
    assert 0.01 <= 1 - len(english) / total <= 0.04
    assert {r["language"] for r in manifest} == {"en", "es", "de", "fr"}
    assert 0.15 <= share(manifest, lambda r: r["needs"]) <= 0.40
    assert 0.15 <= share(english, lambda r: re.search(r"\bbut\b", r["body"])) <= 0.55
    negation = re.compile(r"\b(not|never|no|nothing|nowhere)\b|n't\b", re.I)
    assert 0.25 <= share(english, lambda r: negation.search(r["body"])) <= 0.75
    assert 0.015 <= share(manifest, lambda r: r["rating_disagrees"]) <= 0.06
    assert 0.05 <= share(english, lambda r: r["typos"]) <= 0.15
    sentences = lambda r: len(re.findall(r"[.!?](\s|$)", r["body"]))  # noqa: E731
    assert share(english, lambda r: sentences(r) <= 1) >= 0.15 and share(english, lambda r: sentences(r) >= 5) >= 0.1
    assert share(manifest, lambda r: r["title"] is None) > 0.02
    # stars follow the text unless the review disagrees on purpose
    honest = [r for r in manifest if not r["rating_disagrees"]]
    praised = [r["rating"] for r in honest if r["sentiment"] == "positive"]
    panned = [r["rating"] for r in honest if r["sentiment"] == "negative"]
    assert min(praised) >= 3 and sum(x >= 4 for x in praised) / len(praised) > 0.8
    assert max(panned) <= 3 and sum(x <= 2 for x in panned) / len(panned) > 0.4
    flipped = [r for r in manifest if r["rating_disagrees"]]
    assert all(r["rating"] in (1, 5) for r in flipped)
    assert not [r for r in flipped if (r["rating"], r["sentiment"]) in ((5, "positive"), (1, "negative"))]
    wishes = re.compile(r"I wish|would be perfect|no way to|doesn't come with|needs|would love", re.I)
    assert share([r for r in english if r["needs"]], lambda r: wishes.search(r["body"])) > 0.3
    # the ground truth is exact: offsets point at the terms, needs belong to the product
    for r in manifest:
        for a in r["aspects"]:
            assert r["body"][a["start"]:a["end"]] == a["term"]
        assert set(r["needs"]) <= set(products[r["product_id"]]["needs"])
    dates = sorted(date.fromisoformat(r["published_at"]) for r in manifest)
    assert (dates[-1] - dates[0]).days > 600
    # each product's strengths are mostly praised and its weaknesses mostly criticised
    tally: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in manifest:
        for a in r["aspects"]:
            tally[(r["product_id"], a["aspect"])][a["polarity"]] += 1
    for pid, product in products.items():
        for aspect in product["strengths"]:
            counts = tally[(pid, aspect)]
            assert counts["positive"] > 2 * counts["negative"], (pid, aspect, counts)
        for aspect in product["weaknesses"]:
            counts = tally[(pid, aspect)]
            assert counts["negative"] > 2 * counts["positive"], (pid, aspect, counts)


def test_emerging_complaint_rises_in_the_last_three_months(full_shop):
    manifest = load_manifest(full_shop)
    products = json.loads((full_shop / "products.json").read_text())
    emerging = [p for p in products if p["emerging"]]
    assert emerging
    newest = max(date.fromisoformat(r["published_at"]) for r in manifest)
    for product in emerging:
        aspect, start = product["emerging"]["aspect"], newest - timedelta(days=product["emerging"]["days"])
        rate = {}
        for recent in (False, True):
            reviews = [r for r in manifest if r["product_id"] == product["product_id"]
                       and (date.fromisoformat(r["published_at"]) > start) == recent]
            complaints = sum(any(a["aspect"] == aspect and a["polarity"] == "negative" for a in r["aspects"])
                             for r in reviews)
            rate[recent] = complaints / len(reviews)
        assert rate[True] > 3 * rate[False] and rate[True] > 0.3, (product["product_id"], rate)


def test_serve_command_serves_until_stopped(small_shop):
    # Ctrl-C's signal must reach it even when the tests run as a background job (`pytest &`),
    # which a shell starts with SIGINT ignored: a child would inherit that and never stop
    process = subprocess.Popen([sys.executable, "-m", "crawler.demo_shop", "serve", str(small_shop), "--port", "0"],
                               stdout=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        line = process.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", line).group(1)
        assert _get(url + "/products/sonora-buds-lite/")[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            # stops within a second; 30 s leaves room for a busy machine
            assert process.wait(timeout=30) == 0
        except subprocess.TimeoutExpired:
            pytest.fail(f"the serve command did not stop on SIGINT: {_process_state(process.pid)}")
        finally:
            if process.poll() is None:
                process.kill()


def _process_state(pid: int) -> str:
    """Signal and thread state of a running process, for a failure message (Linux /proc)."""
    from pathlib import Path

    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        signals = [line for line in status if line.startswith(("State", "Threads", "Sig", "ShdPnd"))]
        threads = [f"{t.name}: {(t / 'wchan').read_text()} {(t / 'stat').read_text().split()[2]}"
                   for t in sorted(Path(f"/proc/{pid}/task").iterdir())]
        return "; ".join(signals + threads)
    except OSError as exc:
        return f"(no /proc state: {exc})"


def test_command_line_and_clear_errors(tmp_path, capsys):
    out = tmp_path / "cli"
    assert demo_main(["generate", str(out), "--min-reviews", "3", "--max-reviews", "4"]) == 0
    assert "reviews to" in capsys.readouterr().out
    assert demo_main(["add", str(out), "2"]) == 0
    assert demo_main(["add", str(tmp_path / "missing"), "2"]) == 2
    assert "python -m crawler.demo_shop generate" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match="index.html missing"):
        with serve(tmp_path / "missing"):
            pass
    with pytest.raises(ValueError, match="reviews_per_product"):
        generate(tmp_path / "bad", reviews_per_product=(5, 2))
