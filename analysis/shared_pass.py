"""One forward pass of the sentiment classifier's encoder serves two models: sentence sentiment
and the aspect head.

The aspect head (:mod:`analysis.aspect_head`) reads per-word-piece features of a frozen encoder.
When that encoder is the sentiment classifier's own, the analysis job need not run a second
6-layer model over every sentence: :class:`SharedPass` runs the classifier once with its hidden
states, returns the sentiment, and keeps the features so the aspect stage that follows takes them
instead of encoding again. It has both interfaces:

- ``predict(texts) -> [(label, probability)]`` and ``predict_proba`` like
  :class:`analysis.sentiment.SentimentModel` (same numbers: a test compares them);
- ``encode(texts) -> [[(offsets, features)]]`` and ``dim`` like
  :class:`analysis.aspect_head.FrozenEncoder` (windows of 128 pieces, so no text is cut).

Both models read a text with its common spelling slips corrected (:mod:`analysis.spelling`);
the offsets in the windows point into the text as given.

Example::

    from analysis.sentiment import load_sentiment
    shared = SharedPass(load_sentiment())
    shared.keep = True
    shared.predict(["Great screen, weak battery."])    # one pass ...
    shared.encode(["Great screen, weak battery."])     # ... features taken from it, not recomputed
"""
from __future__ import annotations

from typing import Sequence

from analysis.aspect_head import FEATURE_LAYERS, MAX_TOKENS as WINDOW_TOKENS, STRIDE
from analysis.models import padded_ids
from analysis.sentiment import _MAX_CHARS, MAX_TOKENS, SentimentModel, model_batch

_BLANK = {"negative": 0.0, "neutral": 1.0, "positive": 0.0}


class Window(tuple):
    """One window of a text as ``(offsets, features)``. ``tag_probs``: the aspect tagger's
    probabilities per piece, when the pass computed them on its device
    (:attr:`SharedPass.piece_head`), else None.

    Example::

        offsets, feats = Window(([(0, 5)], feats))
    """
    tag_probs = None


class SharedPass(SentimentModel):
    """A loaded :class:`analysis.sentiment.SentimentModel` that also hands out encoder features
    (``predict`` is the classifier's own; ``predict_proba`` runs the shared pass)."""

    def __init__(self, sentiment: SentimentModel, batch_size: int | None = None):
        super().__init__(sentiment.model, sentiment.tokenizer, sentiment.device, sentiment.name,
                         sentiment.version, sentiment.labels)
        self.sentiment = sentiment
        self.batch_size = batch_size or model_batch(self.device)
        self.dim = self.model.config.hidden_size * len(FEATURE_LAYERS)
        # The sentiment reads the first MAX_TOKENS pieces of a text, which is its first window
        # only when the windows are at least that long.
        assert WINDOW_TOKENS >= MAX_TOKENS, "aspect windows must cover what the sentiment reads"
        self.keep = False          # the job turns this on: what predict() read waits for the aspect stage
        self._kept: dict[str, tuple[dict, list]] = {}   # text -> (probabilities, windows)
        # A module over piece features (the aspect tagger) that the pass runs on its device while
        # the features are there: on a GPU, 38,000 sentences' pieces through the tagger took
        # seconds on one CPU thread (HeadAspectExtractor.to). Its probabilities ride on each
        # Window; None computes nothing more.
        self.piece_head = None
        # self.speller (set by SentimentModel): spelling slips are read as the word meant
        # (analysis.spelling); None reads texts as they are

    # --- the sentiment interface (predict() comes from SentimentModel) ------------------------
    def predict_proba(self, texts: Sequence[str], batch_size: int | None = None) -> list[dict[str, float]]:
        """Label probabilities per text; with ``keep`` on, they and the features wait for
        :meth:`read` / :meth:`encode`."""
        texts = ["" if t is None else str(t) for t in texts]
        probs, windows = self._run(texts)
        if self.keep:
            self._kept.update(zip(texts, zip(probs, windows)))
        return probs

    def read(self, texts: Sequence[str], with_sentiment: bool = True) -> tuple[list, list[list]]:
        """Label probabilities and windows per text: what :meth:`predict` kept (until
        :meth:`forget`, so a sentence repeated across the aspect stage's chunks is not read
        again), else one new pass (probabilities None when ``with_sentiment`` is off).

        Example::

            probs, windows = shared.read(["Great screen, weak battery."])
        """
        texts = ["" if t is None else str(t) for t in texts]
        missing = list(dict.fromkeys(t for t in texts if t not in self._kept))
        probs, windows = self._run(missing, with_sentiment) if missing else ([], [])
        found = {**dict(zip(missing, zip(probs, windows))), **{t: self._kept[t] for t in texts if t in self._kept}}
        return [found[t][0] for t in texts], [found[t][1] for t in texts]

    # --- the encoder interface ---------------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> list[list[tuple[list, object]]]:
        """Per text, its windows as ``(offsets, features[n_pieces, dim])`` (see :meth:`read`)."""
        return self.read(texts, with_sentiment=False)[1]

    def forget(self) -> None:
        """Drop what was kept (the job calls this after each batch)."""
        self._kept.clear()

    # --- the pass ----------------------------------------------------------------------------
    def _run(self, texts: list[str], with_sentiment: bool = True) -> tuple[list[dict], list[list]]:
        import torch

        if not texts:
            return [], []
        # --- spelling (analysis.spelling): the models read "teh" as "the"; the offsets handed
        # back are mapped into the original texts, so terms and spans point into what was written
        read = self.speller.correct_all(texts) if self.speller is not None else None
        texts = [c.text for c in read] if read is not None else texts
        enc = windows_of(self.tokenizer, texts)
        owners = enc["overflow_to_sample_mapping"]
        lengths = [len(ids) for ids in enc["input_ids"]]
        first = {}
        for i, owner in enumerate(owners):
            first.setdefault(owner, i)
        # a text whose first window is not what the classifier alone would read (only a text over
        # _MAX_CHARS characters, which the classifier cuts first) gets its sentiment separately
        odd = [k for k, t in enumerate(texts) if len(t) > _MAX_CHARS and t.strip()] if with_sentiment else []
        pad = self.tokenizer.pad_token_id or 0
        windows: list[list] = [[] for _ in texts]
        probs: list[dict | None] = [None] * len(texts)
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        with torch.inference_mode():
            for batch in self.batches(order, self.batch_size):
                ids, mask = padded_ids([enc["input_ids"][i] for i in batch], pad)
                ids, mask = ids.to(self.device), mask.to(self.device)
                logits, states = self.fitting(lambda b: _forward(self.model, b["input_ids"], b["attention_mask"]),
                                              {"input_ids": ids, "attention_mask": mask})
                feats = torch.cat([states[layer] for layer in FEATURE_LAYERS], -1).float()
                tag_probs = (self.piece_head(feats, mask.bool()).softmax(-1).cpu().numpy()
                             if self.piece_head is not None else None)
                feats = feats.cpu().numpy()
                rows = [k for k, i in enumerate(batch) if first[owners[i]] == i] if with_sentiment else []
                if rows:
                    for k, row in zip(rows, torch.softmax(logits[rows].float(), -1).cpu().tolist()):
                        scores = {"negative": 0.0, "neutral": 0.0, "positive": 0.0}
                        for label, p in zip(self.labels, row):
                            scores[label] += p
                        probs[owners[batch[k]]] = scores
                for k, i in enumerate(batch):
                    offsets = enc["offset_mapping"][i]
                    if read is not None and read[owners[i]].fixes:
                        offsets = read[owners[i]].to_original(offsets)
                    # a view into the batch's float32 array (read only downstream): a copy per
                    # sentence moved every feature a second time (~7 GB for 38,000 sentences)
                    window = Window((offsets, feats[k, :lengths[i]]))
                    if tag_probs is not None:
                        window.tag_probs = tag_probs[k, :lengths[i]]
                    windows[owners[i]].append(window)
        if with_sentiment:
            for k, text in enumerate(texts):
                if not text.strip():
                    probs[k] = dict(_BLANK)
            if odd:
                for k, p in zip(odd, self.sentiment.predict_proba([texts[k] for k in odd])):
                    probs[k] = p
        return probs, windows  # type: ignore[return-value]


