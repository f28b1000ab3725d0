"""Unmet needs: wishes, requests and missing features found with their phrase; praise is not a need."""
from __future__ import annotations

import pytest

from analysis.needs import find_needs, group_needs


@pytest.mark.parametrize("text, phrase", [
    ("I wish it had a longer cable.", "a longer cable"),
    ("Would be perfect if it came with a case.", "a case"),
    ("There is no way to adjust the volume.", "way to adjust the volume"),
    ("It doesn't come with a charger, which is annoying.", "a charger"),
    ("This really needs a timer.", "a timer"),
    ("Please add a dark mode!", "a dark mode"),
    ("It lacks a backlight, but otherwise fine.", "a backlight"),
    ("Missing a power button lock.", "a power button lock"),
    ("It would be nice to have a remote control.", "a remote control"),
    ("I'd love to see a bigger size option.", "a bigger size option"),
    ("It could use a better lid.", "a better lid"),
    ("Batteries are not included.", "Batteries"),
    ("I wish the handle was sturdier", "the handle was sturdier"),
    ("The cable is too short, wish it was longer.", "cable is too short, wish it was longer"),
    # phrasings added with rules-2
    ("Solid little grinder, but it would be so much better with a timer.", "a timer"),
    ("Needs a carrying pouch, honestly.", "a carrying pouch"),
    ("Comfortable, but it needs replaceable pads.", "replaceable pads"),
    ("My only wish is a quieter fan.", "a quieter fan"),
    ("The one thing missing is a lid that locks.", "a lid that locks"),
    ("What's missing is a night mode.", "a night mode"),
    ("I'd happily pay more for a metal hinge.", "a metal hinge"),
    ("Hoping the next version gets a bigger water tank.", "a bigger water tank"),
    ("Would love to be able to pause it halfway.", "pause it halfway"),
    ("It would be great to be able to sort the playlists.", "sort the playlists"),
    ("I wish I could turn off the beeping.", "turn off the beeping"),
    ("If it had a second basket it would be perfect.", "a second basket"),
    ("It doesn't come with spare nibs.", "spare nibs"),
    ("Really missing hourly forecasts in the app.", "hourly forecasts in the app"),
    ("Why is there no mute button?", "mute button"),
    # a phrase cut at ten words ends on its last full word, not on "... at the"
    ("There's no way to connect to my laptop and phone at the same time.", "way to connect to my laptop and phone"),
])
def test_needs_found_with_phrase(text, phrase):
    assert_one_need(text, phrase)


def assert_one_need(text: str, phrase: str) -> None:
    """``text`` voices one need, ``phrase``, whose offsets slice back to it."""
    [needs] = find_needs([text])
    assert [n.phrase for n in needs] == [phrase]
    for need in needs:
        assert text[need.start:need.end] == need.phrase


@pytest.mark.parametrize("text", [
    "I needed a kettle and this is great.",
    "Everything I need in a blender.",
    "It's what I needed, love it.",
    "I wish I had bought it sooner!",
    "There is no problem with it.",
    "No complaints, nothing is missing.",
    "There is no way I would buy another brand.",
    "Great sound and the battery lasts for days.",
    "There was no wait for a table on a Friday.",
    "There's no rattle, even at full speed.",
    "I wish I could give it six stars.",
    "It needs nothing else, it's perfect.",
    "It needs charging once a week.",
    "If it had broken I would have sent it back.",
    "It comes with a case, which is nice.",
    "It would be perfect for my daughter's dorm.",
    "",
])
def test_plain_praise_is_not_a_need(text):
    assert find_needs([text]) == [[]]


def test_two_needs_in_one_text_keep_order_and_offsets():
    text = "Sadly the remote is not included, and I wish it had a timer."
    [needs] = find_needs([text])
    assert [n.phrase for n in needs] == ["the remote", "a timer"]
    assert all(text[n.start:n.end] == n.phrase for n in needs)


def test_bad_input_gives_no_needs_and_keeps_the_rest():
    assert find_needs([None, "Please add a timer."]) == [[], find_needs(["Please add a timer."])[0]]


