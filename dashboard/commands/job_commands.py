"""Jobs and reports: `report`, `run`, `schedule`, `demo`."""
from __future__ import annotations

import click

from dashboard.commands.common import db_option, not_built


@click.command()
@click.option("--out", required=True, type=click.Path(), help="CSV file to write.")
@click.option("--kind", type=click.Choice(["summary", "aspects", "needs", "themes", "reviews"]), default="summary")
@click.option("--product", default=None, help="Only this product id.")
@db_option
def report(db: str, out: str, kind: str, product: str | None) -> None:
    """Write a CSV report."""
    not_built(6, "report")


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
