"""`reviewlens import`: review exports (CSV, TSV, JSON, JSON Lines, Parquet, gzip) into the store.

The work is set-based in DuckDB, with Python only for what SQL cannot do exactly:

1. the file is read into an in-memory DuckDB table (:mod:`crawler.import_readers`);
2. its columns are matched to review fields (:mod:`crawler.import_columns`, ``--map``);
3. ratings, dates and variants are normalised once per *distinct* value with
   :mod:`crawler.normalize` (ISO dates and unix times are read in SQL), then joined back;
4. one SQL pass (``ready``) gives every row its final fields and finds the exceptions: rejected
   rows (with their reason), unreadable dates, texts SQL cannot clean exactly as
   :func:`crawler.normalize.clean_text` does (:mod:`crawler.sql_text`: SQL takes plain text,
   common tags and entities and odd whitespace, in ASCII and a tested set of safe characters;
   Python cleans the others and computes their ids with the store's own functions) and texts
   not recognisably English. For the SQL rows the same pass computes the review id and content
   hash with the store's SHA-1 definitions (:func:`data.store.review_id`: for ASCII and the
   safe characters NFKC changes nothing and DuckDB's lower() is Python's);
5. the first row of each review id is kept (the same review twice in one file is stored once);
6. the rows go to the store in batches, each one short write (the store file is attached only
   while the batch is written), skipping ids already stored (an anti-join: ``reviews`` has no
   key since migration 004), with the counts added to the import's ``collect_runs`` row.

Language: py3langid costs ~0.1 ms a text, too slow for a million rows. A text without letters
outside ASCII (curly quotes and emoji are fine) with one of a few very common English words is
taken as English in SQL; the others get the vote of function words of
:func:`crawler.normalize.quick_language`, also in SQL (:mod:`crawler.sql_language`), and, when
that is unsure, :func:`crawler.normalize.detect_language`, once per distinct text.

Example::

    summary = import_files("shop.duckdb", ["amazon_reviews.json.gz"])
    print(summary.text())
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

import duckdb

from crawler.import_columns import MappingError, find_columns
from crawler.import_readers import UnreadableFile, exact_line_numbers, read_into
from crawler.sql_language import vote_languages
from crawler.sql_text import (SAFE_TEXT_SQL, collapsed_sql, entities_known_sql, plain_sql,
                               tags_ascii_sql, unescape_sql, untag_sql)
from crawler.normalize import (DateOrder, RatingError, clean_line, clean_text, date_order_for,
                               detect_language, normalize_rating, parse_date, quick_language,
                               rating_scale_for)
from data import store

__all__ = ["ImportSummary", "import_files", "UnreadableFile", "MappingError"]

# Rows per write (eight DuckDB row groups, about a million): one write holds the store for
# about two seconds. A file of a million rows is one batch, written with every thread.
DEFAULT_BATCH = 983_040
_EXAMPLES = 5

# English: one of these words is enough in a text without non-ASCII letters (none is a common word in another language
# written without accents; "was", "is", "product" are left out for German and Dutch).
# Kept identical in SQL (RE2) and Python (re) so both paths agree.
_ENGLISH_WORDS = ("the|and|this|with|but|you|would|they|have|very|great|love|works|"
                  "quality|price|bought|recommend|does|doesn't|don't|it's|i'm|just")
_ENGLISH_RE = re.compile(rf"\b(?:{_ENGLISH_WORDS})\b", re.I | re.A)
_ENGLISH_SQL = rf"(?i)\b(?:{_ENGLISH_WORDS})\b".replace("'", "''")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A letter outside ASCII (é, ж): then the word rule does not decide. RE2's \p{L} and Python's
# isalpha() agree on every character SQL takes (tests/test_sql_text.py).
_NON_ASCII_LETTER_SQL = "[^\\x00-\\x7f\\P{L}]"
# SQL: the body is English by the word rule (CASE: the letter check only for non-ASCII texts).
_ENGLISH_BODY_SQL = (f"(CASE WHEN strlen(body) = length(body) THEN true "
                     f"ELSE NOT regexp_matches(body, '{_NON_ASCII_LETTER_SQL}') END "
                     f"AND coalesce(regexp_matches(body, '{_ENGLISH_SQL}'), false))")


@dataclass
class ImportSummary:
    """What an import did: counts, reasons for rejected rows with example lines, file errors."""
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    dates_unparsed: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    file_errors: dict[str, str] = field(default_factory=dict)
    run_id: int | None = None
    seconds: float = 0.0

    def reject(self, reason: str, where: str, count: int = 1) -> None:
        self.rejected += count
        self.reasons[reason] += count
        examples = self.examples.setdefault(reason, [])
        if len(examples) < _EXAMPLES:
            examples.append(where)

    @property
    def ok(self) -> bool:
        """True when every file was read and at least one row was usable (new or duplicate)."""
        return not self.file_errors and (self.imported + self.duplicates) > 0

    def text(self, top: int = 5) -> str:
        """The summary line and the top reasons, as the command prints them."""
        lines = [f"read {self.read:,}, imported {self.imported:,}, duplicates {self.duplicates:,}, "
                 f"rejected {self.rejected:,}"
                 + (f", dates unparsed {self.dates_unparsed:,} (kept without a date)"
                    if self.dates_unparsed else "")]
        for reason, count in self.reasons.most_common(top):
            lines.append(f"  {count:,} x {reason}: {', '.join(self.examples.get(reason, []))}")
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.extend(f"  error: {error}" for error in self.file_errors.values())
        return "\n".join(lines)


def import_files(db: str, paths: Iterable[str | Path], column_map: dict[str, str] | None = None,
                 source: str | None = None, batch_size: int = DEFAULT_BATCH,
                 product: str | None = None, rating_scale: float | None = None,
                 progress: bool = True, now: datetime | None = None,
                 day_first: bool | None = None) -> ImportSummary:
    """Import review export files into the store at ``db`` and say what happened.

    ``column_map`` (field -> column, from ``--map``) overrides the columns found by name.
    ``source`` names where the reviews came from (default: the file name). ``product`` is the
    product id for files without a product column (default: the file name without suffixes).
    ``rating_scale`` is the best rating when a file's numbers are on a scale the values do not
    show (e.g. 10). ``day_first`` says how the files write numeric dates such as 03/04/2024
    (True: day first; default None: decided per file from dates like 13/04/2024, see
    :func:`crawler.normalize.date_order_for`). A file that cannot be read is recorded in
    ``file_errors`` and the others go on.

    >>> summary = import_files("shop.duckdb", ["reviews.csv"])   # doctest: +SKIP
    >>> summary.imported, summary.rejected                       # doctest: +SKIP
    (1200, 3)
    """
    started = time.perf_counter()
    _last[0], _last[1] = started, time.process_time()
    paths = [Path(p) for p in paths]
    summary = ImportSummary()
    collected_at = now or store.now()
    store.ensure(db)
    mem = duckdb.connect()
    mem.execute("SET enable_progress_bar = false")
    # A Parquet TIMESTAMPTZ names the same day on every machine: its day in UTC.
    mem.execute("SET TimeZone = 'UTC'")
    with _in_store(mem, db):
        run_id = store.start_collect_run(mem, "import", ", ".join(str(p) for p in paths))
    summary.run_id = run_id
    try:
        for path in paths:
            try:
                _import_one(mem, db, path, summary, run_id, column_map or {}, source, batch_size,
                            product, rating_scale, progress, collected_at, day_first)
            except (UnreadableFile, MappingError) as exc:
                summary.file_errors[str(path)] = str(exc)
    finally:
        status = "ok" if summary.ok and not summary.rejected else ("partial" if summary.ok else "failed")
        try:
            with _in_store(mem, db):
                if summary.file_errors:
                    store.add_to_collect_run(mem, run_id, errors=len(summary.file_errors),
                                             problems={"file unreadable": len(summary.file_errors)})
                store.finish_collect_run(mem, run_id, status)
        finally:
            mem.close()
    summary.seconds = time.perf_counter() - started
    return summary


# --- one file -------------------------------------------------------------------------------

_TIMING = bool(os.environ.get("REVIEWLENS_IMPORT_TIMING"))
_last = [time.perf_counter(), time.process_time()]


def _step(name: str) -> None:
    """With REVIEWLENS_IMPORT_TIMING=1, print how long each step took, wall and CPU seconds
    (all threads), for the benchmark."""
    if _TIMING:
        now, cpu = time.perf_counter(), time.process_time()
        print(f"    [{name}: {now - _last[0]:.2f}s, {cpu - _last[1]:.2f} CPU-s]", file=sys.stderr, flush=True)
        _last[0], _last[1] = now, cpu


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def _import_one(mem, db, path: Path, summary: ImportSummary, run_id: int, column_map: dict,
                source: str | None, batch_size: int, product: str | None,
                rating_scale: float | None, progress: bool, collected_at: datetime,
                day_first: bool | None = None) -> None:
    _say(progress, f"reading {path} ...")
    _step("start")
    # Relative dates ("3 days ago") count back from the run's time; each file gets its own
    # import time, which also tells this file's rows from the run's other files.
    reference_time = collected_at
    collected_at = max(collected_at, store.now())
    loaded = read_into(mem, path)
    _step("read")
    if loaded.rows >= 100_000:
        _say(progress, f"  {path.name}: {loaded.rows:,} rows read, checking them ...")
    if loaded.rows == 0 and not loaded.rejects:
        what = "only the header line" if loaded.fmt in ("csv", "tsv") else "no records"
        raise UnreadableFile(f"{path} holds no reviews ({what}); check it is the export you meant")
    columns = [row[0] for row in mem.execute("SELECT column_name FROM (DESCRIBE raw)").fetchall()]
    mapping = find_columns(columns, column_map, file_name=str(path))
    if "body" not in mapping:
        raise MappingError(
            f"{path}: no column with the review text; its columns are "
            f"{', '.join(c for c in columns if c != '_line')}. Name it with --map body=COLUMN")
    file_source = source or path.name
    fallback_product = None
    if "product_id" not in mapping:
        fallback_product = product or path.name.split(".")[0]
        summary.notes.append(f"{path.name} has no product column: its reviews are filed under "
                             f"product {fallback_product!r} (set another with --product or "
                             f"--map product_id=COLUMN)")
    summary.read += loaded.rows + len(loaded.rejects)

    _stage(mem, mapping, "_line" if loaded.has_line_column else f"(rowid + {loaded.first_line})",
           fallback_product)
    _normalise_ratings(mem, "rating" in mapping, rating_scale)
    date_order = _normalise_dates(mem, "date" in mapping, reference_time, day_first)
    stored_note = None
    if date_order is not None and date_order.undecided and day_first is None:
        # No date of the file says it: the reviews the store holds already may (an export of
        # the same shop imported before, whose dates did).
        order, matched = _order_of_stored_reviews(mem, db, collected_at)
        if order is not None:
            date_order = _normalise_dates(mem, True, reference_time, order)
            stored_note = (f"{path.name}: no date says whether the day or the month comes first; read "
                           f"{'day' if order else 'month'} first, as {matched:,} of its reviews "
                           f"already in the store are dated")
    _normalise_variants(mem, "variant" in mapping)
    _step("ratings, dates, variants")
    if (note := stored_note or _date_order_note(path.name, date_order)):
        summary.notes.append(note)
    _prepare(mem, set(mapping))
    # Everything later reads `ready`: free the file's copy before the writes.
    mem.execute("DROP VIEW staged").fetchall()
    mem.execute("DROP TABLE raw").fetchall()
    _step("row checks, review ids and content hashes")
    _clean_in_sql(mem)
    _step("markup cleaned in SQL")
    _redo_in_python(mem)
    _step("python rows and languages")
    _find_duplicates(mem)
    _step("duplicates within the file")

    # Rejected rows, with exact line numbers when the fast reader may have shifted them.
    rejected = mem.execute("SELECT _n, _line, reject FROM ready WHERE NOT py AND reject IS NOT NULL "
                           "UNION ALL SELECT _n, _line, reject FROM py_rows WHERE reject IS NOT NULL "
                           "ORDER BY _n").fetchall()
    if rejected and not loaded.exact_lines and loaded.delimiter is not None:
        exact = exact_line_numbers(path, loaded.delimiter, loaded.encoding, [r[0] for r in rejected],
                                   header_line=loaded.header_line)
        rejected = [(n, exact.get(n, line), reason) for n, line, reason in rejected]
    file_rejects = sorted(list(loaded.rejects) + [(line, reason) for _, line, reason in rejected])
    problems: Counter = Counter()
    for line, reason in file_rejects:
        summary.reject(reason, f"{path.name} {loaded.unit} {line}")
        problems[reason] += 1
    unparsed = mem.execute("SELECT count(*) FROM ready WHERE date_unparsed").fetchall()[0][0]
    summary.dates_unparsed += unparsed
    if unparsed:
        problems["date unparsed"] += unparsed

    total = loaded.rows
    queued = mem.execute("SELECT count(*) FROM queue").fetchall()[0][0]
    start, position, number = 0, 0, 0
    while True:
        first = number == 0
        new, dup, position, stop = _write_batch(
            mem, db, start, position, queued, total, batch_size, run_id, file_source,
            collected_at, products=first, counts=dict(
                reviews_read=len(loaded.rejects) if first else 0,
                rejected=len(file_rejects) if first else 0,
                problems=dict(problems) if first else None))
        summary.imported += new
        summary.duplicates += dup
        number += 1
        _step(f"write batch {number}")
        if total > batch_size:
            _say(progress, f"  {path.name}: {stop:,}/{total:,} rows written")
        if stop >= total:
            break
        start = stop
    for table in ("queue", "dropped", "lang_map", "py_rows", "ready", "rating_map", "date_map", "variant_map"):
        mem.execute(f"DROP TABLE IF EXISTS {table}").fetchall()
    mem.execute("DROP VIEW IF EXISTS staged").fetchall()
    mem.execute("DROP TABLE IF EXISTS raw").fetchall()


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _stage(mem, mapping: dict, line_expr: str, fallback_product: str | None) -> None:
    """``staged``: a view of the file's rows under the field names, with _n (order) and _line."""
    def pick(name: str) -> str:
        column = mapping.get(name)
        return f'CAST("{column}" AS VARCHAR)' if column else "NULL::VARCHAR"
    product_expr = pick("product_id") if fallback_product is None else _sql_text(fallback_product)
    mem.execute(f"""
        CREATE OR REPLACE TEMP VIEW staged AS
        SELECT rowid AS _n, {line_expr} AS _line,
               {product_expr} AS product_id, {pick('author')} AS author, {pick('title')} AS title,
               {pick('body')} AS body, trim({pick('rating')}) AS rating_raw,
               trim({pick('date')}) AS date_raw, {pick('helpful')} AS helpful_raw,
               {pick('verified')} AS verified_raw, {pick('variant')} AS variant_raw,
               {pick('url')} AS url, {pick('product_title')} AS product_title,
               {pick('category')} AS category, {pick('brand')} AS brand,
               trim({pick('reply_to')}) AS reply_to_raw, lower(trim({pick('status')})) AS status_raw
        FROM raw""").fetchall()


