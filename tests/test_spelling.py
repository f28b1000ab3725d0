"""Spelling slips are read as the word meant before the models see a sentence (analysis.spelling),
and every offset handed back points into the original text. The unit tests use the real
packaged vocabulary (the encoder's WordPiece words, WordNet's from the spaCy model); the last
ones run the real shared pass and a small real aspect head."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from analysis.models import default_encoder_path

    return AutoTokenizer.from_pretrained(str(default_encoder_path()))


@pytest.fixture(scope="module")
def speller(tokenizer):
    from analysis.spelling import speller_for

    return speller_for(tokenizer)


def test_a_swap_of_neighbour_letters_is_read_as_the_word(speller):
    fixed = speller.correct("Dropped it wiht teh box, it woudl not break. Teh lid held.")
    assert fixed.text == "Dropped it with the box, it would not break. The lid held."
    assert speller.correct("It works as expected and enouhg for a day.").text == \
        "It works as expected and enough for a day."


def test_a_missed_letter_is_read_as_the_word(speller):
    assert speller.correct("Better than expcted, I recomend it.").text == "Better than expected, I recommend it."
    assert speller.correct("the batery lasts").text == "the battery lasts"


def test_two_swaps_in_a_long_word_are_read_as_the_word_the_first_letter_kept(speller):
    assert speller.correct("Excleletn pruodct.").text == "Excellent product."
    assert speller.correct("a rpoudct").text == "a rpoudct"         # the first letter is never moved twice


@pytest.mark.parametrize("text", [
    "The touchpad and the warranty are fine.",          # real words outside the encoder's vocabulary
    "Good waterproofing, a spare charger, fresh clams and naan.",
    "The ANC on my iPhone beats the Anker one.",       # capitals: acronyms, brands, names
    "It charges at 5mAh per wi-fi don't 1080p amazon.com",  # joined to digits, hyphens, apostrophes, dots
    "It helps alot.",                                   # "alto" is one swap away but rare: a short word is left
    "I use it evry day.",                              # "very" or "every": not clear, left alone
    "The warrant was wrong.",                          # a real word is never changed (no letter is deleted)
])
def test_real_words_names_and_unclear_slips_are_left_alone(speller, text):
    fixed = speller.correct(text)
    assert fixed.text == text and fixed.fixes == ()


@pytest.mark.parametrize("word", ["saggy", "wobbly", "flimsy", "squeaky", "fiddly", "gritty", "laggy", "glitchy"])
def test_rare_but_real_words_are_left_alone(speller, word):
    """An adjective made with -y from a noun or verb ("saggy" of "sag") is a real word even where
    WordNet does not list it: a rare word one slip away ("shaggy") is not the word meant."""
    text = f"After a month the cushion is {word} and I'm not happy."
    fixed = speller.correct(text)
    assert fixed.text == text and fixed.fixes == ()


@pytest.mark.parametrize("text, meant", [
    ("The batery died.", "The battery died."),
    ("I recieved it on time.", "I received it on time."),
    ("An exellent kettle.", "An excellent kettle."),
    # slips that look like -y adjectives: "-ly" meant, an adjective's "-y", a frequent word near
    ("It is realy good and mosty quiet.", "It is really good and mostly quiet."),
    ("Friendy staff, carfully packed.", "Friendly staff, carefully packed."),
    ("My faily uses it maily for tea.", "My family uses it mainly for tea."),
])
def test_real_slips_are_still_read_as_the_word_meant(speller, text, meant):
    assert speller.correct(text).text == meant


def test_a_y_adjective_is_read_only_as_a_frequent_word():
    from analysis.spelling import FREQUENT, Speller

    filler = [f"w{'abcdefghij'[i % 10]}{'abcdefghij'[i // 10 % 10]}{'abcdefghij'[i // 100 % 10]}"
              f"{'abcdefghij'[i // 1000 % 10]}{'abcdefghij'[i // 10000 % 10]}" for i in range(FREQUENT)]
    speller = Speller(["family", *filler, "shaggy"], known=["sag", "fail", "real", "shaggy", "family"],
                      describing=["real"])
    assert speller.y_adjective("saggy") and speller.y_adjective("faily")
    assert not speller.y_adjective("realy")                     # an adjective takes -ly: a slip
    assert speller.fix("saggy") is None                         # "shaggy" is past the FREQUENT words
    assert speller.fix("faily") == "family"


def test_describing_words_are_the_adjectives_and_adverbs_of_wordnet():
    from spacy.strings import hash_string

    from analysis.spelling import _ADJ, _ADV, describing_words, english_words

    assert (_ADJ, _ADV) == (hash_string("adj"), hash_string("adv"))
    describing = describing_words()
    assert {"real", "most", "usual", "flimsy"} <= describing
    assert not {"sag", "fiddle", "squeak"} & describing
    assert describing < english_words()[0]


def test_a_capitalised_word_inside_a_sentence_is_left_as_a_name(speller):
    assert speller.correct("We met Teh at the shop.").text == "We met Teh at the shop."
    assert speller.correct("Great. Teh lid fits.").text == "Great. The lid fits."


def test_offsets_of_the_corrected_text_map_back_to_the_original(speller, tokenizer):
    original = "Teh batery died, but teh construction held up as expcted!"
    fixed = speller.correct(original)
    assert fixed.text == "The battery died, but the construction held up as expected!"
    enc = tokenizer(fixed.text, return_offsets_mapping=True)
    mapped = fixed.to_original(enc["offset_mapping"])
    words = [original[s:e] for s, e in mapped if s != e]
    assert words[:2] == ["Teh", "batery"] and "expcted" in words and "construction" in words
    assert mapped[0] == (0, 0)                                  # [CLS] stays empty
    # every text position maps to a position of the original, in order, ends to ends
    positions = [fixed.position(i) for i in range(len(fixed.text) + 1)]
    assert positions == sorted(positions) and positions[-1] == len(original)
    assert fixed.to_original([(4, 11)]) == [(4, 10)]             # "battery" -> "batery"


def test_small_vocabulary_example_and_clear_winner():
    from analysis.spelling import Speller

    speller = Speller(["the", "expected", "battery", "tech"])
    fixed = speller.correct("Teh batery was better than expcted.")
    assert fixed.text == "The battery was better than expected."
    assert fixed.fixes == ((0, 3, 0, 3), (4, 10, 4, 11), (27, 34, 28, 36))
    assert Speller(["clam"], rules=[("s", "")]).is_known("clams")
    assert Speller([]).correct("teh").text == "teh"             # nothing to fix into: left as it is


# ------------------------------------------------------------------ through the real models
@pytest.fixture(scope="module")
def shared(sentiment_model_path):
    from analysis.sentiment import load_sentiment
    from analysis.shared_pass import SharedPass

    return SharedPass(load_sentiment(str(sentiment_model_path), device="cpu"))


@pytest.mark.slow
def test_the_shared_pass_reads_the_corrected_sentence_with_original_offsets(shared):
    original = "Teh batery died after two days, as I expcted."
    corrected = "The battery died after two days, as I expected."
    with_slips, = shared.predict_proba([original])
    plain, = shared.predict_proba([corrected])
    assert max(abs(with_slips[k] - plain[k]) for k in plain) < 1e-4       # same reading as the right words
    (offsets, feats), = shared.encode([original])[0]
    (offsets_plain, feats_plain), = shared.encode([corrected])[0]
    assert [original[s:e] for s, e in offsets if s != e][:2] == ["Teh", "batery"]
    assert abs(feats - feats_plain).max() < 1e-3


@pytest.mark.slow
def test_the_real_extractor_finds_the_noun_after_a_slip_at_original_offsets(shared, tmp_path_factory):
    from analysis import aspect_head

    out = tmp_path_factory.mktemp("aspects") / "spelling"
    # small and quick: 200 lines of each seed kind; 8 epochs give the tagger's BiLSTM about 100
    # steps (with 80 lines and 4 epochs, 20 steps, it found no term on a quick sentiment model)
    aspect_head.train(out, limit=200, tag_epochs=8, polarity_epochs=4, attention_epochs=2, log=lambda m: None,
                      encoder=shared, encoder_version=shared.version, dev_path=None, written_weight=1)
    extractor = aspect_head.HeadAspectExtractor.load(out, encoder=shared, encoder_version=shared.version)
    texts = ["The screen is great but teh batery died after a week.",
             "The screen is great but the battery died after a week."]
    slipped, plain = extractor.extract(texts)
    for term in slipped:
        assert texts[0][term.start:term.end] == term.term        # the original text at original offsets
    assert "battery" in [t.term for t in plain]
    # the same terms as the sentence without slips: "batery" read as "battery", stored as written
    assert [t.term for t in slipped] == ["batery" if t.term == "battery" else t.term for t in plain]
    assert not any("teh" in t.term for t in slipped)
    assert [t.polarity for t in slipped] == [t.polarity for t in plain]


@pytest.mark.slow
def test_the_plain_sentiment_model_reads_slips_as_the_job_does(shared, sentiment_model_path):
    # `reviewlens sentiment` and `evaluate` use the plain model: the same reading as the job's pass
    from analysis.sentiment import load_sentiment

    plain = load_sentiment(str(sentiment_model_path), device="cpu")
    texts = ["Teh batery died after two days, as I expcted.", "The battery died after two days, as I expected."]
    slipped, right = plain.predict_proba(texts)
    assert max(abs(slipped[k] - right[k]) for k in right) < 1e-4
    job, = shared.predict_proba(texts[:1])
    assert max(abs(slipped[k] - job[k]) for k in job) < 1e-4
    plain.speller = None                                   # off: the slips are read as written
    as_written, = plain.predict_proba(texts[:1])
    assert max(abs(as_written[k] - right[k]) for k in right) > 1e-4


def test_the_analysis_key_names_the_spelling_rules():
    from analysis.pipeline import Models
    from analysis import spelling

    class Reader:
        name, version, speller = "m", "1", object()
    models = Models(sentiment=Reader(), aspects=None, find_needs=None, group_aspects=None,
                    group_needs=None, encoder=None)
    assert f"spelling={spelling.VERSION}" in models.key()
    Reader.speller = None
    assert "spelling=off" in models.key()


def test_a_tokenizer_without_whole_words_gets_no_speller():
    from analysis.spelling import speller_for

    class SentencePieceLike:
        name_or_path = "test/sentencepiece-like"

        def get_vocab(self):
            return {"▁the": 0, "▁bat": 1, "tery": 2}
    assert speller_for(SentencePieceLike()) is None     # texts are read as written ('spelling=off')
