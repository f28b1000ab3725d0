"""The data store: one DuckDB file, its migrations, and small read/write helpers.

DuckDB lets one process hold a file read-write, and while it does no other process can open
it, not even read-only. So writers open, write one batch in one transaction and close
(:func:`writer`); readers open read-only per query and retry briefly on a lock
(:func:`reader`, :func:`query`), then raise :class:`StoreBusy`, which callers show as
"a job is updating the data".

Example::

    from data import store
    with store.writer("shop.duckdb") as con:
        con.execute("INSERT INTO products VALUES (...)")
    rows = store.query("shop.duckdb", "SELECT count(*) AS n FROM reviews").first()
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import random
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb

DEFAULT_DB = "data/reviewlens.duckdb"
ENV_DB = "REVIEWLENS_DB"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class StoreError(Exception):
    """A problem with the store that the user can act on; the message says what to do."""


class StoreBusy(StoreError):
    """Another process holds the database file (a crawl, import or analysis is writing)."""


def default_path() -> str:
    """The database path: ``$REVIEWLENS_DB`` or ``data/reviewlens.duckdb``."""
    return os.environ.get(ENV_DB) or DEFAULT_DB


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def connect(path: str | os.PathLike | None = None, read_only: bool = False,
            wait: float = 10.0) -> duckdb.DuckDBPyConnection:
    """Open the store, retrying for up to ``wait`` seconds while another process holds it.

    A read-only open of a file that does not exist raises :class:`StoreError` that says how
    to create it. A file that stays locked raises :class:`StoreBusy`.
    """
    path = str(path or default_path())
    if read_only and not Path(path).exists():
        raise StoreError(
            f"no database at {path}: collect reviews first "
            f"(`reviewlens import FILE` or `reviewlens crawl URL`), or pass --db PATH")
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return _retrying(path, wait, lambda: duckdb.connect(path, read_only=read_only))


def _retrying(path: str, wait: float, open_it):
    """``open_it()``, retried with backoff for up to ``wait`` seconds while the file is locked."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return open_it()
        except duckdb.Error as exc:  # IOException on a held lock
            if not _is_lock_error(exc):
                raise StoreError(f"cannot open the database {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"a job is updating the data in {path}; try again when it has finished "
                    f"(`reviewlens status` shows the last runs)") from exc
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)


# --- migrations -----------------------------------------------------------------------------

def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations as ``(version, name, sql)``, in order."""
    found = []
    for file in sorted(MIGRATIONS_DIR.iterdir()):
        match = _MIGRATION_NAME.match(file.name)
        if match:
            found.append((int(match.group(1)), file.stem, file.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"migrations in {MIGRATIONS_DIR} are not numbered 001, 002, ...: {versions}")
    return found


def latest_version() -> int:
    return len(migrations())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version a database is at (0 for a new, empty file). Call it outside a transaction.

    The table is read directly: asking ``information_schema`` first cost ~15 ms on a freshly
    opened file (every writer and reader asks), the read ~1 ms.
    """
    try:
        row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    except (duckdb.CatalogException, duckdb.InvalidInputException):
        # No such table: a new, empty file. (DuckDB then looks for a Python variable of that
        # name in this frame, finds this module's function and refuses it: InvalidInputException.)
        return 0
    return int(row[0] or 0)


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version.

    ``target`` stops at an earlier version (tests use it to build old files).
    """
    con.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    current = schema_version(con)
    for version, name, sql in migrations():
        if version <= current or (target is not None and version > target):
            continue
        con.execute("BEGIN")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    return current


@contextlib.contextmanager
def writer(path: str | os.PathLike | None = None, wait: float = 60.0, *,
           attach: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Hold the store read-write for one batch: migrate, begin, yield, commit, close.

    Keep the block short: while it runs, readers wait. An exception rolls the batch back.
    ``attach=True`` (for a process that writes batch after batch, like a crawl) attaches the
    file to one in-memory DuckDB kept by this process and detaches it at the end (DuckDB
    checkpoints it then and releases the file as on close), instead of starting a new DuckDB
    for every batch (~20 ms of CPU each). Do not use it while this process has the same file
    open through :func:`connect`.
    """
    if attach:
        con, alias = _attached(path, wait)
    else:
        con, alias = connect(path, read_only=False, wait=wait), None
    try:
        migrate(con)
        con.execute("BEGIN")
        try:
            yield con
        except BaseException:
            _rollback(con)
            raise
        # outside the try: an error at or after COMMIT (a full disk, a stop signal landing just
        # after it) reaches the caller as it is, not as ROLLBACK's "no transaction is active"
        con.execute("COMMIT")
    finally:
        try:
            if alias is not None:
                con.execute("USE memory")
                con.execute(f"DETACH {alias}")
        finally:
            con.close()


