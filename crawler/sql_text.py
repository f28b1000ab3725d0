"""Which texts SQL may clean, identify and hash exactly as Python does.

The store's review id (:func:`data.store.review_id`) is the SHA-1 of the NFKC-normalised,
lower-cased, whitespace-collapsed key. A bulk import computes it in DuckDB for the texts where
DuckDB's ``lower()`` gives exactly Python's result and NFKC changes nothing: plain ASCII, and
text whose other characters all lie in :data:`SAFE_RANGES`: Latin and Cyrillic letters, curly
quotes and dashes, currency signs, arrows and symbols, emoji. Each character there is its own
NFKC form, has no combining class, is not whitespace, lower-cases to one character that DuckDB
agrees on, and no two of them compose. Texts with other characters (ellipsis, ligatures,
combining accents, Greek sigma, CJK) take the Python path.

:func:`safe_ranges` derives the set from :data:`BLOCKS`; a test re-derives it with the running
Python and DuckDB and compares (regenerate the constant when it fails after an upgrade).

Example::

    from crawler.sql_text import SAFE_TEXT_SQL
    con.execute(f"SELECT regexp_full_match('Café ’23 👍', '{SAFE_TEXT_SQL}')")   # true
"""
from __future__ import annotations

import unicodedata

# Blocks worth taking in SQL (Unicode code points, inclusive): Latin-1 letters and Latin
# Extended-A/B, Cyrillic, Latin Extended Additional, general punctuation, currency, letterlike
# to miscellaneous symbols and arrows, emoji; and the emoji joiner and variation selectors.
BLOCKS = ((0x00C0, 0x024F), (0x0400, 0x04FF), (0x1E00, 0x1EFF), (0x2010, 0x205E), (0x20A0, 0x20CF),
          (0x2100, 0x2BFF), (0x1F000, 0x1FAFF))
EXTRA = (0x200D, 0xFE0E, 0xFE0F)

# safe_ranges(<DuckDB lower>) with Python 3.11 and DuckDB 2.0 (see the module docstring).
SAFE_RANGES = (
    (0x00c0, 0x012f), (0x0131, 0x0131), (0x0134, 0x013e), (0x0141, 0x0148), (0x014a, 0x017e),
    (0x0180, 0x01c3), (0x01cd, 0x01f0), (0x01f4, 0x024f), (0x0400, 0x0482), (0x048a, 0x04ff),
    (0x1e00, 0x1e99), (0x1e9c, 0x1eff), (0x200d, 0x200d), (0x2010, 0x2010), (0x2012, 0x2016),
    (0x2018, 0x2023), (0x2027, 0x2027), (0x202a, 0x202e), (0x2030, 0x2032), (0x2035, 0x2035),
    (0x2038, 0x203b), (0x203d, 0x203d), (0x203f, 0x2046), (0x204a, 0x2056), (0x2058, 0x205e),
    (0x20a0, 0x20a7), (0x20a9, 0x20c0), (0x2104, 0x2104), (0x2108, 0x2108), (0x2114, 0x2114),
    (0x2117, 0x2118), (0x211e, 0x211f), (0x2123, 0x2123), (0x2125, 0x2125), (0x2127, 0x2127),
    (0x2129, 0x2129), (0x212e, 0x212e), (0x2132, 0x2132), (0x213a, 0x213a), (0x2141, 0x2144),
    (0x214a, 0x214f), (0x2180, 0x2188), (0x218a, 0x218b), (0x2190, 0x222b), (0x222e, 0x222e),
    (0x2231, 0x2328), (0x232b, 0x2426), (0x2440, 0x244a), (0x24eb, 0x2a0b), (0x2a0d, 0x2a73),
    (0x2a77, 0x2adb), (0x2add, 0x2b73), (0x2b76, 0x2b95), (0x2b97, 0x2bff), (0xfe0e, 0xfe0f),
    (0x1f000, 0x1f02b), (0x1f030, 0x1f093), (0x1f0a0, 0x1f0ae), (0x1f0b1, 0x1f0bf),
    (0x1f0c1, 0x1f0cf), (0x1f0d1, 0x1f0f5), (0x1f10b, 0x1f10f), (0x1f12f, 0x1f12f),
    (0x1f150, 0x1f169), (0x1f16d, 0x1f18f), (0x1f191, 0x1f1ad), (0x1f1e6, 0x1f1ff),
    (0x1f260, 0x1f265), (0x1f300, 0x1f6d7), (0x1f6dd, 0x1f6ec), (0x1f6f0, 0x1f6fc),
    (0x1f700, 0x1f773), (0x1f780, 0x1f7d8), (0x1f7e0, 0x1f7eb), (0x1f7f0, 0x1f7f0),
    (0x1f800, 0x1f80b), (0x1f810, 0x1f847), (0x1f850, 0x1f859), (0x1f860, 0x1f887),
    (0x1f890, 0x1f8ad), (0x1f8b0, 0x1f8b1), (0x1f900, 0x1fa53), (0x1fa60, 0x1fa6d),
    (0x1fa70, 0x1fa74), (0x1fa78, 0x1fa7c), (0x1fa80, 0x1fa86), (0x1fa90, 0x1faac),
    (0x1fab0, 0x1faba), (0x1fac0, 0x1fac5), (0x1fad0, 0x1fad9), (0x1fae0, 0x1fae7),
    (0x1faf0, 0x1faf6),
)