def _normalise_ratings(mem, has_rating: bool, rating_scale: float | None) -> None:
    """``rating_map``: each distinct rating text -> 1-5 value, original, scale, or problem."""
    mem.execute("CREATE OR REPLACE TEMP TABLE rating_map (raw VARCHAR, value DOUBLE, "
                "scale VARCHAR, problem VARCHAR)").fetchall()
    if not has_rating:
        return
    counts = mem.execute("SELECT rating_raw, count(*) FROM staged WHERE rating_raw <> '' "
                         "GROUP BY rating_raw").fetchall()
    numbers = [(_plain_number(raw), count) for raw, count in counts]
    numbers = [(number, count) for number, count in numbers if number is not None]
    if rating_scale:
        best = float(rating_scale)
        worst = 1.0 if best == 5 else 0.0
    else:
        worst, best = rating_scale_for([n for n, _ in numbers], counts=[c for _, c in numbers])
    rows = []
    for raw, _ in counts:
        try:
            if _plain_number(raw) is not None:
                rating = normalize_rating(_plain_number(raw), best=best, worst=worst)
            else:
                rating = normalize_rating(raw)
            rows.append((raw, rating.value, rating.scale, None))
        except RatingError as exc:
            problem = "rating out of range" if "outside" in str(exc) else "rating unreadable"
            rows.append((raw, None, None, problem))
    _insert_rows(mem, "rating_map", ["raw", "value", "scale", "problem"], rows)


