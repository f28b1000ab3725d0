"""A generated store for the dashboard's tests and benchmark: raw reviews plus derived rows.

The dashboard only reads the tables of migrations 001-003, so to test and time it at any size
(up to millions of reviews) this module writes those tables directly with SQL: reviews made of
two template sentences about an aspect each, their sentences, aspect mentions, needs, themes,
insights and monthly counts, all consistent with each other. It is NOT the analysis: the real
path (`reviewlens analyze`) is tested separately; this is fixture data written in code.

Example::

    from dashboard import sample_data
    sample_data.build("bench.duckdb", reviews=10_000, products=40)
"""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from data import store

ASPECTS = ["battery", "lid", "handle", "price", "noise", "size", "cable", "display",
           "design", "delivery", "buttons", "smell"]
CATEGORIES = ["Kitchen", "Garden", "Audio", "Office"]
NAMES = ["Kettle", "Blender", "Toaster", "Speaker", "Headphones", "Desk Lamp", "Hedge Trimmer",
         "Mixer", "Fan", "Heater"]
# Template sentences: (prefix, suffix) around the aspect word, so its offsets are known.
POSITIVE = [("The ", " is excellent."), ("I love the ", " on this one."),
            ("Really happy with the ", ", works perfectly.")]
NEGATIVE = [("The ", " broke after a week."), ("Very disappointed with the ", "."),
            ("The ", " is terrible and cheap.")]
NEUTRAL = [("The ", " is as described."), ("Nothing special about the ", ".")]
NEED = [("I wish it had a better ", "."), ("Please make the ", " adjustable.")]
START = date(2024, 1, 1)


def _sql_list(items) -> str:
    return "[" + ", ".join("'" + str(i).replace("'", "''") + "'" for i in items) + "]"


def build(db: str | Path, reviews: int = 1000, products: int = 10, days: int = 730,
          seed: int = 0, extra_reviews: list[dict] | None = None) -> str:
    """Create ``db`` (must not exist) with ``reviews`` generated, analysed-looking reviews.

    ``extra_reviews`` (dicts with product_id, body, rating, title, published_at) are added as
    hand-written reviews of their own, e.g. one with hostile text, each one negative sentence
    about the aspect ``lid`` so it shows up in quotes and in the explorer.
    """
    db = str(db)
    if Path(db).exists():
        raise FileExistsError(f"{db} exists already: pass a new path")
    store.ensure(db)
    with store.writer(db) as con:
        con.execute("SET enable_progress_bar = false")
        _products(con, products, seed)
        _reviews(con, reviews, products, days, seed)
        if extra_reviews:
            _extra(con, extra_reviews)
        _derive(con)
    return db


def _products(con, n: int, seed: int) -> None:
    con.execute(f"""
        INSERT INTO products
        SELECT 'p' || lpad(i::VARCHAR, 4, '0'),
               'shop.example',
               'https://shop.example/products/p' || lpad(i::VARCHAR, 4, '0'),
               {_sql_list(NAMES)}[1 + (i % {len(NAMES)})] || ' ' || (100 + i)::VARCHAR,
               ['Acme', 'Brightly', 'Corvo'][1 + (i % 3)],
               {_sql_list(CATEGORIES)}[1 + (i % {len(CATEGORIES)})],
               TIMESTAMP '2024-01-01', TIMESTAMP '2026-01-01'
        FROM range({n}) t(i)
    """)


