"""`reviewlens import` on the exports a review of the importer found mishandled: rows without a
body or product beside markup, a last line with an extra field, stray rating values, the careful
CSV reader, Windows and mixed encodings, nested JSON, empty and UTF-16 files, time zones, NaN."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crawler.importer import import_files
from crawler.normalize import normalize_rating, rating_scale_for
from data import store

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def stored(db: str, sql: str = "SELECT * FROM reviews ORDER BY product_id, body") -> list[dict]:
    return store.query(db, sql).dicts()


def bodies(db: str) -> list[str]:
    return [r["body"] for r in stored(db)]


# --- 1. a row without a body or product id, with markup elsewhere in the row ----------------

@pytest.mark.parametrize("line, reason", [
    ("p2,4,<b>Great</b> toaster,", "no review text"),       # markup in the title, no body
    (" p3 ,4,Fine,", "no review text"),                     # edge spaces, no body
    (",4,Nice,Nice <b>toaster</b> and the lever", "no product id"),
])
def test_row_without_body_or_product_beside_markup_is_rejected_not_the_file(tmp_path, db_path, line, reason):
    path = write(tmp_path / "shop.csv", "product_id,rating,title,body\n"
                 "p1,5,Good,Great kettle and the lid works\n" + line + "\n")
    summary = import_files(db_path, [path], progress=False)
    assert (summary.read, summary.imported, summary.rejected) == (2, 1, 1), summary.text()
    assert summary.examples == {reason: ["shop.csv line 3"]}
    assert bodies(db_path) == ["Great kettle and the lid works"]
    assert [p["product_id"] for p in stored(db_path, "SELECT * FROM products")] == ["p1"]


def test_json_record_without_product_id_and_with_an_entity_is_rejected(tmp_path, db_path):
    path = write(tmp_path / "shop.json", json.dumps([
        {"asin": "p1", "overall": 5, "reviewText": "Great kettle and the lid works"},
        {"asin": None, "overall": 4, "reviewText": "Nice toaster &amp; the lever"},
        {"overall": 4, "reviewText": "Nice toaster<br>the lever"}]))
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected) == (1, 2), summary.text()
    assert summary.examples == {"no product id": ["shop.json record 2", "shop.json record 3"]}


# --- 2. a last line with an extra field -------------------------------------------------------

def test_a_last_line_with_an_extra_field_does_not_hide_the_rows_above(tmp_path, db_path):
    good = "".join(f"p{n},4,review {n} and the kettle works\n" for n in range(50))
    path = write(tmp_path / "shop.csv", "product_id,rating,body\n" + good + "p99,4,Good, but small\n")
    summary = import_files(db_path, [path], progress=False)
    assert (summary.read, summary.imported, summary.rejected) == (51, 50, 1), summary.text()
    assert summary.examples == {"4 fields where the header has 3": ["shop.csv line 52"]}


# --- 3. a few stray values do not change a rating column's scale ------------------------------

def test_a_few_stray_values_in_a_big_file_do_not_flip_the_rating_scale(tmp_path, db_path):
    lines = [f"p{n % 50},{n % 5 + 1},review number {n} and the kettle works" for n in range(10_000)]
    lines += [f"p{n},6,stray review {n} and the kettle works" for n in range(60)]   # 0.6%
    path = write(tmp_path / "big.csv", "product_id,rating,body\n" + "\n".join(lines) + "\n")
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected) == (10_000, 60), summary.text()
    assert summary.reasons == {"rating out of range": 60}
    scales = stored(db_path, "SELECT rating_scale, max(rating) AS best, count(*) AS n FROM reviews "
                             "GROUP BY ALL")
    assert scales == [{"rating_scale": "1-5", "best": 5.0, "n": 10_000}]


def test_rating_scale_counts_every_occurrence():
    assert rating_scale_for([1, 5, 6], counts=[5000, 5000, 60]) == (1.0, 5.0)      # 0.6%
    assert rating_scale_for([1, 5, 6], counts=[4000, 4000, 200]) == (0.0, 10.0)    # 2.4%
    assert rating_scale_for([1, 5, 60], counts=[10, 10, 2]) == (0.0, 100.0)
    assert rating_scale_for(iter([1, 4, 9, 9])) == (0.0, 10.0)                      # values alone, as before


# --- 4. the careful CSV reader ----------------------------------------------------------------

def test_multi_line_record_with_an_extra_field_is_one_rejected_record(tmp_path, db_path):
    path = write(tmp_path / "ghost.csv", "product_id,rating,body,author\n"
                 "p1,5,Great kettle and the lid works,Ann\n"
                 'p2,4,"Pros:\nfast, 5, cheap and quiet, Joe\nCons: none",Smith, John\n'
                 "p3,3,Okay mug and the handle,Bob\n")
    summary = import_files(db_path, [path], progress=False)
    assert (summary.read, summary.imported, summary.rejected) == (3, 2, 1), summary.text()
    assert summary.examples == {"5 fields where the header has 4": ["ghost.csv line 3"]}
    assert bodies(db_path) == ["Great kettle and the lid works", "Okay mug and the handle"]


def test_quote_inside_an_unquoted_field_is_a_character_in_the_careful_reader(tmp_path, db_path):
    path = write(tmp_path / "inch.csv", "product_id,rating,body,author\n"
                 "p1,5,Nice kettle,Ann\n"
                 "p2,4,too,many,fields\n"                    # sends the file to the careful reader
                 'p4,5,the 17" screen is great,Cy\n'
                 'p5,2,"quoted ""and"" fine",Di\n')
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected) == (3, 1), summary.text()
    assert summary.examples == {"5 fields where the header has 4": ["inch.csv line 3"]}
    assert bodies(db_path) == ["Nice kettle", 'the 17" screen is great', 'quoted "and" fine']


LONG_BODY = "the kettle is fine " * 8000                          # 152,000 characters


def test_quoted_body_longer_than_pythons_csv_field_limit(tmp_path, db_path):
    path = write(tmp_path / "long.csv", "product_id,rating,body\n"
                 "p1,5,Great kettle and the lid works\n"
                 "p3,3,one,two,three\n"                             # the careful reader's file
                 f'p2,4,"{LONG_BODY}"\n')
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected) == (2, 1), summary.text()
    assert summary.examples == {"5 fields where the header has 3": ["long.csv line 3"]}
    assert bodies(db_path)[1] == LONG_BODY.strip()


def test_line_of_a_rejected_row_after_a_long_multi_line_body(tmp_path, db_path):
    # DuckDB reads this file; a rejected row makes the importer find its exact line
    path = write(tmp_path / "long.csv", "product_id,rating,body\n"
                 f'p4,4,"{LONG_BODY}\nand a second line"\n'
                 "p5,3,\n")
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected) == (1, 1), summary.text()
    assert summary.examples == {"no review text": ["long.csv line 4"]}


# --- 5. Windows (cp1252) and mixed encodings --------------------------------------------------

CP1252_ROW = "p1,5,It\x92s great \x96 really \x93nice\x94 and the lid works,Ren\xe9\n".encode("latin-1")
CP1252_BODY = "It’s great – really “nice” and the lid works"


@pytest.mark.parametrize("broken", [False, True], ids=["duckdb reader", "careful reader"])
def test_windows_file_is_read_as_cp1252(tmp_path, db_path, broken):
    data = b"product_id,rating,body,author\n" + CP1252_ROW + (b"p9,1,x,y,z\n" if broken else b"")
    summary = import_files(db_path, [write(tmp_path / "win.csv", data)], progress=False)
    assert (summary.imported, summary.rejected) == (1, int(broken)), summary.text()
    got = stored(db_path)[0]
    assert (got["body"], got["author"]) == (CP1252_BODY, "René")


@pytest.mark.parametrize("broken", [False, True], ids=["duckdb reader", "careful reader"])
def test_utf8_file_with_one_windows_line_keeps_its_accents(tmp_path, db_path, broken):
    data = ("product_id,rating,body\np1,5,Café kettle and the lid works — great\n".encode("utf-8")
            + b"p2,4,It\x92s a toaster and the lever works\n" + (b"p9,1,x,y,z\n" if broken else b"")
            + "p3,4,Crème brûlée maker and the lid works\n".encode("utf-8"))
    summary = import_files(db_path, [write(tmp_path / "mixed.csv", data)], progress=False)
    assert (summary.imported, summary.rejected) == (3, int(broken)), summary.text()
    assert bodies(db_path) == ["Café kettle and the lid works — great", "It’s a toaster and the lever works",
                               "Crème brûlée maker and the lid works"]


def test_decode_reads_cp1252_and_keeps_its_undefined_bytes():
    from crawler.import_readers import decode

    assert decode(b"a\x80b\x81c") == ("a€b\x81c", "cp1252")
    assert decode("é\n".encode() + b"\x93x\x94") == ("é\n“x”", "utf-8+cp1252")
    assert decode("\ufeffé".encode("utf-16")) == ("\ufeffé", "utf-16")


def test_rejected_row_in_a_cp1252_file_is_named_by_its_line(tmp_path, db_path):
    data = (b"product_id,rating,body\n" + b"p1,5,\x93Quoted\x94 and the kettle works\n"
            + b'p2,4,"two\nlines \x96 here"\n' + b"p3,2,\n")
    summary = import_files(db_path, [write(tmp_path / "win.csv", data)], progress=False)
    assert summary.examples == {"no review text": ["win.csv line 5"]}, summary.text()
    assert bodies(db_path) == ["“Quoted” and the kettle works", "two\nlines – here"]


# --- 6. nested JSON ---------------------------------------------------------------------------

def test_nested_review_and_user_objects_are_read_as_fields(tmp_path, db_path):
    path = write(tmp_path / "nested.json", json.dumps([
        {"product_id": "p1", "rating": 5, "review": {"title": "Good", "text": "Great kettle and the lid works"},
         "user": {"name": "Ann"}, "date": "2024-01-02", "style": {"Color:": " Black"}}]))
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 1, summary.text()
    got = stored(db_path)[0]
    assert (got["title"], got["body"], got["author"]) == ("Good", "Great kettle and the lid works", "Ann")
    assert got["variant"] == "Color: Black"   # a variant's object is still read whole


def test_reviews_list_inside_a_nested_wrapper(tmp_path, db_path):
    path = write(tmp_path / "wrap.json", json.dumps({
        "meta": {"count": 1, "links": [{"rel": "next"}]},
        "data": {"reviews": [{"product": {"id": "p1", "name": "Kettle"}, "rating": {"value": 2},
                              "text": "Bad kettle and the lid broke", "author": {"name": "Bob"}}]}}))
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 1, summary.text()
    got = stored(db_path)[0]
    assert (got["product_id"], got["rating"], got["author"]) == ("p1", 2.0, "Bob")
    assert stored(db_path, "SELECT product_id, title FROM products") == [{"product_id": "p1", "title": "Kettle"}]


# --- 7. UTF-16 and empty files ----------------------------------------------------------------

@pytest.mark.parametrize("name, delimiter", [("excel.txt", "\t"), ("excel.csv", ",")])
def test_utf16_file_from_a_spreadsheet(tmp_path, db_path, name, delimiter):
    text = delimiter.join(["product_id", "rating", "body"]) + "\r\n" + delimiter.join(
        ["p1", "5", '"Très bonne bouilloire, elle chauffe vite et fait peu de bruit"']) + "\r\n"
    summary = import_files(db_path, [write(tmp_path / name, text.encode("utf-16"))], progress=False)
    assert summary.imported == 1, summary.text()
    assert bodies(db_path) == ["Très bonne bouilloire, elle chauffe vite et fait peu de bruit"]


@pytest.mark.parametrize("name, content, message", [
    ("empty.csv", "", "empty.csv is empty"),
    ("header.csv", "product_id,rating,body\n", "header.csv holds no reviews (only the header line)"),
    ("empty.json", "", "empty.json is empty"),
    ("array.json", "[]", "array.json holds no reviews (no records)"),
])
def test_empty_files_say_so(tmp_path, db_path, name, content, message):
    path = write(tmp_path / name, content)
    summary = import_files(db_path, [path], progress=False)
    assert message in summary.file_errors[str(path)]
    assert "its columns are" not in summary.file_errors[str(path)]


# --- 8. time zones and NaN ratings ------------------------------------------------------------

def test_parquet_timestamptz_gives_the_same_day_in_every_time_zone(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"product_id": ["p1"], "body": ["Bad toaster and the button broke"],
                      "date": pa.array([1706922000_000000], type=pa.timestamp("us", tz="UTC"))})
    pq.write_table(table, tmp_path / "tz.parquet")          # 2024-02-03 01:00 UTC
    script = ("import sys; from crawler.importer import import_files; "
              "print(import_files(sys.argv[1], [sys.argv[2]], progress=False).imported)")
    for zone in ("UTC", "America/New_York"):
        db = str(tmp_path / f"{zone.replace('/', '_')}.duckdb")
        subprocess.run([sys.executable, "-c", script, db, str(tmp_path / "tz.parquet")], cwd=ROOT,
                       env={**os.environ, "TZ": zone}, check=True, capture_output=True)
        assert [r["published_at"] for r in stored(db)] == [date(2024, 2, 3)], zone


def test_nan_rating_keeps_the_review_without_a_rating(tmp_path, db_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    write(tmp_path / "nan.jsonl", '{"asin":"p1","overall":NaN,"reviewText":"Nice toaster and the lever works"}\n'
                                  '{"asin":"p2","overall":4.0,"reviewText":"Good kettle and the lid works"}\n')
    pq.write_table(pa.table({"product_id": ["p3"], "rating": [float("nan")],
                             "body": ["Fine mug and the handle works"]}), tmp_path / "nan.parquet")
    summary = import_files(db_path, [tmp_path / "nan.jsonl", tmp_path / "nan.parquet"], progress=False)
    assert (summary.imported, summary.rejected) == (3, 0), summary.text()
    got = {r["product_id"]: (r["rating"], r["rating_original"], r["rating_scale"]) for r in stored(db_path)}
    assert got == {"p1": (None, None, None), "p2": (4.0, "4.0", "1-5"), "p3": (None, None, None)}
    assert normalize_rating("NaN").value is None


# --- a product id that differs only in case ---------------------------------------------------

def test_reimport_with_product_id_in_another_case_adds_no_empty_product(tmp_path, db_path):
    first = write(tmp_path / "a.csv", "product_id,rating,body\np1,5,Great kettle and the lid works\n")
    again = write(tmp_path / "b.csv", "product_id,rating,body\nP1,5,Great kettle and the lid works\n"
                                      "P2,4,New toaster and the lever\np2,4,New toaster and the lever\n")
    import_files(db_path, [first], progress=False)
    summary = import_files(db_path, [again], progress=False)
    assert (summary.imported, summary.duplicates) == (1, 2), summary.text()
    products = [p["product_id"] for p in stored(db_path, "SELECT * FROM products ORDER BY 1")]
    reviewed = [r["product_id"] for r in stored(db_path, "SELECT DISTINCT product_id FROM reviews ORDER BY 1")]
    assert products == reviewed == ["P2", "p1"]


# --- the fast reader's header check, a title or sep= line above the header, all-tab rows ------

def read_csv_into(path: Path):
    import duckdb

    from crawler.import_readers import read_into

    con = duckdb.connect()
    loaded = read_into(con, path)
    columns = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE raw)").fetchall()]
    return loaded, [c for c in columns if c != "_line"]


@pytest.mark.parametrize("header, names", [
    # pandas/R: a blank index header; DuckDB pads the blank's number (12 columns: column00)
    (",product_id,rating,body,," + ",".join(f"x{n}" for n in range(7)),
     ["column00", "product_id", "rating", "body", "column04"] + [f"x{n}" for n in range(7)]),
    ("product_id,rating,body,Title,title", ["product_id", "rating", "body", "Title", "title_1"]),
    ("product_id,rating,body,a,a,a_1", ["product_id", "rating", "body", "a", "a_1", "a_1_1"]),
], ids=["blank index header", "repeat in another case", "repeat of a numbered name"])
def test_header_with_blank_or_repeated_names_takes_the_fast_reader(tmp_path, header, names):
    width = header.count(",") + 1
    rows = "".join(",".join(["7", f"p{n}", "4", f"review {n}"] + ["v"] * (width - 4)) + "\n"
                   for n in range(20))
    path = write(tmp_path / "pandas.csv", header + "\n" + rows)
    loaded, columns = read_csv_into(path)
    assert loaded.has_line_column is False  # DuckDB's reader, not the careful one
    assert (loaded.rows, columns) == (20, names)
    # the careful reader names the columns the same way
    write(path, header + "\n" + rows + "p9,1,x" + ",x" * width + "\n")
    loaded, columns = read_csv_into(path)
    assert loaded.has_line_column is True
    assert (loaded.rows, loaded.rejects, columns) == (20, [(22, f"{width + 3} fields where the header has {width}")], names)


ROWS = ("product_id{d}rating{d}body\n"
        "p1{d}5{d}Great kettle and the lid works\n"
        "p2{d}4{d}\n"
        "p3{d}3{d}Okay mug and the handle\n")


@pytest.mark.parametrize("top, delimiter, broken", [
    ("sep=,\n", ",", False), ("sep=;\n", ";", False),
    ("Review export for Acme Shop\n\n", ",", False), ("Review export, July 2024\n", ",", False),
    ("sep=,\n", ",", True), ("sep=;\n", ";", True),     # the careful reader (a broken row)
], ids=["sep comma", "sep semicolon", "title and blank line", "title with a comma",
        "careful reader sep comma", "careful reader sep semicolon"])
def test_a_title_or_sep_line_above_the_header(tmp_path, db_path, top, delimiter, broken):
    body = ROWS.format(d=delimiter) + (f"p9{delimiter}1{delimiter}x{delimiter}y\n" if broken else "")
    path = write(tmp_path / "top.csv", top + body)
    header_line = top.count("\n") + 1
    loaded, columns = read_csv_into(path)
    assert columns == ["product_id", "rating", "body"]
    assert (loaded.rows, loaded.has_line_column) == (3, broken)
    summary = import_files(db_path, [path], progress=False)
    assert (summary.imported, summary.rejected) == (2, 2 if broken else 1), summary.text()
    assert summary.examples["no review text"] == [f"top.csv line {header_line + 2}"]
    if broken:
        assert summary.examples["4 fields where the header has 3"] == [f"top.csv line {header_line + 4}"]
    assert bodies(db_path) == ["Great kettle and the lid works", "Okay mug and the handle"]


@pytest.mark.parametrize("broken", [False, True], ids=["duckdb reader", "careful reader"])
def test_a_tsv_row_of_tabs_is_a_row_for_the_line_numbers(tmp_path, db_path, broken):
    path = write(tmp_path / "tabs.tsv", "product_id\tbody\trating\n"
                 "P1\tGood kettle indeed\t5\n"
                 "\t\t\n"                                    # a row of empty fields (line 3)
                 "P2\tWorks as expected\t4\n"
                 "\n"                                        # a blank line: no row
                 "P3\t\t2\n"                                 # line 6
                 + ("P9\tx\ty\tz\n" if broken else "")
                 + "P4\tToo loud for me\t9\n")
    summary = import_files(db_path, [path], progress=False)
    assert summary.examples["no review text"] == ["tabs.tsv line 3", "tabs.tsv line 6"], summary.text()
    assert summary.examples["rating out of range"] == [f"tabs.tsv line {8 if broken else 7}"]
    assert summary.read == 6 if broken else 5


def test_mongo_extended_json_values_are_read_as_the_field(tmp_path, db_path):
    # mongoexport writes {"$date": ...} and {"$numberInt": ...}: the date and rating are read,
    # not left as columns "date.$date" that nothing maps (the date was dropped without a count).
    path = tmp_path / "mongo.jsonl"
    path.write_text('{"asin": "K1", "overall": {"$numberInt": "4"}, "reviewText": "Solid kettle, boils fast.", '
                    '"reviewTime": {"$date": "2024-07-04T10:00:00Z"}}\n', encoding="utf-8")
    summary = import_files(db_path, [path], progress=False)
    assert summary.imported == 1 and summary.dates_unparsed == 0, summary.text()
    row = store.query(db_path, "SELECT rating, published_at FROM reviews").rows[0]
    assert row == (4.0, date(2024, 7, 4))
