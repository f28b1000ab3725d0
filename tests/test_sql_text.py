"""The characters a bulk import identifies and hashes in SQL, checked against Python and DuckDB."""
from __future__ import annotations

import duckdb
import pytest

from crawler.sql_text import SAFE_RANGES, SAFE_TEXT_SQL, safe_ranges


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_safe_ranges_are_what_this_python_and_duckdb_give(con):
    def duckdb_lower(chars):
        return dict(con.execute("SELECT unnest($c), lower(unnest($c))", {"c": chars}).fetchall())
    assert safe_ranges(duckdb_lower) == SAFE_RANGES


@pytest.mark.parametrize("text, safe", [
    ("plain ascii text", True),
    ("Café ’23, naïve Jürgen: “great” – 10 € 👍", True),
    ("Чайник отличный ❤️ 👍🏽", True),
    ("Straße Ł Ő ẞ", True),
    ("wait for it…", False),          # NFKC: "..."
    ("ﬁne", False),                    # ligature: NFKC "fi"
    ("cafe\u0301", False),             # combining accent: NFKC composes it
    ("ΟΔΟΣ", False),                   # Greek: Python lower-cases a final sigma by context
    ("a\u00a0b", False),               # no-break space: Python's split() takes it for a space
    ("①②", False),                     # circled digits: NFKC "12"
])
def test_safe_text_pattern(con, text, safe):
    assert con.execute("SELECT regexp_full_match($t, $p)", {"t": text, "p": SAFE_TEXT_SQL}
                       ).fetchall()[0][0] is safe
