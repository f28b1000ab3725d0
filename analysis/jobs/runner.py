"""One job (`reviewlens run`): crawl every source, analyze the new reviews, write the reports.

Each step is recorded in the ``job_runs`` table as it ends (status, counts, seconds), each in
its own short write, so the dashboard keeps reading between them and a killed job still shows
how far it got; the next job, taking over the killed one's lock, marks its row failed. A failing
source is reported and the others still run.

A step is ``partial`` when it did its work but not all of it: a crawl with pages it could not
read (an error, or a start URL that answered 404 or 410: a typo, a removed page), an analysis
that skipped reviews after an error. Its ``error`` says what was missed.

Exit codes (the job's ``exit_code``; `reviewlens run` exits with it):

- 0: every step succeeded, with nothing missed.
- 3: some sources failed, or some step was partial; the rest were crawled, analysed and reported.
- 1: nothing useful: every source failed, or the analysis or the reports failed.
- 2: the sources file is wrong (nothing was run).
- 4: another job (or `reviewlens analyze`) holds the store's lock (nothing was run).

The steps are passed in (``crawl``, ``analyze``, ``prepare_model``, ``write_reports``) and
default to the real stages, so tests can swap any of them.

Example::

    from analysis.jobs.runner import run_job
    from analysis.jobs.sources import load_sources
    result = run_job("data/reviewlens.duckdb", load_sources("reviewlens.toml"))
    raise SystemExit(result.exit_code)
"""
from __future__ import annotations

import functools
import json
import os
import signal
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from analysis.jobs.lock import EXIT_LOCKED, JobLock, lock_path_for, took_over_line
from analysis.jobs.sources import JobConfig, Source
from crawler.crawl import LISTING_LIMIT, MAX_LISTING_PAGES, START_URL_GONE
from data import store

EXIT_OK, EXIT_FAILED, EXIT_BAD_SOURCES, EXIT_SOME_FAILED = 0, 1, 2, 3
# EXIT_LOCKED (4) is imported from analysis.jobs.lock: `reviewlens analyze` exits with it too


class JobStopped(BaseException):
    """The job was asked to stop (SIGTERM); it records itself as stopped and exits.

    A ``BaseException``, like ``KeyboardInterrupt``: the ``except Exception`` of a step that
    goes on after an error (the analysis retrying a batch review by review, a failing source)
    must not swallow a stop."""


@dataclass
class Step:
    """What one step did: ``status`` is ok, partial, failed or skipped."""
    step: str
    target: str
    status: str = "running"
    seconds: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "target": self.target, "status": self.status,
                "seconds": round(self.seconds, 2), "counts": self.counts, "error": self.error}


@dataclass
class JobResult:
    """The outcome of :func:`run_job`."""
    job_id: int | None
    status: str
    exit_code: int
    steps: list[Step]
    took_over: dict[str, Any] | None = None

    def failed_sources(self) -> list[str]:
        return [s.target for s in self.steps if s.step == "crawl" and s.status == "failed"]


def run_job(db: str, config: JobConfig, *, crawl: Callable | None = None, analyze: Callable | None = None,
            prepare_model: Callable | None = None, write_reports: Callable | None = None,
            reports_dir: str | os.PathLike | None = None, lock_path: str | os.PathLike | None = None,
            log: Callable[[str], None] = print, progress: bool = False,
            warn: Callable[[str], None] | None = None) -> JobResult:
    """Run the whole job under the lock; see the module docstring for the exit codes.

    ``log`` gets the progress lines; ``warn`` (default ``log``) the lines an operator must see
    even when the progress is hidden: a lock taken over from a killed job, a job that could not
    be recorded. Raises :class:`analysis.jobs.lock.JobLocked` when another job (or `reviewlens
    analyze`) is running on ``db``. The analyze step runs under this job's lock (it does not take
    it again).
    """
    warn = warn or log
    crawl = crawl or _real_crawl
    analyze = analyze or _real_analyze
    prepare_model = prepare_model or functools.partial(_real_prepare_model, log=log)
    write_reports = write_reports or _real_write_reports
    reports_dir = Path(reports_dir or config.reports_dir)
    with JobLock(lock_path or lock_path_for(db), command="reviewlens run", target=f"the store {db}") as lock:
        if lock.took_over:
            warn(took_over_line(lock.took_over))
        record = _Record(db, config, warn)
        lock.note(job_id=record.job_id)
        if lock.took_over and isinstance(lock.took_over.get("job_id"), int):
            record.killed(lock.took_over["job_id"])
        steps: list[Step] = []
        status, code = "failed", EXIT_FAILED
        try:
            total = len(config.sources) + 2
            for number, source in enumerate(config.sources, 1):
                log(f"[{number}/{total}] crawl {source.name!r}: {len(source.start_urls)} start URL(s)")
                # in the list before it runs: a step the job is stopped in is recorded too
                steps.append(step := Step("crawl", source.name))
                _run_step(step, lambda s=source: _crawl_source(db, s, crawl, progress), log)
                record.update(steps)
            crawled = [s for s in steps if s.status in ("ok", "partial")]
            log(f"[{total - 1}/{total}] analyze")
            if crawled:
                steps.append(step := Step("analyze", db))
                _run_step(step, lambda: _analyze(db, config, analyze, prepare_model, progress), log)
            else:
                steps.append(step := Step("analyze", db, status="skipped", error="no source was crawled"))
                log("  skipped: no source was crawled")
            record.update(steps)
            log(f"[{total}/{total}] reports -> {reports_dir}")
            if step.status in ("ok", "partial"):
                steps.append(report_step := Step("reports", str(reports_dir)))
                _run_step(report_step, lambda: write_reports(db, reports_dir, config.excel), log)
            else:
                steps.append(Step("reports", str(reports_dir), status="skipped", error="the analysis did not run"))
                log("  skipped: the analysis did not run")
            status, code = _outcome(steps)
        except (JobStopped, KeyboardInterrupt):
            status, code = "stopped", EXIT_FAILED
            log("stopped before the end; the steps done so far are kept")
            raise
        finally:
            record.finish(steps, status, code)
        return JobResult(record.job_id, status, code, steps, lock.took_over)