@pytest.mark.slow
def test_group_needs_merges_same_wish_and_keeps_others_apart():
    phrases = ["a longer cable", "longer cord", "the cable is too short, wish it was longer",
               "a longer cable", "a carrying case", "a timer"]
    groups = group_needs(phrases)
    assert groups["a longer cable"] == groups["longer cord"] == \
        groups["the cable is too short, wish it was longer"] == "longer cable"
    assert groups["a carrying case"] != groups["a longer cable"]
    assert groups["a timer"] not in (groups["a carrying case"], groups["a longer cable"])


def test_needs_read_slips_as_the_word_meant_and_keep_the_text_as_written():
    from analysis.spelling import Speller

    speller = Speller(["the", "with", "i", "a", "it", "wish", "case", "came", "would", "perfect", "be"])
    text = "I wish it came wiht a case."
    assert find_needs([text]) == [[]]                          # "came wiht" is no trigger as written
    [needs] = find_needs([text], speller=speller)
    assert [(n.phrase, text[n.start:n.end]) for n in needs] == [("a case", "a case")]
    text = "Would be perfect if it came wiht a hard csae."        # the phrase keeps its own slip
    [needs] = find_needs([text], speller=Speller(["with", "case", "hard"]))
    assert [n.phrase for n in needs] == ["a hard csae"]
    assert find_needs([None, ""], speller=speller) == [[], []]


def test_need_names_read_the_phrase_with_its_slips_corrected():
    from analysis.spelling import Speller

    phrases = ["see teh food without opening the basket", "a hard csae", "a hard case"]
    assert "teh" in group_needs(phrases)[phrases[0]]
    groups = group_needs(phrases, speller=Speller(["the", "case", "hard", "food", "see"]))
    assert groups[phrases[0]] == "see the food without opening the basket"
    assert groups["a hard csae"] == groups["a hard case"] == "hard case"


def test_a_need_to_do_something_is_named_by_its_words_and_its_wordings_are_one_need():
    """'There's no way to X', 'I wish I could X' and 'would love to be able to X' ask for the
    same thing: one need, named by the reviewers' own words rather than a string of lemmas."""
    phrases = ["way to set it to brew before I wake up", "set it to brew before I wake up",
               "set it to brew before I wake up", "a way to connect two phones at once",
               "connect two phones at once", "a longer cable", "the cable is too short, wish it was longer"]
    groups = group_needs(phrases)
    assert groups[phrases[0]] == groups[phrases[1]] == "set it to brew before I wake up"
    lower = group_needs(["set it to brew before i wake up", "see it when i'm out"])   # as the store passes them
    assert set(lower.values()) == {"set it to brew before I wake up", "see it when I'm out"}
    assert groups[phrases[3]] == groups[phrases[4]] == "connect two phones at once"
    assert groups["a longer cable"] == groups[phrases[-1]] == "longer cable"   # things keep their key


def test_needs_on_the_hand_written_check_set():
    """tests/data/needs_written.tsv: 181 need and 158 near-miss sentences, written for this
    project without looking at the patterns or the demo shop. Its even lines were used to widen
    the patterns (rules-2); the odd lines were only measured (recall 29% -> 44% there, see the
    README). The floors keep what the patterns reach now from slipping back."""
    import csv
    from pathlib import Path

    path = Path(__file__).parent / "data" / "needs_written.tsv"
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    found = find_needs([r["sentence"] for r in rows])
    needs = [(r, n) for r, n in zip(rows, found) if r["kind"] == "need"]
    others = [n for r, n in zip(rows, found) if r["kind"] == "none"]
    hit = [(r, n) for r, n in needs if n]
    on_phrase = [r for r, n in hit
                 if any(x.start < r["sentence"].index(r["phrase"]) + len(r["phrase"])
                        and x.end > r["sentence"].index(r["phrase"]) for x in n)]
    assert len(needs) >= 170 and len(others) >= 150
    assert len(hit) / len(needs) >= 0.62                 # 118 of 181 with rules-2
    assert len(on_phrase) >= len(hit) - 3                # the phrase found is the one meant
    assert sum(bool(n) for n in others) / len(others) <= 0.07   # 9 of 158 flagged with rules-2


