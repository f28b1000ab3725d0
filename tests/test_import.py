"""`reviewlens import` on export files the tests write: formats, encodings, layouts, bad rows."""
from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.importer import import_files
from crawler.normalize import clean_text
from dashboard.cli import cli
from data import store

GENERIC_HEADER = "product_id,rating,title,body,date,author\n"


def write(path: Path, text: str, encoding: str = "utf-8", gz: bool = False) -> Path:
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def rows(db: str, sql: str, params=None) -> list[dict]:
    return store.query(db, sql, params).dicts()


def reviews(db: str) -> list[dict]:
    return rows(db, "SELECT * FROM reviews ORDER BY product_id, author, body")


def run_cli(db: str, *args: str):
    return CliRunner().invoke(cli, ["import", "--db", db, "--quiet", *args])


# --- the generic layout, ids, runs ----------------------------------------------------------

def test_generic_csv_is_imported_with_normalised_fields(tmp_path, db_path):
    path = write(tmp_path / "shop.csv", GENERIC_HEADER
                 + 'k1,5,Great,"Boils fast, and looks nice",2024-07-04,Ann\n'
                 + "k1,2,Meh,The lid sticks and the handle gets hot,1404432000,Bo\n"
                 + 'k2,4,,"<p>Solid &amp; quiet</p>  kettle, the lid is tight",July 4 2024,\n')
    summary = import_files(db_path, [path], progress=False)
    assert (summary.read, summary.imported, summary.duplicates, summary.rejected) == (3, 3, 0, 0)
    got = reviews(db_path)
    assert [r["body"] for r in got] == ["Boils fast, and looks nice", "The lid sticks and the handle gets hot",
                                       "Solid & quiet\nkettle, the lid is tight"]  # </p> ends a line
    first = got[0]
    assert first["rating"] == 5.0 and first["rating_original"] == "5" and first["rating_scale"] == "1-5"
    assert first["published_at"] == date(2024, 7, 4) and first["source"] == "shop.csv"
    assert got[1]["published_at"] == date(2014, 7, 4)
    assert got[2]["published_at"] == date(2024, 7, 4) and got[2]["author"] is None
    assert got[2]["title"] is None
    for r in got:  # the ids are the store's own definitions, whichever path computed them
        day = r["published_at"].isoformat() if r["published_at"] else None
        assert r["review_id"] == store.review_id(r["product_id"], r["author"], day, r["body"])
        assert r["content_hash"] == store.content_hash(r["title"], r["body"])
        assert r["collect_run_id"] == summary.run_id and r["language"] == "en"
    assert {p["product_id"] for p in rows(db_path, "SELECT * FROM products")} == {"k1", "k2"}
    run = rows(db_path, "SELECT * FROM collect_runs")[0]
    assert (run["kind"], run["status"], run["reviews_read"], run["reviews_new"]) == ("import", "ok", 3, 3)


def test_duplicates_in_a_file_and_on_reimport_are_stored_once(tmp_path, db_path):
    path = write(tmp_path / "dup.csv", GENERIC_HEADER
                 + "k1,5,Great,Boils fast and looks nice,2024-07-04,Ann\n"
                 + "k1,5,Great,Boils  fast and LOOKS nice,2024-07-04,ann\n"   # same review, re-typed
                 + "k1,4,Good,Boils fast and looks nice,2024-07-05,Ann\n")   # another day: another review
    first = import_files(db_path, [path], progress=False)
    assert (first.imported, first.duplicates) == (2, 1)
    again = import_files(db_path, [path], progress=False)
    assert (again.read, again.imported, again.duplicates) == (3, 0, 3)
    assert len(reviews(db_path)) == 2
    result = run_cli(db_path, str(path))
    assert result.exit_code == 0, result.output  # adding nothing is not a failure
    assert "imported 0, duplicates 3" in result.output


