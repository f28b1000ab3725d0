"""Jobs and reports: `report`, `run`, `schedule`, `demo`, `sources check`."""
from __future__ import annotations

import click

from dashboard.commands.common import db_option, friendly_errors


@click.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
@click.option("--kind", type=click.Choice(["summary", "aspects", "needs", "themes", "reviews"]),
              default="summary", show_default=True, help="Which report (columns in README, Reports).")
@click.option("--product", default=None, help="Only this product id.")
@click.option("--since", default=None, metavar="YYYY-MM-DD",
              help="Only reviews published on or after this day (not for the summary).")
@click.option("--excel", is_flag=True, help="UTF-8 with a byte order mark, for Excel.")
@db_option
@friendly_errors
def report(db: str, out: str, kind: str, product: str | None, since: str | None, excel: bool) -> None:
    """Write a CSV report (atomically; formula-like cells neutralised).

    \b
    Examples:
      reviewlens report --out summary.csv --kind summary
      reviewlens report --out needs.csv --kind needs --product SKU123 --since 2024-07-01 --excel
    """
    import sys

    from analysis import report as reports

    try:  # before the build: --out naming the store (or any database) would replace it
        reports.check_target(out, db)
    except reports.ReportTargetError as exc:
        click.echo(f"error: {exc}; give --out a new .csv file, e.g. {kind}.csv", err=True)
        sys.exit(2)
    frame = reports.build(db, kind, product=product, since=since)
    try:
        path = reports.write(frame, out, excel=excel, db=db)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {reports.why_not_written(out, exc)}; "
                                   f"give --out a file in a folder you can write to") from exc
    rows = len(frame)
    click.echo(f"wrote {rows:,} row{'s' if rows != 1 else ''} ({kind}) to {path}")


SOURCES_HELP = "Sources file (env REVIEWLENS_SOURCES, default reviewlens.toml)."


@click.command()
@click.option("--sources", "sources_file", metavar="FILE", default=None, help=SOURCES_HELP)
@click.option("--reports", "reports_dir", metavar="DIR", default=None,
              help="Folder for the CSV reports (default: [job] reports_dir, else data/reports).")
@click.option("--quiet", is_flag=True, help="Only the summary line and problems.")
@db_option
def run(db: str, sources_file: str | None, reports_dir: str | None, quiet: bool) -> None:
    """One job: crawl every source, analyze the new reviews, write the reports.

    One job runs at a time per database: a second one exits at once (code 4). A failing
    source is reported and the others still run.

    \b
    Exit codes: 0 all succeeded, 3 some sources failed or some step was partial (pages
    not read, such as a start URL that answers 404), 1 none (or the analysis or reports
    failed), 2 bad sources file, 4 another job is running.
    \b
    Example:
      reviewlens run --sources reviewlens.toml
    """
    import sys

    from analysis.jobs import runner
    from analysis.jobs.lock import JobLocked
    from analysis.jobs.sources import SourcesError, load_sources
    from data.store import StoreError

    try:
        config = load_sources(sources_file)
    except SourcesError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(runner.EXIT_BAD_SOURCES)
    if reports_dir:
        config.reports_dir = reports_dir
    say = (lambda line: None) if quiet else (lambda line: click.echo(line))
    say(f"job on {db}: {config.describe()}")
    try:
        with runner.stop_on_sigterm():
            result = runner.run_job(db, config, log=say, progress=not quiet,
                                    warn=lambda line: click.echo(line, err=True))
    except JobLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(runner.EXIT_LOCKED)
    except StoreError as exc:  # the store's lock file cannot be made (a read-only folder), ...
        click.echo(f"error: {exc}", err=True)
        sys.exit(runner.EXIT_FAILED)
    except (runner.JobStopped, KeyboardInterrupt):
        click.echo("job stopped before the end; run it again to finish", err=True)
        sys.exit(runner.EXIT_FAILED)
    failed = result.failed_sources()
    partial = [f"{s.step} {s.target}" for s in result.steps if s.status == "partial"]
    job = f"job #{result.job_id}" if result.job_id is not None else "job (not recorded)"
    click.echo(f"{job}: {result.status} (exit {result.exit_code})"
               + (f"; failed sources: {', '.join(failed)}" if failed else "")
               + (f"; partial: {', '.join(partial)}" if partial else ""),
               err=result.exit_code != 0)
    for step in result.steps:
        if step.status in ("failed", "partial"):
            click.echo(f"  {step.step} {step.target}: {step.error}", err=True)
    sys.exit(result.exit_code)


