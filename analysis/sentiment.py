"""Sentence sentiment: negative / neutral / positive with a probability, batched, cpu or cuda.

The default model is the packaged all-MiniLM-L6-v2 encoder fine-tuned by
:mod:`analysis.train_sentiment` and saved under ``data/models/sentiment/``. Any other
BERT-family sequence classifier loads the same way by hub name (from the local cache) or path;
its label names are mapped onto ours (an SST-2 model's NEGATIVE/POSITIVE, a 1-5 star model's
"1 star" ... "5 stars", LABEL_0 ...).

Example::

    from analysis.sentiment import ensure_default_model, load_sentiment
    ensure_default_model()                       # trains once, a few minutes on a CPU
    model = load_sentiment(device="cpu")
    model.predict(["The kettle boils fast.", "It broke after a week."])
    # [("positive", 0.97), ("negative", 0.99)]
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Sequence

from analysis.models import ModelError, ModelNotFound, model_version, pick_device, resolve_model, set_offline
from analysis.spelling import speller_for

LABELS = ("negative", "neutral", "positive")
MAX_TOKENS = 128          # review sentences are short; a longer one is read up to here
_MAX_CHARS = 4000         # never hand the tokenizer a 20k-char blob to read only 128 tokens of
# Texts per model forward. On an H100, the job's shared pass over 37,957 sentences (chunks of
# 3,200, one process) took 3.5-3.9 s at 256, 2.1 s at 512 and 2.8 s at 1024.
GPU_BATCH = 512
CPU_BATCH = 64


def model_batch(device: str) -> int:
    """Texts per model forward on ``device``.

    >>> model_batch("cuda:0"), model_batch("cpu")
    (512, 64)
    """
    return GPU_BATCH if str(device).startswith("cuda") else CPU_BATCH


def default_model_dir() -> Path:
    """Where the default model lives: ``$REVIEWLENS_MODELS/sentiment`` or ``data/models/sentiment``."""
    root = os.environ.get("REVIEWLENS_MODELS")
    base = Path(root) if root else Path(__file__).resolve().parent.parent / "data" / "models"
    return base / "sentiment"


_CHECK_RECIPE = True


def default_model_state(path: Path | None = None) -> str:
    """``"ready"``, ``"missing"`` (no finished model: weights, config and card) or ``"outdated"``
    (trained by an older recipe or from another seed set than this code's, so it is retrained).

    Example::

        >>> default_model_state(Path("/nowhere"))
        'missing'
    """
    path = path or default_model_dir()
    finished = (path / "config.json").exists() and (path / "card.json").exists() and (
        (path / "model.safetensors").exists() or (path / "pytorch_model.bin").exists())
    if not finished:
        return "missing"
    import json

    from analysis.train_sentiment import RECIPE, seed_hash

    try:
        card = json.loads((path / "card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "outdated"
    if _CHECK_RECIPE and (card.get("recipe") != RECIPE or card.get("seed_hash") != seed_hash()):
        return "outdated"
    return "ready"


def default_model_ready(path: Path | None = None) -> bool:
    """True when the default model folder holds a finished model of the current recipe and seed set."""
    return default_model_state(path) == "ready"


def ensure_default_model(db: str | None = None, log=None) -> Path:
    """The default model's folder, training it first when it is missing or outdated.

    Example::

        >>> ensure_default_model().name
        'sentiment'
    """
    path = default_model_dir()
    if default_model_ready(path):
        return path
    from analysis.jobs.lock import waiting_lock
    from analysis.train_sentiment import train

    # Two runs that find it missing (two stores, or `train-sentiment` meanwhile) train it once:
    # the second waits for the folder's lock, then finds the first one's model.
    with waiting_lock(f"{path}.lock", "training the default sentiment model", f"the model folder {path}",
                      log=log or _to_stderr):
        if not default_model_ready(path):
            train(out_dir=path, db=db, log=log)
    return path


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def label_map(id2label: dict) -> list[str]:
    """Our label for each of a model's output ids, from its config's ``id2label``.

    Example::

        >>> label_map({0: "NEGATIVE", 1: "POSITIVE"})
        ['negative', 'positive']
    """
    n = len(id2label)
    names = [str(id2label.get(i, id2label.get(str(i), f"LABEL_{i}"))).strip().lower() for i in range(n)]
    mapped = []
    for i, name in enumerate(names):
        stars = re.match(r"^(\d)\s*stars?$", name)
        if name.startswith("neg") or name in ("bad", "0 - negative"):
            mapped.append("negative")
        elif name.startswith("pos") or name in ("good",):
            mapped.append("positive")
        elif name.startswith("neu") or name in ("mixed", "other"):
            mapped.append("neutral")
        elif stars:
            value = int(stars.group(1))
            mapped.append("negative" if value <= 2 else "neutral" if value == 3 else "positive")
        elif re.match(r"^label_\d+$", name) and n in (2, 3):
            mapped.append(["negative", "positive"][i] if n == 2 else LABELS[i])
        else:
            raise ModelError(
                f"cannot map the model's label {names[i]!r} (labels {names}) to negative/neutral/positive: "
                "use a sentiment classifier whose labels are named like that, SST-2 style or 1-5 stars")
    return mapped


def classifier_logits(model, batch: dict, with_hidden_states: bool = False):
    """A sequence classifier's logits for a tokenized batch. Models trained here with
    ``reviewlens_pooling: "mean"`` in their config read the mean of the token vectors (the way
    all-MiniLM-L6-v2 was trained to pool) instead of the [CLS] vector. ``with_hidden_states``
    returns ``(logits, hidden_states)`` from the same pass (the aspect head reads them).

    Example::

        >>> classifier_logits(model, tokenizer(["Great."], return_tensors="pt")).shape
        torch.Size([1, 3])
    """
    if getattr(model.config, "reviewlens_pooling", "cls") != "mean":
        out = model(**batch, output_hidden_states=with_hidden_states)
        logits = out.logits
    else:
        out = model.base_model(**batch, output_hidden_states=with_hidden_states)
        mask = batch["attention_mask"].unsqueeze(-1).to(out.last_hidden_state.dtype)
        mean = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1)
        logits = model.classifier(model.dropout(mean))
    return (logits, out.hidden_states) if with_hidden_states else logits


class SentimentModel:
    """A loaded sentence-sentiment classifier; build it with :func:`load_sentiment`."""

    def __init__(self, model, tokenizer, device: str, name: str, version: str, labels: list[str]):
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.name = name
        self.version = version
        self.labels = labels  # our label for each output id
        self.fitting_batch: int | None = None  # after the device ran out of memory: a batch that fits
        # common spelling slips ("teh", "expcted") are read as the word meant, as in the analysis
        # job's shared pass (analysis.spelling); None reads texts as they are
        self.speller = speller_for(tokenizer)

    def batches(self, items: Sequence, asked: int):
        """``items`` in slices of ``asked``, or fewer once a batch that size ran out of memory
        (:meth:`fitting`; the size is read again for every slice)."""
        start = 0
        while start < len(items):
            size = min(asked, self.fitting_batch) if self.fitting_batch else asked
            part = items[start:start + size]
            start += len(part)
            yield part

    def fitting(self, forward, batch: dict):
        """``forward(batch)`` for a tokenized batch (padded tensors), split in halves and joined
        again while the device runs out of memory; the size that fits is kept for the next
        batches (:meth:`batches`). One text that does not fit is a clear error.

        Example::

            logits = model.fitting(lambda b: classifier_logits(model.model, b), batch)
        """
        import torch

        try:
            return forward(batch)
        except torch.OutOfMemoryError as exc:
            rows = next(iter(batch.values())).shape[0]
            if rows <= 1:
                raise ModelError(f"one text of {next(iter(batch.values())).shape[1]} pieces does not fit in "
                                 f"the memory of {self.device}: run the analysis with --device cpu") from exc
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            half = rows // 2
            self.fitting_batch = min(self.fitting_batch or half, half)
            first = self.fitting(forward, {k: v[:half] for k, v in batch.items()})
            second = self.fitting(forward, {k: v[half:] for k, v in batch.items()})
            return _joined(first, second)

    def predict(self, texts: Sequence[str], batch_size: int | None = None) -> list[tuple[str, float]]:
        """``(label, probability)`` per text, in input order.

        Example::

            >>> model.predict(["Not bad at all."])
            [('positive', 0.93)]
        """
        result = []
        for probs in self.predict_proba(texts, batch_size):
            label = max(probs, key=probs.get)
            result.append((label, probs[label]))
        return result

    def predict_proba(self, texts: Sequence[str], batch_size: int | None = None) -> list[dict[str, float]]:
        """The probability of each of our labels per text, in input order (a model without a
        neutral class gives neutral 0). Empty or blank texts are neutral with probability 1."""
        import torch

        texts = ["" if t is None else str(t) for t in texts]
        batch_size = batch_size or model_batch(self.device)
        out: list[dict[str, float] | None] = [None] * len(texts)
        todo = []
        for i, text in enumerate(texts):
            if text.strip():
                todo.append(i)
            else:
                out[i] = {"negative": 0.0, "neutral": 1.0, "positive": 0.0}
        if self.speller is not None and todo:
            for i, read in zip(todo, self.speller.correct_all([texts[i] for i in todo])):
                texts[i] = read.text
        # Length-sorted batches pad less, so each batch costs what its texts need.
        todo.sort(key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for ids in self.batches(todo, batch_size):
                batch = self.tokenizer([texts[i][:_MAX_CHARS] for i in ids], padding=True, truncation=True,
                                       max_length=MAX_TOKENS, return_tensors="pt")
                batch = {k: v.to(self.device) for k, v in batch.items() if k != "token_type_ids" or self._uses_types}
                logits = self.fitting(lambda b: classifier_logits(self.model, b), batch).float()
                probs = torch.softmax(logits, dim=-1).cpu().tolist()
                for i, row in zip(ids, probs):
                    scores = {"negative": 0.0, "neutral": 0.0, "positive": 0.0}
                    for label, p in zip(self.labels, row):
                        scores[label] += p
                    out[i] = scores
        return out  # type: ignore[return-value]

    @property
    def _uses_types(self) -> bool:
        return getattr(self.model.config, "type_vocab_size", 0) > 1


def _joined(first, second):
    """Two halves of a forward pass's output (logits, or logits and hidden states) as one."""
    import torch

    if isinstance(first, torch.Tensor):
        return torch.cat([first, second])
    return tuple(_joined(a, b) for a, b in zip(first, second))


def load_sentiment(name_or_path: str | os.PathLike | None = None, device: str = "cpu") -> SentimentModel:
    """Load a sentiment classifier: ``None`` is the trained default, else a hub name (from the
    local cache) or a folder. Half precision on CUDA.

    Example::

        >>> load_sentiment("data/models/sentiment", device="cpu").name
        'reviewlens-sentiment'
    """
    set_offline()
    if name_or_path is None:
        path = default_model_dir()
        state = default_model_state(path)
        if state != "ready":
            why = (f"not trained yet (no model in {path})" if state == "missing" else
                   f"outdated (the model in {path} was trained by an older recipe or seed set)")
            raise ModelNotFound(
                f"the default sentiment model is {why}: run `reviewlens train-sentiment` (a few "
                "minutes on a CPU), or pass --sentiment-model NAME_OR_PATH")
    else:
        path = resolve_model(name_or_path)
    device = pick_device(device)
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if device == "cpu":
        from analysis.train_sentiment import cpu_threads

        torch.set_num_threads(cpu_threads())
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        model = AutoModelForSequenceClassification.from_pretrained(str(path))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load a sentiment classifier from {path}: {exc}") from exc
    labels = label_map(dict(model.config.id2label or {}))
    model.eval().to(device)
    if device.startswith("cuda"):
        model.half()
    name = str(name_or_path) if name_or_path is not None else _card_name(path)
    return SentimentModel(model, tokenizer, device, name, model_version(path), labels)


def _card_name(path: Path) -> str:
    import json

    try:
        return json.loads((path / "card.json").read_text(encoding="utf-8")).get("name") or path.name
    except (OSError, ValueError):
        return path.name