def test_duplicates_across_write_batches(tmp_path, db_path):
    lines = [f"k{i % 3},4,T,Review number {i} is about the kettle,2024-01-0{1 + i % 9},U{i}" for i in range(50)]
    path = write(tmp_path / "many.csv", GENERIC_HEADER + "\n".join(lines + lines[:7]) + "\n")
    summary = import_files(db_path, [path], batch_size=10, progress=False)
    assert (summary.read, summary.imported, summary.duplicates) == (57, 50, 7)
    for r in reviews(db_path):  # every stored row carries its own id, date and hash
        assert r["review_id"] == store.review_id(r["product_id"], r["author"],
                                                 r["published_at"].isoformat(), r["body"])
        assert r["body"].endswith(f"{r['author'][1:]} is about the kettle")
        assert r["published_at"].day == 1 + int(r["author"][1:]) % 9
        assert r["content_hash"] == store.content_hash(r["title"], r["body"])
    run = rows(db_path, "SELECT * FROM collect_runs")[0]
    assert (run["reviews_read"], run["reviews_new"], run["duplicates"]) == (57, 50, 7)


# --- bad rows -------------------------------------------------------------------------------

def test_bad_rows_are_reported_by_line_and_the_rest_kept(tmp_path, db_path):
    path = write(tmp_path / "bad.csv", GENERIC_HEADER
                 + "k1,5,Fine,The first good review of this kettle,2024-07-01,Ann\n"   # line 2
                 + "k1,4,Empty,,2024-07-02,Bo\n"                                       # 3: no text
                 + "k1,9,Odd,A rating of nine on a five star scale,2024-07-03,Cy\n"    # 4: out of range
                 + ",4,Who,Nobody knows which product this is,2024-07-04,Di\n"         # 5: no product
                 + 'k1,3,"Broken,The quote never closes here,2024-07-05,Ed\n'          # 6: broken quoting
                 + "k2,3,Fine,The second good review of this kettle,2024-07-06,Fay\n"  # 7
                 + "k2,1,Fine,The third good review of this kettle,2024-07-07,Gus\n"   # 8
                 + "k2,2,Fine,The fourth good review,soon-ish,Hal\n")                  # 9: date kept empty
    summary = import_files(db_path, [path], progress=False)
    assert (summary.read, summary.imported, summary.rejected) == (8, 4, 4)
    assert summary.examples == {"no review text": ["bad.csv line 3"],
                                "rating out of range": ["bad.csv line 4"],
                                "no product id": ["bad.csv line 5"],
                                "broken quoting": ["bad.csv line 6"]}
    assert summary.dates_unparsed == 1
    got = reviews(db_path)
    assert [r["author"] for r in got] == ["Ann", "Fay", "Gus", "Hal"]
    assert got[-1]["published_at"] is None
    run = rows(db_path, "SELECT * FROM collect_runs")[0]
    assert run["status"] == "partial" and run["rejected"] == 4
    assert json.loads(run["problems"]) == {"no review text": 1, "rating out of range": 1,
                                           "no product id": 1, "broken quoting": 1, "date unparsed": 1}
    text = summary.text()
    assert "read 8, imported 4, duplicates 0, rejected 4" in text and "bad.csv line 6" in text


def test_line_numbers_stay_exact_after_multiline_fields_and_blank_lines(tmp_path, db_path):
    path = write(tmp_path / "multi.csv", GENERIC_HEADER
                 + 'k1,5,Long,"First line\nsecond line\nthird line",2024-07-01,Ann\n'  # lines 2-4
                 + "\n"                                                                   # 5: blank
                 + "k1,5,Empty,,2024-07-02,Bo\n"                                          # 6
                 + "k1,4,Fine,Another fine review of the kettle,2024-07-03,Cy\n")
    summary = import_files(db_path, [path], progress=False)
    assert summary.examples == {"no review text": ["multi.csv line 6"]}
    assert summary.imported == 2
    assert reviews(db_path)[0]["body"] == "First line\nsecond line\nthird line"


def test_wrong_field_count_rejects_only_that_line(tmp_path, db_path):
    path = write(tmp_path / "fields.csv", GENERIC_HEADER
                 + "k1,5,Fine,A good review of the kettle,2024-07-01,Ann\n"
                 + "k1,5,Fine,Too,many,fields,here\n"
                 + "k1,4,Fine,Another good review of the kettle,2024-07-03,Cy\n")
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 2
    assert summary.examples == {"7 fields where the header has 6": ["fields.csv line 3"]}