def _char_class(ranges) -> str:
    """RE2 class members for code point ranges: ``\\x{c0}-\\x{12f}\\x{131}``..."""
    return "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)


# RE2: a whole text of printable ASCII, new lines and safe characters (for regexp_full_match).
SAFE_TEXT_SQL = "[\\n\\x20-\\x7e" + _char_class(SAFE_RANGES) + "]*"


def safe_ranges(duckdb_lower) -> tuple[tuple[int, int], ...]:
    """The safe code point ranges within :data:`BLOCKS` and :data:`EXTRA`, given
    ``duckdb_lower(chars) -> {char: lower}`` (DuckDB's ``lower()`` of each character).

    >>> import duckdb                                                     # doctest: +SKIP
    >>> con = duckdb.connect()                                            # doctest: +SKIP
    >>> lower = lambda cs: dict(con.execute("SELECT unnest($c), lower(unnest($c))", {"c": cs}).fetchall())
    >>> safe_ranges(lower) == SAFE_RANGES                                 # doctest: +SKIP
    True
    """
    def stable(c: str) -> bool:
        return (unicodedata.normalize("NFKC", c) == c and not c.isspace()
                and unicodedata.combining(c) == 0
                and (ord(c) in EXTRA or unicodedata.category(c) not in
                     ("Cn", "Co", "Cs", "Cc", "Zs", "Zl", "Zp", "Mn", "Me", "Mc")))
    chars = [chr(o) for a, b in BLOCKS for o in range(a, b + 1)] + [chr(o) for o in EXTRA]
    chars = [c for c in chars if stable(c)]
    theirs = duckdb_lower(chars)
    safe = {c for c in chars if len(c.lower()) == 1 and theirs[c] == c.lower()
            and unicodedata.normalize("NFKC", c.lower()) == c.lower()}
    # Two safe characters that compose (canonical pairs) would change under NFKC: drop the second.
    for point in range(0x110000):
        mapping = unicodedata.decomposition(chr(point))
        if mapping and not mapping.startswith("<"):
            pair = [chr(int(x, 16)) for x in mapping.split()]
            if len(pair) == 2 and pair[0] in safe and pair[1] in safe:
                safe.discard(pair[1])
    ranges: list[list[int]] = []
    for point in sorted(map(ord, safe)):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return tuple((a, b) for a, b in ranges)


# --- cleaning in SQL ------------------------------------------------------------------------
# crawler.normalize.clean_text in SQL, for texts where the two agree exactly: <br>/<p>/<div>/<li>
# tags become a new line and other tags ("<" and a letter, "/" or "!") go (their insides ASCII:
# case folding and \b are then the same in RE2 and Python), the entities below are unescaped (a
# text with any other "&", or with "&lt;", goes to Python), line breaks become one "\n" with no
# space beside it, other whitespace collapses, and the result is plain text (SAFE_TEXT_SQL). The importer
# applies these in steps, each text once (crawler.importer._clean_in_sql); tests/test_sql_text.py
# runs those steps on generated messy texts against clean_text.