_ENGINE: duckdb.DuckDBPyConnection | None = None
_ENGINE_LOCK = threading.Lock()
_ALIASES = itertools.count(1)


def _attached(path: str | os.PathLike | None, wait: float) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A cursor of this process's in-memory DuckDB with the store file attached and in use."""
    global _ENGINE
    path = str(path or default_path())
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = duckdb.connect(":memory:")
        con = _ENGINE.cursor()  # a connection of its own (threads), sharing the engine
    alias = f"store_{next(_ALIASES)}"
    quoted = path.replace("'", "''")
    try:
        _retrying(path, wait, lambda: con.execute(f"ATTACH '{quoted}' AS {alias}"))
    except BaseException:
        con.close()
        raise
    try:
        con.execute(f"USE {alias}")
    except BaseException:
        con.execute(f"DETACH {alias}")
        con.close()
        raise
    return con, alias


@contextlib.contextmanager
def reader(path: str | os.PathLike | None = None, wait: float = 5.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store read-only for a few queries; raise :class:`StoreBusy` if a job holds it."""
    con = connect(path, read_only=True, wait=wait)
    try:
        if schema_version(con) < latest_version():
            raise StoreError(
                f"the database {path or default_path()} is at schema version {schema_version(con)}, "
                f"this reviewlens needs {latest_version()}: run any writing command "
                f"(e.g. `reviewlens analyze`) to upgrade it")
        yield con
    finally:
        con.close()


def ensure(path: str | os.PathLike | None = None) -> int:
    """Create the file if needed and bring it to the latest schema; return the version."""
    con = connect(path, read_only=False)
    try:
        return migrate(con)
    finally:
        con.close()


# --- results --------------------------------------------------------------------------------

@dataclass
class Results:
    """Rows of one query: ``.rows`` (tuples), ``.columns``, ``.dicts()``, ``.first()``."""
    columns: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def first(self) -> dict[str, Any] | None:
        return dict(zip(self.columns, self.rows[0])) if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __len__(self) -> int:
        return len(self.rows)


def query(path: str | os.PathLike | None, sql: str, params: Sequence[Any] | dict | None = None,
          wait: float = 5.0) -> Results:
    """Run one parameterised read-only query and return its :class:`Results`."""
    with reader(path, wait=wait) as con:
        cur = con.execute(sql, params or [])
        columns = [d[0] for d in cur.description]
        return Results(columns, cur.fetchall())


def query_df(path: str | os.PathLike | None, sql: str, params: Sequence[Any] | dict | None = None,
             wait: float = 5.0):
    """Like :func:`query`, as a pandas DataFrame."""
    with reader(path, wait=wait) as con:
        return con.execute(sql, params or []).df()


# --- identity and time ----------------------------------------------------------------------

def now() -> datetime:
    """UTC now without tzinfo (DuckDB TIMESTAMP)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _norm(text: Any) -> str:
    text = "" if text is None else str(text)
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.lower().split())