# --- formats, compression, encodings --------------------------------------------------------

MARKETPLACE = [
    {"asin": "B001", "overall": 5.0, "reviewText": "Works great and the sound is clear",
     "summary": "Love it", "unixReviewTime": 1404432000, "reviewTime": "07 4, 2014",
     "reviewerName": "Ann", "helpful": [2, 3], "verified": True, "style": {"Color:": " Black"}},
    {"asin": "B001", "overall": 2.0, "reviewText": "Stopped working after a week, very annoying",
     "summary": "Broke", "unixReviewTime": 1404518400, "reviewTime": "07 5, 2014",
     "reviewerName": "Bo", "helpful": [0, 0], "verified": False},
]


def _check_marketplace(db_path: str) -> None:
    got = reviews(db_path)
    assert [(r["product_id"], r["rating"], r["title"], r["author"]) for r in got] == [
        ("B001", 5.0, "Love it", "Ann"), ("B001", 2.0, "Broke", "Bo")]
    assert got[0]["published_at"] == date(2014, 7, 4) and got[1]["published_at"] == date(2014, 7, 5)
    assert got[0]["helpful_votes"] == 2 and got[0]["verified"] is True and got[1]["verified"] is False
    assert got[0]["variant"] == "Color: Black"


def test_marketplace_json_lines_gzip(tmp_path, db_path):
    path = write(tmp_path / "reviews.jsonl.gz", "\n".join(json.dumps(r) for r in MARKETPLACE), gz=True)
    assert import_files(db_path, [path], progress=False).imported == 2
    _check_marketplace(db_path)


def test_json_array_and_object_with_a_list(tmp_path, db_path):
    write(tmp_path / "a.json", json.dumps(MARKETPLACE))
    write(tmp_path / "b.json", json.dumps({"count": 2, "reviews": MARKETPLACE}))
    summary = import_files(db_path, [tmp_path / "a.json", tmp_path / "b.json"], progress=False)
    assert (summary.imported, summary.duplicates) == (2, 2)
    _check_marketplace(db_path)


def test_broken_json_line_is_rejected_with_its_line(tmp_path, db_path):
    lines = [json.dumps(MARKETPLACE[0]), '{"asin": "B001", "overall": 4, "reviewText": "cut off', json.dumps(MARKETPLACE[1])]
    path = write(tmp_path / "cut.jsonl", "\n".join(lines) + "\n")
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 2 and summary.examples == {"broken JSON": ["cut.jsonl line 2"]}


def test_parquet(tmp_path, db_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"product_id": ["p1", "p2"], "stars": [80, 40], "review_text": [
        "Quiet and quick, the kettle is great", "The lid broke after one week of use"],
        "review_date": ["2024-07-04", "2024-07-05"], "username": ["Ann", "Bo"],
        "product_name": ["Kettle One", "Kettle Two"], "category": ["Kitchen", "Kitchen"]})
    pq.write_table(table, tmp_path / "export.parquet")
    summary = import_files(db_path, [tmp_path / "export.parquet"], progress=False)
    assert summary.imported == 2
    got = reviews(db_path)
    assert [(r["rating"], r["rating_scale"], r["rating_original"]) for r in got] == [
        (4.2, "0-100", "80"), (2.6, "0-100", "40")]
    products = rows(db_path, "SELECT product_id, title, category FROM products ORDER BY 1")
    assert products == [{"product_id": "p1", "title": "Kettle One", "category": "Kitchen"},
                        {"product_id": "p2", "title": "Kettle Two", "category": "Kitchen"}]


