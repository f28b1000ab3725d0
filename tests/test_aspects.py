"""Aspect terms with offsets, per-mention polarity, canonical grouping, the CLI and the scorer."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from analysis.aspect_polarity import clause_around, lexicon_polarity, window_polarities
from analysis.aspects import ParserAspectExtractor, group_aspects
from analysis.aspects_eval import evaluate_aspects, polarity_scores, read_semeval, span_scores

SENTENCES = [
    "The screen is great but the battery died after a week.",
    "Great food and friendly staff, but the prices are too high.",
    "The hard drive is not fast.",
    "I love the keyboard and the trackpad.",
    "",
    "👍👍 !!",
]


@pytest.fixture(scope="module")
def parser_terms():
    return ParserAspectExtractor().extract(SENTENCES)


def _check_offsets(texts, found):
    assert len(found) == len(texts)
    for text, terms in zip(texts, found):
        for t in terms:
            assert text[t.start:t.end] == t.term
            assert t.polarity in ("positive", "negative", "neutral")


@pytest.mark.slow
def test_parser_offsets_slice_back_to_the_term(parser_terms):
    _check_offsets(SENTENCES, parser_terms)


@pytest.mark.slow
def test_parser_finds_obvious_aspects(parser_terms):
    terms = [[t.term for t in row] for row in parser_terms]
    assert terms[0] == ["screen", "battery"]
    assert {"food", "staff", "prices"} <= set(terms[1])
    assert terms[2] == ["hard drive"]
    assert {"keyboard", "trackpad"} <= set(terms[3])
    assert terms[4] == [] and terms[5] == []


@pytest.mark.slow
def test_mixed_sentence_gets_two_polarities(parser_terms):
    assert [(t.term, t.polarity) for t in parser_terms[0]] == [("screen", "positive"), ("battery", "negative")]


def test_clause_window_and_lexicon():
    text = "Great screen, but the keyboard is awful."
    a, b = clause_around(text, text.index("keyboard"), text.index("keyboard") + 8)
    assert "keyboard is awful" in text[a:b] and "screen" not in text[a:b]
    assert lexicon_polarity("the keyboard is not good") == "negative"
    assert lexicon_polarity("we ordered the soup") == "neutral"


def test_window_polarities_use_a_passed_in_sentence_model():
    class Fake:  # the contract of analysis.sentiment's model: predict(texts) -> [(label, score)]
        def predict(self, texts, batch_size=None):
            return [("negative" if "awful" in t else "positive", 0.9) for t in texts]

    text = "Great screen, but the keyboard is awful."
    spans = [[(6, 12), (22, 30)]]
    assert window_polarities([text], spans, Fake()) == [["positive", "negative"]]


@pytest.mark.slow
def test_grouping_merges_synonyms_and_keeps_aspects_apart():
    terms = ["battery", "battery life", "batteries", "charge", "battery", "screen", "display", "screen",
             "keyboard", "food", "service", "laptop battery"]
    groups = group_aspects(terms)
    assert {groups[t] for t in ("battery", "battery life", "batteries", "charge", "laptop battery")} == {"battery"}
    assert groups["display"] == groups["screen"] == "screen"
    assert len({groups["battery"], groups["screen"], groups["keyboard"], groups["food"], groups["service"]}) == 5


@pytest.mark.slow
def test_category_seed_names_win():
    groups = group_aspects(["staff", "waiter", "food", "staff"], category="restaurants")
    assert groups["staff"] == groups["waiter"] == "service"
    assert groups["food"] == "food"
    # headphones: "charge" is the battery and "ANC" is noise cancelling, whichever is said most
    groups = group_aspects(["charge", "charge", "charge", "battery life", "ANC", "ANC", "noise cancelling",
                            "bass"], category="Audio")
    assert groups["charge"] == groups["battery life"] == "battery"
    assert groups["ANC"] == groups["noise cancelling"] == "noise cancelling"
    assert groups["bass"] == "bass"


def test_plural_seed_synonyms_match_the_lemma_forms_of_the_terms(monkeypatch):
    """Terms are grouped as lemma forms ("keys" -> "key"), so the seed synonyms are read the same way."""
    import numpy as np

    from analysis import aspect_groups

    def apart(texts):   # one direction per distinct text: nothing merges by meaning
        index = {t: i for i, t in enumerate(dict.fromkeys(texts))}
        return np.eye(max(len(index), 2), dtype=np.float32)[[index[t] for t in texts]]

    monkeypatch.setattr(aspect_groups, "embed", apart)
    groups = group_aspects(["keys", "keyboard", "key", "screen"], category="laptops")
    assert groups["keys"] == groups["key"] == groups["keyboard"] == "keyboard"
    assert groups["screen"] == "screen"
    groups = group_aspects(["speakers", "speaker", "sound"], category="electronics")
    assert set(groups.values()) == {"sound"}


def test_group_aspects_empty():
    assert group_aspects([]) == {}


@pytest.mark.slow
def test_cli_prints_json_lines(monkeypatch, tmp_path, sentiment_model_path):
    from dashboard.cli import cli

    monkeypatch.setenv("REVIEWLENS_ASPECT_MODEL", "parser")
    # the session's sentiment model as the default one: on a fresh machine the command would
    # otherwise train the real default first (about 3 minutes)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "sentiment").symlink_to(sentiment_model_path, target_is_directory=True)
    monkeypatch.setenv("REVIEWLENS_MODELS", str(tmp_path / "models"))
    texts = tmp_path / "in.txt"
    texts.write_text("The keyboard is awful.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["aspects", "Great screen, but the battery is weak.", "--file", str(texts)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["text"] for r in rows] == ["Great screen, but the battery is weak.", "The keyboard is awful."]
    first = rows[0]["aspects"]
    assert [(a["term"], a["polarity"]) for a in first] == [("screen", "positive"), ("battery", "negative")]
    for row in rows:
        for a in row["aspects"]:
            assert row["text"][a["start"]:a["end"]] == a["term"]
            assert set(a) == {"term", "start", "end", "aspect", "polarity"}


def test_cli_without_text_is_a_clear_error():
    from dashboard.cli import cli

    result = CliRunner().invoke(cli, ["aspects"])
    assert result.exit_code != 0 and "--file" in result.output


TINY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<sentences>
  <sentence id="1"><text>The screen is bright but the fan is loud.</text>
    <aspectTerms>
      <aspectTerm term="screen" polarity="positive" from="4" to="10"/>
      <aspectTerm term="fan" polarity="negative" from="29" to="32"/>
    </aspectTerms></sentence>
  <sentence id="2"><text>Nice soup.</text>
    <aspectTerms><aspectTerm term="soup" polarity="conflict" from="5" to="9"/></aspectTerms></sentence>
  <sentence id="3"><text>We went on a Monday.</text></sentence>
</sentences>
"""


