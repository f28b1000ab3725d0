"""Per-product findings: strengths, weaknesses, unmet needs, emerging complaints, with quotes.

Rules (all computed from the derived tables, so a test can recompute them in SQL):

- a **sentence's vote** on an aspect is its word on it: terms grouped into one aspect ("battery
  life", "charge") or said twice in a sentence count once, with the sentence's majority polarity
  (a tie, praise and complaint in one sentence, counts as neutral);
- a **mention** is one review's vote on an aspect: a review counts once per product and aspect,
  however many of its sentences name it, with the majority polarity of its sentences' votes
  (positive against negative; a tie, or only neutral sentences, is neutral). One long review
  faulting the battery in twelve sentences is one complaint, not twelve that outvote ten reviews
  praising it once each: a merchant reads the counts as "how many customers say so". So the
  ``mentions`` of a strength or weakness (the ``product_insights.mentions`` column) and the
  ``recent_mentions`` / ``before_mentions`` of an emerging complaint are numbers of reviews;
- an aspect is a **strength** of a product when its positive mentions outnumber the negative
  ones, a **weakness** when the negative ones are at least as many (and there is one);
  ``share`` is the positive (strength) or negative (weakness) share of its mentions and
  ``confidence`` the lower bound of the 95% Wilson interval of that share, so two glowing
  mentions rank below forty mostly glowing ones; rank is by the mentions on that side times
  that confidence, then mentions. Terms inside a need phrase are needs, not strengths or
  weaknesses: :data:`FINDING_VOTES` leaves them out, for the findings and for every other count
  of aspect mentions (the monthly table, the aspects and reviews reports, the dashboard's charts),
  and all of them count its review votes.
- an **unmet need** is a need label; its mentions are the reviews that voice it (a review
  asking for it in three sentences is one, as for the aspects), ``share`` the share of the
  product's analysed reviews that voice it, ``confidence`` its Wilson lower bound; rank is by
  mentions times share times confidence.
- ``trend`` is the share in the last 90 days (now and the 89 days before) minus the share before
  (None without data on both sides). "Now" is the newest review date in the store, so a rerun
  gives the same answer; a date after the newest collection (a typo, "2062") is no "now". Reviews
  without a date count in the totals but in neither window: when they were written is unknown
  (the day they were collected is not it: an old page crawled today is not a recent complaint).
  A review dated after "now" is treated the same: its date is wrong, so it is in neither window.
- an **emerging complaint** is an aspect whose negative share in the last 90 days is higher
  than in the product's history before, by a one-sided Fisher exact test at p < 0.05 (exact at
  the small counts a product has; a z-test called 5 of 5 against 0 of 1 significant, p 0.007
  against the exact 0.17),
  with at least 5 recent mentions, 3 of them complaints, and one before (so a new defect counts);
  mentions are reviews here too, so the counts the test reads are independent customers (one
  recent review with eight complaint sentences is one recent mention, no trend).
  A product has many aspects, and one in twenty unchanged ones would pass a test at p < 0.05 by
  chance, so the p-values are corrected by Holm's method over all the product's aspects with
  enough mentions to be tested (5 recent, 1 before): the smallest p times that number must stay
  under 0.05, the next times one less, and so on.
- each finding carries up to 3 quotes, each from a different review and with different words
  (a sentence several reviews share word for word is quoted once). A quote is a sentence whose
  vote is on the finding's side, from a review whose vote is on that side too (a review that
  mostly praises the lid gives no quote to a lid weakness); among those, sentences whose own
  sentiment is the finding's side first, then neutral ones, and those that read the other way
  ("Love it, even the lid" can hold a negative lid mention) only when no other sentence is
  left; the model's surest first within each.
- a name in :data:`NOT_FINDINGS` (the product as a whole, "top marks", "the competition") is
  no strength, weakness or emerging complaint: nothing a merchant could improve is named.

Example::

    from analysis.insights import wilson_lower
    round(wilson_lower(8, 10), 3)     # 0.49
"""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from datetime import date, timedelta

from analysis.spelling import scramble_key

