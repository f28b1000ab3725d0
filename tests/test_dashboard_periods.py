"""The dashboard's period comparisons and its account of what is analysed, found in review on a
copy of the analysed demo store: the days "Complaints growing" counts, the periods of the
overview's "Change", the "now" a mistyped future date must not move, reviews collected after
the last analysis, the Reviews page's theme names and the Themes page's filters.

One small store, written here row by row as the analysis job writes it (one sentence per review,
with its polarity, aspect and theme), so every number below can be counted by hand. Every review
was collected on 2025-07-01; the newest is dated 2025-06-30: the dashboard's "now".
"""
from __future__ import annotations

import shutil
from datetime import date, datetime

import pandas as pd
import pytest

from app_pages import open_page
from dashboard import queries
from data import store

NOW = date(2025, 6, 30)
COLLECTED = datetime(2025, 7, 1, 12)

# product, day, stars, source, polarity of its one sentence, aspect it names, theme it falls in
_ROWS: list[tuple] = []


def _add(product, day, stars, polarity, aspect=None, theme=None, source="shopA", times=1):
    for _ in range(times):
        _ROWS.append((product, day, stars, source, polarity, aspect, theme))


# Overview "Change" (30-day periods, up to now: 06-01..06-30 against 05-02..05-31): net sentiment
# of P's reviews before -1, +1, +1 (1/3), now -1, +1 (0): a change of -1/3
_add("P", date(2025, 5, 5), 1, "negative")
_add("P", date(2025, 5, 20), 5, "positive")
_add("P", date(2025, 5, 28), 5, "positive")
_add("P", date(2025, 6, 10), 1, "negative")
_add("P", date(2025, 6, NOW.day), 5, "positive")
# "Complaints growing" with To = 2025-06-15 and 30-day periods (05-17..06-15 against 04-17..05-16):
# lid 2 now, 3 before (and 4 after the To date, 1 before both periods): no growth; handle 3 against 1
_add("G", date(2025, 6, 10), 1, "negative", "lid", times=2)
_add("G", date(2025, 5, 10), 1, "negative", "lid", times=3)
_add("G", date(2025, 6, 20), 1, "negative", "lid", times=4)
_add("G", date(2025, 4, 5), 1, "negative", "lid")
_add("G", date(2025, 6, 1), 1, "negative", "handle", times=3)
_add("G", date(2025, 5, 1), 1, "negative", "handle")
# Themes page (30-day periods up to now): complaint theme sentences, one-star from shopA and
# five-star from shopB, in both periods
_add("T", date(2025, 6, 5), 1, "negative", theme="all:complaint:0", times=2)
_add("T", date(2025, 6, 20), 5, "negative", theme="all:complaint:0", source="shopB", times=3)
_add("T", date(2025, 5, 10), 1, "negative", theme="all:complaint:0")
_add("T", date(2025, 5, 20), 5, "negative", theme="all:complaint:0", source="shopB")
# Reviews page: four need themes labelled alike (below), one review each
for theme in ("all:need:0", "category:Audio:need:1", "category:Audio:need:11", "category:Audio:need:12"):
    _add("T", date(2025, 4, 1), 3, "neutral", theme=theme)

THEMES = [  # theme_id, scope, kind, label, size
    ("all:complaint:0", "all", "complaint", "battery dies", 7),
    ("all:need:0", "all", "need", "wireless charging", 21),
    ("category:Audio:need:1", "category:Audio", "need", "wireless charging", 18),
    ("category:Audio:need:11", "category:Audio", "need", "wireless charging", 3),
    ("category:Audio:need:12", "category:Audio", "need", "wireless charging", 3),
]


def _reviews(rows, start: int = 0) -> list[dict]:
    out = []
    for i, (product, day, stars, source, polarity, _aspect, _theme) in enumerate(rows, start):
        body = f"Review {i}: {polarity}."
        out.append({"review_id": store.review_id(product, f"a{i}", day, body), "product_id": product,
                    "source": source, "author": f"a{i}", "rating": stars, "body": body,
                    "published_at": day, "collected_at": COLLECTED, "url": f"https://shop.test/{product}#r{i}"})
    return out