def _reviews(con, n: int, n_products: int, days: int, seed: int) -> None:
    """Two sentences per review: an aspect each, a polarity each; every tenth second sentence is a need."""
    pos, neg, neu, need = POSITIVE, NEGATIVE, NEUTRAL, NEED

    def pick(templates, h, part):
        return f"[{', '.join(repr(t[part]) for t in templates)}][1 + ({h} % {len(templates)})]"

    # Product popularity is skewed (a few products get most reviews), like a real catalogue.
    con.execute(f"""
        CREATE TEMP TABLE gen AS
        SELECT i,
               'p' || lpad((floor(pow((hash(i, {seed}, 'p') % 1000000) / 1000000.0, 2) * {n_products}))::INTEGER::VARCHAR, 4, '0') AS product_id,
               DATE '{START}' + (hash(i, {seed}, 'd') % {days})::INTEGER AS published_at,
               {_sql_list(ASPECTS)}[1 + (hash(i, {seed}, 'a1') % {len(ASPECTS)})::INTEGER] AS a1,
               {_sql_list(ASPECTS)}[1 + (hash(i, {seed}, 'a2') % {len(ASPECTS)})::INTEGER] AS a2,
               (hash(i, {seed}, 'p1') % 100)::INTEGER AS r1,
               (hash(i, {seed}, 'p2') % 100)::INTEGER AS r2,
               (hash(i, {seed}, 't') % 1000000007)::BIGINT AS h
        FROM range({n}) t(i)
    """)
    # Polarity: products with a higher number are liked less, so rankings differ per product.
    con.execute(f"""
        CREATE TEMP TABLE gen2 AS
        SELECT *,
               CASE WHEN r1 < 55 - (right(product_id, 2)::INTEGER % 7) * 4 THEN 'positive'
                    WHEN r1 < 85 THEN 'negative' ELSE 'neutral' END AS s1,
               CASE WHEN r2 < 10 THEN 'need' WHEN r2 < 55 THEN 'positive'
                    WHEN r2 < 85 THEN 'negative' ELSE 'neutral' END AS s2
        FROM gen
    """)
    con.execute(f"""
        CREATE TEMP TABLE gen3 AS
        SELECT *,
               CASE s1 WHEN 'positive' THEN {pick(pos, 'h', 0)} WHEN 'negative' THEN {pick(neg, 'h', 0)}
                       ELSE {pick(neu, 'h', 0)} END AS pre1,
               CASE s1 WHEN 'positive' THEN {pick(pos, 'h', 1)} WHEN 'negative' THEN {pick(neg, 'h', 1)}
                       ELSE {pick(neu, 'h', 1)} END AS suf1,
               CASE s2 WHEN 'positive' THEN {pick(pos, 'h // 7', 0)} WHEN 'negative' THEN {pick(neg, 'h // 7', 0)}
                       WHEN 'need' THEN {pick(need, 'h // 7', 0)} ELSE {pick(neu, 'h // 7', 0)} END AS pre2,
               CASE s2 WHEN 'positive' THEN {pick(pos, 'h // 7', 1)} WHEN 'negative' THEN {pick(neg, 'h // 7', 1)}
                       WHEN 'need' THEN {pick(need, 'h // 7', 1)} ELSE {pick(neu, 'h // 7', 1)} END AS suf2
        FROM gen2
    """)
    con.execute("""
        CREATE TEMP TABLE gen4 AS
        SELECT *, pre1 || a1 || suf1 AS t1, pre2 || a2 || suf2 AS t2,
               (CASE s1 WHEN 'positive' THEN 1 WHEN 'negative' THEN -1 ELSE 0 END
                + CASE s2 WHEN 'positive' THEN 1 WHEN 'negative' THEN -1 ELSE 0 END) AS score
        FROM gen3
    """)
    con.execute("""
        INSERT INTO reviews
        SELECT 'r' || i, product_id, 'shop.example',
               'https://shop.example/products/' || product_id || '#r-' || i,
               'customer ' || (h % 5000)::VARCHAR,
               CASE WHEN h % 31 = 0 THEN 3 - score   -- a few ratings that contradict the text
                    ELSE 3 + score END::DOUBLE,
               NULL, '1-5',
               CASE WHEN score > 0 THEN 'Good' WHEN score < 0 THEN 'Not good' ELSE 'Okay' END,
               t1 || ' ' || t2, 'en', published_at, (h % 20)::INTEGER, h % 2 = 0, NULL,
               TIMESTAMP '2026-01-01', 'h' || i, 1
        FROM gen4
    """)


