"""CSV reports: the analysis results as tables for spreadsheets and BI tools.

Shared by `reviewlens report`, `reviewlens run` and the dashboard's download buttons. Reports
only read the store (read-only, through :mod:`data.store`), and every kind has documented
columns in a fixed order (:data:`COLUMNS`; the README shows the same list and a test keeps
the two equal).

Kinds:

- ``summary``: one row per product and finding (strength, weakness, need) with counts,
  shares, trend and up to three quotes with the URL of their review.
- ``aspects``: one row per product and aspect: mentions by polarity, an example of each side.
  A review is one mention, however many of its sentences name the aspect: its vote is the
  majority of its sentences' votes (each the majority polarity of the sentence's terms of the
  aspect; a tie neutral), as on the dashboard and in the findings; names that are no finding
  (``analysis.insights.NOT_FINDINGS``) and terms inside a need phrase are left out
  (``analysis.insights.FINDING_VOTES``, as the findings count).
- ``needs``: one row per product and unmet need: how often (sentences, not phrases), in what
  words, one quote.
- ``themes``: one row per theme (complaint or need topic) with keywords and quotes.
- ``reviews``: one row per review with what the analysis read in it; its aspects praised and
  criticised are its votes as the aspects report counts them (an aspect praised in one sentence
  and criticised in another is neither, as in a tied sentence).

Cells a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) get a leading single quote, so a hostile review cannot run code on a
merchant's machine. Files are written atomically: a temporary file in the same folder, then
``os.replace``, so a killed job never leaves half a report.

Example::

    from analysis import report
    frame = report.build("data/reviewlens.duckdb", "summary", product="SKU123")
    report.write(frame, "data/reports/summary.csv", excel=True)
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from analysis.insights import FINDING_VOTES, NOT_FINDINGS, VOTED_SENTENCES
from data import store

KINDS = ("summary", "aspects", "needs", "themes", "reviews")

# kind -> [(column, meaning)], in the order they are written. README "Reports" repeats them.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "summary": [
        ("product_id", "the shop's product id"),
        ("product", "product title"),
        ("category", "product category"),
        ("side", "ours or competitor (from the sources file), empty when not set"),
        ("finding", "strength, weakness or need"),
        ("name", "the aspect (strength, weakness) or the need label"),
        ("rank", "order within its kind for the product, 1 first: by mentions x share x confidence "
                 "(a strength or weakness: its mentions on that side x confidence), then mentions"),
        ("mentions", "reviews behind the finding, each once (a strength or weakness: by the "
                     "majority of its sentences on the aspect)"),
        ("share", "positive share (strength), negative share (weakness) of the mentions, or share of reviews (need), 0-1"),
        ("confidence", "lower bound of the Wilson interval of share"),
        ("trend", "change of share: last 90 days against before (empty when too few reviews)"),
        ("product_reviews", "reviews of the product in the store"),
        ("quote_1", "a customer's words"), ("quote_1_url", "the review it comes from"),
        ("quote_2", "a customer's words"), ("quote_2_url", "the review it comes from"),
        ("quote_3", "a customer's words"), ("quote_3_url", "the review it comes from"),
    ],
    "aspects": [
        ("product_id", "the shop's product id"),
        ("product", "product title"),
        ("category", "product category"),
        ("side", "ours or competitor, empty when not set"),
        ("aspect", "canonical aspect, e.g. battery"),
        ("mentions", "reviews that mention it, each once, by the majority of its sentences on the aspect"),
        ("positive", "mentions with positive polarity"),
        ("negative", "mentions with negative polarity"),
        ("neutral", "mentions with neutral polarity"),
        ("positive_share", "positive / mentions, 0-1"),
        ("negative_share", "negative / mentions, 0-1"),
        ("reviews", "distinct reviews that mention it"),
        ("last_mentioned", "publication date of the newest review that mentions it"),
        ("example_positive", "a positive sentence"), ("example_positive_url", "its review"),
        ("example_negative", "a negative sentence"), ("example_negative_url", "its review"),
    ],
    "needs": [
        ("product_id", "the shop's product id"),
        ("product", "product title"),
        ("category", "product category"),
        ("side", "ours or competitor, empty when not set"),
        ("need", "canonical need label"),
        ("aspect", "the aspect it touches, when there is one"),
        ("mentions", "sentences that express it"),
        ("reviews", "distinct reviews that express it"),
        ("share_of_reviews", "reviews / analysed reviews of the product, 0-1"),
        ("phrases", "up to three ways customers said it, separated by ' | '"),
        ("last_mentioned", "publication date of the newest review that expresses it"),
        ("quote", "a customer's sentence"), ("quote_url", "its review"),
    ],
    "themes": [
        ("theme_id", "scope:kind:topic number"),
        ("scope", "all, or category:<name>"),
        ("kind", "complaint or need"),
        ("label", "short name of the theme"),
        ("keywords", "its keywords, separated by ' | '"),
        ("aspect", "the aspect it is about, when there is one"),
        ("size", "sentences in the theme"),
        ("matching_sentences", "sentences in the theme that match --product and --since"),
        ("products", "distinct products among the matching sentences"),
        ("quote_1", "a representative sentence"), ("quote_1_url", "its review"),
        ("quote_2", "a representative sentence"), ("quote_2_url", "its review"),
    ],
    "reviews": [
        ("review_id", "stable id of the review"),
        ("product_id", "the shop's product id"),
        ("product", "product title"),
        ("side", "ours or competitor, empty when not set"),
        ("source", "shop host name or import file"),
        ("published_at", "publication date"),
        ("rating", "stars on the 1-5 scale"),
        ("author", "reviewer name as shown"),
        ("title", "review title"),
        ("body", "review text"),
        ("language", "ISO 639-1 code: the language the analysis read, else the one collected; "
                     "empty when neither is known"),
        ("sentiment", "positive, negative, neutral or mixed (empty when not analysed)"),
        ("net_sentiment", "(positive - negative sentences) / sentences, -1 to 1"),
        ("rating_mismatch", "high_rating_negative_text, low_rating_positive_text or empty"),
        ("aspects_positive", "aspects praised, separated by ' | '"),
        ("aspects_negative", "aspects criticised, separated by ' | '"),
        ("needs", "unmet needs expressed, separated by ' | '"),
        ("url", "where the review can be read"),
        ("skipped_reason", "why the analysis skipped it (non-English, empty, ...) or empty"),
    ],
}

SEPARATOR = " | "
# First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ReportError(store.StoreError):
    """A report that cannot be built as asked; the message says what to do."""


def columns(kind: str) -> list[str]:
    """The column names of a report kind, in the order they are written.

    >>> columns("needs")[:5]
    ['product_id', 'product', 'category', 'side', 'need']
    """
    _check_kind(kind)
    return [name for name, _ in COLUMNS[kind]]


def build(db: str | os.PathLike | None, kind: str, product: str | None = None,
          since: date | str | None = None):
    """One report as a pandas DataFrame with exactly :func:`columns` (kind) in order.

    ``product`` keeps one product id; ``since`` (a date or ``YYYY-MM-DD``) keeps reviews
    published on or after that day (aspects, needs, themes, reviews; the summary is the
    analysis job's finding over all reviews, so it refuses ``since``).

    Example::

        build("data/reviewlens.duckdb", "aspects", since="2024-01-01")
    """
    import pandas as pd

    _check_kind(kind)
    since_day = _parse_since(since)
    if kind == "summary" and since_day is not None:
        raise ReportError(
            "the summary holds the analysis job's findings over all reviews, so it cannot be cut "
            "by --since; use --kind aspects, needs, themes or reviews with --since instead")
    with store.reader(db) as con:
        _check_analysis(con, db)
        if product is not None:
            _check_product(con, db, product)
        rows = _BUILDERS[kind](con, product, since_day)
    frame = pd.DataFrame(rows, columns=columns(kind))
    return frame


def to_csv_bytes(frame, excel: bool = False) -> bytes:
    """The frame as CSV bytes: header first, formula-like text neutralised.

    Rows end with CRLF (RFC 4180; it also makes the writer quote any cell holding a CR or LF).
    ``excel=True`` adds a UTF-8 byte order mark, which Excel needs to read accented letters,
    curly quotes and emoji right; otherwise plain UTF-8. The dashboard's downloads always ask
    for it; `reviewlens report` and the scheduled job on ``--excel`` / ``excel = true``.

    >>> import pandas as pd
    >>> to_csv_bytes(pd.DataFrame({"quote": ["=1+1", "fine"]}))
    b"quote\\r\\n'=1+1\\r\\nfine\\r\\n"
    """
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow([neutralise(str(name)) for name in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        out.writerow([_cell(value) for value in row])
    text = buffer.getvalue()
    return text.encode("utf-8-sig" if excel else "utf-8")


def write(frame, out_path: str | os.PathLike, excel: bool = False, *,
          db: str | os.PathLike | None = None) -> Path:
    """Write the frame as CSV to ``out_path`` atomically and return the path.

    The bytes go to a temporary file in the same folder, are flushed to disk, and then replace
    ``out_path`` in one step, so readers see the old file or the new one, never half of one.
    A path that is a DuckDB database (the store ``db`` itself, through any link, or any other)
    is refused with :class:`ReportTargetError`: the rename would replace the database.

    Example::

        write(build(db, "needs"), "data/reports/needs.csv")
    """
    target = Path(out_path)
    check_target(target, db)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = to_csv_bytes(frame, excel=excel)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp_name, 0o666 & ~umask)  # mkstemp makes 0600; a report is for sharing
        os.replace(temp_name, target)
    except BaseException:
        with _ignore_missing():
            os.unlink(temp_name)
        raise
    return target


class ReportTargetError(ReportError):
    """A report path that would replace a database (the store itself or another DuckDB file)."""


DUCKDB_MAGIC = b"DUCK"   # a DuckDB file holds these bytes at offset 8 (after the checksum)


def is_duckdb_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an existing file that starts as a DuckDB database does."""
    try:
        with open(path, "rb") as handle:
            return handle.read(12)[8:12] == DUCKDB_MAGIC
    except OSError:  # missing, a folder, unreadable
        return False


def check_target(path: str | os.PathLike, db: str | os.PathLike | None = None) -> None:
    """Raise :class:`ReportTargetError` when a report written to ``path`` would replace a
    database: the store ``db`` (the same file after following links, or its ``.wal``), or any
    existing DuckDB file. Nothing is written or created."""
    path = Path(path)
    why = None
    if db is not None:
        store_path = Path(db)
        for candidate, what in ((store_path, f"the store {db} itself"),
                                (Path(f"{db}.wal"), f"the write-ahead log of the store {db}")):
            if _same_file(path, candidate):
                why = what
                break
    if why is None and is_duckdb_file(path):
        why = "a DuckDB database"
    if why:
        raise ReportTargetError(f"{path} is {why}: a report written there would replace it")


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def why_not_written(path: str | os.PathLike, exc: OSError) -> str:
    """The reason a report could not be written, in words: for a folder on the way that is a
    file, mkdir says "File exists" or "Not a directory", which would mislead."""
    from analysis.jobs.lock import file_in_the_way

    in_the_way = file_in_the_way(path)
    return f"{in_the_way} is a file, not a folder" if in_the_way else (exc.strerror or str(exc))


def write_all(db: str | os.PathLike | None, out_dir: str | os.PathLike, excel: bool = False,
              kinds: tuple[str, ...] = KINDS) -> dict[str, Path]:
    """Write every report kind as ``<kind>.csv`` into ``out_dir``; return kind -> path.

    One report failing does not keep the others from being written; the error then says which
    failed and why, and which were written (or that none was).

    Example::

        write_all("data/reviewlens.duckdb", "data/reports")
    """
    written: dict[str, Path] = {}
    failed: list[tuple[str, str]] = []
    for kind in kinds:
        path = Path(out_dir) / f"{kind}.csv"
        try:
            check_target(path, db)  # before the build: a refused path costs nothing
            written[kind] = write(build(db, kind), path, excel=excel, db=db)
        except ReportTargetError as exc:
            failed.append((kind, f"{exc}; move that file out of the reports folder or choose another folder"))
        except store.StoreError as exc:
            if not written and not failed:
                raise  # no analysis, no store, busy: the same for every kind, say it once
            failed.append((kind, str(exc)))
        except OSError as exc:
            failed.append((kind, why_not_written(path, exc)))
        except Exception as exc:
            failed.append((kind, str(exc)))
    if failed:
        reasons = {why for _, why in failed}
        if not written:
            detail = (f": {reasons.pop()}" if len(reasons) == 1
                      else f" ({'; '.join(f'{kind}: {why}' for kind, why in failed)})")
            raise ReportError(f"none of the {len(kinds)} reports could be written to {out_dir}{detail}")
        raise ReportError(f"{len(failed)} of {len(kinds)} reports could not be written to {out_dir} "
                          f"({'; '.join(f'{kind}: {why}' for kind, why in failed)}); "
                          f"written: {', '.join(written)}")
    return written


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading single quote.

    Leading spaces and full-width look-alikes (``＝``) are seen through, because some
    spreadsheets trim or fold them before deciding.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5 stars"), neutralise("Nice")
    ('\\'=HYPERLINK("http://x")', "'-5 stars", 'Nice')
    """
    if not text:
        return text
    first = text.lstrip(" \u00a0")[:1] or text[:1]
    if text[:1] in ("\t", "\r") or unicodedata.normalize("NFKC", first) in FORMULA_STARTS:
        return "'" + text
    return text


# --- internals --------------------------------------------------------------------------------

def _cell(value: Any) -> Any:
    """One value as a CSV cell: missing values empty, dates as YYYY-MM-DD, text made inert.

    >>> import pandas as pd
    >>> _cell(pd.NaT), _cell(pd.Timestamp("2024-07-03")), _cell(datetime(2024, 7, 3, 9, 30))
    ('', '2024-07-03', '2024-07-03 09:30:00')
    """
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar -> Python
    if _missing(value):
        return ""
    if isinstance(value, float):
        return repr(round(value, 4))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        # pandas reads a DATE column as midnight timestamps: write the day the store holds
        if value.tzinfo is None and value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def _missing(value: Any) -> bool:
    """None, NaN, or pandas' NA / NaT (NaT is a datetime whose isoformat() is 'NaT')."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    return value is pd.NA or value is pd.NaT


class _ignore_missing:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is not None and issubclass(kind, FileNotFoundError)


def _check_kind(kind: str) -> None:
    if kind not in COLUMNS:
        raise ReportError(f"unknown report kind {kind!r}: choose one of {', '.join(KINDS)}")


def _parse_since(since: date | str | None) -> date | None:
    if since is None or since == "":
        return None
    if isinstance(since, datetime):
        return since.date()
    if isinstance(since, date):
        return since
    try:
        return date.fromisoformat(str(since).strip())
    except ValueError:
        raise ReportError(f"--since {since!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-07-01") from None


def _check_analysis(con, db) -> None:
    done = con.execute("SELECT count(*) FROM analysis_runs WHERE status NOT IN ('running', 'failed')").fetchall()[0][0]
    if not done:
        analysed = con.execute("SELECT count(*) FROM review_analysis").fetchall()[0][0]
        if not analysed:
            raise ReportError(
                f"no analysis in {db or store.default_path()} yet: run `reviewlens analyze` "
                f"(or `reviewlens run`) first, then ask for the report again")


def _check_product(con, db, product: str) -> None:
    if con.execute("SELECT count(*) FROM products WHERE product_id = ?", [product]).fetchall()[0][0]:
        return
    known = [r[0] for r in con.execute("SELECT product_id FROM products ORDER BY product_id LIMIT 5").fetchall()]
    hint = f" (some known ids: {', '.join(known)})" if known else ""
    raise ReportError(f"no product {product!r} in {db or store.default_path()}{hint}; "
                      f"`reviewlens report --kind summary` lists every product")


def _filters(alias: str, product: str | None, since: date | None, date_alias: str = "r") -> tuple[str, list]:
    """SQL conditions (starting with AND) for the product and since filters."""
    sql, params = "", []
    if product is not None:
        sql += f" AND {alias}.product_id = ?"
        params.append(product)
    if since is not None:
        sql += f" AND {date_alias}.published_at >= ?"
        params.append(since)
    return sql, params


_PRODUCT_COLUMNS = "p.title AS product, p.category, s.side"
_PRODUCT_JOINS = ("LEFT JOIN products p ON p.product_id = {a}.product_id "
                  "LEFT JOIN product_sides s ON s.product_id = {a}.product_id")


def _summary_rows(con, product, since) -> list[tuple]:
    where, params = _filters("i", product, None)
    # One product can have findings from several runs when the job is incremental: the newest
    # run per product is the current truth.
    rows = con.execute(f"""
        WITH current AS (SELECT product_id, max(run_id) AS run_id FROM product_insights GROUP BY product_id),
             counts AS (SELECT product_id, count(*) AS n FROM reviews GROUP BY product_id)
        SELECT i.product_id, {_PRODUCT_COLUMNS}, i.kind, i.name, i.rank, i.mentions, i.share,
               i.confidence, i.trend, coalesce(c.n, 0), CAST(i.quotes AS VARCHAR)
        FROM product_insights i
        JOIN current USING (product_id, run_id)
        {_PRODUCT_JOINS.format(a="i")}
        LEFT JOIN counts c ON c.product_id = i.product_id
        WHERE true {where}
        ORDER BY i.product_id,
                 CASE i.kind WHEN 'strength' THEN 1 WHEN 'weakness' THEN 2 ELSE 3 END, i.rank, i.name
    """, params).fetchall()
    out = []
    for *head, quotes_json in rows:
        quotes = _quotes(quotes_json, 3)
        out.append(tuple(head) + tuple(quotes))
    return out


def _quotes(quotes_json: str | None, n: int) -> list[str | None]:
    """Flatten a quotes JSON list into [text, url, text, url, ...] of length 2n."""
    try:
        quotes = json.loads(quotes_json or "[]")
    except (TypeError, ValueError):
        quotes = []
    flat: list[str | None] = []
    for quote in quotes[:n] if isinstance(quotes, list) else []:
        quote = quote if isinstance(quote, dict) else {"text": str(quote)}
        flat += [quote.get("text"), quote.get("url")]
    return flat + [None] * (2 * n - len(flat))


def _aspects_rows(con, product, since) -> list[tuple]:
    """One row per product and aspect, counting reviews as the dashboard and the findings do:
    a review is one mention, with the majority polarity of its sentences' votes on the aspect
    (each sentence's vote the majority of its terms; a tie: neutral), and names that are no
    finding ("product", "top marks") and terms inside a need phrase ("I wish it had a longer
    cable") are left out, as in the findings and the ``aspect_monthly`` table
    (``analysis.insights.FINDING_VOTES``). The examples are sentences voting as their review
    votes: the newest positive sentence of a review voting positive, and so on."""
    where, params = _filters("sv", product, since)
    return [tuple(r) for r in con.execute(f"""
        WITH m AS (
            SELECT sv.product_id, sv.aspect, sv.vote AS polarity, sv.polarity AS said, sv.review_id, r.published_at,
                   r.url, st.text, sv.sentence_id
            FROM ({VOTED_SENTENCES}) sv
            JOIN reviews r ON r.review_id = sv.review_id
            LEFT JOIN sentences st ON st.sentence_id = sv.sentence_id
            WHERE true {where}
        )
        SELECT m.product_id, {_PRODUCT_COLUMNS}, m.aspect, count(DISTINCT m.review_id) AS mentions,
               count(DISTINCT m.review_id) FILTER (WHERE polarity = 'positive'),
               count(DISTINCT m.review_id) FILTER (WHERE polarity = 'negative'),
               count(DISTINCT m.review_id) FILTER (WHERE polarity = 'neutral'),
               round(count(DISTINCT m.review_id) FILTER (WHERE polarity = 'positive') / count(DISTINCT m.review_id), 4),
               round(count(DISTINCT m.review_id) FILTER (WHERE polarity = 'negative') / count(DISTINCT m.review_id), 4),
               count(DISTINCT m.review_id), max(m.published_at),
               arg_max(m.text, (m.published_at, m.sentence_id)) FILTER (WHERE polarity = 'positive' AND said = 'positive'),
               arg_max(m.url, (m.published_at, m.sentence_id)) FILTER (WHERE polarity = 'positive' AND said = 'positive'),
               arg_max(m.text, (m.published_at, m.sentence_id)) FILTER (WHERE polarity = 'negative' AND said = 'negative'),
               arg_max(m.url, (m.published_at, m.sentence_id)) FILTER (WHERE polarity = 'negative' AND said = 'negative')
        FROM m
        {_PRODUCT_JOINS.format(a="m")}
        GROUP BY ALL
        ORDER BY m.product_id, mentions DESC, m.aspect
    """, [sorted(NOT_FINDINGS)] + params).fetchall()]


def _needs_rows(con, product, since) -> list[tuple]:
    where, params = _filters("n", product, since)
    rows = con.execute(f"""
        WITH n AS (
            SELECT n.product_id, n.need, n.aspect, n.phrase, n.review_id, r.published_at, r.url,
                   st.text, n.sentence_id
            FROM needs n
            JOIN reviews r ON r.review_id = n.review_id
            LEFT JOIN sentences st ON st.sentence_id = n.sentence_id
            WHERE true {where}
        ),
        analysed AS (
            SELECT a.product_id, count(*) AS n FROM review_analysis a
            JOIN reviews r ON r.review_id = a.review_id
            WHERE a.skipped_reason IS NULL {_filters("a", product, since)[0]}
            GROUP BY a.product_id
        )
        SELECT n.product_id, {_PRODUCT_COLUMNS}, n.need, mode(n.aspect), count(DISTINCT n.sentence_id) AS mentions,
               count(DISTINCT n.review_id),
               round(count(DISTINCT n.review_id) / greatest(any_value(an.n), count(DISTINCT n.review_id)), 4),
               list(DISTINCT n.phrase ORDER BY n.phrase), max(n.published_at),
               arg_max(n.text, (n.published_at, n.sentence_id)),
               arg_max(n.url, (n.published_at, n.sentence_id))
        FROM n
        {_PRODUCT_JOINS.format(a="n")}
        LEFT JOIN analysed an ON an.product_id = n.product_id
        GROUP BY n.product_id, p.title, p.category, s.side, n.need
        ORDER BY n.product_id, count(DISTINCT n.review_id) DESC, mentions DESC, n.need
    """, params + _filters("a", product, since)[1]).fetchall()
    out = []
    for row in rows:
        row = list(row)
        row[9] = SEPARATOR.join(row[9][:3]) if row[9] else None
        out.append(tuple(row))
    return out


def _themes_rows(con, product, since) -> list[tuple]:
    where, params = _filters("st", product, since)
    rows = con.execute(f"""
        WITH current AS (SELECT scope, max(run_id) AS run_id FROM themes GROUP BY scope),
        matching AS (
            SELECT ts.theme_id, ts.is_representative, st.sentence_id, st.product_id, st.text, r.url
            FROM theme_sentences ts
            JOIN sentences st ON st.sentence_id = ts.sentence_id
            JOIN reviews r ON r.review_id = st.review_id
            WHERE true {where}
        )
        SELECT t.theme_id, t.scope, t.kind, t.label, t.keywords, t.aspect, t.size,
               count(m.sentence_id) AS matching, count(DISTINCT m.product_id),
               list(m.text ORDER BY m.is_representative DESC, m.sentence_id)[1:2],
               list(m.url ORDER BY m.is_representative DESC, m.sentence_id)[1:2]
        FROM themes t
        JOIN current USING (scope, run_id)
        JOIN matching m ON m.theme_id = t.theme_id
        GROUP BY ALL
        ORDER BY t.kind, matching DESC, t.size DESC, t.theme_id
    """, params).fetchall()
    out = []
    for (*head, keywords, aspect, size, matching, products, texts, urls) in rows:
        quotes: list[str | None] = []
        for i in range(2):
            quotes += [texts[i] if i < len(texts) else None, urls[i] if i < len(urls) else None]
        out.append(tuple(head) + (SEPARATOR.join(keywords or []), aspect, size, matching, products) + tuple(quotes))
    return out


def _reviews_rows(con, product, since) -> list[tuple]:
    """One row per review. Its aspects praised and criticised are its votes as the aspects
    report and the findings count them (``analysis.insights.FINDING_VOTES``): one per aspect, the
    majority of its sentences' votes, so praise and complaint of one aspect in one sentence, or
    in as many sentences, is neither, and names that are no finding or terms inside a need
    phrase are not listed. So the reviews listing an aspect as praised are the aspects report's
    ``positive`` count of it."""
    where, params = _filters("r", product, since)
    rows = con.execute(f"""
        WITH votes AS ({FINDING_VOTES}),
        polar AS (
            SELECT review_id,
                   list(DISTINCT aspect ORDER BY aspect) FILTER (WHERE polarity = 'positive') AS pos,
                   list(DISTINCT aspect ORDER BY aspect) FILTER (WHERE polarity = 'negative') AS neg
            FROM votes GROUP BY review_id
        ),
        wished AS (SELECT review_id, list(DISTINCT need ORDER BY need) AS needs FROM needs GROUP BY review_id)
        SELECT r.review_id, r.product_id, p.title, s.side, r.source, r.published_at, r.rating,
               r.author, r.title, r.body, coalesce(a.language, r.language), a.sentiment, a.net_sentiment, a.rating_mismatch,
               polar.pos, polar.neg, wished.needs, r.url, a.skipped_reason
        FROM reviews r
        {_PRODUCT_JOINS.format(a="r")}
        LEFT JOIN review_analysis a ON a.review_id = r.review_id
        LEFT JOIN polar ON polar.review_id = r.review_id
        LEFT JOIN wished ON wished.review_id = r.review_id
        WHERE true {where}
        ORDER BY r.product_id, r.published_at DESC NULLS LAST, r.review_id
    """, [sorted(NOT_FINDINGS)] + params).fetchall()
    out = []
    for row in rows:
        row = list(row)
        for i in (14, 15, 16):
            row[i] = SEPARATOR.join(row[i]) if row[i] else None
        out.append(tuple(row))
    return out


_BUILDERS = {
    "summary": _summary_rows,
    "aspects": _aspects_rows,
    "needs": _needs_rows,
    "themes": _themes_rows,
    "reviews": _reviews_rows,
}