class _Known:
    """A fixed extractor so the scorer itself is what is tested."""
    version = "fixed"

    def extract(self, texts):
        from analysis.aspects import AspectTerm
        out = []
        for text in texts:
            row = []
            for word in ("screen", "Monday"):
                if word in text:
                    i = text.index(word)
                    row.append(AspectTerm(word, i, i + len(word), "positive"))
            out.append(row)
        return out

    def polarities(self, texts, spans):
        return [["positive"] * len(row) for row in spans]


def test_scorer_on_tiny_semeval_files(tmp_path):
    (tmp_path / "Laptop_Train_v2.xml").write_text(TINY_XML, encoding="utf-8")
    sentences = read_semeval(tmp_path / "Laptop_Train_v2.xml")
    assert [s.terms for s in sentences][0] == [(4, 10, "positive"), (29, 32, "negative")]
    result = evaluate_aspects(tmp_path, extractor=_Known())
    laptops = result["laptops"]
    # gold: screen, fan, soup (3); predicted: screen, Monday (2); one true positive
    assert (laptops["gold_terms"], laptops["predicted_terms"], laptops["true_positives"]) == (3, 2, 1)
    assert laptops["precision"] == 50.0 and laptops["recall"] == pytest.approx(33.33)
    assert laptops["f1"] == pytest.approx(40.0)
    # conflict is left out: positive right, negative wrong
    assert laptops["polarity_terms"] == 2 and laptops["polarity_accuracy"] == 50.0
    assert "missing" in result["restaurants"]


def test_score_helpers():
    assert span_scores([set()], [set()])["f1"] == 0.0
    assert polarity_scores(["neutral"], ["neutral"])["accuracy"] == 100.0


