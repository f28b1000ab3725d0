"""Sentence embeddings with the packaged all-MiniLM-L6-v2, computed once and kept in the store.

The job embeds only the sentences that themes need (complaints and needs), in the same
transaction as the rest of a review's rows; themes then read the stored vectors instead of
running the encoder again.

Example::

    from analysis.embeddings import load_encoder
    encoder = load_encoder("cpu")
    encoder.encode(["The lid sticks.", "The lid is hard to open."]).shape   # (2, 384)
"""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np

ENCODER_NAME = "all-MiniLM-L6-v2"


class SentenceEncoder:
    """A sentence-transformers model; ``encode`` returns unit-length float32 rows."""

    def __init__(self, model, name: str, device: str):
        self.model = model
        self.name = name
        self.device = device

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """One unit vector per text, in input order.

        Example::

            >>> load_encoder("cpu").encode(["Quiet."]).dtype
            dtype('float32')
        """
        if not texts:
            return np.zeros((0, self.model.get_sentence_embedding_dimension()), dtype=np.float32)
        # sentence-transformers sorts by length before batching and restores order itself
        batch_size = batch_size or (512 if self.device.startswith("cuda") else 64)
        vectors = self.model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


_LOADED: dict[str, SentenceEncoder] = {}


def load_encoder(device: str = "cpu") -> SentenceEncoder:
    """The packaged all-MiniLM-L6-v2 on ``device`` (half precision on CUDA), loaded once.

    Example::

        >>> load_encoder("cpu").name
        'all-MiniLM-L6-v2'
    """
    if device not in _LOADED:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        from analysis.models import default_encoder_path

        model = SentenceTransformer(str(default_encoder_path()), device=device)
        if device.startswith("cuda"):
            model.half()
        _LOADED[device] = SentenceEncoder(model, ENCODER_NAME, device)
    return _LOADED[device]
