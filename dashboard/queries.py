"""Every SQL query the dashboard runs: parameterised, read-only, cached, aggregate.

Each query opens the store read-only through :mod:`data.store` (which retries briefly while a
job holds the file, then raises :class:`data.store.StoreBusy`) and closes it again: no
connection is held between page runs, so the batch job can always get in.

Results are cached with ``st.cache_data``; every cached function takes ``stamp``, the store
file's modification time, so a finished job invalidates the cache at once. Filter values are
passed as plain tuples/strings/dates so they hash cheaply.

The heavy work (reading sentences, insights, monthly aspect counts) is done by the batch job;
these queries only sum and average the derived tables (or in-memory summaries of them, built
once per store version).

Example::

    from dashboard import queries
    f = queries.Filters()
    table = queries.overview_products("shop.duckdb", queries.store_stamp("shop.duckdb"), f)
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Iterator

import pandas as pd
import streamlit as st

from analysis.insights import FINDING_VOTES, NOT_FINDINGS, REFERENCE_DATE
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


_run = threading.local()


@contextlib.contextmanager
def page_run(db: str) -> Iterator[None]:
    """Share one read-only connection among the queries of one page run, then close it.

    Opening the file costs ~100 ms, more than most aggregate queries here, so a page opens it
    at most once per run (lazily: a run served from the cache opens nothing). The connection
    lives only while the page script runs; between runs the file is free for the batch job.
    """
    _run.db, _run.con = db, None
    try:
        yield
    finally:
        con, _run.con, _run.db = getattr(_run, "con", None), None, None
        if con is not None:
            con.close()


def _connection(db: str):
    """The page run's connection (opened on first use), or None outside a page run."""
    if getattr(_run, "db", None) != db:
        return None
    if _run.con is None:
        con = store.connect(db, read_only=True, wait=WAIT)
        try:
            if store.schema_version(con) < store.latest_version():
                raise store.StoreError(
                    f"the database {db} is at schema version {store.schema_version(con)}, this "
                    f"reviewlens needs {store.latest_version()}: run any writing command "
                    f"(e.g. `reviewlens analyze`) to upgrade it")
        except BaseException:
            con.close()
            raise
        _run.con = con
    return _run.con


