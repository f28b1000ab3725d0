"""Collecting reviews: `reviewlens crawl`, `reviewlens extract`, `reviewlens import`."""
from __future__ import annotations

import click

from crawler.normalize import DATE_ORDERS  # the standard library only: start-up stays light
from dashboard.commands.common import db_option, friendly_errors


def _dates_option(help_text: str):
    """``--dates auto|day-first|month-first``, passed to the command as ``day_first`` (None for auto)."""
    return click.option("--dates", "day_first", type=click.Choice(["auto", *DATE_ORDERS]), default="auto",
                        show_default=True, help=help_text,
                        callback=lambda ctx, param, value: DATE_ORDERS.get(value))


@click.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--max-pages", type=int, default=None, help="Read at most N review pages per product.")
@click.option("--full", is_flag=True, help="Read every review page, not only up to the first known one.")
@click.option("--profile", default=None, help="Site profile name (crawler/profiles) or .toml path.")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (only for your own shop).")
@click.option("--user-agent", default=None, help="User agent to send (say who you are).")
@click.option("--category", default=None, help="Category for products whose pages state none.")
@click.option("--url-pattern", default=None, help="Regex: follow only sitemap/listing links matching it.")
@click.option("--no-delay", is_flag=True, help="Politeness delays off (loopback/demo shops only).")
@_dates_option("How the site writes numeric dates like 03/04/2024; auto reads each date on its own "
               "(month first unless the first number is above 12).")
@db_option
@friendly_errors
def crawl(db: str, urls: tuple[str, ...], max_pages: int | None, full: bool, profile: str | None,
          ignore_robots: bool, user_agent: str | None, category: str | None,
          url_pattern: str | None, no_delay: bool, day_first: bool | None = None) -> None:
    """Crawl product, listing or sitemap URLs into the store.

    Exits 1 when the crawl failed, or read no page at all, whatever the reason (the message
    says why: a URL that gives 404, robots.txt forbidding the pages or unreachable, the site
    down, ...); 0 otherwise, also for a partial crawl that read some pages.

    \b
    Example:
      reviewlens crawl https://shop.example/sitemap.xml --url-pattern /products/
    """
    from crawler.crawl import CrawlError, run_crawl

    try:
        summary = run_crawl(db, list(urls), max_pages=max_pages, incremental=not full,
                            profile=profile, obey_robots=not ignore_robots, user_agent=user_agent,
                            polite=not no_delay, category=category, product_pattern=url_pattern,
                            day_first=day_first)
    except CrawlError as exc:
        raise click.ClickException(str(exc)) from exc
    problems = ", ".join(f"{k} {v}" for k, v in sorted((summary.get("problems") or {}).items()))
    click.echo(f"crawl run {summary.get('run_id')}: {summary.get('status')}; "
               f"{summary.get('pages') or 0} pages, {summary.get('reviews_read') or 0} reviews read, "
               f"{summary.get('reviews_new') or 0} new, {summary.get('duplicates') or 0} already stored, "
               f"{summary.get('rejected') or 0} rejected, {summary.get('errors') or 0} errors "
               f"in {summary.get('seconds')} s")
    if problems:
        click.echo(f"problems: {problems}")
    if summary.get("reviews_edited"):
        click.echo(f"{summary['reviews_edited']} stored reviews were edited by their authors (new text, "
                   f"stars or title): the crawl's versions replace them, and the earlier versions are "
                   f"kept in the review_versions table")
    if summary.get("message"):
        click.echo(summary["message"], err=True)
    if not summary.get("pages"):
        # 404s and pages robots.txt forbids are not errors (a sitemap naming sold-out products),
        # but a crawl that read nothing at all is a mistyped URL or a site that bars us
        click.echo(f"no page could be read: {problems or 'no problem was recorded'}; check the URLs "
                   f"(a typo gives http_404) and whether robots.txt forbids them (robots_disallowed)", err=True)
        raise SystemExit(1)
    if summary.get("status") == "failed":
        raise SystemExit(1)


