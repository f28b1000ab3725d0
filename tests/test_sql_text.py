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
           "&lt;br /&gt;", "&lt;b&gt;", "&lt;3", "<1",
           # line breaks: kept as one "\n" (blank lines, spaces beside them and edge ones go)
           "\r", "\n\n", "\r\n\r\n", " \n ", "\n \n", "\t\n", "\n" * 10, "\u2028", "\u2029",
           "\x85", "<br />\n", "</p>\n<p>", "Pros:", "Cons:"]


_LINE_TEXTS = ["Pros: great sound\nCons: battery dies fast", "The screen is great\n\nBattery is awful",
               "Great kettle.\r\nThe lid sticks.\r\n\r\n", "  one \n  \n two  ", "a\rb", "\nedge\n",
               "Nice<br />kettle", "<p>Nice</p><p>kettle</p>", "Nice <br/> <br/> kettle", "a\u2028b\u2029c",
               "Café\u2028naïve", "tab\t\nbreak", "a" + " " * 12 + "\nb", "a\n" + "\n" * 12 + "b",
               "it&#39;s\n&amp; more", "x\x85y", "I <b x &gt; y"]  # last: "&gt;" may close a tag: Python


def test_cleaning_in_sql_is_clean_text_wherever_it_is_taken(con):
    # The importer's own SQL cleaning (crawler.importer._clean_in_sql, the steps of
    # crawler.sql_text) on each text as a review body: every row it takes is clean_text's, with
    # the store's own review id and content hash.
    import random

    from crawler.importer import _clean_in_sql
    from crawler.normalize import clean_text
    from crawler.sql_text import plain_sql
    from data.store import content_hash, review_id

    rng = random.Random(7)
    texts = ["", "plain text", "Nice<br/>kettle &amp; lid"] + _LINE_TEXTS
    texts += ["".join(rng.choice(_PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(1, 8)))
              for _ in range(4000)]
    con.execute("""
        CREATE OR REPLACE TEMP TABLE ready AS
        SELECT generate_subscripts($texts, 1) - 1 AS _n, 1 AS _line, NULL::VARCHAR AS row_problem,
               NULL::DATE AS published_at, false AS relative, 'p1' AS product_id, 'Ann' AS author,
               NULL::VARCHAR AS title, unnest($texts) AS body, true AS py""", {"texts": texts}).fetchall()
    _clean_in_sql(con)
    cleaned = {n: (body, rid, chash) for n, body, rid, chash in con.execute(
        "SELECT _n, body, review_id, content_hash FROM py_rows").fetchall()}
    plain = [row[0] for row in con.execute(f"SELECT {plain_sql('t')} FROM (SELECT unnest($texts) AS t)",
                                           {"texts": texts}).fetchall()]
    for n, text in enumerate(texts):
        if plain[n]:
            assert clean_text(text) == text, repr(text)
        if n in cleaned:
            body, rid, chash = cleaned[n]
            assert body == clean_text(text), repr(text)
            if body:
                assert rid == review_id("p1", "Ann", None, body), repr(text)
                assert chash == content_hash(None, body), repr(text)
    assert cleaned[2][0] == "Nice\nkettle & lid"
    # SQL takes the usual line breaks, and keeps them.
    taken = {texts[n]: cleaned[n][0] for n in range(3, 3 + len(_LINE_TEXTS)) if n in cleaned}
    assert taken["Pros: great sound\nCons: battery dies fast"] == "Pros: great sound\nCons: battery dies fast"
    assert taken["The screen is great\n\nBattery is awful"] == "The screen is great\nBattery is awful"
    assert taken["Great kettle.\r\nThe lid sticks.\r\n\r\n"] == "Great kettle.\nThe lid sticks."
    assert taken["Nice <br/> <br/> kettle"] == taken["<p>Nice</p><p>kettle</p>"] == "Nice\nkettle"
    assert taken["Café\u2028naïve"] == "Café\nnaïve"
    # The SQL path must take a good share of the messy texts, or it is not worth having; and of
    # those with line breaks (a third of them here; many hold pieces only Python takes).
    with_lines = sum(1 for text in texts if "\n" in clean_text(text))
    assert len(cleaned) > len(texts) * 0.2, len(cleaned)
    assert with_lines > 1000 and sum(1 for n in cleaned if "\n" in cleaned[n][0]) > with_lines * 0.15


def test_review_id_in_sql_ignores_line_breaks(con):
    # The importer's review id (crawler.importer._REVIEW_ID_SQL) of a text with line breaks is
    # the store's, and the same as the id of the text on one line: a review stored before line
    # breaks were kept is the same review now.
    from crawler.importer import _REVIEW_ID_SQL
    from data.store import review_id

    rows = [("p1", "Ann", "Pros: great sound\nCons: battery dies fast"),
            ("p1\nx", "Ann\nLee", "The screen is GREAT\nBattery is awful\nÉNORME 👍🏽"),
            ("p2", None, "one line only")]
    got = con.execute(f"""
        SELECT {_REVIEW_ID_SQL} FROM (SELECT unnest($p) AS product_id, unnest($a) AS author,
               unnest($b) AS body, DATE '2024-07-04' AS published_at, false AS relative)""",
        {"p": [r[0] for r in rows], "a": [r[1] for r in rows], "b": [r[2] for r in rows]}).fetchall()
    for (product_id, author, body), (rid,) in zip(rows, got):
        assert rid == review_id(product_id, author, "2024-07-04", body)
        assert rid == review_id(product_id.replace("\n", " "), author and author.replace("\n", " "),
                                "2024-07-04", body.replace("\n", " "))


def test_sql_and_python_agree_on_which_safe_characters_are_letters(con):
    # The importer takes a text for English by its words only when it has no letter outside
    # ASCII: RE2's \p{L} (SQL) and str.isalpha() (Python) must agree on every safe character.
    from crawler.importer import _NON_ASCII_LETTER_SQL

    chars = [chr(point) for first, last in SAFE_RANGES for point in range(first, last + 1)]
    found = dict(con.execute(f"SELECT c, regexp_matches(c, '{_NON_ASCII_LETTER_SQL}') "
                             f"FROM (SELECT unnest($c) AS c)", {"c": chars}).fetchall())
    assert [c for c in chars if found[c] != c.isalpha()] == []
    assert sum(found.values()) > 500  # the Latin and Cyrillic letters
