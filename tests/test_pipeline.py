"""The incremental analysis job with tiny fake models: the incremental rule, bad input,
kill-and-rerun, reproducibility and the run record. Real models: tests/test_pipeline_real.py."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from analysis.pipeline import review_sentiment, run_analysis
from data import store
from pipeline_fakes import fake_models, make_store, review_rows

HERE = Path(__file__).resolve().parent

REVIEWS = [
    ("p1", 5, "2024-01-10", "Great kettle, love it. The lid sticks though."),
    ("p1", 2, "2024-02-11", "The handle gets hot. I wish it had a longer cable."),
    ("p1", 4, "2024-03-12", "Sound is great! The price is good."),
    ("p1", 5, "2024-04-13", "The lid broke after a week. The handle is flimsy."),
    ("p2", 1, "2024-05-14", "Battery life is poor. It needs a longer cable."),
    ("p2", 5, "2024-06-15", "The battery is excellent and the screen is lovely."),
    ("p2", 3, "2024-07-16", "The screen is nice but the battery dies fast at night, which is bad."),
    ("p2", 4, "2024-08-17", "The strap is sturdy. I wish it had a longer cable!"),
]


def reviews(extra=()):
    return review_rows(list(REVIEWS) + list(extra))


def snapshot(db: str) -> dict[str, list]:
    """Every derived table without run ids, sorted: equal snapshots mean equal results."""
    tables = {
        "review_analysis": "review_id, content_hash, language, skipped_reason, n_sentences, sentiment, "
                           "net_sentiment, rating_mismatch",
        "sentences": "sentence_id, start_char, end_char, text, sentiment, score, is_need",
        "aspect_mentions": "sentence_id, term, start_char, end_char, aspect, polarity",
        "needs": "sentence_id, phrase, need, aspect, start_char, end_char",
        "sentence_embeddings": "sentence_id, model, vector",
        "themes": "theme_id, label, keywords, aspect, size",
        "theme_sentences": "theme_id, sentence_id, is_representative",
        "product_insights": "product_id, kind, name, rank, mentions, share, confidence, trend, quotes",
        "aspect_monthly": "product_id, aspect, month, positive, negative, neutral",
        "emerging_complaints": "product_id, aspect, recent_mentions, recent_negative, p_value",
    }
    with store.reader(db) as con:
        return {t: con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall() for t, cols in tables.items()}


def test_incremental_rule_second_run_reads_nothing_changed_review_is_reread_full_recomputes(db_path):
    make_store(db_path, reviews())
    first = run_analysis(db_path, models=fake_models(), progress=False, batch_size=3)
    assert first["status"] == "ok"
    assert first["counts"]["reviews"] == 8 and first["counts"]["reviews_analysed"] == 8
    before = snapshot(db_path)
    assert len(before["review_analysis"]) == 8

    second = run_analysis(db_path, models=fake_models(), progress=False)
    assert second["counts"]["reviews"] == 0 and second["counts"]["sentences"] == 0
    assert snapshot(db_path) == before     # store-wide steps recomputed to the same answer

    # a review whose text changed is read again, and only that one
    changed = store.query(db_path, "SELECT review_id FROM reviews ORDER BY review_id LIMIT 1").scalar()
    with store.writer(db_path) as con:
        con.execute("UPDATE reviews SET body = 'The lid is terrible.', content_hash = ? WHERE review_id = ?",
                    [store.content_hash(None, "The lid is terrible."), changed]).fetchall()
    third = run_analysis(db_path, models=fake_models(), progress=False)
    assert third["counts"]["reviews"] == 1
    texts = store.query(db_path, "SELECT text, sentiment FROM sentences WHERE review_id = ?", [changed]).rows
    assert texts == [("The lid is terrible.", "negative")]
    # its old sentences, mentions and vectors are gone (no leftovers of the old text)
    assert store.query(db_path, "SELECT count(*) FROM sentence_embeddings WHERE sentence_id LIKE ? "
                                "AND sentence_id <> ?", [changed + ":%", changed + ":0"]).scalar() == 0

    full = run_analysis(db_path, models=fake_models(), full=True, progress=False)
    assert full["counts"]["reviews"] == 8
    runs = store.query(db_path, "SELECT run_id, status, counts FROM analysis_runs ORDER BY run_id").rows
    assert [r[1] for r in runs] == ["ok"] * 4
    assert [json.loads(r[2])["reviews"] for r in runs] == [8, 0, 1, 8]


def test_new_model_version_rereads_every_review(db_path):
    make_store(db_path, reviews())
    run_analysis(db_path, models=fake_models(), progress=False)
    models = fake_models()
    models.sentiment.version = "2"
    assert run_analysis(db_path, models=models, progress=False)["counts"]["reviews"] == 8


def test_bad_input_is_counted_and_skipped_and_the_good_rows_kept(db_path):
    long_body = " ".join(["The battery is poor"] * 5000)       # 20,000 words, no full stop
    bad = [("p3", 5, "2024-01-01", ""), ("p3", 5, "2024-01-02", "😀👍🔥🔥"),
           ("p3", 4, "2024-01-03", "Der Akku hält leider nicht lange, und das Display ist viel zu dunkel."),
           ("p3", 2, "2024-01-04", long_body),
           ("p3", 3, "2024-01-05", "The <b>lid</b> broke &amp; leaks.<br/>The price is good.")]
    make_store(db_path, reviews(bad))
    result = run_analysis(db_path, models=fake_models(), progress=False)
    counts = result["counts"]
    assert counts["reviews"] == 13
    assert counts["skipped_empty"] == 1
    assert counts["skipped_no_sentences"] == 1
    assert counts["skipped_non_english"] == 1
    assert counts["reviews_analysed"] == 10
    reasons = dict(store.query(db_path, "SELECT r.body, a.skipped_reason FROM reviews r JOIN review_analysis a "
                                        "USING (review_id) WHERE r.product_id = 'p3'").rows)
    assert reasons[""] == "empty" and reasons["😀👍🔥🔥"] == "no_sentences"
    german = [b for b in reasons if b.startswith("Der Akku")][0]
    assert reasons[german] == "non_english"
    # the German review never reached the English models
    assert store.query(db_path, "SELECT count(*) FROM sentences WHERE text LIKE 'Der Akku%'").scalar() == 0
    # the long review is split into many sentences that together hold all its words
    long_text = store.query(db_path, "SELECT string_agg(s.text, ' ' ORDER BY s.idx) FROM sentences s "
                                     "JOIN reviews r USING (review_id) WHERE r.body = ?", [long_body]).scalar()
    assert long_text.split() == long_body.split()
    # HTML: offsets point at the raw body, mentions too
    rows = store.query(db_path, """
        SELECT r.body, m.term, m.start_char, m.end_char FROM aspect_mentions m JOIN reviews r USING (review_id)
        WHERE r.body LIKE 'The <b>lid%'""").rows
    assert rows and all(body[a:b] == term for body, term, a, b in rows)


def test_a_run_killed_half_way_and_rerun_ends_with_no_duplicate_or_missing_rows(db_path, tmp_path):
    many = [("p4", 1 + i % 5, f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}",
             f"Review {i}: the lid broke. The price is good. I wish it had a longer cable.") for i in range(12)]
    make_store(db_path, reviews(many))
    clean = str(tmp_path / "clean.duckdb")
    shutil.copy(db_path, clean)
    run_analysis(clean, models=fake_models(), progress=False, batch_size=2)

    marker = tmp_path / "batches.txt"
    env = {**os.environ, "FAKE_SLEEP": "0.4", "PYTHONPATH": str(HERE)}
    child = subprocess.Popen([sys.executable, str(HERE / "pipeline_fakes.py"), db_path, str(marker)], env=env)
    try:
        deadline = time.monotonic() + 60
        # kill it once a few batches are written and the next one is under way
        while time.monotonic() < deadline and child.poll() is None:
            if marker.exists() and len(marker.read_text().splitlines()) >= 4:
                break
            time.sleep(0.05)
        assert child.poll() is None, "the job finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    done = store.query(db_path, "SELECT count(*) FROM review_analysis").scalar()
    assert 0 < done < 20                        # killed half-way, its finished batches kept
    assert store.query(db_path, "SELECT status FROM analysis_runs").scalar() == "running"

    rerun = run_analysis(db_path, models=fake_models(), progress=False, batch_size=2)
    assert rerun["counts"]["reviews"] == 20 - done
    assert store.query(db_path, "SELECT status FROM analysis_runs ORDER BY run_id").rows == [
        ("interrupted",), ("ok",)]
    assert snapshot(db_path) == snapshot(clean)
    dupes = store.query(db_path, "SELECT count(*) - count(DISTINCT (sentence_id, start_char, term)) "
                                 "FROM aspect_mentions").scalar()
    assert dupes == 0


def test_same_input_and_seed_give_the_same_output(db_path, tmp_path):
    other = str(tmp_path / "other.duckdb")
    make_store(db_path, reviews())
    make_store(other, reviews())
    run_analysis(db_path, models=fake_models(), progress=False, batch_size=3, seed=7)
    run_analysis(other, models=fake_models(), progress=False, batch_size=5, seed=7)
    assert snapshot(db_path) == snapshot(other)


def test_the_run_is_recorded_with_config_models_device_counts_and_durations(db_path):
    make_store(db_path, reviews())
    result = run_analysis(db_path, models=fake_models(), progress=False, batch_size=4)
    run = store.query(db_path, "SELECT * FROM analysis_runs WHERE run_id = ?", [result["run_id"]]).first()
    assert run["status"] == "ok" and run["device"] == "cpu" and run["finished_at"] >= run["started_at"]
    assert json.loads(run["config"])["batch_size"] == 4
    assert json.loads(run["models"])["sentiment"] == "fake-sentiment@1"
    counts = json.loads(run["counts"])
    assert counts["sentences"] == store.query(db_path, "SELECT count(*) FROM sentences").scalar()
    durations = json.loads(run["durations"])
    for stage in ("sentences", "sentiment", "aspects", "needs", "embeddings", "write", "themes", "insights"):
        assert durations[stage] >= 0
    # every derived row carries this run's id
    assert store.query(db_path, "SELECT DISTINCT run_id FROM sentences").rows == [(result["run_id"],)]


def test_review_level_sentiment_and_rating_mismatch(db_path):
    make_store(db_path, reviews())
    run_analysis(db_path, models=fake_models(), progress=False)
    rows = dict(store.query(db_path, "SELECT r.body, a.rating_mismatch FROM reviews r JOIN review_analysis a "
                                     "USING (review_id)").rows)
    # five stars, every sentence negative
    assert rows["The lid broke after a week. The handle is flimsy."] == "high_rating_negative_text"
    assert rows["Great kettle, love it. The lid sticks though."] is None
    assert review_sentiment(["positive", "positive", "negative"]) == ("mixed", 1 / 3)
    assert review_sentiment(["neutral"]) == ("neutral", 0.0)


def test_unknown_device_is_a_clear_error():
    from analysis.models import ModelError, pick_device

    with pytest.raises(ModelError, match="unknown device"):
        pick_device("tpu")


def test_analyze_command_runs_the_job(db_path, monkeypatch):
    from click.testing import CliRunner

    from analysis import pipeline
    from dashboard.cli import cli

    make_store(db_path, reviews())
    monkeypatch.setattr(pipeline, "load_models", lambda db, device="auto", sentiment_model=None: fake_models())
    result = CliRunner().invoke(cli, ["analyze", "--db", db_path, "--device", "cpu", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "8 reviews read" in result.output
    result = CliRunner().invoke(cli, ["analyze", "--db", db_path, "--quiet"])
    assert "0 reviews read" in result.output


# --- the real models on small real inputs -----------------------------------------------------

@pytest.fixture(scope="module")
def real_models(sentiment_model_path):
    """The real stages: spaCy senter, a BERT sentiment classifier fine-tuned from the packaged
    MiniLM (the trained default when there is one, else a quick fine-tune made here), the spaCy
    aspect extractor, the need rules and groupings, and the packaged sentence encoder."""
    from analysis import aspects, needs
    from analysis.embeddings import load_encoder
    from analysis.pipeline import Models
    from analysis.sentiment import load_sentiment

    sentiment = load_sentiment(str(sentiment_model_path), device="cpu")
    # the parser extractor judges each aspect by its clause with its opinion-word list
    return Models(sentiment=sentiment, aspects=aspects.load_aspect_extractor(parser_only=True),
                  find_needs=needs.find_needs, group_aspects=aspects.group_aspects, group_needs=needs.group_needs,
                  encoder=load_encoder("cpu"), needs_version=needs.VERSION, device="cpu")


def load_demo_shop(db: str, out_dir: Path, **kwargs) -> tuple[list[dict], list[dict]]:
    """Generate a small demo shop and put its manifest reviews into the store (no crawl)."""
    from crawler.demo_shop.shop import generate, store_manifest

    return store_manifest(db, generate(out_dir, **kwargs))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@pytest.mark.slow
def test_end_to_end_on_the_demo_shop_ground_truth(db_path, tmp_path, real_models):
    products, manifest = load_demo_shop(db_path, tmp_path / "shop", seed=0, reviews_per_product=(45, 55), products=3)
    result = run_analysis(db_path, models=real_models, progress=False)
    assert result["status"] == "ok" and result["counts"]["reviews"] == len(manifest)
    ids = {store.review_id(r["product_id"], r["author"], r["published_at"], r["body"]): r for r in manifest}

    # aspects: the manifest's aspect spans are found, and map each of our canonical aspects to
    # the manifest aspect most of its mentions land on
    mentions = store.query(db_path, "SELECT review_id, start_char, end_char, aspect FROM aspect_mentions").rows
    found_spans, votes = 0, {}
    truth_spans = [(rid, (a["start"], a["end"]), a["aspect"]) for rid, r in ids.items() for a in r["aspects"]]
    for rid, span, name in truth_spans:
        hits = [m for m in mentions if m[0] == rid and overlaps((m[1], m[2]), span)]
        found_spans += bool(hits)
        for m in hits:
            votes.setdefault(m[3], Counter())[name] += 1
    recall = found_spans / len(truth_spans)
    print(f"aspect span recall {recall:.2f} of {len(truth_spans)}")
    assert recall >= 0.6
    ours_to_truth = {ours: c.most_common(1)[0][0] for ours, c in votes.items()}

    # needs: the manifest's need spans are found
    need_rows = store.query(db_path, "SELECT review_id, start_char, end_char FROM needs").rows
    truth_needs = [(rid, (s["start"], s["end"])) for rid, r in ids.items() for s in r["need_spans"]]
    need_recall = sum(any(n[0] == rid and overlaps((n[1], n[2]), span) for n in need_rows)
                      for rid, span in truth_needs) / len(truth_needs)
    print(f"need span recall {need_recall:.2f} of {len(truth_needs)}")
    assert need_recall >= 0.6

    # strengths and weaknesses come out on the intended side
    insight_rows = store.query(db_path, "SELECT product_id, kind, name, mentions FROM product_insights "
                                        "WHERE kind IN ('strength', 'weakness')").rows
    right, total = 0, 0
    for product in products:
        side = Counter()
        for pid, kind, name, n in insight_rows:
            if pid == product["product_id"] and name in ours_to_truth:
                side[(ours_to_truth[name], kind)] += n
        for intended, aspects in (("strength", product["strengths"]), ("weakness", product["weaknesses"])):
            for aspect in aspects:
                total += 1
                other = "weakness" if intended == "strength" else "strength"
                right += side[(aspect, intended)] > side[(aspect, other)]
    print(f"strengths/weaknesses on the intended side: {right}/{total}")
    assert right / total >= 0.75

    # every finding has 1-3 quotes from different reviews of its product, most have 2-3
    findings = store.query(db_path, "SELECT product_id, quotes FROM product_insights").rows
    for pid, quotes in findings:
        quotes = json.loads(quotes)
        assert 1 <= len(quotes) <= 3 and len({q["review_id"] for q in quotes}) == len(quotes)
        for q in quotes:
            assert ids[q["review_id"]]["product_id"] == pid
            assert ids[q["review_id"]]["body"][q["start"]:q["end"]].split() == q["text"].split()
    print(f"findings with 2-3 quotes: {sum(len(json.loads(q)) >= 2 for _, q in findings)}/{len(findings)}")
    assert store.query(db_path, "SELECT count(*) FROM themes WHERE scope = 'all'").scalar() > 0


@pytest.mark.slow
def test_real_models_on_bad_input(db_path, real_models):
    # long enough to reach spaCy in chunks (the 20,000-word case runs with the fast fakes above)
    long_body = " ".join(["The battery lasts long but the screen is dim."] * 300)
    make_store(db_path, [
        {"product_id": "x", "author": "a", "rating": 5, "published_at": "2024-01-01", "body": long_body},
        {"product_id": "x", "author": "b", "rating": 5, "published_at": "2024-01-02", "body": "🔥🔥🔥"},
        {"product_id": "x", "author": "c", "rating": 1, "published_at": "2024-01-03",
         "body": "Ce grille-pain est vraiment excellent, je le recommande à tous mes amis."},
        {"product_id": "x", "author": "d", "rating": 5, "published_at": "2024-01-04",
         # clearly negative for any real model, the quick test fine-tune included (the rule wants
         # a sure reading: mean probability 0.8)
         "body": "Terrible, it broke on day one. Total waste of money."},
        {"product_id": "x", "author": "e", "rating": 4, "published_at": "2024-01-05",
         "body": "The <b>screen</b> is bright &amp; sharp.<br>Battery lasts two days."},
    ])
    result = run_analysis(db_path, models=real_models, progress=False)
    counts = result["counts"]
    assert counts["skipped_non_english"] == 1 and counts["skipped_no_sentences"] == 1
    assert counts["sentences"] >= 300 + 3
    mismatch = store.query(db_path, "SELECT r.author, a.rating_mismatch FROM review_analysis a JOIN reviews r "
                                    "USING (review_id) WHERE a.rating_mismatch IS NOT NULL").rows
    assert ("d", "high_rating_negative_text") in mismatch
    rows = store.query(db_path, "SELECT r.body, m.term, m.start_char, m.end_char FROM aspect_mentions m "
                                "JOIN reviews r USING (review_id) WHERE r.author = 'e'").rows
    assert rows and all(body[a:b] == term for body, term, a, b in rows)


@pytest.mark.slow
def test_load_models_gives_the_real_stages_and_the_run_records_their_versions(db_path, real_models):
    from analysis.pipeline import load_models

    models = load_models(db_path, device="cpu", sentiment_model=real_models.sentiment.name, parser_aspects=True)
    assert models.device == "cpu" and models.encoder.name == "all-MiniLM-L6-v2"
    make_store(db_path, reviews()[:2])
    result = run_analysis(db_path, models=models, progress=False)
    assert result["counts"]["reviews"] == 2 and result["counts"]["sentences"] >= 3
    recorded = json.loads(store.query(db_path, "SELECT models FROM analysis_runs").scalar())
    version = models.sentiment.version  # recorded once as name@version, the name not repeated
    assert recorded["sentiment"] in (version if version.startswith(models.sentiment.name) else None,
                                     f"{models.sentiment.name}@{version}")
    assert recorded["sentiment"].count(models.sentiment.name) == 1
    assert store.query(db_path, "SELECT DISTINCT models_key FROM review_analysis").scalar() == models.key()


def test_need_themes_read_the_vectors_of_the_need_phrases(db_path):
    """A need sentence gets a second vector, of its need phrases, under '<encoder>+need-phrase';
    need themes cluster those (what is asked for), complaint themes the sentences."""
    import numpy as np

    from analysis.store_wide import theme_inputs
    from pipeline_fakes import FakeEncoder

    make_store(db_path, reviews())
    run_analysis(db_path, models=fake_models(), progress=False)
    rows = store.query(db_path, """
        SELECT s.sentence_id, s.text, n.phrase, e.model FROM sentences s JOIN needs n USING (sentence_id)
        JOIN sentence_embeddings e USING (sentence_id) ORDER BY ALL""").rows
    assert {r[3] for r in rows} == {"fake-encoder", "fake-encoder+need-phrase"}
    need_ids = {r[0] for r in rows}
    stored = store.query(db_path, "SELECT sentence_id FROM sentence_embeddings WHERE model = ?",
                         ["fake-encoder+need-phrase"]).rows
    assert {r[0] for r in stored} == need_ids
    with store.reader(db_path) as con:
        sentences, vectors = theme_inputs(con, "need", "fake-encoder")
        complaints, complaint_vectors = theme_inputs(con, "complaint", "fake-encoder")
    phrases = {r[0]: r[2] for r in rows}
    assert [s["sentence_id"] for s in sentences] == sorted(need_ids)
    expected = FakeEncoder().encode([phrases[s["sentence_id"]] for s in sentences])
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    by_text = FakeEncoder().encode([s["text"] for s in complaints])
    np.testing.assert_allclose(complaint_vectors, by_text, atol=1e-6)
    # a store analysed before phrase vectors existed: need themes fall back on the sentences
    with store.writer(db_path) as con:
        con.execute("DELETE FROM sentence_embeddings WHERE model = 'fake-encoder+need-phrase'").fetchall()
    with store.reader(db_path) as con:
        sentences, vectors = theme_inputs(con, "need", "fake-encoder")
    np.testing.assert_allclose(vectors, FakeEncoder().encode([s["text"] for s in sentences]), atol=1e-6)


def test_complaint_themes_leave_out_needs_and_complaints_that_name_no_topic(db_path):
    """Complaint themes cluster what people complain about: a negative need sentence is in the
    need themes only, and a bare verdict ("Terrible, disappointed.") in no theme, while it still
    counts as a negative sentence."""
    from analysis.store_wide import theme_inputs

    bodies = ["The lid leaks.", "Terrible, disappointed.", "Bad buy. I wish it had a lid that is not awful.",
              "The battery dies fast and the handle gets hot."]
    make_store(db_path, [{"product_id": "p1", "author": f"a{i}", "rating": 1, "published_at": "2024-05-01",
                          "body": body} for i, body in enumerate(bodies)])
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    negative = {r[0] for r in store.query(db_path, "SELECT text FROM sentences WHERE sentiment = 'negative'").rows}
    assert {"Terrible, disappointed.", "Bad buy.", "I wish it had a lid that is not awful."} <= negative
    with store.reader(db_path) as con:
        complaints, _ = theme_inputs(con, "complaint", "fake-encoder")
        needs, _ = theme_inputs(con, "need", "fake-encoder")
    assert [s["text"] for s in complaints] == ["The lid leaks.", "The battery dies fast and the handle gets hot."]
    assert [s["text"] for s in needs] == ["I wish it had a lid that is not awful."]


def test_needs_are_grouped_within_each_product_category(db_path):
    """Headphone buyers asking for "a longer cable" are not filed under the air fryer's "longer
    power cord", though the real grouping puts the two phrases together when it sees both."""
    from dataclasses import replace

    from analysis.needs import group_needs

    assert len(set(group_needs(["a longer cable"] * 3 + ["a longer power cord"] * 5).values())) == 1
    rows = [{"product_id": "buds", "body": "I wish it had a longer cable."}] * 3 + \
        [{"product_id": "fryer", "body": "I wish it had a longer power cord."}] * 5
    make_store(db_path, [dict(r, author=f"a{i}", rating=3, published_at="2024-05-01") for i, r in enumerate(rows)],
               products=[{"product_id": "buds", "source": "test", "title": "Buds", "category": "Audio"},
                         {"product_id": "fryer", "source": "test", "title": "Fryer", "category": "Kitchen"}])
    models = replace(fake_models(), group_needs=group_needs)
    assert run_analysis(db_path, models=models, progress=False)["status"] == "ok"
    named = store.query(db_path, "SELECT DISTINCT product_id, need FROM needs ORDER BY ALL").rows
    assert named == [("buds", "longer cable"), ("fryer", "longer power cord")]


