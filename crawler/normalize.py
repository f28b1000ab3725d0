"""Turning what shops and exports write into the store's values: ratings, dates, text, language.

Shared by the crawler and the file import, so a review reads the same whichever way it came in.

Example::

    from crawler.normalize import normalize_rating, parse_date, clean_text, detect_language
    normalize_rating("8/10")            # Rating(value=4.2, original='8/10', scale='0-10')
    parse_date("31-Jul-18")             # datetime.date(2018, 7, 31)
    clean_text("<p>Great&amp;cheap</p>")  # 'Great&cheap'
    detect_language("The kettle boils fast and looks nice")  # 'en'
"""
from __future__ import annotations

import functools
import html
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

__all__ = ["Rating", "RatingError", "normalize_rating", "parse_date", "clean_text",
           "detect_language", "function_word_languages", "quick_language", "rating_scale_for",
           "DateOrder", "date_order_for", "DATE_ORDERS"]


# --- ratings --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rating:
    """A rating on the 1-5 scale (``value``), as the source wrote it (``original``) and its scale."""
    value: float | None
    original: str | None
    scale: str | None


class RatingError(ValueError):
    """A rating that cannot be read or lies outside its scale; the message says which and why."""


_OUT_OF = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:out\s+of|of|/|von|sur|de)\s*(\d+(?:[.,]\d+)?)\b", re.I)
_PERCENT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%\s*$")
_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:stars?|points?|pts)?\s*$", re.I)
_FULL_STARS = "★⭐"
_EMPTY_STARS = "☆"


def _to_float(text: str) -> float:
    return float(text.replace(",", "."))


def _scale_name(worst: float, best: float) -> str:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)
    return f"{fmt(worst)}-{fmt(best)}"


