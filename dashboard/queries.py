"""Every SQL query the dashboard runs: parameterised, read-only, cached, aggregate.

Each query opens the store read-only through :mod:`data.store` (which retries briefly while a
job holds the file, then raises :class:`data.store.StoreBusy`) and closes it again: no
connection is held between page runs, so the batch job can always get in.

Results are cached with ``st.cache_data``; every cached function takes ``stamp``, the store
file's modification time, so a finished job invalidates the cache at once. Filter values are
passed as plain tuples/strings/dates so they hash cheaply.

The heavy work (reading sentences, insights, monthly aspect counts) is done by the batch job;
these queries only sum and average the derived tables.

Example::

    from dashboard import queries
    f = queries.Filters()
    table = queries.overview_products("shop.duckdb", queries.store_stamp("shop.duckdb"), f)
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from data import store

# An incremental job can leave findings of several runs; the newest run per product (per
# scope for themes) is the current truth, as in analysis/report.py.
CURRENT_INSIGHTS = "SELECT product_id, max(run_id) AS run_id FROM product_insights GROUP BY product_id"
CURRENT_THEMES = ("SELECT t.* FROM themes t JOIN (SELECT scope, max(run_id) AS run_id FROM themes "
                  "GROUP BY scope) c USING (scope, run_id)")

TTL = 600          # seconds; the stamp already invalidates on every write
WAIT = 2.0         # seconds to wait for a job's lock before showing "updating"
PAGE_SIZE = 20     # reviews per page in the explorer


@dataclass(frozen=True)
class Filters:
    """The shared sidebar filters. Empty tuples mean "all"."""
    start: date | None = None
    end: date | None = None
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_rating: int = 1
    max_rating: int = 5
    period_days: int = 90

    def key(self) -> tuple:
        """A hashable, cache-friendly form."""
        return (self.start, self.end, self.categories, self.sources, self.min_rating,
                self.max_rating, self.period_days)


def store_stamp(db: str) -> float:
    """When the store last changed (file and WAL); part of every cache key."""
    stamp = 0.0
    for path in (db, db + ".wal"):
        try:
            stamp = max(stamp, os.stat(path).st_mtime_ns / 1e9)
        except OSError:
            pass
    return stamp


def _df(db: str, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    return store.query_df(db, sql, params or [], wait=WAIT)


def _review_where(f: Filters, alias: str = "r") -> tuple[str, list]:
    """SQL conditions on ``reviews`` for the sidebar filters, and their parameters."""
    conds, params = [], []
    if f.start:
        conds.append(f"{alias}.published_at >= ?")
        params.append(f.start)
    if f.end:
        conds.append(f"{alias}.published_at <= ?")
        params.append(f.end)
    if f.min_rating > 1 or f.max_rating < 5:
        conds.append(f"{alias}.rating BETWEEN ? AND ?")
        params += [f.min_rating - 0.5, f.max_rating + 0.49]
    if f.sources:
        conds.append(f"list_contains(?::VARCHAR[], {alias}.source)")
        params.append(list(f.sources))
    if f.categories:
        conds.append(f"{alias}.product_id IN (SELECT product_id FROM products "
                     f"WHERE list_contains(?::VARCHAR[], category))")
        params.append(list(f.categories))
    return (" AND ".join(conds) or "TRUE"), params


def _month_where(f: Filters, alias: str = "m") -> tuple[str, list]:
    """Conditions on a monthly table (``month`` column) for the date filter."""
    conds, params = [], []
    if f.start:
        conds.append(f"{alias}.month >= date_trunc('month', ?::DATE)")
        params.append(f.start)
    if f.end:
        conds.append(f"{alias}.month <= ?")
        params.append(f.end)
    if f.categories:
        conds.append(f"{alias}.product_id IN (SELECT product_id FROM products "
                     f"WHERE list_contains(?::VARCHAR[], category))")
        params.append(list(f.categories))
    return (" AND ".join(conds) or "TRUE"), params


# --- the state of the store -------------------------------------------------------------------

@st.cache_data(ttl=TTL, show_spinner=False)
def store_state(db: str, stamp: float) -> dict[str, Any]:
    """What the store holds: ``{"reviews", "analysed", "insights", "last_run"}`` counts.

    Raises StoreError for a missing file and StoreBusy while a job holds it.
    """
    row = store.query(db, """
        SELECT (SELECT count(*) FROM reviews) AS reviews,
               (SELECT count(*) FROM review_analysis) AS analysed,
               (SELECT count(*) FROM product_insights) AS insights,
               (SELECT max(finished_at) FROM analysis_runs WHERE status = 'ok') AS last_run
    """, wait=WAIT).first()
    return row


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_choices(db: str, stamp: float) -> dict[str, Any]:
    """Values the sidebar offers: categories, sources, first and last review date."""
    cats = store.query(db, "SELECT DISTINCT category FROM products WHERE category IS NOT NULL "
                           "ORDER BY 1", wait=WAIT).rows
    srcs = store.query(db, "SELECT DISTINCT source FROM products ORDER BY 1", wait=WAIT).rows
    span = store.query(db, "SELECT min(published_at), max(published_at) FROM reviews",
                       wait=WAIT).rows[0]
    return {"categories": [c[0] for c in cats], "sources": [s[0] for s in srcs],
            "first": span[0], "last": span[1]}


@st.cache_data(ttl=TTL, show_spinner=False)
def products(db: str, stamp: float, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """Products (id, name, brand, category, url), named by title, else id."""
    return _df(db, """
        SELECT product_id, coalesce(title, product_id) AS name, brand, category, url, source
        FROM products
        WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], category)
        ORDER BY name
    """, [list(categories), list(categories)])


def period_bounds(f: Filters, last: date | None) -> tuple[date, date, date]:
    """(previous period start, current period start, end) for "change vs previous period".

    The current period is the last ``period_days`` up to the end of the date filter (or the
    newest review); the previous one is the same length just before it.

    >>> period_bounds(Filters(period_days=30), date(2024, 3, 31))
    (datetime.date(2024, 2, 1), datetime.date(2024, 3, 2), datetime.date(2024, 3, 31))
    """
    end = f.end or last or date.today()
    current_start = end - timedelta(days=f.period_days - 1)
    return current_start - timedelta(days=f.period_days), current_start, end


# --- overview ---------------------------------------------------------------------------------

@st.cache_data(ttl=TTL, show_spinner=False)
def overview_products(db: str, stamp: float, f: Filters, last: date | None) -> pd.DataFrame:
    """One row per product: reviews, average rating, net sentiment, its change, top weakness
    and top unmet need (both from the batch job's insights)."""
    where, params = _review_where(f)
    prev_start, cur_start, end = period_bounds(f, last)
    return _df(db, f"""
        WITH r AS (
            SELECT r.product_id, r.rating, r.published_at, a.net_sentiment
            FROM reviews r LEFT JOIN review_analysis a ON a.review_id = r.review_id
            WHERE {where}),
        agg AS (
            SELECT product_id, count(*) AS reviews, avg(rating) AS avg_rating,
                   avg(net_sentiment) AS net_sentiment,
                   avg(net_sentiment) FILTER (WHERE published_at BETWEEN ? AND ?) AS net_now,
                   avg(net_sentiment) FILTER (WHERE published_at >= ? AND published_at < ?) AS net_before
            FROM r GROUP BY product_id),
        top AS (
            SELECT i.product_id, i.kind, arg_min(i.name, i.rank) AS name
            FROM product_insights i JOIN ({CURRENT_INSIGHTS}) c USING (product_id, run_id)
            WHERE i.kind IN ('weakness', 'need') GROUP BY i.product_id, i.kind)
        SELECT p.product_id, coalesce(p.title, p.product_id) AS product, p.category,
               agg.reviews, agg.avg_rating, agg.net_sentiment,
               agg.net_now - agg.net_before AS net_change,
               w.name AS top_weakness, n.name AS top_need
        FROM agg JOIN products p ON p.product_id = agg.product_id
        LEFT JOIN top w ON w.product_id = agg.product_id AND w.kind = 'weakness'
        LEFT JOIN top n ON n.product_id = agg.product_id AND n.kind = 'need'
        ORDER BY agg.reviews DESC, product
    """, params + [cur_start, end, prev_start, cur_start])


@st.cache_data(ttl=TTL, show_spinner=False)
def emerging_complaints(db: str, stamp: float, f: Filters, last: date | None,
                        limit: int = 10) -> pd.DataFrame:
    """Aspects whose negative mentions grew most, across the catalogue, current vs previous period."""
    prev_start, cur_start, end = period_bounds(f, last)
    where, params = _month_where(Filters(categories=f.categories))
    return _df(db, f"""
        SELECT m.aspect,
               sum(m.negative) FILTER (WHERE m.month >= date_trunc('month', ?::DATE) AND m.month <= ?) AS negative_now,
               sum(m.negative) FILTER (WHERE m.month >= date_trunc('month', ?::DATE) AND m.month < date_trunc('month', ?::DATE)) AS negative_before,
               count(DISTINCT m.product_id) FILTER (WHERE m.negative > 0 AND m.month >= date_trunc('month', ?::DATE)) AS products
        FROM aspect_monthly m
        WHERE {where}
        GROUP BY m.aspect
        HAVING coalesce(negative_now, 0) > coalesce(negative_before, 0)
        ORDER BY coalesce(negative_now, 0) - coalesce(negative_before, 0) DESC, m.aspect
        LIMIT ?
    """, [cur_start, end, prev_start, cur_start, cur_start] + params + [limit])


# --- one product ------------------------------------------------------------------------------

@st.cache_data(ttl=TTL, show_spinner=False)
def product_summary(db: str, stamp: float, product_id: str, f: Filters) -> dict[str, Any]:
    """Reviews, average rating and net sentiment of one product under the filters."""
    where, params = _review_where(f)
    row = store.query(db, f"""
        SELECT count(*) AS reviews, avg(r.rating) AS avg_rating, avg(a.net_sentiment) AS net_sentiment,
               count(*) FILTER (WHERE a.rating_mismatch IS NOT NULL) AS mismatches
        FROM reviews r LEFT JOIN review_analysis a ON a.review_id = r.review_id
        WHERE r.product_id = ? AND {where}
    """, [product_id] + params, wait=WAIT).first()
    return row


@st.cache_data(ttl=TTL, show_spinner=False)
def product_insights(db: str, stamp: float, product_id: str) -> pd.DataFrame:
    """Strengths, weaknesses and unmet needs of one product, ranked, with quotes (parsed)."""
    frame = _df(db, """
        SELECT kind, rank, name, mentions, share, confidence, trend, CAST(quotes AS VARCHAR) AS quotes
        FROM product_insights
        WHERE product_id = ? AND run_id = (SELECT max(run_id) FROM product_insights WHERE product_id = ?)
        ORDER BY kind, rank
    """, [product_id, product_id])
    frame["quotes"] = [json.loads(q) if isinstance(q, str) else (q or []) for q in frame["quotes"]]
    return frame


@st.cache_data(ttl=TTL, show_spinner=False)
def aspect_sentiment(db: str, stamp: float, product_ids: tuple[str, ...], f: Filters) -> pd.DataFrame:
    """Positive / negative / neutral mentions per product and aspect over the date filter."""
    where, params = _month_where(Filters(start=f.start, end=f.end))
    return _df(db, f"""
        SELECT m.product_id, coalesce(p.title, m.product_id) AS product, m.aspect,
               sum(m.positive)::BIGINT AS positive, sum(m.negative)::BIGINT AS negative,
               sum(m.neutral)::BIGINT AS neutral,
               sum(m.positive + m.negative + m.neutral)::BIGINT AS mentions
        FROM aspect_monthly m JOIN products p ON p.product_id = m.product_id
        WHERE list_contains(?::VARCHAR[], m.product_id) AND {where}
        GROUP BY ALL
        ORDER BY mentions DESC, m.aspect
    """, [list(product_ids)] + params)


@st.cache_data(ttl=TTL, show_spinner=False)
def rating_distribution(db: str, stamp: float, product_id: str, f: Filters) -> pd.DataFrame:
    """Reviews per star (1-5) of one product."""
    where, params = _review_where(f)
    return _df(db, f"""
        SELECT s.stars, coalesce(c.reviews, 0) AS reviews
        FROM range(1, 6) s(stars)
        LEFT JOIN (SELECT round(r.rating)::INTEGER AS stars, count(*) AS reviews
                   FROM reviews r WHERE r.product_id = ? AND r.rating IS NOT NULL AND {where}
                   GROUP BY 1) c ON c.stars = s.stars
        ORDER BY s.stars
    """, [product_id] + params)


@st.cache_data(ttl=TTL, show_spinner=False)
def sentiment_over_time(db: str, stamp: float, product_id: str, f: Filters) -> pd.DataFrame:
    """Per month: reviews, average rating and net sentiment of one product."""
    where, params = _review_where(f)
    return _df(db, f"""
        SELECT date_trunc('month', r.published_at)::DATE AS month, count(*) AS reviews,
               avg(r.rating) AS avg_rating, avg(a.net_sentiment) AS net_sentiment
        FROM reviews r LEFT JOIN review_analysis a ON a.review_id = r.review_id
        WHERE r.product_id = ? AND r.published_at IS NOT NULL AND {where}
        GROUP BY 1 ORDER BY 1
    """, [product_id] + params)


@st.cache_data(ttl=TTL, show_spinner=False)
def product_themes(db: str, stamp: float, product_id: str) -> pd.DataFrame:
    """The themes this product's sentences fall in, with how many of its sentences each holds."""
    return _df(db, f"""
        SELECT t.theme_id, t.kind, t.label, t.keywords, t.aspect, t.size, count(*) AS sentences
        FROM sentences s
        JOIN theme_sentences ts ON ts.sentence_id = s.sentence_id
        JOIN ({CURRENT_THEMES}) t ON t.theme_id = ts.theme_id
        WHERE s.product_id = ?
        GROUP BY ALL ORDER BY sentences DESC, t.label
    """, [product_id])


# --- themes -----------------------------------------------------------------------------------

@st.cache_data(ttl=TTL, show_spinner=False)
def themes(db: str, stamp: float, kind: str, f: Filters, last: date | None) -> pd.DataFrame:
    """Themes of one kind (complaint / need) with size, keywords and trend.

    Trend is the theme's sentences in the current period minus the previous one, from the
    review dates of its sentences.
    """
    prev_start, cur_start, end = period_bounds(f, last)
    return _df(db, f"""
        WITH t AS (SELECT * FROM ({CURRENT_THEMES}) WHERE kind = ?),
        dated AS (
            SELECT ts.theme_id, r.published_at
            FROM theme_sentences ts
            JOIN t ON t.theme_id = ts.theme_id
            JOIN sentences s ON s.sentence_id = ts.sentence_id
            JOIN reviews r ON r.review_id = s.review_id
            WHERE r.published_at >= ?),
        trend AS (
            SELECT theme_id,
                   count(*) FILTER (WHERE published_at >= ? AND published_at <= ?) AS now,
                   count(*) FILTER (WHERE published_at < ?) AS before
            FROM dated GROUP BY theme_id)
        SELECT t.theme_id, t.label, t.scope, t.aspect, t.size, t.keywords,
               coalesce(trend.now, 0) AS sentences_now, coalesce(trend.before, 0) AS sentences_before
        FROM t LEFT JOIN trend ON trend.theme_id = t.theme_id
        ORDER BY t.size DESC, t.label
    """, [kind, prev_start, cur_start, end, cur_start])


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_examples(db: str, stamp: float, theme_ids: tuple[str, ...], per_theme: int = 3) -> pd.DataFrame:
    """A few example sentences per theme, representative ones first."""
    return _df(db, """
        SELECT theme_id, sentence_id, review_id, product, text, url FROM (
            SELECT ts.theme_id, s.sentence_id, s.review_id, coalesce(p.title, s.product_id) AS product,
                   s.text, r.url,
                   row_number() OVER (PARTITION BY ts.theme_id
                                      ORDER BY ts.is_representative DESC, s.sentence_id) AS n
            FROM theme_sentences ts
            JOIN sentences s ON s.sentence_id = ts.sentence_id
            JOIN reviews r ON r.review_id = s.review_id
            LEFT JOIN products p ON p.product_id = s.product_id
            WHERE list_contains(?::VARCHAR[], ts.theme_id)
              AND (ts.is_representative OR ts.theme_id IN (
                    SELECT theme_id FROM theme_sentences GROUP BY theme_id
                    HAVING count(*) FILTER (WHERE is_representative) < ?)))
        WHERE n <= ? ORDER BY theme_id, n
    """, [list(theme_ids), per_theme, per_theme])


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_list(db: str, stamp: float) -> pd.DataFrame:
    """All themes (id, kind, label) for the explorer's filter."""
    return _df(db, f"SELECT theme_id, kind, label FROM ({CURRENT_THEMES}) ORDER BY kind, size DESC")


@st.cache_data(ttl=TTL, show_spinner=False)
def aspect_list(db: str, stamp: float) -> list[str]:
    """Aspect names, most mentioned first (from the monthly table, cheap)."""
    rows = store.query(db, "SELECT aspect FROM aspect_monthly GROUP BY aspect "
                           "ORDER BY sum(positive + negative + neutral) DESC", wait=WAIT).rows
    return [r[0] for r in rows]


# --- reviews explorer -------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewQuery:
    """What the explorer filters on, on top of the sidebar filters."""
    product_id: str | None = None
    stars: tuple[int, ...] = ()
    aspect: str | None = None
    sentiment: str | None = None
    theme_id: str | None = None
    search: str = ""
    mismatch_only: bool = False


def _explorer_where(q: ReviewQuery, f: Filters) -> tuple[str, list]:
    where, params = _review_where(f)
    conds = [where]
    if q.product_id:
        conds.append("r.product_id = ?")
        params.append(q.product_id)
    if q.stars:
        conds.append("list_contains(?::INTEGER[], round(r.rating)::INTEGER)")
        params.append(list(q.stars))
    if q.sentiment:
        conds.append("a.sentiment = ?")
        params.append(q.sentiment)
    if q.mismatch_only:
        conds.append("a.rating_mismatch IS NOT NULL")
    if q.aspect:
        conds.append("r.review_id IN (SELECT review_id FROM aspect_mentions WHERE aspect = ?"
                     + (" AND product_id = ?" if q.product_id else "") + ")")
        params.append(q.aspect)
        if q.product_id:
            params.append(q.product_id)
    if q.theme_id:
        conds.append("r.review_id IN (SELECT s.review_id FROM theme_sentences ts "
                     "JOIN sentences s ON s.sentence_id = ts.sentence_id WHERE ts.theme_id = ?)")
        params.append(q.theme_id)
    if q.search.strip():
        # Plain substring search: the words are a parameter, wildcards in them are escaped.
        term = q.search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append("(r.body ILIKE ? ESCAPE '\\' OR r.title ILIKE ? ESCAPE '\\')")
        params += [f"%{term}%", f"%{term}%"]
    return " AND ".join(conds), params


@st.cache_data(ttl=TTL, show_spinner=False)
def count_reviews(db: str, stamp: float, q: ReviewQuery, f: Filters) -> int:
    """How many reviews the explorer's filters match."""
    where, params = _explorer_where(q, f)
    return int(store.query(db, f"""
        SELECT count(*) FROM reviews r LEFT JOIN review_analysis a ON a.review_id = r.review_id
        WHERE {where}""", params, wait=WAIT).scalar() or 0)


@st.cache_data(ttl=TTL, show_spinner=False)
def review_page(db: str, stamp: float, q: ReviewQuery, f: Filters, page: int,
                page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of matching reviews, newest first, with their analysis."""
    where, params = _explorer_where(q, f)
    return _df(db, f"""
        SELECT r.review_id, r.product_id, coalesce(p.title, r.product_id) AS product, r.rating,
               r.title, r.body, r.author, r.published_at, r.url, r.source,
               a.sentiment, a.net_sentiment, a.rating_mismatch
        FROM reviews r LEFT JOIN review_analysis a ON a.review_id = r.review_id
        LEFT JOIN products p ON p.product_id = r.product_id
        WHERE {where}
        ORDER BY r.published_at DESC NULLS LAST, r.review_id
        LIMIT ? OFFSET ?
    """, params + [page_size, max(0, page) * page_size])


@st.cache_data(ttl=TTL, show_spinner=False)
def review_markup(db: str, stamp: float, review_ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentences and aspect mentions of the given reviews (offsets into their bodies)."""
    ids = list(review_ids)
    sents = _df(db, "SELECT review_id, start_char, end_char, sentiment FROM sentences "
                    "WHERE list_contains(?::VARCHAR[], review_id) ORDER BY review_id, idx", [ids])
    aspects = _df(db, "SELECT review_id, start_char, end_char, aspect, polarity FROM aspect_mentions "
                      "WHERE list_contains(?::VARCHAR[], review_id) ORDER BY review_id, start_char", [ids])
    return sents, aspects