def _df(db: str, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    con = _connection(db)
    if con is None:
        return store.query_df(db, sql, params or [], wait=WAIT)
    return con.execute(sql, params or []).df()


def _query(db: str, sql: str, params: list | dict | None = None) -> store.Results:
    con = _connection(db)
    if con is None:
        return store.query(db, sql, params or [], wait=WAIT)
    cur = con.execute(sql, params or [])
    return store.Results([d[0] for d in cur.description], cur.fetchall())


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
        # the stars a review shows (round half up, as review_facts' ``stars``), so the explorer
        # and the overview keep the same reviews
        conds.append(f"round({alias}.rating) BETWEEN ? AND ?")
        params += [f.min_rating, f.max_rating]
    if f.sources:
        conds.append(f"list_contains(?::VARCHAR[], {alias}.source)")
        params.append(list(f.sources))
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
    row = _query(db, """
        SELECT (SELECT count(*) FROM reviews) AS reviews,
               -- (of the stored reviews: rows of a review replaced since are not counted)
               (SELECT count(*) FROM review_analysis a SEMI JOIN reviews r USING (review_id)) AS analysed,
               (SELECT count(*) FROM product_insights) AS insights,
               (SELECT max(finished_at) FROM analysis_runs WHERE status = 'ok') AS last_run
    """).first()
    return row


@st.cache_data(ttl=TTL, show_spinner=False)
def filter_choices(db: str, stamp: float) -> dict[str, Any]:
    """Values the sidebar offers: categories, sources, the first and the last review date
    (``first``, ``last``: the bounds of the date filter), the dashboard's "now" and how many
    reviews are dated after it (``now``, ``after_now``).

    "Now" is the analysis job's (:func:`analysis.insights.reference_date`): the newest review
    date not after the newest collection, so one review with a mistyped future date ("2062")
    does not move the periods that "Change" and "trend" compare; it is the To date's default
    and the end of those periods. It is kept inside ``[first, last]`` (a store whose every
    review is dated after its collection would otherwise put it before the first review).
    """
    cats = _query(db, "SELECT DISTINCT category FROM products WHERE category IS NOT NULL "
                           "ORDER BY 1").rows
    # The filter keeps reviews by their own source: one product can be imported from several
    # files, and products.source names only the first.
    srcs = _query(db, "SELECT DISTINCT source FROM reviews ORDER BY 1").rows
    span = _query(db, f"""
        WITH ref(now) AS ({REFERENCE_DATE})
        SELECT min(r.published_at), max(r.published_at), any_value(ref.now) AS now,
               count(*) FILTER (WHERE r.published_at > ref.now) AS after_now
        FROM reviews r LEFT JOIN ref ON true""").rows[0]
    first, last, now, after_now = span
    if first and last:
        now = min(max(now or last, first), last)
    return {"categories": [c[0] for c in cats], "sources": [s[0] for s in srcs],
            "first": first, "last": last, "now": now, "after_now": int(after_now or 0)}


@st.cache_data(ttl=TTL, show_spinner=False)
def products(db: str, stamp: float, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """Products (id, name, brand, category, url), named by title, else id."""
    return _df(db, """
        SELECT product_id, coalesce(title, product_id) AS name, brand, category, url, source
        FROM products
        WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], category)
        ORDER BY name, product_id
    """, [list(categories), list(categories)])


def period_bounds(f: Filters, now: date | None) -> tuple[date, date, date]:
    """(previous period start, current period start, end) for "change vs previous period".

    The current period is the last ``period_days`` up to the end of the date filter (or
    ``now``, :func:`filter_choices`' "now"); the previous one is the same length just before it.
    The From date never shortens either: the pages name these periods in full.

    >>> period_bounds(Filters(period_days=30), date(2024, 3, 31))
    (datetime.date(2024, 2, 1), datetime.date(2024, 3, 2), datetime.date(2024, 3, 31))
    """
    end = f.end or now or date.today()
    current_start = end - timedelta(days=f.period_days - 1)
    return current_start - timedelta(days=f.period_days), current_start, end


# --- in-memory summaries: built once per store version, shared by every session -------------
#
# Review-level numbers under the sidebar filters (counts, ratings, net sentiment, changes)
# need every review joined with its analysis: a million-row join costs ~0.5-1 s on a small
# machine, too slow for every page view. So once per store version (the stamp changes when a
# job writes) the dashboard copies one narrow row per review into an in-memory DuckDB, and the
# pages aggregate that in milliseconds. The store's file connection is closed right after the
# copy; the in-memory database belongs to the dashboard process only.

@st.cache_resource(ttl=TTL, max_entries=3, show_spinner="Summarising the reviews…")
def review_facts(db: str, stamp: float):
    """An in-memory DuckDB holding table ``facts``: one narrow row per review, sorted by product.

    Columns: product_id, category, source, day, stars, rating, net (net sentiment or NULL),
    analysed (the job has read the review as it reads now: false for one collected, or
    edited, since the last analysis), mismatch (whether the stars say the opposite of the
    text; NULL where ``analysed`` is false: nobody has checked that text). Sorting by product
    lets a product's queries skip the other rows.
    """
    return _memory_copy(db, "facts", """
        SELECT r.product_id, p.category, r.source, r.published_at AS day,
               round(r.rating)::TINYINT AS stars, r.rating::FLOAT AS rating,
               a.net_sentiment::FLOAT AS net,
               coalesce(a.content_hash = r.content_hash, false) AS analysed,
               CASE WHEN a.content_hash = r.content_hash THEN a.rating_mismatch IS NOT NULL END AS mismatch
        FROM store.reviews r
        LEFT JOIN store.review_analysis a ON a.review_id = r.review_id
        LEFT JOIN store.products p ON p.product_id = r.product_id
        ORDER BY r.product_id, r.published_at
    """)


@st.cache_resource(ttl=TTL, max_entries=3, show_spinner="Summarising the themes…")
def theme_facts(db: str, stamp: float):
    """An in-memory DuckDB holding table ``theme_days``: theme sentences per theme, product,
    review day, stars and source.

    Columns: theme_id, product_id, category, source, day, stars, sentences (the filter columns
    as ``facts``, so :func:`_facts_where` filters this table too).
    """
    # sentence_id is review_id || ':' || idx (schema 002), so the review is found without
    # reading the large sentences table.
    return _memory_copy(db, "theme_days", """
        SELECT ts.theme_id, r.product_id, p.category, r.source, r.published_at AS day,
               round(r.rating)::TINYINT AS stars, count(*)::INTEGER AS sentences
        FROM store.theme_sentences ts
        JOIN store.reviews r
          ON r.review_id = ts.sentence_id[:length(ts.sentence_id) - strpos(reverse(ts.sentence_id), ':')]
        LEFT JOIN store.products p ON p.product_id = r.product_id
        GROUP BY ALL
        ORDER BY ts.theme_id, r.published_at
    """)


@st.cache_resource(ttl=TTL, max_entries=3, show_spinner="Summarising the aspect mentions…")
def aspect_facts(db: str, stamp: float):
    """An in-memory DuckDB holding table ``aspect_days``: reviews mentioning each aspect, per
    product, review day, stars and source, sorted by product.

    Columns: product_id, category, source, day, stars, aspect, positive, negative, neutral (as
    ``facts``, so :func:`_facts_where` filters both). A review is one mention of an aspect,
    however many of its sentences name it, with the majority polarity of its sentences' votes
    (each the majority of the sentence's terms; a tie: neutral): the batch job's own rule,
    ``analysis.insights.FINDING_VOTES``, over the terms the findings and ``aspect_monthly`` count
    (no names that are no finding, no terms inside a need phrase). So with no
    filter these are the monthly table's numbers plus the undated reviews' (no date, no month:
    the monthly table leaves them out), and with filters the same reviews, fewer.
    A review without a date counts only while no date filter is set, as in ``facts``.

    A term is counted under the group the last store-wide step gave it (``aspect_labels``): while
    a run is under way, or after one stopped before that step, its new mentions carry their raw
    terms ("battery life"), and the chart would split an aspect in two.
    """
    return _memory_copy(db, "aspect_days", f"""
        WITH aspect_mentions AS (
            SELECT m.* REPLACE (coalesce(l.aspect, m.aspect) AS aspect)
            FROM store.aspect_mentions m
            LEFT JOIN store.products lp ON lp.product_id = m.product_id
            LEFT JOIN store.aspect_labels l
                   ON l.category = coalesce(lp.category, '') AND l.term = lower(trim(m.term))),
        votes AS ({FINDING_VOTES})
        SELECT v.product_id, p.category, r.source, r.published_at AS day,
               round(r.rating)::TINYINT AS stars, v.aspect,
               count(*) FILTER (WHERE v.polarity = 'positive')::INTEGER AS positive,
               count(*) FILTER (WHERE v.polarity = 'negative')::INTEGER AS negative,
               count(*) FILTER (WHERE v.polarity = 'neutral')::INTEGER AS neutral
        FROM votes v
        JOIN store.reviews r ON r.review_id = v.review_id
        LEFT JOIN store.products p ON p.product_id = v.product_id
        GROUP BY ALL
        ORDER BY v.product_id, day
    """, [sorted(NOT_FINDINGS)])


@atexit.register
def _drop_summaries() -> None:
    # Close the in-memory databases before the interpreter tears DuckDB's bindings down.
    review_facts.clear()
    theme_facts.clear()
    aspect_facts.clear()


def _memory_copy(db: str, name: str, select: str, params: list | None = None):
    """A new in-memory DuckDB with the store attached read-only just long enough to copy
    ``select`` (with ``params``) into table ``name``; raises StoreBusy while a job holds the file.

    A table named without ``store.`` is looked up in the store too: SQL shared with the batch
    job (``analysis.insights.FINDING_VOTES``) names the store's tables plainly.
    """
    import duckdb

    mem = duckdb.connect()
    deadline = time.monotonic() + WAIT
    while True:
        try:
            mem.execute("ATTACH ? AS store (READ_ONLY)", [str(db)])
            break
        except duckdb.Error as exc:
            if "lock" not in str(exc).lower():
                mem.close()
                raise store.StoreError(f"cannot read the database {db}: {exc}") from exc
            if time.monotonic() >= deadline:
                mem.close()
                raise store.StoreBusy(f"a job is updating the data in {db}; try again when it "
                                      f"has finished") from exc
            time.sleep(0.1)
    try:
        mem.execute("SET search_path = 'memory.main,store.main'")
        mem.execute(f"CREATE TABLE {name} AS {select}", params or [])
    finally:
        # a search path naming a detached database would break every later query
        mem.execute("RESET search_path")
        mem.execute("DETACH store")
    return mem


def _in_memory(mem, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run parameterised SQL on an in-memory summary database.

    Each call uses its own cursor (a connection to the same in-memory database), because
    Streamlit runs every session in its own thread.
    """
    cur = mem.cursor()
    try:
        return cur.execute(sql, params or []).df()
    finally:
        cur.close()


def _facts_where(f: Filters) -> tuple[str, list]:
    """The sidebar filters as conditions on the ``facts`` table of :func:`review_facts`."""
    conds, params = [], []
    if f.start:
        conds.append("day >= ?")
        params.append(f.start)
    if f.end:
        conds.append("day <= ?")
        params.append(f.end)
    if f.min_rating > 1 or f.max_rating < 5:
        conds.append("stars BETWEEN ? AND ?")
        params += [f.min_rating, f.max_rating]
    if f.sources:
        conds.append("list_contains(?::VARCHAR[], source)")
        params.append(list(f.sources))
    if f.categories:
        conds.append("list_contains(?::VARCHAR[], category)")
        params.append(list(f.categories))
    return (" AND ".join(conds) or "TRUE"), params


# --- overview ---------------------------------------------------------------------------------

@st.cache_data(ttl=TTL, show_spinner=False)
def catalogue_summary(db: str, stamp: float, f: Filters) -> dict[str, Any]:
    """Products, reviews and average rating of everything the filters keep."""
    where, params = _facts_where(f)
    row = _in_memory(review_facts(db, stamp), f"""
        SELECT count(DISTINCT product_id) AS products, count(*) AS reviews, avg(rating) AS avg_rating
        FROM facts WHERE {where}""", params)
    return row.iloc[0].to_dict()


def _period_filters(f: Filters) -> Filters:
    """The filters a period comparison keeps: all but the dates, which the periods replace.

    The periods of :func:`period_bounds` end at the To date and are named in full on the
    page; the From date cutting into them would compare a few days with a whole period.

    >>> _period_filters(Filters(start=date(2025, 1, 1), end=date(2025, 3, 1), max_rating=2))
    Filters(start=None, end=None, categories=(), sources=(), min_rating=1, max_rating=2, period_days=90)
    """
    return replace(f, start=None, end=None)


@st.cache_data(ttl=TTL, show_spinner=False)
def overview_products(db: str, stamp: float, f: Filters, now: date | None) -> pd.DataFrame:
    """One row per product: reviews, average rating, net sentiment, its change, top weakness
    and top unmet need (both from the batch job's insights).

    Reviews, rating and net sentiment are those of the reviews every sidebar filter keeps. The
    change compares the two whole periods of :func:`period_bounds` (``now``: the dashboard's
    "now", :func:`filter_choices`) in the reviews the other filters keep: the From date does not
    shorten them (:func:`_period_filters`). A product none of whose reviews the filters keep has
    no row.
    """
    where, params = _facts_where(f)
    kept, kept_params = _facts_where(_period_filters(f))
    prev_start, cur_start, end = period_bounds(f, now)
    numbers = _in_memory(review_facts(db, stamp), f"""
        SELECT product_id, count(*) FILTER (WHERE {where}) AS reviews,
               avg(rating) FILTER (WHERE {where}) AS avg_rating,
               avg(net) FILTER (WHERE {where}) AS net_sentiment,
               avg(net) FILTER (WHERE day BETWEEN ? AND ?)
             - avg(net) FILTER (WHERE day >= ? AND day < ?) AS net_change
        FROM facts WHERE {kept}
        GROUP BY product_id
        HAVING count(*) FILTER (WHERE {where}) > 0
    """, params * 3 + [cur_start, end, prev_start, cur_start] + kept_params + params)
    names = _df(db, f"""
        WITH top AS (
            SELECT i.product_id, i.kind, arg_min(i.name, i.rank) AS name
            FROM product_insights i JOIN ({CURRENT_INSIGHTS}) c USING (product_id, run_id)
            WHERE i.kind IN ('weakness', 'need') GROUP BY i.product_id, i.kind)
        SELECT p.product_id, coalesce(p.title, p.product_id) AS product, p.category,
               w.name AS top_weakness, n.name AS top_need
        FROM products p
        LEFT JOIN top w ON w.product_id = p.product_id AND w.kind = 'weakness'
        LEFT JOIN top n ON n.product_id = p.product_id AND n.kind = 'need'
    """)
    table = numbers.merge(names, on="product_id", how="left")
    table["reviews"] = table["reviews"].astype("int64")
    table = table.sort_values(["reviews", "product"], ascending=[False, True])
    return table[["product_id", "product", "category", "reviews", "avg_rating", "net_sentiment",
                  "net_change", "top_weakness", "top_need"]].reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def emerging_complaints(db: str, stamp: float, f: Filters, now: date | None,
                        limit: int = 10) -> pd.DataFrame:
    """Aspects whose negative mentions grew most, across the catalogue, current vs previous period.

    Counted by the day over the periods of :func:`period_bounds` (``now``: the dashboard's
    "now", :func:`filter_choices`), in the reviews the sidebar's sources, stars and categories
    keep; a mention is a review, as in :func:`aspect_facts`. The periods end at the sidebar's
    To date, and nothing after it counts; its From date does not cut the period before, which
    would make any complaint look like it is growing (:func:`_period_filters`).
    Columns: aspect, negative_now, negative_before, products (those with a complaint now).
    """
    prev_start, cur_start, end = period_bounds(f, now)
    where, params = _facts_where(_period_filters(f))
    return _in_memory(aspect_facts(db, stamp), f"""
        WITH m AS (SELECT product_id, aspect, negative, day
                   FROM aspect_days WHERE day BETWEEN ? AND ? AND {where})
        SELECT m.aspect,
               -- no mention in a period is no complaint in it: 0, not an empty cell
               coalesce(sum(m.negative) FILTER (WHERE m.day >= ?), 0)::BIGINT AS negative_now,
               coalesce(sum(m.negative) FILTER (WHERE m.day < ?), 0)::BIGINT AS negative_before,
               count(DISTINCT m.product_id) FILTER (WHERE m.negative > 0 AND m.day >= ?) AS products
        FROM m
        GROUP BY m.aspect
        HAVING negative_now > negative_before
        ORDER BY negative_now - negative_before DESC, m.aspect
        LIMIT ?
    """, [prev_start, end] + params + [cur_start, cur_start, cur_start, limit])


# --- one product ------------------------------------------------------------------------------

@st.cache_data(ttl=TTL, show_spinner=False)
def product_summary(db: str, stamp: float, product_id: str, f: Filters) -> dict[str, Any]:
    """Reviews, average rating, net sentiment and rating-text mismatches of one product, in the
    reviews the sidebar filters keep, and how far the analysis has got with it.

    Keys: reviews, avg_rating, net_sentiment; checked (of those reviews, the ones the job has
    read), mismatches (among the checked ones; None when none is checked: no text was read, so
    no count is known); all_reviews and not_analysed (every review of the product, whatever the
    filters, and those the job has not read yet: collected, or edited, since the last analysis;
    the findings, which cover all of the product's reviews, leave them out).
    """
    where, params = _facts_where(f)
    row = _in_memory(review_facts(db, stamp), f"""
        SELECT count(*) FILTER (WHERE {where}) AS reviews,
               avg(rating) FILTER (WHERE {where}) AS avg_rating,
               avg(net) FILTER (WHERE {where}) AS net_sentiment,
               count(*) FILTER (WHERE analysed AND {where}) AS checked,
               count(*) FILTER (WHERE mismatch AND analysed AND {where}) AS mismatches,
               count(*) AS all_reviews,
               count(*) FILTER (WHERE NOT analysed) AS not_analysed
        FROM facts WHERE product_id = ?
    """, params * 5 + [product_id])
    summary = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.iloc[0].to_dict().items()}
    if not summary["checked"]:
        summary["mismatches"] = None
    return summary


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
def quote_marks(db: str, stamp: float, product_ids: tuple[str, ...],
                sentence_ids: tuple[str, ...]) -> pd.DataFrame:
    """Where each quote's aspect term or need phrase sits in the quote: ``sentence_id, kind,
    name, start, end, text``, ``text[start:end]`` being the words (``text`` is the sentence as a
    quote shows it).

    The analysis stores offsets into the review body, but a sentence's text is the body's span
    cleaned for the models (analysis.sentences: tags dropped, entities such as ``&#39;``
    unescaped, runs of whitespace made one space), so a body offset is no text offset once the
    span held any of those. Each mark is mapped through that same cleaning; one that does not
    map (the sentence was split differently since) is left out, and the page falls back to
    finding the word (:func:`quote_mark`).
    """
    ids = list(sentence_ids)
    found = _df(db, """
        WITH marks AS (
            SELECT sentence_id, 'aspect' AS kind, aspect AS name, start_char, end_char
            FROM aspect_mentions
            WHERE product_id IN (SELECT unnest(?::VARCHAR[])) AND sentence_id IN (SELECT unnest(?::VARCHAR[]))
            UNION ALL
            SELECT sentence_id, 'need', need, start_char, end_char
            FROM needs
            WHERE product_id IN (SELECT unnest(?::VARCHAR[])) AND sentence_id IN (SELECT unnest(?::VARCHAR[]))
              AND start_char IS NOT NULL)
        SELECT m.sentence_id, m.kind, m.name, m.start_char, m.end_char,
               s.start_char AS sentence_start, s.end_char AS sentence_end, s.text, r.body
        FROM marks m
        JOIN sentences s ON s.sentence_id = m.sentence_id
        JOIN reviews r ON r.review_id = s.review_id
        ORDER BY m.sentence_id, m.kind, m.start_char
    """, [list(product_ids), ids, list(product_ids), ids])
    rows = []
    for mark in found.itertuples(index=False):
        span = _text_span(mark.body or "", int(mark.sentence_start), int(mark.sentence_end), mark.text,
                          int(mark.start_char), int(mark.end_char))
        if span:
            rows.append((mark.sentence_id, mark.kind, mark.name, *span, mark.text))
    return pd.DataFrame(rows, columns=["sentence_id", "kind", "name", "start", "end", "text"])


def _text_span(body: str, sentence_start: int, sentence_end: int, text: str,
               start: int, end: int) -> tuple[int, int] | None:
    """``body[start:end]`` as offsets into ``text``, the sentence ``body[sentence_start:sentence_end]``
    as the analysis cleaned it; None when ``text`` is not that sentence or the span is outside it.

    >>> body = "I don&#39;t like it: the lid is bad."
    >>> _text_span(body, 0, len(body), "I don't like it: the lid is bad.", 25, 28)
    (21, 24)
    """
    from analysis.sentences import clean_with_offsets

    cleaned, where, until = clean_with_offsets(body[sentence_start:sentence_end])
    if cleaned.replace("\n", " ") != text:
        return None
    inside = [i for i, (a, b) in enumerate(zip(where, until))
              if start - sentence_start <= a and b <= end - sentence_start]
    return (inside[0], inside[-1] + 1) if inside else None


def quote_mark(marks: pd.DataFrame, quote: dict, kind: str, name: str) -> tuple[int | None, int | None]:
    """Where a finding's aspect term (``kind`` "aspect") or need phrase ("need") called ``name``
    sits in ``quote``'s text, from :func:`quote_marks`; ``(None, None)`` when unknown, and the
    page then marks the word where it stands whole (:func:`dashboard.render.highlight`)."""
    if marks.empty:
        return None, None
    wanted = marks[(marks["sentence_id"] == quote.get("sentence_id")) & (marks["kind"] == kind)
                   & (marks["name"] == name) & (marks["text"] == quote.get("text"))]
    if wanted.empty:
        return None, None
    return int(wanted["start"].iloc[0]), int(wanted["end"].iloc[0])


@st.cache_data(ttl=TTL, show_spinner=False)
def emerging_findings(db: str, stamp: float, categories: tuple[str, ...] = (), limit: int = 15) -> pd.DataFrame:
    """The batch job's emerging complaints: aspects whose negative share rose significantly in
    the last 90 days, per product, strongest first (quotes parsed)."""
    frame = _df(db, """
        SELECT e.product_id, coalesce(p.title, e.product_id) AS product, e.aspect,
               e.recent_share, e.before_share, e.recent_mentions, e.before_mentions, e.p_value,
               CAST(e.quotes AS VARCHAR) AS quotes
        FROM emerging_complaints e
        JOIN (SELECT product_id, max(run_id) AS run_id FROM emerging_complaints GROUP BY product_id) c
          USING (product_id, run_id)
        LEFT JOIN products p ON p.product_id = e.product_id
        WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], p.category)
        ORDER BY e.recent_share - e.before_share DESC, e.p_value, product, e.aspect
        LIMIT ?
    """, [list(categories), list(categories), limit])
    frame["quotes"] = [json.loads(q) if isinstance(q, str) else (q or []) for q in frame["quotes"]]
    return frame


@st.cache_data(ttl=TTL, show_spinner=False)
def aspect_sentiment(db: str, stamp: float, product_ids: tuple[str, ...], f: Filters) -> pd.DataFrame:
    """Positive / negative / neutral mentions per product and aspect in the reviews every sidebar
    filter keeps (days, stars, sources, categories); a review is one mention (:func:`aspect_facts`).

    Columns: product_id, product (its name), aspect, positive, negative, neutral, mentions; most
    mentioned first.
    """
    where, params = _facts_where(f)
    counts = _in_memory(aspect_facts(db, stamp), f"""
        SELECT product_id, aspect,
               sum(positive)::BIGINT AS positive, sum(negative)::BIGINT AS negative,
               sum(neutral)::BIGINT AS neutral,
               sum(positive + negative + neutral)::BIGINT AS mentions
        FROM aspect_days
        WHERE list_contains(?::VARCHAR[], product_id) AND {where}
        GROUP BY ALL
    """, [list(product_ids)] + params)
    # names from the cached catalogue: asking the store would open the file on every filter change
    names = products(db, stamp)[["product_id", "name"]].rename(columns={"name": "product"})
    table = counts.merge(names, on="product_id")  # a product the store no longer has: no row
    table = table.sort_values(["mentions", "aspect", "product_id"], ascending=[False, True, True])
    return table[["product_id", "product", "aspect", "positive", "negative", "neutral",
                  "mentions"]].reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def rating_distribution(db: str, stamp: float, product_id: str, f: Filters) -> pd.DataFrame:
    """Reviews per star (1-5) of one product."""
    where, params = _facts_where(f)
    return _in_memory(review_facts(db, stamp), f"""
        SELECT s.stars, coalesce(c.reviews, 0)::BIGINT AS reviews
        FROM range(1, 6) s(stars)
        LEFT JOIN (SELECT stars, count(*) AS reviews FROM facts
                   WHERE product_id = ? AND stars IS NOT NULL AND {where} GROUP BY stars) c
          ON c.stars = s.stars
        ORDER BY s.stars
    """, [product_id] + params)


@st.cache_data(ttl=TTL, show_spinner=False)
def sentiment_over_time(db: str, stamp: float, product_id: str, f: Filters) -> pd.DataFrame:
    """Per month: reviews, average rating and net sentiment of one product."""
    where, params = _facts_where(f)
    return _in_memory(review_facts(db, stamp), f"""
        SELECT date_trunc('month', day)::DATE AS month, count(*) AS reviews,
               avg(rating) AS avg_rating, avg(net) AS net_sentiment
        FROM facts
        WHERE product_id = ? AND day IS NOT NULL AND {where}
        GROUP BY 1 ORDER BY 1
    """, [product_id] + params)


@st.cache_data(ttl=TTL, show_spinner=False)
def product_themes(db: str, stamp: float, product_id: str, f: Filters = Filters()) -> pd.DataFrame:
    """The themes this product's sentences fall in, with how many of its sentences in the
    reviews every sidebar filter keeps (days, stars, sources) each holds; a theme none of those
    sentences falls in is left out. ``size`` is the theme's size over all reviews, as the job
    found it.

    Only the scopes of :func:`theme_scopes`, as on the Themes page: a sentence is in a store
    theme and in its category's theme, and listing both would show each theme twice.
    """
    where, params = _facts_where(f)
    mine = _in_memory(theme_facts(db, stamp), f"""
        SELECT theme_id, sum(sentences)::BIGINT AS sentences
        FROM theme_days WHERE product_id = ? AND {where}
        GROUP BY theme_id
    """, [product_id] + params)
    current = _df(db, f"SELECT theme_id, kind, label, keywords, aspect, size FROM ({CURRENT_THEMES}) "
                      "WHERE list_contains(?::VARCHAR[], scope)", [theme_scopes(f)])
    table = current.merge(mine, on="theme_id")
    return table.sort_values(["sentences", "label", "theme_id"],
                             ascending=[False, True, True]).reset_index(drop=True)


# --- themes -----------------------------------------------------------------------------------

def theme_scopes(f: Filters) -> list[str]:
    """The theme scopes the filters ask for: the store's, or the picked categories'.

    >>> theme_scopes(Filters()), theme_scopes(Filters(categories=("Kitchen",)))
    (['all'], ['category:Kitchen'])
    """
    return [f"category:{c}" for c in f.categories] or ["all"]


@st.cache_data(ttl=TTL, show_spinner=False)
def themes(db: str, stamp: float, kind: str, f: Filters, now: date | None) -> pd.DataFrame:
    """Themes of one kind (complaint / need) with size, keywords, sentences and trend: those of
    the whole store when no category is picked, else those of the picked categories (the job
    clusters the store and each category apart, so a sentence is in a store theme and in a
    category theme, and the two lists side by side would count it twice).

    ``size`` is every sentence of the theme, as the job found it. ``sentences`` are its
    sentences in the reviews every sidebar filter keeps (days, stars, sources), as the Product
    page's theme table counts them. ``sentences_now`` and ``sentences_before`` (the trend) are
    its sentences in the two periods of :func:`period_bounds` (``now``: the dashboard's "now"),
    by the review dates, in the reviews the stars and sources keep: the From date does not
    shorten the periods (:func:`_period_filters`).
    """
    prev_start, cur_start, end = period_bounds(f, now)
    where, params = _facts_where(f)
    kept, kept_params = _facts_where(_period_filters(f))
    trend = _in_memory(theme_facts(db, stamp), f"""
        SELECT theme_id,
               coalesce(sum(sentences) FILTER (WHERE {where}), 0)::BIGINT AS sentences,
               coalesce(sum(sentences) FILTER (WHERE day BETWEEN ? AND ?), 0)::BIGINT AS sentences_now,
               coalesce(sum(sentences) FILTER (WHERE day >= ? AND day < ?), 0)::BIGINT AS sentences_before
        FROM theme_days WHERE {kept} GROUP BY theme_id
    """, params + [cur_start, end, prev_start, cur_start] + kept_params)
    table = _df(db, f"""
        SELECT theme_id, label, scope, aspect, size, keywords FROM ({CURRENT_THEMES})
        WHERE kind = ? AND list_contains(?::VARCHAR[], scope)
    """, [kind, theme_scopes(f)]).merge(trend, on="theme_id", how="left")
    for column in ("sentences", "sentences_now", "sentences_before"):
        table[column] = table[column].fillna(0).astype("int64")
    return table.sort_values(["size", "label"], ascending=[False, True]).reset_index(drop=True)


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_examples(db: str, stamp: float, theme_ids: tuple[str, ...], per_theme: int = 3) -> pd.DataFrame:
    """A few example sentences per theme: the representative ones, else the first ones."""
    ids = list(theme_ids)
    picked = _df(db, """
        SELECT theme_id, sentence_id FROM theme_sentences
        WHERE is_representative AND list_contains(?::VARCHAR[], theme_id)
        QUALIFY row_number() OVER (PARTITION BY theme_id ORDER BY sentence_id) <= ?
    """, [ids, per_theme])
    short = [t for t in ids if (picked["theme_id"] == t).sum() < per_theme]
    if short:  # themes the job marked no (or too few) representatives for: take their first ones
        more = _df(db, """
            SELECT theme_id, sentence_id FROM theme_sentences
            WHERE NOT is_representative AND list_contains(?::VARCHAR[], theme_id)
            QUALIFY row_number() OVER (PARTITION BY theme_id ORDER BY sentence_id) <= ?
        """, [short, per_theme])
        picked = pd.concat([picked, more]).groupby("theme_id").head(per_theme)
    return _df(db, """
        SELECT x.theme_id, s.sentence_id, s.review_id, coalesce(p.title, s.product_id) AS product,
               s.text, r.url
        FROM (SELECT unnest(?::VARCHAR[]) AS theme_id, unnest(?::VARCHAR[]) AS sentence_id) x
        JOIN sentences s ON s.sentence_id = x.sentence_id
        JOIN reviews r ON r.review_id = s.review_id
        LEFT JOIN products p ON p.product_id = s.product_id
        ORDER BY x.theme_id, s.sentence_id
    """, [picked["theme_id"].tolist(), picked["sentence_id"].tolist()])


@st.cache_data(ttl=TTL, show_spinner=False)
def theme_list(db: str, stamp: float) -> pd.DataFrame:
    """All themes (id, kind, label, scope, size, name) for the explorer's filter.

    ``name`` is what the filter shows (:func:`theme_names`): the job labels the store's themes
    and each category's apart, so one label can name several themes.
    """
    table = _df(db, f"SELECT theme_id, kind, label, scope, size FROM ({CURRENT_THEMES}) "
                    "ORDER BY kind, size DESC, label, theme_id")
    return table.assign(name=theme_names(table))


def theme_names(table: pd.DataFrame) -> list[str]:
    """A name per theme of ``table`` (columns kind, label, scope, size, theme_id) that no other
    theme in it shares: kind, label, the products it covers (all, or its category) and its size;
    themes alike in all of those are numbered in the order of their ids.

    >>> theme_names(pd.DataFrame({"theme_id": ["all:need:1", "category:Audio:need:1",
    ...                                        "category:Audio:need:2", "category:Audio:need:3"],
    ...                           "kind": ["need"] * 4, "label": ["usb c"] * 4,
    ...                           "scope": ["all", "category:Audio", "category:Audio", "category:Audio"],
    ...                           "size": [1200, 18, 3, 3]}))
    ['need: usb c (all products, 1,200 sentences)', 'need: usb c (Audio, 18 sentences)', 'need: usb c (Audio, 3 sentences) #1', 'need: usb c (Audio, 3 sentences) #2']
    """
    scopes = table["scope"].map(lambda s: "all products" if s == "all" else s.removeprefix("category:"))
    names = pd.Series([f"{kind}: {label} ({scope}, {int(size):,} sentences)"
                       for kind, label, scope, size in zip(table["kind"], table["label"], scopes, table["size"])],
                      index=table.index)
    twins = names.duplicated(keep=False)
    if twins.any():
        number = table.loc[twins, "theme_id"].groupby(names[twins]).rank(method="first").astype(int)
        names[twins] = names[twins] + " #" + number.astype(str)
    return names.tolist()


@st.cache_data(ttl=TTL, show_spinner=False)
def aspect_list(db: str, stamp: float) -> list[str]:
    """Aspect names, most mentioned first: every aspect the explorer can filter on, also those
    named only in undated reviews (which the monthly table leaves out) and non-findings such as
    "product", whose mentions stay in the explorer."""
    rows = _query(db, "SELECT aspect FROM aspect_mentions GROUP BY aspect "
                           "ORDER BY count(*) DESC, aspect").rows
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


def _explorer_from(q: ReviewQuery) -> str:
    # Join the analysis only when a filter reads it: a join of every review costs most of
    # the time of an otherwise cheap count at a million reviews.
    needs_analysis = bool(q.sentiment or q.mismatch_only)
    return ("reviews r JOIN review_analysis a ON a.review_id = r.review_id"
            if needs_analysis else "reviews r")


@st.cache_data(ttl=TTL, show_spinner=False)
def count_reviews(db: str, stamp: float, q: ReviewQuery, f: Filters) -> int:
    """How many reviews the explorer's filters match."""
    where, params = _explorer_where(q, f)
    return int(_query(db, f"SELECT count(*) FROM {_explorer_from(q)} WHERE {where}",
                      params).scalar() or 0)


@st.cache_data(ttl=TTL, show_spinner=False)
def explore(db: str, stamp: float, q: ReviewQuery, f: Filters, page: int,
            page_size: int = PAGE_SIZE) -> tuple[int, pd.DataFrame]:
    """``(matching reviews, one page of them)``, newest first, with their analysis.

    The filters run once: the matches are materialised, then counted and cut to the page.
    The page's other columns are then looked up through the primary keys
    (``IN (SELECT unnest(?))`` uses the index: ~5 ms at a million reviews).
    """
    where, params = _explorer_where(q, f)
    if not (q.aspect or q.theme_id or q.search.strip()):
        # Only columns of reviews (and the analysis) are filtered: counting again is cheaper
        # than holding every match.
        total = count_reviews(db, stamp, q, f)
        ids = [row[0] for row in _query(db, f"""
            SELECT r.review_id FROM {_explorer_from(q)} WHERE {where}
            ORDER BY r.published_at DESC NULLS LAST, r.review_id LIMIT ? OFFSET ?
        """, params + [page_size, max(0, page) * page_size]).rows]
        return total, _page_rows(db, ids)
    found = _query(db, f"""
        WITH m AS MATERIALIZED (
            SELECT r.review_id, r.published_at FROM {_explorer_from(q)} WHERE {where})
        SELECT (SELECT count(*) FROM m) AS total,
               (SELECT list(review_id ORDER BY published_at DESC NULLS LAST, review_id)
                FROM (SELECT * FROM m ORDER BY published_at DESC NULLS LAST, review_id
                      LIMIT ? OFFSET ?)) AS ids
    """, params + [page_size, max(0, page) * page_size]).first()
    return int(found["total"] or 0), _page_rows(db, list(found["ids"] or []))


def _page_rows(db: str, ids: list[str]) -> pd.DataFrame:
    """The explorer's columns for the given review ids, newest first."""
    return _df(db, """
        WITH page AS (SELECT * FROM reviews WHERE review_id IN (SELECT unnest(?::VARCHAR[]))),
             analysis AS (SELECT * FROM review_analysis WHERE review_id IN (SELECT unnest(?::VARCHAR[])))
        SELECT r.review_id, r.product_id, coalesce(p.title, r.product_id) AS product, r.rating,
               r.title, r.body, r.author, r.published_at, r.url, r.source,
               a.sentiment, a.net_sentiment, a.rating_mismatch, coalesce(a.n_sentences, 0) AS n_sentences
        FROM page r
        LEFT JOIN analysis a ON a.review_id = r.review_id
        LEFT JOIN products p ON p.product_id = r.product_id
        ORDER BY r.published_at DESC NULLS LAST, r.review_id
    """, [ids, ids])


@st.cache_data(ttl=TTL, show_spinner=False)
def review_markup(db: str, stamp: float, review_ids: tuple[str, ...],
                  sentence_counts: tuple[int, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentences and aspect mentions of the given reviews (offsets into their bodies).

    With ``sentence_counts`` (the analysis' n_sentences per review) the sentences are found
    by primary key (sentence_id = review_id || ':' || idx, schema 002): ~20 ms instead of a
    scan of every sentence.
    """
    ids = list(review_ids)
    if sentence_counts:
        keys = [f"{rid}:{i}" for rid, n in zip(ids, sentence_counts) for i in range(int(n or 0))]
        sents = _df(db, "SELECT review_id, start_char, end_char, sentiment FROM sentences "
                        "WHERE sentence_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY review_id, idx", [keys])
    else:
        sents = _df(db, "SELECT review_id, start_char, end_char, sentiment FROM sentences "
                        "WHERE review_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY review_id, idx", [ids])
    # IN (SELECT unnest(...)) is a hash semi-join: one pass, not a list search per row.
    aspects = _df(db, "SELECT review_id, start_char, end_char, aspect, polarity FROM aspect_mentions "
                      "WHERE review_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY review_id, start_char", [ids])
    return sents, aspects