def test_a_term_inside_a_need_phrase_is_asked_for_not_judged(db_path):
    """'I wish it had a cable that is not so short': the cable is asked for, so the mention is
    neutral and tips no share of the cable's sentiment (charts and the comparison read it)."""
    make_store(db_path, [{"product_id": "p1", "author": "a", "rating": 2, "published_at": "2024-05-01",
                          "body": "The cable is great. I wish it had a cable that is not so short."}])
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    rows = store.query(db_path, """
        SELECT s.text, m.polarity, EXISTS (SELECT 1 FROM needs n WHERE n.sentence_id = m.sentence_id
                                           AND n.start_char <= m.start_char AND m.end_char <= n.end_char)
        FROM aspect_mentions m JOIN sentences s USING (sentence_id) ORDER BY s.idx""").rows
    assert rows == [("The cable is great.", "positive", False),
                    ("I wish it had a cable that is not so short.", "neutral", True)]
    sentiment = store.query(db_path, "SELECT sentiment FROM sentences ORDER BY idx").rows
    assert sentiment == [("positive",), ("negative",)]     # the sentence itself is still a complaint


def test_a_sentence_repeated_across_reviews_is_read_once_and_every_copy_gets_its_rows(db_path):
    """Reviews share sentences word for word ("The lid broke after a week."): the aspect, need
    and encoder stages read each distinct text once, and every copy still gets its mentions,
    needs and vector, at its own offsets in its own review."""
    from dataclasses import replace

    from pipeline_fakes import FakeAspects, FakeEncoder

    calls = {"aspects": [], "needs": [], "encoder": []}     # the texts of each call

    class CountingAspects(FakeAspects):
        def extract(self, texts):
            calls["aspects"].append(list(texts))
            return super().extract(texts)

    class CountingEncoder(FakeEncoder):
        def encode(self, texts, batch_size=None):
            calls["encoder"].append(list(texts))
            return super().encode(texts, batch_size)

    models = fake_models()
    find_needs = models.find_needs

    def counting_needs(texts):
        calls["needs"].append(list(texts))
        return find_needs(texts)

    models = replace(models, aspects=CountingAspects(), encoder=CountingEncoder(),
                     find_needs=counting_needs)
    shared = "The lid broke after a week. I wish it had a longer cable."
    rows = [{"product_id": "p1", "author": f"a{i}", "rating": 2, "published_at": "2024-05-01",
             "body": ("Bought it in May. " * i) + shared} for i in range(3)]
    make_store(db_path, rows)
    assert run_analysis(db_path, models=models, progress=False)["status"] == "ok"
    for stage, texts_per_call in calls.items():
        assert texts_per_call and all(len(t) == len(set(t)) for t in texts_per_call), stage
    assert sum(t.count("The lid broke after a week.") for t in calls["aspects"]) == 1
    mentions = store.query(db_path, """
        SELECT r.body, m.term, m.start_char, m.end_char FROM aspect_mentions m
        JOIN reviews r USING (review_id) WHERE m.term = 'lid' ORDER BY m.start_char""").rows
    assert [(body[a:b], a) for body, _, a, b in mentions] == [("lid", 4), ("lid", 22), ("lid", 40)]
    assert store.query(db_path, "SELECT count(*) FROM needs").rows == [(3,)]
    vectors = store.query(db_path, """
        SELECT s.text, e.vector FROM sentence_embeddings e JOIN sentences s USING (sentence_id)
        WHERE e.model = 'fake-encoder' ORDER BY ALL""").rows
    assert [t for t, _ in vectors].count("The lid broke after a week.") == 3
    assert len({tuple(v) for t, v in vectors if t == "The lid broke after a week."}) == 1


