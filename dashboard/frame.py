"""What every page shares: the store path, its state, the sidebar filters, the URL, downloads.

The entry file (:mod:`dashboard.app`) calls :func:`open_store` and :func:`sidebar_filters`
before running the page; the page then reads them back with :func:`current`.

Filters and selections are mirrored into ``st.query_params`` so a view can be shared as a
link: a widget starts from the URL on a session's first run, and writes its value back.

Example (inside a page)::

    ctx = frame.current()
    table = queries.overview_products(ctx.db, ctx.stamp, ctx.filters, ctx.now)
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

import streamlit as st

from dashboard import queries, render
from data import store

_CTX = "_reviewlens_ctx"


@dataclass(frozen=True)
class Context:
    """One page run's store and filters. ``first`` and ``last`` are the store's first and last
    review dates (the date filter's bounds); ``now`` is where the periods end when the To date
    is left at its default (:func:`dashboard.queries.filter_choices`)."""
    db: str
    stamp: float
    filters: queries.Filters
    first: date | None
    last: date | None
    now: date | None = None


def db_path() -> str:
    """The store: ``--db PATH`` after ``--`` on the streamlit command line, else the env/default."""
    args = sys.argv[1:]
    if "--db" in args and args.index("--db") + 1 < len(args):
        return args[args.index("--db") + 1]
    return store.default_path()


def current() -> Context:
    """The context the entry file prepared for this run."""
    return st.session_state[_CTX]


# --- URL <-> widgets ----------------------------------------------------------------------------

def from_url(key: str, default: Any, parse: Callable[[Any], Any] = lambda v: v) -> None:
    """Seed widget ``key`` from the URL the first time this session renders it."""
    if key in st.session_state:
        return
    raw = st.query_params.get_all(key) if key in st.query_params else None
    value = default
    if raw:
        try:
            value = parse(raw if len(raw) > 1 else raw[0])
        except (ValueError, TypeError):
            value = default  # a hand-edited link with a bad value falls back to the default
    st.session_state[key] = value


def to_url(key: str, value: Any, default: Any) -> None:
    """Write a widget's value into the URL (removed when it is the default)."""
    if value == default or value in (None, "", [], ()):
        if key in st.query_params:
            del st.query_params[key]
        return
    if isinstance(value, (list, tuple)):
        text = [str(v) for v in value]
    else:
        text = str(value)
    if st.query_params.get_all(key) != (text if isinstance(text, list) else [text]):
        st.query_params[key] = text


def _as_list(value) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


# --- the store's state --------------------------------------------------------------------------

def open_store() -> tuple[str, float, dict] | None:
    """Check the store; show what to do and return None when there is nothing to show yet."""
    db = db_path()
    stamp = queries.store_stamp(db)
    try:
        state = queries.store_state(db, stamp)
    except store.StoreBusy:
        show_updating()
        return None
    except store.StoreError as exc:
        st.title("reviewlens")
        st.info(f"**Nothing to show yet.** {exc}")
        st.markdown("To get started:\n\n"
                    "```sh\nreviewlens import my_reviews.csv     # or: reviewlens crawl URL\n"
                    "reviewlens analyze\n```\n\nor try `reviewlens demo`.")
        return None
    if not state["reviews"]:
        st.title("reviewlens")
        st.info(f"**The store at `{db}` has no reviews yet.** Collect some first:")
        st.code("reviewlens import my_reviews.csv     # or: reviewlens crawl URL\nreviewlens analyze",
                language="sh")
        return None
    if not state["analysed"]:
        st.title("reviewlens")
        st.info(f"**{state['reviews']:,} reviews are collected but not analysed yet.** "
                f"Run the batch job, then reload this page:")
        st.code("reviewlens analyze", language="sh")
        return None
    return db, stamp, state


def show_updating() -> None:
    """Say a job holds the store, and check back every few seconds until it is free."""
    st.warning("⏳ **A job is updating the data.** This page reloads by itself when it has "
               "finished (usually within a minute).", icon=None)

    @st.fragment(run_every=3)
    def _wait_for_store():
        try:
            con = store.connect(db_path(), read_only=True, wait=0.2)
        except store.StoreBusy:
            return
        except store.StoreError:
            return
        con.close()
        st.rerun(scope="app")

    _wait_for_store()


# --- the sidebar ------------------------------------------------------------------------------

PERIODS = {30: "30 days", 90: "90 days", 180: "180 days", 365: "1 year"}


def sidebar_filters(db: str, stamp: float) -> Context:
    """Draw the shared filters (date range, category, rating, source, period) and store the context."""
    choices = queries.filter_choices(db, stamp)
    first, last, now = choices["first"], choices["last"], choices["now"]
    with st.sidebar:
        st.markdown("### Filters")
        _dates_from_url(first, last, now)
        if first and last:
            start = st.date_input("From", key="f_from", min_value=first, max_value=last,
                                  format="YYYY-MM-DD")
            # To starts at "now", which a review with a mistyped future date does not move; it
            # can go on to the last review's date, and then the periods end there
            end = st.date_input("To", key="f_to", min_value=first, max_value=last,
                                format="YYYY-MM-DD",
                                help="“Change” and “trend” compare the periods that end here.")
        else:
            start = end = None
        from_url("f_cat", [], _as_list)
        categories = st.multiselect("Category", choices["categories"], key="f_cat",
                                    placeholder="All categories")
        from_url("f_stars", (1, 5), _star_range)
        stars = st.slider("Rating (stars)", 1, 5, key="f_stars")
        from_url("f_src", [], _as_list)
        sources = st.multiselect("Source", choices["sources"], key="f_src", placeholder="All sources")
        from_url("f_period", 90, _period)
        period = st.selectbox("Compare periods of", list(PERIODS), key="f_period",
                              format_func=PERIODS.get,
                              help="“Change” and “trend” compare the last period with the one before.")
        st.caption(f"Store: `{os.path.basename(db)}` · reviews from {first} to {last}"
                   + (f" · {_after_now_note(choices['after_now'], now)}" if choices["after_now"] else ""))

    to_url("f_from", start, first)
    to_url("f_to", end, now)
    to_url("f_cat", list(categories), [])
    to_url("f_stars", list(stars), [1, 5])
    to_url("f_src", list(sources), [])
    to_url("f_period", period, 90)
    filters = queries.Filters(
        start=start if start and start != first else None,
        # To left at "now" keeps every review, also those dated after it (and those without a
        # date); the periods end at "now" (queries.period_bounds)
        end=end if end and end != now else None,
        categories=tuple(c for c in categories if c in choices["categories"]),
        sources=tuple(s for s in sources if s in choices["sources"]),
        min_rating=int(stars[0]), max_rating=int(stars[1]), period_days=int(period))
    ctx = Context(db=db, stamp=stamp, filters=filters, first=first, last=last, now=now)
    st.session_state[_CTX] = ctx
    return ctx


def _after_now_note(reviews: int, now: date | None) -> str:
    """The sidebar's note on the reviews dated after "now" (after the last collection: a date
    typed wrong, most likely).

    >>> _after_now_note(1, date(2026, 10, 31))
    '1 review is dated after the last collection: it is counted, but the periods end on 2026-10-31 unless To is set later'
    """
    words = "1 review is" if reviews == 1 else f"{reviews:,} reviews are"
    return (f"{words} dated after the last collection: {'it is' if reviews == 1 else 'they are'} "
            f"counted, but the periods end on {now} unless To is set later")


def _dates_from_url(first: date | None, last: date | None, now: date | None = None) -> None:
    """Seed From and To from the URL, inside the store's span ``[first, last]`` and in order;
    To starts at ``now`` (else ``last``) when the URL names none.

    A bookmarked link can name days the store does not hold ("the first half of 2025" on a
    store from June), and the date widgets refuse a value outside their bounds. Every run
    clamps again: a job can leave the store with another span while a session is open. Only a
    link's pair is put in order; a merchant moving From past To on the page meant to move To next.
    """
    seeding = "f_from" not in st.session_state or "f_to" not in st.session_state
    from_url("f_from", first, date.fromisoformat)
    from_url("f_to", now or last, date.fromisoformat)
    if not (first and last):
        return
    start, end = (min(max(st.session_state[key], first), last) for key in ("f_from", "f_to"))
    if seeding and start > end:
        start, end = end, start
    for key, value in (("f_from", start), ("f_to", end)):
        if st.session_state[key] != value:
            st.session_state[key] = value


def _star_range(value) -> tuple[int, int]:
    """The rating filter a link holds, lowest first; ValueError unless two stars of 1-5.

    >>> _star_range(["5", "4"])
    (4, 5)
    """
    stars = tuple(sorted(int(x) for x in _as_list(value)))
    if len(stars) != 2 or stars[0] < 1 or stars[1] > 5:
        raise ValueError(f"not a range of 1-5 stars: {value!r}")
    return stars


def _period(value) -> int:
    """The comparison period a link holds; ValueError unless the sidebar offers it."""
    days = int(value)
    if days not in PERIODS:
        raise ValueError(f"not a period the sidebar offers: {value!r}")
    return days


# --- downloads ----------------------------------------------------------------------------------
# Downloads are UTF-8 with a byte order mark: Excel on Windows reads a CSV without one in the
# local code page, and "é" shows as "Ã©". Other spreadsheets and pandas read the mark fine.

def download_table(frame, file_name: str, key: str, label: str = "Download CSV") -> None:
    """A CSV download of a table as shown, written by the report module's CSV writer.

    An empty table gives a note instead of a button: a file with a header and no rows only
    makes the merchant wonder what went wrong.
    """
    from analysis import report

    if frame.empty:
        st.caption("Nothing to download: no rows match this selection.")
        return
    st.download_button(label, data=report.to_csv_bytes(frame, excel=True), file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore", icon=":material/download:")


def download_report(db: str, kind: str, file_name: str, key: str, product: str | None = None,
                    since: date | None = None, label: str | None = None) -> None:
    """A download of a full `reviewlens report` kind, built only when the button is clicked."""
    from analysis import report

    def build() -> bytes:
        return report.to_csv_bytes(report.build(db, kind, product=product, since=since), excel=True)

    st.download_button(label or f"Download the {kind} report (CSV)", data=build,
                       file_name=file_name, mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:")


def csv_name(*parts) -> str:
    """A download's file name: the parts that are set, joined by "_", each made safe for a file
    name on any system (a product id can hold "/" or ":"), then ".csv".

    >>> csv_name("aspects", "SKU/12:3", None, "2025-01-01_to_2025-06-30")
    'aspects_SKU-12-3_2025-01-01_to_2025-06-30.csv'
    """
    safe = [re.sub(r"[^\w.-]+", "-", str(part)).strip("-.") for part in parts if part not in (None, "")]
    return "_".join(part for part in safe if part) + ".csv"


def dates_name(ctx: Context) -> str:
    """The sidebar's dates as part of a file name, ``FROM_to_TO``, for tables that follow them."""
    start = ctx.filters.start or ctx.first
    end = ctx.filters.end or ctx.now or ctx.last
    return f"{start}_to_{end}" if start and end else ""


def today_name() -> str:
    """Today as part of a file name, for downloads that do not follow the sidebar's dates (the
    analysis job's findings, whole reports): the day says how fresh the file is."""
    return date.today().isoformat()


def style() -> None:
    """The few CSS rules the page's own tags use (quotes, review cards, marks)."""
    st.markdown(render.STYLE, unsafe_allow_html=True)