def test_missing_eval_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="--data"):
        evaluate_aspects(tmp_path / "nope", extractor=_Known())


# ---------------------------------------------------------------- the learned head, trained small here
@pytest.fixture(scope="module")
def tiny_head(tmp_path_factory):
    """A head trained in seconds on the first seed sentences: tests need no model on disk."""
    from analysis import aspect_head

    out = tmp_path_factory.mktemp("aspects")
    card = aspect_head.train(out, limit=150, tag_epochs=4, polarity_epochs=6, log=lambda message: None)
    return out, card


@pytest.mark.slow
def test_self_training_refits_the_tagger_on_store_sentences(tmp_path, monkeypatch):
    # With store sentences, the tagger is fitted again on the seed windows plus the sentences the
    # first model is sure of (chosen by _self_training_rows with the parser; fixed here so the
    # refit always has rows): the card counts them and the refit's loss is a number.
    import math

    from analysis import aspect_head

    store = ["The hinge feels loose after a month.", "Lovely crust on the pizza.", "It arrived on Monday."]
    chosen = [{"text": store[0], "aspects": [{"start": 4, "end": 9}]},
              {"text": store[1], "aspects": [{"start": 7, "end": 12}]}]
    monkeypatch.setattr(aspect_head, "_self_training_rows", lambda extractor, texts: chosen)
    card = aspect_head.train(tmp_path, limit=60, tag_epochs=2, polarity_epochs=2, attention_epochs=1,
                             store_texts=store, log=lambda message: None)
    assert card["data"]["store_sentences"] == 3 and card["data"]["added"] == 2
    assert math.isfinite(card["training"]["tag_loss"])
    found = aspect_head.HeadAspectExtractor.load(tmp_path).extract(store)
    assert len(found) == 3 and all(t.start < t.end for terms in found for t in terms)


@pytest.mark.slow
def test_head_trains_saves_a_card_and_loads(tiny_head):
    from analysis.aspects import load_aspect_extractor

    path, card = tiny_head
    assert (path / "card.json").exists() and (path / "heads.pt").exists()
    assert card["data"]["train"] > 0 and card["version"].startswith("minilm-frozen-bio-")
    extractor = load_aspect_extractor(model_dir=path)
    assert extractor.version == card["version"]
    long_text = " ".join(["The screen is bright.", "The keyboard feels cheap.", "We loved the pasta."] * 30)
    texts = ["The screen is great but the battery died after a week.", "", "I bought it for my son.",
             long_text]  # a long text is read in overlapping windows, not cut
    found = extractor.extract(texts)
    _check_offsets(texts, found)
    assert {"screen", "battery"} <= {t.term for t in found[0]}
    assert found[1] == []
    # terms found all along the long text, well past the encoder's 128 pieces
    assert found[3][0].start < 20 and found[3][-1].end > len(long_text) - 40 and len(found[3]) >= 45
    labels = extractor.polarities(texts[:1], [[(t.start, t.end) for t in found[0]]])
    assert len(labels[0]) == len(found[0]) and set(labels[0]) <= {"positive", "negative", "neutral"}


def test_missing_model_falls_back_to_the_parser_clearly(tmp_path, capsys, monkeypatch):
    from analysis import sentiment
    from analysis.aspects import ParserAspectExtractor, load_aspect_extractor

    trained = []
    monkeypatch.setattr(sentiment, "ensure_default_model", lambda *a, **k: trained.append(1))
    extractor = load_aspect_extractor(model_dir=tmp_path / "none", train_if_missing=False)
    assert isinstance(extractor, ParserAspectExtractor)
    assert "falling back to the spaCy parser" in capsys.readouterr().err
    assert trained == []          # "do not train" trains nothing, not even the sentiment model


