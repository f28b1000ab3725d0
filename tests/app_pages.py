"""Open a page of the real Streamlit app through AppTest, on a given store (tests only).

Example::

    at = open_page(db, monkeypatch, "views/product.py", product="kettle")
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def open_page(db: str, monkeypatch, page: str | None = None, **params) -> AppTest:
    """The app on ``db`` with ``params`` in the URL, run on the overview, then switched to
    ``page`` (a path under dashboard/) when given; it must have raised nothing."""
    monkeypatch.setenv("REVIEWLENS_DB", db)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