def _extra(con, extra: list[dict]) -> None:
    """Hand-written reviews: the body is kept as given; one negative 'lid' sentence is the whole body."""
    for k, r in enumerate(extra):
        rid = r.get("review_id") or f"x{k}"
        con.execute("""
            INSERT INTO reviews VALUES (?, ?, 'shop.example', ?, 'tester', ?, NULL, '1-5', ?, ?, 'en', ?,
                                        0, false, NULL, TIMESTAMP '2026-01-01', ?, 1)
        """, [rid, r["product_id"], r.get("url", f"https://shop.example/{r['product_id']}#{rid}"),
              r.get("rating", 1.0), r.get("title"), r["body"], r.get("published_at", START), "hx" + rid])
        con.execute("""
            INSERT INTO gen4 (i, product_id, published_at, a1, a2, s1, s2, pre1, suf1, t1, t2, score, h)
            VALUES (?, ?, ?, 'lid', NULL, 'negative', NULL, '', '', ?, NULL, -1, 0)
        """, [-(k + 1), r["product_id"], r.get("published_at", START), r["body"]])
        # the review id of an extra row is not 'r' || i: remember it through a mapping table
        con.execute("CREATE TEMP TABLE IF NOT EXISTS extra_ids (i BIGINT, review_id VARCHAR, lid_at INTEGER)")
        lid_at = r["body"].lower().find("lid")
        con.execute("INSERT INTO extra_ids VALUES (?, ?, ?)", [-(k + 1), rid, lid_at])