def test_each_trigger_is_paired_with_words_its_own_pattern_names():
    """``_TRIGGER_WORDS`` runs parallel to ``TRIGGERS``: a trigger moved without its words would
    be skipped on the sentences it is for. Each word is written in its own pattern ("nt" is the
    pattern's ``n[o']?t``)."""
    from analysis.needs import _TRIGGER_WORDS, TRIGGERS

    assert len(_TRIGGER_WORDS) == len(TRIGGERS)
    for words, pattern in zip(_TRIGGER_WORDS, TRIGGERS):
        assert words and all(w in pattern.lower() or (w == "nt" and "n[o']?t" in pattern) for w in words), pattern[:60]


@pytest.mark.parametrize("text", [
    "I don't have any complaints.",
    "I didn't have any trouble setting it up.",
    "It doesn't have any problems.",
    "It doesn't have the issues my old one had.",
    "We don't have a dishwasher, so this is great.",
])
def test_doesnt_have_needs_the_product_as_subject_and_no_trouble_after_it(text):
    """'I don't have any complaints' is about the customer, and the absence of trouble is praise."""
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    ("Shame it doesn't have a handle.", "a handle"),
    ("Doesn't have a timer, sadly.", "a timer"),
    ("The lid doesn't have a vent hole.", "a vent hole"),
])
def test_doesnt_have_still_finds_what_the_product_lacks(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("Doesn\u2019t come with a lid, which is odd.", "a lid"),
    ("I\u2019d like to see a non-stick coating.", "a non-stick coating"),
    ("What\u2019s missing is a night mode.", "a night mode"),
    ("It doesn\u2019t include a wall adapter.", "a wall adapter"),
])
def test_curly_apostrophes_trigger_as_straight_ones(text, phrase):
    """Phones write "doesn’t": same needs, and the phrase and offsets are those of the text as written."""
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text", [
    "No way to beat this price.",
    "There's no way to go wrong with this kettle.",
    "There is no way to mess this up.",
    "Still no leaks after six months.",
    "After a year there's still no limescale on the element.",
    "I love the lack of fan noise.",
    "There's no bloatware at all.",
    "Not missing any parts, everything arrived.",
    "Arrived complete and wasn't missing a single screw.",
    "Works without missing a beat.",
    "This needs to be in every kitchen.",
    "It needs to be said: this is the best kettle.",
    "I don't know why no one mentioned how quiet it is.",
    "Please make sure to read the manual first.",
])
def test_absence_of_something_bad_and_set_phrases_are_not_needs(text):
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    ("There's no way to turn off the beep.", "way to turn off the beep"),
    ("Still no firmware update after six months.", "firmware update after six months"),
    ("The lack of noise cancelling is a letdown.", "noise cancelling is a letdown"),
    ("It is missing a drip tray.", "a drip tray"),
])
def test_needs_next_to_the_exclusions_are_still_found(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("I wish it had a 3.5mm headphone jack.", "a 3.5mm headphone jack"),
    ("I wish it came with a U.S. plug adapter.", "a U.S. plug adapter"),
    ("It lacks a 1,000 mAh battery option.", "a 1,000 mAh battery option"),
    ("I wish it had a lid, the steam goes everywhere.", "a lid"),
    ("I wish it had a lid. Great otherwise.", "a lid"),
    ("I wish it had a lid...but no.", "a lid"),
])
def test_a_phrase_keeps_numbers_and_initialisms_and_stops_at_the_clause_end(text, phrase):
    assert_one_need(text, phrase)


def test_two_things_listed_with_and_a_are_two_needs():
    text = "I wish it had a longer cable and a bigger water tank."
    [needs] = find_needs([text])
    assert [n.phrase for n in needs] == ["a longer cable", "a bigger water tank"]
    assert all(text[n.start:n.end] == n.phrase for n in needs)
    [needs] = find_needs(["I wish it had a 2 and a half litre tank."])   # one thing
    assert [n.phrase for n in needs] == ["a 2 and a half litre tank"]