def _analyse(con, reviews: list[dict], rows, run_id: int) -> None:
    """What the job writes for ``reviews`` (their ``rows``): one sentence each."""
    for review, (product, _day, stars, _source, polarity, aspect, theme) in zip(reviews, rows):
        rid, sid = review["review_id"], review["review_id"] + ":0"
        net = {"positive": 1.0, "negative": -1.0}.get(polarity, 0.0)
        mismatch = "high_rating_negative_text" if stars >= 4 and polarity == "negative" else None
        con.execute("INSERT INTO review_analysis SELECT review_id, product_id, content_hash, 'fake@1', ?, 'en', "
                    "NULL, 1, ?, ?, ? FROM reviews WHERE review_id = ?", [run_id, polarity, net, mismatch, rid])
        con.execute("INSERT INTO sentences VALUES (?, ?, ?, 0, 0, ?, ?, ?, 0.9, false, ?)",
                    [sid, rid, product, len(review["body"]), review["body"], polarity, run_id])
        if aspect:
            con.execute("INSERT INTO aspect_mentions VALUES (?, ?, ?, ?, 0, 6, ?, ?, ?)",
                        [sid, rid, product, aspect, aspect, polarity, run_id])
        if theme:
            con.execute("INSERT INTO theme_sentences VALUES (?, ?, false)", [theme, sid])


def _new_run(con) -> int:
    run_id = con.execute("SELECT nextval('analysis_run_ids')").fetchall()[0][0]
    con.execute("INSERT INTO analysis_runs (run_id, started_at, finished_at, status, device) "
                "VALUES (?, ?, ?, 'ok', 'cpu')", [run_id, COLLECTED, COLLECTED])
    return int(run_id)


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("periods") / "shop.duckdb")
    store.ensure(db)
    reviews = _reviews(_ROWS)
    with store.writer(db) as con:
        store.upsert_products(con, [{"product_id": p, "source": "shop.test", "title": f"Product {p}",
                                     "category": "Audio" if p == "T" else "Kitchen"} for p in "PGT"])
        store.insert_reviews(con, reviews)
        run_id = _new_run(con)
        _analyse(con, reviews, _ROWS, run_id)
        con.executemany("INSERT INTO themes VALUES (?, ?, ?, ?, ['x'], NULL, ?, ?)",
                        [[*theme, run_id] for theme in THEMES])
    return db


def _copy(shop: str, tmp_path) -> str:
    db = str(tmp_path / "copy.duckdb")
    shutil.copy(shop, db)
    return db


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


# --- 1. "Complaints growing" counts the days its caption names, never past the To date -----------

def test_growing_complaints_count_the_named_days_and_none_after_the_to_date(shop):
    f = queries.Filters(end=date(2025, 6, 15), period_days=30)
    growing = queries.emerging_complaints(shop, queries.store_stamp(shop), f, NOW, limit=100)
    rows = {r.aspect: (r.negative_now, r.negative_before, r.products) for r in growing.itertuples()}
    # whole months would count May and June (June 20 included) against April: lid 9 against 1
    assert rows == {"handle": (3, 1, 1)}


def test_growing_complaints_on_the_page_with_a_mid_month_to_date(shop, monkeypatch):
    at = open_page(shop, monkeypatch, f_to="2025-06-15", f_period="30")
    table = next(d.value for d in at.dataframe if "Complaints now" in d.value.columns).set_index("Aspect")
    assert list(table.index) == ["handle"]
    assert (table.loc["handle", "Complaints now"], table.loc["handle", "Complaints before"]) == (3, 1)
    assert "the last 30 days up to 2025-06-15 against the 30 days before" in _captions(at)
    assert "whole months" not in _captions(at)


# --- 2. the overview's "Change" compares the periods its caption names, whatever the From date ---

def _change(shop, **filters) -> float:
    table = queries.overview_products(shop, queries.store_stamp(shop), queries.Filters(period_days=30, **filters), NOW)
    return table.set_index("product_id").loc["P", "net_change"]


def test_overview_change_is_not_shortened_by_the_from_date(shop):
    assert _change(shop) == pytest.approx(-1 / 3)
    # From inside the period before: the change is that of the whole periods (it was -1: the
    # period before cut to its last four days)
    assert _change(shop, start=date(2025, 5, 25)) == pytest.approx(-1 / 3)
    # the other filters still apply: one-star reviews only, -1 before and now
    assert _change(shop, max_rating=1) == pytest.approx(0.0)
    assert _change(shop, max_rating=1, start=date(2025, 5, 25)) == pytest.approx(0.0)
    # while the review counts follow every filter
    table = queries.overview_products(shop, queries.store_stamp(shop),
                                      queries.Filters(start=date(2025, 5, 25), period_days=30), NOW)
    assert table.set_index("product_id").loc["P", "reviews"] == 3


