"""Per-product insights: the stored numbers equal the same rules computed in SQL here."""
from __future__ import annotations

import json
import math
from datetime import date

import pytest

from analysis.insights import two_proportion_test, wilson_lower
from analysis.pipeline import run_analysis
from data import store
from pipeline_fakes import fake_models, make_store


def wilson_sql(k: str, n: str) -> str:
    """The Wilson lower bound written in SQL, so the test does not reuse the code it checks."""
    z = 1.96
    return (f"greatest(0, (({k})/({n}) + {z * z}/(2*({n})) - {z}*sqrt(({k})/({n})*(1-({k})/({n}))/({n}) "
            f"+ {z * z}/(4*({n})*({n})))) / (1 + {z * z}/({n})))")


@pytest.fixture
def analysed(db_path):
    rows = []
    # p1: the lid was praised for a year, then complaints arrive in the last 90 days
    for i in range(10):
        rows.append(("p1", 5, f"2023-{1 + i % 12:02d}-05", "The lid is great. The price is good."))
    for i in range(6):
        rows.append(("p1", 2, f"2024-06-{10 + i:02d}", "The lid broke after a week. I wish it had a longer cable."))
    rows += [("p1", 4, "2024-06-30", "The handle is sturdy. Sound is great."),
             ("p1", 5, "2024-01-20", "The handle gets hot. It needs a longer cable.")]
    # p2: a few mentions only
    rows += [("p2", 5, "2024-03-01", "The battery is excellent."), ("p2", 1, "2024-03-02", "The battery dies in an hour.")]
    make_store(db_path, [{"product_id": p, "author": f"a{i}", "rating": r, "published_at": d, "body": b,
                          "url": f"https://shop.test/{p}#r{i}"} for i, (p, r, d, b) in enumerate(rows)])
    result = run_analysis(db_path, models=fake_models(), progress=False)
    assert result["status"] == "ok"
    return db_path


def test_strengths_and_weaknesses_equal_sql(analysed):
    expected = store.query(analysed, f"""
        WITH said AS (   -- one vote per sentence and aspect, its majority polarity
            SELECT product_id, aspect, review_id, sentence_id,
                   CASE WHEN count(*) FILTER (WHERE polarity = 'positive') > count(*) FILTER (WHERE polarity = 'negative')
                        THEN 'positive'
                        WHEN count(*) FILTER (WHERE polarity = 'negative') > count(*) FILTER (WHERE polarity = 'positive')
                        THEN 'negative' ELSE 'neutral' END AS polarity
            FROM aspect_mentions m
            WHERE NOT EXISTS (SELECT 1 FROM needs d WHERE d.sentence_id = m.sentence_id
                              AND d.start_char <= m.start_char AND m.end_char <= d.end_char)
            GROUP BY ALL),
        votes AS (   -- one mention per review and aspect, the majority of its sentences' votes
            SELECT product_id, aspect, review_id,
                   CASE WHEN count(*) FILTER (WHERE polarity = 'positive') > count(*) FILTER (WHERE polarity = 'negative')
                        THEN 'positive'
                        WHEN count(*) FILTER (WHERE polarity = 'negative') > count(*) FILTER (WHERE polarity = 'positive')
                        THEN 'negative' ELSE 'neutral' END AS polarity
            FROM said GROUP BY ALL),
        a AS (
            SELECT product_id, aspect, count(*) AS n,
                   count(*) FILTER (WHERE polarity = 'positive') AS pos,
                   count(*) FILTER (WHERE polarity = 'negative') AS neg
            FROM votes GROUP BY ALL),
        k AS (
            SELECT product_id, aspect, n, CASE WHEN pos > neg THEN 'strength' ELSE 'weakness' END AS kind,
                   CASE WHEN pos > neg THEN pos ELSE neg END AS hits
            FROM a WHERE pos > neg OR neg > 0)
        SELECT product_id, kind, aspect, n, hits::DOUBLE / n, {wilson_sql('hits::DOUBLE', 'n')},
               row_number() OVER (PARTITION BY product_id, kind
                                  ORDER BY hits * {wilson_sql('hits::DOUBLE', 'n')} DESC, n DESC, aspect)
        FROM k ORDER BY ALL""").rows
    stored = store.query(analysed, """
        SELECT product_id, kind, name, mentions, share, confidence, rank FROM product_insights
        WHERE kind IN ('strength', 'weakness') ORDER BY ALL""").rows
    assert len(stored) == len(expected) > 0
    for got, want in zip(stored, expected):
        assert got[:4] == want[:4] and got[6] == want[6]
        assert got[4] == pytest.approx(want[4]) and got[5] == pytest.approx(want[5])
    sides = {(p, name): kind for p, kind, name, *_ in stored}
    assert sides[("p1", "price")] == "strength" and sides[("p1", "handle")] == "weakness"
    assert sides[("p2", "battery")] == "weakness"     # one up, one down: at least as many negative