def _insert_rows(mem, table: str, names: list[str], rows: list[tuple]) -> None:
    """Bulk insert Python tuples: one list parameter per column, unnested side by side.

    (Parameterised inserts go row by row; an Arrow table makes DuckDB import pandas, half a
    second of one core on a first import.)"""
    if not rows:
        return
    types = dict(mem.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall())
    columns = {f"c{i}": [row[i] for row in rows] for i in range(len(names))}
    values = ", ".join(f"unnest($c{i}::{types[name]}[])" for i, name in enumerate(names))
    mem.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {values}", columns).fetchall()


def _plain_number(raw: str) -> float | None:
    try:
        number = float(raw.replace(",", ".")) if raw.count(",") <= 1 else None
    except ValueError:
        return None
    if number is None or number != number:
        return None
    return number


# Dates SQL reads exactly as parse_date would: ISO dates (plausible years) and unix times.
_FAST_DATE = """CASE
    WHEN try_cast(raw AS DATE) BETWEEN DATE '1990-01-01' AND DATE '2100-12-31'
        THEN try_cast(raw AS DATE)
    WHEN regexp_full_match(raw, '\\d{9,11}')
        THEN make_timestamp(CAST(raw AS BIGINT) * 1000000)::DATE
    WHEN regexp_full_match(raw, '\\d{12,14}')
        THEN make_timestamp(CAST(raw AS BIGINT) * 1000)::DATE
    END"""


# A `now` that tells relative dates ("3 days ago") from absolute ones, as the crawler does.
_FAR_PAST = datetime(1999, 1, 1)


