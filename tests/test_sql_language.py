"""The SQL function-word vote (crawler.sql_language) gives quick_language's answer exactly."""
from __future__ import annotations

import random
import re

import duckdb

from crawler.normalize import function_word_languages, quick_language
from crawler.sql_language import _LETTER, vote_languages


def _vote(texts: list[str | None]) -> list[str | None]:
    mem = duckdb.connect()
    mem.execute("CREATE TABLE t AS SELECT unnest(range($k)) AS _n, unnest($x::VARCHAR[]) AS body",
                {"k": len(texts), "x": texts})
    vote_languages(mem, "SELECT _n, body FROM t")
    found = dict(mem.execute("SELECT _n, lang FROM voted").fetchall())
    mem.close()
    return [found[n] for n in range(len(texts))]


def test_the_letter_class_is_pythons_on_the_basic_multilingual_plane():
    """A word is a run of [^\\W\\d_] in Python; RE2's class matches the same characters below
    U+10000 (above it the vote leaves the text to Python)."""
    python = re.compile(r"[^\W\d_]")
    chars = [chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    mem = duckdb.connect()
    mem.execute("CREATE TABLE c AS SELECT unnest($x::VARCHAR[]) AS ch", {"x": chars})
    sql = {row[0] for row in mem.execute(f"SELECT ch FROM c WHERE regexp_full_match(ch, '{_LETTER}')").fetchall()}
    assert sql == {ch for ch in chars if python.fullmatch(ch)}


def test_the_sql_vote_agrees_with_quick_language_on_generated_texts():
    rng = random.Random(4)
    words = sorted(function_word_languages())
    by_language: dict[str, list[str]] = {}
    for word, languages in function_word_languages().items():
        for language in languages:
            by_language.setdefault(language, []).append(word)
    others = ["kettle", "Deckel", "câble", "produit", "Größe", "ÉTÉ", "naïve", "x2", "3rd", "foo_bar",
              "don't", "l'eau", "qu'il", "O'Neil", "日本", "Ελλάδα", "ΑΣ", "İstanbul", "😀", "𝒜bc",
              "a'", "'quoted'", "e-mail", "½", "Ⅻ", "ǅemal"]
    seps = [" ", "  ", ", ", ". ", "!", "\n", "-", "'", "_", "1", "…", "\u00a0"]
    texts: list[str | None] = [None, "", "   ", "und und und", "UND DER DIE", "the and this"]
    for _ in range(3000):
        pieces, main = [], by_language[rng.choice(sorted(by_language))]
        for _ in range(rng.randint(1, 14)):
            pick = rng.random()
            word = rng.choice(main) if pick < 0.5 else rng.choice(words) if pick < 0.7 else rng.choice(others)
            word = word.upper() if rng.random() < 0.15 else word.capitalize() if rng.random() < 0.2 else word
            pieces.append(word + rng.choice(seps))
        texts.append("".join(pieces))
    expected = [quick_language(text) for text in texts]
    voted = _vote(texts)
    # Texts with letters above U+FFFF or a dotted capital I are left to Python (NULL here).
    left = [i for i, text in enumerate(texts) if text and re.search("[\U00010000-\U0010ffff\u0130]", text)]
    assert left and all(voted[i] is None for i in left)
    disagree = [(texts[i], expected[i], voted[i]) for i in range(len(texts))
                if i not in set(left) and expected[i] != voted[i]]
    assert not disagree, disagree[:5]
    assert sum(v is not None for v in voted) > 1000  # the vote decides most of them
    assert {"de", "fr", "es", "it", "pt", "nl", "en"} <= set(voted)


def test_an_import_of_foreign_reviews_gets_the_same_languages_as_the_crawler_gives(tmp_path):
    """The import's languages (SQL vote, then the model for what it leaves) are those of the
    crawler's rule (quick_language, then detect_language) for the same texts."""
    import csv

    from crawler.importer import import_files, language_of

    bodies = ["Sehr gut verarbeitet, aber der Deckel ist nicht dicht und klemmt.",
              "Le câble est très court mais le produit est bien pour le prix.",
              "Funciona muy bien pero el botón es muy pequeño para mis manos.",
              "Het deksel is niet goed en de kabel is heel kort voor mij.",
              "Kettle ok.",
              "Sehr gut 😀 aber der Deckel ist nicht dicht",
              "İyi ürün, çok beğendim.",
              "Très pratique&nbsp;: le câble<br />est un peu court, mais je le recommande."]
    path = tmp_path / "foreign.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["product_id", "rating", "body"])
        for body in bodies:
            out.writerow(["p1", "4", body])
    db = str(tmp_path / "store.duckdb")
    assert import_files(db, [path], progress=False).imported == len(bodies)
    con = duckdb.connect(db, read_only=True)
    stored = dict(con.execute("SELECT body, language FROM reviews").fetchall())
    con.close()
    assert len(stored) == len(bodies)
    assert stored == {body: language_of(body) for body in stored}  # (stored bodies are cleaned)
    assert stored[bodies[0]] == "de" and stored[bodies[1]] == "fr" and stored[bodies[3]] == "nl"
