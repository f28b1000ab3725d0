"""Theme embeddings encoded alongside the one-core aspect stage (analysis.embeddings.EncodeAlongside):
the encoder's own vectors, the same on every run whichever thread encoded a chunk, and errors
handed to the caller. Real packaged sentence encoder."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from analysis.embeddings import EncodeAlongside, SentenceEncoder, load_encoder

pytestmark = pytest.mark.slow

PARTS = ["The lid", "The cable", "Battery life", "The strap", "The app", "Shipping"]
ENDINGS = ["sticks after a week.", "is far too short for my desk.", "drains overnight.",
           "snapped on the second day.", "keeps logging me out, which is maddening.", "took ages."]


@pytest.fixture
def threads():
    before = torch.get_num_threads()
    yield torch.set_num_threads
    torch.set_num_threads(before)


def texts(n: int) -> list[str]:
    return [f"{PARTS[i % 6]} {ENDINGS[(i // 6) % 6]}" + " Really." * (i % 5) for i in range(n)]


def test_vectors_encoded_alongside_are_the_encoders_own_and_the_same_on_every_run(threads):
    encoder, sentences = load_encoder("cpu"), texts(300)
    threads(2)
    pending = EncodeAlongside(encoder, sentences)
    time.sleep(1.0)                                  # the one-core work the job does meanwhile
    first = pending.result()
    assert pending.in_background >= 1                # the idle core took part
    assert first.shape == (300, 384)
    np.testing.assert_allclose(first, encoder.encode(sentences), atol=1e-5)
    threads(1)                                       # one torch thread: nothing in the background
    pending = EncodeAlongside(encoder, sentences)
    second = pending.result()
    assert pending.in_background == 0
    assert np.array_equal(first, second)             # the same numbers whoever encoded a chunk


def test_an_error_on_the_background_thread_reaches_the_caller(threads):
    class Failing(SentenceEncoder):
        def encode(self, texts, batch_size=None):
            if threading.current_thread().name == "encode-alongside":
                raise ValueError("the background chunk failed")
            return np.zeros((len(texts), 4), dtype=np.float32)

    threads(2)
    pending = EncodeAlongside(Failing(None, "failing", "cpu"), texts(200))
    time.sleep(0.3)
    with pytest.raises(ValueError, match="background chunk failed"):
        pending.result()


def test_the_background_thread_keeps_one_torch_thread_when_the_caller_leaves_one_thread_first(threads):
    # torch copies its process-wide count into a thread at that thread's first parallel op; the
    # caller's one_thread() puts the count back to every thread on leaving, which may happen
    # before the background thread's first op (a busy machine, a short first aspect chunk)
    from analysis.models import one_thread

    go, seen = threading.Event(), []

    class Watching(SentenceEncoder):
        def encode(self, texts, batch_size=None):
            if threading.current_thread().name == "encode-alongside":
                go.wait(10)
                torch.ones(64, 64) @ torch.ones(64, 64)     # its first parallel op
                seen.append(torch.get_num_threads())
            return np.zeros((len(texts), 4), dtype=np.float32)

    threads(2)
    class Model:
        def get_sentence_embedding_dimension(self):
            return 4

    pending = EncodeAlongside(Watching(Model(), "watching", "cpu"), texts(200))
    with one_thread():                                   # the first aspect chunk's heads
        pass
    go.set()
    time.sleep(0.3)
    pending.result()
    assert seen and set(seen) == {1}
    assert torch.get_num_threads() == 2                  # the caller's own setting is untouched


def test_the_job_encodes_alongside_on_a_sentence_encoder_on_either_device():
    """On a GPU the background thread feeds the GPU while the aspect stage's Python runs (in
    chunks of 512); the unit tests' stand-in encoder has no background path; nothing to encode
    gives an empty result."""
    from dataclasses import replace

    from analysis.pipeline import Worker
    from pipeline_fakes import fake_models

    class OnGpu(SentenceEncoder):   # CI has no GPU: the encoder's device says cuda, the numbers are made up
        def __init__(self):
            super().__init__(None, "all-MiniLM-L6-v2", "cuda:0")
            self.calls = []

        def encode(self, texts, batch_size=None):
            self.calls.append((threading.current_thread().name, len(texts)))
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    sents = [{"sentence_id": "r1:0", "text": "The lid sticks.", "sentiment": "negative", "is_need": False}]
    models = fake_models()
    assert Worker(models, run_id=1).start_embeddings(sents) is None
    gpu = OnGpu()
    pending = Worker(replace(models, encoder=gpu), run_id=1).start_embeddings(sents)
    assert isinstance(pending, EncodeAlongside) and len(pending.chunks) == 1
    deadline = time.monotonic() + 10
    while pending.in_background < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pending.result().tolist() == [[15.0, 1.0]]
    assert gpu.calls == [("encode-alongside", 1)]          # encoded on the background thread
    assert [len(c) for c in EncodeAlongside(gpu, [f"s{i}" for i in range(1100)]).chunks] == [512, 512, 76]
    cpu = Worker(replace(models, encoder=load_encoder("cpu")), run_id=1)
    assert isinstance(cpu.start_embeddings(sents), EncodeAlongside)
    assert EncodeAlongside(load_encoder("cpu"), []).result().shape == (0, 384)