# Python's str.split() whitespace within ASCII (RE2's \s lacks \v and \x1c-\x1f) that is not a
# line break, as codes for replace(): every one becomes a space. A line break is "\n" (10),
# "\r\n" or "\r" (13), U+2028 or U+2029: each becomes "\n".
_SPACE_CODES = (9, 11, 12, 28, 29, 30, 31)
_NL = "chr(10)"
_BREAK_SQL = "(?i)<(?:br|/p|p|/div|div|/li|li)(?:[^A-Za-z0-9_>][^>]*)?>"
_TAG_SQL = "<[A-Za-z/!][^>]*>"
_NON_ASCII_TAG_SQL = "<[^>]*[^\\x00-\\x7f][^>]*>"
# What html.unescape gives for each ("&nbsp;": a no-break space, which clean_text's split()
# makes a space anyway); "&amp;" last, so "&amp;lt;" stays "&lt;" as in one pass.
ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#34;", '"'), ("&#034;", '"'),
            ("&apos;", "'"), ("&#39;", "'"), ("&#039;", "'"), ("&nbsp;", " "),
            ("&rsquo;", "\u2019"), ("&#8217;", "\u2019"), ("&lsquo;", "\u2018"), ("&#8216;", "\u2018"),
            ("&rdquo;", "\u201d"), ("&#8221;", "\u201d"), ("&ldquo;", "\u201c"), ("&#8220;", "\u201c"),
            ("&ndash;", "\u2013"), ("&#8211;", "\u2013"), ("&mdash;", "\u2014"), ("&#8212;", "\u2014"),
            ("&amp;", "&"))
_ENTITY_SQL = "&(?:" + "|".join(name[1:-1] for name, _ in ENTITIES) + ");"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def plain_sql(value: str, joined_by: str | None = None) -> str:
    """SQL: ``value`` (a VARCHAR expression, NULL read as '') is already what clean_text gives and
    safe to hash in SQL: no markup, single spaces, no edge spaces, lines joined by one "\\n"
    with no space beside it and none at the ends, only safe characters. ``joined_by``: ``value``
    is several texts joined by this separator, and a new line beside one counts as at an end
    (a text that holds the separator beside a new line is then not plain: slower, never wrong).
    (CASE, not AND, keeps the line and character checks to the texts that have new lines or are
    not ASCII: DuckDB evaluates both sides of an AND for every row.)"""
    v = f"coalesce({value}, '')"
    controls = " OR ".join(f"contains({v}, chr({n}))" for n in _SPACE_CODES + (13,))
    loose = _loose_lines_sql(v)
    if joined_by is not None:
        sep = _literal(joined_by)
        loose = f"({loose} OR contains({v}, {sep} || {_NL}) OR contains({v}, {_NL} || {sep}))"
    return (f"NOT (contains({v}, '<') OR contains({v}, '&') OR contains({v}, '  ') "
            f"OR starts_with({v}, ' ') OR ends_with({v}, ' ') OR {controls} "
            f"OR (CASE WHEN contains({v}, {_NL}) THEN {loose} ELSE false END) "
            f"OR (CASE WHEN strlen({v}) = length({v}) THEN false "
            f"ELSE NOT regexp_full_match({v}, '{SAFE_TEXT_SQL}') END))")


def _loose_lines_sql(v: str) -> str:
    # A blank line, a space beside a new line, or a new line at either end.
    return (f"(contains({v}, {_NL} || {_NL}) OR contains({v}, ' ' || {_NL}) "
            f"OR contains({v}, {_NL} || ' ') OR starts_with({v}, {_NL}) OR ends_with({v}, {_NL}))")