def _normalise_dates(mem, has_date: bool, collected_at: datetime,
                     day_first: bool | None = None) -> DateOrder | None:
    """``date_map``: each distinct date text -> its day (or NULL), and whether it is relative;
    returns the file's day order of numeric dates (None when SQL read every date).

    SQL reads ISO dates and unix times, once per distinct text; :func:`parse_date` the others,
    all numeric dates of the file in one order (:func:`date_order_for`), so "03/04/2024" is not
    4 March in a file that also writes "13/04/2024"; ``day_first`` (``--dates``) states the
    order instead, and a date that cannot be read that way is counted as unparsed.
    "3 days ago" names another day tomorrow, so, as in the crawler, such a date stays out of
    the review id and importing the file again later does not store it twice."""
    mem.execute("CREATE OR REPLACE TEMP TABLE date_map (raw VARCHAR, day DATE, relative BOOLEAN)"
                ).fetchall()
    if not has_date:
        return None
    mem.execute(f"""
        INSERT INTO date_map
        SELECT raw, {_FAST_DATE}, false FROM (SELECT DISTINCT date_raw AS raw FROM staged
                                               WHERE date_raw <> '')""").fetchall()
    # Sorted: the summary's note names the same example dates on every run.
    texts = [raw for (raw,) in mem.execute(
        "SELECT raw FROM date_map WHERE day IS NULL ORDER BY raw").fetchall()]
    if not texts:
        return None
    order = date_order_for(texts) if day_first is None else DateOrder(day_first)
    rows = []
    for raw in texts:
        day = parse_date(raw, now=collected_at, day_first=order.day_first)
        relative = day is not None and parse_date(raw, now=_FAR_PAST, day_first=order.day_first) != day
        rows.append((raw, day, relative))
    mem.execute("DELETE FROM date_map WHERE day IS NULL").fetchall()
    _insert_rows(mem, "date_map", ["raw", "day", "relative"], rows)
    return order


def _order_of_stored_reviews(mem, db: str, collected_at: datetime) -> tuple[bool | None, int]:
    """For a file whose numeric dates could all be read either way: the order under which its
    reviews that the store holds already have their stored ids (the id hashes the date), and
    how many do; (None, 0) when none do, or as many each way.

    A second export of a shop, which happens to hold no day above 12, is then read as the
    first was, and its reviews are not stored again under a second date. The rows are cleaned
    as the import cleans them (``clean_text``) before their ids are made; up to
    ``_ORDER_SAMPLE`` of them are asked about."""
    both = {}
    for (raw,) in mem.execute("SELECT raw FROM date_map WHERE NOT relative").fetchall():
        day_first = parse_date(raw, now=collected_at, day_first=True)
        month_first = parse_date(raw, now=collected_at, day_first=False)
        if day_first and month_first and day_first != month_first:
            both[raw] = (day_first.isoformat(), month_first.isoformat())
    if not both:
        return None, 0
    rows = mem.execute("SELECT product_id, author, body, date_raw FROM staged "
                       "WHERE list_contains(?, date_raw) AND coalesce(body, '') <> '' LIMIT ?",
                       [list(both), _ORDER_SAMPLE]).fetchall()
    ids: dict[bool, list[str]] = {True: [], False: []}
    for product_id, author, body, raw in rows:
        product_id, author, body = clean_text(product_id), clean_text(author) or None, clean_text(body)
        if product_id and body:
            for order, day in zip((True, False), both[raw]):
                ids[order].append(store.review_id(product_id, author, day, body))
    if not ids[True]:
        return None, 0
    with _in_store(mem, db):
        day, month = (mem.execute(
            "SELECT (SELECT count(*) FROM reviewstore.main.reviews WHERE list_contains($ids, review_id))"
            " + (SELECT count(*) FROM reviewstore.main.review_versions WHERE list_contains($ids, review_id))",
            {"ids": ids[order]}).fetchall()[0][0] for order in (True, False))
    if day == month:
        return None, 0
    return (day > month), int(max(day, month))


_ORDER_SAMPLE = 20_000


def _date_order_note(file_name: str, order: DateOrder | None) -> str | None:
    """The import summary's note when a file's numeric dates do not settle day or month first:
    they are written both ways, or every one of them could be either."""
    if order is None:
        return None
    if order.mixed:
        return (f"{file_name}: dates are written both day first ({order.day_first_example}) and "
                f"month first ({order.month_first_example}); each was read on its own")
    if order.undecided:
        example = order.ambiguous_example
        day = parse_date(example)
        read_as = f"{day.day} {day:%B} {day.year}" if day else "no date"
        other = "month-first" if day == parse_date(example, day_first=True) else "day-first"
        return (f"{file_name}: no date says whether the day or the month comes first (none has a "
                f"number above 12); {example} was read as {read_as}. If the file puts them the "
                f"other way, import it into a new store with --dates {other} "
                f"(a review's date is part of its identity: imported again here, its reviews "
                f"would be stored twice)")
    return None


def _normalise_variants(mem, has_variant: bool) -> None:
    """``variant_map``: each distinct variant text -> a readable one (``Size: L, Color: Red``)."""
    mem.execute("CREATE OR REPLACE TEMP TABLE variant_map (raw VARCHAR, variant VARCHAR)").fetchall()
    if not has_variant:
        return
    texts = mem.execute("SELECT DISTINCT variant_raw FROM staged WHERE variant_raw IS NOT NULL").fetchall()
    _insert_rows(mem, "variant_map", ["raw", "variant"], [(raw, _variant_text(raw)) for (raw,) in texts])


def _needs_python(columns: list[str]) -> str:
    """SQL: one of these texts is not already clean text that SQL can hash exactly as Python
    does (:func:`crawler.sql_text.plain_sql` of the texts joined, and no edge spaces or new
    lines): the row is cleaned by :func:`_clean_in_sql` where SQL can, else by Python."""
    joined = "concat_ws('|', " + ", ".join(columns) + ")"
    edges = " OR ".join(f"starts_with(coalesce({c}, ''), ' ') OR ends_with(coalesce({c}, ''), ' ')"
                        for c in columns)
    return f"(NOT {plain_sql(joined, joined_by='|')} OR {edges})"