def _outcome(steps: list[Step]) -> tuple[str, int]:
    """failed (1): no source crawled, or the analysis or reports did not succeed; partial (3):
    a source failed or any step missed something; ok (0): every step ok."""
    crawls = [s for s in steps if s.step == "crawl"]
    crawled = [s for s in crawls if s.status in ("ok", "partial")]
    rest = [s for s in steps if s.step != "crawl"]
    if not crawled or any(s.status not in ("ok", "partial") for s in rest):
        return "failed", EXIT_FAILED
    if len(crawled) < len(crawls) or any(s.status == "partial" for s in steps):
        return "partial", EXIT_SOME_FAILED
    return "ok", EXIT_OK


def _run_step(step: Step, work: Callable[[], dict | None], log: Callable[[str], None]) -> Step:
    started = time.monotonic()
    try:
        counts = work() or {}
        step.status = str(counts.pop("status", "ok")) if isinstance(counts, dict) else "ok"
        if step.status not in ("ok", "partial", "failed"):
            step.status = "ok"
        step.counts = _jsonable(counts)
        if step.status == "failed":
            step.error = str(step.counts.pop("error", None) or "the step reported failure")
        elif step.status == "partial":
            step.error = str(step.counts.pop("error", None) or "the step did not do all of its work")
    except (JobStopped, KeyboardInterrupt):
        step.status, step.error = "failed", "stopped"
        step.seconds = time.monotonic() - started
        raise
    except Exception as exc:  # one source or stage failing must not stop the job
        step.status = "failed"
        step.error = f"{type(exc).__name__}: {exc}"
        step.counts = {"traceback": traceback.format_exc(limit=3)[-1500:]}
    step.seconds = time.monotonic() - started
    shown = ", ".join([f"{k} {v}" for k, v in step.counts.items()
                       if k not in ("traceback", "run_id") and isinstance(v, (int, float, str))]
                      + ([f"problems {problem_counts(step.counts['problems'])}"]
                         if isinstance(step.counts.get("problems"), dict) and step.counts["problems"] else []))
    log(f"  {step.status}{': ' + shown if shown else ''}{' - ' + step.error if step.error else ''} "
        f"({step.seconds:.1f}s)")
    return step


def _crawl_source(db: str, source: Source, crawl: Callable, progress: bool) -> dict:
    result = crawl(db, source.start_urls, max_pages=source.max_pages, incremental=True,
                   profile=source.profile, obey_robots=source.obey_robots, polite=source.polite,
                   category=source.category, progress=progress, day_first=source.day_first)
    result = dict(result or {})
    problems = result.get("problems") if isinstance(result.get("problems"), dict) else {}
    if not result.get("pages") and result.get("exit_code") is None:
        # Nothing read from the start URLs, whatever the reason: host down, but also only 404s
        # or pages robots.txt forbids, which are not errors (see crawler/spiders/reviews.py)
        # yet here mean a mistyped URL or a site that bars us; the source failed (the crawl's
        # own record says failed too: crawler.pipelines). The crawl's own words, when it has
        # some, say why: a store it could not open, a robots.txt it could not read, is no typo.
        result["status"] = "failed"
        own = result.get("error") or result.get("message")
        result["error"] = f"no page could be read: {own}" if own else no_page_read(problems)
    elif result.get("status") == "failed" and not result.get("error") and result.get("message"):
        result["error"] = result["message"]   # the crawl process's own last words
    elif result.get("status") in ("ok", "partial") and problems.get(START_URL_GONE):
        # A page that answered 404 or 410 is no error to the crawler (a sitemap that still
        # names a sold-out product must not stop a healthy shop's crawl), but a start URL of
        # the sources file that did is a typo or a removed page, read by no one until somebody
        # looks: the source is partial.
        result["status"] = "partial"
    if result.get("status") == "partial" and not result.get("error"):
        result["error"] = pages_missed(problems)
    if result.get("status") != "failed":
        _record_sides(db, source, result.get("run_id"))
    return result




