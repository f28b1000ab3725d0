"""The incremental analysis job behind `reviewlens analyze`.

It reads only the reviews that are new or changed since they were last read with the current
models (``review_analysis`` holds each review's ``content_hash`` and ``models_key``), in batches:

    read a batch (read-only, closed again)  ->  language  ->  sentences  ->  sentiment
    ->  needs  ->  aspects (embeddings begun alongside, on the idle core)  ->  embeddings
    ->  review summary  ->  write the batch

Every stage is a method of :class:`Worker`, a function from a batch of rows (dicts) to a batch of
rows, with the models loaded once per worker; so the same code can run on a distributed engine.
All rows derived from a batch are written in ONE transaction that first deletes whatever those
reviews had, so a run killed half-way and started again ends with no duplicate or missing rows.

A stage that raises on a batch is tried again on each of its reviews alone: a review it still
fails on is recorded as skipped for an ``error`` (logged with its id, read again by the next run)
and the run goes on, ending ``partial``. When it fails on every review of a batch, a small known-good
review (:data:`CANARY`) decides: if the stage fails on that too, the stage is broken, not the
reviews, and the run fails with its error; else the reviews are skipped and the run goes on (the
reviews a stage always fails on are read again, alone, by every later run). A stop
(:class:`analysis.jobs.runner.JobStopped`, Ctrl+C) is no ``Exception``: it is never retried.

After the per-review stages come the store-wide steps, recomputed from the derived tables on
every run (SQL plus the stored embeddings, no model passes over old reviews): canonical aspect
groups per category, need groups, monthly aspect counts, themes and per-product insights.

Example::

    from analysis.pipeline import run_analysis
    summary = run_analysis("data/reviewlens.duckdb", device="cpu")
    summary["counts"]["reviews"], summary["status"]      # (1200, 'ok'); 'partial' when reviews failed
"""
from __future__ import annotations

import functools
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from data import store

from analysis import sentences as sentence_splitter
from analysis.batch_pool import BatchPool, default_workers
from analysis import spelling

BATCH_REVIEWS = 256        # reviews read, analysed and written together on a CPU
BATCH_REVIEWS_GPU = 1024   # on a GPU: fuller model batches, and a quarter of the store opens per review


def batch_reviews(device: str) -> int:
    """Reviews read, analysed and written together on ``device``.

    >>> batch_reviews("cuda:0"), batch_reviews("cpu")
    (1024, 256)
    """
    return BATCH_REVIEWS_GPU if str(device).startswith("cuda") else BATCH_REVIEWS


SEED = 0
# A review reads as clearly negative (or positive) when its polar sentences lean that way by at
# least this net share and the model is sure of them on average.
MISMATCH_NET = 0.5
MISMATCH_SCORE = 0.8


# --- models -----------------------------------------------------------------------------------

@dataclass
class Models:
    """Everything the job runs, loaded once. Tests pass small fakes with the same methods.

    ``sentiment.predict(texts) -> [(label, p)]``, ``aspects.extract(texts) -> [[AspectTerm]]``,
    ``find_needs(texts) -> [[Need]]``, ``group_aspects(terms, category) -> {term: aspect}``,
    ``group_needs(phrases) -> {phrase: label}``, ``encoder.encode(texts) -> array``.
    """
    sentiment: Any
    aspects: Any
    find_needs: Callable
    group_aspects: Callable
    group_needs: Callable
    encoder: Any
    needs_version: str = "1"
    device: str = "cpu"

    def key(self) -> str:
        """The model versions a review was read with; a change re-reads every review."""
        return (f"sentences={sentence_splitter.VERSION}|sentiment={self.sentiment.name}@{self.sentiment.version}"
                f"|aspects={getattr(self.aspects, 'version', '?')}|needs={self.needs_version}"
                f"|spelling={self._spelling()}")

    def describe(self) -> dict[str, str]:
        return {"sentences": f"{sentence_splitter.SPACY_MODEL}:{sentence_splitter.VERSION}",
                "sentiment": _named(self.sentiment.name, self.sentiment.version),
                "aspects": _named(getattr(self.aspects, "name", "aspects"), getattr(self.aspects, "version", "?")),
                "needs": self.needs_version,
                "spelling": self._spelling(),
                "embeddings": getattr(self.encoder, "name", "encoder")}

    def _spelling(self) -> str:
        """The spelling rules the models read with (:mod:`analysis.spelling`), or 'off'."""
        return spelling.VERSION if getattr(self.sentiment, "speller", None) is not None else "off"


def _named(name: str, version: str) -> str:
    """``name@version``, without repeating a name the version already starts with.

    >>> _named("reviewlens-sentiment", "reviewlens-sentiment@db9e"), _named("m", "1")
    ('reviewlens-sentiment@db9e', 'm@1')
    """
    return version if str(version).startswith(f"{name}") else f"{name}@{version}"


