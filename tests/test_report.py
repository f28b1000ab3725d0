"""CSV reports: documented columns, formula escaping, atomic writes, the --excel BOM, the CLI."""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysed_store import HOSTILE, add_products_and_reviews, analyse
from analysis import report
from dashboard.cli import cli
from data import store

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def analysed_db(db_path):
    add_products_and_reviews(db_path, "P1", len(HOSTILE), texts=HOSTILE)
    add_products_and_reviews(db_path, "P2", 4)
    analyse(db_path)
    return db_path


def _read_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("kind", report.KINDS)
def test_written_header_is_the_documented_columns(analysed_db, tmp_path, kind):
    frame = report.build(analysed_db, kind)
    assert len(frame) > 0
    path = report.write(frame, tmp_path / f"{kind}.csv")
    rows = _read_csv(path.read_bytes())
    assert rows[0] == [name for name, _ in report.COLUMNS[kind]]
    assert all(len(row) == len(rows[0]) for row in rows)


def test_readme_documents_the_same_columns():
    text = README.read_text(encoding="utf-8")
    for kind in report.KINDS:
        match = re.search(rf"<!-- columns:{kind} -->\n(.*?)\n<!-- /columns -->", text, re.S)
        assert match, f"README lacks the column list of the {kind} report"
        documented = re.findall(r"^\| `([a-z_0-9]+)` \|", match.group(1), re.M)
        assert documented == report.columns(kind), kind


def test_summary_has_one_row_per_product_and_finding_with_quotes(analysed_db):
    frame = report.build(analysed_db, "summary")
    assert sorted(set(zip(frame["product_id"], frame["finding"]))) == [
        (p, k) for p in ("P1", "P2") for k in ("need", "strength", "weakness")]
    assert len(frame) == 6
    p2 = frame[frame["product_id"] == "P2"].iloc[0]
    assert p2["product_reviews"] == 4 and p2["mentions"] == 4
    assert p2["quote_1"].startswith("Review ") and p2["quote_1_url"].startswith("http://127.0.0.1/p/P2#r-")


def test_hostile_review_texts_are_neutralised_in_every_report(analysed_db):
    for kind in report.KINDS:
        rows = _read_csv(report.to_csv_bytes(report.build(analysed_db, kind)))
        cells = [cell for row in rows[1:] for cell in row]
        for cell in cells:
            assert not cell[:1] in ("=", "+", "@", "\t", "\r"), (kind, cell)
            assert not (cell.startswith("-") and not re.fullmatch(r"-[0-9.]+", cell)), (kind, cell)
    bodies = {row[9] for row in _read_csv(report.to_csv_bytes(report.build(analysed_db, "reviews")))[1:]}
    for text in HOSTILE:
        assert "'" + text in bodies  # kept whole, only made inert


def test_numbers_stay_numbers():
    import pandas as pd

    data = report.to_csv_bytes(pd.DataFrame({"trend": [-0.25], "n": [3], "t": ["-0.25"]}))
    assert data == b"trend,n,t\r\n-0.25,3,'-0.25\r\n"


def test_excel_flag_writes_a_bom(analysed_db, tmp_path):
    frame = report.build(analysed_db, "reviews")
    plain = report.write(frame, tmp_path / "plain.csv").read_bytes()
    excel = report.write(frame, tmp_path / "excel.csv", excel=True).read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    assert _read_csv(excel) == _read_csv(plain)


def test_write_is_atomic(analysed_db, tmp_path, monkeypatch):
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "summary.csv"
    target.write_text("the old report\n")

    def dies_midway(fd):  # the job is killed while the bytes go to disk
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        report.write(report.build(analysed_db, "summary"), target)
    assert target.read_text() == "the old report\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["summary.csv"]  # no temp file left
    monkeypatch.undo()
    report.write(report.build(analysed_db, "summary"), target)
    assert target.read_text().startswith("product_id,")
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)


def test_filters_by_product_and_since(analysed_db):
    frame = report.build(analysed_db, "reviews", product="P2", since="2024-07-03")
    assert set(frame["product_id"]) == {"P2"}
    assert all(str(d) >= "2024-07-03" for d in frame["published_at"]) and len(frame) == 2
    aspects = report.build(analysed_db, "aspects", product="P2", since="2024-07-03")
    assert aspects["mentions"].tolist() == [2]


