"""Aspect counts count customers: a review is one vote per product and aspect, the majority of
its sentences' votes, however many of its sentences name the aspect.

One long review faulting the battery in twelve sentences used to be twelve complaints and
outvote ten reviews praising it once each; a merchant reads these counts as "how many customers
say so". Each test builds a small real DuckDB store by hand (tests/test_insights.py's helpers)
and checks the findings, the emerging-complaint test, the monthly table, the reports and the
dashboard's charts agree on the review count.
"""
from __future__ import annotations

import json
import os
from datetime import date

from analysis import report
from analysis.insights import NOT_FINDINGS, compute_insights
from analysis.store_wide import _MONTHLY
from dashboard import queries
from test_insight_review_fixes import _add_product, _write_insights
from test_insights import _add_review, _hand_store

PRAISE = "The battery lasts for days."
RANT = [f"The battery died again on day {i}." for i in range(12)]


def _battery_store(path) -> None:
    """Ten reviews praising the battery once each and one review faulting it in twelve sentences,
    all in June 2024; the findings and the monthly table written as the job writes them."""
    con = _hand_store(path)
    _add_product(con)
    for i in range(10):
        _add_review(con, f"fan{i}", f"2024-06-{i + 1:02d}", [(PRAISE if i % 2 else f"Battery {i} is great.",
                                                              "positive", 0.9 - i / 100,
                                                              [("battery", "battery", "positive")])])
    _add_review(con, "rant", "2024-06-20", [(text, "negative", 0.99, [("battery", "battery", "negative")])
                                            for text in RANT])
    _write_insights(con)
    con.execute(_MONTHLY, [sorted(NOT_FINDINGS), 1]).fetchall()
    con.close()


def test_one_long_complaint_does_not_outvote_ten_reviews_of_praise(tmp_path):
    db = tmp_path / "battery.duckdb"
    _battery_store(db)
    con = _hand_store(db)
    insights, _ = compute_insights(con, 1)
    con.close()
    battery = [row for row in insights if row["name"] == "battery"]
    assert [(row["kind"], row["mentions"]) for row in battery] == [("strength", 11)]
    assert battery[0]["share"] == 10 / 11
    # the quotes are praise, from the reviews that praise it, never the rant
    quotes = json.loads(battery[0]["quotes"])
    assert len(quotes) == 3 and all(q["review_id"].startswith("fan") for q in quotes)


def test_the_monthly_table_the_reports_and_the_charts_count_the_same_reviews(tmp_path):
    db = tmp_path / "battery.duckdb"
    _battery_store(db)
    con = _hand_store(db)
    monthly = con.execute(
        "SELECT sum(positive), sum(negative), sum(neutral) FROM aspect_monthly WHERE aspect = 'battery'").fetchall()
    con.close()
    assert monthly == [(10, 1, 0)]
    aspects = report.build(str(db), "aspects").set_index("aspect")
    assert aspects.loc["battery", ["mentions", "positive", "negative", "neutral", "reviews"]].tolist() == [
        11, 10, 1, 0, 11]
    assert aspects.loc["battery", "example_negative"] in RANT
    summary = report.build(str(db), "summary")
    assert summary[summary["name"] == "battery"][["finding", "mentions"]].values.tolist() == [["strength", 11]]
    reviews = report.build(str(db), "reviews")
    assert (reviews["aspects_positive"] == "battery").sum() == 10
    assert (reviews["aspects_negative"] == "battery").sum() == 1
    charts = queries.aspect_sentiment(str(db), os.path.getmtime(db), ("p",), queries.Filters())
    assert charts[["aspect", "positive", "negative", "neutral", "mentions"]].values.tolist() == [
        ["battery", 10, 1, 0, 11]]


def test_one_recent_review_with_many_complaint_sentences_is_no_emerging_complaint(tmp_path):
    db = tmp_path / "emerging.duckdb"
    con = _hand_store(db)
    _add_product(con)
    for i in range(10):
        _add_review(con, f"old{i}", f"2023-{1 + i:02d}-05", [("The battery is great.", "positive", 0.9,
                                                              [("battery", "battery", "positive")])])
    _add_review(con, "rant", "2024-06-10", [(text, "negative", 0.9, [("battery", "battery", "negative")])
                                            for text in RANT[:8]])
    insights, emerging = compute_insights(con, 1)
    # one customer is no trend, however many sentences: 1 recent mention, not 8
    assert emerging == []
    battery = [row for row in insights if row["name"] == "battery"][0]
    assert (battery["kind"], battery["mentions"]) == ("strength", 11)
    # the overview's store-wide list counts the same: one complaint now
    _write_insights(con)
    con.execute(_MONTHLY, [sorted(NOT_FINDINGS), 1]).fetchall()
    con.close()
    growing = queries.emerging_complaints(str(db), os.path.getmtime(db), queries.Filters(), date(2024, 6, 10))
    assert growing[growing["aspect"] == "battery"]["negative_now"].tolist() == [1]

    # five more customers complaining once each are a trend: six recent reviews, all complaints
    con = _hand_store(db)
    for i in range(5):
        _add_review(con, f"new{i}", f"2024-06-0{i + 1}", [(f"Battery {i} is weak.", "negative", 0.8,
                                                          [("battery", "battery", "negative")])])
    _, emerging = compute_insights(con, 1)
    con.close()
    assert [(e["aspect"], e["recent_mentions"], e["recent_negative"], e["before_mentions"], e["before_negative"])
            for e in emerging] == [("battery", 6, 6, 10, 0)]
    quotes = json.loads(emerging[0]["quotes"])
    assert len({q["review_id"] for q in quotes}) == len(quotes) == 3


def test_a_review_votes_by_the_majority_of_its_sentences_and_quotes_only_on_its_side(tmp_path):
    con = _hand_store(tmp_path / "majority.duckdb")
    for i in range(3):
        _add_review(con, f"bad{i}", f"2024-06-0{i + 1}", [(f"The lid cracked in week {i}.", "negative", 0.8,
                                                          [("lid", "lid", "negative")])])
    # mostly praise: a positive vote, so its complaint (the surest sentence) is no lid-weakness quote
    _add_review(con, "mostly", "2024-06-05", [("The lid is lovely.", "positive", 0.9, [("lid", "lid", "positive")]),
                                              ("The lid seals well.", "positive", 0.9, [("lid", "lid", "positive")]),
                                              ("The lid squeaks a bit.", "negative", 0.99, [("lid", "lid", "negative")])])
    # one up, one down: a tie, neutral
    _add_review(con, "tie", "2024-06-06", [("The lid is nice.", "positive", 0.9, [("lid", "lid", "positive")]),
                                           ("The lid sticks.", "negative", 0.95, [("lid", "lid", "negative")])])
    insights, _ = compute_insights(con, 1)
    con.close()
    lid = [row for row in insights if row["name"] == "lid"]
    assert [(row["kind"], row["mentions"], row["share"]) for row in lid] == [("weakness", 5, 3 / 5)]
    assert [q["review_id"] for q in json.loads(lid[0]["quotes"])] == ["bad0", "bad1", "bad2"]
