"""The demo audit (benchmarks/audit_demo.py) on a small demo shop with hand-made analysis rows."""
from __future__ import annotations

import json

from benchmarks import audit_demo
from crawler.demo_shop.shop import generate, store_manifest
from data import store


def _store_with_claims(db: str, shop) -> tuple[list[dict], dict]:
    """Reviews of a small demo shop, one mention per planted aspect span (with its planted side,
    named after the planted aspect), and three claims: one right, one on the wrong side, one named
    after a word that is no planted aspect."""
    _, manifest = store_manifest(db, shop)
    with store.writer(db) as con:
        ids = {store.review_id(r["product_id"], r["author"], r["published_at"], r["body"]): r for r in manifest}
        spans = [(rid, r, a) for rid, r in ids.items() for a in r["aspects"]]
        for n, (rid, r, a) in enumerate(spans):
            con.execute("INSERT INTO aspect_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                        [f"{rid}:{n}", rid, r["product_id"], a["term"], a["start"], a["end"], a["aspect"], a["polarity"]])
        product = spans[0][1]["product_id"]
        mine = [(rid, r, a) for rid, r, a in spans if r["product_id"] == product]
        praised = next(a["aspect"] for _, _, a in mine if a["polarity"] == "positive")
        praise = [(rid, a) for rid, _, a in mine if a["aspect"] == praised and a["polarity"] == "positive"][:2]
        # a planted span's review, quoted where nothing is planted: the claim's name is no planted aspect
        rid0, r0, _ = mine[0]
        con.execute("INSERT INTO aspect_mentions VALUES ('x', ?, ?, 'kitchen', 0, 1, 'kitchen', 'negative', 1)",
                    [rid0, product])

        def quote(rid, start, end):
            return {"review_id": rid, "sentence_id": rid, "text": ids[rid]["body"][start:end], "start": start, "end": end}

        claims = [("strength", praised, [quote(rid, a["start"], a["end"]) for rid, a in praise]),
                  ("weakness", praised, [quote(rid, a["start"], a["end"]) for rid, a in praise]),
                  ("weakness", "kitchen", [quote(rid0, 0, 1)])]
        # the third claim ranks past what the product page lists first (audit_demo.SHOWN)
        for rank, (kind, name, quotes) in zip((1, 2, audit_demo.SHOWN + 1), claims):
            con.execute("INSERT INTO product_insights VALUES (?, ?, ?, ?, 2, 1.0, 0.5, NULL, ?, 1)",
                        [product, kind, name, rank, json.dumps(quotes)])
    return claims, ids


def test_the_audit_counts_supported_claims_and_says_why_the_others_fail(tmp_path, db_path):
    shop = generate(tmp_path / "shop", seed=0, reviews_per_product=(12, 14), products=2)
    claims, ids = _store_with_claims(db_path, shop)
    planted = audit_demo.planted_by_review(shop)
    assert planted.keys() == ids.keys()
    with store.reader(db_path) as con:
        totals, misses = audit_demo.audit_claims(con, planted)
    assert totals["claims"] == 3 and totals["claims_supported"] == 1
    assert totals["shown"] == 2 and totals["shown_supported"] == 1
    quotes = sum(len(q) for _, _, q in claims)
    assert totals["quotes"] == quotes and totals["quotes_supported"] == len(claims[0][2])
    assert totals["why"] == {audit_demo.WHY_OK: len(claims[0][2]), audit_demo.WHY_SIDE: len(claims[1][2]),
                             audit_demo.WHY_NOT_PLANTED: 1}
    assert {m[3] for m in misses} == {claims[0][1], "kitchen"}


def test_the_audit_examples():
    import doctest

    result = doctest.testmod(audit_demo)
    assert result.attempted >= 2 and result.failed == 0
