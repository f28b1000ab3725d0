"""Benchmark: `reviewlens import` of a 1,000,000-review CSV next to DuckDB's own read_csv.

Run::

    .venv/bin/python -m benchmarks.bench_import --rows 1000000

It writes a CSV of project-written, templated reviews (about 2% of them repeated, as exports
that overlap do; ``--messy 0.5`` gives half of them export markup such as ``<br />`` and
``&#34;``), then in the same run times

* DuckDB alone: ``CREATE TABLE t AS SELECT * FROM read_csv(FILE)`` into a fresh file, and
* our import: :func:`crawler.importer.import_files` into a fresh store (column mapping, rating
  and date normalisation, text cleaning, language, stable review ids, dedupe, rejects),

and prints reviews/second for both and their ratio (goal: import >= 0.5 x DuckDB). Then the
floor any import that keeps the store's review ids must spend: reading the file, the two SHA-1s
per row that define ``review_id`` and ``content_hash``, and writing the finished rows, each
timed alone, and the ratio an import would reach at that floor.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

# Project-written fragments; combined at random so almost every review text is different.
_OPENERS = ["Bought this for my kitchen", "Got it as a gift", "Ordered a second one",
            "Used it every day for a month", "Replaced my old one with this",
            "My partner picked this", "After two weeks of use", "Out of the box"]
_PRAISE = ["the build feels solid", "it heats up quickly", "the handle is comfortable",
           "cleaning is easy", "it looks great on the counter", "the battery lasts all week",
           "setup took two minutes", "it is quieter than expected", "the price was fair"]
_COMPLAINTS = ["the lid sticks sometimes", "the cable is too short", "the manual is confusing",
               "it scratches easily", "the button feels cheap", "shipping took ages",
               "it gets hot on the outside", "the app keeps logging me out"]
_WISHES = ["I wish it came with a spare filter", "a timer would be nice",
           "it should have a longer warranty", "please add a travel case",
           "I would love a smaller version", ""]
_FOREIGN = ["Sehr gut verarbeitet, aber der Deckel klemmt manchmal. Für den Preis völlig in Ordnung.",
            "Très pratique au quotidien, mais le câble est un peu court. Je le recommande quand même.",
            "Funciona muy bien y se limpia fácil, aunque el botón parece barato."]
_NAMES = ["Ann", "Bo", "Chris", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lea"]
_TITLES = ["Great value", "Does the job", "Not bad", "Could be better", "Love it",
           "Disappointed", "Solid choice", "Mixed feelings"]


def _mess_up(body: str, rng: random.Random) -> str:
    """The body as marketplace exports often carry it: line breaks as <br /> tags or new lines,
    quotes and ampersands as entities, curly apostrophes, doubled spaces."""
    body = body.replace(". ", rng.choice([".<br /><br />", ".\n", ".  ", ". <br/>"]), 2)
    body = body.replace("it is", rng.choice(["it&#39;s", "it\u2019s", "it is"]))
    body = body.replace(" and ", rng.choice([" &amp; ", " and ", " & "]), 1)
    return body if rng.random() < 0.5 else f"&#34;{body}&#34;"


def write_reviews_csv(path: Path, rows: int, seed: int = 0, messy: float = 0.0) -> Path:
    """Write ``rows`` generic-layout reviews (product_id,rating,title,body,date,author) to ``path``;
    a ``messy`` share of the English bodies carries export markup (:func:`_mess_up`).

    >>> write_reviews_csv(Path("/tmp/r.csv"), 10)  # doctest: +SKIP
    """
    rng = random.Random(seed)
    products = [f"P{n:05d}" for n in range(2000)]
    written: list[list[str]] = []
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["product_id", "rating", "title", "body", "date", "author"])
        for n in range(rows):
            if written and rng.random() < 0.02:  # the same review exported twice
                out.writerow(rng.choice(written))
                continue
            rating = rng.choices([1, 2, 3, 4, 5], weights=[8, 7, 12, 28, 45])[0]
            if rng.random() < 0.03:
                body = rng.choice(_FOREIGN) + f" ({n})"
            else:
                parts = [f"{rng.choice(_OPENERS)}: {rng.choice(_PRAISE)}, but {rng.choice(_COMPLAINTS)}.",
                         f"Also {rng.choice(_PRAISE)} and {rng.choice(_PRAISE)}.",
                         rng.choice(_WISHES), f"Order {n}."]
                body = " ".join(p for p in parts if p)
                if messy and rng.random() < messy:
                    body = _mess_up(body, rng)
            row = [rng.choice(products), str(rating), rng.choice(_TITLES), body,
                   f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                   f"{rng.choice(_NAMES)}{rng.randint(1, 9999)}"]
            out.writerow(row)
            if len(written) < 10_000:
                written.append(row)
    return path


def time_duckdb(csv_path: Path, workdir: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds (all threads) for DuckDB's own CREATE TABLE AS read_csv into a fresh
    file, and the row count."""
    import duckdb

    db = workdir / "plain.duckdb"
    cpu = time.process_time()
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv_path)]).fetchall()
    con.close()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    con = duckdb.connect(str(db), read_only=True)
    count = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    return elapsed, cpu, count