def test_aspects_and_needs_are_named_after_their_most_mentioned_spelling(db_path, monkeypatch):
    """The grouping sees every mention, not each distinct term once: four reviews write
    "limescale" and one "limescael", so the weakness is named "limescale" (with distinct terms
    the tie went to the first in alphabetical order, the slip). The real grouping; fake rest."""
    from dataclasses import replace

    from analysis.aspects import group_aspects
    from analysis.needs import group_needs
    from pipeline_fakes import ASPECTS

    monkeypatch.setitem(ASPECTS, "limescale", "limescale")     # the fake extractor's terms
    monkeypatch.setitem(ASPECTS, "limescael", "limescael")
    bodies = ["Limescale builds up fast, it is terrible."] * 3 + [
        "Limescael builds up fast, it is terrible.", "The limescale is awful.",
        "I wish it had a descaling reminder.", "I wish it had a descaling remindr.",
        "I wish it had a descaling reminder."]
    make_store(db_path, [{"product_id": "p1", "author": f"a{i}", "rating": 2, "published_at": "2024-05-01",
                          "body": body} for i, body in enumerate(bodies)])
    models = replace(fake_models(), group_aspects=group_aspects, group_needs=group_needs)
    assert run_analysis(db_path, models=models, progress=False)["status"] == "ok"
    named = store.query(db_path, "SELECT DISTINCT term, aspect FROM aspect_mentions ORDER BY ALL").rows
    assert named == [("Limescael", "limescale"), ("Limescale", "limescale"), ("limescale", "limescale")]
    needs = store.query(db_path, "SELECT DISTINCT phrase, need FROM needs ORDER BY ALL").rows
    assert {need for _, need in needs} == {"descaling reminder"}


def test_vectors_go_to_arrow_as_one_flat_float32_column():
    """The encoder's float32 rows (or lists) become one list<float32> column, values unchanged."""
    import numpy as np

    from analysis.pipeline import vector_column

    rows = [np.array([0.1, -2.5, 3.0], dtype=np.float32), [1.0, 2.0], np.zeros(0, dtype=np.float32)]
    column = vector_column(rows)
    assert str(column.type) == "list<item: float>"
    assert column.to_pylist() == [[float(np.float32(0.1)), -2.5, 3.0], [1.0, 2.0], []]
    assert vector_column([]).to_pylist() == []
