"""Operator commands on the cases a review found mishandled: `report --out` naming the store,
`schedule --cron` with both a day of the month and a weekday, the reviews report's language,
`run`'s message when no report could be written, and a source field written below
`[source.products]`.

The store is a real DuckDB file with hand-written analysis rows (tests/analysed_store.py).
"""
from __future__ import annotations

import csv
import io
import os
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from analysed_store import add_products_and_reviews, analyse
from analysis import report
from analysis.jobs.schedule import make_trigger
from analysis.jobs.sources import SourcesError, load_sources
from dashboard.cli import cli
from data import store


@pytest.fixture
def analysed_db(db_path):
    add_products_and_reviews(db_path, "P1", 4)
    analyse(db_path)
    return db_path


def _is_store(path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(12)[8:12] == b"DUCK"


# --- 1. a report never replaces the store or another database --------------------------------------

def test_report_out_naming_the_store_is_refused(analysed_db, tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(analysed_db)
    other = tmp_path / "other.duckdb"
    store.ensure(str(other))
    for out in (analysed_db, str(link), str(tmp_path / "missing" / ".." / os.path.basename(analysed_db))):
        result = CliRunner().invoke(
            cli, ["report", "--db", analysed_db, "--kind", "needs", "--out", out])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == (f"error: {out} is the store {analysed_db} itself: a report written "
                                         f"there would replace it; give --out a new .csv file, e.g. needs.csv")
        assert _is_store(analysed_db) and link.is_symlink()
    result = CliRunner().invoke(cli, ["report", "--db", analysed_db, "--out", str(other)])
    assert result.exit_code == 2 and "is a DuckDB database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and _is_store(other)
    assert store.query(analysed_db, "SELECT count(*) FROM reviews").scalar() == 4   # still a store
    fine = CliRunner().invoke(cli, ["report", "--db", analysed_db, "--out", str(tmp_path / "s.csv")])
    assert fine.exit_code == 0, fine.output


def test_write_all_refuses_a_report_path_that_is_the_store(analysed_db, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "needs.csv").symlink_to(analysed_db)
    with pytest.raises(report.ReportError, match=r"1 of 5 reports .*needs: .*needs.csv is the store .* itself"):
        report.write_all(analysed_db, reports)
    assert _is_store(analysed_db) and (reports / "needs.csv").is_symlink()
    assert sorted(p.name for p in reports.glob("*.csv") if not p.is_symlink()) == [
        "aspects.csv", "reviews.csv", "summary.csv", "themes.csv"]
    with pytest.raises(report.ReportTargetError):
        report.write(report.build(analysed_db, "needs"), analysed_db)
    assert _is_store(analysed_db)


# --- 2. cron: day of the month OR weekday when both are restricted ----------------------------------

def _fires(cron: str, start: datetime, n: int) -> list[str]:
    trigger, out, now = make_trigger(cron=cron, timezone=timezone.utc), [], start
    for _ in range(n):
        now = trigger.get_next_fire_time(None, now + timedelta(seconds=1))
        out.append(now.strftime("%m-%d %a %H:%M"))
    return out


def test_cron_day_and_weekday_both_restricted_fire_on_either():
    start = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)   # a Friday
    assert _fires("0 9 1 * 1", start, 5) == [
        "11-30 Mon 09:00", "12-01 Tue 09:00", "12-07 Mon 09:00", "12-14 Mon 09:00", "12-21 Mon 09:00"]
    # weekday 0 and 7 stay Sunday in the OR
    assert _fires("30 8 15 * 7", start, 3) == ["11-29 Sun 08:30", "12-06 Sun 08:30", "12-13 Sun 08:30"]
    assert _fires("30 8 15 * 0", start, 4)[-1] == "12-15 Tue 08:30"
    # one of them `*`: only the other one decides, as before
    assert _fires("0 9 1 * *", start, 2) == ["12-01 Tue 09:00", "01-01 Fri 09:00"]
    assert _fires("0 9 * * 1", start, 2) == ["11-30 Mon 09:00", "12-07 Mon 09:00"]
    # the month still restricts both
    assert _fires("0 9 1 1 1", start, 3) == ["01-01 Fri 09:00", "01-04 Mon 09:00", "01-11 Mon 09:00"]


# --- 3. the reviews report's language is the analysis' ----------------------------------------------

def test_reviews_report_language_is_the_analysis_one_else_the_collectors(db_path):
    ids = add_products_and_reviews(db_path, "P1", 3)
    analyse(db_path)   # reads every review as "en"; the collector stored no language
    with store.writer(db_path) as con:
        con.execute("UPDATE reviews SET language = 'de' WHERE review_id = ?", [ids[1]])
        con.execute("UPDATE review_analysis SET language = NULL, skipped_reason = 'non_english' "
                    "WHERE review_id = ?", [ids[1]])
        con.execute("UPDATE reviews SET language = 'en-GB' WHERE review_id = ?", [ids[2]])
    frame = report.build(db_path, "reviews").set_index("review_id")
    assert frame.loc[ids[0], "language"] == "en"
    assert frame.loc[ids[1], "language"] == "de"
    assert frame.loc[ids[2], "language"] == "en"
    rows = list(csv.DictReader(io.StringIO(report.to_csv_bytes(report.build(db_path, "reviews")).decode())))
    assert all(row["language"] for row in rows)


# --- 4. write_all says how many were written ---------------------------------------------------------

def test_write_all_says_none_was_written_in_plain_words(analysed_db, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder", encoding="utf-8")
    with pytest.raises(report.ReportError) as caught:
        report.write_all(analysed_db, a_file / "reports")
    assert str(caught.value) == (f"none of the 5 reports could be written to {a_file / 'reports'}: "
                                 f"{a_file} is a file, not a folder")


def test_write_all_names_the_reports_written_when_some_failed(analysed_db, tmp_path, monkeypatch):
    real_build = report.build

    def broken(db, kind, **kw):
        if kind in ("themes", "needs"):
            raise RuntimeError("disk hiccup")
        return real_build(db, kind, **kw)

    monkeypatch.setattr(report, "build", broken)
    with pytest.raises(report.ReportError) as caught:
        report.write_all(analysed_db, tmp_path / "r")
    assert str(caught.value) == (f"2 of 5 reports could not be written to {tmp_path / 'r'} (needs: disk hiccup; "
                                 f"themes: disk hiccup); written: summary, aspects, reviews")


# --- 5. a source field below [source.products] -------------------------------------------------------

def test_a_source_field_below_its_products_table_is_a_problem(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent("""\
        [[source]]
        name = "Rival store"
        sitemaps = ["http://127.0.0.1:9/sitemap.xml"]
        [source.products]
        "KT-1002" = "competitor"
        side = "competitor"
        """), encoding="utf-8")
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    assert caught.value.problems == [
        "line 6, source #1 ('Rival store'), field side: is under [source.products], so it reads as a "
        "product named 'side', not as the source's side; move the line above [source.products] "
        "(the lines below that header, up to the next one, belong to it)"]
    result = CliRunner().invoke(cli, ["sources", "check", str(path)])
    assert result.exit_code == 2 and "line 6" in result.output and "field side" in result.output
    fixed = path.read_text(encoding="utf-8").replace('side = "competitor"\n', "").replace(
        "[source.products]", 'side = "competitor"\n[source.products]')
    path.write_text(fixed, encoding="utf-8")
    source = load_sources(path).sources[0]
    assert source.side == "competitor" and source.products == {"KT-1002": "competitor"}