def problem_counts(problems: dict | None) -> str:
    """A crawl's problems by name, as the log and the job's errors show them.

    >>> problem_counts({"http_500": 1, "http_404": 2})
    'http_404 2, http_500 1'
    """
    return ", ".join(f"{name} {count}" for name, count in sorted((problems or {}).items()))


def pages_missed(problems: dict | None) -> str:
    """Why a source is partial: what its crawl could not read, and what to do.

    >>> pages_missed({"http_404": 1, "start_url_gone": 1})
    'some pages could not be read: http_404 1, start_url_gone 1; a start URL of the sources file answered 404 or 410: check it for a typo, or remove a page that is gone'
    """
    found = problem_counts(problems) or "no problem was recorded"
    if (problems or {}).get(START_URL_GONE):
        return (f"some pages could not be read: {found}; a start URL of the sources file answered "
                f"404 or 410: check it for a typo, or remove a page that is gone")
    if (problems or {}).get(LISTING_LIMIT):
        return (f"some pages could not be read: {found}; a listing is longer than a crawl follows "
                f"({MAX_LISTING_PAGES} next pages per start URL): add its later pages, its subcategories "
                f"or the shop's sitemap to the source's urls")
    return f"some pages could not be read: {found}; the next run reads this source in full again"


def no_page_read(problems: dict | None) -> str:
    """Why a source failed that read no page at all, with the crawl's problems by name.

    >>> no_page_read({"http_404": 1})
    'no page could be read: http_404 1; check the URLs in the sources file (a typo gives http_404) and robots.txt'
    """
    found = problem_counts(problems)
    return (f"no page could be read: {found or 'no problem was recorded'}; "
            f"check the URLs in the sources file (a typo gives http_404) and robots.txt")


def _record_sides(db: str, source: Source, run_id: Any) -> None:
    """Mark the source's products as ours or competitor (per-product overrides win): those with
    new reviews, and those the crawl saw again (``last_seen`` from its start on), so a source
    whose side changed in the sources file re-marks the products it had collected before."""
    with store.writer(db) as con:
        ids: set[str] = set()
        if run_id is not None:
            ids |= {r[0] for r in con.execute(
                "SELECT DISTINCT product_id FROM reviews WHERE collect_run_id = ?", [run_id]).fetchall()}
            ids |= {r[0] for r in con.execute(
                "SELECT product_id FROM products WHERE last_seen >= "
                "(SELECT started_at FROM collect_runs WHERE run_id = ?)", [run_id]).fetchall()}
        if source.urls:
            marks = ",".join("?" for _ in source.urls)
            ids |= {r[0] for r in con.execute(
                f"SELECT product_id FROM products WHERE url IN ({marks})", source.urls).fetchall()}
        sides = {pid: source.side for pid in ids}
        sides.update(source.products)
        for product_id, side in sorted(sides.items()):
            con.execute("INSERT INTO product_sides VALUES (?, ?, ?, ?) ON CONFLICT (product_id) DO UPDATE "
                        "SET side = excluded.side, source = excluded.source, updated_at = excluded.updated_at",
                        [product_id, side, source.name, store.now()])


def _analyze(db: str, config: JobConfig, analyze: Callable, prepare_model: Callable, progress: bool) -> dict:
    prepare_model(db)
    result = dict(analyze(db, device=config.device, full=False, progress=progress) or {})
    counts = result.get("counts") if isinstance(result.get("counts"), dict) else {}
    flat = {"run_id": result.get("run_id"), **counts}
    flat["status"] = result.get("status", "ok")
    if flat["status"] not in ("ok", "partial", "failed"):
        flat["status"] = "ok" if flat["status"] in ("done", "nothing to do", "up to date") else flat["status"]
    if flat["status"] == "partial" and counts.get("skipped_error"):
        flat["error"] = (f"{counts['skipped_error']} review(s) could not be analysed (an error; see the log "
                         f"of the analysis) and were skipped; the next run tries them again")
    return flat


