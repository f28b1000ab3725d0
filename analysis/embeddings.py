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
import threading
from typing import Sequence

import numpy as np

ENCODER_NAME = "all-MiniLM-L6-v2"
NEED_PHRASE = "+need-phrase"   # need-phrase vectors are stored under the model "<encoder>+need-phrase"


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
            width = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
            return np.zeros((0, width()), dtype=np.float32)
        # sentence-transformers sorts by length before batching and restores order itself
        batch_size = batch_size or (512 if self.device.startswith("cuda") else 64)
        vectors = self.model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


class EncodeAlongside:
    """Sentence vectors computed on a second CPU core while this thread does one-core work.

    The job's aspect heads run on one thread (``analysis.models.one_thread``), which leaves the
    other core idle; started before them, this encodes ``texts`` chunk by chunk on a background
    thread with one torch thread. :meth:`result` (after the other work) encodes the chunks not
    begun yet on this thread, with every torch thread, and returns the vectors in input order.
    The chunks are fixed (``chunk`` texts of similar length, in length order; by default 64 on
    a CPU, 512 on a GPU) whichever thread takes them, and torch gives the same numbers on one
    thread as on two, so the vectors are the same from run to run. On a GPU the background
    thread feeds the GPU, which is otherwise idle while the aspect stage's Python decodes
    terms on the CPU. On a CPU with one torch thread nothing runs in the background.

    Example::

        pending = EncodeAlongside(load_encoder("cpu"), ["The lid sticks.", "Too loud."])
        ...                                   # one-core work meanwhile
        vectors = pending.result()            # (2, 384)
    """

    def __init__(self, encoder: SentenceEncoder, texts: Sequence[str], chunk: int | None = None):
        import torch

        on_gpu = str(encoder.device).startswith("cuda")
        chunk = chunk or (512 if on_gpu else 64)
        self.encoder = encoder
        self.texts = list(texts)
        order = sorted(range(len(self.texts)), key=lambda i: len(self.texts[i]))
        self.chunks = [order[k:k + chunk] for k in range(0, len(order), chunk)]
        self.vectors: list[np.ndarray | None] = [None] * len(self.chunks)
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.in_background = 0     # chunks the background thread encoded
        self._thread = None
        if (on_gpu and self.chunks) or (len(self.chunks) > 1 and torch.get_num_threads() > 1):
            self._thread = threading.Thread(target=self._background, name="encode-alongside", daemon=True)
            self._thread.start()

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= len(self.chunks):
                return None
            self._next += 1
            return self._next - 1

    def _encode(self, k: int) -> None:
        self.vectors[k] = self.encoder.encode([self.texts[i] for i in self.chunks[k]], batch_size=len(self.chunks[k]))

    def _background(self) -> None:
        import torch

        # torch reads its process-wide thread count into a thread's own setting at that thread's
        # first parallel op; the caller's one_thread() sets that count back to every thread on
        # leaving, so read it now, before the first encode, or this thread may end up with it
        torch.get_num_threads()
        torch.set_num_threads(1)   # this thread's own setting; the caller's thread keeps its own
        try:
            while not self._stop.is_set() and (k := self._take()) is not None:
                self._encode(k)
                self.in_background += 1
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def cancel(self) -> None:
        """Stop after the chunk in hand and wait for the background thread (nothing returned)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def result(self) -> np.ndarray:
        """The vectors of every text, in input order (waits for the background thread)."""
        self._stop.set()
        while (k := self._take()) is not None:
            self._encode(k)
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        if not self.chunks:
            return self.encoder.encode([])
        out = np.zeros((len(self.texts), self.vectors[0].shape[1]), dtype=np.float32)
        for rows, vectors in zip(self.chunks, self.vectors):
            out[rows] = vectors
        return out


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