def test_small_counts_rank_below_large_ones(analysed):
    ranked = store.query(analysed, "SELECT name, mentions, confidence FROM product_insights "
                                   "WHERE product_id = 'p1' AND kind = 'strength' ORDER BY rank").rows
    assert [r[0] for r in ranked][:1] == ["price"]                   # 10 of 10 beats 1 of 1
    assert ranked[0][2] > ranked[-1][2]


def test_needs_equal_sql_and_quotes_link_to_reviews(analysed):
    expected = store.query(analysed, f"""
        WITH total AS (SELECT product_id, count(*) AS n FROM review_analysis WHERE skipped_reason IS NULL
                       GROUP BY ALL),
             voiced AS (SELECT product_id, need, count(DISTINCT sentence_id) AS mentions,
                               count(DISTINCT review_id) AS reviews
                        FROM needs GROUP BY ALL)
        SELECT v.product_id, v.need, v.mentions, v.reviews::DOUBLE / t.n, {wilson_sql('v.reviews::DOUBLE', 't.n')}
        FROM voiced v JOIN total t USING (product_id) ORDER BY ALL""").rows
    stored = store.query(analysed, "SELECT product_id, name, mentions, share, confidence, quotes "
                                   "FROM product_insights WHERE kind = 'need' ORDER BY ALL").rows
    assert [r[:3] for r in stored] == [r[:3] for r in expected]
    assert [r[1] for r in stored] == ["longer cable"]     # 'a longer cable' in both wordings is one need
    for got, want in zip(stored, expected):
        assert got[3] == pytest.approx(want[3]) and got[4] == pytest.approx(want[4])
    quotes = json.loads(stored[0][5])
    assert 2 <= len(quotes) <= 3 and len({q["review_id"] for q in quotes}) == len(quotes)
    for q in quotes:
        body, url = store.query(analysed, "SELECT body, url FROM reviews WHERE review_id = ?", [q["review_id"]]).rows[0]
        assert body[q["start"]:q["end"]] == q["text"] and q["url"] == url


def test_emerging_complaint_is_found_with_fishers_exact_test(analysed):
    rows = store.query(analysed, "SELECT product_id, aspect, recent_mentions, recent_negative, before_mentions, "
                                 "before_negative, p_value, quotes FROM emerging_complaints").rows
    assert [(r[0], r[1]) for r in rows] == [("p1", "lid")]
    _, _, n1, k1, n2, k2, p, quotes = rows[0]
    # the same counts straight from SQL: the 90 days up to the newest review against before
    counts = store.query(analysed, """
        WITH ref AS (SELECT max(published_at) - INTERVAL 89 DAY AS since FROM reviews)
        SELECT count(*) FILTER (WHERE r.published_at >= ref.since),
               count(*) FILTER (WHERE r.published_at >= ref.since AND m.polarity = 'negative'),
               count(*) FILTER (WHERE r.published_at < ref.since),
               count(*) FILTER (WHERE r.published_at < ref.since AND m.polarity = 'negative')
        FROM aspect_mentions m JOIN reviews r USING (review_id), ref
        WHERE m.product_id = 'p1' AND m.aspect = 'lid'""").rows[0]
    assert (n1, k1, n2, k2) == counts == (6, 6, 10, 0)
    from scipy.stats import fisher_exact

    exact = fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="greater").pvalue
    assert p == pytest.approx(exact) and p < 0.05
    assert all(q["text"] == "The lid broke after a week." for q in json.loads(quotes))
    # overall the lid is still a strength (10 up, 6 down), but its trend shows the fall:
    # all praise before, none in the last 90 days
    kind, trend = store.query(analysed, "SELECT kind, trend FROM product_insights WHERE product_id = 'p1' "
                                        "AND name = 'lid'").rows[0]
    assert kind == "strength" and trend == pytest.approx(-1.0)


