"""The review writer: composes varied product reviews and records what each one says.

A review is built from sentences. Every sentence that talks about an aspect marks the term it
uses, so the writer can report, per review, the aspects mentioned (term as written, character
offsets into the body, polarity) and the needs asked for. That record is the demo shop's ground
truth.

>>> import random
>>> from crawler.demo_shop.catalog import PRODUCTS
>>> review = ReviewWriter(random.Random(1)).write(PRODUCTS[0], recent=False)
>>> 1 <= review.rating <= 5 and review.body != ""
True
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from . import vocabulary as v
from .catalog import Product

# An aspect term inside a sentence under construction: ⟦index|term⟧.
_MARK = re.compile(r"⟦(\d+)\|([^⟧]*)⟧")
_BRACKET = re.compile(r"\[([^\]|]+)(?:\|([^\]]+))?\]")
_WORD = re.compile(r"[A-Za-z]{6,}")


@dataclass
class Sentence:
    text: str                                   # with ⟦i|term⟧ marks
    mentions: list[tuple[str, str]] = field(default_factory=list)   # (aspect, polarity) by mark index
    need: str | None = None


@dataclass
class WrittenReview:
    """What the writer produced, with its ground truth."""
    author: str
    rating: int
    title: str | None
    body: str
    language: str
    aspects: list[dict]
    needs: list[str]
    need_spans: list[dict]
    sentiment: str              # positive | negative | neutral | mixed: what the text says
    rating_disagrees: bool
    typos: int


def _tier(rating: int) -> str:
    return "positive" if rating >= 4 else "negative" if rating <= 2 else "neutral"


def _cap(text: str) -> str:
    """Capitalise the first letter of a sentence, also when it starts with a marked term."""
    match = re.match(r"(⟦\d+\|)?([a-z])", text)
    if not match:
        return text
    at = match.start(2)
    return text[:at] + text[at].upper() + text[at + 1:]


class ReviewWriter:
    """Writes reviews for products of the catalog with a seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    # --- public ---------------------------------------------------------------------------

    def write(self, product: Product, recent: bool) -> WrittenReview:
        """One review for `product`; `recent` is True inside the product's emerging-complaint window."""
        rng = self.rng
        if rng.random() < 0.02:
            return self._foreign(product)
        mood = list(product.mood)
        emerging = product.emerging if recent else None
        if emerging:   # unhappy customers pile up while the new problem is around
            mood = [mood[0] * 2.0, mood[1] * 1.8, mood[2] * 1.3, mood[3], mood[4] * 0.8]
        rating = rng.choices(range(1, 6), weights=mood)[0]
        tier = _tier(rating)
        length = rng.choices(("short", "medium", "long"), weights=(0.25, 0.5, 0.25))[0]
        count = {"short": rng.choice((0, 1, 1)), "medium": rng.randint(1, 3), "long": rng.randint(2, 5)}[length]
        mentions = self._pick_aspects(product, count, tier, emerging)

        sentences = self._aspect_sentences(product, mentions, emerging)
        score = sum({"positive": 1, "negative": -1}.get(p, 0) for _, p in mentions)
        # keep the rating in line with what the text ends up saying
        if mentions:
            if tier == "positive" and score < 0:
                rating = 3 if score == -1 else 2
            elif tier == "negative" and score > 0:
                rating = 3
            tier = _tier(rating)

        needs = self._pick_needs(product, length)
        parts: list[Sentence] = []
        if not sentences and not needs:
            parts.append(Sentence(rng.choice(v.SHORT[tier])))
        if length == "long" or (length == "medium" and rng.random() < 0.35):
            parts.append(Sentence(self._opener()))
        if length == "long" and rng.random() < 0.6 or length == "medium" and rng.random() < 0.2:
            parts.append(Sentence(rng.choice(v.USAGE[product.category])))
        rng.shuffle(sentences)
        parts.extend(sentences)
        parts.extend(self._need_sentence(label, tier) for label in needs)
        closer_p = {"short": 0.15, "medium": 0.45, "long": 0.8}[length]
        if rng.random() < closer_p:
            parts.append(Sentence(rng.choice(v.CLOSERS[tier])))

        typos = self._add_typos(parts) if rng.random() < 0.10 else 0
        body, aspects, need_spans = _assemble(parts)
        body = self._style(body, aspects)
        sentiment = _text_sentiment([p for _, p in mentions], tier)
        title = self._title(tier, mentions, parts)
        disagrees = False
        if rating != 3 and rng.random() < 0.035:
            rating, disagrees = (5 if rating <= 2 else 1), True
        return WrittenReview(self._author(), rating, title, body, "en", aspects, list(needs), need_spans,
                             sentiment, disagrees, typos)

    # --- choosing what to say ---------------------------------------------------------------

    def _pick_aspects(self, product: Product, count: int, tier: str, emerging) -> list[tuple[str, str]]:
        rng = self.rng
        names, weights = [], []
        for name in product.aspects:
            if emerging and name == emerging.aspect:
                weight = 8.0
            elif name in product.strengths or name in product.weaknesses:
                weight = 3.0
            elif name in ("delivery", "customer service"):
                weight = 0.5
            else:
                weight = 1.0
            names.append(name)
            weights.append(weight)
        chosen: list[str] = []
        while len(chosen) < min(count, len(names)):
            name = rng.choices(names, weights=weights)[0]
            if name not in chosen:
                chosen.append(name)
        if emerging and emerging.aspect not in chosen and rng.random() < 0.5:
            chosen.append(emerging.aspect)
        return [(name, self._polarity(product, name, tier, emerging)) for name in chosen]

    def _polarity(self, product: Product, name: str, tier: str, emerging) -> str:
        if emerging and name == emerging.aspect:
            odds = (0.05, 0.05, 0.90)
        else:
            strength = name in product.strengths or (product.emerging and name == product.emerging.aspect)
            role = "strength" if strength else "weakness" if name in product.weaknesses else "other"
            # (positive, neutral, negative) by the reviewer's overall mood and the aspect's role
            odds = {
                ("positive", "strength"): (0.92, 0.06, 0.02), ("positive", "weakness"): (0.12, 0.30, 0.58),
                ("positive", "other"): (0.70, 0.20, 0.10), ("neutral", "strength"): (0.70, 0.20, 0.10),
                ("neutral", "weakness"): (0.06, 0.16, 0.78), ("neutral", "other"): (0.35, 0.30, 0.35),
                ("negative", "strength"): (0.35, 0.25, 0.40), ("negative", "weakness"): (0.04, 0.04, 0.92),
                ("negative", "other"): (0.15, 0.20, 0.65),
            }[(tier, role)]
        return self.rng.choices(("positive", "neutral", "negative"), weights=odds)[0]

    def _pick_needs(self, product: Product, length: str) -> list[str]:
        rng = self.rng
        rate = product.need_rate * (0.5 if length == "short" else 1.2 if length == "long" else 1.0)
        if rng.random() >= rate:
            return []
        needs = [rng.choice(product.needs)]
        if length == "long" and rng.random() < 0.2:
            other = rng.choice(product.needs)
            if other not in needs:
                needs.append(other)
        return needs

    # --- writing sentences --------------------------------------------------------------------

    def _term(self, product: Product, name: str) -> str:
        return self.rng.choice(product.aspects[name].terms)

    def _aspect_sentences(self, product: Product, mentions, emerging) -> list[Sentence]:
        rng = self.rng
        positives = [m for m in mentions if m[1] == "positive"]
        negatives = [m for m in mentions if m[1] == "negative"]
        merged: set[str] = set()
        out: list[Sentence] = []
        if positives and negatives and rng.random() < 0.6:
            good, bad = rng.choice(positives), rng.choice(negatives)
            if not (emerging and bad[0] == emerging.aspect and rng.random() < 0.5):
                out.append(self._mixed(product, good[0], bad[0]))
                merged.update((good[0], bad[0]))
        for polarity, pool in (("positive", v.BOTH_POSITIVE), ("negative", v.BOTH_NEGATIVE)):
            same = [m[0] for m in mentions if m[1] == polarity and m[0] not in merged]
            if len(same) >= 2 and rng.random() < 0.3:
                pair = rng.sample(same, 2)
                if emerging and emerging.aspect in pair:
                    continue
                text = self._fill(rng.choice(pool), [self._term(product, n) for n in pair])
                out.append(Sentence(text, [(n, polarity) for n in pair]))
                merged.update(pair)
        for name, polarity in mentions:
            if name not in merged:
                out.append(self._single(product, name, polarity, emerging))
        return out

    def _fill(self, template: str, terms: list[str], **words) -> str:
        marks = {}
        for i, term in enumerate(terms):
            lower = f"⟦{i}|{term}⟧"
            upper = f"⟦{i}|{term[:1].upper() + term[1:]}⟧"
            suffix = "" if len(terms) == 1 else str(i + 1)
            marks["t" + suffix], marks["T" + suffix] = lower, upper
        return _cap(template.format(**marks, **words))

    def _single(self, product: Product, name: str, polarity: str, emerging) -> Sentence:
        rng = self.rng
        aspect = product.aspects[name]
        mention = [(name, polarity)]
        if emerging and name == emerging.aspect and polarity == "negative" and rng.random() < 0.6:
            return Sentence(_specific(rng.choice(emerging.lines)), mention)
        term = self._term(product, name)
        good, bad = rng.choice(aspect.good), rng.choice(aspect.bad)
        words = dict(good=good, Good=good[:1].upper() + good[1:], bad=bad, very=rng.choice(v.VERY),
                     short=rng.choice(aspect.short or ("good enough",)), better="better")
        roll = rng.random()
        if polarity != "neutral" and rng.random() < 0.06:
            pool = v.COMPARE_POSITIVE if polarity == "positive" else v.COMPARE_NEGATIVE
            return Sentence(self._fill(rng.choice(pool), [term], **words), mention)
        if polarity == "positive":
            if roll < 0.35 and aspect.praise:
                return Sentence(_specific(rng.choice(aspect.praise)), mention)
            pool = v.POSITIVE_NEGATED if roll > 0.78 else v.POSITIVE
        elif polarity == "negative":
            if roll < 0.35 and aspect.complaints:
                return Sentence(_specific(rng.choice(aspect.complaints)), mention)
            pool = v.NEGATIVE_NEGATED if roll > 0.75 else v.NEGATIVE
        else:
            if roll < 0.25 and aspect.neutral:
                return Sentence(_specific(rng.choice(aspect.neutral)), mention)
            pool = v.NEUTRAL
        return Sentence(self._fill(rng.choice(pool), [term], **words), mention)

    def _mixed(self, product: Product, good_name: str, bad_name: str) -> Sentence:
        rng = self.rng
        good_aspect, bad_aspect = product.aspects[good_name], product.aspects[bad_name]
        text = self._fill(rng.choice(v.MIXED), [self._term(product, good_name), self._term(product, bad_name)],
                          good1=rng.choice(good_aspect.good), bad2=rng.choice(bad_aspect.bad))
        return Sentence(text, [(good_name, "positive"), (bad_name, "negative")])

    def _need_sentence(self, label: str, tier: str) -> Sentence:
        rng = self.rng
        need = v.NEEDS[label]
        pools = [v.NEED_NP, v.NEED_NP] + ([v.NEED_BUT] if tier == "positive" else [])
        if need.accessory:
            pools.append(v.NEED_ACCESSORY)
        if need.vp:
            pools.append(v.NEED_VP)
        template = rng.choice(rng.choice(pools))
        return Sentence(_cap(template.format(np=need.np, bare=need.bare, vp=need.vp)), need=label)

    def _opener(self) -> str:
        rng = self.rng
        return rng.choice(v.OPENERS).format(n=rng.randint(2, 11), relative=rng.choice(v.RELATIVES))

    def _title(self, tier: str, mentions, parts: list[Sentence]) -> str | None:
        rng = self.rng
        if rng.random() < 0.07:
            return None
        usable = [(n, p) for n, p in mentions if p != "neutral" and _tier_match(p, tier)]
        if usable and rng.random() < 0.35:
            name, polarity = rng.choice(usable)
            term = next((t for s in parts for i, t in _terms(s.text) if s.mentions[i][0] == name), name)
            term = term.lower() if term not in ("ANC",) else term
            return _cap(rng.choice(v.ASPECT_TITLES[polarity]).format(t=term, T=term[:1].upper() + term[1:]))
        return rng.choice(v.TITLES[tier])

    def _style(self, body: str, aspects: list[dict]) -> str:
        """Some people type in lower case, some end with '!!'; offsets stay valid."""
        roll = self.rng.random()
        if roll < 0.04:
            body = body.lower()
            for a in aspects:
                a["term"] = body[a["start"]:a["end"]]
        elif roll < 0.09 and body.endswith("."):
            body = body[:-1] + "!!"
        return body

    def _author(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.75:
            return f"{rng.choice(v.AUTHOR_FIRST)} {rng.choice(v.AUTHOR_LAST)}."
        if roll < 0.9:
            return rng.choice(v.AUTHOR_FIRST)
        return f"{rng.choice(v.AUTHOR_HANDLES)}{rng.randint(1, 99)}"

    def _add_typos(self, parts: list[Sentence]) -> int:
        """Misspell one or two common words outside aspect terms; returns how many."""
        rng = self.rng
        wanted = rng.choice((1, 1, 2))
        done = 0
        for _ in range(wanted):
            spots = []
            for i, sentence in enumerate(parts):
                for segment_start, segment in _plain_segments(sentence.text):
                    for word in v.TYPOS:
                        for m in re.finditer(rf"(?<![A-Za-z']){re.escape(word)}(?![A-Za-z'])", segment):
                            spots.append((i, segment_start + m.start(), segment_start + m.end(), v.TYPOS[word]))
            if not spots:
                for i, sentence in enumerate(parts):
                    for segment_start, segment in _plain_segments(sentence.text):
                        for m in _WORD.finditer(segment):
                            word = m.group()
                            at = rng.randint(1, len(word) - 2)
                            swapped = word[:at] + word[at + 1] + word[at] + word[at + 2:]
                            spots.append((i, segment_start + m.start(), segment_start + m.end(), swapped))
            if not spots:
                break
            i, start, end, replacement = rng.choice(spots)
            text = parts[i].text
            parts[i].text = text[:start] + replacement + text[end:]
            done += 1
        return done

    # --- non-English ----------------------------------------------------------------------------

    def _foreign(self, product: Product) -> WrittenReview:
        rng = self.rng
        language = rng.choice(sorted(v.FOREIGN))
        bank = v.FOREIGN[language]
        tier = rng.choices(("positive", "negative"), weights=(0.65, 0.35))[0]
        rating = rng.choice((4, 5)) if tier == "positive" else rng.choice((1, 2))
        lines = rng.sample(bank[tier], rng.randint(1, 3))
        parts = []
        for line in lines:
            text = _specific(line)
            names = [m.group(2) or m.group(1) for m in _BRACKET.finditer(line)]
            # outdoor gear has durability where other products have build quality
            names = ["durability" if n not in product.aspects and "durability" in product.aspects else n
                     for n in names]
            parts.append(Sentence(text, [(name, tier) for name in names]))
        body, aspects, _ = _assemble(parts)
        title = bank["titles"][0 if tier == "positive" else 1]
        return WrittenReview(self._author(), rating, title, body, language, aspects, [], [], tier, False, 0)


def _text_sentiment(polarities: list[str], tier: str) -> str:
    """What the text says: from its aspect mentions, or the reviewer's mood when it has none."""
    kinds = set(polarities) - {"neutral"}
    if kinds == {"positive", "negative"}:
        return "mixed"
    if kinds:
        return kinds.pop()
    return "neutral" if polarities else tier


def _tier_match(polarity: str, tier: str) -> bool:
    return tier == "neutral" or polarity == tier


def _terms(text: str) -> list[tuple[int, str]]:
    return [(int(m.group(1)), m.group(2)) for m in _MARK.finditer(text)]


def _specific(line: str) -> str:
    """'The [battery] lasts.' -> a sentence with the term marked; [term|aspect] keeps the term."""
    count = iter(range(100))
    return _cap(_BRACKET.sub(lambda m: f"⟦{next(count)}|{m.group(1)}⟧", line))


def _plain_segments(text: str):
    """(start, text) pieces of a sentence that lie outside marked terms."""
    at = 0
    for m in _MARK.finditer(text):
        yield at, text[at:m.start()]
        at = m.end()
    yield at, text[at:]


def _assemble(parts: list[Sentence]) -> tuple[str, list[dict], list[dict]]:
    """Join sentences into the body; return it with aspect and need spans as offsets into it."""
    body = ""
    aspects: list[dict] = []
    need_spans: list[dict] = []
    for sentence in parts:
        if body:
            body += " "
        sentence_start = len(body)
        at = 0
        for m in _MARK.finditer(sentence.text):
            body += sentence.text[at:m.start()]
            index, term = int(m.group(1)), m.group(2)
            aspect, polarity = sentence.mentions[index]
            aspects.append({"aspect": aspect, "term": term, "polarity": polarity,
                            "start": len(body), "end": len(body) + len(term)})
            body += term
            at = m.end()
        body += sentence.text[at:]
        if sentence.need:
            need_spans.append({"need": sentence.need, "start": sentence_start, "end": len(body)})
    return body, aspects, need_spans