def load_models(db: str | None = None, device: str = "auto", sentiment_model: str | None = None,
                parser_aspects: bool = False) -> Models:
    """The real models on ``device`` (``auto`` picks CUDA when there is one).

    The default sentiment model is trained on first use (from the seed set and ``db``'s rated
    reviews); ``parser_aspects`` uses the spaCy aspect extractor instead of the learned head.
    Example::

        models = load_models("shop.duckdb", device="cpu")
        models.key()   # 'sentences=senter-3|sentiment=reviewlens-sentiment@...'
    """
    from analysis import aspects, needs
    from analysis.embeddings import load_encoder
    from analysis.models import pick_device, set_offline, tokenizer_threads_for
    from analysis.sentiment import ensure_default_model, load_sentiment
    from analysis.shared_pass import SharedPass

    set_offline()
    device = pick_device(device)
    tokenizer_threads_for(device)
    if sentiment_model is None:
        ensure_default_model(db)
    # One encoder pass per sentence serves sentiment and aspects: the aspect head reads the
    # sentiment classifier's features (analysis.shared_pass).
    sentiment = SharedPass(load_sentiment(sentiment_model, device=device))
    extractor = aspects.load_aspect_extractor(device=device, parser_only=parser_aspects, encoder=sentiment,
                                              sentiment=sentiment)
    # needs are found in the sentences as the models read them (spelling slips corrected)
    speller = getattr(sentiment, "speller", None)
    find_needs = functools.partial(needs.find_needs, speller=speller)
    return Models(sentiment=sentiment, aspects=extractor, find_needs=find_needs,
                  group_aspects=aspects.group_aspects, group_needs=functools.partial(needs.group_needs, speller=speller),
                  encoder=load_encoder(device), needs_version=str(getattr(needs, "VERSION", "1")),
                  device=device)


def asked_not_judged(mentions: list[dict], need_rows: list[dict]) -> list[dict]:
    """The mentions with those inside a need phrase made neutral: "I wish it had a longer
    [cable]" asks for a cable, it does not judge one, so it tips no share of the cable's
    sentiment (the insights count it as a need only; the charts and comparison read polarity).

    Example::

        >>> asked_not_judged([{"sentence_id": "r:1", "start_char": 20, "end_char": 25, "polarity": "negative"}],
        ...                  [{"sentence_id": "r:1", "start_char": 14, "end_char": 25}])[0]["polarity"]
        'neutral'
    """
    inside: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for need in need_rows:
        inside[need["sentence_id"]].append((need["start_char"], need["end_char"]))
    return [{**m, "polarity": "neutral"}
            if any(a <= m["start_char"] and m["end_char"] <= b for a, b in inside.get(m["sentence_id"], ())) else m
            for m in mentions]


def _to_embed(sents: list[dict]) -> list[tuple[str, str, str]]:
    """``(sentence_id, model suffix, text)`` of each vector themes cluster: every complaint and
    need sentence, then each need sentence's phrases ("a timer; a lid") under
    :data:`analysis.embeddings.NEED_PHRASE`."""
    from analysis.embeddings import NEED_PHRASE

    return ([(s["sentence_id"], "", s["text"]) for s in sents if s["sentiment"] == "negative" or s["is_need"]]
            + [(s["sentence_id"], NEED_PHRASE, "; ".join(s["_need_phrases"])) for s in sents if s.get("_need_phrases")])


def _distinct_texts(wanted: list[tuple[str, str, str]]) -> list[str]:
    """The texts of :func:`_to_embed`'s rows, each once, in first-seen order: what the encoder
    reads (:meth:`Worker.start_embeddings` and :meth:`Worker.embeddings` must agree on it)."""
    return list(dict.fromkeys(text for _, _, text in wanted))


def once_per_text(read, texts: list[str]) -> list:
    """``read(texts)`` (one result per text) with each distinct text read once: reviews share
    sentences word for word ("Works great.", a shop's templated lines), and a reading depends
    on the text alone. Each repeat gets its own copy of a list result.

    >>> once_per_text(lambda ts: [[t.upper()] for t in ts], ["ok", "no", "ok"])
    [['OK'], ['NO'], ['OK']]
    """
    if not texts:
        return []
    distinct = list(dict.fromkeys(texts))
    found = dict(zip(distinct, read(distinct)))
    return [list(found[t]) if isinstance(found[t], list) else found[t] for t in texts]


# --- the per-review stages --------------------------------------------------------------------