_HELPFUL_SQL = """CASE WHEN s.helpful_raw IS NULL THEN NULL
        WHEN lower(s.helpful_raw) LIKE 'one %' THEN 1
        ELSE try_cast(regexp_extract(s.helpful_raw, '\\d+') AS INTEGER) END"""
# Rows of an export that are not reviews (crawler.import_columns: reply_to, status).
_SKIPPED_SQL = """CASE
        WHEN s.reply_to_raw NOT IN ('', '0') THEN 'a reply, not a review'
        WHEN s.status_raw = 'spam' THEN 'marked as spam'
        WHEN s.status_raw = 'trash' THEN 'in the trash' END"""
_VERIFIED_SQL = """CASE
        WHEN lower(trim(s.verified_raw)) IN ('true', 't', 'yes', 'y', '1', '1.0', 'verified',
                                             'verified purchase', 'verified buyer') THEN true
        WHEN lower(trim(s.verified_raw)) IN ('false', 'f', 'no', 'n', '0', '0.0') THEN false END"""

# The store's review_id (data.store.review_id) for clean text (clean_text's: single spaces, lines
# joined by one "\n" with no space beside it) of ASCII and the safe characters
# (crawler.sql_text), where NFKC changes nothing and lower() is Python's; review_id collapses
# whitespace, so each "\n" is a space in the key (a line break never changes an id);
# and its content_hash (data.store.content_hash), which hashes the text as stored.
# (One lower() over the joined key: the date's digits and dashes and chr(31) do not change.)
_REVIEW_ID_SQL = ("left(sha1(lower(replace(product_id || chr(31) || coalesce(author, '') || chr(31) "
                  "|| coalesce(CAST(CASE WHEN relative THEN NULL ELSE published_at END AS VARCHAR), '') "
                  "|| chr(31) || body, chr(10), ' '))), 20)")
_CONTENT_HASH_SQL = "left(sha1(coalesce(title, '') || chr(31) || body), 20)"


_ONE_LINE = ("product_id", "author", "title")


def _prepare(mem, fields: set[str]) -> None:
    """``ready``: one pass over the file's rows that gives each row its final fields, and, when
    SQL can take the row as it is, its review id, content hash and language.

    py: a text is not clean as it stands (:func:`_clean_in_sql` cleans and identifies the row where
    SQL can, Python the others); reject: why the row is refused (the raw texts' view of it,
    decided again for py rows); row_problem: the reject a clean text and product id leave (a
    reply or a spam row, else the rating's problem); date_unparsed; needs_lang: a good plain row
    not recognisably English, for the language detector. review_id is set exactly for the good
    plain rows, so ``review_id IS NOT NULL`` picks them. ``fields``: the fields the file has
    (the others are NULL without per-row work).
    """
    def field(name: str, sql: str, null_type: str = "VARCHAR") -> str:
        return sql if name in fields else f"NULL::{null_type}"
    py = _needs_python([f"s.{c}" for c in ("product_id", "author", "title", "body")])
    # product ids, authors and titles are one line (crawler.normalize.clean_line): one with a
    # line break is cleaned by _clean_in_sql
    py += "".join(f" OR contains(coalesce(s.{c}, ''), chr(10))" for c in _ONE_LINE)
    good = "NOT py AND reject IS NULL"
    mem.execute(f"""
        CREATE OR REPLACE TEMP TABLE ready AS
        SELECT _n, _line, py, reject, row_problem, date_unparsed, relative,
               CASE WHEN {good} THEN {_REVIEW_ID_SQL} END AS review_id,
               product_id, url, author, rating, rating_original, rating_scale, title, body,
               published_at, helpful_votes, verified, variant,
               CASE WHEN {good} THEN {_CONTENT_HASH_SQL} END AS content_hash,
               CASE WHEN {good} THEN NOT {_ENGLISH_BODY_SQL} ELSE false END AS needs_lang,
               CASE WHEN {good} AND NOT needs_lang THEN 'en' END AS language,
               product_title, brand, category
        FROM (
            SELECT s._n, s._line, ({py}) AS py,
                   CASE WHEN coalesce(s.body, '') = '' THEN 'no review text'
                        WHEN coalesce(s.product_id, '') = '' THEN 'no product id'
                        ELSE coalesce({_SKIPPED_SQL}, rating_map.problem) END AS reject,
                   coalesce({_SKIPPED_SQL}, rating_map.problem) AS row_problem,
                   coalesce(s.date_raw <> '' AND date_map.day IS NULL, false) AS date_unparsed,
                   coalesce(date_map.relative, false) AS relative,
                   s.product_id, {field("url", "nullif(trim(s.url), '')")} AS url,
                   nullif(s.author, '') AS author,
                   rating_map.value AS rating,
                   -- (NULL for an empty or NaN rating: rating_map has no value and no problem)
                   CASE WHEN rating_map.value IS NOT NULL OR rating_map.problem IS NOT NULL
                        THEN s.rating_raw END AS rating_original,
                   rating_map.scale AS rating_scale, nullif(s.title, '') AS title, s.body,
                   date_map.day AS published_at,
                   {field("helpful", _HELPFUL_SQL, "INTEGER")} AS helpful_votes,
                   {field("verified", _VERIFIED_SQL, "BOOLEAN")} AS verified,
                   {field("variant", "variant_map.variant")} AS variant,
                   {field("product_title", "nullif(trim(s.product_title), '')")} AS product_title,
                   {field("brand", "nullif(trim(s.brand), '')")} AS brand,
                   {field("category", "nullif(trim(s.category), '')")} AS category
            FROM staged s
            LEFT JOIN rating_map ON rating_map.raw = s.rating_raw
            LEFT JOIN date_map ON date_map.raw = s.date_raw
            {"LEFT JOIN variant_map ON variant_map.raw = s.variant_raw" if "variant" in fields else ""})
        """).fetchall()


_TEXTS = ("product_id", "author", "title", "body")


