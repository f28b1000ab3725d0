"""Parser tests: saved pages (written here) for each markup variant and each shipped site profile."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from crawler.extract import extract, product_id_from_url
from crawler.profiles import ProfileError, get_profile, load_profile, shipped_profiles
from data.store import review_id

URL = "https://shop.test/p/kettle"


def _page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _ld(data) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --- JSON-LD --------------------------------------------------------------------------------

def test_a_review_dated_beyond_the_calendar_keeps_its_page():
    # "2000 years ago" is also read against 1999 (to tell relative dates): that leaves the
    # calendar, which must give no day, not an exception that loses the page's reviews.
    reviews = [{"@type": "Review", "author": "Ann", "datePublished": when, "reviewBody": f"Solid kettle {n}.",
                "reviewRating": {"@type": "Rating", "ratingValue": 4}}
               for n, when in enumerate(["2000 years ago", "999999999 days ago", "2024-07-04"])]
    page = extract(_page(_ld({"@type": "Product", "name": "Kettle", "sku": "K1", "review": reviews})), URL,
                   fetched_at=datetime(2024, 7, 4, 12))
    assert [r["published_at"] for r in page.reviews] == [date(24, 7, 4), None, date(2024, 7, 4)]
    assert page.problems == {"date_unreadable": 1}


def test_a_sites_date_order_is_stated_for_the_whole_crawl():
    # Per date by default (month first unless the first number is above 12); `--dates day-first`
    # reads every page of the site day first, so a review keeps its day on whichever page it is.
    reviews = [{"@type": "Review", "author": f"A{n}", "datePublished": when, "reviewBody": f"Solid kettle {n}.",
                "reviewRating": {"@type": "Rating", "ratingValue": 4}}
               for n, when in enumerate(["03/04/2024", "13/04/2024", "2024-05-01"])]
    html = _page(_ld({"@type": "Product", "name": "Kettle", "sku": "K1", "review": reviews}))
    default = extract(html, URL, fetched_at=datetime(2024, 7, 4, 12))
    stated = extract(html, URL, fetched_at=datetime(2024, 7, 4, 12), day_first=True)
    assert [r["published_at"] for r in default.reviews] == [date(2024, 3, 4), date(2024, 4, 13), date(2024, 5, 1)]
    assert [r["published_at"] for r in stated.reviews] == [date(2024, 4, 3), date(2024, 4, 13), date(2024, 5, 1)]
    assert default.reviews[0]["review_id"] != stated.reviews[0]["review_id"]   # the day is part of the id


def test_json_ld_product_with_nested_reviews_scales_and_authors():
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": "Kettle 2000", "sku": "K2000",
        "brand": {"@type": "Brand", "name": "Acme"}, "category": "Kitchen",
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.4", "reviewCount": "1,204"},
        "review": [
            {"@type": "Review", "author": {"@type": "Person", "name": "Ann  Lee"},
             "datePublished": "2024-07-04", "name": "Fast &amp; quiet",
             "reviewBody": "Boils   in two minutes &amp; stays quiet.",
             "reviewRating": {"@type": "Rating", "ratingValue": 8, "bestRating": 10, "worstRating": 0}},
            {"@type": "Review", "author": "Bob", "datePublished": "2024-07-01T10:00:00Z",
             "reviewBody": "The lid leaks when I pour.",
             "reviewRating": {"@type": "Rating", "ratingValue": "2", "bestRating": "5"}},
        ]}
    page = extract(_page(_ld(data) + "<h1>Kettle 2000</h1>"), URL)
    assert page.problems == {}
    (product,) = page.products
    assert product == {"type": "product", "product_id": "K2000", "url": URL, "title": "Kettle 2000",
                       "brand": "Acme", "category": "Kitchen", "rating": 4.4, "review_count": 1204,
                       "source": "shop.test"}
    first, second = page.reviews
    assert first["product_id"] == "K2000"
    assert first["rating"] == 4.2 and first["rating_original"] == "8" and first["rating_scale"] == "0-10"
    assert first["author"] == "Ann Lee"
    assert first["title"] == "Fast & quiet"
    assert first["body"] == "Boils in two minutes & stays quiet."
    assert first["published_at"] == date(2024, 7, 4)
    assert first["language"] == "en"
    assert first["url"] == URL
    assert first["review_id"] == review_id("K2000", "Ann Lee", "2024-07-04", first["body"])
    assert second["rating"] == 2.0 and second["rating_scale"] == "1-5"
    assert second["author"] == "Bob" and second["published_at"] == date(2024, 7, 1)
    assert second["title"] is None


def test_json_ld_graph_with_item_reviewed_pointing_back():
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": URL, "name": "Kettle page"},
        {"@type": "Product", "@id": f"{URL}#product", "name": "Kettle 2000", "gtin13": "4006381333931",
         "review": [{"@id": f"{URL}#r1"}]},
        {"@type": "Review", "@id": f"{URL}#r1", "author": {"@type": "Person", "name": "Cleo"},
         "reviewBody": "Referenced from the product.", "reviewRating": {"ratingValue": 5}},
        {"@type": "Review", "@id": f"{URL}#r2", "itemReviewed": {"@id": f"{URL}#product"},
         "author": "Dev", "reviewBody": "Points back with itemReviewed.", "reviewRating": {"ratingValue": "3"},
         "datePublished": "2023-12-24"},
    ]}
    page = extract(_page(_ld(data)), URL)
    assert [p["product_id"] for p in page.products] == ["4006381333931"]
    assert [(r["author"], r["product_id"], r["rating"]) for r in page.reviews] == [
        ("Cleo", "4006381333931", 5.0), ("Dev", "4006381333931", 3.0)]
    # A review @id with an anchor is where the review can be read.
    assert [r["url"] for r in page.reviews] == [f"{URL}#r1", f"{URL}#r2"]


def test_several_products_on_one_page_are_kept_apart():
    data = [
        {"@context": "https://schema.org", "@type": "Product", "name": "Red kettle", "sku": "RED",
         "review": {"@type": "Review", "author": "Ann", "reviewBody": "Red one is great.",
                    "reviewRating": {"ratingValue": "5"}}},
        {"@context": "https://schema.org", "@type": "Product", "name": "Blue kettle", "sku": "BLUE",
         "review": [{"@type": "Review", "author": "Bo", "reviewBody": "Blue one rattles.",
                     "reviewRating": {"ratingValue": "2"}}]},
        {"@context": "https://schema.org", "@type": "Review", "author": "Cy",
         "itemReviewed": {"@type": "Product", "name": "Blue kettle"},
         "reviewBody": "Blue again, by name.", "reviewRating": {"ratingValue": "4"}},
    ]
    page = extract(_page(_ld(data)), URL)
    assert [(p["product_id"], p["title"]) for p in page.products] == [("RED", "Red kettle"), ("BLUE", "Blue kettle")]
    assert {r["body"]: r["product_id"] for r in page.reviews} == {
        "Red one is great.": "RED", "Blue one rattles.": "BLUE", "Blue again, by name.": "BLUE"}


def test_review_with_only_an_item_reviewed_product_and_no_ids():
    data = {"@context": "http://schema.org", "@type": "Review", "author": {"@type": "Person", "name": "Eli"},
            "itemReviewed": {"@type": "Product", "name": "Toaster T1"},
            "reviewBody": "Toasts evenly.", "reviewRating": {"ratingValue": "4.5", "bestRating": "5"}}
    page = extract(_page(_ld(data)), "https://shop.test/toaster.html?ref=mail")
    (product,) = page.products
    assert product["title"] == "Toaster T1"
    assert product["product_id"] == "shop.test/toaster" == product_id_from_url("https://shop.test:8080/toaster.html")
    assert page.reviews[0]["product_id"] == "shop.test/toaster"
    assert page.reviews[0]["rating"] == 4.5


def test_malformed_json_ld_is_counted_and_the_good_block_kept():
    good = _ld({"@type": "Product", "name": "Kettle", "sku": "K1",
                "review": [{"@type": "Review", "author": "Ann", "reviewBody": "Fine kettle.",
                            "reviewRating": {"ratingValue": 4}}]})
    broken = '<script type="application/ld+json">{"@type": "Product", "name": "oops" </script>'
    trailing_comma = '<script type="application/ld+json">{"@type": "Organization", "name": "Acme",}</script>'
    page = extract(_page(broken + good + trailing_comma), URL)
    assert page.problems == {"malformed_json_ld": 1}
    assert [r["body"] for r in page.reviews] == ["Fine kettle."]


# --- microdata and RDFa ---------------------------------------------------------------------

MICRODATA = """
<div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">Blender B9</h1><meta itemprop="sku" content="B9">
  <div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Mixo</span></div>
  <div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">
    <span itemprop="ratingValue">3.5</span> from <span itemprop="reviewCount">2</span></div>
  <div itemprop="review" itemscope itemtype="https://schema.org/Review">
    <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Fay</span></span>
    <meta itemprop="datePublished" content="2024-02-29">
    <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
      <meta itemprop="worstRating" content="1"><span itemprop="ratingValue">5</span><meta itemprop="bestRating" content="5"></div>
    <b itemprop="name">Smoothies in seconds</b>
    <p itemprop="reviewBody">Crushes ice with no effort.
       Loud, though.</p>
  </div>
  <div itemprop="review" itemscope itemtype="https://schema.org/Review">
    <span itemprop="author">Gus</span>
    <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating"><span itemprop="ratingValue">2</span></div>
    <p itemprop="reviewBody">The jar cracked.</p>
  </div>
