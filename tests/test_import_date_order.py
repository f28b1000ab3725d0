"""`reviewlens import`: a file's numeric dates (03/04/2024) are read in one day order, decided on
the whole date column, not date by date."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.importer import import_files
from dashboard.cli import cli
from data import store

HEADER = "product_id,rating,title,body,date,author\n"


def write_dates(path: Path, dates: list[str]) -> Path:
    """An export with one review per date; the author names the row (a0, a1, ...)."""
    lines = [f'k1,4,Fine,"Review number {i} of the kettle","{day}",a{i}\n' for i, day in enumerate(dates)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def stored_days(db: str) -> list[date | None]:
    """published_at per review, in the file's row order."""
    got = store.query(db, "SELECT author, published_at FROM reviews").dicts()
    by_author = {r["author"]: r["published_at"] for r in got}
    return [by_author[f"a{i}"] for i in range(len(by_author))]


def date_notes(summary) -> list[str]:
    return [note for note in summary.notes if "first" in note]


@pytest.mark.parametrize("dates, expected", [
    (["13/04/2024", "03/04/2024", "25/12/2023", "01/02/2024"],
     [date(2024, 4, 13), date(2024, 4, 3), date(2023, 12, 25), date(2024, 2, 1)]),
    (["13-04-2024", "03-04-2024"], [date(2024, 4, 13), date(2024, 4, 3)]),
    (["13.04.2024 10:31", "03/04/2024 08:00"], [date(2024, 4, 13), date(2024, 4, 3)]),
])
def test_day_first_file_reads_every_date_day_first(tmp_path, db_path, dates, expected):
    summary = import_files(db_path, [write_dates(tmp_path / "eu.csv", dates)], progress=False)
    assert (summary.imported, summary.dates_unparsed) == (len(dates), 0), summary.text()
    assert stored_days(db_path) == expected
    assert date_notes(summary) == []


@pytest.mark.parametrize("dates, expected", [
    (["04/13/2024", "03/04/2024", "12/25/2023"], [date(2024, 4, 13), date(2024, 3, 4), date(2023, 12, 25)]),
    (["04.13.2024", "03.04.2024"], [date(2024, 4, 13), date(2024, 3, 4)]),
])
def test_month_first_file_reads_every_date_month_first(tmp_path, db_path, dates, expected):
    summary = import_files(db_path, [write_dates(tmp_path / "us.csv", dates)], progress=False)
    assert (summary.imported, summary.dates_unparsed) == (len(dates), 0), summary.text()
    assert stored_days(db_path) == expected
    assert date_notes(summary) == []


def test_mixed_file_reads_each_date_on_its_own_and_says_so(tmp_path, db_path):
    path = write_dates(tmp_path / "mixed.csv", ["13/04/2024", "04/13/2024", "03/04/2024", "2024-07-04"])
    summary = import_files(db_path, [path], progress=False)
    assert stored_days(db_path) == [date(2024, 4, 13), date(2024, 4, 13), date(2024, 3, 4), date(2024, 7, 4)]
    assert date_notes(summary) == [
        "mixed.csv: dates are written both day first (13/04/2024) and month first (04/13/2024); "
        "each was read on its own"]


def test_file_where_no_date_decides_keeps_month_first_and_says_so(tmp_path, db_path):
    path = write_dates(tmp_path / "ambiguous.csv", ["03/04/2024", "05/06/2024", "July 4, 2024"])
    result = CliRunner().invoke(cli, ["import", "--db", db_path, "--quiet", str(path)])
    assert result.exit_code == 0, result.output
    assert stored_days(db_path) == [date(2024, 3, 4), date(2024, 5, 6), date(2024, 7, 4)]
    assert ("note: ambiguous.csv: no date says whether the day or the month comes first" in result.output
            and "03/04/2024 was read as 4 March 2024" in result.output
            and "--dates day-first" in result.output), result.output


def test_files_in_one_run_are_each_decided_on_their_own(tmp_path, db_path):
    eu = write_dates(tmp_path / "eu.csv", ["13/04/2024", "03/04/2024"])
    us = tmp_path / "us.csv"
    us.write_text(HEADER + 'k2,4,Fine,"Another review of the kettle",04/13/2024,b0\n'
                  'k2,4,Fine,"One more review of the kettle",03/04/2024,b1\n', encoding="utf-8")
    summary = import_files(db_path, [eu, us], progress=False)
    got = {r["author"]: r["published_at"] for r in store.query(
        db_path, "SELECT author, published_at FROM reviews").dicts()}
    assert got == {"a0": date(2024, 4, 13), "a1": date(2024, 4, 3),
                   "b0": date(2024, 4, 13), "b1": date(2024, 3, 4)}
    assert date_notes(summary) == []


