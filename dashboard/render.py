"""Turning review text and numbers into safe, readable page content.

Review text is written by strangers, so it is never trusted: every character that could mean
something to HTML or to Streamlit's markdown (``<``, ``[``, ``*``, ``$``, ``:`` ...) becomes a
numeric character reference before it reaches ``st.markdown(..., unsafe_allow_html=True)``.
The only tags on the page are the ones written here.

Example::

    >>> safe_text("<script>alert(1)</script>")
    '&#60;script&#62;alert&#40;1&#41;&#60;&#47;script&#62;'
    >>> highlight("The battery died", 4, 11)
    'The <mark class="rl-aspect">battery</mark> died'
"""
from __future__ import annotations

import html
import math
import re
from typing import Iterable
from urllib.parse import urlparse

SENTIMENT_COLOURS = {"positive": "#d9f2e1", "negative": "#f9d9d9", "neutral": "#eeeeee",
                     "mixed": "#fbefd0"}
CHART_COLOURS = {"positive": "#2e8b57", "negative": "#c0392b", "neutral": "#9e9e9e"}

# Styles for the tags written below; injected once per page by the frame.
STYLE = """
<style>
.rl-quote {border-left: 3px solid #c9ced6; padding: 2px 10px; margin: 4px 0 8px 0; color: #31333f;}
.rl-quote a {font-size: 0.8em; margin-left: 6px;}
mark.rl-aspect {background: #ffe58a; padding: 0 2px; border-radius: 3px;}
.rl-review {border: 1px solid #e6e8eb; border-radius: 8px; padding: 8px 12px; margin-bottom: 10px;}
.rl-review .rl-meta {font-size: 0.85em; color: #6b7280; margin-bottom: 4px;}
.rl-review .rl-title {font-weight: 600;}
.rl-sent {border-radius: 3px; padding: 1px 2px;}
.rl-flag {background: #fff3cd; color: #7a5b00; border-radius: 4px; padding: 1px 6px; font-size: 0.8em;}
.rl-stars {color: #e0a800; letter-spacing: 1px;}
</style>
"""


def safe_text(text: object) -> str:
    """``text`` with every character except letters, digits and spaces as a character reference.

    Newlines become ``<br>`` so a blank line cannot end the HTML block and hand the rest of the
    text to the markdown parser.

    >>> safe_text("[click](http://x) *bold*")
    '&#91;click&#93;&#40;http&#58;&#47;&#47;x&#41; &#42;bold&#42;'
    """
    if text is None:
        return ""
    out = []
    for ch in str(text):
        if ch == "\n":
            out.append("<br>")
        elif ch == "\r":
            continue
        elif ch.isalnum() or ch == " ":
            out.append(ch)
        else:
            out.append(f"&#{ord(ch)};")
    return "".join(out)


