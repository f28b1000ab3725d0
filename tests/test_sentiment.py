"""Sentence sentiment: the seed set, model loading, a real quick fine-tune, real predictions, the CLI.

A fresh machine has no trained default model, so the real-model tests fine-tune a quick model
once per session into a temporary folder (about half a minute on two cores) and use that; the
probes of what the shipped default reads (the last ones here) train the default model first
when it is missing (tests/conftest.py: default_sentiment_model).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis import models
from analysis.train_sentiment import classification_metrics, load_seed

CLEAR = [
    ("I love this kettle, it works perfectly.", "positive"),
    ("Absolutely fantastic, highly recommend it.", "positive"),
    ("Terrible quality, it broke after two days.", "negative"),
    ("Awful, a complete waste of money.", "negative"),
]


# --- the seed set ------------------------------------------------------------------------------

def test_seed_set_is_large_varied_and_split_without_overlap():
    train, heldout = load_seed("train"), load_seed("heldout")
    assert len(train) >= 3000 and len(heldout) >= 500
    for rows in (train, heldout):
        assert {r["label"] for r in rows} == {"negative", "neutral", "positive"}
        assert all(r["text"].strip() for r in rows)
    categories = {r["category"] for r in train} - {"general"}
    assert len(categories) >= 8, categories

    def key(text):
        return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())

    assert not {key(r["text"]) for r in train} & {key(r["text"]) for r in heldout}
    # Held-out template families are never in training, so the split is not near-duplicates
    # (hand-written sentences: every fifth is held out).
    families = lambda rows: {r["family"] for r in rows} - {"free", "written"}  # noqa: E731
    assert not families(train) & families(heldout)


def test_seed_set_covers_negation_contrast_and_neutral_facts():
    texts = {r["text"].lower(): r["label"] for r in load_seed("train")}
    assert texts.get("not bad at all.") == "positive"
    assert texts.get("it never worked.") == "negative"
    contrast = [t for t, label in texts.items() if ", but the" in t and label == "negative"]
    assert len(contrast) > 50
    neutral = [t for t, label in texts.items() if label == "neutral"]
    assert len(neutral) > 800


def test_seed_generator_is_deterministic():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "data" / "seed" / "make_sentiment_seed.py"
    spec = importlib.util.spec_from_file_location("make_sentiment_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    train, heldout = module.build(seed=0)
    assert [r["text"] for r in train] == [r["text"] for r in load_seed("train")]
    assert [r["text"] for r in heldout] == [r["text"] for r in load_seed("heldout")]


# --- loading -----------------------------------------------------------------------------------

def test_default_encoder_and_device():
    path = models.default_encoder_path()
    assert (path / "config.json").exists() and (path / "model.safetensors").exists()
    assert models.pick_device("cpu") == "cpu"
    assert models.pick_device("auto") in ("cpu", "cuda")
    with pytest.raises(models.ModelError, match="unknown device"):
        models.pick_device("tpu")


def test_the_tokenizer_gets_every_core_on_a_gpu_and_one_thread_on_the_cpu(monkeypatch):
    """Left unset by the user, TOKENIZERS_PARALLELISM follows the device; set, it is kept."""
    monkeypatch.delenv("TOKENIZERS_PARALLELISM", raising=False)
    monkeypatch.setitem(models._CHOICES, "tokenizer_threads", False)
    assert models.tokenizer_threads_for("cuda") == "true"
    assert models.tokenizer_threads_for("cpu") == "false"
    assert models.tokenizer_threads_for("cuda:1") == "true"
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    monkeypatch.setitem(models._CHOICES, "tokenizer_threads", False)
    assert models.tokenizer_threads_for("cuda") == "false"


def test_cuda_asked_for_without_one_is_a_clear_error():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(models.ModelError, match="no CUDA GPU"):
        models.pick_device("cuda")


def test_missing_hub_model_fails_fast_with_a_clear_message():
    started = time.monotonic()
    with pytest.raises(models.ModelNotFound) as info:
        models.resolve_model("someone/no-such-sentiment-model")
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert "someone/no-such-sentiment-model" in message and "pass its path" in message


def test_missing_path_and_non_model_folder(tmp_path):
    with pytest.raises(models.ModelNotFound, match="not found"):
        models.resolve_model(str(tmp_path / "nothing" / "here"))
    with pytest.raises(models.ModelNotFound, match="no config.json"):
        models.resolve_model(str(tmp_path))


def test_default_model_missing_is_a_clear_error(tmp_path, monkeypatch):
    from analysis.sentiment import load_sentiment

    monkeypatch.setenv("REVIEWLENS_MODELS", str(tmp_path))
    with pytest.raises(models.ModelNotFound, match="reviewlens train-sentiment"):
        load_sentiment()


def test_model_version_is_stable_and_names_the_folder():
    path = models.default_encoder_path()
    assert models.model_version(path) == models.model_version(path)
    assert models.model_version(path).startswith("model@")


def test_label_names_of_other_models_map_to_ours():
    from analysis.sentiment import label_map

    assert label_map({0: "NEGATIVE", 1: "POSITIVE"}) == ["negative", "positive"]
    assert label_map({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}) == ["negative", "neutral", "positive"]
    assert label_map({i: f"{i + 1} stars" for i in range(5)}) == [
        "negative", "negative", "neutral", "positive", "positive"]
    with pytest.raises(models.ModelError, match="cannot map"):
        label_map({0: "anger", 1: "joy"})


def test_classification_metrics():
    metrics = classification_metrics(["positive", "negative", "negative"], ["positive", "positive", "negative"])
    assert metrics["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert metrics["per_label"]["negative"]["recall"] == 0.5
    assert metrics["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2, abs=1e-3)


def test_read_uci_skips_bad_lines(tmp_path):
    from analysis.evaluate import read_uci

    path = tmp_path / "x_labelled.txt"
    path.write_text("Good stuff.\t1\nBad stuff.\t0\nno label here\n\t1\nOdd.\t7\n", encoding="utf-8")
    assert read_uci(path) == [("Good stuff.", "positive"), ("Bad stuff.", "negative")]


def test_semeval_sentences_keep_only_one_polarity_sentences(tmp_path):
    from analysis.evaluate import semeval_sentence_pairs

    path = tmp_path / "Laptop_Train_v2.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<sentences>
  <sentence id="1"><text>The screen and the keys are superb.</text><aspectTerms>
    <aspectTerm term="screen" polarity="positive" from="4" to="10"/>
    <aspectTerm term="keys" polarity="positive" from="19" to="23"/></aspectTerms></sentence>
  <sentence id="2"><text>The screen is bright but the fan is loud.</text><aspectTerms>
    <aspectTerm term="screen" polarity="positive" from="4" to="10"/>
    <aspectTerm term="fan" polarity="negative" from="29" to="32"/></aspectTerms></sentence>
  <sentence id="3"><text>The hinge cracked.</text><aspectTerms>
    <aspectTerm term="hinge" polarity="negative" from="4" to="9"/></aspectTerms></sentence>
  <sentence id="4"><text>It runs an office suite.</text><aspectTerms>
    <aspectTerm term="office suite" polarity="neutral" from="11" to="23"/></aspectTerms></sentence>
  <sentence id="5"><text>Nice soup.</text><aspectTerms>
    <aspectTerm term="soup" polarity="conflict" from="5" to="9"/></aspectTerms></sentence>
  <sentence id="6"><text>We went on a Monday.</text></sentence>
</sentences>
""", encoding="utf-8")
    assert semeval_sentence_pairs(path) == [("The screen and the keys are superb.", "positive"),
                                            ("The hinge cracked.", "negative")]