class Worker:
    """The per-review stages, each a function from a batch of rows to a batch of rows.

    Example::

        worker = Worker(models, run_id=7)
        reviews = worker.language(rows)
        sents = worker.sentiment(worker.sentences(reviews))
    """

    def __init__(self, models: Models, run_id: int, embed_model: str | None = None):
        self.models = models
        self.run_id = run_id
        self.models_key = models.key()
        self.embed_model = embed_model or getattr(models.encoder, "name", "encoder")
        # When the aspect head reads the sentiment classifier's pass, the sentiment stage keeps
        # what it read for the aspect stage right after it (analysis.shared_pass).
        shared = getattr(models.aspects, "encoder", None)
        self.shared_pass = shared if shared is not None and shared is models.sentiment else None
        if self.shared_pass is not None:
            self.shared_pass.keep = True

    def language(self, reviews: list[dict]) -> list[dict]:
        """Adds ``language`` (stored, else found by :func:`reading_language`) and
        ``skipped_reason`` (empty, non_english, unknown_language)."""
        out = []
        for row in reviews:
            body = row.get("body") or ""
            language = row.get("language")
            reason = None
            if not body.strip():
                reason = "empty"
            else:
                language, reason = reading_language(body, language)
            out.append({**row, "language": language, "skipped_reason": reason})
        return out

    def sentences(self, reviews: list[dict]) -> list[dict]:
        """One row per sentence of every review that is not skipped."""
        todo = [r for r in reviews if not r["skipped_reason"]]
        rows = []
        for review, found in zip(todo, sentence_splitter.split_reviews([r["body"] for r in todo])):
            for s in found:
                rows.append({"sentence_id": f"{review['review_id']}:{s.idx}", "review_id": review["review_id"],
                             "product_id": review["product_id"], "idx": s.idx, "start_char": s.start,
                             "end_char": s.end, "text": s.text, "_sentence": s})
        return rows

    def sentiment(self, sents: list[dict]) -> list[dict]:
        """Adds ``sentiment`` and ``score`` (the probability of that label)."""
        predicted = self.models.sentiment.predict([s["text"] for s in sents]) if sents else []
        return [{**s, "sentiment": label, "score": float(p)} for s, (label, p) in zip(sents, predicted)]

    def aspects(self, sents: list[dict]) -> list[dict]:
        """Aspect mentions with body offsets; ``aspect`` is the term until the store-wide grouping."""
        try:
            found = once_per_text(self.models.aspects.extract, [s["text"] for s in sents])
        finally:
            if self.shared_pass is not None:
                self.shared_pass.forget()
        rows = []
        for s, terms in zip(sents, found):
            for term in terms:
                start, end = s["_sentence"].to_body(term.start, term.end)
                rows.append({"sentence_id": s["sentence_id"], "review_id": s["review_id"],
                             "product_id": s["product_id"], "term": term.term, "start_char": start,
                             "end_char": end, "aspect": term.term.lower().strip(),
                             "polarity": term.polarity or "neutral", "run_id": self.run_id})
        return rows

    def needs(self, sents: list[dict]) -> tuple[list[dict], list[dict]]:
        """Need rows (``need`` is the phrase until the store-wide grouping) and the sentences with
        ``is_need`` set."""
        found = once_per_text(self.models.find_needs, [s["text"] for s in sents])
        rows, marked = [], []
        for s, needs in zip(sents, found):
            for need in needs:
                start, end = s["_sentence"].to_body(need.start, need.end)
                rows.append({"sentence_id": s["sentence_id"], "review_id": s["review_id"],
                             "product_id": s["product_id"], "phrase": need.phrase,
                             "need": need.phrase.lower().strip(), "aspect": None,
                             "start_char": start, "end_char": end, "run_id": self.run_id})
            marked.append({**s, "is_need": bool(needs), "_need_phrases": [n.phrase for n in needs]})
        return rows, marked

    def start_embeddings(self, sents: list[dict]):
        """Start encoding the sentences themes cluster (complaints and needs) on the idle core,
        or on the GPU, while the aspect stage's Python runs on one core
        (:class:`analysis.embeddings.EncodeAlongside`); :meth:`embeddings` takes the result.
        None when the encoder has no such interface."""
        from analysis.embeddings import EncodeAlongside, SentenceEncoder

        encoder = self.models.encoder
        if not isinstance(encoder, SentenceEncoder):
            return None
        return EncodeAlongside(encoder, _distinct_texts(_to_embed(sents)))

    def embeddings(self, sents: list[dict], started=None) -> list[dict]:
        """Vectors for the sentences themes cluster: complaints and needs, and for each need
        sentence also its need phrases (model ``<encoder>+need-phrase``: need themes group what
        is asked for, not how it is phrased). ``started``: what :meth:`start_embeddings` began
        for the same sentences."""
        import numpy as np

        wanted = _to_embed(sents)
        texts = _distinct_texts(wanted)   # a repeated sentence is encoded once
        if started is not None:
            vectors = started.result()
        else:
            vectors = self.models.encoder.encode(texts) if texts else []
        # float32 rows as the encoder gave them: the writer hands them to DuckDB in one Arrow
        # column (a Python float per number cost about 1 s per 10,000 sentences)
        by_text = {text: np.asarray(v, dtype=np.float32) for text, v in zip(texts, vectors)}
        return [{"sentence_id": sentence_id, "model": self.embed_model + suffix, "vector": by_text[text]}
                for sentence_id, suffix, text in wanted]

    def forget_kept(self) -> None:
        """Drop what the sentiment stage kept for the aspect stage (after a stage raised)."""
        if self.shared_pass is not None:
            self.shared_pass.forget()

    def failed(self, review: dict) -> dict[str, list[dict]]:
        """The rows of a review a stage failed on: only its ``review_analysis`` row, skipped
        for an ``error`` (:data:`FAILED`), so the next run reads it again."""
        summary = self.summarize([{**review, "language": review.get("language"), "skipped_reason": FAILED}], [])
        return {"review_analysis": summary, "sentences": [], "aspect_mentions": [], "needs": [],
                "sentence_embeddings": []}

    def summarize(self, reviews: list[dict], sents: list[dict]) -> list[dict]:
        """One ``review_analysis`` row per review: review-level sentiment and rating mismatch."""
        by_review: dict[str, list[dict]] = defaultdict(list)
        for s in sents:
            by_review[s["review_id"]].append(s)
        rows = []
        for review in reviews:
            mine = by_review.get(review["review_id"], [])
            reason = review["skipped_reason"] or (None if mine else "no_sentences")
            sentiment, net, mismatch = None, None, None
            if mine:
                sentiment, net = review_sentiment([s["sentiment"] for s in mine])
                mismatch = rating_mismatch(review.get("rating"), mine, net)
            rows.append({"review_id": review["review_id"], "product_id": review["product_id"],
                         "content_hash": review["content_hash"], "models_key": self.models_key,
                         "run_id": self.run_id, "language": review["language"], "skipped_reason": reason,
                         "n_sentences": len(mine), "sentiment": sentiment, "net_sentiment": net,
                         "rating_mismatch": mismatch})
        return rows


