"""`reviewlens import`: review exports (CSV, TSV, JSON, JSON Lines, Parquet, gzip) into the store.

The work is set-based in DuckDB, with Python only for what SQL cannot do exactly:

1. the file is read into an in-memory DuckDB table (:mod:`crawler.import_readers`);
2. its columns are matched to review fields (:mod:`crawler.import_columns`, ``--map``);
3. ratings, dates and variants are normalised once per *distinct* value with
   :mod:`crawler.normalize` (ISO dates and unix times are read in SQL), then joined back;
4. one SQL pass finds the exceptions: rejected rows (with their reason), unreadable dates, texts
   that are not plain single-spaced ASCII (non-ASCII, HTML, odd whitespace: Python cleans them
   and computes their ids with the store's own functions) and texts not recognisably English;
5. review ids are computed in SQL with the same SHA-1 definition as :func:`data.store.review_id`
   (for plain ASCII text NFKC and Python's lower() change nothing), and only the first row of
   each id is kept;
6. the rows go to the store in batches, each one short write (the store file is attached only
   while the batch is written), skipping ids already stored, with the counts added to the
   import's ``collect_runs`` row.

Language: py3langid costs ~0.1 ms a text, too slow for a million rows. A plain-ASCII text with
one of a few very common English words is taken as English in SQL; the others get
:func:`crawler.normalize.quick_language` (a vote of function words) and, when that is unsure,
:func:`crawler.normalize.detect_language`, once per distinct text.

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
from crawler.normalize import (RatingError, clean_text, detect_language, normalize_rating,
                               parse_date, quick_language, rating_scale_for)
from data import store

__all__ = ["ImportSummary", "import_files", "UnreadableFile", "MappingError"]

DEFAULT_BATCH = 500_000
_EXAMPLES = 5

# Plain-ASCII English: one of these words is enough (none is a common word in another language
# written without accents; "was", "is", "product" are left out for German and Dutch).
# Kept identical in SQL (RE2) and Python (re) so both paths agree.
_ENGLISH_WORDS = ("the|and|this|with|but|you|would|they|have|very|great|love|works|"
                  "quality|price|bought|recommend|does|doesn't|don't|it's|i'm|just")
_ENGLISH_RE = re.compile(rf"\b(?:{_ENGLISH_WORDS})\b", re.I | re.A)
_ENGLISH_SQL = rf"(?i)\b(?:{_ENGLISH_WORDS})\b".replace("'", "''")
_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f]")


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
                 progress: bool = True, now: datetime | None = None) -> ImportSummary:
    """Import review export files into the store at ``db`` and say what happened.

    ``column_map`` (field -> column, from ``--map``) overrides the columns found by name.
    ``source`` names where the reviews came from (default: the file name). ``product`` is the
    product id for files without a product column (default: the file name without suffixes).
    ``rating_scale`` is the best rating when a file's numbers are on a scale the values do not
    show (e.g. 10). A file that cannot be read is recorded in ``file_errors`` and the others go on.

    >>> summary = import_files("shop.duckdb", ["reviews.csv"])   # doctest: +SKIP
    >>> summary.imported, summary.rejected                       # doctest: +SKIP
    (1200, 3)
    """
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    summary = ImportSummary()
    collected_at = now or store.now()
    store.ensure(db)
    mem = duckdb.connect()
    mem.execute("SET enable_progress_bar = false")
    with _in_store(mem, db):
        run_id = store.start_collect_run(mem, "import", ", ".join(str(p) for p in paths))
    summary.run_id = run_id
    try:
        for path in paths:
            try:
                _import_one(mem, db, path, summary, run_id, column_map or {}, source, batch_size,
                            product, rating_scale, progress, collected_at)
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
_last = [time.perf_counter()]


def _step(name: str) -> None:
    """With REVIEWLENS_IMPORT_TIMING=1, print how long each step took (for the benchmark)."""
    if _TIMING:
        now = time.perf_counter()
        print(f"    [{name}: {now - _last[0]:.2f}s]", file=sys.stderr, flush=True)
        _last[0] = now


def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def _import_one(mem, db, path: Path, summary: ImportSummary, run_id: int, column_map: dict,
                source: str | None, batch_size: int, product: str | None,
                rating_scale: float | None, progress: bool, collected_at: datetime) -> None:
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
    _normalise_dates(mem, "date" in mapping, reference_time)
    _normalise_variants(mem, "variant" in mapping)
    joins = _joins(mem)
    _step("ratings, dates, variants")
    _find_exceptions(mem, joins)
    _step("row checks and review ids")
    _redo_in_python(mem, joins)
    _step("python rows and languages")
    _identify(mem)
    _step("first row of each review id")

    # Rejected rows, with exact line numbers when the fast reader may have shifted them.
    rejected = mem.execute("SELECT _n, _line, reject FROM exceptions WHERE NOT py AND reject IS NOT NULL "
                           "UNION ALL SELECT _n, _line, reject FROM py_rows WHERE reject IS NOT NULL "
                           "ORDER BY _n").fetchall()
    if rejected and not loaded.exact_lines and loaded.delimiter is not None:
        exact = exact_line_numbers(path, loaded.delimiter, loaded.encoding, [r[0] for r in rejected])
        rejected = [(n, exact.get(n, line), reason) for n, line, reason in rejected]
    file_rejects = sorted(list(loaded.rejects) + [(line, reason) for _, line, reason in rejected])
    problems: Counter = Counter()
    for line, reason in file_rejects:
        summary.reject(reason, f"{path.name} {loaded.unit} {line}")
        problems[reason] += 1
    unparsed = mem.execute("SELECT count(*) FROM exceptions WHERE date_unparsed").fetchall()[0][0]
    summary.dates_unparsed += unparsed
    if unparsed:
        problems["date unparsed"] += unparsed

    total = loaded.rows
    for number, start in enumerate(range(0, max(total, 1), batch_size)):
        first = number == 0
        new, dup = _write_batch(mem, db, start, start + batch_size, run_id, file_source,
                                collected_at, joins, products=first, counts=dict(
                                    reviews_read=min(batch_size, total - start)
                                    + (len(loaded.rejects) if first else 0),
                                    rejected=len(file_rejects) if first else 0,
                                    problems=dict(problems) if first else None))
        summary.imported += new
        summary.duplicates += dup
        _step(f"write batch {number + 1}")
        if total > batch_size:
            _say(progress, f"  {path.name}: {min(start + batch_size, total):,}/{total:,} rows written")
    mem.execute("DROP VIEW IF EXISTS exceptions").fetchall()
    for table in ("firsts", "py_rows", "lang_map", "checked", "rating_map", "date_map", "variant_map"):
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
               {pick('category')} AS category, {pick('brand')} AS brand
        FROM raw""").fetchall()


