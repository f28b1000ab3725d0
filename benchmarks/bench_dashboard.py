"""How fast the dashboard's pages are at 10k, 100k and 1M reviews.

Builds generated stores (reviews plus the derived rows the batch job would write, straight
with SQL: see dashboard/sample_data.py), then for each page prints:

- the time of the page's queries, cold query cache, median of a few runs;
- the time of building the in-memory per-review summaries, which happens once per store
  version (the first view after a job wrote), shared by every page and session;
- the time of one full AppTest run of the page (cold cache), i.e. what a first visit costs
  on the server, charts and tables included, without the browser.

and how each grows from the smallest to the largest store. Goal: every page's queries under
300 ms at 1,000,000 reviews.

Run:  .venv/bin/python -m benchmarks.bench_dashboard [--sizes 10000,100000,1000000] [--repeat 3]
Stores are kept in bench-out/ (gitignored) and reused on the next run.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench-out"
GOAL_MS = 300


def build_store(size: int) -> str:
    from dashboard import sample_data

    path = OUT / f"dashboard_{size}.duckdb"
    done = path.with_suffix(".ready")
    if path.exists() and done.exists():
        return str(path)
    path.unlink(missing_ok=True)
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    sample_data.build(path, reviews=size, products=max(20, size // 5000))
    done.write_text("ok")
    print(f"  built {size:>9,} reviews in {time.perf_counter() - started:6.1f} s -> {path}", flush=True)
    return str(path)


def page_queries(db: str) -> dict[str, list]:
    """Each page's queries, as the page calls them (default filters, busiest product)."""
    from dashboard import queries as q
    from data import store

    stamp = q.store_stamp(db)
    f = q.Filters()
    span = store.query(db, "SELECT max(published_at) FROM reviews").scalar()
    top = store.query(db, "SELECT product_id FROM reviews GROUP BY 1 ORDER BY count(*) DESC LIMIT 2").rows
    p1, p2 = top[0][0], top[1][0]
    themes = store.query(db, "SELECT theme_id FROM themes WHERE kind = 'complaint' "
                             "ORDER BY size DESC LIMIT 10").rows
    theme_ids = tuple(t[0] for t in themes)
    filtered = q.ReviewQuery(product_id=p1, stars=(1, 2), aspect="lid")
    searched = q.ReviewQuery(search="broke after")

    def explorer(rq):
        _total, page = q.explore(db, stamp, rq, f, 0)
        q.review_markup(db, stamp, tuple(page["review_id"]), tuple(int(n) for n in page["n_sentences"]))

    return {
        "overview": [lambda: q.store_state(db, stamp), lambda: q.filter_choices(db, stamp),
                     lambda: q.overview_products(db, stamp, f, span),
                     lambda: q.emerging_complaints(db, stamp, f, span)],
        "product": [lambda: q.products(db, stamp), lambda: q.product_summary(db, stamp, p1, f),
                    lambda: q.product_insights(db, stamp, p1),
                    lambda: q.aspect_sentiment(db, stamp, (p1,), f),
                    lambda: q.rating_distribution(db, stamp, p1, f),
                    lambda: q.sentiment_over_time(db, stamp, p1, f),
                    lambda: q.product_themes(db, stamp, p1)],
        "compare": [lambda: q.products(db, stamp), lambda: q.aspect_sentiment(db, stamp, (p1, p2), f)],
        "themes": [lambda: q.themes(db, stamp, "complaint", f, span),
                   lambda: q.theme_examples(db, stamp, theme_ids)],
        "reviews": [lambda: q.products(db, stamp), lambda: q.theme_list(db, stamp),
                    lambda: q.aspect_list(db, stamp),
                    lambda: explorer(q.ReviewQuery())],
        "reviews (product+stars+aspect)": [lambda: explorer(filtered)],
        "reviews (text search)": [lambda: explorer(searched)],
    }


def time_queries(db: str, calls: list, repeat: int) -> tuple[float, float]:
    """One page's queries as a page run makes them: one read-only connection, cold query cache
    (the per-store summaries are built already, see time_summaries)."""
    import streamlit as st

    from dashboard import queries as q

    runs, cpu = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        with q.page_run(db):
            for call in calls:
                call()
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(runs) * 1000, statistics.median(cpu) * 1000