def test_overview_caption_names_both_periods_and_the_from_date_rule(shop, monkeypatch):
    at = open_page(shop, monkeypatch, f_from="2025-05-25", f_period="30")
    caption = _captions(at)
    assert "the last 30 days (2025-06-01 to 2025-06-30) against the 30 days before (2025-05-02 to 2025-05-31)" in caption
    assert "the From date does not shorten either period" in caption
    assert at.dataframe[0].value.set_index("Product").loc["Product P", "Change"] == pytest.approx(-1 / 3)


# --- 3. a review with a mistyped future date does not move "now" -----------------------------

@pytest.fixture
def typo(shop, tmp_path) -> str:
    db = _copy(shop, tmp_path)
    rows = [("P", date(2062, 1, 1), 5, "shopA", "positive", None, None)]
    reviews = _reviews(rows, start=len(_ROWS))
    with store.writer(db) as con:
        store.insert_reviews(con, reviews)
        _analyse(con, reviews, rows, _new_run(con))
    return db


def test_a_future_date_leaves_now_at_the_jobs_reference_date(typo):
    from analysis.insights import reference_date

    choices = queries.filter_choices(typo, queries.store_stamp(typo))
    with store.reader(typo) as con:
        assert choices["now"] == reference_date(con) == NOW
    assert (choices["last"], choices["after_now"]) == (date(2062, 1, 1), 1)


def test_a_future_date_leaves_the_overviews_periods_alone(typo, monkeypatch):
    at = open_page(typo, monkeypatch, f_period="30")
    assert at.date_input(key="f_to").value == NOW
    assert "the last 30 days (2025-06-01 to 2025-06-30)" in _captions(at)
    table = at.dataframe[0].value.set_index("Product")
    assert table.loc["Product P", "Change"] == pytest.approx(-1 / 3)
    assert table.loc["Product P", "Reviews"] == 6                  # the 2062 review is counted
    assert next(d.value for d in at.dataframe if "Complaints now" in d.value.columns).size
    assert "1 review is dated after the last collection" in "\n".join(c.value for c in at.sidebar.caption)


def test_a_date_filter_still_reaches_reviews_after_now(typo, monkeypatch):
    at = open_page(typo, monkeypatch, f_from="2030-01-01", f_to="2062-01-01")
    assert at.date_input(key="f_to").value == date(2062, 1, 1)
    assert {m.label: m.value for m in at.metric}["Reviews"] == "1"
    assert "up to 2062-01-01" in _captions(at) or "to 2062-01-01)" in _captions(at)


# --- 4. reviews collected after the last analysis ---------------------------------------------

@pytest.fixture
def late(shop, tmp_path) -> str:
    """N (new, nothing analysed) and two new reviews of P, one review of P edited since."""
    db = _copy(shop, tmp_path)
    rows = [("N", date(2025, 6, 1), 5, "shopA", "negative", None, None)] * 2 \
        + [("P", date(2025, 6, 2), 1, "shopA", "negative", None, None),
           ("P", date(2025, 6, 3), 1, "shopA", "negative", None, None)]
    with store.writer(db) as con:
        store.upsert_products(con, [{"product_id": "N", "source": "shop.test", "title": "Product N",
                                     "category": "Kitchen"}])
        store.insert_reviews(con, _reviews(rows, start=len(_ROWS)))
        con.execute("INSERT INTO product_insights VALUES ('P', 'weakness', 'lid', 1, 3, 0.5, 0.3, NULL, '[]', 1)")
        # a five-star review with a negative text (a mismatch), edited since it was analysed
        con.execute("UPDATE reviews SET content_hash = 'edited' WHERE review_id = (SELECT min(review_id) "
                    "FROM reviews WHERE product_id = 'T' AND rating = 5)")
    return db


