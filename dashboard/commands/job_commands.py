"""Jobs and reports: `report`, `run`, `schedule`, `demo`."""
from __future__ import annotations

import click

from dashboard.commands.common import db_option, friendly_errors, not_built


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
    from analysis import report as reports

    frame = reports.build(db, kind, product=product, since=since)
    path = reports.write(frame, out, excel=excel)
    rows = len(frame)
    click.echo(f"wrote {rows:,} row{'s' if rows != 1 else ''} ({kind}) to {path}")


@click.command()
@db_option
def run(db: str) -> None:
    """One scheduled job: crawl configured sources, analyze, write reports."""
    not_built(6, "run")


@click.command()
@click.option("--every", default=None, help="Interval such as 6h, 30m.")
@click.option("--cron", default=None, help='Cron expression such as "0 */6 * * *".')
@db_option
def schedule(db: str, every: str | None, cron: str | None) -> None:
    """Run `reviewlens run` on an interval or cron expression."""
    not_built(6, "schedule")


@click.command()
@db_option
def demo(db: str) -> None:
    """Demo shop on loopback, crawl, analyze, then the dashboard."""
    not_built(3, "demo (the demo shop)")


COMMANDS = [report, run, schedule, demo]