def reading_language(body: str, stored: str | None = None) -> tuple[str | None, str | None]:
    """``(language, skipped_reason)`` of a review body for the English models.

    A stored language decides (``en-US`` is English). Without one, the body is English by the
    importer's rule (no letter outside ASCII and one of a few common English words), else by the
    function-word vote or the detector. When those cannot tell (short texts: "Très déçu.",
    "Akku schwach"), a text with letters outside ASCII is skipped as ``non_english``; one in
    ASCII is English only when every word of it is an English word, or one with its letters
    slipped (:func:`_all_english`: "Terrible, disappointed.", "Waste of money.", "Excellent
    prodcut."), else it is skipped as ``unknown_language``,
    never read as English. A text without letters ("👍👍", "10/10") has no language to tell and
    goes on (emoji only: no sentences, ``no_sentences``).

    Example::

        >>> reading_language("Works fine."), reading_language("Très déçu."), reading_language("Akku schwach")
        (('en', None), (None, 'non_english'), (None, 'unknown_language'))
    """
    from crawler.importer import NON_ASCII, language_of  # the importer's rule, so both agree
    from crawler.normalize import clean_text

    if not stored:
        text = clean_text(body)
        if not any(ch.isalpha() for ch in text):
            return None, None
        stored = language_of(text)
        if not stored:
            if any(ch.isalpha() for ch in NON_ASCII.findall(text)):
                return None, "non_english"
            if not _all_english(text):
                return None, "unknown_language"
            stored = "en"
    if stored.lower().replace("_", "-").split("-")[0] != "en":
        return stored, "non_english"
    return stored, None


def _all_english(text: str) -> bool:
    """True when every word of an ASCII text (of two letters or more) is an English word:
    WordNet's, as the spelling rules know them (:func:`analysis.spelling.english_words`), or
    one of the English function words of :func:`crawler.normalize.function_word_languages`.
    "Excellent product." and "Not good at all." are; "Akku schwach", "Sehr gut" are not.

    >>> _all_english("Terrible, disappointed."), _all_english("Pesima calidad")
    (True, False)
    """
    words = [w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 1]
    vocabulary, scrambled = _english_vocabulary(), _scrambled_english()
    return bool(words) and all(w in vocabulary or (len(w) >= 4 and spelling.scramble_key(w) in scrambled)
                               for w in words)


@functools.lru_cache(maxsize=1)
def _english_vocabulary() -> frozenset[str]:
    from crawler.normalize import function_word_languages

    words, _, irregular = spelling.english_words()
    return frozenset(words | irregular | {w for w, languages in function_word_languages().items() if "en" in languages})


@functools.lru_cache(maxsize=1)
def _scrambled_english() -> frozenset[str]:
    """The scramble keys of the English words of four letters or more (:func:`analysis.spelling.scramble_key`)."""
    return frozenset(spelling.scramble_key(w) for w in _english_vocabulary() if len(w) >= 4 and w.isalpha())


def review_sentiment(labels: Sequence[str]) -> tuple[str, float]:
    """Review-level label and net sentiment ``(positive - negative) / sentences``.

    ``mixed`` when both sides have at least a third of the polar sentences.

    Example::

        >>> review_sentiment(["positive", "negative", "neutral"])
        ('mixed', 0.0)
    """
    counts = Counter(labels)
    pos, neg = counts["positive"], counts["negative"]
    net = (pos - neg) / len(labels) if labels else 0.0
    if pos == 0 and neg == 0:
        return "neutral", net
    if pos and neg and min(pos, neg) / (pos + neg) >= 1 / 3:
        return "mixed", net
    return ("positive" if pos > neg else "negative"), net


def rating_mismatch(rating: float | None, sents: list[dict], net: float) -> str | None:
    """``high_rating_negative_text`` (4-5 stars, clearly negative text), the reverse, or None.

    Example::

        >>> rating_mismatch(5, [{"sentiment": "negative", "score": 0.97}], -1.0)
        'high_rating_negative_text'
    """
    if rating is None:
        return None
    def sure(label: str) -> bool:
        scores = [s["score"] for s in sents if s["sentiment"] == label]
        return bool(scores) and sum(scores) / len(scores) >= MISMATCH_SCORE
    if rating >= 4 and net <= -MISMATCH_NET and sure("negative"):
        return "high_rating_negative_text"
    if rating <= 2 and net >= MISMATCH_NET and sure("positive"):
        return "low_rating_positive_text"
    return None


# --- reading and writing ----------------------------------------------------------------------