</div>"""


def test_crawled_reviews_keep_their_line_breaks():
    # A line break the reviewer typed (a new line in JSON-LD, a <br>, <p> or <li> in the page)
    # is kept as one "\n": the analysis starts a sentence there. The review id is as before.
    reviews = [{"@type": "Review", "author": "Ann", "datePublished": "2024-07-04",
                "reviewBody": "Pros: great sound\r\nCons: battery dies fast"},
               {"@type": "Review", "author": "Bo", "datePublished": "2024-07-04",
                "reviewBody": "<p>The screen is great</p>\n\n<p>Battery is awful</p>"},
               {"@type": "Review", "author": "Cy", "datePublished": "2024-07-04",
                "reviewBody": "Nice kettle&lt;br /&gt;&lt;br /&gt;Loud  lid"}]
    page = extract(_page(_ld({"@type": "Product", "name": "Kettle", "sku": "K1", "review": reviews})), URL)
    assert [r["body"] for r in page.reviews] == [
        "Pros: great sound\nCons: battery dies fast", "The screen is great\nBattery is awful",
        "Nice kettle\nLoud lid"]
    for r in page.reviews:
        assert r["review_id"] == review_id("K1", r["author"], "2024-07-04", r["body"].replace("\n", " "))
    microdata = """
<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Radio</span>
  <meta itemprop="sku" content="R1">
  <div itemprop="review" itemscope itemtype="https://schema.org/Review">
    <span itemprop="author">Dee</span>
    <div itemprop="reviewBody">Pros: great sound<br/>
      Cons: battery dies fast<ul><li>Battery life is poor</li><li>Sound is great</li></ul></div>
  </div>
  <div itemprop="review" itemscope itemtype="https://schema.org/Review">
    <span itemprop="author">Eve</span><p itemprop="reviewBody">One line only, with  spaces.</p>
  </div>
</div>"""
    dee, eve = extract(_page(microdata), URL).reviews
    assert dee["body"] == "Pros: great sound\nCons: battery dies fast\nBattery life is poor\nSound is great"
    assert eve["body"] == "One line only, with spaces."


def test_microdata_product_and_reviews():
    page = extract(_page(MICRODATA), URL)
    (product,) = page.products
    assert (product["product_id"], product["title"], product["brand"], product["rating"], product["review_count"]) \
        == ("B9", "Blender B9", "Mixo", 3.5, 2)
    fay, gus = page.reviews
    assert (fay["author"], fay["rating"], fay["title"], fay["published_at"]) == \
        ("Fay", 5.0, "Smoothies in seconds", date(2024, 2, 29))
    assert fay["body"] == "Crushes ice with no effort. Loud, though."  # a line break of the page source is a space
    assert (gus["author"], gus["rating"], gus["body"], gus["published_at"]) == ("Gus", 2.0, "The jar cracked.", None)
    assert {r["product_id"] for r in page.reviews} == {"B9"}


# Nesting our own microdata walk must read exactly like extruct's: an itemprop inside a plain
# itemprop element, a nested item with and without itemprop, a comment, anchors and full links.
MICRODATA_NESTING = """
<div itemscope itemtype="https://schema.org/Product"><!-- a comment -->
  <h1 itemprop="name">Pan <b>P2</b></h1>
  <div itemprop="brand"><span itemprop="name">Ferro</span></div>
  <div itemscope itemtype="https://schema.org/Offer"><span itemprop="price">20</span></div>
  <div itemprop="review" itemscope itemtype="https://schema.org/Review">
    <link itemprop="url" href="#r-7"><a itemprop="sameAs" href="/r/7?x=1">link</a>
    <a itemprop="discussionUrl" href="#">top</a>
    <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
      <meta itemprop="ratingValue" content="4"></div>
    <p itemprop="reviewBody">Even heat,<br>easy to clean.</p>
  </div>
  <span itemprop="sku">P2</span>
</div>"""


# Every value rule of the microdata reader: meta, media, links, object, data/meter, time,
# content, action inputs, an item without properties, a type list, item ids, an untyped item.
MICRODATA_RULES = """
<div itemscope itemtype="https://schema.org/Product" itemid=" #p9 ">
  <span itemprop="name">Grill G9</span><img itemprop="image" src=" /img/g9.png ">
  <video itemprop="video" src="v.mp4"></video><object itemprop="manual" data="/m.pdf"></object>
  <data itemprop="productID" value="G9-1">G9</data><meter itemprop="weight" value="7.5">heavy</meter>
  <area itemprop="map" href="/map"><span itemprop="color" content="Black">Schwarz</span>
  <input itemprop="query-input" required name="q"><span itemprop="sku name">G9</span>
  <div itemprop="review" itemscope itemtype="https://schema.org/Review https://schema.org/UserReview">
    <time itemprop="datePublished" datetime="2024-03-01">March 1</time>
    <span itemprop="author" itemscope></span>
    <p itemprop="reviewBody">Sears <i>well</i> &amp; cleans up.</p>
  </div>
  <div itemprop="isRelatedTo" itemscope><span itemprop="name">Cover</span></div>
