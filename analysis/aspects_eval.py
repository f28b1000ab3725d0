"""Measure aspect extraction and aspect polarity on SemEval-2014 style XML files.

Aspect term extraction is scored as exact-match F1 over (sentence, start, end) spans; aspect
polarity as accuracy (and macro-F1) over the gold terms, leaving out ``conflict``, with the
extractor asked for the polarity of each gold span. The files are read, never learned from.

Example::

    from analysis.aspects_eval import evaluate_aspects
    evaluate_aspects("../shared/eval/dev")
    # {"laptops": {"f1": ..., "polarity_accuracy": ...}, "restaurants": {...}, "model": "..."}

Runnable: ``python -m analysis.aspects_eval [DATA_DIR] [--parser-only] [--limit N] [--clause-sentiment]``.
"""
from __future__ import annotations

import argparse
import json
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

# SemEval-2014 Task 4 training files, by the domain name we report.
SEMEVAL_FILES = {
    "laptops": "Laptop_Train_v2.xml",
    "restaurants": "Restaurants_Train_v2.xml",
}
POLARITIES = ("positive", "negative", "neutral")


@dataclass
class GoldSentence:
    """One sentence of a SemEval file with its gold aspect terms (start, end, polarity)."""
    sid: str
    text: str
    terms: list[tuple[int, int, str]] = field(default_factory=list)


def read_semeval(path: str | Path) -> list[GoldSentence]:
    """Sentences and gold aspect terms of a SemEval-2014 XML file.

    Example::

        read_semeval("Laptop_Train_v2.xml")[0].terms  # [(41, 45, 'neutral'), ...]
    """
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise ValueError(f"cannot read SemEval file {path}: {exc}. Give a SemEval-2014 Task 4 XML file.") from exc
    out = []
    for node in root.iter("sentence"):
        text_node = node.find("text")
        if text_node is None or text_node.text is None:
            continue
        sent = GoldSentence(node.get("id", str(len(out))), text_node.text)
        for term in node.iter("aspectTerm"):
            try:
                start, end = int(term.get("from")), int(term.get("to"))
            except (TypeError, ValueError):
                continue  # a term without offsets cannot be scored
            sent.terms.append((start, end, term.get("polarity", "neutral")))
        out.append(sent)
    return out


def span_scores(gold: list[set[tuple[int, int]]], predicted: list[set[tuple[int, int]]]) -> dict:
    """Exact-span precision, recall and F1 (in percent) over parallel lists of span sets.

    Example::

        span_scores([{(0, 4)}], [{(0, 4), (5, 9)}])  # precision 50.0, recall 100.0, f1 66.7
    """
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for g in gold)
    precision = 100.0 * tp / n_pred if n_pred else 0.0
    recall = 100.0 * tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 2), "recall": round(recall, 2), "f1": round(f1, 2),
            "gold_terms": n_gold, "predicted_terms": n_pred, "true_positives": tp}


def polarity_scores(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy and macro-F1 (percent) of aspect polarity labels.

    Example::

        polarity_scores(["positive", "negative"], ["positive", "positive"])["accuracy"]  # 50.0
    """
    n = len(gold)
    acc = 100.0 * sum(g == p for g, p in zip(gold, predicted)) / n if n else 0.0
    f1s = []
    for label in POLARITIES:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return {"accuracy": round(acc, 2), "macro_f1": round(100.0 * sum(f1s) / len(f1s), 2) if f1s else 0.0,
            "terms": n}


def evaluate_file(extractor, path: str | Path, limit: int | None = None) -> dict:
    """Span F1 and polarity accuracy of ``extractor`` on one SemEval file.

    Example::

        evaluate_file(load_aspect_extractor(), "Laptop_Train_v2.xml")["f1"]
    """
    sentences = read_semeval(path)[:limit]
    texts = [s.text for s in sentences]
    t0 = time.perf_counter()
    found = extractor.extract(texts)
    seconds = time.perf_counter() - t0
    gold_spans = [{(a, b) for a, b, _ in s.terms} for s in sentences]
    pred_spans = [{(t.start, t.end) for t in terms} for terms in found]
    result = span_scores(gold_spans, pred_spans)
    # polarity on the gold terms, leaving out 'conflict' as is usual for this task
    spans = [[(a, b) for a, b, pol in s.terms if pol in POLARITIES] for s in sentences]
    gold_pol = [pol for s in sentences for _, _, pol in s.terms if pol in POLARITIES]
    pred_pol = [p for row in extractor.polarities(texts, spans) for p in row]
    pol = polarity_scores(gold_pol, pred_pol)
    result.update({"sentences": len(sentences), "polarity_accuracy": pol["accuracy"],
                   "polarity_macro_f1": pol["macro_f1"], "polarity_terms": pol["terms"],
                   "sentences_per_second": round(len(texts) / seconds, 1) if seconds else None})
    return result


def evaluate_aspects(data_dir: str | Path = "../shared/eval/dev", extractor=None,
                     limit: int | None = None) -> dict:
    """Aspect figures on the SemEval-2014 laptop and restaurant files found in ``data_dir``.

    Files that are missing are reported as missing, not as zero. ``extractor`` defaults to
    :func:`analysis.aspects.load_aspect_extractor` (which trains the default head on first use).

    Example::

        evaluate_aspects("../shared/eval/dev")["laptops"]["f1"]
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ValueError(f"evaluation folder {data_dir} does not exist: pass --data with the folder "
                         "holding Laptop_Train_v2.xml / Restaurants_Train_v2.xml.")
    if extractor is None:
        from analysis.aspects import load_aspect_extractor

        extractor = load_aspect_extractor()
    out: dict = {"model": getattr(extractor, "version", "unknown")}
    for domain, name in SEMEVAL_FILES.items():
        path = data_dir / name
        out[domain] = evaluate_file(extractor, path, limit) if path.exists() else {"missing": str(path)}
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: print the aspect figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", default="../shared/eval/dev")
    parser.add_argument("--parser-only", action="store_true", help="measure the spaCy fallback alone")
    parser.add_argument("--limit", type=int, default=None, help="first N sentences per file")
    parser.add_argument("--clause-sentiment", action="store_true",
                        help="add the sentence-sentiment model's reading of each term's clause to the polarity head's")
    args = parser.parse_args(argv)
    from analysis.aspects import load_aspect_extractor

    extractor = load_aspect_extractor(parser_only=args.parser_only)
    if args.clause_sentiment and hasattr(extractor, "clause_sentiment"):
        shared = getattr(getattr(extractor, "encoder", None), "sentiment", None)
        if shared is None:
            from analysis.sentiment import load_sentiment

            shared = load_sentiment()
        extractor.clause_sentiment = shared
    result = evaluate_aspects(args.data_dir, extractor, args.limit)
    result["clause_sentiment"] = getattr(extractor, "clause_sentiment", None) is not None
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