@pytest.mark.parametrize("text, phrase", [
    ("The price is great and I wish it was smaller.", "smaller"),
    ("The handle is fine but the lid, I wish it was sturdier.", "sturdier"),
    # a clause that says what is wrong with the thing is still the thing wished for
    ("The cable is too short and I wish it was longer.", "cable is too short and I wish it was longer"),
])
def test_a_bare_comparison_reaches_back_only_to_its_own_clause(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text", [
    "The lack of buttons makes it so clean.",
    "The lack of clutter is what I love.",
    "The lack of a screen is a plus.",
    "The lack of settings keeps it simple.",
    "The lack of a fan is great.",
    "The lack of an app is honestly a huge plus.",
    "The lack of physical buttons on the front makes for a cleaner look.",
    "The lack of a display keeps the price down.",
    "The lack of crevices makes it easy to clean.",
    "The lack of cables makes it easier.",
])
def test_a_lack_its_own_clause_praises_is_not_a_need(text):
    """'The lack of X makes it so clean / is a plus': the absence is what the customer likes."""
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    ("The lack of a timer is annoying.", "a timer is annoying"),
    ("My only complaint is the lack of a backlight.", "a backlight"),
    ("The lack of buttons makes it hard to use.", "buttons makes it hard to use"),
    # only intensifiers stand between the verb and the praise: a negation keeps the need
    ("The lack of a timer is not great.", "a timer is not great"),
    ("The lack of grip makes it easy to drop.", "grip makes it easy to drop"),
    # the praise of another thing, in the next clause, does not hide this lack
    ("The lack of a timer is annoying and the lid is great.", "a timer is annoying"),
    # "easy" praises use only: easy to get wrong, or easy for children, is the trouble (rules-6)
    ("The lack of a timer makes it easy to overcook the rice.", "a timer makes it easy to overcook the rice"),
    ("The lack of a child lock makes it easy for kids to open.", "a child lock makes it easy for kids to open"),
    ("The lack of bass is noticeable as the treble is great.", "bass is noticeable as the treble is great"),
])
def test_a_lack_the_clause_does_not_praise_is_still_a_need(text, phrase):
    assert_one_need(text, phrase)


# rules-7 -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_opposite_needs_are_never_one_need():
    """Vectors of "a wider spout" and "a narrower spout" are close, but the customers ask for
    opposite things: a scale's two poles never share a label; the same direction still does."""
    phrases = ["a wider spout", "a wider spout", "a broader spout", "a narrower spout",
               "a heavier base", "a lighter base", "warmer light", "cooler light",
               "finer grind settings", "coarser grind settings", "less plastic", "more plastic",
               "way to switch on the display", "way to switch off the display"]
    groups = group_needs(phrases)
    for a, b in [("a wider spout", "a narrower spout"), ("a broader spout", "a narrower spout"),
                 ("a heavier base", "a lighter base"), ("warmer light", "cooler light"),
                 ("finer grind settings", "coarser grind settings"), ("less plastic", "more plastic"),
                 ("way to switch on the display", "way to switch off the display")]:
        assert groups[a] != groups[b], (a, b, groups[a])
    assert groups["a wider spout"] == groups["a broader spout"] == "wider spout"


def test_opposite_keys_are_read_from_a_table_of_scales():
    from analysis.needs import _opposite, _split_opposites
    from collections import Counter

    assert _opposite("taller stand", "shorter stand") and _opposite("longer strap", "shorter strap")
    assert _opposite("turn up volume", "turn down volume")
    assert not _opposite("bigger bowl", "larger bowl")
    assert not _opposite("bigger bowl", "lid")
    # a key that holds both poles opposes neither
    assert not _opposite("shorter cable longer battery", "longer cable")
    groups = _split_opposites(["slower motor", "faster motor", "quicker motor", "motor"],
                              Counter({"faster motor": 3, "quicker motor": 1, "slower motor": 1, "motor": 1}))
    assert groups == [["faster motor", "motor", "quicker motor"], ["slower motor"]]