</div>
<span itemscope itemtype="http://schema.org/Thing"></span>"""

MICRODATA_ITEMREF = """
<div itemscope itemtype="https://schema.org/Product" itemref="extra"><span itemprop="name">Lamp</span></div>
<div id="extra"><span itemprop="sku">L1</span></div>"""


@pytest.mark.parametrize("body", ["MICRODATA", "MICRODATA_NESTING", "MICRODATA_RULES", "MICRODATA_ITEMREF"])
def test_microdata_reader_matches_the_extruct_path(body):
    """Our own microdata walk gives exactly what the extruct-based reader gives."""
    from crawler.extract import _microdata, _microdata_by_extruct, parse_html

    url = "https://shop.test/p/grill?page=2#top"
    root = parse_html(_page(globals()[body]), url).root
    ours = _microdata(root, url)
    assert ours == _microdata_by_extruct(root, url)
    assert ours and json.dumps(ours, sort_keys=False) == json.dumps(_microdata_by_extruct(root, url))
    if body == "MICRODATA_RULES":
        product = ours[0]
        assert (product["@id"] if "@id" in product else product.get("id")) == "#p9"
        assert product["image"] == "https://shop.test/img/g9.png"
        assert product["query-input"] == {"valueRequired": True, "valueName": "q"}
        assert product["review"]["@type"] == ["https://schema.org/Review", "https://schema.org/UserReview"]
        assert product["review"]["reviewBody"] == "Sears well & cleans up."


def test_microdata_walk_reads_like_extruct():
    import extruct
    import lxml.html

    from crawler.extract import _microdata

    url = "https://shop.test/p/pan?page=2#top"
    ours = _microdata(lxml.html.fromstring(_page(MICRODATA_NESTING)), url)
    theirs = extruct.extract(_page(MICRODATA_NESTING), base_url=url, syntaxes=["microdata"],
                             uniform=True)["microdata"]

    def plain(value):  # extruct's text reader spaces <br> differently; we compare words
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return " ".join(value.split()) if isinstance(value, str) else value

    assert plain(ours) == plain(theirs)
    assert [item["@type"] for item in ours] == ["Product", "Offer"]
    review = ours[0]["review"]
    assert (review["url"], review["sameAs"], review["discussionUrl"]) == \
        ("https://shop.test/p/pan?page=2#r-7", "https://shop.test/r/7?x=1", "https://shop.test/p/pan?page=2")


def test_rdfa_product_and_reviews():
    body = """
    <div vocab="https://schema.org/" typeof="Product" resource="#toaster">
      <h1 property="name">Toaster T2</h1><span property="sku">T2</span>
      <div property="review" typeof="Review">
        <span property="author" typeof="Person"><span property="name">Hana</span></span>
        <span property="reviewRating" typeof="Rating"><span property="ratingValue">80</span>
          <meta property="bestRating" content="100"><meta property="worstRating" content="0"></span>
        <span property="datePublished">2024-05-06</span>
        <p property="reviewBody">Even browning on both sides.</p>
      </div>
    </div>"""
    page = extract(_page(body), URL)
    assert [(p["product_id"], p["title"]) for p in page.products] == [("T2", "Toaster T2")]
    (review,) = page.reviews
    assert (review["author"], review["rating"], review["rating_original"], review["rating_scale"]) == \
        ("Hana", 4.2, "80", "0-100")
    assert review["body"] == "Even browning on both sides."
    assert review["published_at"] == date(2024, 5, 6)
    assert review["product_id"] == "T2"


# --- site profiles --------------------------------------------------------------------------

RV_LIST = """
<h1 class="pd-title">Toaster T3</h1><span class="pd-brand">Brava</span>
<span class="pd-sku">T3</span><span class="pd-category">Kitchen</span>
<div class="rv-list">
  <article class="rv-item" id="r-101">
    <span class="rv-stars" data-score="4">4 out of 5</span>
    <h4 class="rv-title">Good &amp; quick</h4>
    <p class="rv-body">Toasts evenly, but the crumb tray sticks.</p>
    <span class="rv-author">Ivy</span>
    <time class="rv-date" datetime="2024-07-04">July 4, 2024</time>
  </article>
  <article class="rv-item" id="r-102">
    <span class="rv-stars">2 out of 5</span>
    <p class="rv-body">Burnt the first slice.</p>
    <span class="rv-author">Jon</span>
    <time class="rv-date">June 30, 2024</time>
  </article>
  <article class="rv-item" id="r-103"><span class="rv-stars" data-score="5"></span><p class="rv-body">  </p></article>
</div>
<a class="rv-next" href="?page=2">Next</a>"""


def test_rv_list_profile_is_detected_without_schema_markup():
    page = extract(_page(RV_LIST), "https://demo.test/products/t3")
    assert page.profile == "rv-list"
    (product,) = page.products
    assert product == {"type": "product", "product_id": "T3", "url": "https://demo.test/products/t3",
                       "title": "Toaster T3", "brand": "Brava", "category": "Kitchen", "rating": None,
                       "review_count": None, "source": "demo.test"}
    ivy, jon = page.reviews
    assert (ivy["rating"], ivy["title"], ivy["author"], ivy["published_at"], ivy["url"]) == \
        (4.0, "Good & quick", "Ivy", date(2024, 7, 4), "https://demo.test/products/t3#r-101")
    assert ivy["body"] == "Toasts evenly, but the crumb tray sticks."
    assert (jon["rating"], jon["title"], jon["published_at"]) == (2.0, None, date(2024, 6, 30))
    assert page.problems == {"review_missing_text": 1}
    assert page.next_url == "https://demo.test/products/t3?page=2"


DATA_HOOK = """
<span id="productTitle"> Air Fryer XL </span><a id="bylineInfo">Visit the Crispo Store</a>
<div id="cm_cr-review_list">
 <div data-hook="review" id="R1ABC">
  <span class="a-profile-name">K. Moss</span>
  <i data-hook="review-star-rating"><span class="a-icon-alt">4.0 out of 5 stars</span></i>
  <a data-hook="review-title"><span>4.0 out of 5 stars</span><span>Crisp fries, big basket</span></a>
  <span data-hook="review-date">Reviewed in the United States on July 4, 2024</span>
  <span data-hook="format-strip">Colour: Black</span>
  <span data-hook="avp-badge">Verified Purchase</span>
  <span data-hook="review-body"><span>Fries come out crisp.<br>The basket is big enough for four.</span></span>
  <span data-hook="helpful-vote-statement">12 people found this helpful</span>
 </div>
 <div data-hook="review" id="R2DEF">
  <span class="a-profile-name">L. Ng</span>
  <i data-hook="review-star-rating"><span>1.0 out of 5 stars</span></i>
  <span data-hook="review-date">Reviewed in Canada on 3 March 2024</span>
  <span data-hook="review-body"><span>Stopped heating after a month.</span></span>
  <span data-hook="helpful-vote-statement">One person found this helpful</span>
 </div>