# --- a real quick fine-tune and real predictions --------------------------------------------------

@pytest.fixture(scope="session")
def quick_model(tmp_path_factory):
    from analysis.train_sentiment import train

    out = tmp_path_factory.mktemp("sentiment") / "quick"
    card = train(out, quick=True)
    return out, card


@pytest.mark.slow
def test_quick_fine_tune_saves_a_loadable_bert_classifier_with_a_card(quick_model):
    out, card = quick_model
    for name in ("config.json", "model.safetensors", "card.json", "README.md", "tokenizer.json"):
        assert (out / name).exists(), name
    saved = json.loads((out / "card.json").read_text())
    assert saved["version"] == card["version"] and saved["version"].startswith("reviewlens-sentiment@")
    assert saved["data"]["seed_train"] > 0 and saved["metrics"]["heldout"]["n"] > 0
    assert len(saved["data"]["seed_categories"]) >= 8
    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == ["BertForSequenceClassification"]
    assert config["id2label"] == {"0": "negative", "1": "neutral", "2": "positive"}
    from transformers import AutoModelForSequenceClassification

    assert AutoModelForSequenceClassification.from_pretrained(str(out)).num_labels == 3


@pytest.mark.slow
def test_quick_model_reads_clear_sentences_right(quick_model):
    from analysis.sentiment import load_sentiment

    model = load_sentiment(str(quick_model[0]))
    assert model.version == quick_model[1]["version"]
    predicted = model.predict([text for text, _ in CLEAR])
    assert [label for label, _ in predicted] == [label for _, label in CLEAR], predicted
    assert all(0.34 < score <= 1.0 for _, score in predicted)


