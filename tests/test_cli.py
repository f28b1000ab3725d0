"""The `reviewlens` command through click's runner, and its start-up cost."""
from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from dashboard.cli import cli
from data import store

CONTRACT = ["crawl", "extract", "import", "analyze", "sentiment", "aspects", "train-sentiment",
            "evaluate", "report", "dashboard", "run", "schedule", "demo", "status"]


def test_every_contract_command_is_registered_with_help():
    runner = CliRunner()
    for name in CONTRACT:
        assert name in cli.commands, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.output


def test_help_has_examples():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "reviewlens import" in result.output


def test_status_counts_tables_and_runs(db_path):
    with store.writer(db_path) as con:
        store.insert_reviews(con, [{"product_id": "p", "source": "s", "body": "Nice"}])
        run = store.start_collect_run(con, "import", "x.csv")
        store.finish_collect_run(con, run, "ok")
    result = CliRunner().invoke(cli, ["status", "--db", db_path])
    assert result.exit_code == 0, result.output
    assert "reviews" in result.output and "#1 import ok" in result.output
    line = next(l for l in result.output.splitlines() if l.strip().startswith("reviews "))
    assert line.split()[-1] == "1"


def test_db_from_group_option_and_env(db_path, monkeypatch):
    store.ensure(db_path)
    assert db_path in CliRunner().invoke(cli, ["--db", db_path, "status"]).output
    monkeypatch.setenv("REVIEWLENS_DB", db_path)
    assert db_path in CliRunner().invoke(cli, ["status"]).output


def test_status_on_missing_db_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no database" in result.output and "reviewlens import" in result.output


def test_start_up_loads_no_heavy_library():
    code = ("import sys, json; from dashboard.cli import cli\n"
            "try:\n    cli(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(json.dumps(sorted(m for m in ('torch', 'transformers', 'streamlit', 'sentence_transformers', "
            "'bertopic', 'spacy', 'scrapy', 'pandas', 'duckdb') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_crawl_exits_1_when_no_page_could_be_read(db_path, monkeypatch):
    # A partial crawl that read pages exits 0; one that read no page at all exits 1 with the
    # reason, whether its requests failed (robots.txt unreachable, as run_crawl reports it) or
    # only found pages that are gone or forbidden, which are not errors: a mistyped URL.
    from crawler import crawl

    def crawled(pages, errors, problems=None):
        return lambda db, urls, **kw: {"run_id": 1, "status": "partial" if errors else "ok", "pages": pages,
                                       "errors": errors,
                                       "problems": problems or ({"robots_unreachable": errors} if errors else {}),
                                       "message": "robots.txt of shop.test answered HTTP 503: ..." if errors else None}

    for pages, errors, code in [(0, 2, 1), (3, 1, 0), (0, 0, 1), (3, 0, 0)]:
        monkeypatch.setattr(crawl, "run_crawl", crawled(pages, errors))
        result = CliRunner().invoke(cli, ["crawl", "--db", db_path, "http://shop.test/p/1"])
        assert result.exit_code == code, (pages, errors, result.output)
    monkeypatch.setattr(crawl, "run_crawl", crawled(0, 2))
    result = CliRunner().invoke(cli, ["crawl", "--db", db_path, "http://shop.test/p/1"])
    assert "answered HTTP 503" in result.output and "robots_unreachable 2" in result.output
    for problem in ("http_404", "robots_disallowed"):
        monkeypatch.setattr(crawl, "run_crawl", crawled(0, 0, {problem: 1}))
        result = CliRunner().invoke(cli, ["crawl", "--db", db_path, "http://shop.test/p/typo"])
        assert result.exit_code == 1, result.output
        assert f"no page could be read: {problem} 1" in result.output
    monkeypatch.setattr(crawl, "run_crawl", crawled(2, 0, {"http_404": 5}))  # a sitemap with sold-out products
    assert CliRunner().invoke(cli, ["crawl", "--db", db_path, "http://shop.test/sitemap.xml"]).exit_code == 0


def test_crawl_dates_option_reaches_the_crawl(db_path, monkeypatch):
    from crawler import crawl

    seen = []
    monkeypatch.setattr(crawl, "run_crawl", lambda db, urls, **kw: seen.append(kw["day_first"]) or
                        {"run_id": 1, "status": "ok", "pages": 1, "errors": 0, "problems": {}})
    for option, expected in [([], None), (["--dates", "day-first"], True), (["--dates", "month-first"], False)]:
        result = CliRunner().invoke(cli, ["crawl", "--db", db_path, *option, "http://shop.test/p/1"])
        assert result.exit_code == 0, result.output
    assert seen == [None, True, False]