def safe_url(url: object) -> str | None:
    """The URL if it is plain http(s), else None (a ``javascript:`` link is never shown).

    >>> safe_url("javascript:alert(1)") is None
    True
    """
    if not url:
        return None
    parsed = urlparse(str(url).strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return str(url).strip()


def highlight(text: str, start: int | None, end: int | None, word: str | None = None) -> str:
    """Safe HTML of ``text`` with ``text[start:end]`` marked; without usable offsets, the first
    place ``word`` stands as a whole word (the "lid" of "the lid broke", never the one inside
    "solid") is marked, and nothing when it stands nowhere.

    >>> highlight("Great lid, weak <b>hinge</b>", None, None, "hinge")
    'Great lid&#44; weak &#60;b&#62;<mark class="rl-aspect">hinge</mark>&#60;&#47;b&#62;'
    >>> highlight("A solid lid", None, None, "lid")
    'A solid <mark class="rl-aspect">lid</mark>'
    """
    text = text or ""
    ok = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
    if not ok and word and str(word).strip():
        found = re.search(rf"(?<!\w){re.escape(str(word).strip())}(?!\w)", text, flags=re.IGNORECASE)
        if found:
            start, end, ok = found.start(), found.end(), True
    if not ok:
        return safe_text(text)
    return (safe_text(text[:start]) + '<mark class="rl-aspect">' + safe_text(text[start:end])
            + "</mark>" + safe_text(text[end:]))


def quote_html(text: str, start: int | None, end: int | None, word: str | None,
               url: str | None) -> str:
    """One quote as a block with the aspect marked and a link to the review when it has one."""
    link = safe_url(url)
    anchor = (f' <a href="{safe_text(link)}" target="_blank" rel="noopener noreferrer" '
              f'title="read the whole review">review&nbsp;↗</a>'
              if link else "")
    return f'<div class="rl-quote">“{highlight(text, start, end, word)}”{anchor}</div>'


def review_body_html(body: str, sentences: Iterable[dict], aspects: Iterable[dict]) -> str:
    """The review body with each sentence coloured by its sentiment and each aspect term marked.

    ``sentences`` have ``start_char``, ``end_char``, ``sentiment``; ``aspects`` have
    ``start_char``, ``end_char``, ``aspect``, ``polarity`` (offsets into ``body``). Offsets that
    do not fit the body are ignored, so a stale analysis cannot break the page.

    >>> review_body_html("Good lid. Bad", [{"start_char": 0, "end_char": 9, "sentiment": "positive"}], [])[:59]
    '<span class="rl-sent" style="background:#d9f2e1" title="pos'
    """
    body = body or ""
    n = len(body)
    colour = [None] * n
    label = [None] * n
    for s in sentences:
        a, b = s.get("start_char"), s.get("end_char")
        if isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= n:
            for i in range(a, b):
                colour[i] = s.get("sentiment")
    marked = [False] * n
    for m in aspects:
        a, b = m.get("start_char"), m.get("end_char")
        if isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= n:
            for i in range(a, b):
                marked[i] = True
                label[i] = f"{m.get('aspect')} ({m.get('polarity')})"
    out = []
    i = 0
    while i < n:
        j = i
        while j < n and colour[j] == colour[i] and marked[j] == marked[i] and label[j] == label[i]:
            j += 1
        piece = safe_text(body[i:j])
        if marked[i]:
            piece = f'<mark class="rl-aspect" title="{safe_text(label[i])}">{piece}</mark>'
        if colour[i] in SENTIMENT_COLOURS:
            piece = (f'<span class="rl-sent" style="background:{SENTIMENT_COLOURS[colour[i]]}" '
                     f'title="{colour[i]}">{piece}</span>')
        out.append(piece)
        i = j
    return "".join(out)


def stars(rating: float | None) -> str:
    """Five-star text for a 1-5 rating, rounded half up.

    >>> stars(4), stars(4.5)
    ('★★★★☆', '★★★★★')
    """
    if rating is None or (isinstance(rating, float) and math.isnan(rating)):
        return "no rating"
    # Half up, as DuckDB's round() that the star filters and counts use; Python's round()
    # would show 4.5 as four stars on a review the "5 stars" filter found.
    full = max(0, min(5, math.floor(rating + 0.5)))
    return "★" * full + "☆" * (5 - full)


def product_labels(names: dict[str, str]) -> dict[str, str]:
    """A label per product id that no other product shares: its name, with the id added
    when another product has the same name (two shops can call different kettles alike).

    >>> product_labels({"k1": "Kettle", "k2": "Kettle", "t1": "Toaster"})
    {'k1': 'Kettle (k1)', 'k2': 'Kettle (k2)', 't1': 'Toaster'}
    """
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {pid: f"{name} ({pid})" if seen[name] > 1 else name for pid, name in names.items()}


def fmt_int(value) -> str:
    """``1234567`` -> ``'1,234,567'``; missing -> ``'–'``."""
    return "–" if _missing(value) else f"{int(value):,}"


def fmt_p(value) -> str:
    """A p-value as a reader takes it: below 0.001 it is no "0.000", it is "p < 0.001".

    >>> fmt_p(0.0083), fmt_p(0.00002), fmt_p(None)
    ('p = 0.008', 'p < 0.001', 'p –')
    """
    if _missing(value):
        return "p –"
    return "p < 0.001" if float(value) < 0.001 else f"p = {float(value):.3f}"


def fmt_rating(value) -> str:
    """``4.256`` -> ``'4.26 ★'``."""
    return "–" if _missing(value) else f"{float(value):.2f} ★"


def fmt_signed(value, digits: int = 2) -> str:
    """``0.1`` -> ``'+0.10'``; a net sentiment or its change."""
    return "–" if _missing(value) else f"{float(value):+.{digits}f}"


def fmt_pct(value) -> str:
    """``0.256`` -> ``'25.6%'``."""
    return "–" if _missing(value) else f"{100 * float(value):.1f}%"


def fmt_pp(value) -> str:
    """A change of share in percentage points: ``0.05`` -> ``'+5.0 pp'``."""
    return "–" if _missing(value) else f"{100 * float(value):+.1f} pp"


def confidence_note(mentions: int, share: float | None, lower: float | None, small: int = 10) -> str:
    """Plain words for how far a finding's share can be trusted; small counts always say so.
    ``mentions``: the reviews behind the finding (each counted once, see analysis.insights).

    ``lower`` is the lower bound of the share's Wilson interval (the batch job's
    ``confidence``); the gap between share and bound is the uncertainty.

    >>> confidence_note(3, 0.6, 0.2)
    'low: only 3 reviews'
    >>> confidence_note(400, 0.5, 0.46)
    'high (share ± 4.0 pp)'
    """
    if mentions < small:
        return f"low: only {mentions} review{'s' if mentions != 1 else ''}"
    if _missing(share) or _missing(lower):
        return "–"
    margin = max(0.0, float(share) - float(lower))
    word = "high" if margin <= 0.05 else "medium" if margin <= 0.12 else "low"
    return f"{word} (share ± {100 * margin:.1f} pp)"


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def chart_text(value: object) -> str:
    """A label for a plotly chart: plotly reads a few HTML tags in text, so ``<``/``>``/``&``
    are escaped (plotly shows the entities as the characters).

    >>> chart_text("<b>Kettle</b>")
    '&lt;b&gt;Kettle&lt;/b&gt;'
    """
    return html.escape("" if value is None else str(value), quote=False)


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=\"'&")