def test_encodings_and_line_endings(tmp_path, db_path):
    variants = [("utf-8", "\n", True), ("latin-1", "\n", False), ("utf-8", "\r\n", False),
                ("latin-1", "\r\n", False)]
    paths = []
    for number, (encoding, newline, bom) in enumerate(variants):
        # Each file's reviews differ by product, so the four files do not dedupe each other.
        text = (GENERIC_HEADER
                + f'k{number},5,Très bien,"Très bonne bouilloire, elle chauffe vite et fait peu de bruit",'
                  f"2024-07-04,Zoë\n"
                + f"k{number},4,Good,Plain text review about the kettle,2024-07-05,Al\n").replace("\n", newline)
        paths.append(write(tmp_path / f"enc{number}.csv", ("\ufeff" if bom else "") + text, encoding=encoding))
    summary = import_files(db_path, paths, progress=False)
    assert (summary.imported, summary.rejected) == (8, 0), summary.text()
    for number in range(len(variants)):
        got = {r["author"]: r for r in rows(db_path, "SELECT * FROM reviews WHERE product_id = ?",
                                             [f"k{number}"])}
        assert got["Zoë"]["body"] == "Très bonne bouilloire, elle chauffe vite et fait peu de bruit"
        assert got["Zoë"]["title"] == "Très bien" and got["Zoë"]["language"] == "fr"
        assert got["Al"]["body"] == "Plain text review about the kettle"
    # the BOM did not end up in the first column's name (the product ids were found)
    assert {r["product_id"] for r in reviews(db_path)} == {"k0", "k1", "k2", "k3"}


def test_tsv_alexa_layout_without_a_product_column(tmp_path, db_path):
    path = write(tmp_path / "amazon_alexa.tsv",
                 "rating\tdate\tvariation\tverified_reviews\tfeedback\n"
                 "5\t31-Jul-18\tCharcoal Fabric \tLove my Echo!! It plays music and the sound is good\t1\n"
                 "1\t30-Jul-18\tWalnut Finish \tIt stopped responding after two days\t0\n")
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 2 and "amazon_alexa" in summary.notes[0]
    got = sorted(reviews(db_path), key=lambda r: -r["rating"])
    assert {r["product_id"] for r in got} == {"amazon_alexa"}
    assert [(r["rating"], r["published_at"], r["variant"]) for r in got] == [
        (5.0, date(2018, 7, 31), "Charcoal Fabric"), (1.0, date(2018, 7, 30), "Walnut Finish")]


def test_rating_scales_and_date_forms(tmp_path, db_path):
    path = write(tmp_path / "scales.csv", "item_id,score,comment,review_date,user\n"
                 "a,8,Ten point scale review number one,09 1, 2016,u1\n".replace("09 1, 2016", '"09 1, 2016"')
                 + "a,10,Ten point scale review number two,31-Jul-18,u2\n"
                 + "a,6,Ten point scale review number three,\"July 4, 2024\",u3\n"
                 + "a,0,Ten point scale review number four,1404432000000,u4\n"
                 + 'a,"4.5 out of 5",Text ratings carry their own scale,2024-07-04T10:00:00Z,u5\n'
                 + "a,8/10,Slash ratings carry their own scale,Reviewed in the United States on July 4 2024,u6\n")
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected, summary.dates_unparsed) == (6, 0, 0), summary.text()
    got = {r["author"]: r for r in reviews(db_path)}
    assert [(got[u]["rating"], got[u]["rating_scale"]) for u in ("u1", "u2", "u3", "u4", "u5", "u6")] == [
        (4.2, "0-10"), (5.0, "0-10"), (3.4, "0-10"), (1.0, "0-10"), (4.5, "1-5"), (4.2, "0-10")]
    assert got["u5"]["rating_original"] == "4.5 out of 5"
    assert [got[u]["published_at"] for u in ("u1", "u2", "u3", "u4", "u5", "u6")] == [
        date(2016, 9, 1), date(2018, 7, 31), date(2024, 7, 4), date(2014, 7, 4), date(2024, 7, 4),
        date(2024, 7, 4)]


def test_stated_rating_scale_option(tmp_path, db_path):
    path = write(tmp_path / "ten.csv", GENERIC_HEADER + "k,4,T,Four out of ten is poor,2024-07-04,A\n"
                 + "k,5,T,Five out of ten is average,2024-07-04,B\n")
    import_files(db_path, [path], rating_scale=10, progress=False)
    assert [r["rating"] for r in reviews(db_path)] == [2.6, 3.0]