def test_aspect_monthly_equals_sql(analysed):
    expected = store.query(analysed, """
        SELECT m.product_id, m.aspect, date_trunc('month', r.published_at)::DATE,
               count(*) FILTER (WHERE polarity = 'positive'), count(*) FILTER (WHERE polarity = 'negative')
        -- one mention per review and aspect (the fixture's reviews never disagree with themselves)
        FROM (SELECT DISTINCT ON (review_id, aspect) * FROM aspect_mentions a
              -- a term inside a need phrase is asked for, not judged: no mention
              WHERE NOT EXISTS (SELECT 1 FROM needs d WHERE d.sentence_id = a.sentence_id
                                AND d.start_char <= a.start_char AND a.end_char <= d.end_char)) m
        JOIN reviews r USING (review_id)
        WHERE lower(m.aspect) NOT IN ('product', 'item', 'top marks') GROUP BY ALL ORDER BY ALL""").rows
    stored = store.query(analysed, "SELECT product_id, aspect, month, positive, negative FROM aspect_monthly "
                                   "ORDER BY ALL").rows
    assert stored == expected


def test_statistics_against_known_values():
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(8, 10) == pytest.approx(0.4902, abs=1e-4)
    assert wilson_lower(2, 2) < wilson_lower(40, 44)
    z, p = two_proportion_test(8, 10, 2, 20)
    assert z == pytest.approx(3.834, abs=1e-3) and p == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)))
    assert two_proportion_test(0, 0, 1, 2) == (0.0, 1.0)


def test_docstring_examples_of_the_ranking_and_emerging_rules():
    import doctest

    import analysis.insights

    result = doctest.testmod(analysis.insights)
    assert result.attempted >= 4 and result.failed == 0


def test_the_product_as_a_whole_and_praise_idioms_are_no_findings(db_path, monkeypatch):
    """'Good product', 'Top marks for the lid', 'the competition is cheaper': the aspect model
    finds these words, but they name nothing a merchant could improve."""
    import pipeline_fakes

    for term, name in [("product", "product"), ("top marks", "top mark"), ("competition", "competition")]:
        monkeypatch.setitem(pipeline_fakes.ASPECTS, term, name)
    make_store(db_path, [{"product_id": "p1", "author": f"a{i}", "rating": 4, "published_at": "2024-05-01",
                          "body": body} for i, body in enumerate(
        ["Great product. Top marks for the lid.", "Good product, great lid.",
         "The lid sticks and the competition is bad."])])
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    mentioned = {r[0] for r in store.query(db_path, "SELECT DISTINCT aspect FROM aspect_mentions").rows}
    assert {"product", "top mark", "competition", "lid"} <= mentioned       # kept in the store
    named = {r[0] for r in store.query(db_path, "SELECT name FROM product_insights").rows}
    assert "lid" in named and not named & {"product", "top mark", "competition"}


def test_a_rise_one_aspect_in_six_shows_by_chance_is_no_emerging_complaint(db_path):
    """Holm's correction over the product's testable aspects: the lid's new defect is flagged, the
    handle's 4 complaints in 7 recent mentions against 2 in 20 before (Fisher's p = 0.024 alone) is not,
    because six aspects were tested."""
    from analysis.insights import is_emerging

    rows = [("The lid is great.", f"2023-{1 + i % 12:02d}-0{1 + i % 9}") for i in range(10)]
    rows += [("The lid broke.", f"2024-06-{10 + i:02d}") for i in range(6)]
    rows += [("The handle is sturdy.", f"2023-{1 + i % 12:02d}-1{i % 9}") for i in range(18)]
    rows += [("The handle is flimsy.", f"2023-0{1 + i}-20") for i in range(2)]
    rows += [("The handle is flimsy.", f"2024-06-0{1 + i}") for i in range(4)]
    rows += [("The handle is sturdy.", f"2024-06-0{5 + i}") for i in range(3)]
    for name in ("screen", "cable", "price", "sound"):
        rows += [(f"The {name} is great.", f"2023-0{3 + i}-2{i}") for i in range(2)]
        rows += [(f"The {name} is great.", f"2024-06-1{i}") for i in range(5)]
    make_store(db_path, [{"product_id": "p3", "author": f"a{i}", "rating": 3, "published_at": d, "body": b,
                          "url": f"https://shop.test/p3#r{i}"} for i, (b, d) in enumerate(rows)])
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    counts = store.query(db_path, """
        SELECT m.aspect, count(*) FILTER (WHERE r.published_at >= DATE '2024-06-15' - INTERVAL 89 DAY),
               count(*) FILTER (WHERE r.published_at >= DATE '2024-06-15' - INTERVAL 89 DAY AND m.polarity = 'negative'),
               count(*) FILTER (WHERE r.published_at < DATE '2024-06-15' - INTERVAL 89 DAY),
               count(*) FILTER (WHERE r.published_at < DATE '2024-06-15' - INTERVAL 89 DAY AND m.polarity = 'negative')
        FROM aspect_mentions m JOIN reviews r USING (review_id) GROUP BY 1 ORDER BY 1""").rows
    assert store.query(db_path, "SELECT max(published_at) FROM reviews").scalar().isoformat() == "2024-06-15"
    assert ("handle", 7, 4, 20, 2) in counts and ("lid", 6, 6, 10, 0) in counts and len(counts) == 6
    assert is_emerging(4, 7, 2, 20)[0]     # alone, the handle would be flagged
    flagged = store.query(db_path, "SELECT aspect FROM emerging_complaints WHERE product_id = 'p3'").rows
    assert flagged == [("lid",)]


