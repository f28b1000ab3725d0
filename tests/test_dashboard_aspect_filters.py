"""The aspect charts of the Product and Compare pages follow every sidebar filter (days, stars,
sources, categories), on a store the real analysis job filled; with no filter they count what the
job's monthly table counts."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analysis.insights import NOT_FINDINGS
from analysis.pipeline import run_analysis
from dashboard import queries
from data import store
from pipeline_fakes import ASPECTS, FakeAspects, Term, fake_models, label_of, make_store
from app_pages import open_page

# (product, stars, source, body). Some sentences name one aspect twice with one polarity (one
# mention, not two), with two polarities (a tie: neutral) or three terms (the majority wins), and
# one names "product" (no finding: left out of the monthly table).
BODIES = [
    ("kettle", 5, "shop.test", "Great kettle, love it. The lid is excellent."),
    ("kettle", 1, "feb.csv", "The lid broke after a week. The handle is flimsy."),
    ("kettle", 2, "feb.csv", "The lid is great but the lid hinge is bad. I wish it had a longer cable."),
    ("kettle", 4, "shop.test", "The price is good. The lid is great."),
    ("kettle", 3, "shop.test", "This product is nice, the handle is hot."),
    ("kettle", 1, "shop.test", "The handle is terrible, the handle is hot and the price is bad."),
    ("speaker", 1, "feb.csv", "Battery life is poor. It needs a longer cable."),
    ("speaker", 5, "shop.test", "The battery is excellent, the charge is great but the battery life is poor."),
    ("speaker", 3, "shop.test", "The sound is nice but the battery dies fast, which is bad."),
    ("speaker", 2, "feb.csv", "The price is bad, the sound is lovely. The cable is short."),
    ("speaker", 4, "feb.csv", "The strap is sturdy. The price is good and the lid is great."),
    ("speaker", 1, "shop.test", "The lid is flimsy, the cable is bad and the price is terrible."),
]
CLAUSE_END = re.compile(r",|;| but | and ")


class ClauseAspects(FakeAspects):
    """The fake aspect terms, plus "product", each with the sentiment of its own clause, so one
    sentence can hold terms of one aspect with different polarities."""

    def extract(self, texts):
        out = []
        for text in texts:
            found = []
            for term in sorted([*ASPECTS, "product"], key=len, reverse=True):
                for m in re.finditer(rf"\b{re.escape(term)}\b", text, flags=re.I):
                    if not any(f.start <= m.start() < f.end for f in found):
                        found.append(Term(text[m.start():m.end()], m.start(), m.end(), _clause_label(text, m.start())))
            out.append(sorted(found, key=lambda t: t.start))
        return out


def _clause_label(text: str, at: int) -> str:
    starts = [0] + [m.end() for m in CLAUSE_END.finditer(text) if m.end() <= at]
    ends = [m.start() for m in CLAUSE_END.finditer(text) if m.start() >= at] + [len(text)]
    return label_of(text[max(starts):min(ends)])[0]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("aspect_filters") / "shop.duckdb")
    rows = []
    for i in range(4):
        for k, (pid, stars, source, body) in enumerate(BODIES):
            rows.append({"product_id": pid, "author": f"a{i}{k}", "rating": stars, "source": source,
                         "published_at": date(2024, 1 + (i * 5 + k) % 6, 1 + (k * 3 + i * 7) % 28),
                         "body": body, "url": f"https://shop.test/{pid}#r{i}{k}"})
    make_store(db, rows, products=[
        {"product_id": "kettle", "source": "shop.test", "title": "Steel Kettle", "category": "Kitchen"},
        {"product_id": "speaker", "source": "shop.test", "title": "Beach Speaker", "category": "Audio"}])
    result = run_analysis(db, models=replace(fake_models(), aspects=ClauseAspects()), progress=False)
    assert result["status"] == "ok", result
    return db


def expected_counts(db: str, keep) -> dict[tuple[str, str], dict[str, int]]:
    """``{(product_id, aspect): {"positive", "negative", "neutral"}}`` counted here in Python from
    the job's terms: a sentence is one mention with the polarity most of its terms of the aspect
    have (a tie: neutral), names that are no finding and terms inside a need phrase (asked for,
    not judged) left out, only reviews ``keep(review)`` keeps."""
    rows = store.query(db, """
        SELECT m.product_id, m.aspect, m.sentence_id, m.polarity, r.rating, r.source, r.published_at,
               EXISTS (SELECT 1 FROM needs d WHERE d.sentence_id = m.sentence_id
                       AND d.start_char <= m.start_char AND m.end_char <= d.end_char) AS asked
        FROM aspect_mentions m JOIN reviews r USING (review_id)""").dicts()
    votes: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        if keep(row) and row["aspect"].lower() not in NOT_FINDINGS and not row["asked"]:
            votes[(row["product_id"], row["aspect"], row["sentence_id"])][row["polarity"]] += 1
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: {"positive": 0, "negative": 0, "neutral": 0})
    for (pid, aspect, _), vote in votes.items():
        side = ("positive" if vote["positive"] > vote["negative"] else
                "negative" if vote["negative"] > vote["positive"] else "neutral")
        counts[(pid, aspect)][side] += 1
    return dict(counts)


def shown_counts(table) -> dict[tuple[str, str], dict[str, int]]:
    return {(r.product_id, r.aspect): {"positive": r.positive, "negative": r.negative, "neutral": r.neutral}
            for r in table.itertuples()}


def monthly_counts(db: str, where: str = "TRUE") -> dict[tuple[str, str], dict[str, int]]:
    rows = store.query(db, f"""
        SELECT product_id, aspect, sum(positive) AS positive, sum(negative) AS negative, sum(neutral) AS neutral
        FROM aspect_monthly WHERE {where} GROUP BY ALL""").dicts()
    return {(r["product_id"], r["aspect"]): {k: int(r[k]) for k in ("positive", "negative", "neutral")}
            for r in rows}


def test_the_store_holds_the_cases_the_counting_rule_is_about(analysed):
    """One sentence with two terms of one aspect, a tie, and a name that is no finding: without
    them the tests below could not tell a mention from a sentence."""
    per_sentence = store.query(analysed, """
        SELECT count(*) AS terms, count(DISTINCT polarity) AS polarities FROM aspect_mentions
        GROUP BY sentence_id, aspect""").rows
    assert any(terms > 1 and polarities == 1 for terms, polarities in per_sentence)
    assert any(terms == 2 and polarities == 2 for terms, polarities in per_sentence)
    assert store.query(analysed, "SELECT count(*) FROM aspect_mentions WHERE aspect = 'product'").scalar() > 0
    assert store.query(analysed, """
        SELECT count(*) FROM aspect_mentions m JOIN needs d USING (sentence_id)
        WHERE d.start_char <= m.start_char AND m.end_char <= d.end_char""").scalar() > 0


def test_without_filters_the_counts_are_the_monthly_tables(analysed):
    stamp = queries.store_stamp(analysed)
    everything = queries.aspect_sentiment(analysed, stamp, ("kettle", "speaker"), queries.Filters())
    assert shown_counts(everything) == monthly_counts(analysed)
    assert "product" not in set(everything["aspect"])
    assert (everything["mentions"] == everything[["positive", "negative", "neutral"]].sum(axis=1)).all()
    assert set(everything["product"]) == {"Steel Kettle", "Beach Speaker"}
    # whole months of the date filter: the months of the monthly table
    months = queries.Filters(start=date(2024, 2, 1), end=date(2024, 4, 30))
    assert shown_counts(queries.aspect_sentiment(analysed, stamp, ("kettle", "speaker"), months)) == \
        monthly_counts(analysed, "month BETWEEN DATE '2024-02-01' AND DATE '2024-04-01'")


def test_the_query_counts_only_the_kept_reviews(analysed):
    stamp = queries.store_stamp(analysed)
    f = queries.Filters(start=date(2024, 2, 10), end=date(2024, 5, 20), min_rating=1, max_rating=3,
                        sources=("feb.csv",), categories=("Audio",))
    shown = shown_counts(queries.aspect_sentiment(analysed, stamp, ("kettle", "speaker"), f))
    expected = expected_counts(analysed, lambda r: r["product_id"] == "speaker" and r["rating"] <= 3
                               and r["source"] == "feb.csv"
                               and date(2024, 2, 10) <= r["published_at"] <= date(2024, 5, 20))
    assert shown == expected and expected


# --- the pages --------------------------------------------------------------------------------

def _plotly_values(value) -> list:
    """Plotly writes numeric arrays as base64 ``{"dtype", "bdata"}``; give plain lists back."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def aspect_chart(at: AppTest) -> dict[str, dict[str, int]]:
    """The product page's aspect chart as ``{aspect: {polarity: mentions}}`` (zeros left out)."""
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"]["title"]["text"].startswith("Aspect sentiment"))
    shown: dict[str, dict[str, int]] = defaultdict(dict)
    for trace in spec["data"]:
        for aspect, n in zip(_plotly_values(trace["y"]), _plotly_values(trace["x"])):
            if n:
                shown[aspect][trace["name"]] = int(n)
    return dict(shown)