def _real_crawl(db, urls, **options) -> dict:
    from crawler.crawl import run_crawl

    return run_crawl(db, urls, **options)


def _real_analyze(db, **options) -> dict:
    from analysis.pipeline import run_analysis

    return run_analysis(db, **options)


def _real_prepare_model(db, log: Callable[[str], None] = print) -> None:
    from analysis.sentiment import default_model_dir, default_model_ready, ensure_default_model

    if not default_model_ready(default_model_dir()):
        log(f"  sentiment model: none in {default_model_dir()} yet; training it (one time, minutes on CPU)")
        started = time.monotonic()
        ensure_default_model(db, log=lambda message: log(f"  sentiment model: {message}"))
        log(f"  sentiment model: trained in {time.monotonic() - started:.0f}s")


def _real_write_reports(db, reports_dir, excel) -> dict:
    from analysis import report

    written = report.write_all(db, reports_dir, excel=excel)
    return {"reports": len(written)}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class _Record:
    """The job's row in ``job_runs``, written in short transactions; a busy store only warns
    (through ``warn``, which the commands show even with --quiet)."""

    def __init__(self, db: str, config: JobConfig, warn: Callable[[str], None]):
        self.db, self.log, self.job_id = db, warn, None
        try:
            with store.writer(db) as con:
                self.job_id = int(con.execute("SELECT nextval('job_run_ids')").fetchall()[0][0])
                con.execute("INSERT INTO job_runs (job_id, started_at, status, pid, sources_file, steps, counts) "
                            "VALUES (?, ?, 'running', ?, ?, '[]', '{}')",
                            [self.job_id, store.now(), os.getpid(), str(config.path)])
        except store.StoreError as exc:
            warn(f"warning: could not record the job in {db}: {exc}")

    def killed(self, job_id: int) -> None:
        """Mark a job whose lock this one took over as failed, if its row still says running: it
        was killed (SIGKILL, out of memory, a reboot) and could not say so itself."""
        by = f"job #{self.job_id}" if self.job_id is not None else "a later job"
        error = f"killed (lock taken over by {by})"
        try:
            with store.writer(self.db) as con:
                rows = con.execute("SELECT counts FROM job_runs WHERE job_id = ? AND status = 'running'",
                                   [job_id]).fetchall()
                if not rows:
                    return
                counts = _json_object(rows[0][0])
                counts["error"] = error
                con.execute("UPDATE job_runs SET status = 'failed', exit_code = ?, finished_at = ?, counts = ? "
                            "WHERE job_id = ?", [EXIT_FAILED, store.now(), json.dumps(counts), job_id])
        except store.StoreError as exc:
            self.log(f"warning: could not mark job #{job_id} as failed in {self.db}: {exc}")
            return
        self.log(f"job #{job_id} was still marked running: recorded as failed, {error}")

    def update(self, steps: list[Step], **extra) -> None:
        if self.job_id is None:
            return
        try:
            with store.writer(self.db) as con:
                con.execute("UPDATE job_runs SET steps = ?, counts = ? WHERE job_id = ?",
                            [json.dumps([s.as_dict() for s in steps]), json.dumps(_totals(steps)), self.job_id])
        except store.StoreError as exc:
            self.log(f"warning: could not record progress of job #{self.job_id}: {exc}")

    def finish(self, steps: list[Step], status: str, code: int) -> None:
        if self.job_id is None:
            return
        try:
            with store.writer(self.db) as con:
                con.execute("UPDATE job_runs SET steps = ?, counts = ?, status = ?, exit_code = ?, finished_at = ? "
                            "WHERE job_id = ?",
                            [json.dumps([s.as_dict() for s in steps]), json.dumps(_totals(steps)), status, code,
                             store.now(), self.job_id])
        except store.StoreError as exc:
            self.log(f"warning: could not record the end of job #{self.job_id}: {exc}")


def _json_object(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return {}
    return dict(value) if isinstance(value, dict) else {}


def _totals(steps: list[Step]) -> dict[str, Any]:
    crawls = [s for s in steps if s.step == "crawl"]
    totals: dict[str, Any] = {
        "sources_ok": sum(s.status in ("ok", "partial") for s in crawls),
        "sources_failed": sum(s.status == "failed" for s in crawls),
    }
    for key in ("pages", "reviews_new", "duplicates", "rejected", "errors"):
        totals[key] = sum(int(s.counts.get(key) or 0) for s in crawls if isinstance(s.counts.get(key), (int, float)))
    totals["seconds"] = round(sum(s.seconds for s in steps), 2)
    return totals


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into :class:`JobStopped` in the main thread, so the job records itself and
    releases the lock on the way out (a scheduler or systemd stopping it)."""
    def handler(signum, frame):
        raise JobStopped(f"stopped by signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