</div>
<ul class="a-pagination"><li class="a-last"><a href="/product-reviews/XL?pageNumber=2">Next page</a></li></ul>"""


def test_data_hook_profile_reads_marketplace_style_lists():
    page = extract(_page(DATA_HOOK), "https://market.test/product-reviews/XL")
    assert page.profile == "data-hook"
    (product,) = page.products
    assert product["title"] == "Air Fryer XL" and product["product_id"] == "market.test/product-reviews/XL"
    moss, ng = page.reviews
    assert (moss["author"], moss["rating"], moss["rating_scale"], moss["title"]) == \
        ("K. Moss", 4.0, "1-5", "Crisp fries, big basket")
    assert moss["published_at"] == date(2024, 7, 4)
    assert moss["body"] == "Fries come out crisp.\nThe basket is big enough for four."  # the <br>
    assert (moss["helpful_votes"], moss["verified"], moss["variant"]) == (12, True, "Colour: Black")
    assert moss["url"] == "https://market.test/product-reviews/XL#R1ABC"
    assert (ng["rating"], ng["published_at"], ng["helpful_votes"], ng["verified"]) == \
        (1.0, date(2024, 3, 3), 1, False)
    assert page.next_url == "https://market.test/product-reviews/XL?pageNumber=2"


REVIEW_TABLE = """
<h1>Desk Lamp L4</h1><div data-sku="L4"></div>
<table class="reviews">
  <tr><th>Score</th><th>Review</th></tr>
  <tr data-review-id="77" data-author="Mia" data-date="3 days ago">
    <td class="score">8/10</td><td class="text"><b>Bright</b> <span class="body">Bright and the arm holds its place.</span></td></tr>
  <tr data-review-id="78" data-author="Ned" data-date="2024-01-15">
    <td class="score">3 / 10</td><td class="text"><span class="body">Flickers on the lowest setting.</span></td></tr>
</table>
<a class="next" href="/lamps/l4/reviews/2">Next</a>"""


def test_review_table_profile_ten_point_scores_and_relative_dates():
    fetched = datetime(2024, 7, 10, 9, 30)
    page = extract(_page(REVIEW_TABLE), "https://lamps.test/lamps/l4/reviews/1", fetched_at=fetched,
                   profile="review-table")
    assert page.profile == "review-table"
    assert page.products[0]["product_id"] == "L4" and page.products[0]["title"] == "Desk Lamp L4"
    mia, ned = page.reviews
    assert (mia["rating"], mia["rating_original"], mia["rating_scale"]) == (4.2, "8", "0-10")
    assert mia["published_at"] == date(2024, 7, 7)  # 3 days before the fetch
    assert (mia["title"], mia["body"], mia["author"]) == ("Bright", "Bright and the arm holds its place.", "Mia")
    assert mia["url"] == "https://lamps.test/lamps/l4/reviews/1#77"
    assert (ned["rating"], ned["published_at"]) == (2.2, date(2024, 1, 15))
    assert page.next_url == "https://lamps.test/lamps/l4/reviews/2"


REVIEW_CARDS = """
<h1 class="product-title">Rain Jacket R7</h1><span class="product-sku">R7</span>
<ul class="reviews">
  <li class="review" id="review-17" data-rating="5" data-author="Oli" data-date="2024-03-02">
    <h3 class="review-title">Dry all day</h3><div class="review-text">Kept me dry on a long hike.</div>
    <span class="variant">Size: M</span><span class="verified">Verified purchase</span>
    <span class="helpful">3 people found this helpful</span></li>
  <li class="review" id="review-18" data-rating="3" data-author="Pat" data-date="February 2, 2024">
    <div class="review-text">Sleeves run short; I wish there were a tall size.</div></li>