@pytest.mark.slow
def test_predict_keeps_order_and_survives_empty_and_huge_texts(quick_model):
    from analysis.sentiment import load_sentiment

    model = load_sentiment(str(quick_model[0]))
    texts = ["", "   ", "word " * 4000 + "terrible", CLEAR[0][0], CLEAR[2][0]]
    result = model.predict(texts, batch_size=2)
    assert len(result) == len(texts)
    assert result[0] == ("neutral", 1.0) and result[1] == ("neutral", 1.0)
    assert result[3][0] == "positive" and result[4][0] == "negative"
    # Order does not depend on batching: one at a time gives the same answers.
    assert [model.predict([t])[0][0] for t in texts[3:]] == [r[0] for r in result[3:]]


@pytest.mark.slow
def test_sentiment_command_prints_json_lines(quick_model, tmp_path):
    from dashboard.cli import cli

    file = tmp_path / "lines.txt"
    file.write_text(f"{CLEAR[1][0]}\n\n{CLEAR[3][0]}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["sentiment", "--model", str(quick_model[0]), CLEAR[0][0], "--file", str(file)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    # one object per input line, the blank line too (neutral, as for ""), so output lines match input lines
    assert [r["text"] for r in rows] == [CLEAR[0][0], CLEAR[1][0], "", CLEAR[3][0]]
    assert [r["label"] for r in rows] == ["positive", "positive", "neutral", "negative"]
    assert all(set(r) == {"text", "label", "score"} and 0 < r["score"] <= 1 for r in rows)

    stdin = CliRunner().invoke(cli, ["sentiment", "--model", str(quick_model[0]), "--file", "-"],
                               input=CLEAR[2][0] + "\n")
    assert stdin.exit_code == 0 and json.loads(stdin.output)["label"] == "negative"


def test_sentiment_command_with_a_missing_model_says_so_fast():
    from dashboard.cli import cli

    started = time.monotonic()
    result = CliRunner().invoke(cli, ["sentiment", "--model", "nobody/missing-model", "hello"])
    assert result.exit_code == 1
    assert "nobody/missing-model" in result.output and "not found" in result.output
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_evaluate_measures_the_seed_heldout_and_reports_a_missing_folder(quick_model, tmp_path):
    from analysis.evaluate import evaluate, format_report
    from analysis.sentiment import load_sentiment

    model = load_sentiment(str(quick_model[0]))
    data = tmp_path / "eval"
    data.mkdir()
    (data / "yelp_labelled.txt").write_text(f"{CLEAR[0][0]}\t1\n{CLEAR[2][0]}\t0\n", encoding="utf-8")
    result = evaluate(data, model=model, aspects=False, heldout_limit=20)
    assert result["missing"] is None
    assert result["sentiment"]["yelp_labelled"]["n"] == 2
    assert result["sentiment"]["yelp_labelled"]["accuracy"] == 1.0
    assert result["sentiment"]["seed_heldout"]["n"] == 20
    assert "yelp_labelled" in format_report(result)
    # a SemEval file there gives its one-polarity sentences as a binary set too
    (data / "Restaurants_Train_v2.xml").write_text(
        f'<sentences><sentence id="1"><text>{CLEAR[0][0]}</text><aspectTerms>'
        f'<aspectTerm term="x" polarity="positive" from="0" to="1"/></aspectTerms></sentence></sentences>',
        encoding="utf-8")
    result = evaluate(data, model=model, aspects=False, heldout_limit=5)
    assert result["sentiment"]["semeval_restaurants_sentences"]["n"] == 1
    assert "semeval_laptops_sentences" not in result["sentiment"]

    missing = evaluate(tmp_path / "nope", model=model, aspects=False, heldout_limit=5)
    assert "no evaluation folder" in missing["missing"] and "seed_heldout" in missing["sentiment"]


@pytest.mark.slow
def test_distant_labels_the_seed_trained_model_contradicts_are_left_out(quick_model):
    """A five-star review's "it broke after two days" is a positive label by its stars: the model
    trained on the seed set reads it negative, so it does not join the second pass."""
    from analysis.sentiment import load_sentiment
    from analysis.train_sentiment import agreeing

    model = load_sentiment(str(quick_model[0]))
    rows = [{"text": text, "label": label} for text, label in CLEAR]
    rows += [{"text": CLEAR[2][0], "label": "positive"}, {"text": CLEAR[0][0], "label": "negative"}]
    assert agreeing(model, rows) == rows[:4]
    assert agreeing(model, []) == []


def test_distant_labels_come_from_rated_english_reviews_capped_and_balanced(db_path):
    from data import store
    from analysis.train_sentiment import distant_rows

    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
             "kilo", "lima"]
    reviews = []
    for n, name in enumerate(names):
        reviews.append({"product_id": "p1", "source": "test", "author": f"a{n}", "rating": 1.0 if n % 2 else 5.0,
                        "body": f"Review {name} has words. It is the {name} one here.", "language": "en"})
    reviews.append({"product_id": "p1", "source": "test", "author": "mid", "rating": 3.0,
                    "body": "Three stars say too little to learn from.", "language": "en"})
    reviews.append({"product_id": "p1", "source": "test", "author": "fr", "rating": 1.0,
                    "body": "Ce produit est vraiment nul et cher.", "language": "fr"})
    with store.writer(db_path) as con:
        store.insert_reviews(con, reviews)
    rows = distant_rows(db_path, limit=10)
    assert len(rows) == 10
    assert sorted({r["label"] for r in rows}) == ["negative", "positive"]
    assert sum(r["label"] == "negative" for r in rows) == 5
    texts = " ".join(r["text"] for r in rows)
    assert "Three stars" not in texts and "nul" not in texts
    for row in rows:
        name = row["text"].split()[1] if row["text"].startswith("Review") else row["text"].split()[3]
        assert row["label"] == ("negative" if names.index(name) % 2 else "positive")
    assert distant_rows(None, limit=10) == [] and distant_rows(db_path + ".missing", limit=10) == []


