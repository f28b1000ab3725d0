"""A 125,000-character review (about 20,000 words) is split, never cut: real spaCy senter.

The review is read in windows (``CHUNK_CHARS``); these tests check that every character lands in
exactly one sentence, that offsets map back onto the body, that no sentence is cut where a window
ends (the same text split in one piece gives the same sentences) and that the length cap splits.
"""
from __future__ import annotations

import random
import re

import pytest

from analysis import sentences
from analysis.sentences import MAX_SENTENCE_CHARS, clean_with_offsets, load_splitter, split_reviews

# Sentences of varied length, some without a final stop, some with abbreviations or a line break
# inside ("approx. 2.5", "e.g.", "Dr.", "easy:\njust") where a naive cut would split them.
LINES = [
    "I have used this blender every morning for three weeks now.",
    "The motor is loud",
    "Honestly the lid cracked after a week and customer service took ages to answer my emails, "
    "which was annoying because I had paid extra for the express shipping option and expected better.",
    "Works fine!",
    "Would I buy it again? Probably not.",
    "It holds approx. 2.5 litres, e.g. enough for a family of four.",
    "My partner says Dr. Brown recommended it to her",
    "Cleaning is easy:\njust rinse the jug and run it on pulse for ten seconds.",
    "Five stars for the price, minus one for the noise...",
    "The cord is short  and\tthe feet slide on a wet counter",
    "Ok.",
    "Smoothies come out smooth, ice gets crushed in seconds, and the pitcher does not leak at all.",
    "Update\n\nafter two months the blade is still sharp",
]
GAPS = [" ", " ", " ", "  ", "\n", "\n\n", " \t ", "\n   \n"]
RUN_WORDS = "blade motor jug lid button speed pulse ice fruit kale noise counter cord base seal".split()


def _run(rng: random.Random, chars: int) -> str:
    """Words without any punctuation, ``chars`` long or a little more."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(RUN_WORDS))
    return " ".join(words)


def long_review(seed: int = 11, chars: int = 125_000) -> tuple[str, list[str]]:
    """The review body and its unpunctuated runs (3,200 chars, and 6,000: longer than a window)."""
    rng = random.Random(seed)
    runs = {30_000: _run(rng, 3_200), 70_000: _run(rng, 6_000)}
    parts: list[str] = []
    size = 0
    while size < chars:
        due = [at for at in runs if at <= size and runs[at] not in parts]
        part = runs[due[0]] if due else rng.choice(LINES)
        parts.append(part)
        parts.append(rng.choice(GAPS))
        size += len(parts[-2]) + len(parts[-1])
    return "".join(parts), list(runs.values())


@pytest.fixture(scope="module")
def review() -> tuple[str, list[str]]:
    return long_review()


@pytest.fixture(scope="module")
def found(review) -> list[sentences.Sentence]:
    """The review split as the job splits it (in windows)."""
    return split_reviews([review[0]])[0]


def test_the_review_is_long_and_awkward(review):
    body, runs = review
    assert len(body) >= 125_000
    assert all(run in body for run in runs) and max(len(r) for r in runs) > sentences.CHUNK_CHARS
    assert "  " in body and "\t" in body and "\n\n" in body


def test_every_character_lies_in_exactly_one_sentence(review, found):
    """No loss and no overlap: each non-space character of the body is in one sentence span
    (the body has no emoji-only or punctuation-only stretch, which the splitter drops on purpose)."""
    body = review[0]
    cover = [0] * len(body)
    for s in found:
        for i in range(s.start, s.end):
            cover[i] += 1
    wrong = [i for i, ch in enumerate(body) if not ch.isspace() and cover[i] != 1]
    assert wrong == [], f"{len(wrong)} characters, first at {wrong[:1]}"
    assert [s.idx for s in found] == list(range(len(found)))
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_offsets_map_back_onto_the_body(review, found):
    body = review[0]
    for s in found:
        assert re.sub(r"\s+", " ", body[s.start:s.end]) == s.text
        assert s.starts[0] == s.start and s.ends[-1] == s.end
        assert all(re.sub(r"\s+", " ", body[a:b]) == ch for a, b, ch in zip(s.starts, s.ends, s.text))


def test_no_sentence_is_longer_than_the_cap_and_the_runs_are_split_not_dropped(review, found):
    body, runs = review
    assert all(0 < len(s.text) <= MAX_SENTENCE_CHARS for s in found)
    for run in runs:
        at = body.index(run)
        # the run has no stop, so the sentences around it may run on into it: they take its words
        touching = [s.text for s in found if s.start < at + len(run) and s.end > at]
        assert len(touching) > len(run) // MAX_SENTENCE_CHARS
        assert run in " ".join(touching)


def test_windows_give_the_sentences_of_the_review_split_in_one_piece(review, found, monkeypatch):
    """Raising the window size so that spaCy reads the review in one piece changes nothing."""
    body = review[0]
    nlp = load_splitter()
    read: list[int] = []
    pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):
        texts = list(texts)
        read.extend(len(t) for t in texts)
        return pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    monkeypatch.setattr(sentences, "CHUNK_CHARS", 10 ** 7)
    whole = split_reviews([body])[0]
    assert read == [len(clean_with_offsets(body)[0])]      # one piece indeed
    assert [(s.start, s.end) for s in whole] == [(s.start, s.end) for s in found]
    assert [s.text for s in whole] == [s.text for s in found]


def test_every_sentence_starts_where_spacy_starts_one_in_the_whole_text(review, found):
    """Checked against spaCy itself: a sentence starts where senter, reading the whole cleaned
    text at once, starts one, or after a line break (always a sentence end), or it is a cap cut
    inside a sentence longer than the cap; none starts where a window happened to end."""
    body = review[0]
    text, where, _ = clean_with_offsets(body)
    doc = load_splitter()(text)
    line_starts = {where[m.end()] for m in re.finditer("\n", text)}
    spacy_starts = set(line_starts)
    overlong = []
    for sent in doc.sents:
        a = sent.start_char
        while a < sent.end_char and text[a].isspace():
            a += 1
        spacy_starts.add(where[a])
        if len(sent.text.strip()) > MAX_SENTENCE_CHARS:
            overlong.append((where[a], where[sent.end_char - 1] + 1))
    strays = [s.start for s in found
              if s.start not in spacy_starts and not any(a < s.start < b for a, b in overlong)]
    assert strays == [], [body[max(0, at - 40):at] + " | " + body[at:at + 30] for at in strays[:3]]
    assert spacy_starts <= {s.start for s in found}