FAILED = "error"   # review_analysis.skipped_reason of a review a stage raised on
_REVIEW_FIELDS = "review_id, product_id, title, body, rating, language, content_hash, url"
DERIVED_BY_REVIEW = ["aspect_mentions", "needs", "sentences", "review_analysis"]
COLUMNS = {
    "review_analysis": ["review_id", "product_id", "content_hash", "models_key", "run_id", "language",
                        "skipped_reason", "n_sentences", "sentiment", "net_sentiment", "rating_mismatch"],
    "sentences": ["sentence_id", "review_id", "product_id", "idx", "start_char", "end_char", "text",
                  "sentiment", "score", "is_need", "run_id"],
    "aspect_mentions": ["sentence_id", "review_id", "product_id", "term", "start_char", "end_char",
                        "aspect", "polarity", "run_id"],
    "needs": ["sentence_id", "review_id", "product_id", "phrase", "need", "aspect", "start_char",
              "end_char", "run_id"],
    "sentence_embeddings": ["sentence_id", "model", "vector"],
}


def forget_gone_reviews(con) -> None:
    """Delete the derived rows of reviews that left ``reviews`` (a re-crawl moved an edited
    review's earlier version to ``review_versions``): at a run's start, and again before the
    store-wide step, for a review replaced while its batch was being read.

    Example::

        with store.writer(db) as con:
            forget_gone_reviews(con)
    """
    con.execute("DELETE FROM sentence_embeddings WHERE sentence_id IN (SELECT s.sentence_id FROM sentences s "
                "ANTI JOIN reviews r USING (review_id))").fetchall()
    for table in DERIVED_BY_REVIEW:
        con.execute(f"DELETE FROM {table} WHERE review_id NOT IN (SELECT review_id FROM reviews)").fetchall()


def pending_reviews(con, models_key: str, full: bool = False) -> list[str]:
    """Ids of the reviews this run must read, in a fixed order: new ones, changed ones, those
    read with other models, and those a stage failed on last time (skipped for an ``error``)."""
    if full:
        sql = "SELECT review_id FROM reviews ORDER BY review_id"
        return [r[0] for r in con.execute(sql).fetchall()]
    return [r[0] for r in con.execute(f"""
        SELECT r.review_id FROM reviews r LEFT JOIN review_analysis a USING (review_id)
        WHERE a.review_id IS NULL OR a.content_hash <> r.content_hash OR a.models_key <> ?
           OR a.skipped_reason = '{FAILED}'
        ORDER BY r.review_id""", [models_key]).fetchall()]


def read_reviews(db: str, ids: list[str]) -> list[dict]:
    """The review rows for ``ids`` (read-only open, closed again), in the order of ``ids``."""
    with store.reader(db, wait=60.0) as con:
        cur = con.execute(f"SELECT {_REVIEW_FIELDS} FROM reviews WHERE list_contains(?, review_id)", [ids])
        cols = [d[0] for d in cur.description]
        found = {row[0]: dict(zip(cols, row)) for row in cur.fetchall()}
    return [found[i] for i in ids if i in found]


def insert_rows(con, table: str, rows: list[dict]) -> None:
    """Insert dicts into ``table`` through one Arrow table (fast, typed by the table's schema)."""
    if not rows:
        return
    import pyarrow as pa

    columns = COLUMNS[table]
    data = {c: [row.get(c) for row in rows] for c in columns}
    if table == "sentence_embeddings":
        arrow = pa.table({"sentence_id": pa.array(data["sentence_id"], pa.string()),
                          "model": pa.array(data["model"], pa.string()),
                          "vector": vector_column(data["vector"])})
    else:
        arrow = pa.table(data)
    name = f"_incoming_{table}"
    con.register(name, arrow)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}").fetchall()
    finally:
        con.unregister(name)


def vector_column(vectors: list) -> "pa.ListArray":
    """Vectors (arrays or lists of numbers) as one Arrow ``list<float32>`` column, built from
    one flat array instead of a Python float per number.

    >>> vector_column([(1.0, 2.0), [3.0]]).to_pylist()
    [[1.0, 2.0], [3.0]]
    """
    import numpy as np
    import pyarrow as pa

    rows = [np.asarray(v, dtype=np.float32).ravel() for v in vectors]
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.float32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat))


def write_batch(con, ids: list[str], derived: dict[str, list[dict]]) -> None:
    """Replace everything derived from the reviews ``ids`` (one transaction: the caller's)."""
    import pyarrow as pa

    con.register("_batch_ids", pa.table({"review_id": pa.array(ids, pa.string())}))
    try:
        con.execute("DELETE FROM sentence_embeddings WHERE sentence_id IN "
                    "(SELECT sentence_id FROM sentences WHERE review_id IN (SELECT review_id FROM _batch_ids))"
                    ).fetchall()
        for table in DERIVED_BY_REVIEW:
            con.execute(f"DELETE FROM {table} WHERE review_id IN (SELECT review_id FROM _batch_ids)").fetchall()
    finally:
        con.unregister("_batch_ids")
    for table in ["review_analysis", "sentences", "aspect_mentions", "needs", "sentence_embeddings"]:
        insert_rows(con, table, derived.get(table, []))


# --- the run ----------------------------------------------------------------------------------