def test_text_cleaning_language_and_non_ascii_ids(tmp_path, db_path):
    path = write(tmp_path / "mixed.csv", GENERIC_HEADER
                 + 'k1,5,Top,"Der Wasserkocher ist sehr gut und kocht das Wasser schnell",2024-07-04,Jürgen\n'
                 + 'k1,4,Ok,"Great&nbsp;kettle<br>with a   blue light",2024-07-04,Ann\n'
                 + "k1,3,Ok,ok,2024-07-04,Bo\n")
    import_files(db_path, [path], progress=False)
    got = {r["author"]: r for r in reviews(db_path)}
    assert got["Jürgen"]["language"] == "de"
    assert got["Ann"]["body"] == "Great kettle\nwith a blue light"
    assert got["Bo"]["language"] is None  # too short to tell
    day = "2024-07-04"
    assert got["Jürgen"]["review_id"] == store.review_id("k1", "Jürgen", day, got["Jürgen"]["body"])


def test_messy_and_non_ascii_rows_get_the_stores_own_ids_in_sql_and_in_python(tmp_path, db_path):
    # Markup, odd whitespace and safe characters (crawler.sql_text) are cleaned and hashed in
    # SQL, the rest in Python: either way the texts, ids, hashes and languages must be what
    # clean_text, the store's functions and the detector give.
    texts = [("Zoë", "“Great” kettle – boils in 2 min, worth the 30 €", "Top ✔"),
             ("André", "ÉNORME bouilloire, très bien faite et silencieuse 👍🏽", "Très bien"),
             ("Ира", "Отличный чайник, кипятит очень быстро ❤️", "Супер"),
             ("Max", "Great kettle.<br /><br />The lid is &#34;tight&#34;\r\nand it&#39;s  quiet", "<b>Nice</b>"),
             ("Ned", "  Boils fast &amp; looks good\tin my kitchen  ", "Fine &amp; dandy"),
             ("Ona", "Quiet kettle, the handle stays cool", "<br/>"),             # title only markup
             ("Bo", "It\u2019s fine… the lid sticks", "Meh"),                 # ellipsis: Python
             ("Kai", "ﬁne kettle, the cafe\u0301 mug fits", "ﬁne"),           # ligature, combining accent
             ("Lea", "ΟΔΟΣ kettle is GREAT &copy; 2024", "ΣΑΣ")]               # Greek sigma, &copy;
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["product_id", "rating", "title", "body", "date", "author"])
    writer.writerows(["k1", 4, title, body, "2024-07-04", author] for author, body, title in texts)
    import_files(db_path, [write(tmp_path / "intl.csv", out.getvalue())], progress=False)
    got = {r["author"]: r for r in reviews(db_path)}
    assert set(got) == {author for author, _, _ in texts}
    for author, body, title in texts:
        row = got[author]
        assert row["body"] == clean_text(body) and row["title"] == (clean_text(title) or None), author
        assert row["review_id"] == store.review_id("k1", author, "2024-07-04", row["body"]), author
        assert row["content_hash"] == store.content_hash(row["title"], row["body"]), author
    assert got["Max"]["body"] == "Great kettle.\nThe lid is \"tight\"\nand it's quiet"
    assert got["André"]["language"] == "fr" and got["Ира"]["language"] == "ru"
    assert got["Zoë"]["language"] == "en" and got["Max"]["language"] == "en"
    assert got["Bo"]["language"] == "en"  # "It’s ... the": no letter outside ASCII, English words
    # The same reviews differently cased and spaced are the same reviews.
    again = GENERIC_HEADER + ('k1,4,x,"ÉNORME  bouilloire, TRÈS bien faite et silencieuse 👍🏽",2024-07-04,andré\n'
                              'k1,4,x,"GREAT kettle. The lid is ""tight"" and it\'s quiet",2024-07-04,max\n')
    summary = import_files(db_path, [write(tmp_path / "again.csv", again)], progress=False)
    assert (summary.imported, summary.duplicates) == (0, 2)


