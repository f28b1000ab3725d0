"""The aspect head's encoder pass doubles as the sentence-embedding pass: the vectors it keeps
must be the packaged sentence-transformers embeddings, and the job must use them."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen():
    from analysis.aspect_head import FrozenEncoder, encoder_path

    encoder = FrozenEncoder(encoder_path())
    encoder.keep_sentence_vectors = True
    return encoder


def test_kept_vectors_are_the_sentence_transformers_embeddings(frozen):
    from analysis.embeddings import load_encoder

    long_text = " ".join(f"The handle number {i} wobbles a little when I pour." for i in range(40))
    texts = ["The lid sticks.", "Great screen, but the battery life is short.", "Quiet!", long_text]
    frozen.sentence_vectors.clear()
    frozen.encode(texts)
    reference = load_encoder("cpu").encode(texts)
    for text, expected in zip(texts[:3], reference[:3]):
        assert np.abs(frozen.sentence_vectors[text] - expected).max() < 1e-5
    # a text over one window (128 pieces) is pooled differently by sentence-transformers: not kept
    assert long_text not in frozen.sentence_vectors


def test_embeddings_stage_takes_kept_vectors_and_encodes_only_the_rest(frozen):
    from analysis.pipeline import Worker

    class CountingEncoder:
        name = "all-MiniLM-L6-v2"

        def __init__(self):
            self.seen: list[str] = []

        def encode(self, texts):
            self.seen.extend(texts)
            return np.ones((len(texts), 384), dtype=np.float32)

    worker = Worker.__new__(Worker)
    worker.models = type("M", (), {"encoder": CountingEncoder()})()
    worker.embed_model = "all-MiniLM-L6-v2"
    worker.shared_vectors = frozen.sentence_vectors
    frozen.sentence_vectors.clear()
    frozen.encode(["The lid sticks."])
    sents = [{"sentence_id": "a", "text": "The lid sticks.", "sentiment": "negative", "is_need": False},
             {"sentence_id": "b", "text": "No way to set a timer.", "sentiment": "neutral", "is_need": True},
             {"sentence_id": "c", "text": "Lovely.", "sentiment": "positive", "is_need": False}]
    rows = worker.embeddings(sents)
    assert [r["sentence_id"] for r in rows] == ["a", "b"]
    assert worker.models.encoder.seen == ["No way to set a timer."]
    assert rows[0]["vector"] != rows[1]["vector"]          # a: the kept real vector, b: the counting fake
    assert frozen.sentence_vectors == {}                     # cleared after each batch