@dataclass
class RunState:
    run_id: int
    counts: Counter = field(default_factory=lambda: Counter(reviews=0, sentences=0))
    durations: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def timed(self, stage: str, func, *args):
        started = time.perf_counter()
        try:
            return func(*args)
        finally:
            self.durations[stage] += time.perf_counter() - started


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:  # pragma: no cover - numpy comes with pandas
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def _progress(total: int, enabled: bool, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="review", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True, mininterval=0.5)


def run_analysis(db: str | None = None, device: str = "auto", full: bool = False,
                 sentiment_model: str | None = None, progress: bool = True, *,
                 models: Models | None = None, batch_size: int | None = None, seed: int = SEED,
                 workers: int | None = None, pool=None, log: Callable[[str], None] | None = None) -> dict:
    """Analyse the new and changed reviews of ``db`` (all of them with ``full``), then refresh the
    store-wide results; return ``{"run_id", "status", "counts", "durations", "device", "models"}``.

    ``models`` replaces the real models (tests); ``sentiment_model`` names another classifier.
    ``workers``: processes for the per-review stages (:mod:`analysis.batch_pool`; default: 1 on
    the CPU, a few on CUDA); ``pool``: a :class:`analysis.batch_pool.BatchPool` already started
    (its workers' models must be ``models``).

    One run at a time per store: the run holds the store's job lock (:func:`analysis.jobs.lock.store_lock`)
    from before the models load until its end, and raises :class:`analysis.jobs.lock.JobLocked` at
    once when another run or job holds it. A lock left by a killed run is taken over (``log`` is
    told; default: stderr). Inside a job that holds the lock already, the run goes on under it.

    A review a stage raises on is skipped (``log`` gets one line with its id and the error; the
    next run reads it again) and the run ends ``partial``; its counts say ``skipped_error``. Any
    other error ends the run ``failed`` and is raised with the run's id in
    :func:`failed_run_id` (and in a note of its traceback).

    Example::

        run_analysis("shop.duckdb", device="cpu", progress=False)["status"]    # 'ok'
    """
    from analysis.jobs.lock import store_lock

    db = str(db or store.default_path())
    log = log or _to_stderr
    with store_lock(db, "reviewlens analyze", log=log) as lock:
        return _run_locked(db, device, full, sentiment_model, progress, models=models, batch_size=batch_size,
                           seed=seed, workers=workers, pool=pool, lock=lock, log=log)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def failed_run_id(error: BaseException) -> int | None:
    """The id of the analysis run that ``error`` ended, or None (it came before a run began)."""
    return getattr(error, "analysis_run_id", None)


def _run_locked(db: str, device: str, full: bool, sentiment_model: str | None, progress: bool, *,
                models: Models | None, batch_size: int | None, seed: int, workers: int | None, pool,
                lock, log: Callable[[str], None] = _to_stderr) -> dict:
    """:func:`run_analysis` once the store's lock is held; the run id goes into the lock's note."""
    _seed_everything(seed)
    started = time.perf_counter()
    loaded_here = models is None
    if models is None:
        models = load_models(db, device=device, sentiment_model=sentiment_model)
    load_seconds = time.perf_counter() - started
    _seed_everything(seed)
    if batch_size is None:
        batch_size = batch_reviews(models.device)
    config = {"full": full, "batch_size": batch_size, "seed": seed, "device_asked": device,
              "sentiment_model": sentiment_model}
    with store.writer(db) as con:
        # a run that is still 'running' here was killed: its finished batches are kept
        con.execute("UPDATE analysis_runs SET status = 'interrupted' WHERE status = 'running'").fetchall()
        run_id = int(con.execute("SELECT nextval('analysis_run_ids')").fetchall()[0][0])
        con.execute("INSERT INTO analysis_runs (run_id, started_at, status, device, config, models, counts, "
                    "durations) VALUES (?, ?, 'running', ?, ?, ?, '{}', '{}')",
                    [run_id, store.now(), models.device, json.dumps(config), json.dumps(models.describe())]
                    ).fetchall()
        lock.note(run_id=run_id)   # a second run's error names this one
        forget_gone_reviews(con)
        todo = pending_reviews(con, models.key(), full)
        batches = list(store.chunks(todo, batch_size))
        if pool is None:
            if workers is None:   # models given (tests, the benchmark) run here unless a pool is given
                workers = default_workers(models.device, len(batches)) if loaded_here else 1
            if workers > 1 and not loaded_here:
                raise ValueError("workers > 1 with models given: pass a BatchPool whose workers load the same models")
        config["workers"] = pool.workers if pool is not None else workers
        con.execute("UPDATE analysis_runs SET config = ? WHERE run_id = ?", [json.dumps(config), run_id]).fetchall()
    state = RunState(run_id)
    state.durations["load_models"] = load_seconds
    own_pool = None
    if pool is None and workers > 1:
        own_pool = pool = BatchPool(workers, functools.partial(load_models, db, models.device, sentiment_model),
                                    seed=seed)
    status = "failed"
    try:
        with _progress(len(todo), progress, "analyze") as bar:
            worker = Worker(models, run_id)
            if pool is not None:
                process_in_pool(db, pool, worker, batches, state, bar, log=log)
            else:
                for ids in batches:
                    process_batch(db, worker, ids, state, bar, log=log)
            if own_pool is not None:
                own_pool.close()
                own_pool = None
            bar.set_description("analyze: store-wide", refresh=False)
            # A crawl may have replaced a review (an edit) while its batch was read: the rows
            # written for the earlier version go before the themes and findings read them.
            with store.writer(db) as con:
                forget_gone_reviews(con)
            from analysis.store_wide import refresh

            refresh(db, models, run_id, state, seed=seed, progress=bar)
        status = "partial" if state.counts[f"skipped_{FAILED}"] else "ok"
    except Exception as error:
        error.analysis_run_id = run_id
        error.add_note(f"analysis run {run_id} failed; the batches written before it are kept")
        raise
    finally:
        if own_pool is not None:
            own_pool.close(cancel=True)
        state.durations["total"] = time.perf_counter() - started
        with store.writer(db) as con:
            con.execute("UPDATE analysis_runs SET status = ?, finished_at = ?, counts = ?, durations = ? "
                        "WHERE run_id = ?", [status, store.now(), json.dumps(dict(state.counts)),
                                             json.dumps(_rounded(state.durations)), run_id]).fetchall()
    return {"run_id": run_id, "status": status, "device": models.device, "models": models.describe(),
            "counts": dict(state.counts), "durations": _rounded(state.durations)}