def test_line_breaks_are_kept_on_every_path_and_change_no_review_id(tmp_path, db_path):
    # A body's line breaks are stored as one "\n" each (a title's are a space), whether SQL takes the row as it is (one
    # "\n"), cleans it (CRLF, blank lines, spaces beside breaks, <br />, U+2028) or Python does
    # (an ellipsis). The id ignores them: the same reviews on one line, stored before line
    # breaks were kept, are duplicates.
    texts = [("Ann", "Pros: great sound\nCons: battery dies fast", "Pros: great sound\nCons: battery dies fast"),
             ("Bo", "The screen is great\r\n\r\nBattery is awful\r\n", "The screen is great\nBattery is awful"),
             ("Cy", "  Quiet kettle \n \n  the lid sticks  ", "Quiet kettle\nthe lid sticks"),
             ("Dee", "Nice kettle<br /><br />Loud lid &amp; hot handle", "Nice kettle\nLoud lid & hot handle"),
             ("Eve", "Très bien\u2028mais bruyant 👍🏽", "Très bien\nmais bruyant 👍🏽"),
             ("Fay", "Wait for it…\n\nit boils", "Wait for it…\nit boils"),
             ("Gus", "<p>One</p>\n<p>Two</p>", "One\nTwo")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["product_id", "rating", "title", "body", "date", "author"])
    writer.writerows(["k1", 4, "Line\nbreaks", body, "2024-07-04", author] for author, body, _ in texts)
    one_line = io.StringIO()
    csv.writer(one_line).writerows([["product_id", "rating", "title", "body", "date", "author"]]
                                   + [["k1", 4, "x", " ".join(want.split()), "2024-07-04", author]
                                      for author, _, want in texts])
    summary = import_files(db_path, [write(tmp_path / "lines.csv", out.getvalue())], progress=False)
    assert (summary.imported, summary.rejected) == (len(texts), 0), summary.text()
    got = {r["author"]: r for r in reviews(db_path)}
    for author, body, want in texts:
        row = got[author]
        assert row["body"] == want == clean_text(body), author
        assert row["title"] == "Line breaks"  # a title is one line (clean_line)
        assert row["review_id"] == store.review_id("k1", author, "2024-07-04", " ".join(want.split())), author
        assert row["content_hash"] == store.content_hash("Line breaks", want), author
    summary = import_files(db_path, [write(tmp_path / "one_line.csv", one_line.getvalue())], progress=False)
    assert (summary.imported, summary.duplicates) == (0, len(texts)), summary.text()


# --- the command ----------------------------------------------------------------------------

def test_map_option_and_summary_output(tmp_path, db_path):
    path = write(tmp_path / "odd.csv", "sku,stars,remarks,when,who\n"
                 "s1,5,Remarkable kettle and the price was fair,2024-07-04,Ann\n")
    result = run_cli(db_path, str(path))
    assert result.exit_code == 1 and "--map body=COLUMN" in result.output
    result = run_cli(db_path, "--map", "body=remarks", "--map", "date=when", "--map", "author=who", str(path))
    assert result.exit_code == 0, result.output
    assert "read 1, imported 1, duplicates 0, rejected 0" in result.output
    got = reviews(db_path)[0]
    assert (got["product_id"], got["author"], got["published_at"]) == ("s1", "Ann", date(2024, 7, 4))
    result = run_cli(db_path, "--map", "nonsense=remarks", str(path))
    assert result.exit_code != 0 and "unknown field 'nonsense'" in result.output


def test_exit_codes(tmp_path, db_path):
    all_bad = write(tmp_path / "allbad.csv", GENERIC_HEADER + "k,5,T,,2024-07-04,A\n")
    result = run_cli(db_path, str(all_bad))
    assert result.exit_code == 1 and "allbad.csv line 2" in result.output
    result = run_cli(db_path, str(tmp_path / "missing.csv"))
    assert result.exit_code == 1 and "missing.csv" in result.output
    broken_gz = tmp_path / "broken.csv.gz"
    broken_gz.write_bytes(gzip.compress(b"product_id,body\nk,fine review text\n")[:20])
    result = run_cli(db_path, str(broken_gz))
    assert result.exit_code == 1 and "broken.csv.gz" in result.output
    good = write(tmp_path / "good.csv", GENERIC_HEADER + "k,5,T,A fine review of the kettle,2024-07-04,A\n")
    result = run_cli(db_path, str(good), str(all_bad))
    assert result.exit_code == 0 and "imported 1" in result.output and "rejected 1" in result.output


