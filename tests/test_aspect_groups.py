"""Canonical aspect names of compounds: a generic head ("tag", "point") is not the aspect, its modifier is."""
from __future__ import annotations

import numpy as np
import pytest

from analysis import aspect_groups
from analysis.aspect_groups import group_aspects


def _meaning(*together: set[str]):
    """A stand-in for the embeddings: the texts of each set mean the same, all others differ."""
    def embed(texts):
        index: dict[str, int] = {}
        for text in texts:
            same = next((s for s in together if text in s), {text})
            index.setdefault(text, next((index[t] for t in same if t in index), len(set(index.values()))))
        rows = np.eye(max(len(texts), 2), dtype=np.float32)
        return rows[[index[t] for t in texts]]
    return embed


@pytest.mark.parametrize("terms", [
    ["price tag", "price tag", "price", "tag"],
    ["price tags", "price", "tag", "tag", "tag"],
    ["price point", "price", "tag"],
    ["price range", "price range", "price"],
])
def test_a_compound_with_a_generic_head_joins_its_modifier(monkeypatch, terms):
    """'price tag' is about the price: it joins "price" when the store has it, even beside a "tag"."""
    monkeypatch.setattr(aspect_groups, "embed", _meaning())
    groups = group_aspects(terms)
    assert {groups[t] for t in terms if t.startswith("price")} == {"price"}
    assert groups.get("tag", "tag") == "tag"


def test_a_generic_head_does_not_name_a_group_the_compound_is_in(monkeypatch):
    """Where meaning puts "price tag" and "tag" together, the compound's mentions do not count
    for "tag": the group is not named after the generic word."""
    monkeypatch.setattr(aspect_groups, "embed", _meaning({"price tag", "tag"}))
    groups = group_aspects(["price tag", "price tag", "tag"])
    assert groups == {"price tag": "price tag", "tag": "price tag"}


def test_heads_that_are_the_aspect_still_take_the_compound(monkeypatch):
    """The rule is only for generic heads: "laptop battery" is a battery, and "battery level" and
    "sound quality" name an attribute of the word before them."""
    monkeypatch.setattr(aspect_groups, "embed", _meaning({"active noise cancelling", "noise cancelling"}))
    terms = ["laptop battery", "battery level", "battery", "sound quality", "sound", "laptop",
             "active noise cancelling", "active noise cancelling", "noise cancelling"]
    groups = group_aspects(terms)
    assert groups["laptop battery"] == groups["battery level"] == groups["battery"] == "battery"
    assert groups["sound quality"] == "sound"
    assert groups["laptop"] == "laptop"
    # a longer term's mentions still count for the aspect it ends on
    assert groups["active noise cancelling"] == groups["noise cancelling"] == "noise cancelling"


@pytest.mark.slow
def test_price_tag_is_price_with_the_real_embeddings():
    groups = group_aspects(["price tag", "price tag", "price", "tag", "price point", "battery level", "battery"])
    assert groups["price tag"] == groups["price point"] == groups["price"] == "price"
    assert groups["battery level"] == "battery"