# ---------------------------------------------------------------- span clean-up and the seed generator
def test_spans_are_tidied_to_the_feature_words():
    from analysis.aspect_head import _decode, _tidy, _whole_words

    text = "the price of it was fine"
    assert _tidy(text, 0, 12) == (4, 9)            # "the price of" -> "price"
    assert _tidy(text, 13, 15) is None              # a pronoun alone is no term
    assert _tidy("it boots up fast", 9, 11) is None  # nor is a particle
    assert _tidy("I shut down it", 2, 11) == (2, 11)  # "shut down" keeps its particle
    hyphen = "a built-in mic and thin-crust pizza"
    assert hyphen[slice(*_whole_words(hyphen, 2, 7))] == "built-in"
    assert hyphen[slice(*_whole_words(hyphen, 24, 29))] == "thin-crust"
    # B on "the", I on "screen": the determiner is dropped, the term kept
    assert _decode("the screen", [(0, 3), (4, 10)], [1, 2]) == {(4, 10)}


def _seed_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "seed" / "make_aspects_seed.py"
    spec = importlib.util.spec_from_file_location("make_aspects_seed", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_generator_keeps_names_out_and_marks_place_and_verbs():
    seed = _seed_module()
    rows = seed.generate(3000, seed=5)
    assert len(rows) == 3000
    names = [w for w in seed.VENUES + seed.PEOPLE + seed.CITIES + seed.CUISINES + seed.BRANDS if len(w) > 3]
    seen_name = place_term = place_other = verb_term = 0
    for row in rows:
        text = row["text"]
        spans = [(a["start"], a["end"]) for a in row["aspects"]]
        for a in row["aspects"]:
            assert text[a["start"]:a["end"]] == a["term"] and a["polarity"] in ("positive", "negative", "neutral")
            verb_term += a["term"].lower() in ("use", "runs", "works", "set up", "carry")
        for name in names:
            i = text.find(name)
            if i >= 0 and text[i - 1:i] in ("", " ") and not text[i + len(name):i + len(name) + 1].isalpha():
                seen_name += 1
                # a shop, person, city or cuisine word is never a feature on its own
                assert (i, i + len(name)) not in spans, (name, text)
        for m in __import__("re").finditer(r"\bplace\b", text.lower()):
            if (m.start(), m.end()) in spans:
                place_term += 1
            else:
                place_other += 1
    assert seen_name > 200 and verb_term > 20
    # "the place is cozy" is the room and feel (an aspect); "a great place" is the restaurant itself
    assert place_term > 5 and place_other > 5


# ---------------------------------------------------------------- decoding and the hand-written threshold set
def test_best_tags_never_starts_a_term_inside_and_strictness_drops_weak_terms():
    import numpy as np

    from analysis.aspect_head import best_tags

    # piece 2 looks "inside" but follows a clear "outside": the consistent reading makes it B
    probs = np.array([[0.9, 0.05, 0.05], [0.2, 0.1, 0.7], [0.3, 0.1, 0.6]])
    tags = best_tags(probs)
    assert list(tags) == [0, 1, 2]
    # a weak term (outside 0.45) survives the plain reading and is dropped by a strict one
    weak = np.array([[0.45, 0.5, 0.05]])
    assert list(best_tags(weak, 0.5)) == [1] and list(best_tags(weak, 0.8)) == [0]
    # special pieces ([CLS], [SEP]) are always outside
    assert list(best_tags(np.array([[0.1, 0.8, 0.1]]), 0.5, np.array([True]))) == [0]
    assert len(best_tags(np.zeros((0, 3)))) == 0


def test_hand_written_threshold_set_reads_back_exactly():
    from analysis.aspect_head import DEV_FILE, read_marked, read_seed

    rows = read_marked(DEV_FILE)
    assert len(rows) >= 95
    assert sum(1 for r in rows if not r["aspects"]) >= 25  # sentences with no feature at all
    for row in rows:
        assert "[" not in row["text"] and "|" not in row["text"]
        for a in row["aspects"]:
            assert row["text"][a["start"]:a["end"]] == a["term"]
            assert a["polarity"] in ("positive", "negative", "neutral")
    # the threshold set is kept apart from the training seed sentences
    seed_texts = {r["text"] for r in read_seed()}
    assert not seed_texts & {r["text"] for r in rows}


def test_hand_written_training_files_read_back_exactly():
    from analysis.aspect_head import DEV_FILE, read_marked, read_written, written_files

    files = written_files()
    assert len(files) >= 4
    dev_texts = {r["text"] for r in read_marked(DEV_FILE)}
    for path in files:
        rows = read_marked(path)
        assert len(rows) >= 300, path
        assert 0.2 < sum(1 for r in rows if not r["aspects"]) / len(rows) < 0.5, path  # many name no feature
        for row in rows:
            # a mark typed wrong ("[fan|x]", "[fan-]") would be left in the text as it is
            assert not set("[]|") & set(row["text"]), (path.name, row["text"])
            for a in row["aspects"]:
                assert row["text"][a["start"]:a["end"]] == a["term"]
                assert a["term"] == a["term"].strip() and a["term"], (path.name, row["text"])
        assert not dev_texts & {r["text"] for r in rows}, path   # the threshold set stays apart
    train_rows, dev_rows = read_written()
    assert 3.5 < len(train_rows) / len(dev_rows) < 4.5
    assert not {r["text"] for r in train_rows} & {r["text"] for r in dev_rows}


def test_seed_digest_follows_the_hand_written_files(tmp_path):
    from analysis.aspect_head import SEED_FILE, read_written, seed_digest

    written = tmp_path / "written"
    written.mkdir()
    (written / "a.txt").write_text("The [fan|-] is loud.\nLove it.\n", encoding="utf-8")
    before = seed_digest(SEED_FILE, written)
    assert before != seed_digest(SEED_FILE, None)
    (written / "a.txt").write_text("The [fan|-] is loud.\nLove it!\n", encoding="utf-8")
    assert seed_digest(SEED_FILE, written) != before
    assert read_written(written) == ([{"text": "The fan is loud.", "aspects": [
        {"term": "fan", "start": 4, "end": 7, "polarity": "negative"}]}, {"text": "Love it!", "aspects": []}], [])


def test_read_marked_parses_marks(tmp_path):
    from analysis.aspect_head import read_marked

    path = tmp_path / "dev.txt"
    path.write_text("# comment\nThe [screen|+] is fine but the [fan|-] is loud.\nNo feature here.\n", encoding="utf-8")
    rows = read_marked(path)
    assert rows[0]["text"] == "The screen is fine but the fan is loud."
    assert [(a["term"], a["start"], a["polarity"]) for a in rows[0]["aspects"]] == [
        ("screen", 4, "positive"), ("fan", 27, "negative")]
    assert rows[1] == {"text": "No feature here.", "aspects": []}
    assert read_marked(tmp_path / "missing.txt") == []


def test_seed_generator_has_hard_negatives_and_named_terms():
    seed = _seed_module()
    rows = seed.generate(3000, seed=7)
    no_aspect = [r for r in rows if not r["aspects"]]
    assert len(no_aspect) > 0.2 * len(rows)  # many name no feature, as in real reviews
    named = {t.lower() for terms in seed.NAMED_TERMS.values() for t in terms}
    assert sum(a["term"].lower() in named for r in rows for a in r["aspects"]) > 30
    for row in (r for r in rows if r["domain"] in ("laptops", "restaurants")):
        # the product itself is never its own feature ("place" is both: the room and feel, or the restaurant)
        entities = {e.lower() for e in seed.DOMAINS[row["domain"]]["entity"]} - {"place"}
        for a in row["aspects"]:
            assert a["term"].lower() not in entities, row["text"]


@pytest.mark.slow
def test_heads_of_an_older_recipe_must_be_retrained(tiny_head, tmp_path):
    import shutil

    import torch

    from analysis import aspect_head

    path, card = tiny_head
    assert card["version"].startswith(f"minilm-frozen-bio-{aspect_head.RECIPE}-")
    old = tmp_path / "old"
    shutil.copytree(path, old)
    saved = torch.load(old / "heads.pt")
    saved.pop("recipe")
    torch.save(saved, old / "heads.pt")
    with pytest.raises(aspect_head.OutdatedHeads, match="older recipe"):
        aspect_head.HeadAspectExtractor.load(old)
    # heads trained on another version of the seed set are outdated too
    saved["recipe"], saved["seed_digest"] = aspect_head.RECIPE, "0" * 12
    torch.save(saved, old / "heads.pt")
    with pytest.raises(aspect_head.OutdatedHeads, match="older seed set"):
        aspect_head.HeadAspectExtractor.load(old)


@pytest.mark.slow
def test_clause_sentiment_is_added_to_the_head_polarity(tiny_head):
    from analysis import aspect_head

    class Sure:  # a sentence model that is certain: its reading decides each clause
        calls = []

        def predict_proba(self, texts, batch_size=None):
            Sure.calls.append(list(texts))
            return [{"negative": 1.0 if "awful" in t else 0.0, "neutral": 0.0,
                     "positive": 0.0 if "awful" in t else 1.0} for t in texts]

    path, _ = tiny_head
    extractor = aspect_head.HeadAspectExtractor.load(path)
    text = "The screen is lovely, but the keyboard is awful."
    spans = [[(4, 10), (30, 38)]]
    extractor.clause_sentiment = Sure()
    assert extractor.polarities([text], spans) == [["positive", "negative"]]
    # each clause is read once, on its own ("but the keyboard is awful."), not the whole sentence
    assert len(Sure.calls) == 1 and all(c != text for c in Sure.calls[0]) and len(Sure.calls[0]) == 2
    found = extractor.extract([text])[0]
    assert all(t.polarity == ("negative" if t.start > 20 else "positive") for t in found)
    # probabilities the job already has for a whole sentence are used, not read again
    Sure.calls.clear()
    single = "The keyboard is awful."
    known = [{"negative": 0.0, "neutral": 0.0, "positive": 5.0}]  # deliberately unlike Sure's reading
    found = extractor.extract([single], sentence_probs=known)[0]
    assert [t.term for t in found] == ["keyboard"]
    assert not Sure.calls and found[0].polarity == "positive"


def test_attention_view_marks_the_term_its_neighbours_and_its_clause():
    import numpy as np

    from analysis.aspect_head import _context_batch

    # [CLS] w1 w2 TERM TERM w5 w6 w7 [SEP]: term pieces 3-4, clause pieces 2-6, [CLS] and [SEP] not text
    feats = np.arange(9 * 4, dtype=np.float16).reshape(9, 4)
    real = np.array([False] + [True] * 7 + [False])
    pieces, place, in_clause, mask, means = _context_batch([(feats, 3, 5, 2, 7, real)], np.zeros((1, 12)))
    assert pieces.shape == (1, 9, 4) and means.shape == (1, 12)
    # in the term 0; 1 / 2 / 3-4 pieces to the left -> 1 / 2 / 3; to the right -> 5 / 6 / 7
    assert place[0].tolist() == [3, 2, 1, 0, 0, 5, 6, 7, 7]
    assert in_clause[0].tolist() == [0, 0, 1, 1, 1, 1, 1, 0, 0]
    assert mask[0].tolist() == real.tolist()


def test_heads_dropout_zeroes_a_fifth_keeps_the_mean_and_is_off_in_eval():
    import torch

    from analysis.aspect_head import _dropout, _heads

    drop = _dropout(0.2).train()
    torch.manual_seed(0)
    x = torch.ones(200_000, requires_grad=True)
    y = drop(x)
    zeroed = (y == 0).float().mean().item()
    # 51/256 of the values, within five standard deviations of a binomial draw
    assert abs(zeroed - 51 / 256) < 5 * (0.2 * 0.8 / 200_000) ** 0.5
    kept = torch.tensor(256 / 205).item()            # the scale, as float32
    assert set(y.unique().tolist()) == {0.0, kept}
    assert abs(y.mean().item() - 1.0) < 0.01
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())           # the gradient passes where the value stays
    torch.manual_seed(0)
    assert torch.equal(drop(torch.ones(200_000)), y.detach())   # seeded: the same draws
    odd = drop(torch.ones(3, 5, 7))                  # any shape, sizes not a multiple of 8
    assert odd.shape == (3, 5, 7) and set(odd.unique().tolist()) <= {0.0, kept}
    assert torch.equal(drop.eval()(torch.ones(9)), torch.ones(9))
    # no weights of its own: heads saved with nn.Dropout load by the same names
    tags, polarity = _heads(12)
    assert not list(drop.state_dict()) and "project.1.weight" in tags.state_dict()
    assert [k for k in polarity.state_dict()] == ["1.weight", "1.bias", "4.weight", "4.bias"]


