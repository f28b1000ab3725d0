"""Sentence sentiment speed: SentimentModel.predict against the bare forward pass, side by side.

Both read the same sentences (the seed held-out split, repeated to --n) with the same model on
the same device in one run; the ratio says what tokenising, sorting and batching cost on top of
the classifier itself.

    python -m benchmarks.bench_sentiment                      # default model, cpu
    python -m benchmarks.bench_sentiment --model DIR --device cuda --n 20000
"""
from __future__ import annotations

import argparse
import time


def bare_forward(model, texts: list[str], batch_size: int) -> float:
    """Seconds for the forward passes alone: tokenised and padded per batch beforehand, in input order."""
    import torch

    from analysis.sentiment import classifier_logits

    batches = [model.tokenizer(texts[i:i + batch_size], padding=True, truncation=True, max_length=128,
                               return_tensors="pt") for i in range(0, len(texts), batch_size)]
    batches = [{k: v.to(model.device) for k, v in b.items()} for b in batches]
    if model.device.startswith("cuda"):
        torch.cuda.synchronize()
    started = time.perf_counter()
    with torch.inference_mode():
        for batch in batches:
            classifier_logits(model.model, batch)  # the classifier as it reads (mean pooling or [CLS])
    if model.device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model folder or cached hub name (default: trained default)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--n", type=int, default=2000, help="sentences to read")
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()

    from analysis.sentiment import load_sentiment, model_batch
    from analysis.train_sentiment import load_seed

    model = load_sentiment(args.model, device=args.device)
    pool = [r["text"] for r in load_seed("heldout")]
    texts = (pool * (args.n // len(pool) + 1))[:args.n]
    batch_size = args.batch_size or model_batch(model.device)
    model.predict(texts[:batch_size], batch_size)  # warm-up
    started = time.perf_counter()
    model.predict(texts, batch_size)
    predict_s = time.perf_counter() - started
    forward_s = bare_forward(model, texts, batch_size)
    print(f"model {model.name} ({model.version}) on {model.device}, {len(texts)} sentences, batch {batch_size}")
    print(f"predict():     {len(texts) / predict_s:8.1f} sentences/s")
    print(f"bare forward:  {len(texts) / forward_s:8.1f} sentences/s")
    print(f"ratio predict / bare forward: {forward_s / predict_s:.2f}")


if __name__ == "__main__":
    main()
