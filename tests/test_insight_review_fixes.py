"""Counting rules the findings, the reports and the dashboard share, each pinned by a small
hand-made store: terms inside a need phrase are no aspect mention anywhere; a need is counted by
sentences, not by phrases; a weakness's quotes read as complaints before neutral sentences and
praise; a review dated after "now" is in neither window; reviews.csv names aspects as the
aspects report counts them; summary.csv documents how it ranks."""
from __future__ import annotations

import json
import os

import pytest

from analysis import report
from test_insights import _add_review, _hand_store


def _add_need(con, rid: str, text: str, phrase: str, need: str, nth: int = 0, product: str = "p") -> None:
    """A need row for ``phrase`` in the one-sentence review ``rid`` whose text is ``text``
    (``nth``: which occurrence of the phrase, counted from 0)."""
    start = -1
    for _ in range(nth + 1):
        start = text.lower().index(phrase, start + 1)
    con.execute("INSERT INTO needs VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 1)",
                [f"{rid}:0", rid, product, phrase, need, start, start + len(phrase)])


def _add_product(con, product: str = "p") -> None:
    con.execute("INSERT INTO products (product_id, source, title, first_seen, last_seen) "
                "VALUES (?, 't', ?, now(), now())", [product, product.upper()])


def _write_insights(con) -> list[dict]:
    """Run the findings over the hand-made store and store them, as the job's last step does."""
    from analysis.insights import compute_insights
    from analysis.store_wide import _INSIGHT_COLUMNS, _insert

    con.execute("INSERT INTO analysis_runs (run_id, started_at, status) VALUES (1, now(), 'ok')")
    insights, _ = compute_insights(con, 1)
    _insert(con, "product_insights", _INSIGHT_COLUMNS, insights)
    return insights


WISH = "I wish it had a longer cable."


def test_terms_inside_a_need_phrase_count_nowhere_as_aspect_mentions(tmp_path):
    """Findings, aspects.csv, aspect_monthly, reviews.csv and the dashboard's aspect charts count
    the same sentences: the cable asked for in "I wish it had a longer cable" is none of them."""
    from analysis.insights import NOT_FINDINGS
    from analysis.store_wide import _MONTHLY
    from dashboard import queries

    db = tmp_path / "needs_terms.duckdb"
    con = _hand_store(db)
    _add_product(con)
    for i in range(3):
        _add_review(con, f"short{i}", f"2024-06-0{i + 1}", [("The cable is short.", "negative", 0.9,
                                                            [("cable", "cable", "negative")])])
    _add_review(con, "great", "2024-06-10", [("The cable is great.", "positive", 0.9,
                                              [("cable", "cable", "positive")])])
    for i in range(2):
        _add_review(con, f"wish{i}", f"2024-06-1{i + 1}", [(WISH, "neutral", 0.8, [("cable", "cable", "neutral")])])
        _add_need(con, f"wish{i}", WISH, "a longer cable", "longer cable")
    cable = [row for row in _write_insights(con) if row["name"] == "cable"]
    con.execute(_MONTHLY, [sorted(NOT_FINDINGS), 1]).fetchall()
    monthly = con.execute("SELECT aspect, positive, negative, neutral FROM aspect_monthly").fetchall()
    con.close()

    assert [(row["kind"], row["mentions"], row["share"]) for row in cable] == [("weakness", 4, 0.75)]
    aspects = report.build(str(db), "aspects")
    assert aspects[["aspect", "mentions", "positive", "negative", "neutral", "negative_share"]].values.tolist() == [
        ["cable", 4, 1, 3, 0, 0.75]]
    assert monthly == [("cable", 1, 3, 0)]
    charts = queries.aspect_sentiment(str(db), os.path.getmtime(db), ("p",), queries.Filters())
    assert charts[["aspect", "positive", "negative", "neutral", "mentions"]].values.tolist() == [["cable", 1, 3, 0, 4]]
    reviews = report.build(str(db), "reviews").set_index("review_id")
    assert reviews.loc["wish0", ["aspects_positive", "aspects_negative"]].isna().all()
    assert reviews.loc["short0", "aspects_negative"] == "cable"


TIMER_TWICE = "I wish it had a timer, and it really needs a timer."