def test_a_store_the_training_cannot_read_is_named_not_silently_skipped(tmp_path):
    """A store at an older schema (or not a DuckDB file) gives no distant labels: the training says
    so and why, instead of training on the seed set alone without a word."""
    from analysis.train_sentiment import distant_rows

    foreign = tmp_path / "notes.duckdb"
    foreign.write_text("not a database")
    said: list[str] = []
    assert distant_rows(str(foreign), limit=10, log=said.append) == []
    assert len(said) == 1 and str(foreign) in said[0] and "seed set alone" in said[0]


def test_a_sentence_found_in_low_and_high_rated_reviews_is_no_distant_label(db_path):
    """"Bought this 3 months ago." opens one-star and five-star reviews alike: as a distant label
    it taught the model that the opener is a complaint, and the demo's largest complaint themes
    were such openers. Numbers, case and spacing aside, a sentence seen under both labels is
    left out; the sentences only one side has are kept."""
    from data import store
    from analysis.train_sentiment import distant_rows

    bodies = [(1.0, "Bought this 3 months ago. The lid cracked and leaks everywhere."),
              (5.0, "Bought this 5 months ago. The lid seals perfectly every time."),
              (5.0, "bought this  2 months ago. Works great for our family."),
              (2.0, "Got this as a gift for my dad. The handle came off in a week.")]
    with store.writer(db_path) as con:
        store.insert_reviews(con, [{"product_id": "p1", "source": "test", "author": f"a{n}", "rating": rating,
                                    "body": body, "language": "en"} for n, (rating, body) in enumerate(bodies)])
    rows = {r["text"]: r["label"] for r in distant_rows(db_path, limit=20)}
    assert rows == {"The lid cracked and leaks everywhere.": "negative",
                    "The handle came off in a week.": "negative",
                    "Got this as a gift for my dad.": "negative",
                    "The lid seals perfectly every time.": "positive",
                    "Works great for our family.": "positive"}


