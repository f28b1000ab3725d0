"""What reaches the models from awkward review text (review r6): line breaks end sentences, a
long run without spaces (a tracking link) is read by no model, control and invisible characters
are dropped. Real spaCy senter for the splits; the job runs with the small fakes."""
from __future__ import annotations

import random
import re
import string
import sys
import unicodedata

import pytest

from analysis import sentences
from analysis.pipeline import run_analysis
from analysis.sentences import LONG_TOKEN_CHARS, clean_with_offsets, split_reviews
from data import store
from pipeline_fakes import fake_models, make_store, review_rows


def _check_offsets(body: str, found) -> None:
    """Each sentence is its body span cleaned, and every text character maps onto its source."""
    for s in found:
        assert clean_with_offsets(body[s.start:s.end])[0].replace("\n", " ") == s.text
        assert s.starts[0] == s.start and s.ends[-1] == s.end
        for ch, a, b in zip(s.text, s.starts, s.ends):
            cleaned = clean_with_offsets(body[a:b])[0]
            assert cleaned.replace("\n", " ") in (ch, "") or (ch == " " and not cleaned), (ch, body[a:b])


# --- line breaks ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    ("The screen is great\n\nBattery is awful", ["The screen is great", "Battery is awful"]),
    ("Pros: great sound\nCons: battery dies fast", ["Pros: great sound", "Cons: battery dies fast"]),
    ("<p>The screen is great</p><p>Battery is awful</p>", ["The screen is great", "Battery is awful"]),
    ("<ul><li>Battery life is poor</li><li>Sound is great</li></ul>", ["Battery life is poor", "Sound is great"]),
    ("Lid is loose<br>handle gets hot<br/>cord is short", ["Lid is loose", "handle gets hot", "cord is short"]),
    ("Great kettle.\r\nThe lid  sticks", ["Great kettle.", "The lid  sticks"]),
])
def test_a_line_break_always_ends_a_sentence(body, expected):
    found = split_reviews([body])[0]
    assert [re.sub(r"\s+", " ", body[s.start:s.end]) if "<" not in body else s.text for s in found] \
        == [re.sub(r"\s+", " ", e) for e in expected]
    assert [s.text for s in found] == [re.sub(r"\s+", " ", e) for e in expected]
    assert [s.idx for s in found] == list(range(len(expected)))
    _check_offsets(body, found)


def test_line_breaks_end_sentences_in_a_review_read_in_windows_as_in_one_piece(monkeypatch):
    """A review longer than a window: the line-break starts are the same whichever way it is read."""
    rng = random.Random(3)
    lines = ["The screen is great", "Battery is awful", "Sound is fine, the cord is short", "Lid ok"]
    body = "".join(rng.choice(lines) + rng.choice(["\n", "\n\n", " ", ". "]) for _ in range(1500))
    assert len(body) > 3 * sentences.CHUNK_CHARS
    windowed = split_reviews([body])[0]
    monkeypatch.setattr(sentences, "CHUNK_CHARS", 10 ** 7)
    whole = split_reviews([body])[0]
    assert [(s.start, s.end) for s in windowed] == [(s.start, s.end) for s in whole]
    text, where, _ = clean_with_offsets(body)
    line_starts = {where[m.end()] for m in re.finditer("\n", text)}
    assert line_starts <= {s.start for s in windowed}
    assert all("\n" not in body[s.start:s.end] for s in windowed)


# --- long runs without spaces -----------------------------------------------------------------

def _link(chars: int = 3000) -> str:
    rng = random.Random(0)
    return "https://www.example-shop.com/track?ref=" + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(chars))


def test_a_long_link_is_in_no_sentence_and_is_never_cut():
    link = _link()
    body = "Terrible, the battery died after two days. I returned it via " + link
    found = split_reviews([body])[0]
    assert [s.text for s in found] == ["Terrible, the battery died after two days.", "I returned it via"]
    _check_offsets(body, found)
    # in the middle of a sentence, the words before and after it stay sentences
    body = "Bought it here " + link + " and the lid is bad. Fine otherwise."
    found = split_reviews([body])[0]
    assert [s.text for s in found] == ["Bought it here", "and the lid is bad.", "Fine otherwise."]
    assert all(len(s.text) < 100 for s in found)
    _check_offsets(body, found)
    # a link alone, base64 alone: no sentence at all; a short link is read with its sentence
    assert split_reviews([link, "QUJD" * 40])[0:2] == [[], []]
    short = "See example.com/kettle for the manual."
    assert [s.text for s in split_reviews([short])[0]] == [short]


def test_a_run_of_exactly_the_limit_is_read_one_more_is_not():
    read = "x" * LONG_TOKEN_CHARS
    unread = "y" * (LONG_TOKEN_CHARS + 1)
    found = split_reviews([f"Lid is {read} ok. Lid is {unread} ok."])[0]
    assert [s.text for s in found] == [f"Lid is {read} ok.", "Lid is", "ok."]