def time_summaries(db: str) -> float:
    """The in-memory per-review summaries the dashboard builds once per store version (ms)."""
    import streamlit as st

    from dashboard import queries as q

    st.cache_resource.clear()
    stamp = q.store_stamp(db)
    started = time.perf_counter()
    with q.page_run(db):
        q.review_facts(db, stamp)
        q.theme_facts(db, stamp)
        q.aspect_facts(db, stamp)
    return (time.perf_counter() - started) * 1000


def time_apptest(db: str, page: str) -> float:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["REVIEWLENS_DB"] = db
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=300)
    at.run()  # lands on the overview; switching needs one run first
    st.cache_data.clear()
    started = time.perf_counter()
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"the {page} page failed at {db}: {at.exception[0].value}")
    return elapsed * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for name in ("streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)

    print(f"reviewlens dashboard benchmark on {os.cpu_count()} CPU(s), python {sys.version.split()[0]}")
    print("building stores (generated reviews + derived rows, kept in bench-out/):", flush=True)
    dbs = {size: build_store(size) for size in sizes}

    query_ms: dict[str, dict[int, float]] = {}
    query_cpu: dict[str, dict[int, float]] = {}
    app_ms: dict[str, dict[int, float]] = {}
    summary_ms: dict[int, float] = {}
    for size, db in dbs.items():
        summary_ms[size] = statistics.median(time_summaries(db) for _ in range(args.repeat))
        for page, calls in page_queries(db).items():
            wall, cpu = time_queries(db, calls, args.repeat)
            query_ms.setdefault(page, {})[size] = wall
            query_cpu.setdefault(page, {})[size] = cpu
        for page in ("overview", "product", "compare", "themes", "reviews"):
            app_ms.setdefault(page, {})[size] = time_apptest(db, page)
        print(f"  measured {size:,} reviews", flush=True)

    head = "".join(f"{s:>12,}" for s in sizes)
    grow = f"{'x ' + format(sizes[-1] // sizes[0], ',') + ' reviews':>16}" if len(sizes) > 1 else ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average at the end: {load:.1f} on {os.cpu_count()} CPU(s)")
    print(f"\npage queries, cold query cache, median of {args.repeat}, wall time (ms)")
    print(f"{'page':<32}{head}{grow}   goal < {GOAL_MS} ms at the largest")
    for page, by_size in query_ms.items():
        ratio = f"{by_size[sizes[-1]] / by_size[sizes[0]]:>15.1f}x" if len(sizes) > 1 else ""
        verdict = "ok" if by_size[sizes[-1]] < GOAL_MS else "OVER"
        print(f"{page:<32}" + "".join(f"{by_size[s]:>12.0f}" for s in sizes) + ratio + f"   {verdict}")
    print(f"\nthe same, CPU time of this process (all its threads; less sensitive to other load) (ms)")
    print(f"{'page':<32}{head}{grow}")
    for page, by_size in query_cpu.items():
        ratio = f"{by_size[sizes[-1]] / by_size[sizes[0]]:>15.1f}x" if len(sizes) > 1 else ""
        print(f"{page:<32}" + "".join(f"{by_size[s]:>12.0f}" for s in sizes) + ratio)
    ratio = f"{summary_ms[sizes[-1]] / summary_ms[sizes[0]]:>15.1f}x" if len(sizes) > 1 else ""
    print(f"{'(once per store change) summaries':<32}" + "".join(f"{summary_ms[s]:>12.0f}" for s in sizes)
          + ratio + "   built on the first view after a job")
    print("\nfull AppTest run of the page, cold query cache (ms)")
    print(f"{'page':<32}{head}{grow}")
    for page, by_size in app_ms.items():
        ratio = f"{by_size[sizes[-1]] / by_size[sizes[0]]:>15.1f}x" if len(sizes) > 1 else ""
        print(f"{page:<32}" + "".join(f"{by_size[s]:>12.0f}" for s in sizes) + ratio)


if __name__ == "__main__":
    main()
