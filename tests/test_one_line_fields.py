"""What names a thing is one line: product ids, product names, brands, categories, review titles,
authors and variants lose their line breaks (crawler.normalize.clean_line), in an import (the SQL
path, the Python path) and in a crawled page, while review bodies keep theirs (a line break
starts a sentence) and review ids stay what they were."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from crawler.extract import extract
from crawler.importer import import_files
from crawler.normalize import clean_line
from data import store


def _csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_an_import_stores_ids_authors_titles_and_product_names_on_one_line(tmp_path, db_path):
    rows = [
        # plain text with line breaks in every field: SQL cleans it
        {"product_id": "KT\n100", "author": "Ann\nB.", "title": "Great\nkettle", "date": "2024-05-01",
         "rating": "5", "body": "Boils fast.\nThe lid is tight.", "product_title": "Steel\n kettle",
         "brand": "Acme\r\nHome", "category": "Kitchen"},
        # markup and a character SQL leaves to Python (an ellipsis)
        {"product_id": "TS<br>200", "author": "Bo\r\nC\u2026", "title": "Nice<br/>toaster\u2026",
         "date": "2024-05-02", "rating": "4", "body": "Even browning\u2026<br>Loud lever.",
         "product_title": "Toaster", "brand": "", "category": "Kitchen\nsmall"},
    ]
    summary = import_files(db_path, [_csv(tmp_path / "export.csv", rows)], progress=False)
    assert summary.imported == 2, summary.text()
    got = store.query(db_path, "SELECT review_id, product_id, author, title, body FROM reviews "
                               "ORDER BY product_id").dicts()
    assert [(r["product_id"], r["author"], r["title"], r["body"]) for r in got] == [
        ("KT 100", "Ann B.", "Great kettle", "Boils fast.\nThe lid is tight."),
        ("TS 200", "Bo C\u2026", "Nice toaster\u2026", "Even browning\u2026\nLoud lever."),
    ]
    # the ids are the store's own for the one-line fields (and were the same before: an id's key
    # reads every line break as a space)
    assert [r["review_id"] for r in got] == [
        store.review_id("KT 100", "Ann B.", "2024-05-01", "Boils fast.\nThe lid is tight."),
        store.review_id("TS 200", "Bo C\u2026", "2024-05-02", "Even browning\u2026\nLoud lever."),
    ]
    products = store.query(db_path, "SELECT product_id, title, brand, category FROM products "
                                    "ORDER BY product_id").dicts()
    assert [tuple(p.values()) for p in products] == [("KT 100", "Steel kettle", "Acme Home", "Kitchen"),
                                                     ("TS 200", "Toaster", None, "Kitchen small")]


def test_a_crawled_page_gives_one_line_names_and_keeps_the_bodys_lines():
    data = {"@context": "https://schema.org", "@type": "Product", "sku": "KT-1\n00",
            "name": "Steel<br>kettle", "brand": {"@type": "Brand", "name": "Acme\nHome"},
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": "Ann\nB."},
                        "name": "Great<br/>kettle", "datePublished": "2024-05-01",
                        "reviewRating": {"@type": "Rating", "ratingValue": 5},
                        "reviewBody": "Boils fast.<br>The lid is tight."}]}
    html = f'<html><body><script type="application/ld+json">{json.dumps(data)}</script></body></html>'
    page = extract(html, "http://shop.test/p/kettle")
    (product,) = page.products
    (review,) = page.reviews
    assert (product["product_id"], product["title"], product["brand"]) == ("KT-1 00", "Steel kettle", "Acme Home")
    assert (review["product_id"], review["author"], review["title"]) == ("KT-1 00", "Ann B.", "Great kettle")
    assert review["body"] == "Boils fast.\nThe lid is tight."
    assert review["review_id"] == store.review_id("KT-1 00", "Ann B.", "2024-05-01", review["body"])


def test_clean_line_is_clean_text_on_one_line():
    assert clean_line("  Steel <b>kettle</b><br>\r\n 1.7&nbsp;l ") == "Steel kettle 1.7 l"
    assert clean_line(None) == ""