def _clean_in_sql(mem) -> None:
    """``py_rows`` (created here) gets the ``py`` rows whose texts SQL cleans exactly as
    :func:`crawler.normalize.clean_text` would (common tags and entities, odd whitespace:
    :mod:`crawler.sql_text`), cleaned and identified in SQL: reject, review id, content hash,
    and language 'en' or ``lang_pending`` for the detector. The other py rows are Python's.

    In materialised steps, so that each text is untagged and cleaned once: the texts that are
    plain already pass through each step as they are."""
    untagged = ", ".join(f"{plain_sql(f)} AS plain_{f}, "
                         f"CASE WHEN plain_{f} THEN {f} ELSE {untag_sql(f)} END AS {f}, "
                         f"CASE WHEN plain_{f} THEN true ELSE {tags_ascii_sql(f)} END AS ok_{f}"
                         for f in _TEXTS)
    mem.execute(f"""
        CREATE OR REPLACE TEMP TABLE messy AS
        SELECT _n, _line, row_problem, published_at, relative, {untagged}
        FROM ready WHERE py""").fetchall()
    cleaned = ", ".join(f"CASE WHEN plain_{f} THEN {f} ELSE {unescape_sql(f)} END AS {f}, "
                        f"CASE WHEN plain_{f} THEN true ELSE ok_{f} AND {entities_known_sql(f)} END AS ok_{f}"
                        for f in _TEXTS)
    mem.execute(f"""
        CREATE OR REPLACE TEMP TABLE messy AS
        SELECT _n, _line, row_problem, published_at, relative, {cleaned}
        FROM messy WHERE {" AND ".join(f"ok_{f}" for f in _TEXTS)}""").fetchall()
    # (coalesce: a missing author or title is no reason to leave the row to Python)
    present = {f: f"coalesce({f}, '')" for f in _TEXTS}
    ok = " AND ".join(f"ok_{f} AND {collapsed_sql(present[f])} "
                      f"AND regexp_full_match({present[f]}, '{SAFE_TEXT_SQL}')" for f in _TEXTS)
    # (clean lines have no space beside a new line: each "\n" becomes one space, as clean_line does)
    one_line = {f: f"replace({f}, chr(10), ' ')" for f in _ONE_LINE}
    mem.execute(f"""
        CREATE OR REPLACE TEMP TABLE py_rows AS
        SELECT _n, _line, product_id, author, title, body,
               CASE WHEN reject IS NULL THEN {_REVIEW_ID_SQL} END AS review_id,
               CASE WHEN reject IS NULL THEN {_CONTENT_HASH_SQL} END AS content_hash,
               CASE WHEN reject IS NULL AND {_ENGLISH_BODY_SQL} THEN 'en' END AS language,
               reject, reject IS NULL AND NOT {_ENGLISH_BODY_SQL} AS lang_pending
        FROM (SELECT _n, _line, published_at, relative, {one_line["product_id"]} AS product_id,
                     nullif({one_line["author"]}, '') AS author, nullif({one_line["title"]}, '') AS title, body,
                     -- coalesce: a missing body or product id is a reject, as in _prepare
                     CASE WHEN coalesce(body, '') = '' THEN 'no review text'
                          WHEN coalesce(product_id, '') = '' THEN 'no product id'
                          ELSE row_problem END AS reject
              FROM messy WHERE {ok})""").fetchall()
    mem.execute("DROP TABLE messy").fetchall()


def _redo_in_python(mem) -> None:
    """Clean, identify and reject the ``py`` rows SQL could not take (:func:`_clean_in_sql`)
    with the store's own functions (added to ``py_rows``), and find the language of the texts
    SQL did not take for English (``lang_map`` for plain rows; ``py_rows.language``)."""
    todo = mem.execute("SELECT _n, _line, product_id, author, title, body, published_at, relative, "
                       "row_problem FROM ready WHERE py AND _n NOT IN (SELECT _n FROM py_rows) "
                       "ORDER BY _n").fetchall()
    fixed = []
    for n, line, product_id, author, title, body, day, relative, row_problem in todo:
        product_id, author, title, body = (clean_line(product_id), clean_line(author) or None,
                                           clean_line(title) or None, clean_text(body))
        reject = ("no review text" if not body else "no product id" if not product_id
                  else row_problem)
        fixed.append((n, line, product_id, author, title, body,
                      None if reject else store.review_id(
                          product_id, author, day.isoformat() if day and not relative else None, body),
                      None if reject else store.content_hash(title, body),
                      None if reject else language_of(body), reject, False))
    _insert_rows(mem, "py_rows", ["_n", "_line", "product_id", "author", "title", "body",
                                  "review_id", "content_hash", "language", "reject", "lang_pending"], fixed)
    by_text: dict[str, str | None] = {}

    def languages(query: str) -> list[tuple[int, str | None]]:
        # The function-word vote in SQL (crawler.sql_language); Python for the texts it leaves.
        vote_languages(mem, query, "voted")
        found = mem.execute("SELECT _n, lang FROM voted WHERE lang IS NOT NULL").fetchall()
        for n, body in mem.execute(f"SELECT q._n, q.body FROM ({query}) AS q "
                                   "JOIN voted USING (_n) WHERE voted.lang IS NULL").fetchall():
            if body not in by_text:
                by_text[body] = language_of(body)
            found.append((n, by_text[body]))
        mem.execute("DROP TABLE voted").fetchall()
        return found
    pending = languages("SELECT _n, body FROM py_rows WHERE lang_pending")
    if pending:
        mem.execute("UPDATE py_rows SET language = found.lang FROM "
                    "(SELECT unnest($n::BIGINT[]) AS _n, unnest($lang::VARCHAR[]) AS lang) AS found "
                    "WHERE py_rows._n = found._n",
                    {"n": [n for n, _ in pending], "lang": [lang for _, lang in pending]}).fetchall()
    mem.execute("CREATE OR REPLACE TEMP TABLE lang_map (_n BIGINT, lang VARCHAR)").fetchall()
    _insert_rows(mem, "lang_map", ["_n", "lang"], languages("SELECT _n, body FROM ready WHERE needs_lang"))


def language_of(text: str) -> str | None:
    """The language of a review text as the import decides it: 'en' when no letter is outside
    ASCII and a common English word is there (the rule the SQL path applies), else the quick
    function-word vote, else the detector (None when none can tell). The analysis job asks the
    same (:func:`analysis.pipeline.reading_language`)."""
    if not any(c.isalpha() for c in NON_ASCII.findall(text)) and _ENGLISH_RE.search(text):
        return "en"  # the same rule the SQL path applies (no letter outside ASCII, an English word)
    return quick_language(text) or detect_language(text[:1000])