def review_id(product_id: str, author: Any, published_at: Any, body: Any) -> str:
    """Stable id of a review: the same product, author, date and text give the same id.

    >>> review_id("p1", "Ann", "2024-07-04", "Great  kettle") == review_id("p1", "ann", "2024-07-04", "great kettle")
    True
    """
    key = "\x1f".join([_norm(product_id), _norm(author), _norm(published_at), _norm(body)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def content_hash(title: Any, body: Any) -> str:
    """Hash of what the analysis reads; it changes when a review's text changes."""
    key = f"{'' if title is None else title}\x1f{'' if body is None else body}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


# :func:`content_hash` in SQL, for rows changed in place (DuckDB's sha1 hashes the UTF-8 bytes).
_CONTENT_HASH_SQL = "left(sha1(coalesce({title}, '') || chr(31) || coalesce({body}, '')), 20)"


def _rollback(con) -> None:
    """Roll the batch back; the error that led here is the one to report, not ROLLBACK's own."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


# --- writing raw data -----------------------------------------------------------------------

REVIEW_COLUMNS = [
    "review_id", "product_id", "source", "url", "author", "rating", "rating_original",
    "rating_scale", "title", "body", "language", "published_at", "helpful_votes", "verified",
    "variant", "collected_at", "content_hash", "collect_run_id",
]
PRODUCT_COLUMNS = ["product_id", "source", "url", "title", "brand", "category", "first_seen", "last_seen"]


def start_collect_run(con: duckdb.DuckDBPyConnection, kind: str, target: str) -> int:
    """Record the start of a crawl or import and return its run id."""
    run_id = con.execute("SELECT nextval('collect_run_ids')").fetchall()[0][0]
    con.execute("INSERT INTO collect_runs (run_id, kind, target, started_at, status, problems) "
                "VALUES (?, ?, ?, ?, 'running', '{}')", [run_id, kind, target, now()])
    return int(run_id)


def add_to_collect_run(con: duckdb.DuckDBPyConnection, run_id: int, *, pages: int = 0,
                       reviews_read: int = 0, reviews_new: int = 0, duplicates: int = 0,
                       rejected: int = 0, errors: int = 0,
                       problems: dict[str, int] | None = None) -> None:
    """Add a batch's counts to a run (so a killed run still shows what it did)."""
    merged = json.loads(con.execute("SELECT problems FROM collect_runs WHERE run_id = ?",
                                    [run_id]).fetchall()[0][0] or "{}")
    for reason, count in (problems or {}).items():
        merged[reason] = merged.get(reason, 0) + count
    con.execute(
        "UPDATE collect_runs SET pages = pages + ?, reviews_read = reviews_read + ?, "
        "reviews_new = reviews_new + ?, duplicates = duplicates + ?, rejected = rejected + ?, "
        "errors = errors + ?, problems = ? WHERE run_id = ?",
        [pages, reviews_read, reviews_new, duplicates, rejected, errors, json.dumps(merged), run_id])


# Names shops give reviewers who give none: two reviews under such a name are no one person's.
ANONYMOUS_AUTHORS = ("anonymous", "anon", "a customer", "customer", "amazon customer",
                     "verified buyer", "verified purchaser", "verified customer", "verified reviewer",
                     "guest", "user", "reviewer", "shopper", "buyer", "client", "n/a", "na", "none",
                     "unknown", "-")

# The reviews this run stored, keyed by who wrote them about what and when.
_EDIT_KEY = "product_id, lower(trim(author)) AS who, published_at"
_EDIT_CAN_TELL = ("author IS NOT NULL AND published_at IS NOT NULL "
                  "AND NOT list_contains($anonymous::VARCHAR[], lower(trim(author)))")
# A review link's anchor (what follows its first '#'), NULL when it has none or an empty one.
_ANCHOR = "(CASE WHEN strpos({url}, '#') > 0 THEN nullif(substr({url}, strpos({url}, '#') + 1), '') END)"


def supersede_edited(con: duckdb.DuckDBPyConnection, run_id: int, seen: Iterable[str]) -> int:
    """Move the earlier versions of reviews that crawl ``run_id`` found edited into
    ``review_versions``; return how many. ``seen``: the ids of every review the crawl read.

    A review the crawl stored (or a crawl before it stored and did not finish: killed, failed)
    is an edit of a stored one when an earlier crawl of the same host stored a review of the
    same product by the same author on the same day that this crawl did not read again, their
    anchors do not name two reviews (``page#r-1`` and ``page#r-2``), and neither side has a
    second review under that key (among the reviews read, and among those not read): so two
    reviews one person wrote the same day, reviews under a shop's placeholder name
    (:data:`ANONYMOUS_AUTHORS`) and reviews without a name or a date are never taken for one.
    Only the anchors are compared, not the whole links: newer reviews push an older one from
    page 1 to page 2, so ``page#r-1`` and ``page-2.html#r-1`` are one review. A crawl reads the
    page as it is now, so its version is the current one. (An import cannot tell: an export
    file may be older than the one imported before it, so imports store both versions, as
    before.) A review an import stored counts as stored by a crawl of the host, at the link,
    where a crawl read it since (``review_sightings``, written by :func:`insert_reviews`): its
    author's edit replaces it too. The analysis drops the earlier version's sentences and
    findings on its next run, as for every review that left ``reviews``. An edit of the stars or
    the title alone keeps the review's id: :func:`insert_reviews` with ``crawl_run`` updates
    those in place.

    An author who takes an edit back (v1, then v2, then v1 again) makes the crawl read a version
    kept here: :func:`insert_reviews` stores it again, as the crawl read it, and it replaces the
    current one by the same rules (it leaves ``review_versions``, the version it replaces goes
    there, and its analysis is done again). An earlier version read again that replaces nothing
    (the current one was read too, or cannot be told for it) leaves ``reviews`` again, counted
    as a duplicate: the collectors never keep a version twice.

    >>> con = connect(":memory:"); migrate(con)                            # doctest: +SKIP
    >>> supersede_edited(con, run_id=7, seen=ids)   # one review was edited   # doctest: +SKIP
    1
    """
    params = {"run": run_id, "anonymous": list(ANONYMOUS_AUTHORS), "seen": sorted(set(seen))}
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _edits AS
        WITH crawls AS (SELECT run_id FROM collect_runs WHERE kind = 'crawl'),
        crawled AS (
            SELECT review_id, source, url, collect_run_id, {_EDIT_KEY} FROM reviews
            WHERE collect_run_id IN (SELECT run_id FROM crawls)
              AND {_EDIT_CAN_TELL}
            UNION ALL
            -- a review an import stored, where a crawl read it since (one row per host)
            SELECT review_id, s.source, s.url, collect_run_id, {_EDIT_KEY}
            FROM reviews JOIN review_sightings AS s USING (review_id)
            WHERE (collect_run_id IS NULL OR collect_run_id NOT IN (SELECT run_id FROM crawls))
              AND {_EDIT_CAN_TELL}),
        seen AS (SELECT unnest($seen::VARCHAR[]) AS review_id),
        read_again AS (
            SELECT *, count(*) OVER (PARTITION BY source, product_id, who, published_at) AS under_key
            FROM crawled WHERE review_id IN (SELECT review_id FROM seen)),
        mine AS (
            SELECT * FROM read_again
            WHERE under_key = 1
              AND collect_run_id IN (SELECT run_id FROM collect_runs WHERE kind = 'crawl'
                                     AND (run_id = $run OR status NOT IN ('ok', 'partial')))),
        earlier AS (
            SELECT * FROM crawled WHERE review_id NOT IN (SELECT review_id FROM seen)
            QUALIFY count(*) OVER (PARTITION BY source, product_id, who, published_at) = 1)
        SELECT earlier.review_id AS old_id, mine.review_id AS new_id
        FROM earlier JOIN mine USING (source, product_id, who, published_at)
        -- a review's own anchor (page#r-1) names it: two anchors are two reviews. The anchors
        -- alone are compared, not the whole links: the page a review sits on moves (newer
        -- reviews push it from page 1 to page 2), its anchor does not.
        WHERE NOT ({_ANCHOR.format(url='earlier.url')} IS NOT NULL AND {_ANCHOR.format(url='mine.url')} IS NOT NULL
                   AND {_ANCHOR.format(url='earlier.url')} <> {_ANCHOR.format(url='mine.url')})
        """, params).fetchall()
    try:
        moved = con.execute("SELECT count(*) FROM _edits").fetchall()[0][0]
        if moved:
            columns = ", ".join(f"r.{c}" for c in REVIEW_COLUMNS)
            con.execute(f"""
                INSERT INTO review_versions
                SELECT {columns}, e.new_id, ?::TIMESTAMP, ?
                FROM reviews r JOIN _edits e ON e.old_id = r.review_id""", [now(), run_id]).fetchall()
            # An edit taken back: the version read again is current once more. Its analysis was
            # of the version it replaced when it was dropped, or may be older: the row goes, so
            # the next `analyze` reads it again (as for any edit), and it leaves review_versions.
            taken_back = (f"SELECT new_id FROM _edits "
                          f"WHERE new_id IN (SELECT review_id FROM review_versions WHERE {_REPLACED})")
            con.execute(f"DELETE FROM review_analysis WHERE review_id IN ({taken_back})").fetchall()
            con.execute(f"DELETE FROM review_versions WHERE {_REPLACED} "
                        f"AND review_id IN (SELECT new_id FROM _edits)").fetchall()
            con.execute("DELETE FROM reviews WHERE review_id IN (SELECT old_id FROM _edits)").fetchall()
            con.execute("DELETE FROM review_sightings WHERE review_id IN (SELECT old_id FROM _edits)").fetchall()
            con.execute("UPDATE collect_runs SET reviews_edited = reviews_edited + ? WHERE run_id = ?",
                        [moved, run_id]).fetchall()
        _drop_versions_read_again(con, run_id)
    finally:
        con.execute("DROP TABLE IF EXISTS _edits").fetchall()
    return int(moved)


# A row of review_versions that another version replaced (a text edit), not one that keeps the
# review's stars or title before an edit in place (superseded_by its own id, _restate_known).
_REPLACED = "superseded_by <> review_id"


def _drop_versions_read_again(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Take out of ``reviews`` again the earlier versions that this crawl, or a crawl killed
    before its end (``failed``: the next crawl marks a run left ``running`` so), stored as it
    read them again (:func:`insert_reviews`) and that replaced nothing: they stay kept in
    ``review_versions`` only, and count as duplicates for the run that stored them. A killed
    crawl's are dropped whether or not this crawl read them: left, the old version would stay
    current beside the new one for good, and block the next edit's match."""
    again = con.execute(f"""
        SELECT collect_run_id, list(review_id) FROM reviews
        WHERE collect_run_id IN (SELECT run_id FROM collect_runs WHERE kind = 'crawl'
                                 AND (run_id = $run OR status = 'failed'))
          AND review_id IN (SELECT review_id FROM review_versions WHERE {_REPLACED})
        GROUP BY collect_run_id""", {"run": run_id}).fetchall()
    for run, ids in again:
        con.execute("DELETE FROM reviews WHERE list_contains(?, review_id) AND collect_run_id = ?",
                    [ids, run]).fetchall()
        con.execute("UPDATE collect_runs SET reviews_new = reviews_new - ?, duplicates = duplicates + ? "
                    "WHERE run_id = ?", [len(ids), len(ids), run]).fetchall()


def finish_collect_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str) -> None:
    """Close a run with its final status: ok, partial or failed."""
    con.execute("UPDATE collect_runs SET status = ?, finished_at = ? WHERE run_id = ?",
                [status, now(), run_id])


def upsert_products(con: duckdb.DuckDBPyConnection, products) -> None:
    """Insert new products, refresh known ones (facts that are given win; last_seen moves on).

    ``products`` is a pandas DataFrame or a list of dicts with :data:`PRODUCT_COLUMNS`.
    """
    frame = _plain_table(con, "products", products, _product_columns)
    if frame is None:
        import pandas as pd

        frame = products if isinstance(products, pd.DataFrame) else pd.DataFrame(list(products))
        if frame.empty:
            return
        frame = _with_columns(frame, PRODUCT_COLUMNS)
        stamp = now()
        frame["first_seen"] = frame["first_seen"].fillna(stamp)
        frame["last_seen"] = frame["last_seen"].fillna(stamp)
        frame = frame.drop_duplicates("product_id", keep="last")
    elif not frame.num_rows:
        return
    con.register("_incoming_products", frame)
    try:
        con.execute(f"""
            INSERT INTO products {_typed_select(con, "products", "_incoming_products")}
            ON CONFLICT (product_id) DO UPDATE SET
                url = coalesce(excluded.url, products.url),
                title = coalesce(excluded.title, products.title),
                brand = coalesce(excluded.brand, products.brand),
                category = coalesce(excluded.category, products.category),
                last_seen = greatest(excluded.last_seen, products.last_seen)
        """).fetchall()
    finally:
        con.unregister("_incoming_products")


def insert_reviews(con: duckdb.DuckDBPyConnection, reviews, *,
                   crawl_run: int | None = None) -> tuple[int, int]:
    """Insert reviews that are not stored yet; return ``(new, duplicates)``.

    ``reviews`` is a pandas DataFrame or a list of dicts with :data:`REVIEW_COLUMNS`
    (``review_id`` and ``content_hash`` are computed when missing). Duplicates inside the
    batch and against the store are both counted and skipped, and so is an earlier version of
    an edited review (``review_versions``, :func:`supersede_edited`), except in a crawl.

    ``crawl_run``: the crawl that read these reviews. A customer who changes only the stars or
    the title of a review keeps its ``review_id`` (the id hashes product, author, date and
    text), so the crawl would skip it as a duplicate and the store would keep the old stars for
    good. With ``crawl_run`` given, the crawl's version of a stored review wins: see
    :func:`_restate_known`. Imports leave it out: an export may be older than what is stored.

    A crawl also stores an earlier version it reads again: its author may have taken the edit
    back. :func:`supersede_edited`, at the crawl's end, lets it replace the current version, or
    takes it out again when it replaces nothing. And a crawl that reads a review an import
    stored notes where it read it (``review_sightings``): a later edit there replaces it.
    """
    frame = _plain_table(con, "reviews", reviews, _review_columns)
    if frame is None:
        import pandas as pd

        frame = reviews if isinstance(reviews, pd.DataFrame) else pd.DataFrame(list(reviews))
        if frame.empty:
            return 0, 0
        frame = _with_columns(frame, REVIEW_COLUMNS)
        # pandas gives an absent field as NaN: hash it as None (as every other writer does), not 'nan'.
        missing = frame["review_id"].isna()
        if missing.any():
            frame.loc[missing, "review_id"] = [
                review_id(*map(_given, row)) for row in
                frame.loc[missing, ["product_id", "author", "published_at", "body"]].itertuples(index=False)]
        missing = frame["content_hash"].isna()
        if missing.any():
            frame.loc[missing, "content_hash"] = [
                content_hash(*map(_given, row))
                for row in frame.loc[missing, ["title", "body"]].itertuples(index=False)]
        frame["collected_at"] = frame["collected_at"].fillna(now())
    total = len(frame)
    if not total:
        return 0, 0
    con.register("_incoming_reviews", frame)
    try:
        if crawl_run is not None:
            first = _first_rows(_typed_select(con, "reviews", "_incoming_reviews"), once=_ids_unique(frame))
            _restate_known(con, crawl_run, first)
            _note_sightings(con, crawl_run, first)
        # `reviews` has no key (migration 004): the first row of each id in the batch (by its
        # place: row_number() OVER () numbers a scan in its order), and only ids not stored yet.
        # One writer process holds the file at a time, so nothing can slip in between the
        # check and the insert.
        new = con.execute(f"""
            INSERT INTO reviews
            SELECT * EXCLUDE (_place) FROM (
                SELECT *, row_number() OVER () AS _place
                FROM ({_typed_select(con, "reviews", "_incoming_reviews")})) AS incoming
            WHERE NOT EXISTS (SELECT 1 FROM reviews AS stored
                              WHERE stored.review_id = incoming.review_id)
              {"" if crawl_run is not None else _NOT_EARLIER}
            QUALIFY row_number() OVER (PARTITION BY review_id ORDER BY _place) = 1
        """).fetchall()[0][0]
    finally:
        con.unregister("_incoming_reviews")
    return int(new), total - int(new)


# An earlier version of an edited review is no new review. A crawl stores one it reads again
# all the same: its author may have taken the edit back (supersede_edited decides at its end).
_NOT_EARLIER = """AND NOT EXISTS (SELECT 1 FROM review_versions AS earlier
                              WHERE earlier.review_id = incoming.review_id)"""


# A stored review that a crawl reads with other stars or another title. A value the page does
# not give (NULL) is no change: the same review read from other markup (a listing's snippet
# without titles) must not blank out what an earlier read found.
_RESTATED = ("((i.rating IS NOT NULL AND i.rating IS DISTINCT FROM r.rating) "
             "OR (i.title IS NOT NULL AND i.title IS DISTINCT FROM r.title))")


def _ids_unique(frame) -> bool:
    """Whether each ``review_id`` of the batch (an Arrow table or a DataFrame) is there once."""
    if hasattr(frame, "num_rows"):
        import pyarrow.compute as pc

        return pc.count_distinct(frame.column("review_id")).as_py() == frame.num_rows
    return bool(frame["review_id"].is_unique)


def _first_rows(incoming: str, once: bool) -> str:
    """SQL: the first row of each id of ``incoming`` (a SELECT of the batch); ``once``: each id is
    there once, as in a crawl's batch, which drops a review read twice.

    Numbering the rows costs a third of :func:`_restate_known` (~10 ms of ~30 for 5,000 reviews
    against 200,000 stored), so it is done only when an id is there twice."""
    return f"({incoming})" if once else f"""(
        SELECT * EXCLUDE (_place) FROM (SELECT *, row_number() OVER () AS _place FROM ({incoming}))
        QUALIFY row_number() OVER (PARTITION BY review_id ORDER BY _place) = 1)"""


def _note_sightings(con: duckdb.DuckDBPyConnection, run_id: int, first: str) -> None:
    """Note where crawl ``run_id`` read reviews that an import stored (``first``: the batch, one
    row per id, :func:`_first_rows`): the host and the link, in ``review_sightings``, one row per
    review and host; a new link replaces the one noted (the review moved to another page), a read
    without a link keeps it. :func:`supersede_edited` reads them: the author's later edit at that
    anchor replaces the imported row, as it replaces a crawled one.

    A store that no import wrote to is not read (the crawl's usual case): one look at the runs."""
    imported = con.execute("SELECT count(*) FROM collect_runs WHERE kind <> 'crawl'").fetchall()[0][0]
    if not imported:
        return
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _sighted AS
        SELECT i.review_id, i.source, i.url FROM reviews AS r JOIN {first} AS i USING (review_id)
        WHERE r.collect_run_id IS NULL
           OR r.collect_run_id NOT IN (SELECT run_id FROM collect_runs WHERE kind = 'crawl')""").fetchall()
    try:
        if not con.execute("SELECT count(*) FROM _sighted").fetchall()[0][0]:
            return
        at = now()
        con.execute("""
            UPDATE review_sightings AS s SET url = i.url, run_id = ?, seen_at = ?::TIMESTAMP
            FROM _sighted AS i
            WHERE s.review_id = i.review_id AND s.source = i.source
              AND i.url IS NOT NULL AND i.url IS DISTINCT FROM s.url""", [run_id, at]).fetchall()
        con.execute("""
            INSERT INTO review_sightings
            SELECT review_id, source, url, ?, ?::TIMESTAMP FROM _sighted AS i
            WHERE NOT EXISTS (SELECT 1 FROM review_sightings AS s
                              WHERE s.review_id = i.review_id AND s.source = i.source)""",
                    [run_id, at]).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _sighted").fetchall()


def _restate_known(con: duckdb.DuckDBPyConnection, run_id: int, first: str) -> int:
    """Update in place the stored reviews that crawl ``run_id`` reads with other stars or another
    title (``first``: the batch, one row per id, :func:`_first_rows`); return how many, also
    added to the run's ``reviews_edited``.

    The crawl reads the page as it is now, so its rating (with its original value and scale,
    which belong to it) and its title win; ``content_hash`` follows the title, so the analysis
    reads the review again. Only the stars and the title decide: a shop that writes the same
    stars another way ("5" as "5.0", 5 of 5 as 10 of 10) has edited nothing. The version it
    replaces is kept in ``review_versions`` with ``superseded_by`` its own id (the table has no
    key, and the id stays the same: the row in ``reviews`` is the version that replaced it), so
    nothing is lost, as for an edit of the text. Two set-based statements, one join of the batch
    with ``reviews`` when nothing changed: this runs at every write of a crawl. A batch that
    holds an id twice is read by its first row, as :func:`insert_reviews` does.
    """
    columns = ", ".join(f"r.{c}" for c in REVIEW_COLUMNS)
    changed = con.execute(f"""
        INSERT INTO review_versions
        SELECT {columns}, r.review_id, ?::TIMESTAMP, ?
        FROM reviews AS r JOIN {first} AS i USING (review_id)
        WHERE {_RESTATED}""", [now(), run_id]).fetchall()[0][0]
    if changed:
        # new stars change the review's rating-text mismatch, which its analysis row holds: the
        # row goes, so the next `analyze` reads the review again (a new title already changes
        # content_hash, which does the same)
        con.execute(f"""
            DELETE FROM review_analysis WHERE review_id IN (
                SELECT i.review_id FROM reviews AS r JOIN {first} AS i USING (review_id)
                WHERE i.rating IS NOT NULL AND i.rating IS DISTINCT FROM r.rating)""").fetchall()
        title = "coalesce(i.title, r.title)"
        con.execute(f"""
            UPDATE reviews AS r SET
                rating = coalesce(i.rating, r.rating),
                rating_original = CASE WHEN i.rating IS NULL THEN r.rating_original ELSE i.rating_original END,
                rating_scale = CASE WHEN i.rating IS NULL THEN r.rating_scale ELSE i.rating_scale END,
                title = {title},
                content_hash = {_CONTENT_HASH_SQL.format(title=title, body="r.body")}
            FROM {first} AS i
            WHERE i.review_id = r.review_id AND {_RESTATED}""").fetchall()
        con.execute("UPDATE collect_runs SET reviews_edited = reviews_edited + ? WHERE run_id = ?",
                    [changed, run_id]).fetchall()
    return int(changed)


# --- the batch as an Arrow table -------------------------------------------------------------
# A list of plain dicts (what the crawler writes) goes to DuckDB as an Arrow table built column
# by column: the same rows as through pandas (NULL for None, the same ids and hashes), without
# pandas' frame building and DuckDB's scan of Python objects (~40 ms of a 2,400-review write).
# Anything that is not a plain value of the column's type (a DataFrame, NaN in a text column,
# a number as text, an aware datetime, ...) takes the pandas path, where DuckDB's CAST reads it.

_PLAIN_TYPES = {"VARCHAR": (str,), "DOUBLE": (float, int), "INTEGER": (int,), "BIGINT": (int,),
                "BOOLEAN": (bool,), "DATE": (date,), "TIMESTAMP": (datetime,)}


def _arrow_type(sql_type: str):
    import pyarrow as pa

    return {"VARCHAR": pa.string(), "DOUBLE": pa.float64(), "INTEGER": pa.int32(),
            "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(),
            "TIMESTAMP": pa.timestamp("us")}.get(sql_type)


def _review_columns(columns: dict[str, list]) -> dict[str, list]:
    ids, hashes = columns["review_id"], columns["content_hash"]
    if None in ids or None in hashes:
        product, author, published, title, body = (columns[name] for name in (
            "product_id", "author", "published_at", "title", "body"))
        for index in range(len(ids)):
            if ids[index] is None:
                ids[index] = review_id(product[index], author[index], published[index], body[index])
            if hashes[index] is None:
                hashes[index] = content_hash(title[index], body[index])
    if None in columns["collected_at"]:
        stamp = now()
        columns["collected_at"] = [stamp if value is None else value for value in columns["collected_at"]]
    return columns


def _product_columns(columns: dict[str, list]) -> dict[str, list]:
    last: dict[Any, int] = {}
    for index, product in enumerate(columns["product_id"]):  # the last row of each product,
        last.pop(product, None)                               # in the order of those last rows
        last[product] = index
    if len(last) < len(columns["product_id"]):
        keep = list(last.values())
        columns = {name: [values[i] for i in keep] for name, values in columns.items()}
    stamp = now()
    for name in ("first_seen", "last_seen"):
        columns[name] = [stamp if value is None else value for value in columns[name]]
    return columns


def _plain_table(con: duckdb.DuckDBPyConnection, table: str, rows, finish_columns):
    """The rows as an Arrow table typed like ``table``, or None when they need the pandas path."""
    if not isinstance(rows, (list, tuple)) or not all(type(row) is dict for row in rows):
        return None
    import pyarrow as pa

    types = dict(_column_types(con, table))
    columns = {name: [row.get(name) for row in rows] for name in types}
    for name, values in columns.items():
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if not kinds <= set(_PLAIN_TYPES.get(types[name], ())):
            return None
        if float in kinds and any(value != value for value in values):
            return None  # NaN: pandas' missing value; the pandas path reads it as NULL
        if datetime in kinds and any(value.tzinfo is not None for value in values if value is not None):
            return None
    columns = finish_columns(columns)
    try:
        return pa.table({name: pa.array(values, type=_arrow_type(types[name]))
                         for name, values in columns.items()})
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, KeyError, TypeError):
        return None


def _given(value: Any) -> Any:
    """The value, or None for pandas' markers of a missing one (NaN, NA, NaT)."""
    import pandas as pd

    return None if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)) else value


def _with_columns(frame, columns: list[str]):
    """The frame with exactly ``columns`` in order; absent ones are added as all-NULL."""
    frame = frame.copy()
    for name in columns:
        if name not in frame.columns:
            frame[name] = None
    return frame[columns]


def _typed_select(con: duckdb.DuckDBPyConnection, table: str, source: str) -> str:
    """``SELECT CAST(col AS type), ... FROM source`` in the column order of ``table``."""
    return "SELECT " + ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in _column_types(con, table)) \
        + f" FROM {source}"


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """``(column, type)`` of ``table`` in order. ``PRAGMA table_info`` gives the same names and
    types as ``information_schema.columns`` (a test checks every table) in ~1 ms, not ~14 ms."""
    return [(row[1], row[2]) for row in con.execute(f"PRAGMA table_info('{table}')").fetchall()]


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of every table of ours (schema_version excluded)."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name <> 'schema_version' ORDER BY table_name").fetchall()]
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in names}


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Split an iterable into lists of at most ``size`` items."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
