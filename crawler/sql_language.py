"""The function-word vote of :func:`crawler.normalize.quick_language`, in SQL, for bulk imports.

An import of a million reviews asks the vote about every text that is not plainly English
(tens of thousands in a multilingual export). In Python that is one core at a few
microseconds a text; here DuckDB splits the words, counts the votes on every thread and gives
exactly quick_language's answer (the tests compare the two on generated texts). The texts the
vote leaves undecided (NULL) go to the language model, as before.

Where the two could differ, the text is left to Python (``lang`` NULL): texts with letters
outside the Basic Multilingual Plane (RE2's Unicode tables are newer than Python's) or with the
dotted capital I, which Python lower-cases to two characters.

Example::

    vote_languages(mem, "SELECT _n, body FROM ready WHERE needs_lang")
    mem.execute("SELECT _n, lang FROM voted").fetchall()   # [(7, 'de'), (9, None), ...]
"""
from __future__ import annotations

from crawler.normalize import function_word_languages

__all__ = ["vote_languages"]

# A word as quick_language finds it: letters ([^\W\d_] in Python's re; the same characters in
# the BMP, tests/test_sql_language.py), with one inner apostrophe ("c'est", "don't").
_LETTER = r"[\pL\p{Nl}\p{No}]"
_WORD_SQL = f"{_LETTER}+(?:''{_LETTER}+)?"
# Texts the vote leaves to Python.
_NOT_FOR_SQL = r"[\x{10000}-\x{10FFFF}\x{130}]"


def vote_languages(mem, texts_query: str, table: str = "voted") -> None:
    """Create the temp table ``table`` (_n, lang): for every ``(_n, body)`` row of
    ``texts_query``, the language :func:`crawler.normalize.quick_language` names, or NULL when
    it is unsure or when SQL cannot be sure to agree with it (then ask Python)."""
    pairs = [(word, language) for word, languages in function_word_languages().items()
             for language in languages]
    mem.execute("CREATE OR REPLACE TEMP TABLE function_words AS "
                "SELECT unnest($w::VARCHAR[]) AS word, unnest($l::VARCHAR[]) AS lang",
                {"w": [w for w, _ in pairs], "l": [l for _, l in pairs]}).fetchall()
    mem.execute(f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        WITH texts AS (SELECT _n, body, NOT coalesce(regexp_matches(body, '{_NOT_FOR_SQL}'), false) AS sql_ok
                       FROM ({texts_query})),
             words AS (SELECT _n, unnest(regexp_extract_all(lower(body), '{_WORD_SQL}')) AS word
                       FROM texts WHERE sql_ok),
             votes AS (SELECT _n, lang, count(*) AS votes
                       FROM words JOIN function_words USING (word) GROUP BY _n, lang),
             ranked AS (SELECT _n, arg_max(lang, votes) AS best, max(votes) AS top,
                               coalesce(list_sort(list(votes), 'DESC')[2], 0) AS second
                        FROM votes GROUP BY _n)
        SELECT texts._n, CASE WHEN top >= 3 AND top >= 2 * second THEN best END AS lang
        FROM texts LEFT JOIN ranked USING (_n)""").fetchall()
    mem.execute("DROP TABLE function_words").fetchall()