def test_day_first_dates_stay_in_the_review_id_and_relative_ones_do_not(tmp_path, db_path):
    # The relative-date check reads each text twice; both readings use the file's order.
    path = write_dates(tmp_path / "eu.csv", ["13/04/2024", "03/04/2024", "3 days ago"])
    summary = import_files(db_path, [path], progress=False, now=datetime(2024, 7, 4, 12))
    assert summary.imported == 3, summary.text()
    got = {r["author"]: r for r in store.query(db_path, "SELECT * FROM reviews").dicts()}
    assert [got[a]["published_at"] for a in ("a0", "a1", "a2")] == [
        date(2024, 4, 13), date(2024, 4, 3), date(2024, 7, 1)]
    for author, day in (("a0", "2024-04-13"), ("a1", "2024-04-03"), ("a2", None)):
        r = got[author]
        assert r["review_id"] == store.review_id(r["product_id"], author, day, r["body"]), author
    again = import_files(db_path, [path], progress=False, now=datetime(2024, 7, 5, 12))
    assert (again.imported, again.duplicates) == (0, 3), again.text()


def test_iso_dates_get_no_day_order_note(tmp_path, db_path):
    path = write_dates(tmp_path / "iso.csv", ["2024-04-03", "1404432000", "July 4, 2024"])
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 3 and date_notes(summary) == [], summary.text()


def test_dates_option_states_the_order_and_counts_dates_that_cannot_be_read_that_way(tmp_path, db_path):
    # --dates day-first: an all-ambiguous file is read day first with no note; a date that
    # cannot be day first (04/13/2024) is kept without a date and counted.
    path = write_dates(tmp_path / "eu.csv", ["03/04/2024", "05/06/2024", "04/13/2024"])
    result = CliRunner().invoke(cli, ["import", "--db", db_path, "--quiet", "--dates", "day-first", str(path)])
    assert result.exit_code == 0, result.output
    got = {r["author"]: r["published_at"] for r in store.query(
        db_path, "SELECT author, published_at FROM reviews").dicts()}
    assert got == {"a0": date(2024, 4, 3), "a1": date(2024, 6, 5), "a2": None}
    assert "dates unparsed 1" in result.output and "note:" not in result.output, result.output


@pytest.mark.parametrize("first_dates, order", [(["13/04/2024", "03/04/2024", "05/06/2024"], "day"),
                                                (["04/13/2024", "03/04/2024", "05/06/2024"], "month")])
def test_an_undecided_export_is_read_as_the_store_holds_its_reviews(tmp_path, first_dates, order):
    # The shop's first export settles the order (a day above 12); its next export holds only
    # days up to 12. Read on its own it would be month first, and its reviews already stored
    # would come back under a second date (a second review id each).
    db = str(tmp_path / "s.duckdb")
    import_files(db, [write_dates(tmp_path / "first.csv", first_dates)], progress=False)
    before = stored_days(db)
    second = tmp_path / "second.csv"
    second.write_text(HEADER + "".join(
        [f'k1,4,Fine,"Review number {i} of the kettle","{day}",a{i}\n'
         for i, day in enumerate(first_dates) if i > 0] +
        ['k1,5,New,"A review the first export did not have","07/08/2024",a9\n']), encoding="utf-8")
    summary = import_files(db, [second], progress=False)
    assert (summary.imported, summary.duplicates) == (1, 2)
    days = dict(store.query(db, "SELECT author, published_at FROM reviews").rows)
    assert [days[f"a{i}"] for i in range(3)] == before and len(days) == 4
    new_day = store.query(db, "SELECT published_at FROM reviews WHERE author = 'a9'").rows[0][0]
    assert new_day == (date(2024, 8, 7) if order == "day" else date(2024, 7, 8))
    assert any(f"read {order} first, as 2 of its reviews already in the store are dated" in note
               for note in summary.notes), summary.notes


def test_an_undecided_export_with_no_stored_review_keeps_the_note(tmp_path):
    db = str(tmp_path / "s.duckdb")
    import_files(db, [write_dates(tmp_path / "a.csv", ["13/04/2024"])], progress=False)
    summary = import_files(db, [write_dates(tmp_path / "b.csv", ["03/04/2024", "05/06/2024"])],
                           progress=False)
    assert any("no date says whether the day or the month comes first (none has a number above 12)"
               in note for note in summary.notes), summary.notes


def test_the_stored_order_is_found_for_reviews_the_import_cleans(tmp_path):
    # The store holds the cleaned text (entities decoded, spaces collapsed); the file the raw.
    db = str(tmp_path / "s.duckdb")
    first = tmp_path / "first.csv"
    first.write_text(HEADER + 'k1,4,Fine,"Tea &amp; coffee both fine","13/04/2024",Ann\n'
                              'k1,4,Fine,"Boils  fast ","03/04/2024",Bob\n', encoding="utf-8")
    import_files(db, [first], progress=False)
    second = tmp_path / "second.csv"
    second.write_text(HEADER + 'k1,4,Fine,"Boils  fast ","03/04/2024",Bob\n'
                               'k1,5,New,"Quiet too","05/06/2024",Cy\n', encoding="utf-8")
    summary = import_files(db, [second], progress=False)
    assert (summary.imported, summary.duplicates) == (1, 1)
    assert store.query(db, "SELECT published_at FROM reviews WHERE author = 'Cy'").rows == [(date(2024, 6, 5),)]
