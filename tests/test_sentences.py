"""Sentences with offsets into the review body, on awkward input (real spaCy senter)."""
from __future__ import annotations

import re

from analysis.sentences import MAX_SENTENCE_CHARS, clean_with_offsets, split_reviews


def test_plain_sentences_and_offsets():
    body = "I bought this kettle last week. The handle gets hot!! Otherwise great... would buy again."
    found = split_reviews([body])[0]
    assert [s.text for s in found] == ["I bought this kettle last week.", "The handle gets hot!!",
                                       "Otherwise great... would buy again."]
    for s in found:
        assert body[s.start:s.end] == s.text
    assert [s.idx for s in found] == [0, 1, 2]


def test_html_is_read_as_text_but_offsets_point_into_the_raw_body():
    body = "The <b>lid</b> broke &amp; leaks.<br/>Price is good."
    found = split_reviews([body])[0]
    assert [s.text for s in found] == ["The lid broke & leaks.", "Price is good."]
    first = found[0]
    assert body[first.start:first.end] == "The <b>lid</b> broke &amp; leaks."
    # a span found in the model's text maps back onto the same words in the body
    start = first.text.index("lid")
    a, b = first.to_body(start, start + 3)
    assert body[a:b] == "lid"
    a, b = first.to_body(first.text.index("&"), first.text.index("&") + 1)
    assert body[a:b] == "&amp;"


def test_clean_with_offsets_maps_every_character():
    body = "  a<br>b &amp;  c  "
    text, starts, ends = clean_with_offsets(body)
    assert text == "a\nb & c"
    assert len(starts) == len(ends) == len(text)
    assert [body[a:b] for a, b in zip(starts, ends)] == ["a", "<br>", "b", " ", "&amp;", " ", "c"]


def test_empty_and_emoji_only_reviews_give_no_sentences():
    assert split_reviews(["", None, "   ", "😀👍🔥", "!!! ...", "<p></p>"]) == [[], [], [], [], [], []]
    # emoji around words do not make extra sentences
    found = split_reviews(["Love it 😍😍. 👍👍👍"])[0]
    assert [s.text for s in found] == ["Love it 😍😍."]


def test_a_20000_word_review_is_split_never_cut():
    words = [f"w{i}" for i in range(20000)]
    body = " ".join(words)                      # no punctuation at all
    found = split_reviews([body])[0]
    assert len(found) > 20
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in found)
    assert " ".join(s.text for s in found).split() == words
    # and a long review with real sentences keeps every one of them
    sentence = "The battery lasts two days and the screen is bright."
    long_body = " ".join([sentence] * 2000)
    found = split_reviews([long_body])[0]
    assert len(found) == 2000
    assert all(long_body[s.start:s.end] == sentence for s in found)


def test_sentences_never_overlap_and_stay_in_order():
    bodies = ["One. Two! Three? Four\n\nFive", "Line one\nLine two\n\nLast line."]
    for body, found in zip(bodies, split_reviews(bodies)):
        ends = [0]
        for s in found:
            assert s.start >= ends[-1] and s.end > s.start
            ends.append(s.end)
            assert re.sub(r"\s+", " ", body[s.start:s.end]) == s.text


def test_plain_text_skips_the_cleaning_loop_and_gives_what_the_loop_gives(monkeypatch):
    """Bodies without tags, entities or untidy whitespace are returned as they are; whatever the
    body, the result is the character loop's (compared on random bodies of tricky characters)."""
    import random
    import re as regex

    from analysis import sentences

    alphabet = list("ab .!\n") + ["\t", "\r", "\xa0", "\u2028", "\x1c", "\u3000", "<", ">", "&", ";", "é"]
    rng = random.Random(7)
    bodies = ["Great kettle.\nThe lid broke.", "", "x", "Ok.  Fine.", " lead", "trail ", "a &amp; b", "a<br>b"]
    bodies += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    bodies += [chr(c) for c in range(0x3001) if chr(c).isspace()]
    fast = [sentences.clean_with_offsets(b) for b in bodies]
    monkeypatch.setattr(sentences, "_UNTIDY_SPACE", regex.compile(""))   # matches everything: the loop
    loop = [sentences.clean_with_offsets(b) for b in bodies]
    assert fast == loop
    assert sentences.clean_with_offsets("Great kettle.\nThe lid broke.")[1] == list(range(28))


def test_a_less_than_sign_with_a_space_after_it_is_text_not_a_tag():
    """'<' opens a tag only before a letter, '/' or '!' (as the crawler reads it)."""
    body = "Battery life < advertised, screen > expected. I <3 it. <!DOCTYPE html>Fine</ b>done."
    found = split_reviews([body])[0]
    assert found[0].text == "Battery life < advertised, screen > expected."
    assert body[found[0].start:found[0].end] == found[0].text
    assert [s.text for s in found[1:]] == ["I <3 it.", "Fine done."]
    text, starts, ends = clean_with_offsets(body)
    assert [body[a:b] for a, b in zip(starts, ends)][text.index("done") - 1] == "</ b>"