def untag_sql(value: str) -> str:
    """SQL: clean_text's first step: <br>, <p>, <div>, <li> tags become a new line, other tags go.
    (Each step here runs only on the texts that hold what it looks for: a regex costs
    microseconds a text, a ``contains`` nanoseconds.)"""
    v = f"coalesce({value}, '')"
    return (f"CASE WHEN contains({v}, '<') THEN regexp_replace(regexp_replace({v}, '{_BREAK_SQL}', {_NL}, 'g'), "
            f"'{_TAG_SQL}', '', 'g') ELSE {v} END")


def tags_ascii_sql(value: str) -> str:
    """SQL: every tag of ``value`` is ASCII inside (then RE2 and Python find the same tags)."""
    v = f"coalesce({value}, '')"
    return f"CASE WHEN contains({v}, '<') THEN NOT regexp_matches({v}, '{_NON_ASCII_TAG_SQL}') ELSE true END"


def entities_known_sql(untagged: str) -> str:
    """SQL: each "&" of an untagged text starts one of :data:`ENTITIES`, or is followed by
    what html.unescape leaves alone (a space, tab, new line, form feed, "<", "&" or the end).
    Any other "&" goes to Python: html.unescape reads "&notice" as "¬ice". So does "&lt;":
    the "<" it gives may open a tag, which clean_text strips after unescaping; and "&gt;" in a
    text with a "<" left, which the ">" it gives may close ("I <b x &gt; y": clean_text gives "I y")."""
    return (f"CASE WHEN contains({untagged}, '&') THEN NOT (contains({untagged}, '&lt;') OR "
            f"(contains({untagged}, '<') AND contains({untagged}, '&gt;')) OR "
            f"regexp_matches(regexp_replace({untagged}, "
            f"'{_ENTITY_SQL}', '', 'g'), '&[^\\t\\n\\x0c <&]')) ELSE true END")


def unescape_sql(untagged: str) -> str:
    """SQL: clean_text's last steps on an untagged text: :data:`ENTITIES` unescaped, line breaks
    made "\\n", other whitespace collapsed to single spaces, the spaces beside a "\\n" dropped,
    blank lines dropped, the ends trimmed. Runs of up to 8 spaces, or 8 new lines, collapse
    (plain ``replace`` is much cheaper than a regex); a longer run is left double, which
    :func:`collapsed_sql` reports, so the text goes to Python.

    Example::

        con.execute(f"SELECT {unescape_sql(untag_sql('body'))} FROM (SELECT 'Nice<br/> kettle &amp; lid' AS body)")
        # -> 'Nice\\nkettle & lid'
    """
    text = untagged
    for name, character in ENTITIES:
        text = f"replace({text}, {_literal(name)}, {_literal(character)})"
    text = f"CASE WHEN contains({untagged}, '&') THEN {text} ELSE {untagged} END"
    # (U+2028 and U+2029 only in texts that are not ASCII: a replace() reads the whole text)
    text = (f"CASE WHEN strlen({untagged}) = length({untagged}) THEN {text} "
            f"ELSE replace(replace({text}, chr(8232), {_NL}), chr(8233), {_NL}) END")
    text = f"replace(replace({text}, chr(13) || {_NL}, {_NL}), chr(13), {_NL})"
    for code in _SPACE_CODES:
        text = f"replace({text}, chr({code}), ' ')"
    for _ in range(3):
        text = f"replace({text}, '  ', ' ')"
    text = f"replace(replace({text}, ' ' || {_NL}, {_NL}), {_NL} || ' ', {_NL})"
    for _ in range(3):
        text = f"replace({text}, {_NL} || {_NL}, {_NL})"
    return f"trim({text}, ' ' || {_NL})"


def collapsed_sql(cleaned: str) -> str:
    """SQL: a text from :func:`unescape_sql` has no run of spaces or new lines left, and no
    space beside a new line (what a run longer than :func:`unescape_sql` collapses leaves)."""
    return (f"NOT (contains({cleaned}, '  ') OR (CASE WHEN contains({cleaned}, {_NL}) "
            f"THEN {_loose_lines_sql(cleaned)} ELSE false END))")
