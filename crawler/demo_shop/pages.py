"""Rendering the demo shop's static pages from the catalog and the reviews.

File layout (a plain static server can serve all of it):

    index.html                          home page
    category/<slug>/index.html, page-N.html   category listings, 2 products a page
    products/<slug>/index.html          review page 1 (newest reviews first)
    products/<slug>/page-N.html         review page N
    about/index.html, help/shipping.html, cart/index.html, account/index.html
    sitemap.xml, robots.txt             absolute URLs: __BASE_URL__ unless a base URL was given

Review pages link to the next page with `<link rel="next">`, `<a rel="next">` or both
(path style, `page-N.html`), and profile-only pages with `<a class="rv-next" href="?page=N">`
(query style; the demo server maps `?page=N` to `page-N.html`). Every review carries the
anchor id `r-<key>`; its URL is the page URL + `#r-<key>`.

JSON-LD layouts: object (one Product, nested reviews, author a Person), graph (`@graph`, author a
string), array (top-level array, ratings as strings, datetimes), best10 (ratings out of 10),
item-reviewed (Product in one script, Review objects with `itemReviewed` in another).
Microdata layouts: nested (Brand and Person items, `<meta>` dates), plain (text brand and
author), time (`<time datetime>` dates).
"""
from __future__ import annotations

import json
import math
import os
from datetime import date
from html import escape
from pathlib import Path

from .catalog import CATEGORY_SLUGS, Product

BASE_PLACEHOLDER = "__BASE_URL__"
LISTING_PAGE_SIZE = 2


def review_page_url(product: Product, page: int) -> str:
    """Root-relative URL of review page `page` (1-based) of a product.

    >>> from crawler.demo_shop.catalog import BY_ID
    >>> review_page_url(BY_ID["KT-1003"], 2), review_page_url(BY_ID["KT-1001"], 2)
    ('/products/crispa-air-fryer-xl/?page=2', '/products/brewmaster-12-cup-coffee-maker/page-2.html')
    """
    if page == 1:
        return product.url
    if product.pagination == "query":
        return f"{product.url}?page={page}"
    return f"{product.url}page-{page}.html"