WINDOW_DAYS = 90
MAX_PER_KIND = 20
QUOTES = 3
EMERGING_MIN_RECENT = 5     # mentions in the last window: fewer is anecdote, not a trend
EMERGING_MIN_BEFORE = 1     # a defect that is new (praised twice, then 14 complaints) must count
EMERGING_MIN_NEGATIVE = 3   # recent complaints: the z-test calls 2 of 7 against 0 of 14 significant
EMERGING_P = 0.05

# Aspect names (as grouped: lower case, lemmas) that the aspect model finds in review sentences
# but that name no feature: the product as a whole ("Good product but ..."), praise idioms ("Top
# marks for the sound"), other products ("when the competition is cheaper"). Written here from
# general English. Their mentions stay in the store and the review explorer.
NOT_FINDINGS = frozenset("""product products item items thing things stuff unit units purchase buy
kudos competition competitor competitors""".split()) | {"top mark", "top marks", "full mark", "full marks"}


def wilson_lower(k: int, n: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval of ``k`` successes in ``n`` (0 when n is 0).

    Example::

        >>> round(wilson_lower(2, 2), 3), round(wilson_lower(40, 44), 3)
        (0.342, 0.788)
    """
    if n <= 0:
        return 0.0
    p = k / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def fisher_greater(k1: int, n1: int, k2: int, n2: int) -> float:
    """p of Fisher's exact one-sided test that proportion 1 is greater than proportion 2: the
    chance that, with ``k1 + k2`` hits spread over the ``n1 + n2`` trials at random, the first
    ``n1`` get ``k1`` or more (the hypergeometric tail).

    Example::

        >>> round(fisher_greater(5, 5, 0, 1), 4)       # five of five against none of one
        0.1667
        >>> fisher_greater(14, 14, 0, 2) < 0.01
        True
    """
    if n1 <= 0 or n2 <= 0:
        return 1.0
    hits, total = k1 + k2, n1 + n2
    tail = sum(math.comb(hits, x) * math.comb(total - hits, n1 - x) for x in range(k1, min(hits, n1) + 1))
    return min(1.0, tail / math.comb(total, n1))


def two_proportion_test(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """``(z, p)`` of the one-sided test that proportion 1 is greater than proportion 2.

    Example::

        >>> z, p = two_proportion_test(8, 10, 2, 20); round(z, 2), p < 0.05
        (3.83, True)
    """
    if n1 == 0 or n2 == 0:
        return 0.0, 1.0
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / se
    return z, 0.5 * math.erfc(z / math.sqrt(2))


# The SQL of :func:`reference_date`: one row with the date, none for an empty store. The
# dashboard runs it too (dashboard/queries.py), so its periods end where the job's do.
# collected_at is UTC and a review's date is the shop's own day: a shop east of Greenwich dates
# reviews up to a day after the UTC day of the collection, so that day counts too.
REFERENCE_DATE = """
    WITH collected AS (SELECT CAST(max(collected_at) AS DATE) AS day FROM reviews)
    SELECT coalesce(max(r.published_at) FILTER (WHERE r.published_at <= collected.day + 1), collected.day)
    FROM reviews r, collected GROUP BY collected.day"""


def reference_date(con) -> date | None:
    """The "now" of trends and emerging complaints: the newest review date in the store that is
    not after the newest collection (else the newest collection day; None for an empty store).
    The collection is in UTC and review dates in the shop's time zone, so a review dated the day
    after the collection's UTC day is not "after" it (a shop at UTC+2 crawled at 00:30 its time)."""
    row = con.execute(REFERENCE_DATE).fetchall()
    return row[0][0] if row and row[0][0] else None


# Whether a review is in the last window (parameters: today, since): NULL for a review without a
# date or dated after today (a typo'd "2062"): in neither window.
_RECENT = "CASE WHEN r.published_at <= ? THEN r.published_at >= ? END"

def _majority(alias: str, over: str = "") -> str:
    """SQL: 'positive' or 'negative' when that side has more of the rows of ``alias`` (grouped, or
    in the window ``over``), else 'neutral' (a tie, or only neutral rows)."""
    pos = f"count(*) FILTER (WHERE {alias}.polarity = 'positive'){over}"
    neg = f"count(*) FILTER (WHERE {alias}.polarity = 'negative'){over}"
    return (f"CASE WHEN {pos} > {neg} THEN 'positive' WHEN {neg} > {pos} THEN 'negative' "
            f"ELSE 'neutral' END")


# One vote per sentence and aspect: the majority polarity of the sentence's terms of it (a tie:
# neutral). ``{where}`` filters the terms first. The counts are of reviews (:data:`REVIEW_VOTES`);
# the sentence votes pick the quotes.
SENTENCE_VOTES = f"""
    SELECT m.product_id, m.aspect, m.review_id, m.sentence_id, {_majority("m")} AS polarity
    FROM aspect_mentions m
    WHERE {{where}}
    GROUP BY m.product_id, m.aspect, m.review_id, m.sentence_id
"""

# One mention per review and aspect: the majority polarity of the review's sentence votes of it
# (``{sentences}``: a relation with SENTENCE_VOTES' columns), a tie or only neutral sentences
# neutral, as a sentence's majority of its terms. Columns: product_id, aspect, review_id,
# polarity, sentences (how many of the review's sentences name the aspect).
REVIEW_VOTES = f"""
    SELECT sv.product_id, sv.aspect, sv.review_id, {_majority("sv")} AS polarity, count(*) AS sentences
    FROM {{sentences}} sv
    GROUP BY sv.product_id, sv.aspect, sv.review_id
"""

# SQL on SENTENCE_VOTES' terms ``m``: the term is a judgement of something a merchant could
# improve. It names a finding (not in NOT_FINDINGS: its one parameter is sorted(NOT_FINDINGS)),
# and it is no part of a need phrase: "I wish it had a thermal carafe" asks for the carafe, it
# does not judge it, so it counts as an unmet need, never as a strength, weakness or neutral
# mention (a neutral mention would still tip the aspect's shares).
A_FINDING = """lower(m.aspect) NOT IN (SELECT unnest(?::VARCHAR[]))
    AND NOT EXISTS (SELECT 1 FROM needs n WHERE n.sentence_id = m.sentence_id
                    AND n.start_char <= m.start_char AND m.end_char <= n.end_char)"""

# The sentence votes of the terms that count (one parameter: sorted(NOT_FINDINGS)): what a
# quote or a report's example sentence is picked from, never what is counted.
FINDING_SENTENCES = SENTENCE_VOTES.format(where=A_FINDING)

# The review votes every count of aspect mentions uses: the findings, aspect_monthly
# (analysis.store_wide), the aspects and reviews reports and the dashboard's aspect charts, so
# they all count the same reviews, each once per product and aspect. One parameter:
# sorted(NOT_FINDINGS). Columns: product_id, aspect, review_id, polarity, sentences.
FINDING_VOTES = REVIEW_VOTES.format(sentences=f"({FINDING_SENTENCES})")

# Each sentence vote of FINDING_SENTENCES with its review's vote (``vote``, REVIEW_VOTES' rule as a
# window over the review's sentences): the counts read one row per review, the quotes and a
# report's examples the sentences. One parameter: sorted(NOT_FINDINGS). Columns: product_id,
# aspect, review_id, sentence_id, polarity (the sentence's), vote (its review's).
VOTED_SENTENCES = f"""
    SELECT sv.*, {_majority("sv", " OVER (PARTITION BY sv.product_id, sv.aspect, sv.review_id)")} AS vote
    FROM ({FINDING_SENTENCES}) sv
"""

_MENTIONS = f"""
    WITH sv AS ({VOTED_SENTENCES})
    SELECT sv.product_id, sv.aspect, sv.polarity, sv.vote, sv.sentence_id, sv.review_id, s.score,
           s.sentiment, s.text, s.start_char, s.end_char, r.url, {_RECENT} AS recent
    FROM sv
    JOIN sentences s ON s.sentence_id = sv.sentence_id
    JOIN reviews r ON r.review_id = sv.review_id
    ORDER BY sv.product_id, sv.aspect, s.score DESC, sv.sentence_id
"""


def _quote(row: dict) -> dict:
    return {"review_id": row["review_id"], "sentence_id": row["sentence_id"], "text": row["text"],
            "start": row["start_char"], "end": row["end_char"], "url": row["url"]}


def _quotes(rows: list[dict], limit: int = QUOTES) -> list[dict]:
    """Up to ``limit`` quotes (rows come surest first), each from a different review and each
    reading differently: reviews often share a sentence word for word, and a finding showing
    the same words twice looks like a bug to a merchant, so a repeated text counts once (case
    and spacing aside). A finding backed by two distinct sentences gets two quotes, not three.

    >>> rows = [{"review_id": r, "sentence_id": r, "text": t, "start_char": 0, "end_char": 1, "url": None}
    ...         for r, t in [("a", "Too loud."), ("b", "too  loud."), ("c", "Hard to clean.")]]
    >>> [q["review_id"] for q in _quotes(rows, 2)], [q["review_id"] for q in _quotes(rows, 3)]
    (['a', 'c'], ['a', 'c'])
    """
    picked, seen_reviews, seen_texts = [], set(), set()
    for row in rows:
        text = _quote_key(row["text"])
        if row["review_id"] in seen_reviews or text in seen_texts:
            continue
        seen_reviews.add(row["review_id"])
        seen_texts.add(text)
        picked.append(_quote(row))
        if len(picked) == limit:
            break
    return picked


def _quote_key(text) -> str:
    """What makes two quotes the same to a reader: the words, whatever their case, spacing,
    punctuation ("It would be so much better with wireless charging!!" says what "... charging."
    says) and slipped letters ("peeling, teh newer batches" is "peeling, the newer batches").

    >>> _quote_key("It would be SO much better with wireless charging!!") == _quote_key("It would be so much better with wireless  charging.")
    True
    >>> _quote_key("Scratched and peeling, teh newer batches") == _quote_key("Scratched and peeling, the newer batches")
    True
    """
    return " ".join(scramble_key(word) for word in re.findall(r"\w+", str(text).casefold()))


def _sides_first(rows: list[dict], side: str) -> list[dict]:
    """``rows`` (surest first) in the order a finding quotes them: sentences whose own sentiment
    is ``side`` first, then neutral ones (or unread: no sentiment), and those that read the other
    way last, each group surest first.

    A sentence of the other side still counts among the mentions (the aspect model read the
    aspect that way in it), but "Best kettle ever, I love it, even the lid!" quoted for a lid
    weakness tells a merchant the opposite of the finding. So it is quoted only to fill a place
    no other sentence can: a finding resting on such sentences alone still shows what it rests on.

    >>> rows = [{"sentiment": s} for s in ("positive", "neutral", "negative", None)]
    >>> [r["sentiment"] for r in _sides_first(rows, "negative")]
    ['negative', 'neutral', None, 'positive']
    """
    def place(row: dict) -> int:
        sentiment = row.get("sentiment", side)
        if sentiment == side:
            return 0
        return 2 if sentiment in ("positive", "negative") else 1
    return sorted(rows, key=place)


def _backing(rows: list[dict], side: str) -> list[dict]:
    """The sentences a finding of ``side`` may quote, in their order: those voting ``side`` in a
    review whose vote is ``side``. A review that mostly praises the lid counts as praise, so
    even its one complaint about the lid is not quoted for a lid weakness.

    >>> rows = [{"sentence_id": i, "polarity": p, "vote": v} for i, (p, v) in
    ...         enumerate([("negative", "negative"), ("negative", "positive"), ("neutral", "negative")])]
    >>> [r["sentence_id"] for r in _backing(rows, "negative")]
    [0]
    """
    return [r for r in rows if r["vote"] == side and r["polarity"] == side]


def _share_trend(rows: list[dict], hit) -> float | None:
    recent = [r for r in rows if r["recent"] is True]
    before = [r for r in rows if r["recent"] is False]
    if not recent or not before:
        return None
    return sum(map(hit, recent)) / len(recent) - sum(map(hit, before)) / len(before)


def _dicts(cur) -> list[dict]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def is_emerging(k1: int, n1: int, k2: int, n2: int) -> tuple[bool, float, float]:
    """Whether ``k1`` negative of ``n1`` recent mentions is a significant rise over ``k2`` of ``n2``
    before; returns ``(emerging, z, p)``: p of Fisher's exact test (:func:`fisher_greater`), z of
    the two-proportion test for reading (how many standard errors the rise is).

    >>> is_emerging(14, 14, 0, 2)[0]      # a new defect: praised twice, then fourteen complaints
    True
    >>> is_emerging(3, 3, 0, 1)[0]        # three mentions are too few to call a trend
    False
    >>> is_emerging(5, 5, 0, 1)[0]        # nor is one mention before (exact p = 0.17)
    False
    >>> is_emerging(2, 7, 0, 14)[0]       # two complaints too
    False
    """
    if (n1 < EMERGING_MIN_RECENT or n2 < EMERGING_MIN_BEFORE or k1 < EMERGING_MIN_NEGATIVE
            or k1 / n1 <= k2 / n2):
        return False, 0.0, 1.0
    z = two_proportion_test(k1, n1, k2, n2)[0]
    p = fisher_greater(k1, n1, k2, n2)
    return p < EMERGING_P, z, p


def holm_keeps(p: float, family: list[float], alpha: float = EMERGING_P) -> bool:
    """Whether ``p`` (one of the p-values in ``family``, all the tests of one product) stays
    significant by Holm's step-down method: the i-th smallest p (from 0) must be under
    alpha / (len(family) - i), and every smaller one must pass first.

    >>> six = [0.003, 0.005, 0.3, 0.4, 1.0, 1.0]
    >>> holm_keeps(0.003, six), holm_keeps(0.005, six)
    (True, True)
    >>> holm_keeps(0.03, [0.03, 0.3, 0.5, 1.0, 1.0, 1.0])     # one of six aspects at p = 0.03: chance
    False
    >>> holm_keeps(0.03, [0.03])
    True
    """
    m = len(family)
    for i, q in enumerate(sorted(family)):
        if q * (m - i) >= alpha:
            return False
        if q >= p:
            return True
    return False


def _weight(finding: dict) -> float:
    """Rank key of a finding: its volume on its side times the confidence of its share.

    Volume matters to a merchant (39 mentions at 74% positive outrank 6 at 100%), and the Wilson
    bound keeps a handful of mentions from looking certain.

    >>> many, few = wilson_lower(29, 39), wilson_lower(6, 6)
    >>> _weight({"mentions": 39, "share": 29 / 39, "confidence": many}) > _weight({"mentions": 6, "share": 1.0, "confidence": few})
    True
    """
    return finding["mentions"] * finding["share"] * finding["confidence"]


def compute_insights(con, run_id: int) -> tuple[list[dict], list[dict]]:
    """``product_insights`` rows and ``emerging_complaints`` rows for every product.

    Example::

        insights, emerging = compute_insights(con, run_id=4)
        [i["name"] for i in insights if i["kind"] == "weakness"][:3]    # ['lid', 'handle']
    """
    today = reference_date(con)
    if today is None:
        return [], []
    since = today - timedelta(days=WINDOW_DAYS - 1)   # WINDOW_DAYS days, today included
    by_aspect: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in _dicts(con.execute(_MENTIONS, [sorted(NOT_FINDINGS), today, since])):
        by_aspect[(row["product_id"], row["aspect"])].append(row)

    insights: dict[tuple[str, str], list[dict]] = defaultdict(list)
    emerging = []
    tested: dict[str, list[float]] = defaultdict(list)   # p of each aspect with enough data to test
    for (product, aspect), rows in by_aspect.items():
        # the counts' unit is the review: one row each (its vote, its window); rows are sentences
        first: dict[str, dict] = {}
        for r in rows:
            first.setdefault(r["review_id"], r)
        votes = list(first.values())
        n = len(votes)
        pos = sum(r["vote"] == "positive" for r in votes)
        neg = sum(r["vote"] == "negative" for r in votes)
        if pos > neg:
            kind, k, side = "strength", pos, "positive"
        elif neg > 0:
            kind, k, side = "weakness", neg, "negative"
        else:
            kind = None
        if kind:
            insights[(product, kind)].append({
                "product_id": product, "kind": kind, "name": aspect, "mentions": n, "share": k / n,
                "confidence": wilson_lower(k, n), "trend": _share_trend(votes, lambda r, s=side: r["vote"] == s),
                "quotes": _quotes(_sides_first(_backing(rows, side), side))})
        recent = [r for r in votes if r["recent"] is True]
        before = [r for r in votes if r["recent"] is False]
        k1, n1 = sum(r["vote"] == "negative" for r in recent), len(recent)
        k2, n2 = sum(r["vote"] == "negative" for r in before), len(before)
        if n1 >= EMERGING_MIN_RECENT and n2 >= EMERGING_MIN_BEFORE:
            tested[product].append(fisher_greater(k1, n1, k2, n2) if k1 / n1 > k2 / n2 else 1.0)
        emerging_now, z, p = is_emerging(k1, n1, k2, n2)
        if emerging_now:
            emerging.append({"product_id": product, "aspect": aspect, "recent_mentions": n1,
                             "recent_negative": k1, "before_mentions": n2, "before_negative": k2,
                             "recent_share": k1 / n1, "before_share": k2 / n2, "z": z, "p_value": p,
                             "quotes": json.dumps(_quotes(_sides_first(
                                 _backing([r for r in rows if r["recent"] is True], "negative"), "negative"))),
                             "run_id": run_id})

    for row in _need_insights(con, today, since):
        insights[(row["product_id"], "need")].append(row)

    out = []
    for (product, kind) in sorted(insights):
        ranked = sorted(insights[(product, kind)], key=lambda r: (-_weight(r), -r["mentions"], r["name"]))
        for rank, row in enumerate(ranked[:MAX_PER_KIND], start=1):
            out.append({**row, "rank": rank, "quotes": json.dumps(row["quotes"]), "run_id": run_id})
    emerging = [row for row in emerging if holm_keeps(row["p_value"], tested[row["product_id"]])]
    emerging.sort(key=lambda r: (r["product_id"], r["p_value"], r["aspect"]))
    return out, emerging


def _need_insights(con, today: date, since: date) -> list[dict]:
    """Need findings: one mention per review and need, however many of its sentences or phrases
    voice it ("I wish it had a timer, it really needs a timer" is one), for the count and the
    rank; the quotes are sentences, each from another review."""
    reviews = {row[0]: (row[1], row[2], row[3]) for row in con.execute(f"""
        SELECT a.product_id, count(*), count(*) FILTER (WHERE {_RECENT}), count(*) FILTER (WHERE NOT {_RECENT})
        FROM review_analysis a JOIN reviews r USING (review_id)
        WHERE a.skipped_reason IS NULL GROUP BY a.product_id""", [today, since, today, since]).fetchall()}
    rows = _dicts(con.execute(f"""
        WITH voiced AS (SELECT DISTINCT product_id, need, sentence_id, review_id FROM needs)
        SELECT n.product_id, n.need, n.sentence_id, n.review_id, s.score, s.text, s.start_char, s.end_char, r.url,
               {_RECENT} AS recent
        FROM voiced n JOIN sentences s USING (sentence_id) JOIN reviews r ON r.review_id = n.review_id
        ORDER BY n.product_id, n.need, s.score DESC, n.sentence_id""", [today, since]))
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        grouped[(row["product_id"], row["need"])].append(row)
    out = []
    for (product, need), mine in grouped.items():
        total, recent_total, before_total = reviews.get(product, (0, 0, 0))
        voicing = {r["review_id"] for r in mine}
        recent_voicing = {r["review_id"] for r in mine if r["recent"] is True}
        before_voicing = {r["review_id"] for r in mine if r["recent"] is False}
        trend = None
        if recent_total and before_total:
            trend = len(recent_voicing) / recent_total - len(before_voicing) / before_total
        out.append({"product_id": product, "kind": "need", "name": need, "mentions": len(voicing),
                    "share": len(voicing) / total if total else 0.0,
                    "confidence": wilson_lower(len(voicing), total), "trend": trend, "quotes": _quotes(mine)})
    return out