def time_import(csv_path: Path, workdir: Path):
    """Wall and CPU seconds (all threads) for import_files into a fresh store, and its summary."""
    from crawler.importer import import_files

    db = workdir / "store.duckdb"
    cpu = time.process_time()
    started = time.perf_counter()
    summary = import_files(str(db), [str(csv_path)], progress=False)
    return time.perf_counter() - started, time.process_time() - cpu, summary


def time_store_write(workdir: Path) -> tuple[float, float, int]:
    """Seconds to copy the imported reviews, already normalised, into a fresh store: the cost of
    the write alone (the 18 columns of ``reviews``), for comparison."""
    import duckdb

    from data import store

    fresh = workdir / "floor.duckdb"
    fresh.unlink(missing_ok=True)
    store.ensure(str(fresh))
    cpu = time.process_time()
    started = time.perf_counter()
    con = duckdb.connect(str(fresh))
    con.execute(f"ATTACH '{workdir / 'store.duckdb'}' AS imported (READ_ONLY)")
    count = con.execute("INSERT INTO reviews SELECT * FROM imported.reviews").fetchall()[0][0]
    con.close()
    return time.perf_counter() - started, time.process_time() - cpu, count


def time_read_and_hashes(csv_path: Path) -> tuple[float, float, float, float]:
    """(wall, CPU) of the import's own read of the file into memory, then (wall, CPU) of the two
    SHA-1s per row that define ``review_id`` and ``content_hash``, alone: the importer's own SQL
    (:data:`crawler.importer._REVIEW_ID_SQL`, ``_CONTENT_HASH_SQL``) over the file's rows, on
    every core. With the write alone (:func:`time_store_write`) they are what any import that
    keeps the store's ids must spend, whatever else it does."""
    import duckdb

    from crawler.import_readers import read_into
    from crawler.importer import _CONTENT_HASH_SQL, _REVIEW_ID_SQL

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    cpu = time.process_time()
    started = time.perf_counter()
    read_into(con, csv_path)
    read_s, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    con.execute("""CREATE TABLE rows AS SELECT product_id, author, title, body,
                   try_cast(date AS DATE) AS published_at, false AS relative FROM raw""").fetchall()
    con.execute("DROP TABLE raw").fetchall()
    cpu = time.process_time()
    started = time.perf_counter()
    con.execute(f"SELECT sum(length(a) + length(b)) FROM (SELECT {_REVIEW_ID_SQL} AS a, "
                f"{_CONTENT_HASH_SQL} AS b FROM rows)").fetchall()
    hash_s, hash_cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return read_s, read_cpu, hash_s, hash_cpu