@pytest.mark.slow
def test_polarity_averages_both_heads_and_adds_the_sentence(tiny_head):
    import math

    import torch

    from analysis import aspect_head

    path, _ = tiny_head
    extractor = aspect_head.HeadAspectExtractor.load(path)
    assert extractor.attention_head is not None     # saved and loaded with the other two

    def settle(linear, probs):  # a head that says ``probs`` whatever it reads
        with torch.no_grad():
            linear.weight.zero_()
            linear.bias.copy_(torch.tensor([math.log(p) for p in probs]))

    text, spans = "The keyboard is awful.", [[(4, 12)]]
    settle(extractor.polarity_head[-1], [0.45, 0.15, 0.40])   # positive, negative, neutral
    settle(extractor.attention_head.out[-1], [0.05, 0.90, 0.05])
    # mean (0.25, 0.525, 0.225): the attention head's reading decides
    assert extractor.polarities([text], spans) == [["negative"]]
    without = aspect_head.HeadAspectExtractor(extractor.encoder, extractor.tags_head, extractor.polarity_head)
    assert without.polarities([text], spans) == [["positive"]]
    # a sentence read as surely positive adds SENTENCE_WEIGHT to positive: 0.25 + 1 > 0.525
    found = extractor.extract([text], sentence_probs=[{"positive": 1.0, "negative": 0.0, "neutral": 0.0}])[0]
    assert [(t.term, t.polarity) for t in found] == [("keyboard", "positive")]
    assert aspect_head.SENTENCE_WEIGHT == 1.0


