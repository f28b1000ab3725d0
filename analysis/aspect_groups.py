"""Canonical aspects: "battery", "battery life", "batteries", "charge" -> "battery".

Three steps, each reasoned on the terms a store actually has (no fixed aspect list):

1. the same lemma form merges ("batteries" = "battery");
2. a compound whose head is the feature merges into that feature when the store has it
   ("laptop battery" -> battery; "battery life" -> battery, because "life", "quality", "size"...
   name an attribute of the word before them, and "price tag" -> price: "tag", "point", "range"
   are generic heads whose modifier is the aspect);
3. groups whose names mean the same merge by all-MiniLM-L6-v2 embeddings (average-linkage
   clustering at cosine 0.645: screen ~ display, price ~ cost, battery ~ charge, while food and
   pizza, or screen and keyboard, stay apart).

The canonical name is the group member with the most mentions behind it (a mention of
"battery life" also counts for "battery"), the shorter one on ties. A category may seed names:
terms that match a seed's synonyms join it first.

Example::

    group_aspects(["battery", "battery life", "charge", "screen", "display", "keyboard"])
    # {'battery': 'battery', 'battery life': 'battery', 'charge': 'battery',
    #  'screen': 'screen', 'display': 'screen', 'keyboard': 'keyboard'}
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Sequence

SIMILARITY = 0.645

# Nouns that name an attribute of the noun before them: "battery life" is about the battery.
# Generic heads count too, whose modifier is the real aspect: "price tag", "price point" and
# "price range" are about the price, not about a tag, a point or a range.
ATTRIBUTE_NOUNS = frozenset("""
life quality size level levels capacity resolution length time times speed performance
settings setting options option function functions feature features design material materials
tag tags point points range ranges
""".split())

# Optional seed names per product category: canonical name -> words that mean it. Written here.
CATEGORY_SEEDS: dict[str, dict[str, list[str]]] = {
    "electronics": {
        "battery": ["battery life", "charge", "charging", "battery time"],
        "screen": ["display", "monitor", "panel"],
        "price": ["cost", "value", "price tag"],
        "sound": ["audio", "sound quality", "speakers", "volume"],
    },
    "laptops": {
        "battery": ["battery life", "charge", "charging"],
        "screen": ["display", "monitor"],
        "keyboard": ["keys", "keyboard keys"],
        "touchpad": ["trackpad", "mouse pad"],
        "price": ["cost", "value"],
    },
    "restaurants": {
        "service": ["staff", "waiter", "waitress", "server", "servers", "waitstaff"],
        "atmosphere": ["ambiance", "ambience", "decor", "vibe"],
        "price": ["prices", "cost", "value"],
    },
    "kitchen": {
        "lid": ["cover", "top"],
        "handle": ["grip", "handles"],
        "price": ["cost", "value"],
    },
    "audio": {
        "battery": ["battery life", "charge", "charging", "battery time"],
        "noise cancelling": ["anc", "noise cancellation", "active noise cancelling", "active noise cancellation"],
        "sound": ["audio", "sound quality"],
        "price": ["cost", "value"],
    },
    "phones & gadgets": {
        "battery": ["battery life", "battery time"],
        "screen": ["display"],
        "price": ["cost", "value"],
    },
    "clothing": {
        "fit": ["sizing", "size", "cut"],
        "fabric": ["material", "cloth"],
        "price": ["cost", "value"],
    },
}

_WORD = re.compile(r"[\w'-]+")


def _norm_simple(term: str) -> str:
    return " ".join(_WORD.findall(term.lower()))


def _lemma_forms(terms: Sequence[str]) -> dict[str, str]:
    """Lowercase lemma form of each term (determiners and punctuation dropped), batched."""
    from analysis.aspect_parser import load_spacy

    nlp = load_spacy()
    out = {}
    with nlp.select_pipes(enable=["tok2vec", "tagger", "attribute_ruler", "lemmatizer"]):
        for term, doc in zip(terms, nlp.pipe(terms, batch_size=512)):
            words = [(t.lemma_ if t.pos_ in ("NOUN", "PROPN") and t.i == len(doc) - 1 else t.text).lower()
                     for t in doc if not t.is_punct and t.pos_ not in ("DET", "PRON") and not t.is_space]
            out[term] = " ".join(words) or _norm_simple(term)
    return out


@functools.lru_cache(maxsize=32)
def _seed_names(category: str) -> dict[str, str]:
    """The seed name for each way a category's seed words can be stored, as written and as lemma
    forms: the terms are lemma forms, so the synonym "keys" must also be found as "key".

    Example::

        _seed_names("laptops")["key"]  # 'keyboard'
    """
    seeds = CATEGORY_SEEDS.get(category, {})
    words = [(name, word) for name, synonyms in seeds.items() for word in [name, *synonyms]]
    seed_of = {_norm_simple(word): name for name, word in words}
    lemmas = _lemma_forms([word for _, word in words]) if words else {}
    for name, word in words:
        seed_of.setdefault(lemmas[word], name)   # a word as written wins over another's lemma form
    return seed_of


def _head(norm: str) -> str:
    words = norm.split()
    if len(words) < 2:
        return norm
    if words[-1] in ATTRIBUTE_NOUNS:
        return " ".join(words[:-1])
    return words[-1]


class _Union:
    def __init__(self, items):
        self.parent = {i: i for i in items}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@functools.lru_cache(maxsize=1)
def _encoder():
    from analysis.aspect_head import encoder_path, set_offline

    set_offline()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(encoder_path()), device="cpu")


def embed(texts: Sequence[str]):
    """Unit-length all-MiniLM-L6-v2 vectors (numpy, one row per text).

    Example::

        embed(["battery", "charge"]).shape  # (2, 384)
    """
    return _encoder().encode(list(texts), batch_size=256, normalize_embeddings=True,
                             show_progress_bar=False, convert_to_numpy=True)


def cluster_by_meaning(names: Sequence[str], threshold: float = SIMILARITY) -> list[int]:
    """Cluster ids for ``names`` by embedding similarity (average linkage at ``threshold``).

    Example::

        cluster_by_meaning(["price", "cost", "keyboard"])  # [0, 0, 1]
    """
    if len(names) < 2:
        return [0] * len(names)
    from sklearn.cluster import AgglomerativeClustering

    from analysis.models import one_thread

    vectors = embed(names)
    with one_thread():
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                         distance_threshold=1.0 - threshold).fit_predict(vectors)
    return [int(x) for x in labels]


def counts_by_key(texts, keys_for) -> tuple[dict[str, str], Counter]:
    """Each distinct non-empty text's key (``keys_for(distinct) -> {text: key}``), and mentions per key.

    Repeated texts count as more mentions of their key.

    >>> counts_by_key(["Battery", "battery", "", None], lambda ts: {t: t.lower() for t in ts})
    ({'Battery': 'battery', 'battery': 'battery'}, Counter({'battery': 2}))
    """
    counts = Counter(t for t in texts if isinstance(t, str) and t.strip())
    key_of = keys_for(list(counts)) if counts else {}
    key_counts: Counter = Counter()
    for text, n in counts.items():
        key_counts[key_of[text]] += n
    return key_of, key_counts


def group_aspects(terms: Sequence[str], category: str | None = None,
                  threshold: float = SIMILARITY) -> dict[str, str]:
    """Map each term to its canonical aspect; repeated terms count as more mentions.

    Example::

        group_aspects(["battery life", "battery", "battery", "charge", "keyboard"])
        # {'battery life': 'battery', 'battery': 'battery', 'charge': 'battery', 'keyboard': 'keyboard'}
    """
    lemma_of, norm_counts = counts_by_key(terms, _lemma_forms)
    if not norm_counts:
        return {}
    unique = list(lemma_of)
    norms = list(norm_counts)
    uf = _Union(norms)
    present = set(norms)
    # seeds first: a seed's synonyms (and the seed name) join the seed's group
    seed_of = _seed_names((category or "").lower())
    for norm in norms:
        if norm in seed_of:
            anchor = seed_of[norm]
            if anchor not in present:
                uf.parent[anchor] = anchor
                present.add(anchor)
            uf.union(anchor, norm)
    # compounds into their head feature when the store has that feature
    for norm in norms:
        head = _head(norm)
        if head != norm and head in present:
            uf.union(head, norm)
    # meaning: cluster one representative per group
    roots = sorted({uf.find(n) for n in norms})
    rep = {r: _best_name([n for n in norms if uf.find(n) == r], norm_counts) for r in roots}
    labels = cluster_by_meaning([rep[r] for r in roots], threshold)
    first_root: dict[int, str] = {}
    for root, label in zip(roots, labels):
        if label in first_root:
            uf.union(first_root[label], root)
        else:
            first_root[label] = root
    members: dict[str, list[str]] = {}
    for norm in norms:
        members.setdefault(uf.find(norm), []).append(norm)
    canonical = {}
    for root, group in members.items():
        seeded = sorted({seed_of[n] for n in group if n in seed_of})
        name = seeded[0] if seeded else _best_name(group, norm_counts)
        for norm in group:
            canonical[norm] = name
    return {term: canonical[lemma_of[term]] for term in unique}


def _best_name(group: Sequence[str], counts: Counter) -> str:
    """The member with the most mentions behind it (containing mentions count), shortest on ties."""
    def support(name: str) -> int:
        pattern = re.compile(r"\b" + re.escape(name) + r"\b")
        return sum(n for other, n in counts.items() if other in group and _counts_for(name, other, pattern))

    return max(group, key=lambda name: (support(name), -len(name.split()), -len(name)))  # first seen wins ties


def _counts_for(name: str, other: str, pattern: re.Pattern) -> bool:
    r"""Whether a mention of ``other`` also speaks of ``name``: it contains it, unless ``name`` is
    only the attribute noun that ``other`` ends on (a "price tag" is about the price, not a tag).

    Example::

        _counts_for("battery", "battery life", re.compile(r"\bbattery\b"))  # True
        _counts_for("tag", "price tag", re.compile(r"\btag\b"))             # False
    """
    if not pattern.search(other):
        return False
    attribute_only = all(word in ATTRIBUTE_NOUNS for word in name.split())
    return other == name or not (attribute_only and other.endswith(" " + name))