def windows_of(tokenizer, texts: list[str]) -> dict[str, list]:
    """Each text cut into windows of at most WINDOW_TOKENS pieces overlapping by STRIDE: the
    pieces' ``input_ids``, their ``offset_mapping`` and the ``overflow_to_sample_mapping`` back
    to the text, as ``tokenizer(texts, truncation=True, max_length=WINDOW_TOKENS, stride=STRIDE,
    return_overflowing_tokens=True, return_offsets_mapping=True)`` gives them.

    A fast tokenizer is asked directly: the transformers wrapper converts every window into
    Python lists again (1.4 s of 12,000 demo reviews on the H100 machine; 0.29 -> 0.12 s for
    4,549 sentences on the build machine), and a test checks that the two give the same windows.

    Example::

        windows_of(tokenizer, ["Great screen."])["overflow_to_sample_mapping"]   # [0]
    """
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:   # a slow (pure Python) tokenizer: the wrapper it is
        return tokenizer(texts, truncation=True, max_length=WINDOW_TOKENS, stride=STRIDE,
                         return_overflowing_tokens=True, return_offsets_mapping=True)
    # the wrapper sets truncation and padding on the backend before each call of its own, so
    # setting them here changes nothing for it
    backend.enable_truncation(max_length=WINDOW_TOKENS, stride=STRIDE, strategy="longest_first",
                              direction=getattr(tokenizer, "truncation_side", "right"))
    backend.no_padding()
    ids, offsets, owners = [], [], []
    for owner, encoding in enumerate(backend.encode_batch(list(texts), add_special_tokens=True)):
        for window in (encoding, *encoding.overflowing):
            ids.append(window.ids)
            offsets.append(window.offsets)
            owners.append(owner)
    return {"input_ids": ids, "offset_mapping": offsets, "overflow_to_sample_mapping": owners}


def _forward(model, ids, mask):
    """Logits and hidden states of the classifier in one call (its own pooling, see
    :func:`analysis.sentiment.classifier_logits`)."""
    from analysis.sentiment import classifier_logits

    return classifier_logits(model, {"input_ids": ids, "attention_mask": mask}, with_hidden_states=True)