def _derive(con) -> None:
    """Fill the derived tables from the generated sentences, the way the analysis job would."""
    has_extra = con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'extra_ids'").fetchall()[0][0]
    if not has_extra:
        con.execute("CREATE TEMP TABLE extra_ids (i BIGINT, review_id VARCHAR, lid_at INTEGER)")
    con.execute("""
        CREATE TEMP TABLE g AS
        SELECT g.*, coalesce(x.review_id, 'r' || g.i) AS review_id,
               CASE WHEN x.review_id IS NULL THEN len(pre1) ELSE x.lid_at END AS a1_at
        FROM gen4 g LEFT JOIN extra_ids x ON x.i = g.i
    """)
    con.execute("""
        INSERT INTO analysis_runs VALUES (nextval('analysis_run_ids'), TIMESTAMP '2026-01-01 00:00',
            TIMESTAMP '2026-01-01 00:10', 'ok', 'cpu', '{}', '{"sentiment": "sample@1"}', '{}', '{}')
    """)
    con.execute("""
        CREATE TEMP TABLE sent AS
        SELECT review_id || ':0' AS sentence_id, review_id, product_id, 0 AS idx, 0 AS start_char,
               len(t1) AS end_char, t1 AS text, s1 AS sentiment, a1 AS aspect, a1_at AS a_at,
               published_at
        FROM g
        UNION ALL
        SELECT review_id || ':1', review_id, product_id, 1, len(t1) + 1, len(t1) + 1 + len(t2), t2,
               CASE WHEN s2 = 'need' THEN 'neutral' ELSE s2 END, a2, len(t1) + 1 + len(pre2), published_at
        FROM g WHERE t2 IS NOT NULL
    """)
    con.execute("""
        INSERT INTO sentences
        SELECT sentence_id, review_id, product_id, idx, start_char, end_char, text, sentiment,
               0.9, idx = 1 AND sentence_id IN (SELECT review_id || ':1' FROM g WHERE s2 = 'need'), 1
        FROM sent
    """)
    con.execute("""
        INSERT INTO aspect_mentions
        SELECT sentence_id, review_id, product_id, aspect, a_at, a_at + len(aspect), aspect,
               sentiment, 1
        FROM sent WHERE a_at >= 0
    """)
    con.execute("""
        INSERT INTO needs
        SELECT review_id || ':1', review_id, product_id, 'a better ' || a2, 'better ' || a2, a2,
               len(t1) + 1 + len(pre2), len(t1) + 1 + len(pre2) + len(a2), 1
        FROM g WHERE s2 = 'need'
    """)
    con.execute("""
        INSERT INTO review_analysis
        SELECT g.review_id, g.product_id, r.content_hash, 'sample@1', 1, 'en', NULL,
               CASE WHEN t2 IS NULL THEN 1 ELSE 2 END,
               CASE WHEN score > 0 THEN 'positive' WHEN score < 0 THEN 'negative' ELSE 'neutral' END,
               score / (CASE WHEN t2 IS NULL THEN 1 ELSE 2 END),
               CASE WHEN r.rating >= 4 AND score < 0 THEN 'high_rating_negative_text'
                    WHEN r.rating <= 2 AND score > 0 THEN 'low_rating_positive_text' END
        FROM g JOIN reviews r ON r.review_id = g.review_id
    """)
    con.execute("""
        INSERT INTO aspect_monthly
        SELECT product_id, aspect, date_trunc('month', published_at)::DATE,
               count(*) FILTER (WHERE sentiment = 'positive'),
               count(*) FILTER (WHERE sentiment = 'negative'),
               count(*) FILTER (WHERE sentiment = 'neutral'), 1
        FROM sent WHERE a_at >= 0 AND aspect IS NOT NULL GROUP BY ALL
    """)
    # Themes: one complaint theme per aspect (its negative sentences) across the store and per
    # category, as the job makes them; one need theme per aspect.
    con.execute("""
        INSERT INTO themes
        SELECT 'all:complaint:' || aspect, 'all', 'complaint', aspect || ' problems',
               [aspect, 'broke', 'disappointed'], aspect, count(*), 1
        FROM sent WHERE sentiment = 'negative' AND aspect IS NOT NULL GROUP BY aspect
        UNION ALL
        SELECT 'category:' || p.category || ':complaint:' || aspect, 'category:' || p.category, 'complaint',
               aspect || ' problems in ' || p.category, [aspect, 'broke'], aspect, count(*), 1
        FROM sent JOIN products p USING (product_id)
        WHERE sentiment = 'negative' AND aspect IS NOT NULL GROUP BY p.category, aspect
        UNION ALL
        SELECT 'all:need:' || a2, 'all', 'need', 'better ' || a2, [a2, 'wish', 'better'], a2, count(*), 1
        FROM g WHERE s2 = 'need' GROUP BY a2
    """)
    con.execute("""
        INSERT INTO theme_sentences
        SELECT 'all:complaint:' || aspect, sentence_id,
               row_number() OVER (PARTITION BY aspect ORDER BY sentence_id) <= 3
        FROM sent WHERE sentiment = 'negative' AND aspect IS NOT NULL
        UNION ALL
        SELECT 'category:' || p.category || ':complaint:' || aspect, sentence_id,
               row_number() OVER (PARTITION BY p.category, aspect ORDER BY sentence_id) <= 3
        FROM sent JOIN products p USING (product_id) WHERE sentiment = 'negative' AND aspect IS NOT NULL
        UNION ALL
        SELECT 'all:need:' || a2, review_id || ':1',
               row_number() OVER (PARTITION BY a2 ORDER BY review_id) <= 3
        FROM g WHERE s2 = 'need'
    """)
    # Insights: strengths (by positive mentions), weaknesses (by negative), needs (by reviews).
    con.execute("""
        CREATE TEMP TABLE per_aspect AS
        SELECT product_id, aspect, count(*) AS mentions,
               count(*) FILTER (WHERE sentiment = 'positive') AS pos,
               count(*) FILTER (WHERE sentiment = 'negative') AS neg,
               count(*) FILTER (WHERE sentiment = 'positive' AND published_at > DATE '2025-10-01') AS pos_recent,
               count(*) FILTER (WHERE sentiment = 'negative' AND published_at > DATE '2025-10-01') AS neg_recent,
               count(*) FILTER (WHERE published_at > DATE '2025-10-01') AS recent
        FROM sent WHERE a_at >= 0 AND aspect IS NOT NULL GROUP BY ALL
    """)
    quote = """to_json(list({'review_id': review_id, 'sentence_id': sentence_id, 'text': text,
                             'start': start_char, 'end': end_char,
                             'url': 'https://shop.example/products/' || product_id || '#' || review_id}
                            ORDER BY sentence_id)[1:3])"""
    for kind, count_col, share_expr, recent in (
            ("strength", "pos", "pos / mentions", "pos_recent"),
            ("weakness", "neg", "neg / mentions", "neg_recent")):
        polarity = "positive" if kind == "strength" else "negative"
        con.execute(f"""
            INSERT INTO product_insights
            SELECT a.product_id, '{kind}', a.aspect,
                   row_number() OVER (PARTITION BY a.product_id ORDER BY a.{count_col} DESC, a.aspect),
                   a.mentions, {share_expr},
                   ({share_expr} + 1.92 / mentions - 1.96 * sqrt(({share_expr}) * (1 - {share_expr}) / mentions
                       + 0.96 / mentions / mentions)) / (1 + 3.84 / mentions),
                   CASE WHEN recent >= 5 THEN {recent} / recent - {share_expr} END,
                   q.quotes, 1
            FROM per_aspect a
            JOIN (SELECT product_id, aspect, {quote} AS quotes FROM (
                      SELECT *, row_number() OVER (PARTITION BY product_id, aspect ORDER BY sentence_id) AS n
                      FROM sent WHERE sentiment = '{polarity}' AND a_at >= 0) WHERE n <= 3
                  GROUP BY product_id, aspect) q
              ON q.product_id = a.product_id AND q.aspect = a.aspect
            WHERE a.{count_col} > 0
        """)
    con.execute("""
        INSERT INTO product_insights
        SELECT n.product_id, 'need', n.need,
               row_number() OVER (PARTITION BY n.product_id ORDER BY count(*) DESC, n.need),
               count(*), count(DISTINCT n.review_id) / any_value(t.n), 0.0, NULL,
               to_json(list({'review_id': n.review_id, 'sentence_id': n.sentence_id, 'text': s.text,
                             'start': s.start_char, 'end': s.end_char,
                             'url': 'https://shop.example/products/' || n.product_id || '#' || n.review_id}
                            ORDER BY n.sentence_id)[1:3]), 1
        FROM needs n JOIN sentences s ON s.sentence_id = n.sentence_id
        JOIN (SELECT product_id, count(*) AS n FROM review_analysis GROUP BY product_id) t
          ON t.product_id = n.product_id
        GROUP BY n.product_id, n.need
    """)
    # Emerging complaints: negative share of the last 90 days against before, one-sided z-test.
    rows = con.execute("""
        WITH last AS (SELECT max(published_at) AS d FROM sent),
        c AS (
            SELECT product_id, aspect,
                   count(*) FILTER (WHERE published_at > (SELECT d FROM last) - 90) AS n1,
                   count(*) FILTER (WHERE published_at > (SELECT d FROM last) - 90 AND sentiment = 'negative') AS k1,
                   count(*) FILTER (WHERE published_at <= (SELECT d FROM last) - 90) AS n2,
                   count(*) FILTER (WHERE published_at <= (SELECT d FROM last) - 90 AND sentiment = 'negative') AS k2
            FROM sent WHERE a_at >= 0 AND aspect IS NOT NULL GROUP BY ALL)
        SELECT *, (k1 / n1 - k2 / n2)
                  / sqrt(((k1 + k2) / (n1 + n2)) * (1 - (k1 + k2) / (n1 + n2)) * (1 / n1 + 1 / n2)) AS z
        FROM c WHERE n1 >= 5 AND n2 >= 5 AND k1 / n1 > k2 / n2 AND k1 + k2 < n1 + n2
    """).fetchall()
    for product_id, aspect, n1, k1, n2, k2, z in rows:
        p_value = 0.5 * math.erfc(z / math.sqrt(2))
        if p_value < 0.05:
            con.execute("INSERT INTO emerging_complaints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 1)",
                        [product_id, aspect, n1, k1, n2, k2, k1 / n1, k2 / n2, z, p_value])
    con.execute("""
        UPDATE emerging_complaints e SET quotes = q.quotes
        FROM (SELECT product_id, aspect,
                     to_json(list({'review_id': review_id, 'sentence_id': sentence_id, 'text': text,
                                   'start': start_char, 'end': end_char,
                                   'url': 'https://shop.example/products/' || product_id || '#' || review_id}
                                  ORDER BY published_at DESC, sentence_id)[1:3]) AS quotes
              FROM sent WHERE sentiment = 'negative' GROUP BY ALL) q
        WHERE q.product_id = e.product_id AND q.aspect = e.aspect
    """)
    for name in ("gen", "gen2", "gen3", "gen4", "g", "sent", "per_aspect", "extra_ids"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