def of_product(counts: dict, product_id: str) -> dict[str, dict[str, int]]:
    return {aspect: {side: n for side, n in sides.items() if n}
            for (pid, aspect), sides in counts.items() if pid == product_id and any(sides.values())}


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_product_chart_follows_the_rating_filter(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch, "views/product.py", product="kettle", f_stars=["1", "2"])
    expected = of_product(expected_counts(analysed, lambda r: round(r["rating"]) <= 2), "kettle")
    assert aspect_chart(at) == expected
    assert expected != of_product(expected_counts(analysed, lambda r: True), "kettle")
    assert "1–2 stars" in captions(at) and "over the whole months" not in captions(at)


def test_product_chart_follows_the_source_filter(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch, "views/product.py", product="speaker", f_src=["feb.csv"])
    expected = of_product(expected_counts(analysed, lambda r: r["source"] == "feb.csv"), "speaker")
    assert aspect_chart(at) == expected
    assert expected != of_product(expected_counts(analysed, lambda r: True), "speaker")
    assert "source feb\\.csv" in captions(at)


def test_product_chart_follows_the_dates_by_the_day(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch, "views/product.py", product="kettle",
              f_from="2024-02-10", f_to="2024-03-20")
    in_days = of_product(expected_counts(
        analysed, lambda r: date(2024, 2, 10) <= r["published_at"] <= date(2024, 3, 20)), "kettle")
    assert aspect_chart(at) == in_days
    in_months = of_product(expected_counts(
        analysed, lambda r: date(2024, 2, 1) <= r["published_at"] <= date(2024, 3, 31)), "kettle")
    assert in_days != in_months


