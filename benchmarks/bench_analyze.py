"""Sentences per second of the whole analysis job against the bare forward pass of its sentiment
classifier on the same sentences, measured side by side in one run.

    .venv/bin/python -m benchmarks.bench_analyze                      # demo shop, default models, auto device
    .venv/bin/python -m benchmarks.bench_analyze --reviews 40 --device cpu --sentiment-model PATH

The whole job is `run_analysis(full=True)` on a fresh store filled from the demo shop's manifest:
read, language, sentence split, sentiment, aspects, needs, embeddings, writes, then the store-wide
steps (grouping, themes, insights). The bare forward pass is the classifier alone: tokenize and
run the model over the job's own sentences in length-sorted batches, nothing else. Models are
loaded and warmed up (UMAP's JIT compile included) before either clock starts. Goal: whole job >= half the bare pass.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# TOKENIZERS_PARALLELISM is left to the job (analysis.models.tokenizer_threads_for), as users run it


def tokenized_batches(sentiment, texts: list[str], batch_size: int):
    """The classifier's own tokenizer over ``texts`` in length-sorted batches, one at a time
    (padded tensors, cut at MAX_TOKENS): what the bare pass feeds the model."""
    from analysis.sentiment import MAX_TOKENS

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        yield sentiment.tokenizer([texts[i] for i in order[start:start + batch_size]], padding=True,
                                  truncation=True, max_length=MAX_TOKENS, return_tensors="pt")


def bare_forward(sentiment, texts: list[str], batch_size: int) -> float:
    """Seconds for tokenizer + model forward over ``texts`` in length-sorted batches."""
    import torch

    from analysis.sentiment import classifier_logits

    started = time.perf_counter()
    with torch.inference_mode():
        for batch in tokenized_batches(sentiment, texts, batch_size):
            # pooled the way the model was trained
            classifier_logits(sentiment.model, batch.to(sentiment.device)).float().cpu()
    if sentiment.device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - started


def tokenizer_alone(sentiment, texts: list[str], batch_size: int) -> float:
    """Seconds of the tokenizer alone over the batches :func:`bare_forward` makes: the part of
    the bare pass that runs on the CPU whatever the device."""
    started = time.perf_counter()
    for _ in tokenized_batches(sentiment, texts, batch_size):
        pass
    return time.perf_counter() - started


def warm_umap(seed: int) -> None:
    """Run the UMAP + HDBSCAN theme path once on random vectors, so its one-time JIT compile
    (tens of seconds per process) is not counted as the job's speed."""
    import numpy as np

    from analysis.themes import UMAP_FROM, find_themes

    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(UMAP_FROM + 20, 384)).astype("float32")
    find_themes([f"sentence number {i}" for i in range(len(vectors))], vectors, seed=seed)


def fill_store(db: str, out_dir: Path, reviews: int, seed: int) -> int:
    from crawler.demo_shop.shop import generate, store_manifest

    _, manifest = store_manifest(db, generate(out_dir, seed=seed, reviews_per_product=(reviews, reviews)))
    return len(manifest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=120, help="reviews per demo product (default 120)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--sentiment-model", default=None, help="classifier folder (default: the trained default)")
    parser.add_argument("--parser-aspects", action="store_true",
                        help="the spaCy aspect extractor instead of the learned aspect head")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for the per-review stages (default: the job's own choice: 1 on the "
                             "CPU, and on CUDA a few from 16 batches, so 1 for the 12 batches of --reviews 1000); "
                             "started and warmed before the clock, like the models")
    parser.add_argument("--profile", metavar="FILE",
                        help="also write a cProfile of the timed job to FILE (its timings then include the profiler's cost)")
    args = parser.parse_args(argv)

    import torch

    from analysis.batch_pool import BatchPool, default_workers
    from analysis.pipeline import batch_reviews, load_models, run_analysis
    from analysis.sentiment import model_batch
    from data import store

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        warm_db = str(Path(tmp) / "warm.duckdb")
        n_reviews = fill_store(db, Path(tmp) / "shop", args.reviews, args.seed)
        fill_store(warm_db, Path(tmp) / "warm_shop", 3, args.seed + 1)
        models = load_models(db, device=args.device, sentiment_model=args.sentiment_model,
                             parser_aspects=args.parser_aspects)
        device = models.device
        name = torch.cuda.get_device_name(0) if device.startswith("cuda") else f"CPU, {torch.get_num_threads()} threads"
        print(f"device: {device} ({name})")
        run_analysis(warm_db, models=models, full=True, progress=False)   # imports, caches
        warm_umap(args.seed)                                               # numba compiles UMAP once per process
        batches = -(-n_reviews // batch_reviews(device))
        workers = default_workers(device, batches) if args.workers is None else args.workers
        pool = None
        if workers > 1:
            began = time.perf_counter()
            pool = BatchPool(workers, functools.partial(load_models, db, device, args.sentiment_model,
                                                        args.parser_aspects), seed=args.seed)
            pool.wait_ready()
            print(f"workers: {workers}, started with their models and warmed in {time.perf_counter() - began:.1f} s"
                  " (not counted)")
        else:
            print("workers: 1 (the per-review stages in this process)")

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        try:
            summary = run_analysis(db, models=models, full=True, progress=False, pool=pool)
            job_seconds = time.perf_counter() - started
        finally:
            if pool is not None:
                pool.close()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        texts = [r[0] for r in store.query(db, "SELECT text FROM sentences ORDER BY sentence_id").rows]
        batch = model_batch(device)      # the job's own model batch
        bare_forward(models.sentiment, texts[:batch], batch)              # warm-up
        bare_seconds = bare_forward(models.sentiment, texts, batch)
        tokenizer_seconds = tokenizer_alone(models.sentiment, texts, batch)

    n = len(texts)
    job_rate, bare_rate = n / job_seconds, n / bare_seconds
    print(f"models: {json.dumps(summary['models'])}")
    print(f"reviews: {n_reviews}, sentences: {n}")
    print(f"whole job:           {job_seconds:8.2f} s  {job_rate:9.1f} sentences/s")
    print(f"bare forward pass:   {bare_seconds:8.2f} s  {bare_rate:9.1f} sentences/s"
          f"  (its tokenizer alone, same batches: {tokenizer_seconds:.2f} s)")
    if args.profile:
        print(f"profiled: the job's timings include cProfile's cost; stats in {args.profile}")
    print(f"ratio job/bare: {job_rate / bare_rate:.2f} (goal >= 0.50)")
    stages = {k: v for k, v in summary["durations"].items() if k not in ("total", "load_models")}
    summed = f" (the per-review stages summed over {workers} workers)" if workers > 1 else ""
    print(f"stage seconds{summed}: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
