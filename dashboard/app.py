"""The reviewlens dashboard: the frame and the router.

Run it with ``reviewlens dashboard`` (or ``streamlit run dashboard/app.py -- --db PATH``).
The entry file sets up the page, checks the store (empty, not analysed yet, or busy with a
job: each gets a plain message instead of a stack trace), draws the shared sidebar filters
and hands over to the page the merchant chose. Pages live in ``dashboard/views/``.

Example::

    reviewlens --db shop.duckdb dashboard --port 8501
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import frame, queries
from data import store

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="reviewlens", page_icon="🔎", layout="wide")

PAGES = [
    # the default page is served at the root URL
    st.Page(HERE / "views" / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(HERE / "views" / "product.py", title="Product", icon=":material/inventory_2:",
            url_path="product"),
    st.Page(HERE / "views" / "compare.py", title="Compare", icon=":material/compare_arrows:",
            url_path="compare"),
    st.Page(HERE / "views" / "themes.py", title="Themes", icon=":material/topic:",
            url_path="themes"),
    st.Page(HERE / "views" / "reviews.py", title="Reviews", icon=":material/reviews:",
            url_path="reviews"),
]

page = st.navigation(PAGES)
frame.style()
try:
    # One read-only connection for this run's queries (opened on first use), closed at the end.
    with queries.page_run(frame.db_path()):
        opened = frame.open_store()
        if opened is not None:
            db, stamp, _state = opened
            frame.sidebar_filters(db, stamp)
            page.run()
except store.StoreBusy:
    # A job took the store between two queries: say so and come back by itself.
    frame.show_updating()