def rating_scale_for(values, counts=None) -> tuple[float, float]:
    """The ``(worst, best)`` scale of a column of plain numbers, judged on the whole column.

    A larger scale is chosen only when enough values need it (at least 2 and 1% of them), so a
    single stray ``9`` in a 1-5 column is reported as out of range rather than turning every
    other rating in the file into a 0-10 one. ``counts`` (optional, one per value) says how many
    times each value occurs: a big file passes its distinct values and their counts.

    >>> rating_scale_for([1, 4, 5, 3])
    (1.0, 5.0)
    >>> rating_scale_for([7, 8, 10, 6])
    (0.0, 10.0)
    >>> rating_scale_for([1, 5, 6], counts=[5000, 5000, 60])
    (1.0, 5.0)
    """
    values = list(values)
    weights = [1] * len(values) if counts is None else list(counts)
    pairs = [(v, n) for v, n in zip(values, weights)
             if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not pairs:
        return 1.0, 5.0
    needed = max(2, math.ceil(0.01 * sum(n for _, n in pairs)))
    above_5 = sum(n for v, n in pairs if v > 5)
    above_10 = sum(n for v, n in pairs if v > 10)
    if above_10 >= needed:
        return 0.0, 100.0
    if above_5 >= needed:
        return 0.0, 10.0
    return 1.0, 5.0


def normalize_rating(value: Any, best: float | None = None, worst: float | None = None) -> Rating:
    """Bring a rating to the 1-5 scale, keeping the original text and naming its scale.

    Reads numbers, ``"4.5 out of 5"``, ``"8/10"``, ``"80%"`` and star strings (``"★★★★☆"``).
    ``best``/``worst`` give the scale when the source states it (``worst`` defaults to 1 for a
    5-point scale, else 0); without them a bare number is read as 1-5 up to 5, 0-10 up to 10 and
    0-100 up to 100. A missing value gives ``Rating(None, None, None)``; a value that cannot be
    read or lies outside its scale raises :class:`RatingError`.

    >>> normalize_rating("8/10")
    Rating(value=4.2, original='8/10', scale='0-10')
    >>> normalize_rating(80, best=100).value
    4.2
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Rating(None, None, None)
    if isinstance(value, bool):
        raise RatingError(f"rating {value!r} is a yes/no value, not a rating")
    original = str(value).strip()
    if not original or original.lower() == "nan":  # NaN: a missing rating (pandas, JSON, Parquet)
        return Rating(None, None, None)
    number: float | None = None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = original
        match = _OUT_OF.match(text)
        if match:
            number, best = _to_float(match.group(1)), _to_float(match.group(2))
            worst = None
        elif (match := _PERCENT.match(text)):
            number, best, worst = _to_float(match.group(1)), 100.0, 0.0
        elif (match := _NUMBER.match(text)):
            number = _to_float(match.group(1))
        elif text and all(ch in _FULL_STARS + _EMPTY_STARS or ch.isspace() for ch in text):
            full = sum(text.count(ch) for ch in _FULL_STARS)
            total = full + text.count(_EMPTY_STARS)
            number, best = float(full), float(max(total, 5))
            worst = 0.0 if full == 0 else None
        else:
            raise RatingError(f"rating {original!r} is not a number, 'N out of M', 'N/M' or 'N%'")
    if math.isnan(number) or math.isinf(number):
        raise RatingError(f"rating {original!r} is not a number")
    if best is None:
        if 1 <= number <= 5:
            best = 5.0
        elif 5 < number <= 10:
            best = 10.0
        elif 10 < number <= 100:
            best = 100.0
        else:
            raise RatingError(f"rating {original!r} is outside every scale we know (1-5, 0-10, 0-100)")
    best = float(best)
    if worst is None:
        worst = 1.0 if best == 5 else 0.0
    worst = float(worst)
    if best <= worst:
        raise RatingError(f"rating scale {worst:g}-{best:g} is empty")
    if not worst <= number <= best:
        raise RatingError(f"rating {original!r} is outside its scale {_scale_name(worst, best)}")
    on_five = round(1 + 4 * (number - worst) / (best - worst), 3)
    return Rating(on_five, original, _scale_name(worst, best))


# --- dates ----------------------------------------------------------------------------------

_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]\d)")
_ISO_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_DIGITS = re.compile(r"^-?\d+(?:\.\d+)?$")
_M_D_Y = re.compile(r"^(\d{1,2}) (\d{1,2}), (\d{4})$")               # 09 1, 2016
_D_MON_Y = re.compile(r"^(\d{1,2})[- .]([A-Za-z]{3,9})\.?[- ,.]+(\d{2}|\d{4})$")  # 31-Jul-18, 4 July 2024
_MON_D_Y = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")  # July 4, 2024
# 07/04/2024, 4.7.2024, 07-04-24, 07/04/2024 10:31 PM (the time is not needed, the day order is)
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{2}|\d{4})"
                      r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?: ?[AaPp][Mm])?)?$")
_ON_PREFIX = re.compile(r"^.*?\bon\s+(?=\S)", re.I)                # Reviewed in ... on July 4, 2024
_RELATIVE = re.compile(
    r"^(?:(\d+|an?|one)\s+(second|minute|hour|day|week|month|year)s?\s+ago|(yesterday|today|just now))$", re.I)


def _today(now: Any) -> date:
    if now is None:
        return datetime.now(timezone.utc).date()
    if isinstance(now, datetime):
        return now.date()
    if isinstance(now, date):
        return now
    parsed = parse_date(now)
    if parsed is None:
        raise ValueError(f"`now` must be a date or datetime, got {now!r}")
    return parsed


def _plausible(day: date | None) -> date | None:
    # Reviews on the web start in the mid 1990s; anything far outside is a misread field.
    if day is None or not (1990 <= day.year <= 2100):
        return None
    return day


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return _plausible(date(year, month, day))
    except ValueError:
        return None


def _from_epoch(number: float) -> date | None:
    if abs(number) >= 1e11:       # milliseconds (seconds would be past the year 5000)
        number /= 1000.0
    try:
        return _plausible(datetime.fromtimestamp(number, tz=timezone.utc).date())
    except (OverflowError, OSError, ValueError):
        return None


def _months_back(day: date, months: int) -> date | None:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    if not 1 <= year <= 9999:
        return None  # "3000 years ago": before the calendar begins
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _relative(text: str, now: Any) -> date | None:
    try:
        return _relative_day(text, now)
    except OverflowError:
        return None  # "999999999 days ago": no such day


def _relative_day(text: str, now: Any) -> date | None:
    match = _RELATIVE.match(text)
    if not match:
        return None
    today = _today(now)
    if match.group(3):
        return today - timedelta(days=1) if match.group(3).lower() == "yesterday" else today
    count_text, unit = match.group(1).lower(), match.group(2).lower()
    count = 1 if count_text in ("a", "an", "one") else int(count_text)
    if unit in ("second", "minute", "hour"):
        seconds = {"second": 1, "minute": 60, "hour": 3600}[unit] * count
        base = now if isinstance(now, datetime) else datetime.combine(today, datetime.max.time())
        return (base - timedelta(seconds=seconds)).date()
    if unit == "day":
        return today - timedelta(days=count)
    if unit == "week":
        return today - timedelta(weeks=count)
    if unit == "month":
        return _months_back(today, count)
    return _months_back(today, 12 * count)


@functools.lru_cache(maxsize=200_000)
def _parse_text(text: str, day_first: bool | None = None) -> date | None:
    """Absolute date forms only (cached: exports repeat the same date strings many times)."""
    if (m := _ISO.match(text)):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if _DIGITS.match(text):
        if len(text) == 8 and text.isdigit() and text[:2] in ("19", "20"):  # 20240704
            return _make(int(text[:4]), int(text[4:6]), int(text[6:]))
        return _from_epoch(float(text))
    if (m := _MON_D_Y.match(text)) and m.group(1).lower() in _MONTHS:
        return _make(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    if (m := _M_D_Y.match(text)):
        return _make(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    if (m := _D_MON_Y.match(text)) and m.group(2).lower() in _MONTHS:
        return _make(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    if (m := _ISO_SLASH.match(text)):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _NUMERIC.match(text)):
        first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(5))
        if day_first is None:
            # Dots are the European day.month.year; with slashes and dashes US exports write
            # the month first, and a first number above 12 can only be a day.
            day_first = "." in (m.group(2), m.group(4)) or first > 12
        return _make(year, second, first) if day_first else _make(year, first, second)
    return _dateparser(text)


def _dateparser(text: str) -> date | None:
    # The slow, general fallback (many languages and forms); only reached by unusual strings.
    # An absolute date always has a day or year number; strict parsing refuses to fill in
    # missing parts from today (dateparser would read "n/a" as a date this month).
    if not any(ch.isdigit() for ch in text):
        return None
    import dateparser  # imported lazily: it takes a while to load

    try:
        # Relative phrases are left out: they need the caller's `now`, and this is cached.
        parsed = dateparser.parse(text, settings={
            "STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False,
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"]})
    except Exception:  # dateparser raises assorted errors on odd input; unparseable is the answer
        return None
    return _plausible(parsed.date()) if parsed is not None else None


def parse_date(value: Any, now: Any = None, day_first: bool | None = None) -> date | None:
    """The calendar day of a review date as exports and pages write it, or None.

    Reads ISO dates and timestamps, unix seconds or milliseconds, ``"09 1, 2016"``,
    ``"31-Jul-18"``, ``"July 4, 2024"``, ``"Reviewed in the United States on July 4, 2024"``,
    numeric dates ``"07/04/2024"``, ``"07-04-2024"``, ``"04.07.2024"``, and relative forms
    (``"3 days ago"``, ``"a week ago"``, ``"yesterday"``) counted back from ``now`` (default:
    today, UTC). Anything else goes to ``dateparser``; what it cannot read gives None.

    ``day_first`` says how the numeric dates put day and month: True day first, False month
    first (a day that cannot exist that way gives None); None decides per date: dotted dates
    day first, the others month first unless the first number is above 12. A file or page
    writes all its dates one way: decide it once with :func:`date_order_for`.

    >>> parse_date("31-Jul-18")
    datetime.date(2018, 7, 31)
    >>> parse_date("3 days ago", now=date(2024, 7, 4))
    datetime.date(2024, 7, 1)
    >>> parse_date("03/04/2024"), parse_date("03/04/2024", day_first=True)
    (datetime.date(2024, 3, 4), datetime.date(2024, 4, 3))
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        return _from_epoch(float(value))
    text = " ".join(str(value).split())
    if not text:
        return None
    if text[0].isdigit() and not text.endswith(("ago", "Ago", "AGO")):
        found = _parse_text(text, day_first)
        if found is not None:
            return found
    relative = _relative(text, now)
    if relative is not None:
        return relative
    stripped = _ON_PREFIX.sub("", text, count=1)
    if stripped != text:
        relative = _relative(stripped, now)
        if relative is not None:
            return relative
    return _parse_text(stripped, day_first)


# The names a user gives the order of numeric dates (`--dates`, a source's `dates`), as
# parse_date's ``day_first``.
DATE_ORDERS = {"day-first": True, "month-first": False}


@dataclass(frozen=True)
class DateOrder:
    """How a column (or page) writes its numeric dates: day or month first.

    ``day_first`` is what to hand to :func:`parse_date`: True or False when the dates decide it,
    None when they do not (each date is then read on its own). The examples are a date that can
    only be day first (``13/04/2024``), one that can only be month first (``04/13/2024``), and
    one that reads as two different days (``03/04/2024``), or None where there is none.
    """
    day_first: bool | None
    day_first_example: str | None = None
    month_first_example: str | None = None
    ambiguous_example: str | None = None

    @property
    def mixed(self) -> bool:
        """Both orders are written: some dates can only be day first, others only month first."""
        return self.day_first_example is not None and self.month_first_example is not None

    @property
    def undecided(self) -> bool:
        """Every numeric date could be either order, and some read as two different days."""
        return (self.day_first_example is None and self.month_first_example is None
                and self.ambiguous_example is not None)


def _numeric_date(value: Any) -> re.Match | None:
    # The numeric date parse_date would read in this text, if any (after an "on" prefix too).
    if value is None or isinstance(value, (int, float, date)):
        return None
    text = " ".join(str(value).split())
    return _NUMERIC.match(text) or _NUMERIC.match(_ON_PREFIX.sub("", text, count=1))


def date_order_for(texts: Iterable[Any]) -> DateOrder:
    """Whether the numeric dates among ``texts`` (one file's date column, one page) put the day
    or the month first, judged on all of them together.

    A date with a first number above 12 can only be day first, one with a second number above 12
    only month first. When some dates can only be one order and none only the other, the whole
    column is read that way; when both kinds occur, or none (every date like ``03/04/2024``),
    ``day_first`` is None and :func:`parse_date` reads each date on its own.

    >>> date_order_for(["13/04/2024", "03/04/2024"]).day_first
    True
    >>> date_order_for(["04/13/2024", "03/04/2024", "2024-07-04"]).day_first
    False
    >>> order = date_order_for(["13/04/2024", "04/13/2024"])
    >>> order.day_first, order.mixed
    (None, True)
    >>> order = date_order_for(["03/04/2024", "05/04/2024"])
    >>> order.day_first, order.undecided, order.ambiguous_example
    (None, True, '03/04/2024')
    """
    day_first = month_first = ambiguous = None
    for value in texts:
        m = _numeric_date(value)
        if m is None:
            continue
        first, second = int(m.group(1)), int(m.group(3))
        if first > 12 and second <= 12:
            day_first = day_first or m.group(0)
        elif second > 12 and first <= 12:
            month_first = month_first or m.group(0)
        elif first != second and 1 <= first <= 12 and 1 <= second <= 12:
            ambiguous = ambiguous or m.group(0)
        if day_first and month_first:
            break
    order = None if bool(day_first) == bool(month_first) else bool(day_first)
    return DateOrder(order, day_first, month_first, ambiguous)


# --- text -----------------------------------------------------------------------------------

# A tag opens with "<" and a letter, "/" or "!" (as HTML reads it): "<5 mm" or "I <3 it" is text.
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_BREAK = re.compile(r"<(?:br|/p|p|/div|div|/li|li)\b[^>]*>", re.I)


def _untag(text: str) -> str:
    # <br>, <p>, <div>, <li> end a line ("Pros: ...<br>Cons: ..."); other tags go.
    return _TAG.sub("", _BREAK.sub("\n", text))


def clean_text(value: Any) -> str:
    """Plain text that keeps its lines: HTML tags stripped, entities unescaped, each line's
    whitespace collapsed to single spaces and its ends trimmed; None gives "".

    Line breaks (``\\n``, ``\\r\\n``, ``\\r``, U+2028, U+2029 and the tags <br>, <p>, </p>,
    <div>, <li>...) become one ``\\n``; blank lines and breaks at the ends go. The analysis
    starts a sentence at each one, so "Pros: ...\\nCons: ..." is read as two. Other whitespace
    (tabs, form feeds, no-break spaces) is a space, as within a line.

    Tags are stripped again after unescaping: JSON-LD often carries escaped markup
    ("&lt;br /&gt;"), which would otherwise reach the review as literal tags.

    >>> clean_text("  <p>Great&amp;cheap</p><br>kettle  ")
    'Great&cheap\\nkettle'
    >>> clean_text("Pros: great sound \\r\\n\\r\\n  Cons:\\tbattery  dies fast")
    'Pros: great sound\\nCons: battery dies fast'
    >>> clean_text("Lid is <5 mm thick&lt;br /&gt;but >3 cups fit")
    'Lid is <5 mm thick\\nbut >3 cups fit'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if "<" in text:
        text = _untag(text)
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:
            text = _untag(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and ("\u2028" in text or "\u2029" in text):
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if "\n" not in text:
        return " ".join(text.split())
    return "\n".join(filter(None, (" ".join(line.split()) for line in text.split("\n"))))


def clean_line(value: Any) -> str:
    """:func:`clean_text` on one line, for what names a thing rather than tells about it: product
    ids, product names, brands, categories, review titles, authors, variants. A line break there
    (a quoted CSV field, a ``<br>`` in a JSON-LD name) is a space.

    >>> clean_line("Steel kettle<br>1.7 l")
    'Steel kettle 1.7 l'
    >>> clean_line("Ann\r\n  B.")
    'Ann B.'
    """
    text = clean_text(value)
    return text.replace("\n", " ") if "\n" in text else text


# --- language -------------------------------------------------------------------------------

_MIN_LETTERS = 12


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _has_letters(text: str, wanted: int) -> bool:
    # Counts only until it has enough: a review passes within its first words.
    for ch in text:
        if ch.isalpha():
            wanted -= 1
            if not wanted:
                return True
    return wanted <= 0


def detect_language(text: Any) -> str | None:
    """The ISO 639-1 language of a review, or None when the text is too short to tell.

    Texts with fewer than 12 letters (``"ok"``, ``"👍👍"``, ``"5/5!!"``) and texts the
    detector is unsure about give None rather than a guess.

    >>> detect_language("The kettle boils fast and looks nice on the counter")
    'en'
    """
    if text is None:
        return None
    text = str(text)
    if not _has_letters(text, _MIN_LETTERS):
        return None
    language, probability = _identifier().classify(text)
    if probability < 0.5:
        return None
    return language


# Very common function words per language (our own short lists). A clear majority of them in a
# text names its language without running the model; bulk imports use this first.
_FUNCTION_WORDS = {
    "en": "the and this with but you would they have very was is it not for my of to that "
          "great love works its it's i'm don't doesn't",
    "de": "und der die das nicht ist ich sehr mit für auch aber sind ein eine zu den dem war "
          "gut nur noch wie sich auf",
    "fr": "le la les et est très pas une je pour avec mais du des ce il elle c'est qui sur "
          "bien produit au",
    "es": "el los las y es muy pero para con una que lo se por del está producto bien como",
    "it": "il lo la e è molto ma per con non che una sono della prodotto anche bene questo",
    "pt": "o os as e é muito mas para com não uma que do da produto bem isso",
    "nl": "de het een en is niet zeer heel maar voor met ik dat goed ook van",
}
_WORD_LANGUAGES: dict[str, list[str]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _WORD_LANGUAGES.setdefault(_word, []).append(_language)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# The same words in lower-case ASCII text (most reviews), where this class is quicker to test.
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Lower-case ASCII text without apostrophes (two reviews in three): its words are the runs of
# a-z, which a byte translation (everything else to a space) and a split find in C.
_NOT_A_TO_Z = bytes(byte if 97 <= byte <= 122 else 32 for byte in range(256))
_ASCII_WORD_LANGUAGES = {word.encode("ascii"): languages for word, languages in _WORD_LANGUAGES.items()
                         if word.isascii() and "'" not in word}


def function_word_languages() -> dict[str, list[str]]:
    """The function words :func:`quick_language` counts, each with the languages it votes for
    (a copy).

    >>> function_word_languages()["und"]
    ['de']
    """
    return {word: list(languages) for word, languages in _WORD_LANGUAGES.items()}


def quick_language(text: Any) -> str | None:
    """The language of a text when its function words leave no doubt, else None (ask
    :func:`detect_language`). Cheap: a few microseconds, for bulk imports.

    It answers only when at least 3 words point to one language and at least twice as many
    as to any other.

    >>> quick_language("The lid is loose and the handle gets hot, but it boils fast")
    'en'
    >>> quick_language("Sehr gut, aber der Deckel klemmt und ist nicht dicht")
    'de'
    """
    if not text:
        return None
    votes: dict[str, int] = {}
    # Only the function words reach the Python loop (filter() tests membership in C).
    text = str(text).lower()
    if text.isascii() and "'" not in text:
        words, table = text.encode("ascii").translate(_NOT_A_TO_Z).split(), _ASCII_WORD_LANGUAGES
    else:
        words, table = (_ASCII_WORD if text.isascii() else _WORD).findall(text), _WORD_LANGUAGES
    for word in filter(table.__contains__, words):
        for language in table[word]:
            votes[language] = votes.get(language, 0) + 1
    if not votes:
        return None
    ranked = sorted(votes.values(), reverse=True)
    best = max(votes, key=votes.get)
    second = ranked[1] if len(ranked) > 1 else 0
    if ranked[0] >= 3 and ranked[0] >= 2 * second:
        return best
    return None