@pytest.mark.parametrize("text", [
    "I don't really think the grinder needs a second hopper.",
    "We never wished the tent had a porch.",
    "I honestly didn't feel it lacks a bag.",
    "I won't say the lamp is missing a dimmer.",
    "Not once did I wish it came with a stand.",
    "A few reviewers said it needs a bigger basket, which I don't agree with.",
    "Other buyers complain that it lacks a carry strap, but we never needed one.",
    "People mention that it doesn't come with a brush; I didn't miss it.",
    "Never thought the kettle was missing a filter.",
])
def test_a_wish_the_writer_denies_or_rejects_is_no_need(text):
    """rules-7: the writer negates the wish or thought that carries the trigger, or reports
    others' wish and rejects it."""
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    # the denial is of something else, or no denial at all
    ("I can't believe it doesn't come with a cover.", "a cover"),
    ("I don't think so, it really needs a cover.", "a cover"),
    ("I didn't expect much, but it needs a cover.", "a cover"),
    ("I never use the timer, but it needs a longer hose.", "a longer hose"),
    # reported and not rejected
    ("Other owners said it lacks a cover and they are right.", "a cover"),
    ("Can't find replacement pads anywhere, please sell them!", "them"),
])
def test_a_wish_next_to_a_denial_of_something_else_is_still_a_need(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text", [
    "There was no metallic flavour taste, even with tap water.",
    "There is no odd aftertaste in the soup.",
    "There was no humming from the fridge at all.",
    "There's no glare on the screen outdoors.",
    "There was no residue on the glasses after washing.",
    "There is no crackling in the left speaker.",
    "There was no sputtering whatsoever.",
    "There's no sloshing even when I run with it.",
    "It has no wobble on the tiles.",
    "After a month there's still no streaking on the windows.",
])
def test_the_absence_of_a_fault_is_praise_not_a_need(text):
    """rules-7: an absent fault (something felt, heard, tasted, seen) is praise; a missing feature
    (something the product has or one does with it) is a need."""
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    ("There's no smoke detector on this model.", "smoke detector on this model"),
    ("There is no dust bag, which is a pain.", "dust bag"),
    ("There's no glare filter.", "glare filter"),
    ("There's no vibration motor, so I miss texts.", "vibration motor"),
    ("There is no backlighting, which makes it hard at night.", "backlighting"),
    ("There's no kickstand at all.", "kickstand at all"),
])
def test_a_fault_word_that_names_a_feature_is_still_a_need(text, phrase):
    """A fault noun used as a modifier ("no vibration motor", "no dust bag") names a feature,
    and "at all" after a plain thing the product lacks keeps the need."""
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text", [
    "Our parcel was missing the filter jug.",
    "The shipment came missing the bolts.",
    "It showed up missing the battery cover.",
    "My box arrived missing the remote.",
    "I wish it had arrived in time for the party.",
    "I wish it had been dispatched sooner.",
    "They should have packed it better.",
    "I wish they had the blue one back in stock.",
])
def test_one_deliverys_trouble_is_no_product_need(text):
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    ("The bread box is missing a crumb tray.", "a crumb tray"),
    ("They should have shipped it with a charging dock.", "shipped it with a charging dock"),
    ("The lamp is missing a dimmer.", "a dimmer"),
])
def test_a_product_need_beside_delivery_words_is_still_a_need(text, phrase):
    """A box in the present tense may be the product itself; shipping *with* a thing is a product need."""
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("It would be nicer if the strap were wider.", "the strap were wider"),
    ("If only the spout was narrower.", "the spout was narrower"),
    ("Certainly would be nice to have a spare filter.", "a spare filter"),
    ("Probably would be perfect with a stand.", "a stand"),
])
def test_a_comparison_after_if_keeps_its_thing_and_an_opening_adverb_is_no_thing(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.slow
def test_a_comparison_after_if_is_named_by_its_thing():
    [needs] = find_needs(["It would be nicer if the strap were wider."])
    assert set(group_needs([n.phrase.lower() for n in needs]).values()) == {"wider strap"}


@pytest.mark.parametrize("text, phrase", [
    ("The toaster has no defrost setting.", "defrost setting"),
    ("This lamp has no dimmer, sadly.", "dimmer"),
    ("It comes without a storage pouch.", "a storage pouch"),
    ("The drill came without a battery.", "a battery"),
    ("I'd love a matte finish.", "a matte finish"),
    ("We would like a cordless version.", "a cordless version"),
    ("I really miss a snooze button.", "a snooze button"),
    ("I wish it came in a travel size.", "a travel size"),
    ("It would be perfect if it came in beige.", "beige"),
])
def test_plain_phrasings_of_a_missing_feature_are_needs(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text", [
    "It has no equal at this price.",
    "It has no problems at all.",
    "It has no smell.",
    "It came without a scratch.",
    "It came without any fuss.",
    "I'd like a refund.",
    "I'd love a second one for the office.",
    "Do I miss a timer? Not at all.",
    "I missed the return window.",
    "If you need a big pot, this has everything I need.",
])
def test_near_misses_of_the_new_phrasings_are_not_needs(text):
    assert find_needs([text]) == [[]]