def test_a_need_is_counted_by_reviews_not_by_its_phrases_or_sentences(tmp_path):
    """One sentence naming a need twice is one sentence in needs.csv, and one review asking for it
    in two sentences is one mention in the findings (stop 30: a mention is a review), so a need
    said in two sentences of one review weighs as much as one said three times in one."""
    db = tmp_path / "needs_double.duckdb"
    con = _hand_store(db)
    _add_review(con, "twice", "2024-06-01", [(TIMER_TWICE, "neutral", 0.7, [])])
    _add_need(con, "twice", TIMER_TWICE, "a timer", "timer", 0)
    _add_need(con, "twice", TIMER_TWICE, "a timer", "timer", 1)
    _add_review(con, "once", "2024-06-02", [("I wish it had a timer.", "neutral", 0.8, [])])
    _add_need(con, "once", "I wish it had a timer.", "a timer", "timer")
    # a review asking for a lock three times in one sentence, and one asking for a light in two
    thrice = "It needs a lock, a lock, really a lock."
    _add_review(con, "lock", "2024-06-03", [(thrice, "neutral", 0.9, [])])
    for nth in range(3):
        _add_need(con, "lock", thrice, "a lock", "lock", nth)
    _add_review(con, "light", "2024-06-04", [("I wish it had a light.", "neutral", 0.9, []),
                                            ("Please add a light.", "neutral", 0.8, [])])
    body = "I wish it had a light. Please add a light."
    for i, start in enumerate((body.index("a light"), body.rindex("a light"))):
        con.execute("INSERT INTO needs VALUES (?, 'light', 'p', 'a light', 'light', NULL, ?, ?, 1)",
                    [f"light:{i}", start, start + len("a light")])
    needs = {row["name"]: row for row in _write_insights(con) if row["kind"] == "need"}
    con.close()

    assert {name: row["mentions"] for name, row in needs.items()} == {"timer": 2, "lock": 1, "light": 1}
    assert [q["review_id"] for q in json.loads(needs["timer"]["quotes"])] == ["once", "twice"]
    assert len(json.loads(needs["lock"]["quotes"])) == 1
    assert len(json.loads(needs["light"]["quotes"])) == 1       # each quote from another review
    assert needs["light"]["share"] == needs["lock"]["share"]    # one review each
    frame = report.build(str(db), "needs").set_index("need")
    assert frame.loc["timer", ["mentions", "reviews"]].tolist() == [2, 2]
    assert frame.loc["lock", ["mentions", "reviews"]].tolist() == [1, 1]
    assert frame.loc["light", ["mentions", "reviews"]].tolist() == [2, 1]
    summary = report.build(str(db), "summary")
    assert dict(zip(summary["name"], summary["mentions"])) == {"timer": 2, "lock": 1, "light": 1}


def test_a_weakness_quotes_complaints_then_neutral_sentences_and_praise_only_last(tmp_path):
    from analysis.insights import compute_insights

    con = _hand_store(tmp_path / "quotes.duckdb")
    # the aspect model reads the lid as criticised in all of them
    sentences = [("The lid broke after a week.", "negative", 0.90),
                 ("Best kettle ever, I love it, even the lid!", "positive", 0.99),
                 ("The lid is okay, it does the job.", "neutral", 0.70)]
    for i, (text, label, score) in enumerate(sentences):
        _add_review(con, f"r{i}", f"2024-06-0{i + 1}", [(text, label, score, [("lid", "lid", "negative")])])
    lid = [row for row in compute_insights(con, 1)[0] if row["name"] == "lid"][0]
    assert [q["review_id"] for q in json.loads(lid["quotes"])] == ["r0", "r2", "r1"]
    # with enough complaints and neutral sentences, the praise is not quoted at all
    _add_review(con, "r3", "2024-06-04", [("The lid wobbles.", "neutral", 0.60, [("lid", "lid", "negative")])])
    lid = [row for row in compute_insights(con, 1)[0] if row["name"] == "lid"][0]
    assert [q["review_id"] for q in json.loads(lid["quotes"])] == ["r0", "r2", "r3"]
    con.close()


def test_a_review_dated_after_now_is_in_neither_window(tmp_path):
    from datetime import date

    from analysis.insights import compute_insights, reference_date

    con = _hand_store(tmp_path / "future.duckdb")
    praise = [("The lid is great.", "positive", 0.9, [("lid", "lid", "positive")])]
    for i in range(10):
        _add_review(con, f"old{i}", f"2023-{1 + i:02d}-05", praise)
    for i in range(3):
        _add_review(con, f"new{i}", f"2024-06-{10 + i:02d}", praise)
    # a typo'd year: a complaint that also asks for a timer
    _add_review(con, "typo", "2062-06-01", [("The lid is bad, I wish it had a timer.", "negative", 0.9,
                                             [("lid", "lid", "negative")])])
    _add_need(con, "typo", "The lid is bad, I wish it had a timer.", "a timer", "timer")
    # the timer asked for once before the window and once in it: no change
    for rid, day in (("need_old", "2023-02-06"), ("need_new", "2024-06-11")):
        _add_review(con, rid, day, [("I wish it had a timer.", "neutral", 0.8, [])])
        _add_need(con, rid, "I wish it had a timer.", "a timer", "timer")
    assert reference_date(con) == date(2024, 6, 12)
    insights = {row["name"]: row for row in compute_insights(con, 1)[0]}
    con.close()
    lid = insights["lid"]
    # counted in the totals, like an undated review, but in neither window: all praise in both
    assert (lid["kind"], lid["mentions"], lid["trend"]) == ("strength", 14, 0.0)
    # reviews voicing it: 1 of the 4 recent ones (new0-2, need_new), 1 of the 11 before
    assert insights["timer"]["mentions"] == 3
    assert insights["timer"]["trend"] == pytest.approx(1 / 4 - 1 / 11)