@click.command()
@click.option("--every", default=None, metavar="INTERVAL", help="Interval such as 6h, 30m, 1h30m (runs once at start).")
@click.option("--cron", default=None, metavar="EXPR", help='Cron expression such as "0 */6 * * *" (local time).')
@click.option("--sources", "sources_file", metavar="FILE", default=None, help=SOURCES_HELP)
@click.option("--reports", "reports_dir", metavar="DIR", default=None, help="Folder for the CSV reports.")
@db_option
def schedule(db: str, every: str | None, cron: str | None, sources_file: str | None,
             reports_dir: str | None) -> None:
    """Run `reviewlens run` on an interval or cron expression, in the foreground.

    Each run is a child process; a failed run is logged and the schedule goes on. Stop it
    with Ctrl+C or SIGTERM (it stops the running job and exits 0).

    \b
    Examples:
      reviewlens schedule --every 6h
      reviewlens schedule --cron "0 */6 * * *" --sources /etc/reviewlens.toml
    """
    import logging
    import os
    import sys

    from analysis.jobs.schedule import CommandJob, ScheduleError, make_trigger, run_schedule
    from analysis.jobs.sources import SourcesError, load_sources

    try:
        make_trigger(every, cron)
    except ScheduleError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        config = load_sources(sources_file)  # a wrong file is said now, not at the first run
    except SourcesError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    argv = [sys.executable, "-m", "dashboard.cli", "--db", db, "run", "--sources", str(os.path.abspath(config.path))]
    if reports_dir:
        argv += ["--reports", reports_dir]
    job = CommandJob(argv)
    run_schedule(job, every=every, cron=cron, stop=job.stop)


@click.group()
def sources() -> None:
    """The sources file: what `reviewlens run` crawls (see reviewlens.example.toml)."""


@sources.command("check")
@click.argument("file", required=False, metavar="[FILE]")
@click.option("--sources", "sources_file", metavar="FILE", default=None,
              help="Sources file, as `run` and `schedule` take it (or give FILE; "
                   "env REVIEWLENS_SOURCES, default reviewlens.toml).")
def sources_check(file: str | None, sources_file: str | None) -> None:
    """Validate a sources file and name the line and field of every problem.

    \b
    Examples:
      reviewlens sources check reviewlens.toml
      reviewlens sources check --sources reviewlens.toml
    """
    import sys

    from analysis.jobs.sources import SourcesError, load_sources

    if file and sources_file and file != sources_file:
        raise click.UsageError(f"two sources files given ({file} and --sources {sources_file}); give one")
    file = file or sources_file
    try:
        config = load_sources(file)
    except SourcesError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"ok: {config.describe()}")
    for source in config.sources:
        extra = [f"max {source.max_pages} pages" if source.max_pages else None,
                 f"profile {source.profile}" if source.profile else None,
                 f"category {source.category}" if source.category else None,
                 f"{len(source.products)} product override(s)" if source.products else None]
        click.echo(f"  {source.name}: {source.side}, {len(source.urls)} URL(s), {len(source.sitemaps)} sitemap(s)"
                   + "".join(f", {e}" for e in extra if e))


@click.command()
@click.option("--no-dashboard", is_flag=True, help="Stop after the reports (tests, CI).")
@click.option("--port", default=8501, show_default=True, help="Port of the dashboard.")
@click.option("--shop-dir", default="data/demo_shop", show_default=True, metavar="DIR",
              help="Where the demo shop is generated (reused when it exists).")
@click.option("--reports", "reports_dir", default="data/reports", show_default=True, metavar="DIR",
              help="Folder for the CSV reports.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Where the analysis runs.")
@click.option("--products", type=click.IntRange(1), default=None, metavar="N",
              help="Generate only the first N demo products (a quicker demo).")
@db_option
@friendly_errors
def demo(db: str, no_dashboard: bool, port: int, shop_dir: str, reports_dir: str, device: str,
         products: int | None) -> None:
    """Demo shop on 127.0.0.1 -> crawl -> train the model if needed -> analyze -> reports -> dashboard.

    \b
    Examples:
      reviewlens demo                      # what `make demo` runs
      reviewlens demo --no-dashboard       # stop after data/reports/*.csv
    """
    import sys

    from analysis.jobs.demo import run_demo
    from analysis.jobs.lock import JobLocked

    click.echo(f"reviewlens demo: store {db}")
    try:
        result = run_demo(db, shop_dir=shop_dir, reports_dir=reports_dir, device=device, products=products,
                          log=lambda line: click.echo(line))
    except JobLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(4)
    took = result.seconds
    click.echo(f"demo job: {result.job.status} in {took['total']:.0f}s (crawl {took.get('crawl', 0):.0f}s, "
               f"model + analysis {took.get('analyze', 0):.0f}s, reports {took.get('reports', 0):.0f}s)")
    for step in result.job.steps:
        if step.status in ("failed", "partial"):
            click.echo(f"  {step.step} {step.target}: {step.error}", err=True)
    if result.job.status != "partial" and result.exit_code != 0:
        click.echo("the demo did not finish; the messages above say which step failed", err=True)
        sys.exit(result.exit_code)
    for report_file in sorted(result.reports_dir.glob("*.csv")):
        click.echo(f"  report: {report_file}")
    if no_dashboard:
        sys.exit(result.exit_code)   # 3 when a step missed something (named above); the reports are there
    from dashboard.serve import serve_command

    serve_command(db, port=port)


COMMANDS = [report, run, schedule, demo, sources]
