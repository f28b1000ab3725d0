"""Do two devices give the same labels? Sentence sentiment and aspect term polarity on the demo
shop's sentences, on the CPU in full precision against the GPU in half precision (what
``--device auto`` uses there), as the share of sentences with the same label (goal: >= 99%).

    .venv/bin/python -m benchmarks.check_devices                     # cpu vs cuda (half)
    .venv/bin/python -m benchmarks.check_devices --against cpu-half  # no GPU: the precision alone

Without a GPU, ``--against cpu-half`` runs the same half-precision weights on the CPU: the
rounding of half precision, which is most of what can make a GPU's labels differ, measured on
the machine at hand. With ``--against cuda`` and no GPU it says so and exits 2.

The two sides can run on two machines: ``--write-cpu-labels FILE`` writes the CPU's labels (and
the sentences and model versions they belong to) and stops; ``--cpu-labels FILE`` on the GPU
machine reads them instead of running the CPU side, and refuses a file made from other
sentences or other models.

    .venv/bin/python -m benchmarks.check_devices --write-cpu-labels cpu_labels.json   # CPU machine
    python -m benchmarks.check_devices --cpu-labels cpu_labels.json                   # GPU machine
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def demo_sentences(reviews_per_product: int, seed: int) -> list[str]:
    """The sentences of a freshly generated demo shop's reviews, as the models read them."""
    from analysis.sentences import split_reviews
    from crawler.demo_shop.shop import generate, load_manifest

    with tempfile.TemporaryDirectory() as tmp:
        shop = generate(Path(tmp) / "shop", seed=seed, reviews_per_product=(reviews_per_product, reviews_per_product))
        bodies = [row["body"] for row in load_manifest(shop) if row.get("language") in (None, "en")]
    return [s.text for sentences in split_reviews(bodies) for s in sentences]


def agreement(first: list, second: list) -> float:
    """Share of positions where the two lists hold the same value.

    >>> agreement(["positive", "negative"], ["positive", "neutral"])
    0.5
    """
    if len(first) != len(second):
        raise ValueError(f"{len(first)} labels against {len(second)}")
    return sum(a == b for a, b in zip(first, second)) / len(first) if first else 1.0


def labels_on(sentiment_path: str | None, device: str, half: bool, texts: list[str]) -> dict:
    """Sentence labels, aspect terms with polarity, and seconds, for one device and precision."""
    from analysis.aspects import load_aspect_extractor
    from analysis.sentiment import load_sentiment
    from analysis.shared_pass import SharedPass

    sentiment = load_sentiment(sentiment_path, device=device)
    if half and device == "cpu":
        sentiment.model.half()
    shared = SharedPass(sentiment)
    extractor = load_aspect_extractor(device=device, encoder=shared, train_if_missing=False)
    started = time.perf_counter()
    shared.keep = True
    sentence_labels = [label for label, _ in shared.predict(texts)]
    terms = extractor.extract(texts)
    shared.forget()
    return {"sentiment": sentence_labels, "seconds": time.perf_counter() - started,
            "aspects": [tuple((t.start, t.end, t.polarity) for t in row) for row in terms],
            "version": f"{sentiment.version} + {extractor.version}"}


def read_cpu_labels(path: str, texts: list[str]) -> dict:
    """The CPU side written by ``--write-cpu-labels``, checked against this run's sentences."""
    try:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot read CPU labels from {path}: {exc}; write them with --write-cpu-labels")
    if saved.get("sentences") != texts:
        raise SystemExit(f"{path} holds labels of other sentences ({len(saved.get('sentences') or [])} "
                         f"against {len(texts)} here): write it with the same --reviews and --seed")
    saved["aspects"] = [tuple(tuple(term) for term in row) for row in saved["aspects"]]
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="cuda", choices=["cuda", "cpu-half"],
                        help="what to compare the CPU's full-precision labels with (default: cuda, half precision)")
    parser.add_argument("--reviews", type=int, default=60, help="reviews per demo product (default 60)")
    parser.add_argument("--sentiment-model", default=None, help="classifier folder (default: the trained default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write-cpu-labels", metavar="FILE", help="run the CPU side only and write its labels to FILE")
    parser.add_argument("--cpu-labels", metavar="FILE", help="read the CPU side from FILE (written by --write-cpu-labels)")
    args = parser.parse_args(argv)

    import torch

    texts = demo_sentences(args.reviews, args.seed)
    if args.write_cpu_labels:
        base = labels_on(args.sentiment_model, "cpu", False, texts)
        Path(args.write_cpu_labels).write_text(json.dumps({**base, "sentences": texts}), encoding="utf-8")
        print(f"wrote the CPU labels of {len(texts)} sentences ({base['version']}) to {args.write_cpu_labels}")
        return 0
    if args.against == "cuda" and not torch.cuda.is_available():
        print("no CUDA device here: nothing to compare (use --against cpu-half for the precision alone)")
        return 2
    other = labels_on(args.sentiment_model, "cuda" if args.against == "cuda" else "cpu", True, texts)
    if args.cpu_labels:
        base = read_cpu_labels(args.cpu_labels, texts)
        if base["version"] != other["version"]:
            raise SystemExit(f"{args.cpu_labels} was written with the models {base['version']}, "
                             f"not {other['version']}: write it again with the same models")
    else:
        base = labels_on(args.sentiment_model, "cpu", False, texts)
    where = torch.cuda.get_device_name(0) if args.against == "cuda" else "CPU, half precision"
    print(f"models: {base['version']}")
    print(f"sentences: {len(texts)}; cpu (full precision) {base['seconds']:.1f} s, {where} {other['seconds']:.1f} s")
    same_sentiment = agreement(base["sentiment"], other["sentiment"])
    same_aspects = agreement(base["aspects"], other["aspects"])
    print(f"same sentence sentiment: {same_sentiment:.2%}")
    print(f"same aspect terms and polarities: {same_aspects:.2%} of sentences")
    for i in [i for i in range(len(texts)) if (base["sentiment"][i], base["aspects"][i])
              != (other["sentiment"][i], other["aspects"][i])][:10]:
        print(f"  differs: {texts[i]!r}: cpu {base['sentiment'][i]} {list(base['aspects'][i])}, "
              f"other {other['sentiment'][i]} {list(other['aspects'][i])}")
    print(f"goal: >= 99% -> {'met' if min(same_sentiment, same_aspects) >= 0.99 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
