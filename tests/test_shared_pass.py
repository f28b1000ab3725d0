"""One encoder pass serves sentiment and aspects (analysis.shared_pass): the same numbers as the
classifier alone, the features the aspect head reads, and a job that runs the encoder once per
sentence. Real models: a sentiment classifier fine-tuned from the packaged MiniLM (the trained
default when there is one, else a quick fine-tune) and a small aspect head trained on its features.
"""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow

TEXTS = ["The battery died after two days.", "Great screen, but the keyboard feels cheap.", "",
         "   ", "Not bad at all.", "I wish it had a longer cable.", "Works.",
         " ".join(f"The handle number {i} wobbles a little when I pour the coffee." for i in range(30)),
         "Fine. " * 900]


@pytest.fixture(scope="module")
def sentiment(sentiment_model_path):
    from analysis.sentiment import load_sentiment

    return load_sentiment(str(sentiment_model_path), device="cpu")


@pytest.fixture(scope="module")
def shared(sentiment):
    from analysis.shared_pass import SharedPass

    return SharedPass(sentiment)


@pytest.fixture(scope="module")
def head(shared, tmp_path_factory):
    from analysis import aspect_head

    out = tmp_path_factory.mktemp("aspects") / "on-sentiment"
    card = aspect_head.train(out, limit=200, tag_epochs=4, polarity_epochs=6, log=lambda m: None,
                             encoder=shared, encoder_version=shared.version)
    assert card["encoder_version"] == shared.version
    return out


def test_shared_pass_gives_the_classifiers_own_probabilities(sentiment, shared):
    alone = sentiment.predict_proba(TEXTS)
    together = shared.predict_proba(TEXTS)
    for a, b, text in zip(alone, together, TEXTS):
        assert max(abs(a[k] - b[k]) for k in a) < 1e-4, text[:40]
    assert shared.predict(TEXTS) == [(max(p, key=p.get), p[max(p, key=p.get)]) for p in together]


def test_features_kept_from_the_sentiment_pass_are_the_encoders_and_not_recomputed(shared, monkeypatch):
    from analysis import shared_pass

    fresh = shared.encode(TEXTS)                       # nothing kept: computed here
    long_text = TEXTS[7]
    assert len(fresh[7]) >= 2                          # a long text is read in windows, not cut
    assert sum(len(offsets) for offsets, _ in fresh[7]) > 128
    shared.keep = True
    try:
        shared.predict(TEXTS)
        calls = []
        real = shared_pass._forward
        monkeypatch.setattr(shared_pass, "_forward", lambda *a: calls.append(1) or real(*a))
        kept = shared.encode(TEXTS)
    finally:
        shared.keep = False
        shared.forget()
    assert calls == []                                 # the encoder did not run again
    for (w1, w2, text) in zip(fresh, kept, TEXTS):
        assert len(w1) == len(w2), text[:30]
        for (o1, f1), (o2, f2) in zip(w1, w2):
            assert list(o1) == list(o2) and f1.shape == f2.shape == (len(o1), shared.dim)
            assert np.abs(f1 - f2).max() < 1e-3
    assert long_text not in shared._kept                # forget() drops what was kept


def test_head_on_the_sentiment_encoder_loads_only_for_that_encoder(shared, head):
    from analysis import aspect_head

    extractor = aspect_head.HeadAspectExtractor.load(head, encoder=shared, encoder_version=shared.version)
    rows = extractor.extract(["The battery died after two days.", "Great screen, but the keyboard feels cheap."])
    for text, terms in zip(["The battery died after two days.", "Great screen, but the keyboard feels cheap."], rows):
        for term in terms:
            assert text[term.start:term.end] == term.term and term.polarity in ("positive", "negative", "neutral")
    with pytest.raises(aspect_head.OutdatedHeads, match="must be retrained"):
        aspect_head.HeadAspectExtractor.load(head, encoder=shared, encoder_version="another-model@123")


