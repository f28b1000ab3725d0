"""`reviewlens status` and `reviewlens dashboard`."""
from __future__ import annotations

import click

from dashboard.commands.common import db_option, friendly_errors


@click.command()
@db_option
@friendly_errors
def status(db: str) -> None:
    """What is in the store: rows per table, the last collect and analysis runs.

    \b
    Example:
      reviewlens status
    """
    from data import store

    with store.reader(db) as con:
        click.echo(f"database: {db} (schema version {store.schema_version(con)})")
        click.echo("tables:")
        for name, count in store.table_counts(con).items():
            click.echo(f"  {name:<22} {count:>10,}")
        runs = con.execute(
            "SELECT run_id, kind, status, started_at, finished_at, reviews_read, reviews_new, "
            "duplicates, rejected, errors, target FROM collect_runs ORDER BY run_id DESC LIMIT 5"
        ).fetchall()
        click.echo("last collect runs:" if runs else "last collect runs: none yet")
        for run in runs:
            run_id, kind, state, started, _finished, read, new, dups, rejected, errors, target = run
            click.echo(f"  #{run_id} {kind:<6} {state:<8} {started:%Y-%m-%d %H:%M}  read {read:,}, "
                       f"new {new:,}, duplicates {dups:,}, rejected {rejected:,}, errors {errors:,}  {target or ''}")
        analysis = con.execute(
            "SELECT run_id, status, started_at, device, models, counts FROM analysis_runs "
            "ORDER BY run_id DESC LIMIT 3").fetchall()
        click.echo("last analysis runs:" if analysis else "last analysis runs: none yet (run `reviewlens analyze`)")
        for run_id, state, started, device, models, counts in analysis:
            click.echo(f"  #{run_id} {state:<8} {started:%Y-%m-%d %H:%M} on {device}  models {models}  counts {counts}")
        jobs = con.execute(
            "SELECT job_id, status, exit_code, started_at, finished_at, counts FROM job_runs "
            "ORDER BY job_id DESC LIMIT 3").fetchall()
        click.echo("last scheduled jobs:" if jobs else "last scheduled jobs: none yet (`reviewlens run`)")
        for job_id, state, code, started, finished, counts in jobs:
            took = f"{(finished - started).total_seconds():.0f} s" if finished else "still running or killed"
            click.echo(f"  #{job_id} {state:<8} exit {code}  {started:%Y-%m-%d %H:%M}  {took}  counts {counts}")


@click.command()
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@db_option
def dashboard(db: str, port: int, host: str) -> None:
    """Serve the Streamlit dashboard (read-only) and print its URL.

    \b
    Example:
      reviewlens --db shop.duckdb dashboard --port 8502
    """
    from dashboard.serve import serve_command

    serve_command(db, port=port, host=host)


COMMANDS = [status, dashboard]