# --- hand-written sentences, recipe version, pooling, blending --------------------------------

def test_written_sentences_are_in_both_splits_and_a_bad_heading_is_named(tmp_path):
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "data" / "seed" / "make_sentiment_seed.py"
    spec = importlib.util.spec_from_file_location("make_sentiment_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.read_written()
    assert len(written) >= 800
    assert {label for label, _, _ in written} == {"negative", "neutral", "positive"}
    assert {"restaurants", "movies", "service", "products"} <= {category for _, category, _ in written}
    train = [r for r in load_seed("train") if r["family"] == "written"]
    heldout = [r for r in load_seed("heldout") if r["family"] == "written"]
    assert len(train) > 600 and len(heldout) > 150
    # the later files (hard cases written apart) are a test set: none of their sentences trains
    later = {text for p in module.written_files() if p.name != "sentiment_written.txt"
             for _, _, text in module.read_written(p)}
    assert len(later) > 1000 and not later & {r["text"] for r in train}
    assert len(later & {r["text"] for r in heldout}) > 0.95 * len(later)

    bad = tmp_path / "written.txt"
    bad.write_text("## happy movies\nGreat film.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"written.txt:1: a heading"):
        module.read_written(bad)
    bad.write_text("Great film.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="before the first"):
        module.read_written(bad)


def _fake_default_model(folder: Path, **card) -> None:
    folder.mkdir(parents=True)
    for name in ("config.json", "model.safetensors"):
        (folder / name).write_text("{}", encoding="utf-8")
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")


def test_a_default_model_of_an_older_recipe_or_seed_set_is_outdated(tmp_path, monkeypatch):
    from analysis import sentiment
    from analysis.train_sentiment import RECIPE, seed_hash

    monkeypatch.setenv("REVIEWLENS_MODELS", str(tmp_path))
    assert sentiment.default_model_state() == "missing"
    _fake_default_model(tmp_path / "sentiment", recipe=RECIPE, seed_hash=seed_hash())
    assert sentiment.default_model_state() == "ready" and sentiment.default_model_ready()
    for card in ({"recipe": RECIPE - 1, "seed_hash": seed_hash()}, {"recipe": RECIPE, "seed_hash": "0" * 12}, {}):
        import shutil

        shutil.rmtree(tmp_path / "sentiment")
        _fake_default_model(tmp_path / "sentiment", **card)
        assert sentiment.default_model_state() == "outdated", card
        with pytest.raises(models.ModelNotFound, match="outdated.*reviewlens train-sentiment"):
            sentiment.load_sentiment()


def test_mean_pooling_reads_the_mean_of_the_token_vectors_not_cls():
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from analysis.sentiment import classifier_logits

    path = models.default_encoder_path()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    model = AutoModelForSequenceClassification.from_pretrained(str(path), num_labels=3).eval()
    batch = tokenizer(["Lovely soup.", "The waiter ignored us for an hour."], padding=True, return_tensors="pt")
    with torch.no_grad():
        assert torch.allclose(classifier_logits(model, batch), model(**batch).logits)  # a CLS model as it is
        model.config.reviewlens_pooling = "mean"
        hidden = model.bert(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        expected = model.classifier((hidden * mask).sum(1) / mask.sum(1))
        assert torch.allclose(classifier_logits(model, batch), expected, atol=1e-5)
        # Padding does not change a sentence's logits.
        alone = classifier_logits(model, tokenizer(["Lovely soup."], return_tensors="pt"))
        assert torch.allclose(alone[0], expected[0], atol=1e-4)


def test_blending_moves_the_encoder_back_toward_the_packaged_weights():
    import torch
    from transformers import AutoModelForSequenceClassification

    from analysis.train_sentiment import _blend_with_base

    path = models.default_encoder_path()
    model = AutoModelForSequenceClassification.from_pretrained(str(path), num_labels=3)
    original = model.bert.encoder.layer[0].attention.self.query.weight.detach().clone()
    with torch.no_grad():
        model.bert.encoder.layer[0].attention.self.query.weight.add_(1.0)
    _blend_with_base(model, path, keep_base=0.25)
    blended = model.bert.encoder.layer[0].attention.self.query.weight
    assert torch.allclose(blended, original + 0.75, atol=1e-5)


def _probe_rows(name: str) -> list[list[str]]:
    """``[label, sentence]`` rows of a probe file in tests/data (``#`` lines are comments)."""
    return [line.split("\t") for line in (Path(__file__).parent / "data" / name).read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_the_trained_default_model_reads_a_denied_judgement_as_its_opposite(default_sentiment_model):
    """"Can't say I'm impressed with the sound" is a complaint, "Can't say I'm disappointed with
    the headphones" praise: 18 such sentences, written apart from the seed templates
    (tests/data/negated_judgements.tsv). The trained default model (the
    default_sentiment_model fixture trains it first on a fresh machine)."""
    from analysis.sentiment import load_sentiment

    rows = _probe_rows("negated_judgements.tsv")
    assert len(rows) == 18 and {label for label, _ in rows} == {"positive", "negative"}
    predicted = [label for label, _ in load_sentiment(str(default_sentiment_model)).predict([text for _, text in rows])]
    wrong = [(text, label, got) for (label, text), got in zip(rows, predicted) if got != label]
    # 18/18 trained on the seed set alone, 16/18 as `make demo` trains it (with the demo store's
    # distant labels); the model before the "can't say" templates got 7
    assert len(wrong) <= 2, wrong


def test_the_trained_default_model_reads_a_judgement_by_its_context(default_sentiment_model):
    """An old product that died is no complaint about this one, a fault the seller put right is
    praise, "will go on for decades" is praise, a finish that shows every fingerprint a complaint:
    19 sentences written apart from the seed set (tests/data/judged_by_context.tsv). The
    trained default model (trained first on a fresh machine)."""
    from analysis.sentiment import load_sentiment

    rows = _probe_rows("judged_by_context.tsv")
    assert len(rows) == 19 and {label for label, _ in rows} == {"positive", "negative", "neutral"}
    predicted = [label for label, _ in load_sentiment(str(default_sentiment_model)).predict([text for _, text in rows])]
    wrong = [(text, label, got) for (label, text), got in zip(rows, predicted) if got != label]
    # 14/19 trained on the seed set alone (12/19 with training seed 1); the model before these
    # families got 4. The own-situation lines (see the next test) pull a few of these, praise only by
    # context and read at 0.4-0.6 ("My eighty-year-old neighbour got it working without help."),
    # toward neutral: 11/19 and 12/19 for the two training seeds, 11/19 as `make demo` trains it.
    # The lukewarm family (stop 21) moved one more on seed 0 and gave three back on seed 1:
    # 10/19 and 15/19.
    assert len(wrong) <= 9, wrong


def test_the_trained_default_model_reads_a_lukewarm_verdict_as_neutral_and_faint_praise_as_a_complaint(default_sentiment_model):
    """"The cable length is standard." is no strength and no weakness; "Sound is passable at best."
    is a complaint: 12 lukewarm and 8 faintly praising sentences written apart from the seed set
    and the demo shop (tests/data/lukewarm.tsv). The trained default model (trained first on a fresh
    machine)."""
    from analysis.sentiment import load_sentiment

    rows = _probe_rows("lukewarm.tsv")
    assert len(rows) == 20 and {label for label, _ in rows} == {"neutral", "negative"}
    probs = load_sentiment(str(default_sentiment_model)).predict_proba([text for _, text in rows])
    lukewarm = [p["neutral"] for (label, _), p in zip(rows, probs) if label == "neutral"]
    faint = [p["negative"] for (label, _), p in zip(rows, probs) if label == "negative"]
    # Mean probabilities, steadier than counts from one training to the next. Mean P(neutral) of
    # the lukewarm lines: 0.27 / 0.24 before the lukewarm family (seed set alone, training seeds
    # 0 / 1), 0.51 / 0.46 with it, 0.45 as `make demo` trains it (9/20 lines right there, against
    # 12/20 and 10/20 seed set alone and 8/20 and 7/20 before). Mean P(negative) of the faint
    # praise: 0.53 / 0.49 before, 0.54 / 0.52 with it, 0.47 as `make demo` trains it.
    assert sum(lukewarm) / len(lukewarm) >= 0.38, [(t, round(p["neutral"], 2)) for (_, t), p in zip(rows, probs)]
    assert sum(faint) / len(faint) >= 0.4, [(t, round(p["negative"], 2)) for (_, t), p in zip(rows, probs)]


def test_the_trained_default_model_reads_the_customers_own_situation_as_neutral(default_sentiment_model):
    """"Our internet is painfully slow out here", "I have a bad back", "We have a huge garden":
    the customer's own home, body and errands, told in judging words, say nothing about the
    product. 30 such sentences written apart from the seed set (tests/data/own_situation.tsv).
    The trained default model (trained first on a fresh machine)."""
    from analysis.sentiment import load_sentiment

    rows = _probe_rows("own_situation.tsv")
    assert len(rows) == 30 and {label for label, _ in rows} == {"neutral"}
    predicted = [label for label, _ in load_sentiment(str(default_sentiment_model)).predict([text for _, text in rows])]
    wrong = [(text, got) for (_, text), got in zip(rows, predicted) if got != "neutral"]
    # seed set alone: 27/30 (26/30 with training seed 1); before the own-situation lines in
    # sentiment_written.txt 12/30 (10/30), and 10/30 as `make demo` trained it
    assert len(wrong) <= 8, wrong


def test_torch_threads_leave_out_the_load_of_this_process_itself(monkeypatch):
    """Right after this process trained a model on both cores, the load average is its own: the
    analysis that follows still gets every core. Another process's load still counts."""
    import time

    from analysis import train_sentiment

    # 15 CPU-seconds in the last 10 s: 1.5 cores; under 5 s nothing is said
    assert train_sentiment.own_load((time.monotonic() - 10.0, time.process_time() - 15.0)) == pytest.approx(1.5, abs=0.1)
    assert train_sentiment.own_load((time.monotonic() - 1.0, time.process_time() - 2.0)) == 0.0
    monkeypatch.delenv("REVIEWLENS_THREADS", raising=False)
    monkeypatch.setattr(train_sentiment.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(train_sentiment.os, "getloadavg", lambda: (2.0, 2.0, 2.0))
    monkeypatch.setattr(train_sentiment, "own_load", lambda since=None: 1.9)   # this process trained
    assert train_sentiment.cpu_threads() == 2
    monkeypatch.setattr(train_sentiment, "own_load", lambda since=None: 0.0)   # others are busy
    assert train_sentiment.cpu_threads() == 1


def test_the_trained_default_model_reads_could_be_better_as_a_complaint(default_sentiment_model):
    """"The fit around the waist could be better" is a complaint, "The fit couldn't be better"
    praise; "There is nothing wrong with the speakers" praise, "Neither the keyboard nor the
    trackpad feels right" a complaint: 16 sentences written apart from the seed templates and the
    demo shop (tests/data/could_be_better.tsv). The trained default model (trained first on a
    fresh machine)."""
    from analysis.sentiment import load_sentiment

    rows = _probe_rows("could_be_better.tsv")
    assert len(rows) == 16 and {label for label, _ in rows} == {"positive", "negative"}
    predicted = [label for label, _ in load_sentiment(str(default_sentiment_model)).predict([text for _, text in rows])]
    wrong = [(text, label, got) for (label, text), got in zip(rows, predicted) if got != label]
    # 12/16 as `make demo` trains it (stop 30: the seed set's "could be better", "nothing wrong
    # with", "neither ... nor" and "couldn't be better" templates); the model before them got 5,
    # reading every one of the 8 complaints as praise
    assert len(wrong) <= 6, wrong
