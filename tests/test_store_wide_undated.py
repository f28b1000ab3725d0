"""A review without a date has no month: the monthly aspect counts (and the overview's store-wide
emerging complaints that read them) leave it out, as the insights' recent window does; an old
page crawled today is not a recent complaint."""
from __future__ import annotations

from datetime import date, timedelta

from analysis.pipeline import run_analysis
from dashboard import queries
from data import store
from pipeline_fakes import fake_models, make_store


def _store(db: str) -> None:
    today = date.today()
    praised = [{"product_id": "p1", "author": f"d{i}", "rating": 5, "body": "The lid is great.",
                "published_at": (today - timedelta(days=20 + 5 * i)).isoformat()} for i in range(12)]
    # a page that shows no date, collected today: six complaints of unknown age
    undated = [{"product_id": "p1", "author": f"u{i}", "rating": 1, "published_at": None,
                "body": f"The lid broke on day {i}."} for i in range(6)]
    make_store(db, praised + undated)


def test_undated_reviews_count_in_no_month_and_make_no_emerging_complaint(db_path):
    _store(db_path)
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    # the undated complaints are analysed ...
    assert store.query(db_path, "SELECT count(*) FROM aspect_mentions m JOIN reviews r USING (review_id) "
                                "WHERE r.published_at IS NULL AND m.polarity = 'negative'").scalar() == 6
    # ... but have no month
    assert store.query(db_path, "SELECT sum(positive), sum(negative) FROM aspect_monthly "
                                "WHERE aspect = 'lid'").rows == [(12, 0)]
    assert store.query(db_path, "SELECT count(*) FROM aspect_monthly WHERE month IS NULL "
                                "OR month > date_trunc('month', current_date)").scalar() == 0
    # the overview's emerging complaints agree with the product's insights: the lid is praised
    last = store.query(db_path, "SELECT max(published_at) FROM reviews").scalar()
    emerging = queries.emerging_complaints(db_path, 0.0, queries.Filters(), last)
    assert "lid" not in set(emerging["aspect"])
    assert store.query(db_path, "SELECT kind FROM product_insights WHERE name = 'lid'").rows == [("strength",)]
    assert store.query(db_path, "SELECT count(*) FROM emerging_complaints").scalar() == 0


def test_without_a_filter_the_aspect_counts_are_the_monthly_tables_plus_the_undated_reviews(db_path):
    """What dashboard.queries.aspect_facts says of itself."""
    _store(db_path)
    run_analysis(db_path, models=fake_models(), progress=False)
    stamp = queries.store_stamp(db_path)
    shown = queries.aspect_sentiment(db_path, stamp, ("p1",), queries.Filters())
    lid = shown[shown["aspect"] == "lid"].iloc[0]
    assert (lid["positive"], lid["negative"]) == (12, 6)      # 12 dated (the monthly table's) + 6 undated