def rating_on_page(product: Product, rating: int) -> str:
    """The rating as the product's page writes it (out of 10 on best10 pages)."""
    return str(rating * product.best_rating // 5)


def _write(path: Path, text: str) -> None:
    """Write atomically, so a server reading the folder never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _long_date(day: date) -> str:
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def _frame(title: str, body: str, head: str = "") -> str:
    nav = " ".join(f'<a href="/category/{slug}/">{escape(name)}</a>' for name, slug in CATEGORY_SLUGS.items())
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)} | Demo Shop</title>\n{head}</head>\n<body>\n"
        f"<header><a class=\"logo\" href=\"/\">Demo Shop</a> <nav>{nav}</nav> "
        "<a href=\"/cart/\">Cart</a> <a href=\"/account/\">Account</a></header>\n"
        f"<main>\n{body}\n</main>\n"
        "<footer><a href=\"/about/\">About</a> <a href=\"/help/shipping.html\">Shipping</a></footer>\n"
        "</body>\n</html>\n")


def _json_script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


# --- product pages --------------------------------------------------------------------------

def _aggregate(product: Product, reviews: list[dict]) -> tuple[float, int]:
    count = len(reviews)
    mean = sum(r["rating"] for r in reviews) / count if count else 0.0
    return round(mean * product.best_rating / 5, 1), count


def _jsonld_review(product: Product, r: dict, page_url: str) -> dict:
    layout = product.layout
    rating_value: object = int(r["rating_on_page"])
    if layout == "array":
        rating_value = r["rating_on_page"]
    data: dict = {"@type": "Review", "@id": f"#r-{r['key']}"}
    data["author"] = r["author"] if layout == "graph" else {"@type": "Person", "name": r["author"]}
    data["datePublished"] = (f"{r['published_at']}T09:30:00+00:00" if layout == "array" else r["published_at"])
    if r["title"]:
        data["name"] = r["title"]
    data["reviewBody"] = r["body"]
    data["reviewRating"] = {"@type": "Rating", "ratingValue": rating_value, "bestRating": product.best_rating}
    if layout in ("object", "best10"):
        data["reviewRating"]["worstRating"] = 1
    if r["language"] != "en":
        data["inLanguage"] = r["language"]
    if layout == "item-reviewed":
        data = {"@context": "https://schema.org", **data,
                "itemReviewed": {"@type": "Product", "name": product.title, "sku": product.product_id}}
    return data


def _jsonld(product: Product, reviews_here: list[dict], all_reviews: list[dict], page_url: str) -> str:
    value, count = _aggregate(product, all_reviews)
    aggregate = {"@type": "AggregateRating", "ratingValue": value, "reviewCount": count,
                 "bestRating": product.best_rating}
    if product.layout == "array":
        aggregate = {**aggregate, "ratingValue": str(value), "reviewCount": str(count)}
    item = {
        "@context": "https://schema.org", "@type": "Product", "name": product.title, "sku": product.product_id,
        "brand": {"@type": "Brand", "name": product.brand} if product.layout != "graph" else product.brand,
        "category": product.category, "description": product.description,
        "offers": {"@type": "Offer", "price": f"{product.price:.2f}", "priceCurrency": "USD",
                   "availability": "https://schema.org/InStock"},
        "aggregateRating": aggregate,
    }
    reviews = [_jsonld_review(product, r, page_url) for r in reviews_here]
    crumbs = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "/"},
        {"@type": "ListItem", "position": 2, "name": product.category,
         "item": f"/category/{CATEGORY_SLUGS[product.category]}/"}]}
    if product.layout == "graph":
        del item["@context"]
        item["review"] = reviews
        return _json_script({"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": "Demo Shop", "url": "/"}, crumbs, item]})
    if product.layout == "array":
        item["review"] = reviews
        return _json_script([{"@context": "https://schema.org", **crumbs}, item])
    if product.layout == "item-reviewed":
        return _json_script(item) + (_json_script(reviews) if reviews else "")
    item["review"] = reviews
    return _json_script(item)


def _plain_reviews(product: Product, reviews: list[dict]) -> str:
    """Visible review list on JSON-LD pages (no markup: the data is in the script)."""
    out = ['<section class="reviews">']
    for r in reviews:
        title = f"<h3>{escape(r['title'])}</h3>" if r["title"] else ""
        out.append(
            f'<div class="review" id="r-{r["key"]}">{title}'
            f'<div class="stars">{r["rating_on_page"]}/{product.best_rating}</div>'
            f'<p>{escape(r["body"])}</p><div class="by">{escape(r["author"])}, '
            f'{_long_date(date.fromisoformat(r["published_at"]))}</div></div>')
    out.append("</section>")
    return "\n".join(out)


def _microdata(product: Product, reviews_here: list[dict], all_reviews: list[dict]) -> str:
    value, count = _aggregate(product, all_reviews)
    if product.layout == "nested":
        brand = (f'<div itemprop="brand" itemscope itemtype="https://schema.org/Brand">'
                 f'<span itemprop="name">{escape(product.brand)}</span></div>')
    else:
        brand = f'<span itemprop="brand">{escape(product.brand)}</span>'
    out = [
        '<div itemscope itemtype="https://schema.org/Product">',
        f'<h1 itemprop="name">{escape(product.title)}</h1>', brand,
        f'<span itemprop="sku">{product.product_id}</span>',
        f'<meta itemprop="category" content="{escape(product.category)}">',
        f'<p itemprop="description">{escape(product.description)}</p>',
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        f'<span itemprop="priceCurrency" content="USD">$</span><span itemprop="price">{product.price:.2f}</span></div>',
        '<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">'
        f'<span itemprop="ratingValue">{value}</span> out of 5 from '
        f'<span itemprop="reviewCount">{count}</span> reviews</div>',
        '<section class="reviews">',
    ]
    for r in reviews_here:
        day = date.fromisoformat(r["published_at"])
        if product.layout == "plain":
            author = f'<span itemprop="author">{escape(r["author"])}</span>'
        else:
            author = (f'<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
                      f'<span itemprop="name">{escape(r["author"])}</span></span>')
        if product.layout == "time":
            when = f'<time itemprop="datePublished" datetime="{day.isoformat()}">{_long_date(day)}</time>'
        else:
            when = f'<meta itemprop="datePublished" content="{day.isoformat()}"><span>{_long_date(day)}</span>'
        title = f'<h3 itemprop="name">{escape(r["title"])}</h3>' if r["title"] else ""
        language = f' lang="{r["language"]}"' if r["language"] != "en" else ""
        out.append(
            f'<div class="review" id="r-{r["key"]}" itemprop="review" itemscope itemid="#r-{r["key"]}" '
            f'itemtype="https://schema.org/Review"{language}><link itemprop="url" href="#r-{r["key"]}">{title}'
            '<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
            f'<meta itemprop="worstRating" content="1"><span itemprop="ratingValue">{r["rating_on_page"]}</span>'
            f' / <span itemprop="bestRating">{product.best_rating}</span></div>'
            f'<p itemprop="reviewBody">{escape(r["body"])}</p>'
            f'<div class="by">by {author} on {when}</div></div>')
    out.append("</section>\n</div>")
    return "\n".join(out)


def _profile(product: Product, reviews_here: list[dict]) -> str:
    out = [
        f'<h1 class="pd-title">{escape(product.title)}</h1><span class="pd-brand">{escape(product.brand)}</span>',
        f'<span class="pd-sku">{product.product_id}</span><span class="pd-category">{escape(product.category)}</span>',
        f'<p class="pd-description">{escape(product.description)}</p>',
        '<div class="rv-list">',
    ]
    for r in reviews_here:
        day = date.fromisoformat(r["published_at"])
        title = f'\n  <h4 class="rv-title">{escape(r["title"])}</h4>' if r["title"] else ""
        out.append(
            f'<article class="rv-item" id="r-{r["key"]}">\n'
            f'  <span class="rv-stars" data-score="{r["rating_on_page"]}">{r["rating_on_page"]} out of 5</span>'
            f'{title}\n  <p class="rv-body">{escape(r["body"])}</p>\n'
            f'  <span class="rv-author">{escape(r["author"])}</span>\n'
            f'  <time class="rv-date" datetime="{day.isoformat()}">{_long_date(day)}</time>\n</article>')
    out.append("</div>")
    return "\n".join(out)


def render_product(out_dir: Path, product: Product, reviews: list[dict], page_size: int) -> None:
    """Write every review page of a product; sets each review's `page` and `url` (newest first)."""
    pages = max(1, math.ceil(len(reviews) / page_size))
    folder = out_dir / "products" / product.slug
    for page in range(1, pages + 1):
        here = reviews[(page - 1) * page_size: page * page_size]
        url = review_page_url(product, page)
        for r in here:
            r["page"], r["url"] = page, f"{url}#r-{r['key']}"
        head, links = "", []
        if page < pages:
            nxt = review_page_url(product, page + 1)
            if product.pagination == "query":
                links.append(f'<a class="rv-next" href="?page={page + 1}">Next</a>')
            if product.pagination in ("link", "both"):
                head += f'<link rel="next" href="{nxt}">\n'
            if product.pagination in ("anchor", "both"):
                links.append(f'<a rel="next" href="page-{page + 1}.html">Next page</a>')
        if page > 1:
            head += f'<link rel="prev" href="{review_page_url(product, page - 1)}">\n'
            links.insert(0, f'<a class="prev" href="{review_page_url(product, page - 1)}">Previous</a>')
        if product.markup == "jsonld":
            head += _jsonld(product, here, reviews, url)
            body = (f"<h1>{escape(product.title)}</h1>\n<p class=\"brand\">{escape(product.brand)}</p>\n"
                    f"<p>{escape(product.description)}</p>\n" + _plain_reviews(product, here))
        elif product.markup == "microdata":
            body = _microdata(product, here, reviews)
        else:
            body = _profile(product, here)
        body += (f'\n<nav class="pages">{" ".join(links)} <span>Page {page} of {pages}</span></nav>'
                 f'\n<a class="add-to-cart" href="/cart/?add={product.product_id}">Add to cart</a>')
        title = product.title if page == 1 else f"{product.title}, reviews page {page}"
        _write(folder / ("index.html" if page == 1 else f"page-{page}.html"), _frame(title, body, head))


# --- the rest of the shop -------------------------------------------------------------------

def render_site(out_dir: Path, products: list[Product], counts: dict[str, int], base_url: str | None) -> None:
    """Home, category listings, info pages, sitemap.xml and robots.txt."""
    base = (base_url or BASE_PLACEHOLDER).rstrip("/")
    by_category: dict[str, list[Product]] = {}
    for p in products:
        by_category.setdefault(p.category, []).append(p)
    for category, items in by_category.items():
        slug = CATEGORY_SLUGS[category]
        pages = math.ceil(len(items) / LISTING_PAGE_SIZE)
        for page in range(1, pages + 1):
            cards = []
            for p in items[(page - 1) * LISTING_PAGE_SIZE: page * LISTING_PAGE_SIZE]:
                cards.append(f'<div class="product-card"><a class="product-link" href="{p.url}">{escape(p.title)}</a>'
                             f' <span class="price">${p.price:.2f}</span> '
                             f'<span class="count">{counts.get(p.product_id, 0)} reviews</span></div>')
            head = ""
            nav = []
            if page < pages:
                head = f'<link rel="next" href="/category/{slug}/page-{page + 1}.html">\n'
                nav.append(f'<a rel="next" href="page-{page + 1}.html">Next</a>')
            body = f"<h1>{escape(category)}</h1>\n" + "\n".join(cards) + f'\n<nav class="pages">{" ".join(nav)}</nav>'
            _write(out_dir / "category" / slug / ("index.html" if page == 1 else f"page-{page}.html"),
                   _frame(category, body, head))
    featured = "\n".join(f'<li><a href="{p.url}">{escape(p.title)}</a></li>' for p in products[::3])
    categories = "\n".join(f'<li><a href="/category/{slug}/">{escape(name)}</a></li>'
                           for name, slug in CATEGORY_SLUGS.items() if name in by_category)
    _write(out_dir / "index.html", _frame("Home", f"<h1>Demo Shop</h1>\n<h2>Categories</h2><ul>{categories}</ul>"
                                                  f"\n<h2>Featured</h2><ul>{featured}</ul>"))
    _write(out_dir / "about" / "index.html",
           _frame("About", "<h1>About us</h1><p>A demo shop written for testing reviewlens. No real products.</p>"))
    _write(out_dir / "help" / "shipping.html",
           _frame("Shipping", "<h1>Shipping</h1><p>Orders ship within two working days.</p>"))
    _write(out_dir / "cart" / "index.html",
           _frame("Cart", "<h1>Your cart</h1><p>Crawlers must not come here (robots.txt).</p>"))
    _write(out_dir / "account" / "index.html", _frame("Account", "<h1>Sign in</h1>"))
    urls = ["/", "/about/", "/help/shipping.html", "/cart/"]
    urls += [f"/category/{CATEGORY_SLUGS[c]}/" for c in by_category] + [p.url for p in products]
    sitemap = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    sitemap += [f"  <url><loc>{base}{u}</loc></url>" for u in urls]
    sitemap.append("</urlset>")
    _write(out_dir / "sitemap.xml", "\n".join(sitemap) + "\n")
    _write(out_dir / "robots.txt",
           "User-agent: *\nDisallow: /cart/\nDisallow: /account/\n\n"
           f"Sitemap: {base}/sitemap.xml\n")