</ul>
<nav><a href="?page=1">1</a><a href="?page=2">2</a><a href="?page=3">3</a></nav>"""


def test_review_cards_profile_and_numbered_pagination():
    page = extract(_page(REVIEW_CARDS), "https://wear.test/r7")
    assert page.profile == "review-cards"
    assert page.products[0]["product_id"] == "R7"
    oli, pat = page.reviews
    assert (oli["rating"], oli["author"], oli["title"], oli["variant"], oli["verified"], oli["helpful_votes"]) \
        == (5.0, "Oli", "Dry all day", "Size: M", True, 3)
    assert oli["url"] == "https://wear.test/r7#review-17"
    assert (pat["rating"], pat["published_at"], pat["verified"], pat["helpful_votes"]) == \
        (3.0, date(2024, 2, 2), False, None)
    # No rel=next and no profile next link: the numbered link to page 2 is followed.
    assert page.next_url == "https://wear.test/r7?page=2"
    assert extract(_page(REVIEW_CARDS), "https://wear.test/r7?page=2").next_url == "https://wear.test/r7?page=3"


def test_schema_markup_wins_over_profiles_unless_one_is_forced():
    both = _page(_ld({"@type": "Product", "name": "X", "sku": "X1", "review": [
        {"@type": "Review", "author": "Q", "reviewBody": "From JSON-LD."}]}) + RV_LIST)
    assert [r["body"] for r in extract(both, URL).reviews] == ["From JSON-LD."]
    forced = extract(both, URL, profile="rv-list")
    assert forced.profile == "rv-list"
    assert [r["author"] for r in forced.reviews] == ["Ivy", "Jon"]


def test_a_profile_file_of_your_own_and_bad_profiles(tmp_path):
    mine = tmp_path / "myshop.toml"
    mine.write_text('name = "myshop"\nurl_patterns = ["myshop\\\\.test/item/"]\n'
                    'next_page = "xpath://a[@id=\'more\']/@href"\n'
                    '[product]\ntitle = "h2.name"\n'
                    '[review]\nblock = "div.opinion"\nbody = "xpath:.//p[1]"\nrating = "::attr(data-stars)"\n'
                    'author = "em"\n', encoding="utf-8")
    html = _page('<h2 class="name">Pan P1</h2><div class="opinion" data-stars="5"><p>Heats evenly.</p>'
                 '<em>Ray</em></div><a id="more" href="/item/p1/2">more</a>')
    page = extract(html, "https://myshop.test/item/p1", profile=str(mine))
    assert page.profile == "myshop"
    (review,) = page.reviews
    assert (review["body"], review["rating"], review["author"]) == ("Heats evenly.", 5.0, "Ray")
    assert page.next_url == "https://myshop.test/item/p1/2"
    assert load_profile(mine).matches_url("https://myshop.test/item/p9")
    with pytest.raises(ProfileError, match="no site profile named 'nope'.*rv-list"):
        get_profile("nope")
    bad = tmp_path / "bad.toml"
    bad.write_text('[review]\nblock = "div"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.toml.*`block` and `body`"):
        load_profile(bad)


def test_every_shipped_profile_loads_and_is_documented():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert {"rv-list", "data-hook", "review-table", "review-cards"} <= set(shipped_profiles())
    for name in shipped_profiles():
        assert f"`{name}`" in readme, f"profile {name} is not described in README 'Crawling your shop'"


# --- problems that must not crash -----------------------------------------------------------

def test_wrong_declared_charset_is_counted_and_read_right():
    html = _page(_ld({"@type": "Product", "name": "Café crème maker", "sku": "CC",
                      "review": [{"@type": "Review", "author": "Zoë", "reviewBody": "Très bien, café parfait."}]}))
    body = html.replace("<meta charset='utf-8'>", "").encode("utf-8")
    page = extract(body, URL, encoding="iso-8859-1")
    assert page.problems.get("wrong_charset") == 1
    assert page.products[0]["title"] == "Café crème maker"
    assert page.reviews[0]["author"] == "Zoë"
    latin = html.replace("utf-8", "utf-8").encode("cp1252")  # declares utf-8, is not
    page = extract(latin, URL)
    assert page.problems.get("wrong_charset") == 1
    assert page.reviews[0]["body"] == "Très bien, café parfait."
    honest = html.replace("<meta charset='utf-8'>", "").encode("cp1252")
    page = extract(honest, URL, encoding="windows-1252")
    assert page.problems == {} and page.reviews[0]["author"] == "Zoë"


@pytest.mark.parametrize("junk", [b"", b"\x00\x01\x02garbage", b"<html><body><div><p>unclosed <b>tags",
                                  "<<<>>>".encode(), b"\xff\xfe\x00<\x00h"])
def test_broken_pages_give_problems_not_crashes(junk):
    page = extract(junk, URL)
    assert page.reviews == [] and page.products == []
    assert isinstance(page.problems, dict)


def test_empty_page_is_counted_as_broken():
    assert extract(b"", URL).problems == {"broken_html": 1}


def test_listing_page_yields_product_links():
    itemlist = _ld({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "url": "/p/one"},
        {"@type": "ListItem", "position": 2, "item": {"@type": "Product", "url": "https://shop.test/p/two"}}]})
    page = extract(_page(itemlist + '<a rel="next" href="/c/kitchen?page=2">next</a>'), "https://shop.test/c/kitchen")
    assert page.product_links == ["https://shop.test/p/one", "https://shop.test/p/two"]
    assert page.next_url == "https://shop.test/c/kitchen?page=2"
    cards = _page('<div class="product-card"><a href="/p/three">Three</a></div>'
                  '<div class="product-card"><a href="https://elsewhere.test/p/x">X</a></div><a href="/about">About</a>')
    assert extract(cards, "https://shop.test/c/all").product_links == ["https://shop.test/p/three"]


def test_a_listing_of_microdata_product_cards_yields_product_links():
    cards = "".join(f'<div class="tile" itemscope itemtype="https://schema.org/Product">'
                    f'<a itemprop="url" href="/p/{n}"><span itemprop="name">{n}</span></a>'
                    f'<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">'
                    f'<meta itemprop="ratingValue" content="4.2"><meta itemprop="reviewCount" content="12"></div></div>'
                    for n in ("kettle", "toaster"))
    page = extract(_page(cards + '<a rel="next" href="?page=2">next</a>'), "https://shop.test/c/kitchen")
    assert len(page.products) == 2 and page.reviews == []
    assert page.product_links == ["https://shop.test/p/kettle", "https://shop.test/p/toaster"]
    assert page.next_url == "https://shop.test/c/kitchen?page=2"
    # A product page without reviews (its canonical URL without the query) is no listing.
    own = _ld({"@type": "Product", "name": "Kettle", "sku": "K1", "url": "https://shop.test/p/kettle/"})
    alone = extract(_page(own + '<div class="product-card"><a href="/p/toaster">T</a></div>'), URL + "?utm=x")
    assert alone.product_links == [] and alone.next_url is None


def test_rel_next_is_read_in_any_case():
    reviews = ('<div class="rv-list"><article class="rv-item" id="r-1"><span class="rv-stars" data-score="4">'
               '</span><p class="rv-body">Good kettle</p></article></div>')
    for rel in ("Next", "NEXT", "nofollow Next"):
        page = extract(_page(reviews + f'<a rel="{rel}" href="/p/kettle/reviews-2">Page 2</a>'), URL)
        assert page.next_url == "https://shop.test/p/kettle/reviews-2", rel


def test_a_malformed_link_is_skipped_and_the_page_kept():
    # urljoin raises ValueError on a broken IPv6 host: only that link may be lost.
    reviews = ('<div class="rv-list"><article class="rv-item" id="r-1"><span class="rv-stars" data-score="4">'
               '</span><p class="rv-body">Good kettle</p></article></div>')
    bad = '<a href="http://[oops/x?page=2">share</a><a rel="next" href="http://[::1">n</a>'
    page = extract(_page(reviews + bad + '<a href="?page=2">2</a>'), URL)
    assert [r["body"] for r in page.reviews] == ["Good kettle"] and page.problems == {}
    assert page.next_url == URL + "?page=2"
    microdata = ('<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Kettle</h1>'
                 '<a itemprop="url" href="http://[oops">x</a><div itemprop="review" itemscope '
                 'itemtype="https://schema.org/Review"><span itemprop="author">Ann</span>'
                 '<p itemprop="reviewBody">Boils fast.</p></div></div>')
    assert [r["body"] for r in extract(_page(microdata), URL).reviews] == ["Boils fast."]
    cards = _page('<div class="product-card"><a href="/p/1">1</a><a href="http://[::1">x</a></div>')
    assert extract(cards, "https://shop.test/c/all").product_links == ["https://shop.test/p/1"]


def test_relative_dates_do_not_change_a_review_id_from_one_day_to_the_next():
    monday = extract(_page(REVIEW_TABLE), "https://lamps.test/l4", fetched_at=datetime(2024, 7, 8), profile="review-table")
    tuesday = extract(_page(REVIEW_TABLE), "https://lamps.test/l4", fetched_at=datetime(2024, 7, 9), profile="review-table")
    assert [r["published_at"] for r in monday.reviews] == [date(2024, 7, 5), date(2024, 1, 15)]
    assert [r["published_at"] for r in tuesday.reviews] == [date(2024, 7, 6), date(2024, 1, 15)]
    assert [r["review_id"] for r in monday.reviews] == [r["review_id"] for r in tuesday.reviews]
    mia, ned = monday.reviews
    assert mia["review_id"] == review_id("L4", "Mia", None, mia["body"])  # "3 days ago": no date in the id
    assert ned["review_id"] == review_id("L4", "Ned", "2024-01-15", ned["body"])


def test_review_ids_are_stable_across_pages_and_fetches():
    a = extract(_page(RV_LIST), "https://demo.test/products/t3?page=1", fetched_at=datetime(2024, 8, 1))
    b = extract(_page(RV_LIST), "https://demo.test/products/t3", fetched_at=datetime(2025, 1, 1))
    assert [r["review_id"] for r in a.reviews] == [r["review_id"] for r in b.reviews]
    assert len({r["review_id"] for r in a.reviews}) == 2


def test_extract_command_prints_json_lines(tmp_path):
    from dashboard.cli import cli as main

    saved = tmp_path / "t3.html"
    saved.write_text(_page(RV_LIST), encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(saved), "--url", "https://demo.test/products/t3"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["type"] for line in lines] == ["product", "review", "review"]
    assert lines[1]["published_at"] == "2024-07-04" and lines[1]["rating"] == 4.0
    assert "review_missing_text 1" in result.stderr
    missing = CliRunner().invoke(main, ["extract", str(tmp_path / "nope.html")])
    assert missing.exit_code != 0 and "no file at" in missing.output


def test_review_block_fields_read_by_walking_agree_with_xpath():
    # Inside a review block, simple selectors are read by one walk of the block instead of by
    # XPath; both must find the same value, and anything else must still go to XPath.
    from crawler.extract import _select_one, _simple, block_elements, parse_html

    page = parse_html(
        '<div class="card  review\tx" id="r-9" data-rating="4" data-hook="review">'
        '<h3 class="title">  Good <b>pan</b> </h3><span class="a-name" data-x="y z">Ann</span>'
        '<p class="text body">First<br>second &amp; third</p><!-- note -->tail'
        '<time class="date" datetime="2024-07-04">July 4</time><span class="title">second title</span>'
        '<i data-hook="review-star-rating"><span class="a-icon-alt">4.0 out of 5</span></i></div>',
        "http://shop.test/p")
    block = page.root.xpath("//div")[0]
    elements = block_elements(block)
    selectors = [".title", "h3.title", ".title::text", ".text.body", "p", "time::attr(datetime)",
                 "time.date::attr(datetime)", "[data-x='y z']", '[data-x="y z"]', "[data-x]", "#r-9",
                 "div.review::attr(data-rating)", ".review", ".missing", "span.title",
                 "[data-hook='review-star-rating']", "[data-hook=review-star-rating] span",
                 "span:last-child", "b", ".x::text", ".card.review.x"]
    for spec in selectors:
        assert _select_one(block, [spec], elements) == _select_one(block, [spec]), spec
    assert _select_one(block, [".text.body"], elements) == "First\nsecond & third"  # the <br>
    assert _simple("[data-hook=review-star-rating] span") is None  # descendant: XPath
    assert _simple("span:last-child") is None
    assert _simple("time.date::attr(datetime)") == ("time", (("class", "date", None),), ("attr", "datetime"))


def test_profile_detection_word_check_keeps_pages_written_in_upper_case():
    # Profiles are only tried on pages containing the words their `detect` selector needs;
    # attribute names are compared in lower case, as lxml reads them.
    page = extract('<DIV DATA-HOOK="review" ID="R1"><SPAN DATA-HOOK="review-body">Nice pan</SPAN></DIV>',
                   "http://shop.test/p/pan")
    assert page.profile == "data-hook"
    assert [r["body"] for r in page.reviews] == ["Nice pan"]
    assert extract("<p>no reviews here</p>", "http://shop.test/p/pan").profile is None


def test_language_words_read_the_same_in_ascii_and_unicode_text():
    """quick_language reads lower-case ASCII text with an ASCII word pattern: the same words
    as the Unicode one (apostrophes, digits and underscores included)."""
    from crawler.normalize import _ASCII_WORD, _WORD, detect_language, quick_language

    texts = ["The lid is loose and it's hot, but it boils fast", "don't buy_this 4you rock'n'roll o'clock''",
             "x'y'z a' 'b __the__ the2 2the", "C'EST très bien et le prix est bon"]
    for text in texts[:3]:
        lowered = text.lower()
        assert lowered.isascii() and _ASCII_WORD.findall(lowered) == _WORD.findall(lowered)
    assert quick_language(texts[0]) == "en" and quick_language(texts[3]) == "fr"
    assert detect_language("ok 👍👍 5/5!!") is None  # fewer than 12 letters
    assert detect_language("Works great, the kettle boils fast") == "en"


def test_page_wide_selectors_read_from_the_index_agree_with_xpath():
    # A profile's page-wide selectors (detection, review blocks, product facts, next link) are
    # answered from one index of the page's elements; each must find what its XPath finds, in
    # the same order, and anything the index cannot read must go to XPath (None).
    from crawler.extract import PageElements, _compiled, _select_one, parse_html, shipped_profiles

    tricky = ('<div class="rv-list a  rv-list"><div class="rv-list"><p class="rv-item x">One</p></div>'
              '<span class="rv-item">Two<b class="rv-item">Three</b></span></div><p class="rv-item">Out</p>'
              '<a class="next rv-next" href="?page=2">Next</a><a class="next" href="?page=3">More</a>'
              '<i data-x="y z" data-hook="review">quoted</i><h1 class="pd-title">T<br>x</h1>')
    pages = [RV_LIST, DATA_HOOK, REVIEW_TABLE, REVIEW_CARDS, tricky]
    specs = {".rv-list .rv-item", ".rv-item", "p.rv-item", "div .rv-item", ".rv-list b", ".a.rv-list .x", ".rv-item b",
             "td.text .body", "[data-hook=review-star-rating] span", ".rv-item::text", "i::attr(data-hook)",
             "a.next::attr(href)", ".next::text", "[data-x='y z']", "[data-x]", "[data-hook=review]",
             "div > p", "p:last-child", ".rv-list, .rv-item", "b", "h1.pd-title", ".missing .rv-item"}
    for profile in shipped_profiles().values():
        specs.update(profile.detect, profile.review_block, profile.next_page, profile.product_links)
        for values in [*profile.product.values(), *profile.review.values()]:
            specs.update(values)
    answered = 0
    for body in pages:
        root = parse_html(_page(body), URL).root
        page = PageElements(root)
        for spec in sorted(specs):
            found = page.select(spec)
            if found is not None:
                answered += 1
                assert found == _compiled(spec)(root), (spec, body[:40])
            assert _select_one(root, [spec], page=page) == _select_one(root, [spec]), spec
        # The same inside each element of the page (review blocks): an ancestor outside the
        # block does not count, as with the XPath evaluated from the block.
        for block in root.iter():
            if not isinstance(block.tag, str):
                continue
            filed = PageElements(block)
            for spec in sorted(specs):
                found = filed.select(spec)
                if found is not None:
                    answered += 1
                    assert found == _compiled(spec)(block), (spec, block.tag, body[:40])
    assert answered > 3 * len(pages)
    assert PageElements(root).select("div > p") is None and PageElements(root).select("[data-x='y z']") is None
    inner = parse_html(_page(tricky), URL).root.xpath("//span[@class='rv-item']")[0]
    assert PageElements(inner).select(".rv-list b") == [] and PageElements(inner).select(".rv-item b") == inner.xpath("b")


def test_iso_review_dates_are_read_once_for_every_page():
    # ISO dates are cached across pages: parse_date must read them the same whatever the
    # fetch time, and the id day is the day itself (relative dates are not cached).
    from datetime import datetime

    from crawler.extract import _review_dates
    from crawler.normalize import parse_date

    for value in ["2024-07-04", "2024-7-4", "2024-02-31", "1800-01-01", "2099-12-31"]:
        for now in [datetime(2026, 1, 1), datetime(1995, 5, 5), None]:
            day = parse_date(value, now=now)
            assert _review_dates(value, now) == (day, day.isoformat() if day else None), (value, now)
    assert _review_dates("3 days ago", datetime(2026, 1, 4)) == (parse_date("2026-01-01"), None)


def test_language_words_of_ascii_text_without_apostrophes_split_in_c():
    """quick_language splits lower-case ASCII text without apostrophes by translating every
    byte but a-z to a space: the same words as the pattern, in the same order."""
    import random

    from crawler.normalize import _ASCII_WORD, _NOT_A_TO_Z, quick_language

    rng = random.Random(3)
    alphabet = "ab the and_-2 .,;:!?\"\t\n\x0b\x0c\x1c\x1f\x7f" + "xyzABT"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))).lower()
        assert [w.decode() for w in text.encode().translate(_NOT_A_TO_Z).split()] == _ASCII_WORD.findall(text)
    assert quick_language("The lid is loose and the handle gets hot, but it boils fast") == "en"
    assert quick_language("THE-LID_IS 2loose AND the handle") == "en"
    assert quick_language("de kan is niet goed en het deksel") == "nl"


# --- rating scales: schema.org's worstRating defaults to 1 -----------------------------------

def _rated(value, best, worst=None) -> dict:
    rating = {"@type": "Rating", "ratingValue": value, "bestRating": best}
    if worst is not None:
        rating["worstRating"] = worst
    return rating


def test_best_rating_without_worst_rating_rates_from_1_as_schema_org_says():
    reviews = [{"@type": "Review", "author": f"A{n}", "reviewBody": f"Kettle review {n}.", "reviewRating": rating}
               for n, rating in enumerate([_rated(3, 5), _rated(6, 10), _rated("6", "10"),
                                           _rated(6, 10, worst=0), _rated(0, 10)])]
    data = {"@type": "Product", "name": "Kettle", "sku": "K1", "review": reviews,
            "aggregateRating": {"@type": "AggregateRating", "ratingValue": "6", "bestRating": "10",
                                "reviewCount": 5}}
    page = extract(_page(_ld(data)), URL)
    assert [(r["rating"], r["rating_original"], r["rating_scale"]) for r in page.reviews] == [
        (3.0, "3", "1-5"),
        (3.222, "6", "1-10"),    # 1 + (6 - 1) * 4 / 9, not 0-10's 3.4
        (3.222, "6", "1-10"),
        (3.4, "6", "0-10"),      # a worstRating the page states is kept
        (1.0, "0", "0-10"),      # a 0 shows this page's scale starts below 1
    ]
    assert page.products[0]["rating"] == 3.222 and page.problems == {}


def test_microdata_best_rating_without_worst_rating_rates_from_1():
    review = ('<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
              '<span itemprop="author">Ann</span><p itemprop="reviewBody">Boils fast.</p>'
              '<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
              '<span itemprop="ratingValue">6</span> / <span itemprop="bestRating">10</span></div></div>')
    page = extract(_page('<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Kettle</h1>'
                         f'<meta itemprop="sku" content="K1">{review}</div>'), URL)
    (only,) = page.reviews
    assert (only["rating"], only["rating_original"], only["rating_scale"]) == (3.222, "6", "1-10")


# --- <base href>: the document's base URL ----------------------------------------------------

def test_links_resolve_against_the_first_base_element_with_an_href():
    review = {"@type": "Review", "author": "Ann", "reviewBody": "Boils fast.", "url": "reviews/7"}
    anchored = {"@type": "Review", "author": "Bob", "reviewBody": "Loud lid.", "url": "#r-8"}
    head = ('<base target="_self"><base href="/shop/v2/"><base href="https://elsewhere.test/">'
            + _ld({"@type": "Product", "name": "Kettle", "url": "kettle", "review": [review, anchored]}))
    page = extract(_page('<a rel="next" href="kettle?page=2">Next</a>', head), URL)
    assert page.next_url == "https://shop.test/shop/v2/kettle?page=2"
    assert page.products[0]["url"] == "https://shop.test/shop/v2/kettle"
    assert [r["url"] for r in page.reviews] == ["https://shop.test/shop/v2/reviews/7",
                                                "https://shop.test/shop/v2/#r-8"]


def test_microdata_urls_and_listing_links_resolve_against_the_base_element():
    review = ('<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
              '<link itemprop="url" href="#r-1"><a itemprop="sameAs" href="r/1">r</a>'
              '<p itemprop="reviewBody">Boils fast.</p></div>')
    microdata = ('<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Kettle</h1>'
                 f'<meta itemprop="sku" content="K1"><a itemprop="url" href="kettle">K</a>{review}</div>')
    page = extract(_page(microdata, '<base href="https://shop.test/shop/v2/">'), URL)
    assert page.products[0]["url"] == "https://shop.test/shop/v2/kettle"
    assert page.reviews[0]["url"] == "https://shop.test/shop/v2/#r-1"
    listing = _page('<div class="product-card"><a href="kettle">Kettle</a></div><a rel="next" href="?page=2">2</a>',
                    '<base href="/catalog/">')
    found = extract(listing, "https://shop.test/c/all")
    assert found.product_links == ["https://shop.test/catalog/kettle"]
    assert found.next_url == "https://shop.test/catalog/?page=2"


def test_a_base_that_is_no_web_address_is_ignored_and_profile_anchors_stay_on_the_page():
    reviews = ('<div class="rv-list"><article class="rv-item" id="r-1"><span class="rv-stars" data-score="4">'
               '</span><p class="rv-body">Good kettle</p></article></div><a rel="next" href="?page=2">2</a>')
    ignored = extract(_page(reviews, '<base href="javascript:void(0)">'), URL)
    assert ignored.next_url == URL + "?page=2"
    based = extract(_page(reviews, '<base href="/shop/">'), URL)
    assert based.next_url == "https://shop.test/shop/?page=2"
    # A profile's review link is the page's own element id, not a link the page gives.
    assert based.reviews[0]["url"] == URL + "#r-1"


# --- one product described in two syntaxes; review pages paginated by path --------------------

def _md_review(author: str, day: str, body: str, stars: int, anchor: str = "") -> str:
    link = f'<link itemprop="url" href="#{anchor}">' if anchor else ""
    return (f'<div itemprop="review" itemscope itemtype="https://schema.org/Review">{link}'
            f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">'
            f'{author}</span></span><meta itemprop="datePublished" content="{day}">'
            f'<div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">'
            f'<meta itemprop="ratingValue" content="{stars}"></div><p itemprop="reviewBody">{body}</p></div>')


def _md_product(name: str, inner: str, sku: str | None = None) -> str:
    sku_tag = f'<meta itemprop="sku" content="{sku}">' if sku else ""
    return (f'<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">{name}</span>'
            f'{sku_tag}{inner}</div>')


def _ld_product(name: str, sku: str | None, reviews: list[tuple[str, str, str, int]], **facts) -> str:
    product = {"@context": "https://schema.org", "@type": "Product", "name": name, **facts,
               "review": [{"@type": "Review", "author": {"@type": "Person", "name": author},
                           "datePublished": day, "reviewBody": body,
                           "reviewRating": {"@type": "Rating", "ratingValue": stars}}
                          for author, day, body, stars in reviews]}
    if sku:
        product["sku"] = sku
    return _ld(product)


def test_a_product_in_json_ld_and_in_microdata_is_one_product_with_its_reviews_once():
    # An SEO plugin's JSON-LD and a review widget's microdata describe the same kettle and the
    # same review: one product (the sku JSON-LD states), one review. What only one side states
    # fills the other's gap: brand and rating from the microdata, the review's anchor too.
    ld = _ld_product("Kettle", "K1", [("Ann", "2024-07-01T09:30:00+02:00", "Boils fast.", 5)])
    microdata = _md_product(
        "  Kettle ",
        '<div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Brava</span></div>'
        '<div itemprop="aggregateRating" itemscope itemtype="https://schema.org/AggregateRating">'
        '<meta itemprop="ratingValue" content="4.5"><meta itemprop="reviewCount" content="2"></div>'
        + _md_review("Ann", "2024-07-01", "Boils  fast.", 5, anchor="r-1")
        + _md_review("Bo", "2024-07-02", "Loud whistle.", 3))
    page = extract(_page(ld + microdata), URL)
    (product,) = page.products
    assert (product["product_id"], product["title"], product["brand"], product["rating"], product["review_count"],
            product["url"]) == ("K1", "Kettle", "Brava", 4.5, 2, URL)
    assert [(r["product_id"], r["author"], r["body"], r["rating"], r["url"]) for r in page.reviews] == [
        ("K1", "Ann", "Boils fast.", 5.0, URL + "#r-1"), ("K1", "Bo", "Loud whistle.", 3.0, URL)]
    assert page.reviews[0]["review_id"] == review_id("K1", "Ann", "2024-07-01", "Boils fast.")
    assert page.problems == {}
    # The same with the sku in the microdata only, and with RDFa as the second syntax.
    swapped = extract(_page(_ld_product("Kettle", None, [("Ann", "2024-07-01", "Boils fast.", 5)])
                            + _md_product("Kettle", _md_review("Ann", "2024-07-01", "Boils fast.", 5), sku="K1")), URL)
    assert [p["product_id"] for p in swapped.products] == ["K1"]
    assert [(r["product_id"], r["author"]) for r in swapped.reviews] == [("K1", "Ann")]
    rdfa = ('<div vocab="https://schema.org/" typeof="Product"><h1 property="name">Kettle</h1>'
            '<span property="productID">K1</span><div property="review" typeof="Review">'
            '<span property="author" typeof="Person"><span property="name">Ann</span></span>'
            '<span property="datePublished">2024-07-01</span><p property="reviewBody">Boils fast.</p></div></div>')
    with_rdfa = extract(_page(ld + rdfa), URL)
    assert [p["product_id"] for p in with_rdfa.products] == ["K1"]
    assert [(r["author"], r["rating"]) for r in with_rdfa.reviews] == [("Ann", 5.0)]


def test_different_products_in_two_syntaxes_stay_apart():
    ann = [("Ann", "2024-07-01", "Boils fast.", 5)]
    # Different skus: two products, even under one name (and the same review text under each).
    by_sku = extract(_page(_ld_product("Kettle", "K1", ann)
                           + _md_product("Kettle", _md_review("Ann", "2024-07-01", "Boils fast.", 5), sku="K2")), URL)
    assert [p["product_id"] for p in by_sku.products] == ["K1", "K2"]
    assert [r["product_id"] for r in by_sku.reviews] == ["K1", "K2"]
    # Different names, one without a sku: two products (a related product's card, say).
    by_name = extract(_page(_ld_product("Kettle", "K1", ann)
                            + _md_product("Toaster", _md_review("Cy", "2024-07-03", "Even browning.", 4))), URL)
    assert [(p["product_id"], p["title"]) for p in by_name.products] == [
        ("K1", "Kettle"), ("shop.test/p/kettle#toaster", "Toaster")]
    assert {r["author"]: r["product_id"] for r in by_name.reviews} == {
        "Ann": "K1", "Cy": "shop.test/p/kettle#toaster"}
    # Two products in JSON-LD and both again in microdata: each finds its own.
    two = extract(_page(_ld([{"@type": "Product", "name": "Red kettle", "sku": "RED"},
                             {"@type": "Product", "name": "Blue kettle", "sku": "BLUE"}])
                        + _md_product("Blue kettle", _md_review("Bo", "2024-07-02", "Blue one rattles.", 2))
                        + _md_product("Red kettle", _md_review("Ann", "2024-07-01", "Red one is great.", 5))), URL)
    assert [p["product_id"] for p in two.products] == ["RED", "BLUE"]
    assert {r["author"]: r["product_id"] for r in two.reviews} == {"Ann": "RED", "Bo": "BLUE"}


@pytest.mark.parametrize("path", ["", "comment-page-2/", "comment-page-3", "page/2/", "reviews/page/2/"])
def test_review_pages_paginated_by_path_give_the_products_id(path):
    # WooCommerce pages a product's reviews as /product/kettle/comment-page-2/: a page that
    # states no sku is the product of its first page, not a product per review page.
    url = "https://shop.test/product/kettle/" + path
    first = "shop.test/product/kettle/reviews" if path.startswith("reviews/") else "shop.test/product/kettle"
    cards = ('<h1 class="pd-title">Kettle</h1><div class="rv-list"><article class="rv-item" id="r-1">'
             '<span class="rv-stars" data-score="4"></span><p class="rv-body">Good kettle</p></article></div>')
    page = extract(_page(cards), url)
    assert [p["product_id"] for p in page.products] == [first]
    assert [r["product_id"] for r in page.reviews] == [first]
    ld = extract(_page(_ld_product("Kettle", None, [("Ann", "2024-07-01", "Boils fast.", 5)])), url)
    assert [r["product_id"] for r in ld.reviews] == [first]


def test_product_ids_of_paths_without_a_page_segment_do_not_move():
    import doctest

    from crawler import extract as extract_module

    # The ids stored before path pages were understood (host, path, no extension or port).
    assert {url: product_id_from_url(url) for url in [
        "http://127.0.0.1:8123/products/kettle.html?page=2", "https://shop.test/p/kettle/",
        "https://shop.test/", "https://shop.test", "https://Shop.Test:8080/a/b.php#x",
        "https://shop.test/page", "https://shop.test/p/page-turner", "https://shop.test/p/homepage/2",
        "https://shop.test/p/page/2.html", "https://shop.test/p/comment-page-x", "https://shop.test/p/pages/2",
    ]} == {
        "http://127.0.0.1:8123/products/kettle.html?page=2": "127.0.0.1/products/kettle",
        "https://shop.test/p/kettle/": "shop.test/p/kettle",
        "https://shop.test/": "shop.test/", "https://shop.test": "shop.test/",
        "https://Shop.Test:8080/a/b.php#x": "shop.test/a/b",
        "https://shop.test/page": "shop.test/page", "https://shop.test/p/page-turner": "shop.test/p/page-turner",
        "https://shop.test/p/homepage/2": "shop.test/p/homepage/2", "https://shop.test/p/page/2.html": "shop.test/p/page/2",
        "https://shop.test/p/comment-page-x": "shop.test/p/comment-page-x", "https://shop.test/p/pages/2": "shop.test/p/pages/2",
    }
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for test in finder.find(extract_module.product_id_from_url, "product_id_from_url", globs=vars(extract_module)):
        runner.run(test)
    assert runner.summarize(verbose=False) == (0, 2)