def test_reviews_csv_lists_aspects_as_the_aspects_report_counts_them(tmp_path):
    db = tmp_path / "reviews_aspects.duckdb"
    con = _hand_store(db)
    # one sentence praising the battery and faulting its charge: one neutral mention of battery;
    # "product" names no finding
    _add_review(con, "r0", "2024-06-01", [("Good product, the battery is great but the charge is slow.", "neutral", 0.6,
                                           [("product", "product", "positive"), ("battery", "battery", "positive"),
                                            ("charge", "battery", "negative")])])
    # praised in one sentence and criticised in another: the review's vote on the lid is a tie,
    # neutral, so it is listed as neither, as aspects.csv counts it (one neutral review)
    _add_review(con, "r1", "2024-06-02", [("The lid is great.", "positive", 0.9, [("lid", "lid", "positive")]),
                                          ("The handle is bad.", "negative", 0.9, [("handle", "handle", "negative")]),
                                          ("The lid leaks.", "negative", 0.9, [("lid", "lid", "negative")])])
    con.close()
    reviews = report.build(str(db), "reviews").set_index("review_id")
    assert reviews.loc["r0", ["aspects_positive", "aspects_negative"]].isna().all()
    assert reviews.loc["r1", ["aspects_positive", "aspects_negative"]].tolist() == [None, "handle"]
    aspects = report.build(str(db), "aspects").set_index("aspect")
    assert aspects.loc["battery", ["mentions", "positive", "negative", "neutral"]].tolist() == [1, 0, 0, 1]
    assert aspects.loc["lid", ["mentions", "positive", "negative", "neutral"]].tolist() == [1, 0, 0, 1]
    assert "product" not in aspects.index


def test_summary_rank_is_documented_as_the_order_it_is(tmp_path):
    """The strength with fewer mentions can be rank 1: the rank is mentions on its side times
    confidence, and the column's meaning says so (the README repeats it, test_report checks)."""
    from analysis.insights import compute_insights

    con = _hand_store(tmp_path / "rank.duckdb")
    for i in range(8):
        _add_review(con, f"lid{i}", f"2024-05-{i + 1:02d}", [("The lid is great.", "positive", 0.9,
                                                              [("lid", "lid", "positive")])])
    for i in range(20):
        polarity = "positive" if i < 11 else "negative"
        _add_review(con, f"h{i}", f"2024-06-{i + 1:02d}", [("The handle is ok.", polarity, 0.9,
                                                            [("handle", "handle", polarity)])])
    strengths = sorted((row["rank"], row["name"], row["mentions"]) for row in compute_insights(con, 1)[0]
                       if row["kind"] == "strength")
    con.close()
    assert strengths == [(1, "lid", 8), (2, "handle", 20)]
    meaning = dict(report.COLUMNS["summary"])["rank"]
    assert "most mentioned" not in meaning and "confidence" in meaning and "mentions" in meaning


def test_a_review_dated_the_day_after_the_utc_collection_day_is_now(tmp_path):
    # A shop at UTC+2 crawled at 00:30 its time (22:30 UTC the day before) dates its newest
    # reviews a day after the collection's UTC day: they are the newest, not typos.
    from datetime import date

    from analysis.insights import reference_date

    con = _hand_store(tmp_path / "zone.duckdb")
    praise = [("The lid is great.", "positive", 0.9, [("lid", "lid", "positive")])]
    for rid, day in (("a", "2024-06-01"), ("b", "2024-06-05"), ("c", "2024-06-10"), ("d", "2024-06-10")):
        _add_review(con, rid, day, praise, collected="2024-06-09 22:30:00")
    _add_review(con, "typo", "2024-06-12", praise, collected="2024-06-09 22:30:00")  # two days on: a typo
    assert reference_date(con) == date(2024, 6, 10)
    con.close()
