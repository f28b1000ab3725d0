"""The `reviewlens` umbrella command: one click group, one plain function per subcommand.

It lives in ``dashboard`` because that is the one package allowed to reach every stage. Each
subcommand imports its stage lazily, inside the function, so `reviewlens --help` starts fast and
never loads torch, transformers or streamlit.
"""
from __future__ import annotations

import click

from dashboard.commands import analyze_commands, collect_commands, job_commands, store_commands

EPILOG = """\b
Examples:
  reviewlens import reviews.csv --map body=review_text
  reviewlens crawl https://shop.example/products/kettle
  reviewlens analyze
  reviewlens dashboard
  reviewlens report --out summary.csv --kind summary
  reviewlens --db other.duckdb status
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", metavar="PATH", default=None, envvar="REVIEWLENS_DB",
              help="DuckDB file for every subcommand (env REVIEWLENS_DB, default data/reviewlens.duckdb).")
@click.version_option(package_name="reviewlens")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """reviewlens: collect product reviews, read them with BERT-family models, and show each
    product's strengths, weaknesses and unmet needs, backed by real quotes."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


for module in (collect_commands, analyze_commands, job_commands, store_commands):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="reviewlens")


if __name__ == "__main__":
    main()