# ---------------------------------------------------------------- sentences that turn
def test_contrast_around_cuts_only_where_the_sentence_turns():
    from analysis.aspect_polarity import contrast_around, turns_around

    def part(text, term, finder=contrast_around):
        start = text.index(term)
        a, b = finder(text, start, start + len(term))
        return text[a:b].strip()

    assert part("The strap is lovely but the buckle lets it down.", "buckle") == "but the buckle lets it down."
    assert part("The strap is lovely but the buckle lets it down.", "strap") == "The strap is lovely"
    assert part("Although the fit is snug, the fabric pills.", "fabric") == "the fabric pills."
    assert part("Although the fit is snug, the fabric pills.", "fit") == "Although the fit is snug"
    assert part("The lens is sharp; the autofocus, not so much.", "autofocus") == "the autofocus, not so much."
    # "on the other hand" after the term belongs to the term's side, with what follows it
    text = "The hood is roomy, the pockets on the other hand are tiny."
    assert part(text, "pockets") == "the pockets on the other hand are tiny."
    assert part(text, "pockets", clause_around) == "the pockets on the other hand are tiny."
    assert part("The speakers are great, on the other hand the remote is flimsy.", "remote").endswith("the remote is flimsy.")
    assert part("Loved the view, hated the noise.", "view") == "Loved the view"
    assert part("Loved the view, hated the noise.", "noise", clause_around) == "hated the noise."
    # "and the" and a plain comma list are no turn: the sentence judges both terms together
    assert not turns_around("I like the fit, the colour is great.", 7, 10)
    assert not turns_around("The strap and the buckle are great.", 4, 9)
    assert not turns_around("The buckle lets it down.", 4, 10)
    assert turns_around("Great strap but the buckle snapped.", 20, 26)
    assert turns_around("Great strap but the buckle snapped.", 6, 11)


