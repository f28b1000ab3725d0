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


# Fragments a review export's text fields are made of, awkward ones included.
_PIECES = ["kettle", "Great", "ÉNORME", "naïve", "Чайник", "👍🏽", "❤️", "“quoted”", "it’s", "10 €",
           "wait…", "ﬁne", "cafe\u0301", "ΟΔΟΣ", "<br>", "<br/>", "<BR />", "< br>", "<br\x0b>",
           "<p>", "</p>", '<p class="x">', "<div>", "</li>", "<li>", "<b>", "</b>", "<pre>", "<bra>",
           "<bré>", "<p é>", "<", ">", "a < b", "c > d", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
           "&#039;", "&#34;", "&nbsp;", "&rsquo;", "&#8217;", "&mdash;", "&amp;lt;", "&copy;", "&ampx",
           "AT&T", "&", "&#x27;", "&lt", "& ", "&&amp;", "&notice", "&amplifier", "&#", "&;", "&\t",
           "&\x0c", "&<br>", " " * 12, " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x1f",
           "\xa0", "\u2003", "\x07", "|", "'", '"', "<5 mm", "I <3 it", "5>4", "<!-- c -->", "<<b>",
           "&lt;br /&gt;", "&lt;b&gt;", "&lt;3", "<1"]


def test_cleaning_in_sql_is_clean_text_wherever_it_is_taken(con):
    # The importer's own SQL cleaning (crawler.importer._clean_in_sql, the steps of
    # crawler.sql_text) on each text as a review body: every row it takes is clean_text's.
    import random

    from crawler.importer import _clean_in_sql
    from crawler.normalize import clean_text
    from crawler.sql_text import plain_sql

    rng = random.Random(7)
    texts = ["", "plain text", "Nice<br/>kettle &amp; lid"]
    texts += ["".join(rng.choice(_PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(1, 8)))
              for _ in range(4000)]
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ready AS
        SELECT generate_subscripts($texts, 1) - 1 AS _n, 1 AS _line, NULL::VARCHAR AS rating_problem,
               NULL::DATE AS published_at, false AS relative, 'p1' AS product_id, 'Ann' AS author,
               NULL::VARCHAR AS title, unnest($texts) AS body, true AS py""", {"texts": texts}).fetchall()
    _clean_in_sql(con)
    cleaned = dict(con.execute("SELECT _n, body FROM py_rows").fetchall())
    plain = [row[0] for row in con.execute(f"SELECT {plain_sql('t')} FROM (SELECT unnest($texts) AS t)",
                                           {"texts": texts}).fetchall()]
    for n, text in enumerate(texts):
        if plain[n]:
            assert clean_text(text) == text, repr(text)
        if n in cleaned:
            assert cleaned[n] == clean_text(text), repr(text)
    assert cleaned[2] == "Nice kettle & lid"
    # The SQL path must take a good share of the messy texts, or it is not worth having.
    assert len(cleaned) > len(texts) * 0.2, len(cleaned)


def test_sql_and_python_agree_on_which_safe_characters_are_letters(con):
    # The importer takes a text for English by its words only when it has no letter outside
    # ASCII: RE2's \p{L} (SQL) and str.isalpha() (Python) must agree on every safe character.
    from crawler.importer import _NON_ASCII_LETTER_SQL

    chars = [chr(point) for first, last in SAFE_RANGES for point in range(first, last + 1)]
    found = dict(con.execute(f"SELECT c, regexp_matches(c, '{_NON_ASCII_LETTER_SQL}') "
                             f"FROM (SELECT unnest($c) AS c)", {"c": chars}).fetchall())
    assert [c for c in chars if found[c] != c.isalpha()] == []
    assert sum(found.values()) > 500  # the Latin and Cyrillic letters
