"""Aspect terms with character offsets, each with its own polarity, and canonical aspects.

Two extractors share one interface (``extract(texts) -> [[AspectTerm]]`` and
``polarities(texts, spans) -> [[label]]``):

- the learned head (``analysis.aspect_head``): a BIO tagger plus two per-term polarity heads (term,
  clause and sentence means; attention over the term's window) with the sentence's own sentiment,
  on the features of the sentiment classifier's encoder (one pass serves both, see
  ``analysis.shared_pass``), trained on the project's span-annotated seed set
  (``data/seed/aspects_seed.jsonl``) and saved under ``data/models/aspects/``;
- the spaCy fallback (``analysis.aspect_parser``): noun cores of noun chunks, with polarity
  from the clause around each term (``analysis.aspect_polarity``).

:func:`load_aspect_extractor` returns the head, training it on first use when it is missing, and
falls back to the parser (saying so on stderr) when it cannot be trained.

Example::

    from analysis.aspects import load_aspect_extractor, group_aspects
    ex = load_aspect_extractor()
    [[(t.term, t.polarity) for t in row] for row in ex.extract(["Great screen, awful battery life."])]
    # [[('screen', 'positive'), ('battery life', 'negative')]]
    group_aspects(["battery", "battery life", "screen"])  # {'battery': 'battery', 'battery life': 'battery', ...}
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from analysis.aspect_groups import group_aspects  # noqa: F401  (public API of this module)

PARSER_VERSION = "spacy-noun-core-1"
# Set to a model folder to use another trained head, or to "parser" for the spaCy fallback.
MODEL_ENV = "REVIEWLENS_ASPECT_MODEL"


@dataclass(frozen=True)
class AspectTerm:
    """One mention of a product feature: ``text[start:end] == term``; polarity of this mention."""
    term: str
    start: int
    end: int
    polarity: str = "neutral"


class ParserAspectExtractor:
    """The spaCy fallback: noun-chunk cores as terms, clause polarity per term.

    ``sentiment`` is any sentence model with ``.predict(texts) -> [(label, score)]``; without it
    an opinion-word list judges each clause.

    Example::

        ParserAspectExtractor().extract(["The fries were cold."])  # [[AspectTerm('fries', 4, 9, 'negative')]]
    """

    def __init__(self, sentiment=None):
        self.sentiment = sentiment
        self.version = PARSER_VERSION + ("+" + getattr(sentiment, "version", "sentiment") if sentiment else "+lexicon")
        self.name = "parser"

    def extract(self, texts: Sequence[str]) -> list[list[AspectTerm]]:
        from analysis.aspect_parser import parser_spans

        texts = [t if isinstance(t, str) else "" for t in texts]
        spans = parser_spans(texts)
        return _terms(texts, spans, self.polarities(texts, spans))

    def polarities(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> list[list[str]]:
        from analysis.aspect_polarity import window_polarities

        return window_polarities(texts, spans, self.sentiment)


def _terms(texts, spans, labels) -> list[list[AspectTerm]]:
    return [[AspectTerm(text[a:b], a, b, pol) for (a, b), pol in zip(row, pols)]
            for text, row, pols in zip(texts, spans, labels)]


def default_model_dir() -> Path:
    """Where the default aspect head lives: ``data/models/aspects`` in the project (gitignored)."""
    return Path(__file__).resolve().parent.parent / "data" / "models" / "aspects"


def load_aspect_extractor(device: str = "cpu", *, parser_only: bool = False, model_dir: str | Path | None = None,
                          train_if_missing: bool = True, sentiment=None, encoder=None):
    """The aspect extractor: the trained head, else (clearly said) the spaCy fallback.

    The head reads the features of ``encoder`` (anything like
    :class:`analysis.shared_pass.SharedPass`); by default the default sentiment classifier's, so
    the analysis job runs one encoder pass for both models. ``model_dir`` defaults to
    ``$REVIEWLENS_ASPECT_MODEL`` (a folder, or ``parser`` for the fallback), else a folder per
    encoder under ``data/models/aspects``; a head found there that was trained on another encoder's features
    (e.g. before the sentiment model was retrained) is retrained, like a missing one, from the seed
    set when ``train_if_missing`` is true (a few minutes on CPU). A folder named explicitly keeps
    the encoder its card names. ``sentiment`` (optional) is used by the fallback to judge each
    term's clause.

    Example::

        ex = load_aspect_extractor()
        ex.extract(["The battery lasts all day."])[0][0].term  # 'battery'
    """
    choice = os.environ.get(MODEL_ENV, "")
    if parser_only or (model_dir is None and choice == "parser"):
        return ParserAspectExtractor(sentiment)
    explicit = model_dir is not None or bool(choice)
    path = Path(model_dir or choice or default_model_dir())
    try:
        from analysis import aspect_head

        if encoder is None and not (explicit and aspect_head.trained_on_packaged_encoder(path)):
            if explicit and not train_if_missing and not aspect_head.is_trained(path):
                raise FileNotFoundError(f"no aspect model in {path}")
            encoder = default_shared_pass(device, train_if_missing=train_if_missing)
        version = getattr(encoder, "version", None)
        if not explicit and version:
            path = path / _folder_name(version)   # heads per encoder: switching models retrains nothing twice
        if aspect_head.is_trained(path):
            try:
                return aspect_head.HeadAspectExtractor.load(path, device=device, encoder=encoder,
                                                            encoder_version=version)
            except aspect_head.OutdatedHeads as exc:
                if not train_if_missing or explicit:
                    raise
                print(f"aspects: {exc}; retraining it from the seed set (a few minutes on CPU)...", file=sys.stderr)
        elif not train_if_missing:
            raise FileNotFoundError(f"no aspect model in {path}")
        else:
            print(f"aspects: no trained aspect model in {path}; training it from the seed set "
                  "(one time, a few minutes on CPU)...", file=sys.stderr)
        _train_once(path, encoder, version, device)
        return aspect_head.HeadAspectExtractor.load(path, device=device, encoder=encoder, encoder_version=version)
    except Exception as exc:  # noqa: BLE001 - any failure falls back to the parser, loudly
        print(f"aspects: cannot use the learned aspect model at {path} ({exc}); "
              "falling back to the spaCy parser extractor. Run `python -m analysis.aspect_head train` "
              "to build it.", file=sys.stderr)
        return ParserAspectExtractor(sentiment)


def _train_once(path: Path, encoder, version: str | None, device: str) -> None:
    """Train the heads into ``path`` under its folder's lock: a run that finds another one
    training them waits, then uses those heads (when they are current) instead of training again."""
    from analysis import aspect_head
    from analysis.jobs.lock import waiting_lock

    with waiting_lock(f"{path}.lock", "training the aspect heads", f"the aspect model folder {path}",
                      log=lambda line: print(f"aspects: {line}", file=sys.stderr, flush=True)):
        if aspect_head.is_trained(path):
            try:
                aspect_head.HeadAspectExtractor.load(path, device=device, encoder=encoder, encoder_version=version)
                return   # trained by another run while this one waited
            except aspect_head.OutdatedHeads:
                pass
        aspect_head.train(path, encoder=encoder, encoder_version=version)


def _folder_name(version: str) -> str:
    """``reviewlens-sentiment@c97fd412fdf5`` -> ``reviewlens-sentiment-c97fd412fdf5``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", version).strip("-.")[:120] or "encoder"


def default_shared_pass(device: str = "cpu", train_if_missing: bool = True):
    """The default sentiment classifier as a shared encoder pass, trained first when it is missing
    (or, with ``train_if_missing=False``, FileNotFoundError).

    Example::

        default_shared_pass().version   # 'reviewlens-sentiment@...'
    """
    from analysis.sentiment import default_model_ready, ensure_default_model, load_sentiment
    from analysis.shared_pass import SharedPass

    if not train_if_missing and not default_model_ready():
        raise FileNotFoundError("the default sentiment model, whose features the aspect head reads, is not trained yet")
    ensure_default_model()
    return SharedPass(load_sentiment(None, device=device))