def test_job_runs_the_encoder_once_per_sentence_for_sentiment_and_aspects(db_path, shared, head, monkeypatch):
    from analysis import aspect_head, aspects, needs, shared_pass
    from analysis.embeddings import load_encoder
    from analysis.pipeline import Models, run_analysis
    from data import store

    extractor = aspect_head.HeadAspectExtractor.load(head, encoder=shared, encoder_version=shared.version)
    models = Models(sentiment=shared, aspects=extractor, find_needs=needs.find_needs,
                    group_aspects=aspects.group_aspects, group_needs=needs.group_needs,
                    encoder=load_encoder("cpu"), needs_version=needs.VERSION, device="cpu")
    store.ensure(db_path)
    bodies = ["The battery died after two days. The screen is bright and sharp.",
              "Great screen, but the keyboard feels cheap. I wish it had a backlight.",
              "The fan is loud. Setup was quick."]
    with store.writer(db_path) as con:
        store.insert_reviews(con, [{"product_id": "p1", "source": "test", "author": f"a{i}", "rating": 3,
                                    "body": body, "language": "en"} for i, body in enumerate(bodies)])
    texts_run: list[int] = []
    real = shared_pass._forward
    monkeypatch.setattr(shared_pass, "_forward", lambda model, ids, mask: texts_run.append(ids.shape[0])
                        or real(model, ids, mask))
    result = run_analysis(db_path, models=models, progress=False)
    sentences = result["counts"]["sentences"]
    assert result["status"] == "ok" and sentences >= 6
    assert sum(texts_run) == sentences                  # one encoder row per sentence, for both models
    stored = store.query(db_path, "SELECT count(*) FROM aspect_mentions").scalar()
    assert stored == result["counts"]["aspect_mentions"] and stored > 0


def test_the_heads_run_on_one_thread_and_the_encoder_pass_on_all(shared, head, monkeypatch):
    """The heads' small matmuls take one torch thread (on a busy machine a second thread waits
    for a core at every op: 0.8 s -> 3.3 s for 800 sentences); the encoder pass keeps them all."""
    import torch

    from analysis import aspect_head, models, shared_pass

    extractor = aspect_head.HeadAspectExtractor.load(head, encoder=shared, encoder_version=shared.version)
    seen = {"encoder": set(), "tags": set()}
    real_forward, real_tags = shared_pass._forward, extractor.tags_head.forward
    monkeypatch.setattr(shared_pass, "_forward", lambda *a: seen["encoder"].add(torch.get_num_threads())
                        or real_forward(*a))
    monkeypatch.setattr(extractor.tags_head, "forward", lambda *a: seen["tags"].add(torch.get_num_threads())
                        or real_tags(*a))
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        extractor.extract(["The battery died after two days.", "The fan is loud."])
        assert seen == {"encoder": {2}, "tags": {1}}
        assert torch.get_num_threads() == 2          # given back afterwards
        with pytest.raises(RuntimeError), models.one_thread():
            raise RuntimeError("a failing head")
        assert torch.get_num_threads() == 2          # ... also after a failure
    finally:
        torch.set_num_threads(before)


def test_the_tagger_inside_the_pass_gives_the_aspect_stages_own_terms(shared, head):
    """On a GPU the tagger runs in the encoder pass, on the features while they are on the device
    (HeadAspectExtractor.to sets SharedPass.piece_head): the same probabilities and terms as when
    the aspect stage applies it afterwards. Both on the CPU here (CI has no GPU)."""
    from analysis import aspect_head

    extractor = aspect_head.HeadAspectExtractor.load(head, encoder=shared, encoder_version=shared.version)
    assert extractor.to("cpu").device == "cpu" and shared.piece_head is None   # the CPU keeps the stage's own
    plain = extractor.extract(TEXTS)
    shared.piece_head = extractor.tags_head
    try:
        windows = [w for text_windows in shared.encode(TEXTS) for w in text_windows]
        inside = extractor.extract(TEXTS)
    finally:
        shared.piece_head = None
    assert windows and all(w.tag_probs is not None for w in windows)
    for window, own in zip(windows, extractor._tag_probs([feats for _, feats in windows])):
        assert window.tag_probs.shape == own.shape and np.abs(window.tag_probs - own).max() < 1e-4
    assert any(plain) and inside == plain


def test_sentence_sentiment_from_the_same_pass_joins_each_terms_polarity(shared, head):
    from analysis import aspect_head

    extractor = aspect_head.HeadAspectExtractor.load(head, encoder=shared, encoder_version=shared.version)
    assert extractor.version.endswith(aspect_head.SENTENCE_READING)   # a new output: `analyze` recomputes
    text = ["The battery and the screen are what I noticed first."]
    probs, windows = shared.read(text)
    assert len(windows[0]) == 1 and abs(sum(probs[0].values()) - 1) < 1e-5
    found = extractor.extract(text)[0]
    assert found, "the head finds the terms"
    # a sure sentence reading outweighs the head's own probabilities (they sum to 1)
    sure = {label: {"negative": 0.0, "neutral": 0.0, "positive": 0.0, label: 1.0} for label in ("positive", "negative")}
    for label, p in sure.items():
        assert {t.polarity for t in extractor.extract(text, sentence_probs=[p])[0]} == {label}
    spans = [[(t.start, t.end) for t in found]]
    assert extractor.polarities(text, spans)[0] == [t.polarity for t in found]   # gold spans read the same way