def test_semicolon_separated_csv_from_a_spreadsheet(tmp_path, db_path):
    path = write(tmp_path / "excel.csv", "product_id;rating;title;body;date;author\r\n"
                 "k1;4;Good;Heats up fast, and the lid is tight;04.07.2024;Ann\r\n", encoding="latin-1")
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 1, summary.text()
    got = reviews(db_path)[0]
    assert (got["body"], got["published_at"]) == ("Heats up fast, and the lid is tight", date(2024, 7, 4))


def test_food_review_and_newer_marketplace_layouts(tmp_path, db_path):
    food = write(tmp_path / "Reviews.csv",
                 "Id,ProductId,UserId,ProfileName,HelpfulnessNumerator,HelpfulnessDenominator,Score,Time,Summary,Text\n"
                 "1,B00F,A1,Ann Lee,3,4,5,1303862400,Good tea,The tea is fresh and the tin keeps it dry\n")
    newer = write(tmp_path / "Kitchen.jsonl", json.dumps({
        "rating": 4.0, "title": "Nice pan", "text": "Heats evenly and the handle stays cool",
        "images": [], "asin": "B0PAN", "parent_asin": "B0PANS", "user_id": "AGX", "timestamp": 1588615855070,
        "helpful_vote": 1, "verified_purchase": True}) + "\n")
    summary = import_files(db_path, [food, newer], progress=False)
    assert summary.imported == 2, summary.text()
    got = {r["product_id"]: r for r in reviews(db_path)}
    assert (got["B00F"]["author"], got["B00F"]["rating"], got["B00F"]["published_at"],
            got["B00F"]["title"], got["B00F"]["helpful_votes"]) == ("Ann Lee", 5.0, date(2011, 4, 27), "Good tea", 3)
    assert (got["B0PAN"]["author"], got["B0PAN"]["published_at"], got["B0PAN"]["verified"],
            got["B0PAN"]["helpful_votes"]) == ("AGX", date(2020, 5, 4), True, 1)


def test_relative_dates_stay_out_of_the_review_id(tmp_path, db_path):
    from datetime import datetime

    path = write(tmp_path / "rel.csv", GENERIC_HEADER
                 + "k1,5,T,Bought it last week and the kettle is fine,3 days ago,Ann\n"
                 + "k1,4,T,Bought it and the kettle is fine too,3 days ago,Bø\n")
    first = import_files(db_path, [path], now=datetime(2024, 7, 4), progress=False)
    again = import_files(db_path, [path], now=datetime(2024, 7, 9), progress=False)
    assert (first.imported, again.imported, again.duplicates) == (2, 0, 2)
    got = {r["author"]: r for r in reviews(db_path)}
    assert got["Ann"]["published_at"] == date(2024, 7, 1)
    for r in got.values():
        assert r["review_id"] == store.review_id("k1", r["author"], None, r["body"])


def test_write_batches_end_the_store_on_whole_row_groups():
    """A batch is cut so the store then ends on a whole DuckDB row group (a part-full last row
    group is merged and rewritten by the next write); small batches are taken as asked."""
    import duckdb

    from crawler.importer import _ROW_GROUP, _batch_end

    mem = duckdb.connect()
    # rows to write are every other file row: file row of queue position k is 2k
    mem.execute("CREATE TABLE queue AS SELECT range * 2 AS _n FROM range(300000)")
    queued, total = 300_000, 600_000
    position, stop = _batch_end(mem, 0, 0, queued, total, batch_size=200_000, stored=0)
    assert (position, stop) == (_ROW_GROUP, 2 * _ROW_GROUP)
    position, stop = _batch_end(mem, 0, 0, queued, total, batch_size=200_000, stored=100_000)
    assert (100_000 + position) % _ROW_GROUP == 0 and stop == 2 * position
    assert _batch_end(mem, 0, 0, queued, total, batch_size=10, stored=7) == (10, 20)
    assert _batch_end(mem, 500_000, 250_000, queued, total, batch_size=200_000, stored=0) == (queued, total)
    # the rest of the file is at most a quarter more than a batch: one batch takes it all
    assert _batch_end(mem, 0, 0, queued, total, batch_size=250_000, stored=0) == (queued, total)
    assert _batch_end(mem, 0, 0, queued, total, batch_size=10, stored=0) == (10, 20)
    mem.close()