def check_dedupe(workdir: Path) -> tuple[int, int]:
    """(stored reviews, distinct review ids) in the imported store: equal when dedupe held."""
    import duckdb

    con = duckdb.connect(str(workdir / "store.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*), count(DISTINCT review_id) FROM reviews").fetchall()[0]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    parser.add_argument("--csv", metavar="FILE", help="time this CSV (generic layout) instead of writing one")
    parser.add_argument("--repeat", type=int, default=1, help="time each side this many times, keep the best")
    parser.add_argument("--messy", type=float, default=0.0, metavar="SHARE",
                        help="give this share of the bodies export markup (<br />, &#34;, new lines)")
    args = parser.parse_args(argv)

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if args.csv:
            csv_path = Path(args.csv)
        else:
            csv_path = workdir / "reviews.csv"
            started = time.perf_counter()
            write_reviews_csv(csv_path, args.rows, messy=args.messy)
            print(f"wrote {args.rows:,} reviews ({csv_path.stat().st_size / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - started:.1f}s")
        print(f"file: {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB); cpus: {os.cpu_count()}")
        best_duck = best_import = cpu_duck = cpu_import = float("inf")
        summary = None
        for _ in range(args.repeat):
            for name in ("plain.duckdb", "store.duckdb"):
                (workdir / name).unlink(missing_ok=True)
                (workdir / f"{name}.wal").unlink(missing_ok=True)
            duck_s, duck_cpu, duck_rows = time_duckdb(csv_path, workdir)
            import_s, import_cpu, summary = time_import(csv_path, workdir)
            best_duck, best_import = min(best_duck, duck_s), min(best_import, import_s)
            cpu_duck, cpu_import = min(cpu_duck, duck_cpu), min(cpu_import, import_cpu)
        print(f"duckdb read_csv : {duck_rows:,} rows in {best_duck:.2f}s = {duck_rows / best_duck:,.0f} "
              f"reviews/s ({cpu_duck:.1f} CPU-s)")
        print(f"reviewlens import: {summary.read:,} rows in {best_import:.2f}s = "
              f"{summary.read / best_import:,.0f} reviews/s ({cpu_import:.1f} CPU-s; "
              f"imported {summary.imported:,}, duplicates {summary.duplicates:,}, "
              f"rejected {summary.rejected:,})")
        stored, distinct = check_dedupe(workdir)
        print(f"stored reviews {stored:,}, distinct review ids {distinct:,}"
              f"{'' if stored == distinct else '  <-- DEDUPE FAILED'}")
        ratio = (summary.read / best_import) / (duck_rows / best_duck)
        print(f"ratio import/duckdb: {ratio:.2f} by wall time, {cpu_duck / cpu_import:.2f} by CPU time "
              f"(goal >= 0.50)")
        floor_s, floor_cpu, floor_rows = time_store_write(workdir)
        print(f"for reference, writing the {floor_rows:,} finished rows into a fresh store alone: "
              f"{floor_s:.2f}s = {floor_rows / floor_s:,.0f} reviews/s ({floor_cpu:.1f} CPU-s; "
              f"{(floor_rows / floor_s) / (duck_rows / best_duck):.2f} x duckdb read_csv by wall time, "
              f"{cpu_duck / floor_cpu:.2f} by CPU time)")
        read_s, read_cpu, hash_s, hash_cpu = time_read_and_hashes(csv_path)
        floor = read_s + hash_s + floor_s
        print(f"floor: reading the file {read_s:.2f}s ({read_cpu:.1f} CPU-s) + the two SHA-1s per row "
              f"alone {hash_s:.2f}s ({hash_cpu:.1f} CPU-s) + writing the finished rows {floor_s:.2f}s "
              f"= {floor:.2f}s, against the {2 * best_duck:.2f}s that 0.5 x read_csv allows "
              f"({read_cpu + hash_cpu + floor_cpu:.1f} CPU-s against {2 * best_duck * (os.cpu_count() or 1):.1f} "
              f"on {os.cpu_count()} cores); ratio at that floor {best_duck / floor:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
