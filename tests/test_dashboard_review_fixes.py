"""Dashboard fixes found in review: where a quote marks its aspect, which reviews the overview's
growing complaints and the product's themes count, and links with values the store cannot show.

One store, filled by the real analysis job with the test fakes (pipeline_fakes):

- kettle: lid complaints from shop A (1 star, early June) and lid praise from shop B (5 stars,
  mid June), so a source or rating filter keeps one side only;
- speaker: battery praise in January, then complaints that name the battery as "charge" in
  June: an emerging complaint whose quote does not hold the aspect's name;
- mug (category "Home & Garden"): handle complaints whose bodies hold entities, tags, doubled
  spaces, accents and emoji before the term, so body offsets are no offsets into the quote.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from analysis.pipeline import run_analysis
from analysis.sentences import split_reviews
from dashboard import frame, queries, render
from data import store
from pipeline_fakes import fake_models, make_store
from app_pages import open_page

MUG_BODIES = [
    "I don&#39;t like it: the handle is terrible.",
    "Tea &amp; coffee fine, but the handle is broken.",
    "Ça chauffe vite 😀🔥, mais the handle is bad.",
    "Naïve café-grade 👍🏽 build<br>and the  handle is flimsy.",
    "My kid&#39;s mug: the handle broke.",
    "Hot &amp; heavy: the handle is weak.",
]
FIRST, LAST = date(2024, 1, 1), date(2025, 6, 19 + len(MUG_BODIES))   # the store's review dates


def _reviews() -> list[dict]:
    rows = []

    def add(product, source, stars, day, body):
        # stored as English, as a collector detects it: the job skips a review of undetected
        # language with letters outside ASCII ("Ça chauffe vite, mais the handle is bad.")
        rows.append({"product_id": product, "source": source, "author": f"a{len(rows)}", "rating": stars,
                     "published_at": day, "body": body, "url": f"https://shop.test/{product}#r{len(rows)}",
                     "language": "en"})

    for i in range(6):
        add("kettle", "shopA", 1, date(2025, 6, 1 + i), "The lid is terrible.")
        add("kettle", "shopB", 5, date(2025, 6, 10 + i), "The lid is great.")
    add("kettle", "shopB", 5, FIRST, "Nice kettle.")
    for i in range(10):
        add("speaker", "shopB", 5, date(2025, 1, 1 + i), "The battery is great.")
    for i in range(8):
        add("speaker", "shopA", 1, date(2025, 6, 1 + i), f"The solid case is fine but the charge dies too soon {i}.")
    for i, body in enumerate(MUG_BODIES):
        add("mug", "shopA", 1, date(2025, 6, 20 + i), body)
    return rows


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("fixes") / "shop.duckdb")
    make_store(db, _reviews(), [
        {"product_id": "kettle", "source": "test", "title": "kettle", "category": "Kitchen"},
        {"product_id": "speaker", "source": "test", "title": "speaker", "category": "Kitchen"},
        {"product_id": "mug", "source": "test", "title": "mug", "category": "Home & Garden"}])
    assert run_analysis(db, models=fake_models(), progress=False, log=lambda m: None)["status"] == "ok"
    return db


def _marked(html: str) -> list[tuple[str, str]]:
    """``(text before the mark, marked text)`` of each mark in rendered quotes, as a reader sees them."""
    plain = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), html)
    return re.findall(r'“([^“]*?)<mark class="rl-aspect">(.*?)</mark>', plain)


# --- 1. a quote's mark sits on the term, whatever the body held before it -------------------------

@pytest.mark.parametrize("body", [
    "I don&#39;t like it: the lid is bad.",
    "Tea &amp; coffee &lt;3 fine, but the lid is broken.",
    "Great<br>kettle.  The  lid\tis bad.\r\nReally.",
    "Ça chauffe vite 😀🔥, mais the lid is bad.",
    "Naïve café-grade 👍🏽 build &nbsp; and the lid is flimsy. Lid again &#x1F600; lid!",
])
def test_a_terms_body_offsets_map_into_its_sentences_text(body):
    """The job's round trip: a term found in a sentence's text is stored as body offsets
    (Sentence.to_body); the dashboard maps them back into the text the quote shows."""
    found = 0
    for sentence in split_reviews([body])[0]:
        for term in re.finditer(r"\blid\b", sentence.text, flags=re.I):
            body_start, body_end = sentence.to_body(term.start(), term.end())
            assert queries._text_span(body, sentence.start, sentence.end, sentence.text,
                                      body_start, body_end) == (term.start(), term.end())
            found += 1
    assert found
    # a sentence that is not the text the quote shows gives no mark (the page then finds the word)
    sentence = split_reviews([body])[0][0]
    assert queries._text_span(body, sentence.start, sentence.end, sentence.text + " more", 0, 1) is None


def test_quote_marks_sit_on_the_term_after_entities_tags_and_emoji(shop):
    """Every handle mention of the mug, entities (&#39; &amp;), a tag, doubled spaces, accents and
    emoji before it: the mark offsets point at "handle" in the sentence's text."""
    sentence_ids = tuple(r[0] for r in store.query(shop, "SELECT sentence_id FROM sentences "
                                                         "WHERE product_id = 'mug'").rows)
    marks = queries.quote_marks(shop, queries.store_stamp(shop), ("mug",), sentence_ids)
    handle = marks[marks["name"] == "handle"]
    assert len(handle) == len(MUG_BODIES)
    for mark in handle.itertuples(index=False):
        assert mark.text[mark.start:mark.end] == "handle", mark.text
        assert mark.start == mark.text.index("handle")


def test_product_page_quotes_mark_the_term_after_entities_and_emoji(shop, monkeypatch):
    at = open_page(shop, monkeypatch, "views/product.py", product="mug")
    quotes = [m.value for m in at.markdown if 'class="rl-quote"' in m.value]
    marked = [pair for html in quotes for pair in _marked(html)]
    assert len(marked) >= 3
    for before, word in marked:
        assert word == "handle" and before.endswith(("the ", "the  ")), (before, word)
    assert any("'" in before or "&" in before for before, _ in marked)   # the entity quotes are shown


# --- 2. the overview's growing complaints follow the source and rating filters --------------------

def test_growing_complaints_follow_the_source_and_rating_filters(shop):
    stamp = queries.store_stamp(shop)

    def lid(**filters):
        table = queries.emerging_complaints(shop, stamp, queries.Filters(**filters), LAST, limit=100)
        rows = table[table["aspect"] == "lid"]
        return None if rows.empty else tuple(int(rows.iloc[0][c]) for c in ("negative_now", "negative_before", "products"))

    assert lid() == (6, 0, 1)
    assert lid(sources=("shopA",)) == (6, 0, 1)
    assert lid(sources=("shopB",)) is None
    assert lid(min_rating=4) is None
    assert lid(max_rating=2) == (6, 0, 1)
    assert lid(categories=("Home & Garden",)) is None


# --- 3. the product's themes follow the sidebar filters -------------------------------------------

def test_product_themes_count_the_sentences_of_the_reviews_the_filters_keep(shop):
    stamp = queries.store_stamp(shop)

    def sentences(**filters) -> int:
        return int(queries.product_themes(shop, stamp, "kettle", queries.Filters(**filters))["sentences"].sum())

    assert sentences() == 6
    assert sentences(sources=("shopA",)) == sentences(max_rating=1) == 6
    assert sentences(end=date(2025, 6, 3)) == 3
    assert sentences(start=date(2025, 6, 10)) == sentences(sources=("shopB",)) == sentences(min_rating=5) == 0


# --- 4. the overview's emerging-complaint quote marks the analysed term, never part of a word ------

def test_highlight_without_offsets_marks_whole_words_only():
    assert _marked("“" + render.highlight("The solid base, the lid is bad", None, None, "lid")) == [
        ("The solid base, the ", "lid")]
    assert "<mark" not in render.highlight("A solid kettle", None, None, "lid")
    assert _marked("“" + render.highlight("Battery life: poor", None, None, "battery life")) == [("", "Battery life")]


def test_overview_emerging_complaint_quote_marks_the_analysed_term(shop, monkeypatch):
    """The speaker's complaints name the battery "charge": only the mention's offsets can mark it
    (the aspect's name is nowhere in the quote, and "solid" holds no "lid" to mark)."""
    at = open_page(shop, monkeypatch)
    block = next(m.value for m in at.markdown if "speaker: battery" in m.value and 'class="rl-quote"' in m.value)
    assert [word for _, word in _marked(block)] == ["charge"]


# --- 5. a link with dates or stars the store cannot show falls back ------------------------------

@pytest.mark.parametrize("params, dates, stars", [
    ({"f_from": "2000-01-01", "f_to": "2030-12-31"}, (FIRST, LAST), (1, 5)),
    ({"f_from": "2025-06-20", "f_to": "2025-06-02"}, (date(2025, 6, 2), date(2025, 6, 20)), (1, 5)),
    ({"f_to": "2023-01-01", "f_stars": "9"}, (FIRST, FIRST), (1, 5)),
    ({"f_stars": ["5", "4"]}, (FIRST, LAST), (4, 5)),
    ({"f_stars": ["0", "9"], "f_period": "45"}, (FIRST, LAST), (1, 5)),
])
def test_a_link_with_values_outside_the_store_opens_inside_it(shop, monkeypatch, params, dates, stars):
    at = open_page(shop, monkeypatch, **params)   # raises nothing
    assert (at.date_input(key="f_from").value, at.date_input(key="f_to").value) == dates
    assert tuple(at.slider(key="f_stars").value) == stars
    assert at.title[0].value == "Catalogue overview"


def test_star_range_accepts_two_stars_of_one_to_five_only():
    assert frame._star_range(["4", "2"]) == (2, 4)
    for bad in ("9", ["0", "3"], ["2", "6"], ["1", "2", "3"]):
        with pytest.raises(ValueError):
            frame._star_range(bad)


# --- 6. column labels are plain text --------------------------------------------------------------

def test_product_themes_column_names_the_category_as_written(shop, monkeypatch):
    at = open_page(shop, monkeypatch, "views/product.py", product="mug", f_cat="Home & Garden")
    themes = next(d.value for d in at.dataframe if "This product's sentences" in d.value.columns)
    assert "Theme size (products in Home & Garden)" in themes.columns
