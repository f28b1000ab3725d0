"""Polarity of one aspect mention from the words around it, when no learned head is at hand.

A sentence can praise the screen and damn the battery, so a mention is judged on its own
clause: the sentence is cut at contrast words ("but", "although", ";") and the clause that
holds the term is classified, by a sentence-sentiment model when one is passed in (anything
with ``.predict(texts) -> [(label, score)]``, e.g. ``analysis.sentiment.load_sentiment()``), else by a
small opinion-word list with negation written here.

Example::

    from analysis.aspect_polarity import clause_around, lexicon_polarity
    text = "The screen is great but the battery died fast."
    clause_around(text, 28, 35)            # (23, 46): "but the battery died fast."
    contrast_around(text, 28, 35)          # (23, 46): the same, cut only where the sentence turns
    lexicon_polarity("the battery died fast")  # "negative"
"""
from __future__ import annotations

import re
from typing import Sequence

# Turns of a sentence that are not a word before the next part: the comma after an opening
# "Although A is great," (group 1), the comma before "the B on the other hand is ..." (a bare
# "on the other hand" after the term would cut "is ..." away from it) and the comma between
# "Love the A, hate the B".
_COMMA_TURNS = (
    r"|,\s*on\s+the\s+other\s+hand\b"
    r"|,\s*(?=(?:love[ds]?|loving|liked?|likes|hated?|hates|disliked?|dislikes)\s+(?:the|my|its|their|this|that|how)\b)"
    r"|,\s*(?=(?:the|my|its|their|our|his|her|this|that)\s+(?:[\w-]+\s+){0,3}on\s+the\s+other\s+hand\b)"
    r"|^\s*(?:although|though|even\s+though|while|whereas)\b[^,;]*(,)")
_CONTRAST_WORDS = r",?\s+(?:but|however|although|though|whereas|while|yet|except|unfortunately|sadly)\b"
_CUTS = re.compile(
    r"(?:[;:!?]|\.(?=\s)|" + _CONTRAST_WORDS + r"|,?\s+and\s+(?=(?:the|my|its|their|our|his|her)\b)|\s+-+\s+"
    + _COMMA_TURNS + ")",
    re.IGNORECASE,
)
# Where a sentence turns from one judgement to another: a term on one side of such a cut is not
# judged by the words on the other side ("The strap is lovely but the buckle lets it down"), so the
# whole sentence's sentiment says nothing sure about it. Narrower than _CUTS: "and the", dashes,
# colons and sentence ends are not turns.
_TURNS = re.compile(r"(?:;|" + _CONTRAST_WORDS + _COMMA_TURNS + ")", re.IGNORECASE)

POSITIVE = frozenset("""
good great excellent amazing awesome fantastic perfect love loved loves lovely nice fine best better
beautiful superb wonderful outstanding brilliant solid sturdy fast quick responsive bright crisp clear
comfortable comfy delicious tasty fresh friendly helpful attentive reasonable affordable cheap cheaper
quiet smooth easy light lightweight long-lasting reliable impressive favorite favourite pleasant
recommend recommended happy pleased satisfied works worked incredible yummy flavorful generous cozy
elegant stylish sleek sharp vivid rich warm soft durable handy useful convenient efficient quality
""".split())
NEGATIVE = frozenset("""
bad poor terrible awful horrible worst worse hate hated disappointing disappointed disappointment
broke broken breaks break died dies dead fail failed fails failure faulty defective slow sluggish
noisy loud dim blurry flimsy cheaply overpriced expensive pricey rude unfriendly cold bland stale
greasy soggy burnt dirty uncomfortable hard difficult annoying useless weak short shorter crashed
crashes crash freezes froze freeze lag lags laggy problem problems issue issues mediocre meh gross
inedible undercooked overcooked tiny small cramped wrong missing lacking lacks returned return
refund flaw flawed junk garbage sucks sucked hot overheats overheating rip ripped tore leaks leaked
""".split())
_NEGATORS = frozenset("not no never n't nothing hardly barely isn't wasn't don't doesn't didn't won't "
                      "can't couldn't aren't weren't without".split())
_WORD = re.compile(r"[a-z]+(?:[-'][a-z]+)*|n't")


def clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Character range of the clause of ``text`` that holds the span [start, end).

    Example::

        clause_around("Great screen, but the keyboard is awful.", 22, 30)  # (12, 40)
    """
    return _part_around(_CUTS, text, start, end)


def _part_around(cuts: re.Pattern, text: str, start: int, end: int) -> tuple[int, int]:
    """The range between the last cut before [start, end) and the first cut after it."""
    left, right = 0, len(text)
    for match in cuts.finditer(text):
        opening = match.group(1) is not None      # the comma that ends "Although A is great,"
        cut_start, cut_end = match.span(1) if opening else match.span()
        if cut_end <= start:
            # a contrast word stays with the part it opens ("but the buckle ..."); punctuation does not
            left = cut_start if not opening and match.group(0).strip(" ,;:!?.-") else cut_end
        elif cut_start >= end:
            right = cut_start
            break
    return left, right


def contrast_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Character range of the part of ``text`` around [start, end) that lies between turns of the
    sentence ("but", "however", ";", an opening "Although ...,", "the B on the other hand"); the
    whole text when it does not turn.

    Example::

        text = "The strap is lovely but the buckle lets it down."
        contrast_around(text, 28, 34)   # (19, 48): "but the buckle lets it down."
        contrast_around("Although the fit is snug, the fabric pills.", 30, 36)  # (25, 43)
    """
    return _part_around(_TURNS, text, start, end)


def turns_around(text: str, start: int, end: int) -> bool:
    """True when the sentence turns (see :func:`contrast_around`) before or after the span.

    Example::

        turns_around("Great strap but the buckle snapped.", 20, 26)   # True
        turns_around("The strap and the buckle are great.", 4, 9)     # False
    """
    left, right = contrast_around(text, start, end)
    return bool(text[:left].strip() or text[right:].strip(" .!?\n\t"))


def lexicon_polarity(clause: str) -> str:
    """positive / negative / neutral from opinion words, flipping after a negator.

    Example::

        lexicon_polarity("the keyboard is not good")  # "negative"
    """
    score = 0
    negate = 0
    for word in _WORD.findall(clause.lower()):
        if word in _NEGATORS or word.endswith("n't"):
            negate = 3  # a negator flips the next few words
            continue
        value = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if value and negate:
            value = -value
        score += value
        negate = max(0, negate - 1)
    return "positive" if score > 0 else "negative" if score < 0 else "neutral"


def window_polarities(texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                      sentiment=None) -> list[list[str]]:
    """Polarity of each span from its clause, classified in one batch.

    ``sentiment``: an object with ``.predict(list[str]) -> [(label, score)]``; None uses the
    opinion-word list.

    Example::

        window_polarities(["Great screen, but the keyboard is awful."], [[(6, 12), (22, 30)]])
        # [["positive", "negative"]]
    """
    clauses = [text[a:b] for text, row in zip(texts, spans) for a, b in (clause_around(text, s, e) for s, e in row)]
    if sentiment is not None and clauses:
        labels = [label for label, _ in sentiment.predict(clauses)]
    else:
        labels = [lexicon_polarity(c) for c in clauses]
    out, k = [], 0
    for row in spans:
        out.append(labels[k:k + len(row)])
        k += len(row)
    return out