# rules-8 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # an absence the customer is glad of
    "The blender has no sharp corners, which is great with toddlers around.",
    "This grill has no cold spots.",
    "It has no seams, so nothing can snag.",
    "The lamp came without any plastic odour.",
    # the subject is a person or "they", not the product
    "The helpdesk guy had no interest in helping.",
    "They have no patience with questions at the counter.",
    "The store manager had no idea where my order was.",
    # asked of the shop, or of the post
    "We would like a partial refund please.",
    "I'd like an answer from the seller.",
    "I wish the socks came in the mail sooner.",
    "I wish it came in handy more often.",
    # an event one misses, not a feature
    "I miss a beat every so often with this metronome.",
    "I miss a text sometimes because the vibration is weak.",
])
def test_the_plain_phrasings_fire_only_on_needs(text):
    """rules-8: "it has no X", "came without X", "I'd like a X", "came in", "I miss a X" (rules-7)
    read praise, people, requests of the shop and missed events as needs."""
    assert find_needs([text]) == [[]]


@pytest.mark.parametrize("text, phrase", [
    ("I'd like a replacement filter in the box.", "a replacement filter in the box"),
    ("It has no off switch, which is annoying.", "off switch"),
    ("It has no timer, which is not great.", "timer"),
    ("It came without a manual, so setup took ages.", "a manual"),
    ("I really miss a backlit keypad.", "a backlit keypad"),
])
def test_the_plain_phrasings_still_read_a_missing_feature(text, phrase):
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("Couldn't say a bad word about it, wish it had a carry handle.", "a carry handle"),
    ("I didn't think twice about buying, I wish it had a lid though.", "a lid"),
    ("Never felt rushed at checkout, wish it had a cup holder.", "a cup holder"),
    ("I didn't notice at first that it doesn't come with a lid.", "a lid"),
    ("I wish it had sent me a reminder to descale.", "sent me a reminder to descale"),
])
def test_a_denial_of_something_else_in_the_sentence_keeps_the_need(text, phrase):
    """rules-8: a denial counts only when it governs the trigger (rules-7 read it across commas),
    and a product that sends a reminder is no delivery."""
    assert_one_need(text, phrase)


@pytest.mark.parametrize("text", [
    "I wish they had sent me the right colour.",
    "I don't really think the blender needs a second jug.",
    "Not once have I wished it had a louder alarm.",
])
def test_a_denial_of_the_trigger_and_the_shops_sending_are_still_no_need(text):
    assert find_needs([text]) == [[]]


def test_a_negated_word_is_on_the_other_pole_of_its_scale():
    """rules-8: "less bright" asks for what "dimmer" asks, "not thin" for what "thicker" does."""
    from analysis.needs import _opposite

    assert not _opposite("dimmer screen", "less bright screen")
    assert not _opposite("thicker mat", "mat not thin")
    assert not _opposite("slower spin", "spin no longer fast")
    assert _opposite("brighter screen", "less bright screen")
    assert _opposite("thinner mat", "mat not thin")
    # "less" of a thing is still a quantity
    assert _opposite("less sugar", "more sugar")


@pytest.mark.slow
def test_one_need_worded_from_the_other_pole_is_one_need():
    """rules-8: rules-7 split "a less firm pillow" from "a softer pillow" as if opposite."""
    phrases = ["a softer pillow", "a softer pillow", "a less firm pillow",
               "a warmer blanket", "a warmer blanket", "a less cold blanket",
               "a thicker mat", "a thicker mat", "a mat that is not so thin"]
    groups = group_needs(phrases)
    assert groups["a less firm pillow"] == groups["a softer pillow"] == "softer pillow"
    assert groups["a less cold blanket"] == groups["a warmer blanket"] == "warmer blanket"
    assert groups["a mat that is not so thin"] == groups["a thicker mat"] == "thicker mat"
