"""Tiny deterministic stand-ins for the models of the analysis job (unit tests only).

They keep the contracts of analysis.sentiment / aspects / needs / embeddings, so the job's
batching, offsets, incremental rule and writes are tested in seconds; the real models run in the
tests marked slow.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.pipeline import Models

NEGATIVE = {"broke", "broken", "poor", "hot", "sticks", "late", "bad", "terrible", "weak", "dies", "leaks",
            "loud", "flimsy", "short", "disappointed", "awful"}
POSITIVE = {"great", "love", "excellent", "good", "fast", "quiet", "perfect", "lovely", "sturdy", "nice"}
ASPECTS = {"battery": "battery", "battery life": "battery", "charge": "battery", "lid": "lid",
           "handle": "handle", "screen": "screen", "cable": "cable", "price": "price", "sound": "sound",
           "strap": "strap"}
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Term:
    term: str
    start: int
    end: int
    polarity: str = "neutral"


@dataclass(frozen=True)
class Need:
    phrase: str
    start: int
    end: int


class FakeSentiment:
    name = "fake-sentiment"
    version = "1"

    def __init__(self, sleep: float = 0.0, marker: str | None = None):
        self.sleep = sleep
        self.marker = marker

    def predict(self, texts, batch_size=None):
        if self.sleep:
            time.sleep(self.sleep)
        if self.marker:  # lets a test know a batch is under way
            with open(self.marker, "a") as fh:
                fh.write(f"{len(texts)}\n")
        return [label_of(t) for t in texts]


def label_of(text: str) -> tuple[str, float]:
    words = set(_WORD.findall(text.lower()))
    neg, pos = len(words & NEGATIVE), len(words & POSITIVE)
    if neg > pos:
        return "negative", 0.95
    if pos > neg:
        return "positive", 0.9
    return "neutral", 0.6


class FakeAspects:
    name = "fake-aspects"
    version = "1"

    def extract(self, texts):
        out = []
        for text in texts:
            found = []
            for term in sorted(ASPECTS, key=len, reverse=True):
                for m in re.finditer(rf"\b{re.escape(term)}\b", text, flags=re.I):
                    if not any(f.start <= m.start() < f.end for f in found):
                        found.append(Term(text[m.start():m.end()], m.start(), m.end(), label_of(text)[0]))
            out.append(sorted(found, key=lambda t: t.start))
        return out


_NEED = re.compile(r"\b(?:i wish it had|it needs|would be perfect with)\s+(.+?)\s*[.!]*$", re.I)


def find_needs(texts):
    out = []
    for text in texts:
        m = _NEED.search(text)
        out.append([Need(m.group(1), m.start(1), m.end(1))] if m else [])
    return out


def group_aspects(terms, category=None):
    return {t: ASPECTS.get(t.lower(), t.lower()) for t in terms}


def group_needs(phrases):
    # 'a longer cable' and 'longer cable' are one need
    return {p: re.sub(r"^(a|an|the)\s+", "", p.lower()) for p in phrases}


class FakeEncoder:
    name = "fake-encoder"

    def encode(self, texts, batch_size=None):
        rows = []
        for text in texts:
            v = np.zeros(32, dtype=np.float32)
            for w in _WORD.findall(text.lower()):
                v[int(hashlib.md5(w.encode()).hexdigest(), 16) % 32] += 1.0
            rows.append(v / (np.linalg.norm(v) or 1.0))
        return np.array(rows, dtype=np.float32)


def fake_models(sleep: float = 0.0, marker: str | None = None) -> Models:
    return Models(sentiment=FakeSentiment(sleep, marker), aspects=FakeAspects(), find_needs=find_needs,
                  group_aspects=group_aspects, group_needs=group_needs, encoder=FakeEncoder(),
                  needs_version="fake-1", device="cpu")


def review_rows(reviews, start: int = 0) -> list[dict]:
    """``(product, stars, day, body)`` tuples as review dicts for :func:`make_store`: authors
    ``author{i}`` and review URLs numbered from ``start``."""
    return [{"product_id": p, "author": f"author{i}", "rating": r, "published_at": d, "body": b,
             "url": f"https://shop.test/{p}#r{i}"} for i, (p, r, d, b) in enumerate(reviews, start)]


def make_store(db: str, reviews: list[dict], products: list[dict] | None = None) -> None:
    """A store with ``products`` and ``reviews`` (dicts with the store's review columns)."""
    from data import store

    with store.writer(db) as con:
        if products is None:
            products = [{"product_id": pid, "source": "test", "title": pid, "category": "Kitchen"}
                        for pid in sorted({r["product_id"] for r in reviews})]
        store.upsert_products(con, products)
        store.insert_reviews(con, [{"source": "test", **r} for r in reviews])


if __name__ == "__main__":  # the kill-and-rerun test runs the job in a child process like this
    import sys

    from analysis.pipeline import run_analysis

    db, marker = sys.argv[1], sys.argv[2]
    run_analysis(db, models=fake_models(sleep=float(os.environ.get("FAKE_SLEEP", "0.3")), marker=marker),
                 progress=False, batch_size=2)
    Path(marker).write_text("finished\n")