def _variant_text(raw: str) -> str | None:
    """``{"Size:": " Large", "Color:": "Black"}`` -> ``Size: Large, Color: Black``."""
    text = raw.strip()
    if text.startswith("{"):
        import ast
        import json

        try:
            value = json.loads(text)
        except ValueError:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = None
        if isinstance(value, dict):
            parts = [f"{str(k).strip().rstrip(':')}: {str(v).strip()}" for k, v in value.items()]
            return ", ".join(parts) or None
    return clean_line(text) or None


def _find_duplicates(mem) -> None:
    """``dropped``: the good rows whose review id an earlier row of the file already has (the
    same review twice in one export); only the first row of each id is written. ``queue``: the
    rows to write, in file order (its rowid counts them, for the batch sizes)."""
    mem.execute("""
        CREATE OR REPLACE TEMP TABLE dropped AS
        WITH ids AS (SELECT _n, review_id FROM ready WHERE review_id IS NOT NULL
                     UNION ALL
                     SELECT _n, review_id FROM py_rows WHERE review_id IS NOT NULL)
        SELECT ids._n FROM ids
        JOIN (SELECT review_id, min(_n) AS first FROM ids GROUP BY review_id HAVING count(*) > 1) AS repeated
          USING (review_id)
        WHERE ids._n <> repeated.first""").fetchall()
    mem.execute("""
        CREATE OR REPLACE TEMP TABLE queue AS
        SELECT _n FROM (SELECT _n FROM ready WHERE review_id IS NOT NULL
                        UNION ALL
                        SELECT _n FROM py_rows WHERE review_id IS NOT NULL)
        WHERE _n NOT IN (SELECT _n FROM dropped)
        ORDER BY _n""").fetchall()


# DuckDB's row group: a write that leaves the table's last row group part-full makes the next
# write merge into it and rewrite it (about a second per batch at 1M rows), so a batch is cut
# to end the table on a whole row group.
_ROW_GROUP = 122_880


def _batch_end(mem, start: int, position: int, queued: int, total: int, batch_size: int,
               stored: int) -> tuple[int, int]:
    """The next batch: (queue position after it, first file row after it). It takes about
    ``batch_size`` rows to write, cut so the store then ends on a whole row group; when the
    rest of the file is at most a quarter more than that, it takes the rest (one batch, not a
    batch and a sliver: the last batch of a file is the one written with every thread)."""
    spare = (stored + batch_size) % _ROW_GROUP
    take = batch_size - spare if spare < batch_size else batch_size
    if queued - position <= take * 5 // 4:
        take = queued - position
    position = min(queued, position + take)
    if position >= queued:
        return queued, total
    stop = mem.execute("SELECT _n FROM queue WHERE rowid = ?", [position]).fetchall()[0][0]
    return position, max(stop, start + 1)


_INSERT_COLUMNS = ("review_id, product_id, source, url, author, rating, rating_original, rating_scale, "
                   "title, body, language, published_at, helpful_votes, verified, variant, "
                   "collected_at, content_hash, collect_run_id")


def _write_batch(mem, db: str, start: int, position: int, queued: int, total: int,
                 batch_size: int, run_id: int, file_source: str, collected_at: datetime,
                 products: bool, counts: dict) -> tuple[int, int, int, int]:
    """One short write: attach the store, insert the new reviews of the next batch of file rows
    (from ``start``; and the file's products with the first batch), add the counts to the run,
    detach. Returns (new, duplicates, queue position, file row where the next batch starts)."""
    has_lang = mem.execute("SELECT count(*) FROM lang_map").fetchall()[0][0] > 0
    language = "coalesce(r.language, lang_map.lang)" if has_lang else "r.language"
    lang_join = "LEFT JOIN lang_map USING (_n)" if has_lang else ""
    with _in_store(mem, db):
        stored = mem.execute("SELECT count(*) FROM reviewstore.main.reviews").fetchall()[0][0]
        position, stop = _batch_end(mem, start, position, queued, total, batch_size, stored)
        slice_ = {"start": start, "stop": stop}
        # Good rows in the slice = rows the checks kept (new or duplicate).
        good = mem.execute("""
            SELECT (SELECT count(*) FROM ready WHERE review_id IS NOT NULL AND _n >= $start AND _n < $stop)
                 + (SELECT count(*) FROM py_rows WHERE reject IS NULL AND _n >= $start AND _n < $stop)""",
            slice_).fetchall()[0][0]
        # One thread writes a batch that more of the file follows: with two, each ends on its
        # own part-full row group and the next write merges and rewrites them (measured: about
        # 40% more CPU for the write). The file's last batch uses every thread (faster).
        one_thread = stop < total
        if one_thread:
            mem.execute("SET threads = 1")
        try:
            new = _insert_batch(mem, language, lang_join, {
                "source": file_source, "at": collected_at, "run": run_id, **slice_})
        finally:
            if one_thread:
                mem.execute("RESET threads")
        if products:
            _upsert_products(mem, file_source, collected_at, run_id)
        counts = dict(counts, reviews_read=counts.get("reviews_read", 0) + stop - start)
        store.add_to_collect_run(mem, run_id, reviews_new=int(new),
                                 duplicates=int(good) - int(new), **counts)
    return int(new), int(good) - int(new), position, stop


# SQL: the review of file row ``{row}`` is new to the store: not written by another import or
# crawl than this file's own batches ($run, $at), whose rows are distinct by construction, nor
# kept as the earlier version of an edited review (data/store.py supersede_edited). Two NOT
# EXISTS, not one NOT (... OR ...): DuckDB makes each an anti join; the OR cost the write of
# the benchmark's 1M rows about 1 s.
_NEW_TO_STORE = """NOT EXISTS (SELECT 1 FROM reviewstore.main.reviews AS stored
                           WHERE stored.review_id = {row}.review_id
                             AND (stored.collect_run_id IS DISTINCT FROM $run
                                  OR stored.collected_at <> $at::TIMESTAMP))
    AND NOT EXISTS (SELECT 1 FROM reviewstore.main.review_versions AS earlier
                    WHERE earlier.review_id = {row}.review_id)"""


