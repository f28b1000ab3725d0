"""Pieces every `reviewlens` subcommand shares: the --db option and friendly errors.

Only click and the standard library are imported here, so `reviewlens --help` stays fast.
"""
from __future__ import annotations

import functools
import os

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


def read_texts(texts: tuple[str, ...], file: str | None) -> list[str]:
    """The texts given as arguments, then one per line of ``file`` (``-`` is stdin).

    Every line is a text, a blank one too (it gets what an empty argument gets), so the n-th
    line of the output answers the n-th line of the file. A file that cannot be read (missing,
    a folder, not UTF-8) or a call with no text at all is a usage error that says what to give.
    """
    lines = list(texts)
    if file:
        lines += _lines_of(file)
    if not lines:
        raise click.UsageError("give texts as arguments or --file F (one text per line; - is stdin)"
                               + (f"; {file} holds no line" if file else ""))
    return lines


def _lines_of(file: str) -> list[str]:
    """The lines of a UTF-8 text file or stdin (``-``), without their line ends."""
    what = "stdin" if file == "-" else file
    try:
        with click.open_file(file, encoding="utf-8") as handle:
            return [line.rstrip("\r\n") for line in handle]
    except UnicodeDecodeError as exc:
        reason = f"it is not UTF-8 text (it holds the byte 0x{exc.object[exc.start]:02x})"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise click.UsageError(f"cannot read --file {what}: {reason}; give a UTF-8 text file, "
                           f"one text per line (- is stdin)")


class UserError(Exception):
    """An error caused by the user's input; its message names the input and what to do."""
