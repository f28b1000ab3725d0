"""Collecting reviews: `reviewlens crawl`, `reviewlens extract`, `reviewlens import`."""
from __future__ import annotations

import click

from dashboard.commands.common import db_option, friendly_errors, not_built


@click.command()
@click.argument("urls", nargs=-1, required=True)
@db_option
def crawl(db: str, urls: tuple[str, ...]) -> None:
    """Crawl product, listing or sitemap URLs into the store."""
    not_built(3, "crawl")


@click.command()
@click.argument("page")
@click.option("--url", default=None, help="The page's URL, when PAGE is a saved file.")
def extract(page: str, url: str | None) -> None:
    """Print the reviews and product facts found on one saved or live page as JSON lines."""
    not_built(3, "extract")


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@db_option
@friendly_errors
def import_(db: str, files: tuple[str, ...]) -> None:
    """Import review exports (CSV, TSV, JSON, JSONL, Parquet, plain or gzip)."""
    not_built(2, "import")


COMMANDS = [crawl, extract, import_]