def test_an_overlong_run_of_words_is_still_split_at_word_breaks():
    words = " ".join(f"w{i}" for i in range(400))
    found = split_reviews([words])[0]
    assert all(len(s.text) <= sentences.MAX_SENTENCE_CHARS for s in found)
    assert " ".join(s.text for s in found) == words


# --- control and invisible characters ---------------------------------------------------------

def test_control_and_format_characters_are_dropped_and_offsets_still_map():
    body = "The battery\x00 life is poor. The bat\u00adtery\u200b life\x07 is\ufeff poor!"
    text, where, until = clean_with_offsets(body)
    assert text == "The battery life is poor. The battery life is poor!"
    assert len(where) == len(until) == len(text)
    assert all(body[a:b] == ch for ch, a, b in zip(text, where, until))
    found = split_reviews([body])[0]
    assert [s.text for s in found] == ["The battery life is poor.", "The battery life is poor!"]
    assert body[found[1].start:found[1].end] == "The bat\u00adtery\u200b life\x07 is\ufeff poor!"
    # whitespace controls stay word breaks; an entity for an invisible character is dropped too
    assert clean_with_offsets("lid\x0bis\x1cok\rfine")[0] == "lid is ok\nfine"
    assert clean_with_offsets("a&shy;b &#8203;c")[0] == "ab c"


def test_the_dropped_characters_are_the_non_space_controls_and_format_characters():
    pattern = sentences._INVISIBLE
    matched = {code for code in range(sys.maxunicode + 1) if pattern.match(chr(code))}
    assert all(unicodedata.category(chr(c)) in ("Cc", "Cf") and not chr(c).isspace() for c in matched)
    if unicodedata.unidata_version == "14.0.0":   # the version the list was written from
        wanted = {c for c in range(sys.maxunicode + 1)
                  if unicodedata.category(chr(c)) in ("Cc", "Cf") and not chr(c).isspace()}
        assert matched == wanted
    assert not pattern.match("\n") and not pattern.match("\t")


def test_plain_text_shortcut_and_the_loop_agree_on_invisible_characters(monkeypatch):
    alphabet = list("ab .\n") + ["\x00", "\x07", "\xad", "\u200b", "\ufeff", "\u202e", "\x1c", "\t", "é"]
    rng = random.Random(11)
    bodies = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(2000)]
    fast = [clean_with_offsets(b) for b in bodies]
    monkeypatch.setattr(sentences, "_UNTIDY_SPACE", re.compile(""))   # matches everything: the loop
    assert fast == [clean_with_offsets(b) for b in bodies]
    assert all(not sentences._INVISIBLE.search(text) for text, _, _ in fast)


# --- in the job -------------------------------------------------------------------------------

def test_the_job_reads_clean_sentences_and_one_aspect_name(db_path):
    link = _link(800)
    bodies = ["The screen is great\n\nBattery is awful",
              "<ul><li>Battery life is poor</li><li>Sound is great</li></ul>",
              "The battery\x00 life is poor!", "The bat\u00adtery life is poor.", "The battery\u200b life is poor!!",
              "Terrible, the battery died. I returned it via " + link]
    make_store(db_path, review_rows([("p1", 2, "2024-02-01", b) for b in bodies]))
    run_analysis(db_path, models=fake_models(), progress=False)
    rows = store.query(db_path, "SELECT r.body, s.text, s.sentiment, s.start_char, s.end_char FROM sentences s "
                                "JOIN reviews r USING (review_id) ORDER BY r.url, s.idx").rows
    by_body: dict[str, list] = {}
    for body, text, label, a, b in rows:
        by_body.setdefault(body, []).append((text, label))
        assert clean_with_offsets(body[a:b])[0].replace("\n", " ") == text
    assert by_body[bodies[0]] == [("The screen is great", "positive"), ("Battery is awful", "negative")]
    assert by_body[bodies[1]] == [("Battery life is poor", "negative"), ("Sound is great", "positive")]
    assert [t for t, _ in by_body[bodies[5]]] == ["Terrible, the battery died.", "I returned it via"]
    mentions = store.query(db_path, "SELECT r.body, m.term, m.aspect, m.start_char, m.end_char FROM aspect_mentions m "
                                    "JOIN reviews r USING (review_id)").rows
    invisible = [(term, aspect) for _, term, aspect, _, _ in mentions
                 if sentences._INVISIBLE.search(term + aspect)]
    assert invisible == []
    terms = {body: term for body, term, _, _, _ in mentions if body in bodies[2:5]}
    assert set(terms.values()) == {"battery life"}
    for body, term, _, a, b in mentions:
        assert clean_with_offsets(body[a:b])[0] == term
    labels = store.query(db_path, "SELECT DISTINCT aspect FROM aspect_labels").rows
    assert not any(sentences._INVISIBLE.search(aspect) for (aspect,) in labels)