def analyse_batch(worker: Worker, reviews: list[dict], stage: Callable) -> dict[str, list[dict]]:
    """The derived rows of one batch of review rows, by table: every per-review stage from
    language to summary, each timed by ``stage(name, func, *args)``. Reads and writes nothing,
    so it runs the same in the job's process and in a worker (:mod:`analysis.batch_pool`)."""
    reviews = stage("language", worker.language, reviews)
    sents = stage("sentences", worker.sentences, reviews)
    sents = stage("sentiment", worker.sentiment, sents)
    need_rows, sents = stage("needs", worker.needs, sents)
    # the aspect stage runs on one core: the theme embeddings begin on the other (or the GPU) meanwhile
    started = worker.start_embeddings(sents)
    try:
        mentions = stage("aspects", worker.aspects, sents)
    except BaseException:
        if started is not None:
            started.cancel()
        raise
    mentions = asked_not_judged(mentions, need_rows)
    vectors = stage("embeddings", worker.embeddings, sents, started)
    summaries = stage("summarize", worker.summarize, reviews, sents)
    for s in sents:
        s["run_id"] = worker.run_id
    return {"review_analysis": summaries, "sentences": sents, "aspect_mentions": mentions,
            "needs": need_rows, "sentence_embeddings": vectors}


def analyse_or_skip(worker: Worker, reviews: list[dict], stage: Callable) -> tuple[dict, list[tuple[dict, Exception]]]:
    """:func:`analyse_batch`, and when a stage raises on the batch, :func:`analyse_each`.

    Only an ``Exception`` is retried: a stop (``JobStopped`` from SIGTERM, ``KeyboardInterrupt``)
    is a ``BaseException`` and ends the run at once."""
    try:
        return analyse_batch(worker, reviews, stage), []
    except Exception as error:
        worker.forget_kept()
        batch_error = error
    return analyse_each(worker, reviews, stage, batch_error)


# A small, ordinary review every working model reads: when a stage fails on every review of a
# batch, it decides whether the stage is broken or the reviews are bad (:func:`stage_works`).
# The keys are those :func:`read_reviews` gives.
CANARY = {"review_id": "reviewlens-canary", "product_id": "reviewlens-canary", "title": None,
          "body": "The kettle boils fast and the lid closes well.", "rating": 5, "language": "en",
          "content_hash": "reviewlens-canary", "url": None}


def stage_works(worker: Worker, stage: Callable) -> bool:
    """Whether every per-review stage goes through on :data:`CANARY` with ``worker``: a stage
    that fails on it is broken (a model that fails on everything). Writes nothing and leaves
    nothing kept in ``worker``. A stop (a ``BaseException``) is not caught."""
    try:
        analyse_batch(worker, [dict(CANARY)], stage)
    except Exception:
        return False
    finally:
        worker.forget_kept()
    return True


def analyse_each(worker: Worker, reviews: list[dict], stage: Callable,
                 batch_error: Exception) -> tuple[dict, list[tuple[dict, Exception]]]:
    """The rows of a batch a stage raised on (``batch_error``), each review analysed alone: the
    rows of those that go through, a skipped row (:meth:`Worker.failed`) for each that fails
    again, and ``(review, error)`` of each that failed.

    When every review fails, :data:`CANARY` decides (:func:`stage_works`): raises
    ``batch_error`` when the stage fails on it too (the stage is broken, and skipping every
    review would only hide it), and skips the reviews when it goes through (they are bad: a
    stage that always fails on two reviews must not fail every later run, which reads only
    them). Raises ``batch_error`` when there is no review.
    """
    parts, failures = [], []
    for review in reviews:
        try:
            parts.append(analyse_batch(worker, [review], stage))
        except Exception as error:
            worker.forget_kept()
            failures.append((review, error))
            parts.append(worker.failed(review))
    if not parts or (len(failures) == len(reviews) and not stage_works(worker, stage)):
        raise batch_error
    return {table: [row for part in parts for row in part[table]] for table in parts[0]}, failures