def plain_label(text: object) -> str:
    """Text for a widget label (which Streamlit reads as markdown) with markdown switched off.

    >>> plain_label("[x](http://y)")
    '\\\\[x\\\\]\\\\(http\\\\://y\\\\)'
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text or ""))


def aspect_count_note(filters) -> str:
    """What an aspect chart counts, with the sidebar filters it follows, for a caption.

    ``filters`` has the sidebar's ``start``, ``end``, ``min_rating``, ``max_rating``,
    ``sources`` and ``categories`` (dashboard.queries.Filters). Names are shown as plain text.

    >>> from types import SimpleNamespace as F
    >>> aspect_count_note(F(start=None, end=None, min_rating=1, max_rating=2, sources=("shop",), categories=()))
    'A mention is a review naming the aspect (one per review, however many of its sentences name it, with the polarity most of them have), in the reviews the sidebar keeps: all dates, 1–2 stars, source shop, all categories.'
    """
    return ("A mention is a review naming the aspect (one per review, however many of its sentences "
            "name it, with the polarity most of them have), in the reviews the sidebar keeps: "
            + ", ".join([_dates_words(filters.start, filters.end),
                         _stars_words(filters.min_rating, filters.max_rating),
                         _names_words("source", filters.sources),
                         _names_words("category", filters.categories, "categories")]) + ".")


def _dates_words(start, end) -> str:
    """The date filter in words.

    >>> _dates_words(None, "2024-07-31"), _dates_words("2024-07-01", "2024-07-31")
    ('up to 2024-07-31', '2024-07-01 to 2024-07-31')
    """
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"from {start}"
    return f"up to {end}" if end else "all dates"


def _stars_words(low: int, high: int) -> str:
    """The rating filter in words.

    >>> _stars_words(1, 5), _stars_words(1, 1), _stars_words(4, 5)
    ('all ratings', '1 star', '4–5 stars')
    """
    if (low, high) == (1, 5):
        return "all ratings"
    if low == high:
        return f"{low} star{'s' if low != 1 else ''}"
    return f"{low}–{high} stars"


def _names_words(one: str, names, many: str | None = None) -> str:
    """A filter on names (sources, categories) in words, the names as plain text.

    >>> _names_words("source", ()), _names_words("source", ("a", "b"))
    ('all sources', 'sources a, b')
    """
    many = many or one + "s"
    if not names:
        return f"all {many}"
    return f"{one if len(names) == 1 else many} {', '.join(plain_label(n) for n in names)}"
