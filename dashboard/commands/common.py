"""Pieces every `reviewlens` subcommand shares: the --db option and friendly errors.

Only click and the standard library are imported here, so `reviewlens --help` stays fast.
"""
from __future__ import annotations

import functools
import os
import sys

import click

DEFAULT_DB = "data/reviewlens.duckdb"


def resolve_db(db: str | None) -> str:
    """The database path: the subcommand's --db, else the group's --db, else the env, else the default."""
    if db:
        return db
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("db"):
            return ctx.obj["db"]
        ctx = ctx.parent
    return os.environ.get("REVIEWLENS_DB") or DEFAULT_DB


def db_option(func):
    """Add ``--db PATH`` to a command and pass the resolved path as ``db``."""
    @click.option("--db", "db", metavar="PATH", default=None,
                  help="DuckDB file (env REVIEWLENS_DB, default data/reviewlens.duckdb).")
    @functools.wraps(func)
    def wrapper(*args, db=None, **kwargs):
        return func(*args, db=resolve_db(db), **kwargs)
    return wrapper


def friendly_errors(func):
    """Turn the store's and the stages' user-facing errors into a one-line message and exit 1."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from data.store import StoreError  # duckdb only, no models

        try:
            return func(*args, **kwargs)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
    return wrapper


class UserError(Exception):
    """An error caused by the user's input; its message names the input and what to do."""


def not_built(issue: int, what: str):
    """Exit 2 saying which issue brings this command."""
    click.echo(f"`reviewlens {what}` is not built yet: it arrives with issue #{issue}.", err=True)
    sys.exit(2)
