"""The command line on the cases a reviewer following the README found wrong: `sources check`
without the `--sources FILE` that `run` and `schedule` take, a duplicate source name hidden by
another problem, the README claiming every command takes `--db`, and a crawl of a site that is
down printing a Scrapy traceback before its one-line reason.

(A full pass owed only after a crawl that read a page: tests/test_crawl.py,
test_a_full_pass_follows_a_broken_crawl_of_the_same_urls.)
"""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from analysis.jobs.sources import SourcesError, load_sources
from crawler.crawl import child_env
from dashboard.cli import cli

REPO = Path(__file__).resolve().parent.parent

TWO_NAMED_A = """
    [[source]]
    name = "A"
    urls = ["https://x.example/a"]
    side = "ourz"

    [[source]]
    name = "A"
    urls = ["https://y.example/b"]
"""


def _write(tmp_path: Path, text: str, name: str = "reviewlens.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- sources check --sources FILE ------------------------------------------------------------

def test_sources_check_takes_the_sources_option_like_run(tmp_path, monkeypatch):
    good = str(REPO / "reviewlens.example.toml")
    bad = str(_write(tmp_path, TWO_NAMED_A, "bad.toml"))
    runner = CliRunner()

    by_option = runner.invoke(cli, ["sources", "check", "--sources", good])
    assert by_option.exit_code == 0, by_option.output
    assert by_option.output.startswith(f"ok: {good}: ")
    failed = runner.invoke(cli, ["sources", "check", "--sources", bad])
    assert failed.exit_code == 2 and f"error: {bad}: 2 problems" in failed.output

    # the positional FILE and REVIEWLENS_SOURCES still work
    assert runner.invoke(cli, ["sources", "check", good]).exit_code == 0
    monkeypatch.setenv("REVIEWLENS_SOURCES", bad)
    assert runner.invoke(cli, ["sources", "check"]).exit_code == 2
    assert runner.invoke(cli, ["sources", "check", "--sources", good]).exit_code == 0

    both = runner.invoke(cli, ["sources", "check", good, "--sources", bad])
    assert both.exit_code == 2 and "two sources files given" in both.output


# --- every problem at once ---------------------------------------------------------------------

def test_a_duplicate_name_is_named_beside_the_other_problems(tmp_path):
    path = _write(tmp_path, TWO_NAMED_A)
    with pytest.raises(SourcesError) as raised:
        load_sources(path)
    assert raised.value.problems == [
        "line 5, source #1 ('A'), field side: must be \"ours\" or \"competitor\", got 'ourz'",
        "line 8, source #2 ('A'), field name: name 'A' is already used by source #1; names must be unique"]

    # a name written with spaces around it is the same name; a missing one is its own problem
    path = _write(tmp_path, """
        [[source]]
        name = "A"
        urls = ["https://x.example/a"]

        [[source]]
        name = " A "
        max_pages = 0
        urls = ["https://y.example/b"]

        [[source]]
        urls = ["https://z.example/c"]
    """)
    with pytest.raises(SourcesError) as raised:
        load_sources(path)
    problems = raised.value.problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("line 8, source #2 (' A '), field max_pages:")
    assert problems[1] == ("line 7, source #2 (' A '), field name: name 'A' is already used by source #1; "
                           "names must be unique")
    assert problems[2].startswith("line 11, source #3, field name: every source needs a name")


# --- the README on --db --------------------------------------------------------------------------

# Commands that neither read nor write the store: they take no --db.
STORE_FREE = {"extract", "evaluate", "sources check"}


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield prefix + name, command


def test_readme_says_which_commands_take_db():
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "Every command takes `--db" not in readme
    assert "Every command that reads or writes the store takes `--db PATH` (or `REVIEWLENS_DB`)" in readme
    without_db = {name for name, command in _commands(cli)
                  if not any("--db" in param.opts for param in command.params)}
    assert without_db == STORE_FREE


# --- a crawl of a site that is down -----------------------------------------------------------

def test_a_crawl_of_a_site_that_is_down_says_why_in_one_line_without_a_traceback(tmp_path):
    # A port bound but not listening: every connection is refused, and no one else can take it.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/products/x/"
        done = subprocess.run([sys.executable, "-m", "dashboard.cli", "crawl", url, "--no-delay",
                               "--db", str(tmp_path / "x.duckdb")],
                              capture_output=True, text=True, env=child_env(), timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "could not be read (Connection was refused" in done.stderr
    assert "check the address and that the site is up" in done.stderr
    assert "problems: robots_unreachable 1" in done.stdout
    assert len(done.stderr.splitlines()) < 10, done.stderr


def test_only_network_failures_of_robots_txt_lose_their_traceback():
    import logging

    from scrapy.exceptions import DownloadConnectionRefusedError, DownloadTimeoutError

    from crawler.robots import _not_a_network_failure

    def record(exc: Exception) -> logging.LogRecord:
        try:
            raise exc
        except Exception:
            return logging.LogRecord("scrapy.downloadermiddlewares.robotstxt", logging.ERROR, __file__, 1,
                                     "Error downloading %(request)s", None, sys.exc_info())

    assert not _not_a_network_failure(record(DownloadConnectionRefusedError("refused")))
    assert not _not_a_network_failure(record(DownloadTimeoutError("took too long")))
    assert _not_a_network_failure(record(ValueError("a bug")))  # shown with its traceback


def test_import_writes_in_the_batches_the_benchmark_measures(tmp_path, monkeypatch):
    # The command used 500,000-row batches, the benchmark import_files' default (a 1M-row file
    # in one write, measured faster): the command now takes the same default.
    import crawler.importer as importer
    from crawler.importer import ImportSummary

    asked = {}

    def fake_import(db, files, **options):
        asked.update(options)
        summary = ImportSummary()
        summary.imported = 1
        return summary

    monkeypatch.setattr(importer, "import_files", fake_import)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.duckdb"), "import", "x.csv"])
    assert asked["batch_size"] == importer.DEFAULT_BATCH, (result.output, asked)
    CliRunner().invoke(cli, ["--db", str(tmp_path / "s.duckdb"), "import", "x.csv", "--batch-size", "1000"])
    assert asked["batch_size"] == 1000