def _normalise_ratings(mem, has_rating: bool, rating_scale: float | None) -> None:
    """``rating_map``: each distinct rating text -> 1-5 value, original, scale, or problem."""
    mem.execute("CREATE OR REPLACE TEMP TABLE rating_map (raw VARCHAR, value DOUBLE, "
                "scale VARCHAR, problem VARCHAR)").fetchall()
    if not has_rating:
        return
    counts = mem.execute("SELECT rating_raw, count(*) FROM staged WHERE rating_raw <> '' "
                         "GROUP BY rating_raw").fetchall()
    numbers: list[float] = []
    for raw, count in counts:
        number = _plain_number(raw)
        if number is not None:
            numbers.extend([number] * min(count, 1000))
    if rating_scale:
        best = float(rating_scale)
        worst = 1.0 if best == 5 else 0.0
    else:
        worst, best = rating_scale_for(numbers)
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
    """Bulk insert Python tuples through an Arrow table (parameterised inserts go row by row)."""
    if not rows:
        return
    import pyarrow as pa

    frame = pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})
    mem.register("_bulk", frame)
    try:
        mem.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT * FROM _bulk").fetchall()
    finally:
        mem.unregister("_bulk")


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
    WHEN try_cast(date_raw AS DATE) BETWEEN DATE '1990-01-01' AND DATE '2100-12-31'
        THEN try_cast(date_raw AS DATE)
    WHEN regexp_full_match(date_raw, '\\d{9,11}')
        THEN make_timestamp(CAST(date_raw AS BIGINT) * 1000000)::DATE
    WHEN regexp_full_match(date_raw, '\\d{12,14}')
        THEN make_timestamp(CAST(date_raw AS BIGINT) * 1000)::DATE
    END"""


# A `now` that tells relative dates ("3 days ago") from absolute ones, as the crawler does.
_FAR_PAST = datetime(1999, 1, 1)


def _normalise_dates(mem, has_date: bool, collected_at: datetime) -> None:
    """``date_map``: each distinct date text SQL cannot read -> its day (or NULL), and whether
    it is relative: "3 days ago" names another day tomorrow, so, as in the crawler, such a date
    stays out of the review id and importing the file again later does not store it twice."""
    mem.execute("CREATE OR REPLACE TEMP TABLE date_map (raw VARCHAR, day DATE, relative BOOLEAN)"
                ).fetchall()
    if not has_date:
        return
    texts = mem.execute(f"""
        SELECT DISTINCT date_raw FROM staged
        WHERE date_raw <> '' AND ({_FAST_DATE}) IS NULL""").fetchall()
    rows = []
    for (raw,) in texts:
        day = parse_date(raw, now=collected_at)
        rows.append((raw, day, day is not None and parse_date(raw, now=_FAR_PAST) != day))
    _insert_rows(mem, "date_map", ["raw", "day", "relative"], rows)



def _normalise_variants(mem, has_variant: bool) -> None:
    """``variant_map``: each distinct variant text -> a readable one (``Size: L, Color: Red``)."""
    mem.execute("CREATE OR REPLACE TEMP TABLE variant_map (raw VARCHAR, variant VARCHAR)").fetchall()
    if not has_variant:
        return
    texts = mem.execute("SELECT DISTINCT variant_raw FROM staged WHERE variant_raw IS NOT NULL").fetchall()
    _insert_rows(mem, "variant_map", ["raw", "variant"], [(raw, _variant_text(raw)) for (raw,) in texts])


def _needs_python(columns: list[str]) -> str:
    """SQL: one of these texts is not plain single-spaced ASCII without markup, so Python must
    clean it (and compute its id: NFKC and Unicode case rules are Python's)."""
    edges = " OR ".join(f"starts_with(coalesce({c}, ''), ' ') OR ends_with(coalesce({c}, ''), ' ')"
                        for c in columns)
    # One string with every field, separated by a character none of the checks looks for.
    c = "concat_ws('|', " + ", ".join(columns) + ")"
    controls = " OR ".join(f"contains({c}, chr({n}))" for n in (9, 10, 11, 12, 13, 28, 29, 30, 31))
    return (f"(strlen({c}) <> length({c}) OR contains({c}, '<') OR contains({c}, '&') "
            f"OR contains({c}, '  ') OR {edges} OR {controls})")


def _joins(mem) -> str:
    """The LEFT JOINs of staged (alias s) to the lookup tables that have rows."""
    joins = ["LEFT JOIN rating_map ON rating_map.raw = s.rating_raw"]
    if mem.execute("SELECT count(*) FROM date_map").fetchall()[0][0]:
        joins.append("LEFT JOIN date_map ON date_map.raw = s.date_raw")
    if mem.execute("SELECT count(*) FROM variant_map").fetchall()[0][0]:
        joins.append("LEFT JOIN variant_map ON variant_map.raw = s.variant_raw")
    return "\n".join(joins)


def _day_sql(joins: str) -> str:
    fast = _FAST_DATE.replace("date_raw", "s.date_raw")
    return f"coalesce({fast}, date_map.day)" if "date_map" in joins else fast


def _find_exceptions(mem, joins: str) -> None:
    """``checked``: per row its date, its review id when SQL can compute it exactly, and the
    flags; ``exceptions``: the few rows the plain SQL path cannot take as they are.

    py: text Python must clean (and identify); reject: why the row is refused; date_unparsed;
    needs_lang: not recognisably English, so the language detector decides.
    """
    py = _needs_python([f"s.{c}" for c in ("product_id", "author", "title", "body")])
    plain_id = ("left(sha1(lower(product_id) || chr(31) || lower(coalesce(author, '')) || chr(31) "
                "|| coalesce(CAST(id_day AS VARCHAR), '') || chr(31) || lower(body)), 20)")
    relative = "coalesce(date_map.relative, false)" if "date_map" in joins else "false"
    mem.execute(f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        SELECT _n, _line, py, reject,
               coalesce(date_raw <> '' AND day IS NULL, false) AS date_unparsed, needs_lang, day,
               CASE WHEN NOT py AND reject IS NULL THEN {plain_id} END AS review_id
        FROM (
            SELECT s._n, s._line, s.product_id, s.author, s.body, s.date_raw, ({py}) AS py,
                   CASE WHEN coalesce(s.body, '') = '' THEN 'no review text'
                        WHEN coalesce(s.product_id, '') = '' THEN 'no product id'
                        WHEN rating_map.problem IS NOT NULL THEN rating_map.problem END AS reject,
                   {_day_sql(joins)} AS day,
                   CASE WHEN {relative} THEN NULL ELSE {_day_sql(joins)} END AS id_day,
                   NOT coalesce(regexp_matches(s.body, '{_ENGLISH_SQL}'), false) AS needs_lang
            FROM staged s {joins})""").fetchall()
    mem.execute("""
        CREATE OR REPLACE TEMP VIEW exceptions AS
        SELECT _n, _line, py, reject, date_unparsed, needs_lang FROM checked
        WHERE py OR reject IS NOT NULL OR date_unparsed OR needs_lang""").fetchall()


def _redo_in_python(mem, joins: str) -> None:
    """Clean, identify and reject the ``py`` rows with the store's own functions (``py_rows``),
    and find the language of texts SQL did not take for English (``lang_map``)."""
    todo = mem.execute(f"""
        SELECT s._n, s._line, s.product_id, s.author, s.title, s.body, {_day_sql(joins)},
               {"coalesce(date_map.relative, false)" if "date_map" in joins else "false"},
               rating_map.problem
        FROM staged s {joins}
        WHERE s._n IN (SELECT _n FROM exceptions WHERE py) ORDER BY s._n""").fetchall()
    fixed = []
    for n, line, product_id, author, title, body, day, relative, rating_problem in todo:
        product_id, author, title, body = (clean_text(product_id), clean_text(author) or None,
                                           clean_text(title) or None, clean_text(body))
        reject = ("no review text" if not body else "no product id" if not product_id
                  else rating_problem)
        fixed.append((n, line, day, product_id, author, title, body,
                      None if reject else store.review_id(
                          product_id, author, day.isoformat() if day and not relative else None, body),
                      None if reject else store.content_hash(title, body),
                      None if reject else _language(body), reject))
    mem.execute("CREATE OR REPLACE TEMP TABLE py_rows (_n BIGINT, _line BIGINT, day DATE, "
                "product_id VARCHAR, author VARCHAR, title VARCHAR, body VARCHAR, review_id VARCHAR, "
                "content_hash VARCHAR, language VARCHAR, reject VARCHAR)").fetchall()
    _insert_rows(mem, "py_rows", ["_n", "_line", "day", "product_id", "author", "title", "body",
                                  "review_id", "content_hash", "language", "reject"], fixed)
    candidates = mem.execute("SELECT s._n, s.body FROM staged s JOIN exceptions e USING (_n) "
                             "WHERE e.needs_lang AND NOT e.py AND e.reject IS NULL").fetchall()
    by_text: dict[str, str | None] = {}
    languages = []
    for n, body in candidates:
        if body not in by_text:
            by_text[body] = _language(body)
        languages.append((n, by_text[body]))
    mem.execute("CREATE OR REPLACE TEMP TABLE lang_map (_n BIGINT, lang VARCHAR)").fetchall()
    _insert_rows(mem, "lang_map", ["_n", "lang"], languages)


def _language(text: str) -> str | None:
    if not _NON_ASCII_LETTER.search(text) and _ENGLISH_RE.search(text):
        return "en"  # the same rule the SQL path applies
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
    return clean_text(text) or None




_INSERT_COLUMNS = ("review_id, product_id, source, url, author, rating, rating_original, rating_scale, "
                   "title, body, language, published_at, helpful_votes, verified, variant, "
                   "collected_at, content_hash, collect_run_id")


_HELPFUL_SQL = """CASE WHEN s.helpful_raw IS NULL THEN NULL
        WHEN lower(s.helpful_raw) LIKE 'one %' THEN 1
        ELSE try_cast(regexp_extract(s.helpful_raw, '\\d+') AS INTEGER) END"""
_VERIFIED_SQL = """CASE
        WHEN lower(trim(s.verified_raw)) IN ('true', 't', 'yes', 'y', '1', '1.0', 'verified',
                                             'verified purchase') THEN true
        WHEN lower(trim(s.verified_raw)) IN ('false', 'f', 'no', 'n', '0', '0.0') THEN false END"""


def _identify(mem) -> None:
    """``firsts``: the review id and date of every good row, kept for the first row of each id
    in the file (later rows with the same id are duplicates within the file)."""
    mem.execute("""
        CREATE OR REPLACE TEMP TABLE firsts AS
        SELECT review_id, min(_n) AS _n, any_value(day) AS day FROM (
            SELECT _n, review_id, day FROM checked WHERE review_id IS NOT NULL
            UNION ALL
            SELECT _n, review_id, day FROM py_rows WHERE reject IS NULL)
        GROUP BY review_id""").fetchall()


def _write_batch(mem, db: str, start: int, stop: int, run_id: int, file_source: str,
                 collected_at: datetime, joins: str, products: bool, counts: dict) -> tuple[int, int]:
    """One short write: attach the store, insert this slice's new reviews (and the file's products
    with the first slice), add the counts to the run, detach."""
    def pick(name: str) -> str:
        return f"CASE WHEN p._n IS NULL THEN s.{name} ELSE p.{name} END"
    # Good rows in the slice = rows in it less the rejected ones.
    good = mem.execute("""
        SELECT (SELECT count(*) FROM raw WHERE rowid >= $start AND rowid < $stop)
             - (SELECT count(*) FROM exceptions WHERE NOT py AND reject IS NOT NULL
                AND _n >= $start AND _n < $stop)
             - (SELECT count(*) FROM py_rows WHERE reject IS NOT NULL AND _n >= $start AND _n < $stop)""",
        {"start": start, "stop": stop}).fetchall()[0][0]
    with _in_store(mem, db):
        new = mem.execute(f"""
            INSERT INTO reviewstore.main.reviews ({_INSERT_COLUMNS})
            SELECT f.review_id, {pick('product_id')}, $source, nullif(trim(s.url), ''),
                   nullif({pick('author')}, ''), rating_map.value, nullif(s.rating_raw, ''),
                   rating_map.scale, nullif({pick('title')}, ''), {pick('body')},
                   CASE WHEN p._n IS NOT NULL THEN p.language
                        WHEN lang_map._n IS NULL THEN 'en' ELSE lang_map.lang END,
                   f.day, {_HELPFUL_SQL}, {_VERIFIED_SQL},
                   {"variant_map.variant" if "variant_map" in joins else "NULL"},
                   $at::TIMESTAMP,
                   CASE WHEN p._n IS NULL THEN left(sha1(coalesce(s.title, '') || chr(31) || s.body), 20)
                        ELSE p.content_hash END,
                   $run
            FROM firsts f
            JOIN staged s ON s._n = f._n
            LEFT JOIN py_rows p ON p._n = f._n
            LEFT JOIN lang_map ON lang_map._n = f._n
            {joins}
            WHERE f._n >= $start AND f._n < $stop
              -- rows this file already wrote are distinct by construction (firsts):
              -- compare only with the others, which keeps the check cheap on a big file
              AND f.review_id NOT IN (SELECT review_id FROM reviewstore.main.reviews
                                      WHERE collect_run_id IS DISTINCT FROM $run
                                         OR collected_at <> $at::TIMESTAMP)""",
            {"source": file_source, "at": collected_at, "run": run_id, "start": start,
             "stop": stop}).fetchall()[0][0]
        if products:
            _upsert_products(mem, file_source, collected_at)
        store.add_to_collect_run(mem, run_id, reviews_new=int(new),
                                 duplicates=int(good) - int(new), **counts)
    return int(new), int(good) - int(new)


def _upsert_products(mem, file_source: str, collected_at: datetime) -> None:
    """The file's products (title, brand, category when the file has them) into the store."""
    mem.execute("""
        INSERT INTO reviewstore.main.products (product_id, source, url, title, brand, category,
            first_seen, last_seen)
        SELECT product_id, $source, NULL, max(product_title), max(brand), max(category),
               $at::TIMESTAMP, $at::TIMESTAMP
        FROM (SELECT coalesce(p.product_id, s.product_id) AS product_id,
                     nullif(trim(s.product_title), '') AS product_title,
                     nullif(trim(s.brand), '') AS brand, nullif(trim(s.category), '') AS category
              FROM staged s LEFT JOIN py_rows p ON p._n = s._n
              WHERE s._n NOT IN (SELECT _n FROM exceptions WHERE NOT py AND reject IS NOT NULL)
                AND s._n NOT IN (SELECT _n FROM py_rows WHERE reject IS NOT NULL))
        GROUP BY product_id
        ON CONFLICT (product_id) DO UPDATE SET
            title = coalesce(excluded.title, products.title),
            brand = coalesce(excluded.brand, products.brand),
            category = coalesce(excluded.category, products.category),
            last_seen = greatest(excluded.last_seen, products.last_seen)""",
        {"source": file_source, "at": collected_at}).fetchall()


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
