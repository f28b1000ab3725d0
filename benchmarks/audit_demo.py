"""Audit: how many of the demo dashboard's strengths and weaknesses its quotes really support.

Run after `make demo` (or on any store analysed from a demo shop)::

    .venv/bin/python -m benchmarks.audit_demo --db data/reviewlens.duckdb --shop data/demo_shop [--list]

The demo shop's manifest records every aspect (with its polarity and character span) and every
need the shop wrote into each review. For each strength or weakness in ``product_insights``:

- our aspect name stands for the planted aspect most of its mentions in that product category
  overlap (none: it names a word the shop did not plant as an aspect, such as "counter space" in
  "Our kitchen is tiny, counter space matters.");
- a quote supports the claim when the quoted sentence holds a span of that planted aspect with
  the claim's polarity (positive for a strength, negative for a weakness);
- a claim is supported when most of its quotes are.

It also reads every sentence's label against the spans inside it: how many sentences read as a
complaint hold a planted complaint or need, and how many read as praise hold nothing planted.
A legitimate feature the shop did not plant ("night shots") counts against a claim, so read the
``--list`` output before drawing conclusions from small differences.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from crawler.demo_shop.shop import load_manifest
from data.store import review_id

# The product page lists the first 3 strengths and weaknesses (dashboard/views/product.py, TOP);
# the rest are in the table below them.
SHOWN = 3

WHY_OK = "supported"
WHY_NOT_PLANTED = "our aspect is no planted aspect"
WHY_OTHER = "no span of the planted aspect in the quote"
WHY_NEUTRAL = "planted neutral"
WHY_SIDE = "planted on the other side"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def planted_by_review(shop: str | Path) -> dict[str, dict]:
    """The manifest's records keyed by the store's ``review_id``."""
    return {review_id(r["product_id"], r["author"], r["published_at"], r["body"]): r
            for r in load_manifest(shop)}


def aspect_map(con, planted: dict[str, dict]) -> dict[tuple[str, str], str | None]:
    """``(category, our aspect) -> planted aspect`` most of its mentions overlap (None: no span)."""
    category = dict(con.execute("SELECT product_id, category FROM products").fetchall())
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for rid, start, end, aspect, pid in con.execute(
            "SELECT review_id, start_char, end_char, aspect, product_id FROM aspect_mentions").fetchall():
        record = planted.get(rid)
        if record is None:
            continue
        hits = [a["aspect"] for a in record["aspects"] if _overlaps((start, end), (a["start"], a["end"]))]
        votes[(category.get(pid), aspect)][hits[0] if hits else None] += 1
    return {key: c.most_common(1)[0][0] for key, c in votes.items()}


def judge_quote(record: dict, quote: dict, planted_aspect: str | None, side: str) -> str:
    """Why a quote does or does not support a claim of ``side`` about ``planted_aspect``.

    >>> record = {"aspects": [{"aspect": "lid", "polarity": "negative", "start": 4, "end": 7}]}
    >>> judge_quote(record, {"start": 0, "end": 20}, "lid", "negative")
    'supported'
    >>> judge_quote(record, {"start": 0, "end": 20}, "lid", "positive")
    'planted on the other side'
    """
    inside = [a for a in record["aspects"] if _overlaps((quote["start"], quote["end"]), (a["start"], a["end"]))]
    same = [a for a in inside if a["aspect"] == planted_aspect]
    if any(a["polarity"] == side for a in same):
        return WHY_OK
    if planted_aspect is None:
        return WHY_NOT_PLANTED
    if not same:
        return WHY_OTHER
    if any(a["polarity"] == "neutral" for a in same):
        return WHY_NEUTRAL
    return WHY_SIDE


def audit_claims(con, planted: dict[str, dict]) -> tuple[dict, list[tuple]]:
    """Counts over the strengths and weaknesses, and one row per quote that does not support its claim."""
    category = dict(con.execute("SELECT product_id, category FROM products").fetchall())
    to_planted = aspect_map(con, planted)
    why: Counter = Counter()
    claims = supported = shown = shown_supported = 0
    misses = []
    for pid, kind, name, rank, quotes in con.execute(
            "SELECT product_id, kind, name, rank, quotes FROM product_insights "
            "WHERE kind IN ('strength', 'weakness') ORDER BY product_id, kind, rank").fetchall():
        target = to_planted.get((category.get(pid), name))
        side = "positive" if kind == "strength" else "negative"
        quotes = json.loads(quotes)
        good = 0
        for quote in quotes:
            verdict = judge_quote(planted[quote["review_id"]], quote, target, side)
            why[verdict] += 1
            good += verdict == WHY_OK
            if verdict != WHY_OK:
                misses.append((pid, kind, rank, name, target, verdict, quote["text"]))
        claim_supported = good * 2 > len(quotes)
        claims += 1
        supported += claim_supported
        if rank <= SHOWN:
            shown += 1
            shown_supported += claim_supported
    return {"claims": claims, "claims_supported": supported, "quotes": sum(why.values()),
            "quotes_supported": why[WHY_OK], "why": dict(why),
            "shown": shown, "shown_supported": shown_supported}, misses


def audit_sentences(con, planted: dict[str, dict]) -> Counter:
    """``(label, what is planted inside)`` counts over the English sentences of the store."""
    counts: Counter = Counter()
    for rid, start, end, label in con.execute(
            "SELECT review_id, start_char, end_char, sentiment FROM sentences").fetchall():
        record = planted.get(rid)
        if record is None or record["language"] != "en":
            continue
        sides = {a["polarity"] for a in record["aspects"] if _overlaps((start, end), (a["start"], a["end"]))}
        need = any(_overlaps((start, end), (n["start"], n["end"])) for n in record["need_spans"])
        inside = ("complaint or need" if "negative" in sides or need else "praise" if "positive" in sides
                  else "neutral mention" if sides else "nothing planted")
        counts[(label, inside)] += 1
    return counts


def main() -> None:
    """Example: `python -m benchmarks.audit_demo --db data/reviewlens.duckdb --shop data/demo_shop`."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="data/reviewlens.duckdb")
    parser.add_argument("--shop", default="data/demo_shop")
    parser.add_argument("--list", action="store_true", help="print every quote that does not support its claim")
    args = parser.parse_args()
    planted = planted_by_review(args.shop)
    con = duckdb.connect(args.db, read_only=True)
    totals, misses = audit_claims(con, planted)
    print(f"strengths and weaknesses: {totals['claims_supported']} of {totals['claims']} supported "
          f"({totals['claims_supported'] / max(totals['claims'], 1):.1%}); quotes {totals['quotes_supported']} "
          f"of {totals['quotes']} ({totals['quotes_supported'] / max(totals['quotes'], 1):.1%})")
    print(f"  of them the first {SHOWN} per product and side (what the product page lists): "
          f"{totals['shown_supported']} of {totals['shown']} supported "
          f"({totals['shown_supported'] / max(totals['shown'], 1):.1%})")
    for verdict, n in sorted(totals["why"].items(), key=lambda kv: -kv[1]):
        print(f"  {n:5d}  {verdict}")
    counts = audit_sentences(con, planted)
    for label in ("negative", "positive", "neutral"):
        row = {inside: n for (lab, inside), n in counts.items() if lab == label}
        print(f"sentences read {label}: {sum(row.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(row.items())))
    if args.list:
        for miss in misses:
            print(" | ".join(map(str, miss)))


if __name__ == "__main__":
    main()