# --- hand-built stores: the derived tables written here, no models ---------------------------

def _hand_store(path):
    import duckdb

    con = duckdb.connect(str(path))
    store.migrate(con)
    return con


def _add_review(con, rid, date, sentences, collected="2024-07-01 12:00:00", product="p"):
    """``sentences``: (text, sentence label, score, [(term, aspect, polarity)])."""
    body = " ".join(s[0] for s in sentences)
    con.execute("INSERT INTO reviews (review_id, product_id, source, url, rating, body, published_at, "
                "collected_at, content_hash) VALUES (?, ?, 't', ?, 5, ?, ?, ?, ?)",
                [rid, product, f"https://shop.test/{product}#{rid}", body, date, collected, rid])
    con.execute("INSERT INTO review_analysis (review_id, product_id, content_hash, models_key, run_id) "
                "VALUES (?, ?, ?, 'k', 1)", [rid, product, rid])
    offset = 0
    for i, (text, label, score, mentions) in enumerate(sentences):
        sid = f"{rid}:{i}"
        con.execute("INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, false, 1)",
                    [sid, rid, product, i, offset, offset + len(text), text, label, score])
        for term, aspect, polarity in mentions:
            at = offset + text.lower().index(term)
            con.execute("INSERT INTO aspect_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                        [sid, rid, product, term, at, at + len(term), aspect, polarity])
        offset += len(text) + 1


def test_a_sentence_is_one_mention_of_an_aspect_however_many_of_its_terms_it_names(tmp_path):
    from analysis.insights import compute_insights

    con = _hand_store(tmp_path / "votes.duckdb")
    terms = ("battery life", "battery", "charge")    # grouped into one aspect
    _add_review(con, "old", "2023-06-01", [("Battery life is great, the battery holds a charge.", "positive", 0.9,
                                            [(t, "battery", "positive") for t in terms])])
    for i, day in enumerate(("2024-06-01", "2024-06-10")):
        _add_review(con, f"new{i}", day, [("Battery life is awful, the battery won't hold a charge.", "negative", 0.9,
                                           [(t, "battery", "negative") for t in terms])])
    _add_review(con, "mixed", "2024-06-11", [("The battery is fine but the charge is slow.", "neutral", 0.6,
                                              [("battery", "battery", "positive"), ("charge", "battery", "negative")])])
    insights, emerging = compute_insights(con, 1)
    battery = [i for i in insights if i["name"] == "battery"][0]
    # four sentences (not eleven terms); praise and complaint in one sentence are neither side
    assert (battery["kind"], battery["mentions"], battery["share"]) == ("weakness", 4, 0.5)
    assert emerging == []          # two reviews are no trend, however many terms they hold
    con.close()


def test_weakness_quotes_are_complaints_before_sentences_that_read_as_praise(tmp_path):
    from analysis.insights import compute_insights

    con = _hand_store(tmp_path / "quotes.duckdb")
    for i, (text, label, score) in enumerate([("The lid broke after a week.", "negative", 0.85),
                                              ("The lid leaks everywhere.", "negative", 0.82),
                                              ("Love this kettle, the lid is fine, best buy ever!", "positive", 0.99),
                                              ("Amazing, I love it, even the lid.", "positive", 0.98)]):
        _add_review(con, f"r{i}", f"2024-06-0{i + 1}", [(text, label, score, [("lid", "lid", "negative")])])
    insights, _ = compute_insights(con, 1)
    quotes = json.loads([i for i in insights if i["name"] == "lid"][0]["quotes"])
    assert [q["text"] for q in quotes] == ["The lid broke after a week.", "The lid leaks everywhere.",
                                           "Love this kettle, the lid is fine, best buy ever!"]
    con.close()


def test_the_window_is_90_days_and_undated_reviews_are_in_neither(tmp_path):
    from analysis.insights import compute_insights, reference_date

    con = _hand_store(tmp_path / "window.duckdb")
    for i in range(10):
        _add_review(con, f"a{i}", f"2023-{1 + i:02d}-05", [("The lid is great.", "positive", 0.9, [("lid", "lid", "positive")])])
    # six complaints from a page that shows no date: when they were written is unknown
    for i in range(6):
        _add_review(con, f"u{i}", None, [("The lid broke.", "negative", 0.9, [("lid", "lid", "negative")])])
    # a typo'd date after the newest collection is no "now"
    _add_review(con, "typo", "2062-01-01", [("Nice mug.", "positive", 0.9, [])], product="q")
    assert reference_date(con) == date(2023, 10, 5)
    insights, emerging = compute_insights(con, 1)
    lid = [i for i in insights if i["name"] == "lid"][0]
    # all praise in both windows (counted as recent, the undated complaints made it a trend)
    assert emerging == [] and lid["mentions"] == 16 and lid["trend"] == 0.0
    # 2023-10-05 and the 89 days before are the window: 2023-07-08 is in it, 2023-07-07 is not
    _add_review(con, "edge_in", "2023-07-08", [("The lid broke.", "negative", 0.9, [("lid", "lid", "negative")])])
    _add_review(con, "edge_out", "2023-07-07", [("The lid broke.", "negative", 0.9, [("lid", "lid", "negative")])])
    lid = [i for i in compute_insights(con, 1)[0] if i["name"] == "lid"][0]
    # recent: 2023-07-08 (a complaint), 08-05, 09-05, 10-05 (praise): 3 of 4 praise;
    # before: 7 praise and the complaint of 2023-07-07
    assert lid["kind"] == "strength" and lid["trend"] == pytest.approx(3 / 4 - 7 / 8)
    con.close()


def test_fishers_exact_test_equals_scipy_and_small_counts_are_no_trend():
    from scipy.stats import fisher_exact

    from analysis.insights import fisher_greater, is_emerging

    for k1, n1, k2, n2 in [(5, 5, 0, 1), (4, 5, 0, 2), (3, 5, 0, 3), (6, 6, 0, 10), (8, 20, 3, 30), (0, 4, 2, 2)]:
        want = fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="greater").pvalue
        assert fisher_greater(k1, n1, k2, n2) == pytest.approx(want)
    # a z-test called each of these significant (p 0.007, 0.027, 0.045); exactly they are not
    assert not any(is_emerging(*c)[0] for c in [(5, 5, 0, 1), (4, 5, 0, 2), (3, 5, 0, 3)])
    assert is_emerging(6, 6, 0, 10)[0]


def test_names_that_are_no_finding_have_no_monthly_trend(tmp_path):
    from analysis.insights import NOT_FINDINGS
    from analysis.store_wide import _MONTHLY

    con = _hand_store(tmp_path / "monthly.duckdb")
    _add_review(con, "r1", "2024-06-01", [("Good product, but the lid leaks.", "negative", 0.9,
                                           [("product", "product", "positive"), ("lid", "lid", "negative")])])
    # one sentence, two terms of one aspect: one mention, as the findings count it
    _add_review(con, "r2", "2024-06-02", [("Battery life is short, the battery dies.", "negative", 0.9,
                                           [("battery life", "battery", "negative"), ("battery", "battery", "negative")])])
    con.execute(_MONTHLY, [sorted(NOT_FINDINGS), 1]).fetchall()
    assert con.execute("SELECT aspect, negative FROM aspect_monthly ORDER BY aspect").fetchall() == [
        ("battery", 1), ("lid", 1)]
    con.close()