@click.command()
@click.argument("page")
@click.option("--url", default=None, help="The page's URL, when PAGE is a saved file.")
@click.option("--profile", default=None, help="Site profile name (crawler/profiles) or .toml path.")
@click.option("--ignore-robots", is_flag=True, help="Fetch a live PAGE even if robots.txt forbids it.")
@friendly_errors
def extract(page: str, url: str | None, profile: str | None, ignore_robots: bool) -> None:
    """Print the reviews and product facts found on one saved or live page as JSON lines.

    \b
    Example:
      reviewlens extract saved/kettle.html --url https://shop.example/p/kettle
    """
    import json
    from pathlib import Path

    from crawler.extract import extract as extract_page
    from crawler.fetch import FetchError, fetch_page
    from crawler.profiles import ProfileError

    charset = None
    if page.startswith(("http://", "https://")):
        try:
            body, charset, final_url = fetch_page(page, obey_robots=not ignore_robots)
        except FetchError as exc:
            raise click.ClickException(str(exc)) from exc
        url = url or final_url
    else:
        path = Path(page)
        if not path.is_file():
            raise click.ClickException(f"no file at {page}: pass a saved HTML page or an http(s) URL")
        body = path.read_bytes()
        url = url or path.resolve().as_uri()
    try:
        found = extract_page(body, url, profile=profile, encoding=charset)
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in found.lines():
        click.echo(json.dumps(line, ensure_ascii=False))
    if found.problems:
        click.echo("problems: " + ", ".join(f"{k} {v}" for k, v in sorted(found.problems.items())), err=True)
    if not found.products and not found.reviews:
        click.echo(f"no product facts or reviews found on {url}; if the shop has no schema.org "
                   f"markup, write a site profile (README 'Crawling your shop')", err=True)


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Take FIELD from COLUMN (repeatable). Fields: product_id, product_title, "
                   "category, brand, rating, title, body, date, author, helpful, verified, "
                   "variant, url, reply_to (a reply's parent: such rows are skipped), status "
                   "(spam and trash rows are skipped).")
@click.option("--source", default=None, help="Where the reviews came from (default: the file name).")
@click.option("--product", default=None,
              help="Product id for files without a product column (default: the file name).")
@click.option("--rating-scale", type=float, default=None, metavar="BEST",
              help="Best rating when the numbers do not show the scale, e.g. 10 or 100.")
@_dates_option("How numeric dates like 03/04/2024 are written; auto decides per file from "
               "dates like 13/04/2024.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Reviews written per short write to the store (default: about a million, "
                   "crawler.importer.DEFAULT_BATCH, so a file of up to 1.2M rows is one write).")
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
@db_option
@friendly_errors
def import_(db: str, files: tuple[str, ...], mappings: tuple[str, ...], source: str | None,
            product: str | None, rating_scale: float | None, day_first: bool | None, batch_size: int | None,
            quiet: bool) -> None:
    """Import review exports (CSV, TSV, JSON, JSONL, Parquet, plain or gzip).

    Columns are found by name (product_id or asin, rating or overall or stars, body or
    reviewText or verified_reviews or text, date or reviewTime or unixReviewTime, author or
    reviewerName, ...); --map names the others. Bad rows are skipped and reported with their
    line; the same review is stored once. Exits 1 when a file cannot be read or no row is usable.

    \b
    Examples:
      reviewlens import reviews.csv
      reviewlens import export.jsonl.gz --map body=comment --map rating=stars
      reviewlens import amazon_alexa.tsv --product echo-dot
      reviewlens import shop_export.csv --dates day-first
    """
    import sys

    from crawler.import_columns import MappingError, parse_map_options
    from crawler.importer import DEFAULT_BATCH, import_files
    from dashboard.commands.common import UserError

    try:
        column_map = parse_map_options(mappings)
    except MappingError as exc:
        raise UserError(str(exc)) from exc
    summary = import_files(db, files, column_map=column_map, source=source,
                           batch_size=batch_size or DEFAULT_BATCH, product=product,
                           rating_scale=rating_scale, progress=not quiet, day_first=day_first)
    click.echo(summary.text())
    if summary.file_errors:
        sys.exit(1)
    if summary.imported + summary.duplicates == 0:
        click.echo("nothing could be imported: the files hold no usable review rows "
                   "(see the reasons above)", err=True)
        sys.exit(1)


COMMANDS = [crawl, extract, import_]