def _insert_batch(mem, language: str, lang_join: str, params: dict) -> int:
    """INSERT the slice's rows that are good, first of their id in the file and not stored yet."""
    return mem.execute(f"""
        INSERT INTO reviewstore.main.reviews ({_INSERT_COLUMNS})
        SELECT review_id, product_id, $source, url, author, rating, rating_original, rating_scale,
               title, body, language, published_at, helpful_votes, verified, variant,
               $at::TIMESTAMP, content_hash, $run
        FROM (
            SELECT r._n, r.review_id, r.product_id, r.url, r.author, r.rating, r.rating_original,
                   r.rating_scale, r.title, r.body, {language} AS language, r.published_at,
                   r.helpful_votes, r.verified, r.variant, r.content_hash
            FROM ready r {lang_join}
            WHERE r.review_id IS NOT NULL AND r._n >= $start AND r._n < $stop
            UNION ALL
            SELECT p._n, p.review_id, p.product_id, r.url, p.author, r.rating, r.rating_original,
                   r.rating_scale, p.title, p.body, p.language, r.published_at,
                   r.helpful_votes, r.verified, r.variant, p.content_hash
            FROM py_rows p JOIN ready r USING (_n)
            WHERE p.review_id IS NOT NULL AND p._n >= $start AND p._n < $stop
        ) AS incoming
        WHERE NOT EXISTS (SELECT 1 FROM dropped WHERE dropped._n = incoming._n)
          -- rows this file already wrote are distinct by construction (dropped):
          -- compare only with the others, which keeps the check cheap on a big file
          AND {_NEW_TO_STORE.format(row="incoming")}""",
        params).fetchall()[0][0]


_FILE_ROWS_SQL = """
    SELECT _n, product_id, review_id, product_title, brand, category FROM ready
    WHERE review_id IS NOT NULL
    UNION ALL
    SELECT p._n, p.product_id, p.review_id, r.product_title, r.brand, r.category
    FROM py_rows p JOIN ready r USING (_n) WHERE p.reject IS NULL"""


def _one_line_sql(value: str) -> str:
    """SQL: a product's name, brand or category on one line (runs of whitespace and line breaks
    a space), once per product."""
    return f"nullif(trim(regexp_replace({value}, '\\s+', ' ', 'g')), '')"


def _upsert_products(mem, file_source: str, collected_at: datetime, run_id: int) -> None:
    """The file's products (title, brand, category when the file has them) into the store.

    Only products that have reviews: not a row repeated in the file (``dropped``), nor a product
    id that differs only in case from a stored one (review ids ignore case) whose reviews are
    all stored already (:func:`_case_variants_without_reviews`)."""
    skip = _case_variants_without_reviews(mem, collected_at, run_id)
    mem.execute(f"""
        INSERT INTO reviewstore.main.products (product_id, source, url, title, brand, category,
            first_seen, last_seen)
        SELECT product_id, $source, NULL, {_one_line_sql("max(product_title)")}, {_one_line_sql("max(brand)")},
               {_one_line_sql("max(category)")},
               $at::TIMESTAMP, $at::TIMESTAMP
        FROM ({_FILE_ROWS_SQL}) AS file_rows
        WHERE _n NOT IN (SELECT _n FROM dropped) AND NOT list_contains($skip::VARCHAR[], product_id)
        GROUP BY product_id
        ON CONFLICT (product_id) DO UPDATE SET
            title = coalesce(excluded.title, products.title),
            brand = coalesce(excluded.brand, products.brand),
            category = coalesce(excluded.category, products.category),
            last_seen = greatest(excluded.last_seen, products.last_seen)""",
        {"source": file_source, "at": collected_at, "skip": skip}).fetchall()


def _case_variants_without_reviews(mem, collected_at: datetime, run_id: int) -> list[str]:
    """The file's product ids that are new to the store but differ only in case from a stored
    product, and whose reviews the store already has (under the stored spelling): such a
    product would be an empty row."""
    variants = [product_id for (product_id,) in mem.execute(f"""
        SELECT DISTINCT f.product_id
        FROM (SELECT DISTINCT product_id FROM ({_FILE_ROWS_SQL})) AS f
        JOIN reviewstore.main.products AS p ON lower(p.product_id) = lower(f.product_id)
        WHERE f.product_id NOT IN (SELECT product_id FROM reviewstore.main.products)""").fetchall()]
    if not variants:
        return []
    # A variant keeps its row when one of its reviews is new (this import stores it).
    with_new = {product_id for (product_id,) in mem.execute(f"""
        SELECT DISTINCT f.product_id FROM ({_FILE_ROWS_SQL}) AS f
        WHERE list_contains($variants::VARCHAR[], f.product_id)
          AND f._n NOT IN (SELECT _n FROM dropped)
          AND {_NEW_TO_STORE.format(row="f")}""",
        {"variants": variants, "run": run_id, "at": collected_at}).fetchall()}
    return [product_id for product_id in variants if product_id not in with_new]


@contextlib.contextmanager
def _in_store(mem, db: str):
    """One short write: attach the store, begin, let unqualified names (``reviews``,
    ``collect_runs``) mean the store's, commit, detach. The file is held only inside."""
    _attach(mem, str(db))
    try:
        mem.execute("BEGIN")
        mem.execute("USE reviewstore")
        try:
            yield
            mem.execute("COMMIT")
        except BaseException:
            mem.execute("ROLLBACK")
            raise
        finally:
            mem.execute("USE memory")
    finally:
        mem.execute("DETACH reviewstore")


def _attach(mem, path: str, wait: float = 60.0) -> None:
    """ATTACH the store read-write, waiting while another process holds it."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            quoted = path.replace("'", "''")
            mem.execute(f"ATTACH '{quoted}' AS reviewstore").fetchall()
            return
        except duckdb.Error as exc:
            text = str(exc).lower()
            if "lock" not in text or time.monotonic() >= deadline:
                if "lock" in text:
                    raise store.StoreBusy(f"a job is updating the data in {path}; import again when "
                                          f"it has finished") from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
