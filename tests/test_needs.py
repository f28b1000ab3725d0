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
])
def test_needs_found_with_phrase(text, phrase):
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