def test_summary_counts_mismatches_over_analysed_reviews_only(late):
    stamp = queries.store_stamp(late)
    new = queries.product_summary(late, stamp, "N", queries.Filters())
    assert (new["reviews"], new["checked"], new["mismatches"]) == (2, 0, None)   # none checked: no count
    assert (new["all_reviews"], new["not_analysed"]) == (2, 2)
    p = queries.product_summary(late, stamp, "P", queries.Filters())
    assert (p["reviews"], p["checked"], p["all_reviews"], p["not_analysed"]) == (7, 5, 7, 2)
    t = queries.product_summary(late, stamp, "T", queries.Filters(min_rating=5))
    # four five-star mismatches, one of them edited since: its new text is not checked yet
    assert (t["reviews"], t["checked"], t["mismatches"], t["not_analysed"]) == (4, 3, 3, 1)


def test_product_page_says_how_many_reviews_await_the_analysis(late, monkeypatch):
    at = open_page(late, monkeypatch, "views/product.py", product="N")
    notes = [x.value for x in list(at.info) + list(at.warning)]
    assert not any("Collect more" in n for n in notes)
    assert any("2 of this product's 2 reviews are not analysed yet" in n and "reviewlens analyze" in n
               for n in notes), notes
    assert {m.label: m.value for m in at.metric}["Rating-text mismatches"] == "–"

    at = open_page(late, monkeypatch, "views/product.py", product="P")
    assert any("2 of this product's 7 reviews are not analysed yet" in w.value for w in at.warning)
    assert "over the 5 of this product's 7 reviews it has read" in _captions(at)
    assert "over all of this product's reviews" not in _captions(at)


# --- 5. the Reviews page's theme filter names each theme apart -------------------------------

def test_theme_names_tell_every_theme_apart(shop, monkeypatch):
    at = open_page(shop, monkeypatch, "views/reviews.py")
    box = at.selectbox(key="rv_theme")
    names = box.options
    assert len(names) == len(set(names)) == 1 + len(THEMES)
    assert "need: wireless charging (all products, 21 sentences)" in names
    assert "need: wireless charging (Audio, 18 sentences)" in names
    assert {"need: wireless charging (Audio, 3 sentences) #1",
            "need: wireless charging (Audio, 3 sentences) #2"} <= set(names)
    # links keep naming a theme by its id
    at = open_page(shop, monkeypatch, "views/reviews.py", rv_theme="category:Audio:need:12")
    box = at.selectbox(key="rv_theme")
    assert box.value == "category:Audio:need:12"
    assert box.format_func(box.value) == "need: wireless charging (Audio, 3 sentences) #2"
    assert any("**1** reviews match" in m.value for m in at.markdown)


def test_theme_names_of_an_empty_list():
    empty = pd.DataFrame(columns=["theme_id", "kind", "label", "scope", "size"])
    assert queries.theme_names(empty) == []


# --- 6. the Themes page follows the rating and source filters ---------------------------------

def _theme(shop, **filters) -> tuple[tuple[int, int], int]:
    """((sentences now, before), sentences in the kept reviews) of the complaint theme."""
    table = queries.themes(shop, queries.store_stamp(shop), "complaint", queries.Filters(period_days=30, **filters), NOW)
    row = table.set_index("theme_id").loc["all:complaint:0"]
    return (int(row["sentences_now"]), int(row["sentences_before"])), int(row.get("sentences", -1))


def test_themes_follow_the_rating_and_source_filters(shop):
    assert _theme(shop) == ((5, 2), 7)
    assert _theme(shop, max_rating=1)[0] == (2, 1)
    assert _theme(shop, min_rating=5)[0] == _theme(shop, sources=("shopB",))[0] == (3, 1)
    # the From date keeps the periods whole, and cuts the sentences counted
    assert _theme(shop, start=date(2025, 6, 15))[0] == (5, 2)
    assert [_theme(shop, **f)[1] for f in ({"max_rating": 1}, {"min_rating": 5}, {"start": date(2025, 6, 15)})] == [3, 4, 3]


def test_themes_page_follows_the_rating_filter_and_says_how(shop, monkeypatch):
    at = open_page(shop, monkeypatch, "views/themes.py", f_stars=["1", "1"], f_period="30")
    row = at.dataframe[0].value.set_index("Theme").loc["battery dies"]
    assert (row["Last period"], row["Period before"], row["Trend"]) == (2, 1, 1)
    assert row["Sentences"] == 3
    caption = _captions(at)
    assert "ratings and sources keep" in caption and "From date does not shorten" in caption


def test_frame_doctests():
    import doctest

    from dashboard import frame

    result = doctest.testmod(frame)
    assert result.attempted > 0 and result.failed == 0
