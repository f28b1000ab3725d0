"""How well the models do on labelled sets: the core of `reviewlens evaluate`.

Sentiment is measured on the UCI sentiment-labelled sentences (``yelp_labelled.txt``,
``imdb_labelled.txt``, ``amazon_cells_labelled.txt``: one ``sentence<TAB>0|1`` per line) found
in the data folder, and on the seed set's held-out split. The UCI sets are binary, so a
sentence counts as positive when the model gives positive a higher probability than negative
(the neutral probability is set aside); the share the 3-way argmax would call neutral is
reported beside it. The SemEval-2014 laptop and restaurant files give a second, binary set of
real review sentences: those whose aspect terms are all positive or all negative
(``semeval_laptops_sentences``: sentences from laptop reviews, i.e. product reviews). Aspect
figures come from :mod:`analysis.aspects_eval`. These files are for measuring only: nothing
here feeds training.

Example::

    from analysis.evaluate import evaluate, format_report
    results = evaluate("../shared/eval/dev")
    print(format_report(results))     # yelp_labelled: accuracy 0.9xx, macro-F1 0.9xx, ...
"""
from __future__ import annotations

import time
from pathlib import Path

from analysis.aspects_eval import SEMEVAL_FILES, evaluate_aspects, read_semeval
from analysis.train_sentiment import classification_metrics, load_seed

UCI_FILES = ("yelp_labelled.txt", "imdb_labelled.txt", "amazon_cells_labelled.txt")


def read_uci(path: str | Path) -> list[tuple[str, str]]:
    """``(sentence, "positive"|"negative")`` pairs of a UCI ``sentence<TAB>0|1`` file; bad lines skipped.

    Example::

        >>> read_uci("../shared/eval/dev/yelp_labelled.txt")[0][1] in ("positive", "negative")
        True
    """
    pairs = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            text, _, label = line.rstrip("\n").rpartition("\t")
            label = label.strip()
            if text.strip() and label in ("0", "1"):
                pairs.append((text.strip(), "positive" if label == "1" else "negative"))
    return pairs


def binary_scores(model, pairs: list[tuple[str, str]]) -> dict:
    """Accuracy and macro-F1 of positive-vs-negative on ``pairs`` (argmax over the two probabilities)."""
    started = time.monotonic()
    probs = model.predict_proba([text for text, _ in pairs])
    seconds = time.monotonic() - started
    predicted = ["positive" if p["positive"] >= p["negative"] else "negative" for p in probs]
    neutral = sum(max(p, key=p.get) == "neutral" for p in probs)
    metrics = classification_metrics([label for _, label in pairs], predicted)
    metrics["neutral_by_argmax"] = round(neutral / len(pairs), 4) if pairs else 0.0
    metrics["sentences_per_second"] = round(len(pairs) / seconds, 1) if seconds else None
    return metrics


def semeval_sentence_pairs(path: str | Path) -> list[tuple[str, str]]:
    """``(sentence, "positive"|"negative")`` for the sentences of a SemEval-2014 XML file whose
    aspect terms all carry that one polarity (sentences without terms, or with neutral, conflict
    or mixed terms, are left out).

    Example::

        >>> semeval_sentence_pairs("../shared/eval/dev/Laptop_Train_v2.xml")[0][1] in ("positive", "negative")
        True
    """
    pairs = []
    for sentence in read_semeval(path):
        polarities = {polarity for _, _, polarity in sentence.terms}
        if len(polarities) == 1 and polarities <= {"positive", "negative"}:
            pairs.append((sentence.text, polarities.pop()))
    return pairs


def evaluate_sentiment(data_dir: str | Path | None, model=None, heldout_limit: int | None = None) -> dict:
    """Sentiment figures: each UCI file present in ``data_dir``, the one-polarity sentences of
    each SemEval file there (:func:`semeval_sentence_pairs`) and the seed held-out split.

    Example::

        >>> evaluate_sentiment("../shared/eval/dev")["yelp_labelled"]["accuracy"] > 0.5
        True
    """
    if model is None:
        from analysis.sentiment import load_sentiment

        model = load_sentiment()
    out: dict = {"model": f"{model.name} ({model.version})"}
    data_dir = Path(data_dir) if data_dir else None
    if data_dir is not None and data_dir.is_dir():
        for name in UCI_FILES:
            if (data_dir / name).exists():
                out[name.removesuffix(".txt")] = binary_scores(model, read_uci(data_dir / name))
        for domain, name in SEMEVAL_FILES.items():
            if (data_dir / name).exists():
                out[f"semeval_{domain}_sentences"] = binary_scores(model, semeval_sentence_pairs(data_dir / name))
    heldout = load_seed("heldout")[:heldout_limit]
    predicted = [label for label, _ in model.predict([r["text"] for r in heldout])]
    out["seed_heldout"] = classification_metrics([r["label"] for r in heldout], predicted)
    return out


def evaluate(data_dir: str | Path | None, model=None, aspects: bool = True,
             heldout_limit: int | None = None) -> dict:
    """Every figure there is: ``{"data", "missing", "sentiment", "aspects"}``.

    A missing folder is reported under ``missing`` (the seed held-out split is still measured);
    aspect figures (:mod:`analysis.aspects_eval`) unless ``aspects`` is False. ``heldout_limit`` measures
    only the first N held-out seed sentences (quick checks).
    """
    data = Path(data_dir) if data_dir else None
    result: dict = {"data": str(data) if data else None, "missing": None}
    if data is None or not data.is_dir():
        result["missing"] = (f"no evaluation folder at {data}: pass --data DIR with yelp_labelled.txt, "
                             "imdb_labelled.txt (UCI sentences) and the SemEval XML files")
    result["sentiment"] = evaluate_sentiment(data if result["missing"] is None else None, model, heldout_limit)
    if aspects and result["missing"] is None:
        try:
            result["aspects"] = evaluate_aspects(data)
        except Exception as exc:  # the aspect figures are someone else's stage; report, don't hide sentiment
            result["aspects"] = {"error": f"{type(exc).__name__}: {exc}"}
    return result


def format_report(result: dict) -> str:
    """The figures as readable lines, for the terminal."""
    lines = []
    if result.get("missing"):
        lines.append(f"note: {result['missing']}")
    sentiment = result.get("sentiment", {})
    lines.append(f"sentiment model: {sentiment.get('model')}")
    lines.append("  UCI and SemEval sentence sets are positive vs negative: a sentence is positive when"
                 " P(positive) >= P(negative); neutral_by_argmax is the share a 3-way argmax would call neutral")
    for name, figures in sentiment.items():
        if not isinstance(figures, dict):
            continue
        line = (f"  {name:<29} n={figures['n']:<5} accuracy {figures['accuracy'] * 100:.1f}%  "
                f"macro-F1 {figures['macro_f1'] * 100:.1f}%")
        if "neutral_by_argmax" in figures:
            line += f"  neutral_by_argmax {figures['neutral_by_argmax'] * 100:.1f}%"
        lines.append(line)
    aspects = result.get("aspects")
    if aspects:
        lines.append(f"aspects: {aspects.get('model', '')}")
        for name, figures in aspects.items():
            if isinstance(figures, dict):
                shown = ", ".join(f"{k} {v}" for k, v in figures.items() if not isinstance(v, (dict, list)))
                lines.append(f"  {name:<22} {shown}")
            elif name != "model":
                lines.append(f"  {name}: {figures}")
    return "\n".join(lines)