def _log_failures(log: Callable[[str], None], run_id: int, failures: list[tuple[dict, Exception]]) -> None:
    for review, error in failures:
        text = " ".join(str(error).split())
        log(f"analysis run {run_id}: review {review['review_id']} skipped, a stage failed on it "
            f"({type(error).__name__}: {text}); the next run reads it again")


def write_derived(db: str, run_id: int, ids: list[str], derived: dict[str, list[dict]], state: RunState) -> None:
    """Replace the rows derived from the reviews ``ids`` in one transaction, and record the
    run's counts and durations so far."""
    batch = _batch_counts(derived["review_analysis"], derived["sentences"], derived["aspect_mentions"],
                          derived["needs"], derived["sentence_embeddings"])
    counts = state.counts + batch   # the run's counts once this batch is written
    with store.writer(db) as con:
        write_batch(con, ids, derived)
        con.execute("UPDATE analysis_runs SET counts = ?, durations = ? WHERE run_id = ?",
                    [json.dumps(dict(counts)), json.dumps(_rounded(state.durations)), run_id]).fetchall()
    state.counts.update(batch)   # only a batch that was committed counts


def _stage(state: RunState, bar, name: str, func, *args):
    """``func(*args)``, timed as stage ``name`` and shown on the progress bar."""
    if bar is not None:
        bar.set_description(f"analyze: {name}", refresh=False)
    return state.timed(name, func, *args)


def process_batch(db: str, worker: Worker, ids: list[str], state: RunState, bar=None,
                  log: Callable[[str], None] = _to_stderr) -> dict[str, list[dict]]:
    """Read, compute and write one batch of reviews; return the rows written. Reviews a stage
    fails on are skipped and told to ``log`` (:func:`analyse_each`)."""
    stage = functools.partial(_stage, state, bar)
    reviews = stage("read", read_reviews, db, ids)
    derived, failures = analyse_or_skip(worker, reviews, stage)
    _log_failures(log, worker.run_id, failures)
    stage("write", write_derived, db, worker.run_id, [r["review_id"] for r in reviews], derived, state)
    _advance(bar, len(ids), state)
    return derived


def _advance(bar, done: int, state: RunState) -> None:
    if bar is not None:
        bar.update(done)
        bar.set_postfix(sentences=state.counts["sentences"], refresh=False)


def process_in_pool(db: str, pool, worker: Worker, batches: list[list[str]], state: RunState, bar=None,
                    log: Callable[[str], None] = _to_stderr) -> None:
    """:func:`process_batch` for every batch, the per-review stages in ``pool``'s workers
    (:class:`analysis.batch_pool.BatchPool`): this process reads each batch and writes the
    results, oldest batch first, with at most one batch per worker waiting beyond those running.
    Until the workers have loaded their models, ``worker`` (this process's own) analyses the
    batches here, so starting them costs the run no time. The stage seconds recorded are summed
    over the processes, so they can add up to more than the run. A batch a stage raised on in a
    worker is analysed again here, review by review (:func:`analyse_each`)."""
    from collections import deque

    from analysis.batch_pool import WorkerDied

    todo, waiting = deque(batches), deque()
    began = time.perf_counter()

    def write_oldest() -> None:
        ids, reviews, future = waiting.popleft()
        failures = []
        try:
            derived, seconds = pool.result(future)
        except WorkerDied:
            raise
        except Exception as error:
            seconds = {}
            derived, failures = analyse_each(worker, reviews, functools.partial(_stage, state, bar), error)
        for name, value in seconds.items():
            state.durations[name] += value
        _log_failures(log, worker.run_id, failures)
        _stage(state, bar, "write", write_derived, db, worker.run_id, [r["review_id"] for r in reviews], derived,
               state)
        _advance(bar, len(ids), state)

    while todo or waiting:
        if todo and not pool.ready():
            process_batch(db, worker, todo.popleft(), state, bar, log=log)
            state.counts["batches_before_workers_ready"] += 1
            continue
        while todo and len(waiting) < 2 * pool.workers:
            ids = todo.popleft()
            reviews = state.timed("read", read_reviews, db, ids)
            waiting.append((ids, reviews, _hand_over(pool, reviews, worker.run_id)))
        write_oldest()
    state.durations["batches_wall"] += time.perf_counter() - began


def _hand_over(pool: BatchPool, reviews: list[dict], run_id: int):
    """``pool.analyse(reviews, run_id)``; when a worker died before this batch was handed over,
    a future holding that error, so it is said as any worker's death is (:meth:`BatchPool.result`)."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.analyse(reviews, run_id)
    except BrokenProcessPool as error:
        broken: Future = Future()
        broken.set_exception(error)
        return broken


def _batch_counts(summaries, sents, mentions, need_rows, vectors) -> Counter:
    counts = Counter(reviews=len(summaries), sentences=len(sents), aspect_mentions=len(mentions),
                     needs=len(need_rows), embeddings=len(vectors))
    for row in summaries:
        if row["skipped_reason"]:
            counts[f"skipped_{row['skipped_reason']}"] += 1
        else:
            counts["reviews_analysed"] += 1
        if row["rating_mismatch"]:
            counts["rating_mismatch"] += 1
    return counts


def _rounded(durations: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in durations.items()}