def test_out_of_memory_splits_the_batch_and_remembers_a_size_that_fits(sentiment, monkeypatch):
    # A GPU that cannot take more than 3 texts at once (simulated: CI has no GPU): the same
    # answers, in fewer texts per forward pass from then on; one text that cannot fit is an error.
    import torch

    from analysis import sentiment as sentiment_module
    from analysis import shared_pass as shared_module
    from analysis.models import ModelError
    from analysis.shared_pass import SharedPass

    expected_probs = sentiment.predict_proba(TEXTS)
    fresh = SharedPass(sentiment)
    expected_windows = fresh.read(TEXTS)[1]
    real_forward, real_logits = shared_module._forward, sentiment_module.classifier_logits
    widest = []

    def small_forward(model, ids, mask):
        widest.append(ids.shape[0])
        if ids.shape[0] > 3:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real_forward(model, ids, mask)

    def small_logits(model, batch, with_hidden_states=False):
        if batch["input_ids"].shape[0] > 3:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real_logits(model, batch, with_hidden_states)

    monkeypatch.setattr(shared_module, "_forward", small_forward)
    monkeypatch.setattr(sentiment_module, "classifier_logits", small_logits)
    small = SharedPass(sentiment, batch_size=16)
    probs, windows = small.read(TEXTS)
    assert small.fitting_batch is not None and small.fitting_batch <= 3
    assert widest[0] > 3 and max(widest[-3:]) <= 3   # later batches start at the size that fits
    for got, want in zip(probs, expected_probs):
        assert got == pytest.approx(want, abs=1e-4)
    for got, want in zip(windows, expected_windows):
        assert [offsets for offsets, _ in got] == [offsets for offsets, _ in want]
        for (_, a), (_, b) in zip(got, want):
            np.testing.assert_allclose(a, b, atol=1e-4)
    alone = sentiment_module.SentimentModel(sentiment.model, sentiment.tokenizer, "cpu", sentiment.name,
                                            sentiment.version, sentiment.labels)
    for got, want in zip(alone.predict_proba(TEXTS, batch_size=16), expected_probs):
        assert got == pytest.approx(want, abs=1e-4)
    assert alone.fitting_batch is not None and alone.fitting_batch <= 3

    def no_room(model, ids, mask):
        raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
    monkeypatch.setattr(shared_module, "_forward", no_room)
    with pytest.raises(ModelError, match="--device cpu"):
        SharedPass(sentiment).read(["One sentence that cannot fit."])


def test_windows_from_the_fast_tokenizer_are_the_wrappers_windows(sentiment):
    """windows_of asks the fast tokenizer directly; the windows, offsets and owners are what the
    transformers wrapper gives, long texts cut with their overlap included, and the wrapper
    still gives its own results after (it sets the tokenizer up again for each call)."""
    from analysis.shared_pass import STRIDE, WINDOW_TOKENS, windows_of

    texts = TEXTS + ["Ünïcödé façade, naïve café 😀.", "word " * 400, "x" * 3000]
    tokenizer = sentiment.tokenizer
    wanted = tokenizer(texts, truncation=True, max_length=WINDOW_TOKENS, stride=STRIDE,
                       return_overflowing_tokens=True, return_offsets_mapping=True)
    got = windows_of(tokenizer, texts)
    assert got["input_ids"] == wanted["input_ids"]
    assert [list(map(tuple, o)) for o in got["offset_mapping"]] == [list(map(tuple, o)) for o in wanted["offset_mapping"]]
    assert list(got["overflow_to_sample_mapping"]) == list(wanted["overflow_to_sample_mapping"])
    assert max(got["overflow_to_sample_mapping"]) == len(texts) - 1 and len(got["input_ids"]) > len(texts)
    padded = tokenizer(["Works.", "Great screen, but the keyboard feels cheap."], padding=True)
    assert len(padded["input_ids"][0]) == len(padded["input_ids"][1])   # the wrapper pads again