def test_aspects_count_one_mention_per_sentence_as_the_dashboard_does(analysed_db):
    """A sentence naming the lid twice, praised and criticised, is one neutral mention (a tie),
    not two; "product" names no finding and gets no row; every product's and aspect's numbers
    are the dashboard's aspect chart's (dashboard.queries.aspect_sentiment, no filter)."""
    from dashboard import queries

    sid, rid, polarity, run_id = store.query(analysed_db, """
        SELECT sentence_id, review_id, polarity, run_id FROM aspect_mentions
        WHERE product_id = 'P2' AND polarity <> 'neutral' ORDER BY sentence_id LIMIT 1""").rows[0]
    other = "negative" if polarity == "positive" else "positive"
    with store.writer(analysed_db) as con:
        con.execute("INSERT INTO aspect_mentions VALUES (?, ?, 'P2', 'lid hinge', 4, 13, 'lid', ?, ?)",
                    [sid, rid, other, run_id])
        con.execute("INSERT INTO aspect_mentions VALUES (?, ?, 'P2', 'product', 14, 21, 'product', 'positive', ?)",
                    [sid, rid, run_id])
    frame = report.build(analysed_db, "aspects")
    counts = {(r.product_id, r.aspect): (r.mentions, r.positive, r.negative, r.neutral)
              for r in frame.itertuples(index=False)}
    # a term inside a need phrase is asked for, not judged: no mention
    terms = dict(store.query(analysed_db, """
        SELECT polarity, count(*) FROM aspect_mentions m
        WHERE product_id = 'P2' AND aspect = 'lid' AND sentence_id <> ?
          AND NOT EXISTS (SELECT 1 FROM needs d WHERE d.sentence_id = m.sentence_id
                          AND d.start_char <= m.start_char AND m.end_char <= d.end_char)
        GROUP BY polarity""", [sid]).rows)
    assert counts[("P2", "lid")] == (sum(terms.values()) + 1, terms.get("positive", 0), terms.get("negative", 0),
                                     terms.get("neutral", 0) + 1)
    assert not any(aspect == "product" for _, aspect in counts)
    dashboard = queries.aspect_sentiment(analysed_db, os.path.getmtime(analysed_db), ("P1", "P2"),
                                         queries.Filters())
    assert counts == {(r.product_id, r.aspect): (r.mentions, r.positive, r.negative, r.neutral)
                      for r in dashboard.itertuples(index=False)}


def test_clear_errors(analysed_db, db_path, tmp_path):
    with pytest.raises(report.ReportError, match="no product 'nope'.*P1"):
        report.build(analysed_db, "summary", product="nope")
    with pytest.raises(report.ReportError, match="YYYY-MM-DD"):
        report.build(analysed_db, "reviews", since="last week")
    with pytest.raises(report.ReportError, match="cannot be cut by --since"):
        report.build(analysed_db, "summary", since="2024-01-01")
    empty = str(tmp_path / "raw.duckdb")
    add_products_and_reviews(empty, "P9", 2)
    with pytest.raises(report.ReportError, match="no analysis .* run `reviewlens analyze`"):
        report.build(empty, "summary")


def test_report_command(analysed_db, tmp_path):
    out = tmp_path / "out" / "needs.csv"
    result = CliRunner().invoke(cli, ["--db", analysed_db, "report", "--out", str(out), "--kind", "needs",
                                      "--product", "P1", "--excel"])
    assert result.exit_code == 0, result.output
    rows = _read_csv(out.read_bytes())
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows[0] == report.columns("needs") and {r[0] for r in rows[1:]} == {"P1"}
    assert "1 row" in result.output and str(out) in result.output
    bad = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)])
    assert bad.exit_code == 1 and "no database" in bad.output


def test_report_command_says_when_out_cannot_be_written(analysed_db, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder", encoding="utf-8")
    for out in (a_file / "summary.csv", a_file / "deeper" / "summary.csv"):
        result = CliRunner().invoke(cli, ["--db", analysed_db, "report", "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert result.output.strip() == (f"Error: cannot write {out}: {a_file} is a file, not a folder; "
                                         f"give --out a file in a folder you can write to")
    if os.path.isdir("/proc/self"):  # Linux: no file can be made in /proc, not even by root
        result = CliRunner().invoke(cli, ["--db", analysed_db, "report", "--out", "/proc/summary.csv"])
        assert result.exit_code == 1 and result.output.startswith("Error: cannot write /proc/summary.csv: ")
        assert len(result.output.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_report_command_into_a_read_only_folder(analysed_db, tmp_path):
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = CliRunner().invoke(cli, ["--db", analysed_db, "report", "--out", str(folder / "s.csv")])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write {folder / 's.csv'}: Permission denied")


def test_write_all_writes_every_kind_and_says_which_failed(analysed_db, tmp_path, monkeypatch):
    written = report.write_all(analysed_db, tmp_path / "all")
    assert sorted(written) == sorted(report.KINDS) and all(p.exists() for p in written.values())
    real_build = report.build

    def themes_broken(db, kind, **kw):
        if kind == "themes":
            raise RuntimeError("disk hiccup")
        return real_build(db, kind, **kw)

    monkeypatch.setattr(report, "build", themes_broken)
    with pytest.raises(report.ReportError, match="1 of 5 reports .*themes: disk hiccup"):
        report.write_all(analysed_db, tmp_path / "again")
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == [
        "aspects.csv", "needs.csv", "reviews.csv", "summary.csv"]


def test_dates_are_written_as_days_and_missing_ones_empty():
    """The dashboard's tables come from pandas: a DATE column is midnight timestamps and a
    missing date is NaT; the CSV holds the day, or an empty cell, and keeps a real time."""
    import pandas as pd

    frame = pd.DataFrame({"published_at": pd.to_datetime(["2024-07-03", None]),
                          "collected_at": pd.to_datetime(["2024-07-05 09:30:12", None])})
    assert frame["published_at"].dtype.kind == "M"
    assert report.to_csv_bytes(frame) == (b"published_at,collected_at\r\n"
                                          b"2024-07-03,2024-07-05 09:30:12\r\n,\r\n")