def test_compare_table_follows_the_rating_and_source_filters(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch, "views/compare.py", compare=["kettle", "speaker"],
              f_stars=["1", "3"], f_src=["shop.test"])
    at.slider(key="compare_min").set_value(1).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("Aspect")
    expected = expected_counts(analysed, lambda r: round(r["rating"]) <= 3 and r["source"] == "shop.test")
    everything = expected_counts(analysed, lambda r: True)
    names = {"kettle": "Steel Kettle", "speaker": "Beach Speaker"}
    common = ({a for p, a in expected if p == "kettle"} & {a for p, a in expected if p == "speaker"})
    assert set(table.index) == common and common
    for aspect in common:
        for pid, name in names.items():
            sides = expected[(pid, aspect)]
            mentions = sum(sides.values())
            assert table.loc[aspect, f"{name}: mentions"] == mentions
            assert table.loc[aspect, f"{name}: positive share"] == pytest.approx(sides["positive"] / mentions)
            assert table.loc[aspect, f"{name}: negative share"] == pytest.approx(sides["negative"] / mentions)
    assert any(expected[key] != everything[key] for key in expected)
    assert "1–3 stars, source shop\\.test" in captions(at)


def test_a_run_stopped_before_grouping_still_shows_known_terms_under_their_group(tmp_path):
    # New mentions are written with their raw terms and grouped only by the store-wide step at
    # the end of a run: while a run is under way (or after one stopped there) the chart groups a
    # known term by the last step's aspect_labels, so "battery life" is not split from battery.
    import dataclasses

    from analysis.pipeline import run_analysis
    from dashboard import queries
    from data import store
    from pipeline_fakes import fake_models, make_store, review_rows

    db = str(tmp_path / "stopped.duckdb")
    make_store(db, review_rows([("p2", 1, "2024-05-14", "Battery life is poor."),
                         ("p2", 5, "2024-06-15", "The battery is excellent.")]))
    assert run_analysis(db, models=fake_models(), progress=False)["status"] == "ok"
    assert store.query(db, "SELECT aspect FROM aspect_labels WHERE term = 'battery life'").scalar() == "battery"
    make_store(db, review_rows([("p3", 2, "2024-09-01", "The Battery Life is poor.")], start=10))

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt("stopped in the store-wide step")
    with pytest.raises(KeyboardInterrupt):
        run_analysis(db, models=dataclasses.replace(fake_models(), group_aspects=stopped), progress=False)
    assert store.query(db, "SELECT aspect FROM aspect_mentions WHERE product_id = 'p3'").scalar() == "battery life"
    table = queries.aspect_sentiment(db, queries.store_stamp(db), ("p3",), queries.Filters())
    assert table[["aspect", "negative"]].values.tolist() == [["battery", 1]]