@pytest.mark.slow
def test_a_turned_sentence_does_not_decide_its_terms(tiny_head):
    import math

    import torch

    from analysis import aspect_head

    path, _ = tiny_head
    extractor = aspect_head.HeadAspectExtractor.load(path)

    class SureSentence:  # the packaged encoder, plus a sentence reading that is surely positive
        def __init__(self, encoder):
            self.encoder, self.dim = encoder, encoder.dim

        def encode(self, texts):
            return self.encoder.encode(texts)

        def read(self, texts):
            return [{"positive": 1.0, "negative": 0.0, "neutral": 0.0} for _ in texts], self.encode(texts)

    extractor.encoder = SureSentence(extractor.encoder)
    for head in (extractor.polarity_head[-1], extractor.attention_head.out[-1]):   # both heads say negative
        with torch.no_grad():
            head.weight.zero_()
            head.bias.copy_(torch.tensor([math.log(p) for p in (0.3, 0.6, 0.1)]))
    turned = "The strap is lovely but the buckle lets it down."
    plain = "The buckle lets it down."
    spans = [[(turned.index("buckle"), turned.index("buckle") + 6)], [(4, 10)]]
    # one clause: the sure sentence reading outweighs the heads; a turned sentence: the heads decide
    assert extractor.polarities([turned, plain], spans) == [["negative"], ["positive"]]


@pytest.mark.slow
def test_default_model_reads_turns_and_idioms_the_right_way():
    # Misreads a merchant saw on the demo shop's quotes, in sentences written for this test (not the
    # shop's, not in the seed files): a turn whose other side is praise, "not so much", "could be
    # better", "still had ... left", an opening "Although". The trained default model only: training
    # one takes about 10 minutes, so a machine without it skips (`reviewlens analyze` trains it).
    from analysis.aspect_head import HeadAspectExtractor
    from analysis.aspects import load_aspect_extractor

    extractor = load_aspect_extractor(train_if_missing=False)
    if not isinstance(extractor, HeadAspectExtractor):
        pytest.skip("the default aspect model is not trained here (`reviewlens analyze` trains it)")
    cases = [("The lens is sharp; the autofocus, not so much.", {"lens": "positive", "autofocus": "negative"}),
             ("Although the price is fair, the hinge feels flimsy.", {"price": "positive", "hinge": "negative"}),
             ("The menu could be better but the waiters are lovely.", {"menu": "negative", "waiters": "positive"}),
             ("The charger could be better, it gets warm.", {"charger": "negative"}),
             ("After three days at the campsite the battery still had power left.", {"battery": "positive"})]
    texts = [text for text, _ in cases]
    spans = [[(text.index(term), text.index(term) + len(term)) for term in want] for text, want in cases]
    got = [dict(zip(want, labels)) for (_, want), labels in zip(cases, extractor.polarities(texts, spans))]
    assert got == [want for _, want in cases]


def _viterbi_one_window(probs, term_prob, special):
    """A plain per-piece Viterbi over one window (O, B, I; never I right after O; special
    pieces O): the reference the batched decoder is checked against."""
    import numpy as np

    logp = np.log(np.clip(np.asarray(probs, dtype=np.float64), 1e-9, 1.0))
    logp[:, 0] += np.log(term_prob / (1.0 - term_prob))
    logp[special] = (0.0, -1e9, -1e9)
    if not len(logp):
        return np.zeros(0, dtype=np.int64)
    trans = np.array([[0.0, 0.0, -1e9], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    score, back = logp[0] + (0.0, 0.0, -1e9), np.zeros((len(logp), 3), dtype=np.int64)
    for t in range(1, len(logp)):
        step = score[:, None] + trans
        back[t], score = step.argmax(0), step.max(0) + logp[t]
    tags = np.zeros(len(logp), dtype=np.int64)
    tags[-1] = int(score.argmax())
    for t in range(len(logp) - 1, 0, -1):
        tags[t - 1] = back[t, tags[t]]
    return tags


def test_many_windows_decoded_together_get_the_tags_each_gets_alone():
    """best_tags_many is the analysis job's batched Viterbi (best_tags is it for one window):
    the same tags as a plain Viterbi on every window alone, with exact ties, [CLS]/[SEP] pieces,
    empty windows and a stricter term threshold."""
    import numpy as np

    from analysis.aspect_head import best_tags, best_tags_many

    rng = np.random.default_rng(3)
    probs, specials = [], []
    for _ in range(400):
        n = int(rng.integers(0, 30))
        p = rng.dirichlet([1, 1, 1], size=n)
        if n and rng.random() < 0.3:
            p[rng.integers(0, n)] = (1 / 3, 1 / 3, 1 / 3)      # a tie between all three tags
        special = np.zeros(n, dtype=bool)
        special[[0, -1] if n else []] = True
        probs.append(p)
        specials.append(special)
    for term_prob in (0.5, 0.75):
        together = best_tags_many(probs, term_prob, specials)
        assert len(together) == len(probs)
        assert all(np.array_equal(_viterbi_one_window(p, term_prob, s), t) for p, s, t in zip(probs, specials, together))
        assert all(np.array_equal(best_tags(p, term_prob, s), t) for p, s, t in zip(probs, specials, together))
    assert [t.tolist() for t in best_tags_many([np.array([[.1, .5, .4], [.3, .1, .6]])])] == [[1, 2]]
