"""Unmet needs: what customers wish for, ask for or miss, with the need phrase extracted.

A need is found by a trigger ("I wish it had", "would be perfect if it came with", "no way to",
"doesn't come with", "it lacks", "missing a", "needs a", "please add", "could use"...) followed by
the thing wished for, up to the end of its clause. Triggers are regular expressions whose
subject must be the product (it/this/they/the X), so "I needed a kettle and this is great" is
not a need. When the wish is only a comparison ("..., wish it was longer") the phrase reaches
back to the noun it is about ("cable is too short, wish it was longer").

:func:`group_needs` gives phrases that ask for the same thing one label: each phrase is reduced
to its content words (comparatives first: "the cable is too short, wish it was longer" ->
"longer cable"), then labels are clustered by all-MiniLM-L6-v2 embeddings and each cluster is
named by its most frequent key. Keys that ask for opposite things ("longer" / "shorter", "more" /
"fewer", "turn on" / "turn off": the scales in ``_OPPOSITES``) never share a label (rules-7); a
word negated by "less", "not", "no longer" or "non-" is on the other pole, so "a less loud beep"
and "a quieter beep" are one need (rules-8).

What is no need (rules-7, rules-8): a trigger a denial governs ("I don't think it needs a timer";
not "Can't say enough good things, wish it had a timer") or
others' wish the writer rejects ("Some say it lacks a lid, but I disagree"); an absent fault
("there was no chemical taste", see ``_ABSENT_FAULT``); one delivery's trouble ("the package was
missing the cord", "I wish it had arrived sooner"); an absence the customer is glad of ("It has
no sharp edges, so it is safe"); what is asked of the shop ("I'd like a full refund").

Example::

    from analysis.needs import find_needs, group_needs
    find_needs(["I wish it had a longer cable.", "Great kettle."])
    # [[Need(phrase='a longer cable', start=14, end=28)], []]
    group_needs(["a longer cable", "longer cord", "the cable is too short, wish it was longer"])
    # all three -> 'longer cable'
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from analysis.sentences import spans_between

NEED_SIMILARITY = 0.68
# Bumped when the patterns change, so the pipeline reads needs again (rules-3 also stores the
# vectors of need phrases that need themes cluster, and makes the aspect mentions inside a need
# phrase neutral: analysis.pipeline.asked_not_judged; rules-4 keeps praise out, reads curly
# apostrophes, keeps "3.5mm" whole and splits "a longer cable and a bigger tank" in two; rules-5
# keeps out a lack whose own clause praises it: "the lack of buttons makes it so clean"; rules-6
# takes "easy" as praise only of use, "makes it easy to clean", not "easy to overcook the rice").
# rules-7 keeps opposite needs apart ("a longer cable" / "a shorter cable"), drops denied and
# rejected second-hand wishes ("I don't think it needs a timer", "Some say it lacks a lid, but I
# disagree"), the praise of an absent fault ("there was no chemical taste"), one parcel's trouble
# ("the box was missing the cord", "I wish it had arrived sooner"), and reads "it has no X", "it
# came without X", "I'd love a X", "I miss a X", "I wish it came in X".
# rules-8 (a review of rules-7): the plainer phrasings fire only on needs: "it has no X" / "it came
# without X" only with the product as subject (not "they" or a person), not on an absence the
# customer is glad of ("no sharp edges", "..., so it is safe"); "I'd like a X" not for what is asked
# of the shop ("a full refund"); "came in" not "came in time / handy"; "I miss a X" not an event
# ("a call now and then"). A denial counts only when it governs the trigger ("Can't say enough
# good things, wish it had a timer" is a need); "it had sent me a notification" is no delivery;
# "less loud" / "not short" are on the pole of "quieter" / "longer", not its opposite.
VERSION = "rules-8"


@dataclass(frozen=True)
class Need:
    """One unmet need in a text: ``text[start:end] == phrase`` ("a longer cable")."""
    phrase: str
    start: int
    end: int


_SUBJ = r"(?:it|this|they|these|that|there|he|she|the\s+[\w-]+(?:\s+[\w-]+)?|this\s+[\w-]+|mine|one)"
# rules-8: "came in" is a need of a size or colour ("I wish it came in a travel size"), not the
# arrival or the use: "I wish it came in time for Christmas", "came in handy", "came in the mail".
_CAME_IN = (r"(?:came|comes?)\s+in(?!\s+(?:time|on\s+time|handy|useful|the\s+(?:mail|post|box|end)|"
            r"(?:the\s+)?(?:mail|post)|early|earlier|late|later|sooner|quicker|faster|first|last|second|third|"
            r"one\s+piece|pieces|broken|damaged|perfect\s+condition|good\s+condition|yesterday|today)\b)")
_TO = r"(?:had|has|have|came\s+with|" + _CAME_IN + r"|(?:was|were)\s+available\s+in|come\s+with|would\s+come\s+with|included|include|offered|" \
      r"featured|was|were|would\s+be|would\s+have|could\s+be|could|would|did|made|used|allowed|let\s+(?:me|you|us))"
# After "there is no": things nobody wants, so their absence is praise or a plain fact, not a need
# ("there was no wait", "no discount at the time").
# Wear and faults count too: "still no leaks after six months", "there's still no limescale";
# and the clutter a device can come with: "there's no bloatware". A word joined on by a hyphen is
# another thing ("no noise-cancelling", "no leak-proof lid"), and so is "noise cancelling".
_NOT_WANTED = (r"(?:wait|line|queue|discount|sale|coupon|hassle|fuss|drama|delay|lag|smell|odou?r|"
               r"noise(?!\s+cancel)|rattle|wobble|mess|damage|scratch(?:es)?|sign|trace|difference|catch|risk|fee|"
               r"extra\s+charge|rush|hurry|pressure|learning\s+curve|"
               r"leaks?|leaking|drips|dripping|rust|rusting|corrosion|limescale|build-?up|mou?ld|stains?|"
               r"cracks?|cracking|chips|chipping|dents?|tears?|rips?|fraying|fading|peeling|pilling|wear|"
               r"breakage|breakdowns?|faults?|flaws?|defects?|failures?|glitch(?:es)?|bugs?|crash(?:es)?|"
               r"bloatware|adware|crapware|ads|adverts?|advertising|spam)(?![\w-])")
# Absent faults (rules-7): after "there is no / still no / has no / lack of", a missing FEATURE is a
# thing the product has or one does with it ("there's no timer", "no way to", "no option for");
# an absent FAULT is something it does to you, felt, heard, tasted or seen: "there was no chemical
# taste", "no vibration on the counter", "no squeaking at all". Two general signs tell the fault:
# - its head noun is one of these fault nouns (sensations and misbehaviours; up to two words may
#   come before it, "no weird plastic taste"), and it ends its noun phrase: "no vibration on the
#   counter" is a fault, "no vibration dampening" a feature (the noun is only a modifier there);
# - or it is a bare "-ing" noun of a process ("no clicking", "no sputtering") that ends its noun
#   phrase while the clause stresses the absence ("at all", "whatsoever", "even after / when / at
#   ..."): "no backlighting, which is a pain" stays a need.
_NP_END = (r"(?=\s*(?:[.!?,;:)\n]|$)|\s+(?:at|on|in|from|with|when|while|even|whatsoever|like|as|during|after|under|"
           r"to|or|and|either|so|but|which|that|compared|unlike|for|of|i|we|it|anymore|yet|now|ever)\b)")
_FAULT_NOUNS = (r"(?:noises?|smells?|odou?rs?|leaks?|leaking|rust|lag|delay|after-?taste|taste|tastes|vibrations?|vibrating|static|hiss(?:ing)?|hum(?:ming)?|buzz(?:ing)?|whine|"
                r"whining|squeak(?:s|ing)?|squeal(?:s|ing)?|creak(?:s|ing)?|rattl(?:es|ing)|flicker(?:s|ing)?|glare|"
                r"condensation|over-?heating|overheat|residue|splatter(?:ing)?|spatter(?:ing)?|splash(?:es|ing)?|"
                r"spills?|spillage|smoke|fumes|stench|stink|distortion|interference|crackl(?:e|es|ing)|popping|"
                r"hissing|echo|grit|sediment|dust|lint|clumping|clumps|sticking|burning|scorching|warping|wobbling|"
                r"jamming|jams?|clogging|clogs?|stuttering|dropouts?|skipping|sweating|irritation|itching|pain|"
                r"blisters?|streaks?|streaking|smudg(?:es|ing)|fingerprints|bleeding|shrinkage|shrinking)")
_ABSENT_FAULT = (r"(?:(?:[\w-]+\s+){0,2}?" + _FAULT_NOUNS + r"(?![\w-])" + _NP_END + r"|"
                 r"(?:[\w-]+\s+)?\w{3,}ing(?![\w-])" + _NP_END +
                 r"(?=[^.!?;]*?\b(?:at\s+all|whatsoever|even\s+(?:after|when|at|on|with|in|under|during|on|over|if))\b))")
# "no way to go wrong / beat this price / mess it up": set phrases of praise, not a way wished for
_WAY_OF_PRAISE = (r"way\s+to\s+(?:go\s+wrong|get\s+(?:it|this|that)\s+wrong|beat|better|fault|improve\s+on|"
                  r"mess\s+(?:(?:it|this|that|them)\s+)?up|screw\s+(?:(?:it|this|that|them)\s+)?up|lose|fail|"
                  r"complain|break\s+(?:it|this|them))\b")
# "It needs to be said", "This needs to be in every kitchen": a set phrase, or praise
_NEED_OF_PRAISE = (r"to\s+be\s+(?:said|noted|mentioned|stressed|seen\s+to\s+be\s+believed|"
                   r"(?:in|on)\s+(?:every|each|everyone's|your)\b)")
# Words that start a sentence about the product or the customer, not about a thing wished for
# ("This would be perfect for camping", "Everything is missing", "My kids would love it").
_NOT_A_THING = (r"(?:it|this|that|these|those|they|which|he|she|i|we|you|mine|everything|nothing|anything|"
                r"something|one|the|my|our|your|his|her|their|its|what|who|there|here|honestly|overall|otherwise|not|no|none|"
                r"nobody|every|all|each|some\s+of|never|"
                # an opening adverb is no thing: "Sure would be nice to have ...", "Definitely would be better with ..."
                r"sure|surely|really|definitely|honestly|certainly|truly|absolutely|seriously|probably|maybe|perhaps|"
                r"actually|still|also|just|personally|frankly|obviously|admittedly|again|though|yes|yeah|"
                r"price|quality|coffee|food)\b")
# Subjects that are the product, not the customer ("it/this/the lid doesn't have ...").
_PRODUCT = r"(?:it|this|they|these|that|mine|the\s+[\w-]+(?:\s+[\w-]+)?|this\s+[\w-]+)"
# After "doesn't have / come with": the absence of trouble is praise ("It doesn't have any
# problems", "didn't come with a single flaw"), so these words, or one word before them, end it.
_NO_TROUBLE = (r"(?!\s+(?:[\w-]+\s+)?(?:problems?|issues?|complaints?|trouble|flaws?|faults?|defects?|drawbacks?|"
               r"downsides?|bugs?|glitches|hiccups?|difficult(?:y|ies))\b)")
# After "lack of X": the clause says the absence does good ("The lack of buttons makes it so clean",
# "... is what I love", "... is a plus", "... keeps it simple"), so it is praise, not a need. Only
# intensifiers may stand between the verb and the praise, so "is not great" and "makes it hard to
# use" stay needs; the look stops where a new clause starts ("and the lid is great" is another thing).
_PRAISE_ADVERBS = (r"(?:(?:so|very|really|honestly|actually|truly|just|absolutely|also|definitely|genuinely|quite|"
                   r"super|much|way)\s+)*")
_PRAISED_LACK = (
    r"(?:(?!\b(?:but|so|because|since|though|although|while|which|as|and\s+(?:i|it|the|this|they|that|we|you|my))\b)"
    r"[^.!?;,])*?"
    r"\b(?:(?:is|was|are|were)\s+" + _PRAISE_ADVERBS +
    r"(?:(?:a|an)\s+(?:(?:real|huge|big|definite|nice|welcome|great|major|massive|added|hidden|good)\s+)?"
    r"(?:plus|bonus|blessing|relief|godsend|feature|selling\s+point|win|highlight|good\s+thing)|"
    r"great|welcome|refreshing|nice|lovely|brilliant|perfect|fantastic|wonderful|amazing|awesome|excellent|ideal|"
    r"fine|good|"
    r"(?:exactly\s+)?what\s+(?:i|we)\s+(?:really\s+)?(?:love|loved|like|liked|wanted|appreciate)|"
    r"why\s+(?:i|we)\s+(?:bought|chose|love|like))|"
    r"(?:makes?|made|making|keeps?|kept|keeping)\s+(?:it|this|them|things|everything|the\s+[\w-]+|for\s+(?:a|an)?)?\s*"
    + _PRAISE_ADVERBS + r"(?:nice\s+and\s+)?"
    r"(?:clean|cleaner|simple|simpler|sleek|sleeker|minimal|tidy|tidier|quiet|quieter|light|lighter|elegant|"
    r"uncluttered|intuitive|fool-?proof|streamlined|calm|neat|straightforward|a\s+joy|a\s+breeze|a\s+pleasure|"
    r"(?:the\s+)?(?:price|cost|weight)\s+down|"
    # "easy" only as praise of use: "makes it easy to overcook the rice" is no praise
    r"(?:easy|easier)(?=\s*(?:[.!?;,]|$)|\s+to\s+(?:use|clean|wipe|operate|read|carry|store|hold|grip|handle|"
    r"find|learn|understand|set\s+up|pack|travel\s+with|live\s+with|navigate)\b)))\b"
)
# rules-8: the subject of the plainer phrasings ("it has no X", "it came without X"): the product
# only, it / this (X) / the X; not "they" (often the shop or its staff) nor a person.
_PEOPLE = (r"(?:cashier|clerk|staff|staffer|seller|vendor|store|shop|company|manager|employee|employees|guy|guys|"
           r"lady|ladies|man|men|woman|women|people|person|driver|courier|technician|tech|rep|agent|support|service|"
           r"team|owner|owners|salesman|saleswoman|salesperson|waiter|waitress|server|host|doctor|landlord|"
           r"receptionist|girl|boy|kid|kids|child|children|family|husband|wife|son|daughter|friend|neighbou?r|"
           r"customer|retailer|merchant|warehouse|website|site|seller's|restaurant|hotel|bank|office|government)")
_THE_PRODUCT = (r"(?:it|this(?:\s+(?!" + _PEOPLE + r"\b)[\w-]+)?|"
                r"the\s+(?:[\w-]+\s+)?(?!" + _PEOPLE + r"\b)[\w-]+)")
# ... and absences that are glad news: things nobody wants on a product ("no sharp edges", "no
# hot spots", "no moving parts", "no BPA"), and "no redeeming features", a verdict, not a wish.
_GLAD_ABSENT = (r"(?:(?:[\w-]+\s+)?(?:sharp|rough|jagged)\s+(?:edges?|corners?|bits?)|(?:hot|cold|weak|dead)\s+spots?|"
                r"moving\s+parts?|weak\s+points?|redeeming|bpa|chemicals?|toxins?|additives?|preservatives?|"
                r"fillers?|(?:added\s+)?sugars?|calories|gluten|allergens?|side\s+effects?|"
                r"seams?|gaps?|loose\s+(?:parts?|threads?|ends?))\b")
# What one asks of the shop, not of the product: "I'd like a (full) refund / a reply / a call back".
# The word must end its noun: "I'd like a replacement filter" asks for a part.
_ASK_OF_SHOP = (r"(?:[\w-]+\s+){0,2}?(?:refund|replacement|return|exchange|discount|response|reply|answer|call(?:\s+back)?|"
                r"callback|credit|voucher|coupon|apology|explanation|word|update|resolution|compensation|"
                r"reimbursement|rebate|tracking\s+number|manager|supervisor|receipt|invoice)s?"
                r"(?=\s*(?:[.!?,;:)]|$)|\s+(?:for|from|of|on|to|or|and|please|asap|as|if|because|since|now|"
                r"immediately|back|soon|with|within|instead)\b)")
# "I miss a call now and then": an event one misses, not a feature the product lacks
_MISSED_EVENT = (r"(?:calls?|texts?|messages?|notifications?|alerts?|beat|step|steps|day|days|dose|turn|train|bus|"
                 r"flight|deadline|appointment|meeting|payment|stitch|spot|chance|shot|note|word|episode|class|"
                 r"delivery|parcel|package|reminder|alarm|ring|knock|doorbell|visitor|moment|lot|few|couple)")
_NOW_AND_THEN = (r"\b(?:now\s+and\s+(?:then|again)|once\s+in\s+a\s+while|every\s+(?:so\s+often|now\s+and|once|time)|"
                 r"from\s+time\s+to\s+time|sometimes|occasionally|often)\b")
# rules-8: "It has no sharp edges, so it is safe for kids", "... which is great": the rest of the
# sentence says the absence does good, so it is praise (for "has no X" and "came without X").
# Not "which is not great", nor praise after "but" (another thing).
_PRAISED_ABSENCE = re.compile(
    r"^[\s,]*(?:so|which|and|meaning|making|that's|that\s+is|means)\b"
    r"(?:(?!\b(?:but|though|although|except)\b)[^.!?;])*?(?<!\bnot\s)(?<!n't\s)(?<!\bnever\s)(?<!\bless\s)"
    r"\b(?:safe|safer|nothing\s+(?:can|to|will|could|ever)\s+(?:\w+\s+)?(?:break|go\s+wrong|fail|wear|snag)|"
    r"great|good|nice|lovely|perfect|brilliant|excellent|fantastic|wonderful|ideal|a\s+(?:real\s+|big\s+|huge\s+)?"
    r"(?:plus|bonus|relief|win)|love|(?:easy|easier)\s+to\s+(?:clean|use|wash)|durable|reliable|sturdy|"
    r"(?:it|this)\s+(?:is|feels|looks|stays)\s+(?:so\s+|very\s+|really\s+)?(?:clean|sleek|simple|quiet|fine))\b",
    re.IGNORECASE)
# Each pattern marks where the need phrase starts with the named group "p"; the phrase runs to
# the end of its clause (or names the whole phrase "w"). Order matters: the first match at a position wins.
TRIGGERS = [
    # wishes
    rf"\b(?:i|we)?\s*(?:only\s+|really\s+|do\s+|keep\s+|kept\s+)?wish(?:ed|es|ing)?\s+(?:that\s+)?(?P<subj>{_SUBJ})\s+{_TO}\s+(?P<p>\S)",
    r"\bwish(?:ed|ing)?\s+for\s+(?P<p>(?:a|an|more|some|better|\w+er)\b)",
    r"\bif\s+only\s+(?P<subj>it|they|this|the\s+[\w-]+)\s+(?:had|came\s+with|" + _CAME_IN + r"|was|were|could|would)\s+(?P<p>\S)",
    # would be better / perfect if
    r"\bwould\s+(?:be|have\s+been)\s+(?:\w+\s+)?(?:perfect|great|better|nicer|ideal|awesome|nice|good|"
    r"amazing|excellent|5\s+stars|five\s+stars)\s+if\s+(?P<subj>it|they|this|there|the\s+[\w-]+)\s+"
    r"(?:had|has|came\s+with|come\s+with|" + _CAME_IN + r"|included|was|were|would|could|did|offered)\s+(?P<p>\S)",
    r"\b(?:(?:it|that|this)\s+)?would\s+be\s+(?:\w+\s+)?(?:nice|great|good|better|helpful|useful|handy)\s+"
    r"(?:to\s+have|to\s+be\s+able\s+to|if\s+(?:there\s+(?:was|were)|you\s+could|i\s+could|we\s+could))\s+(?P<p>\S)",
    r"\b(?:i|we)(?:'d|\s+would)\s+(?:love|like|prefer)\s+(?:to\s+see\s+|it\s+to\s+have\s+)(?P<p>\S)",
    # "(I'd / I would / Would) love to be able to ...", "... love it if it had ..."
    r"(?:\b(?:i|we)(?:'d|\s+would)|(?<![\w'])would)\s+(?:really\s+|so\s+)?(?:love|like)\s+(?:to\s+be\s+able\s+to|to\s+have|"
    r"it\s+if\s+(?:it|they|there)\s+(?:had|came\s+with|could|was|were|included))\s+(?P<p>\S)",
    # "it would be perfect / so much better with a ..."
    r"(?:\b(?:it|this|they|that)\s*(?:'d|\s+would)|(?:^|(?<=[.!?]\s)|(?<=\bbut\s))(?:[a-z]+ly\s+|sure\s+)?would)"
    r"\s+be\s+(?:\w+\s+){0,3}?(?:perfect|better|great|nicer|ideal|"
    r"awesome|amazing|excellent|flawless|5\s+stars|five\s+stars)\s+with\s+(?P<p>\S)",
    # "if it had a ... (it would be perfect)": a determiner or a comparative follows, so
    # "if it had been / had broken" is no need
    r"\bif\s+(?:only\s+)?(?:it|they|this|the\s+[\w-]+)\s+(?:had|came\s+with|included|offered)\s+"
    r"(?P<p>(?:a|an|more|some|better|extra|another|two|\w+er)\b)",
    # "My only wish is ...", "The one thing missing is ...", "What's missing is ...", "All it needs is ..."
    r"\b(?:my|our)\s+(?:only|one|biggest|main|single)\s+(?:wish|request|ask)\s+(?:is|would\s+be)\s+(?:for\s+|that\s+)?(?P<p>\S)",
    r"\b(?:the\s+)?(?:only|one)\s+(?:thing|feature|thing\s+(?:it's|it\s+is|that's|that\s+is))\s+(?:still\s+|really\s+)?"
    r"missing\s+(?:is|was|would\s+be)\s+(?P<p>\S)",
    r"\bwhat(?:'s|\s+is)\s+(?:still\s+|really\s+)?missing\s+is\s+(?P<p>\S)",
    r"\ball\s+(?:it|this|they)\s+(?:needs|need|lacks|is\s+missing)\s+is\s+(?P<p>\S)",
    # "I'd happily pay extra for ..."
    r"\b(?:i|we)(?:'d|\s+would)\s+(?:happily\s+|gladly\s+|definitely\s+|even\s+|easily\s+)?pay\s+"
    r"(?:a\s+(?:bit|little|lot)\s+|\S+\s+)?(?:more|extra)\s+for\s+(?P<p>\S)",
    # "I wish I could set it to ...": what the customer cannot do with it (not "give it 6 stars")
    r"\b(?:i|we)\s+(?:really\s+|just\s+)?wish(?:ed)?\s+(?:that\s+)?(?:i|we|you)\s+could\s+"
    r"(?!(?:give|rate|return|get|afford|buy|find|say|tell|recommend|have|go|eat|stay|come|keep\s+it|send|"
    r"love|like|use\s+it\s+more|try|make\s+it\s+work)\b)(?P<p>\S)",
    # missing things
    r"\bno\s+(?P<p>(?!" + _WAY_OF_PRAISE + r")way\s+to\b)",
    r"\b(?:does\s*n[o']?t|did\s*n[o']?t|do\s*n[o']?t|does\s+not|did\s+not|do\s+not|won't|will\s+not)\s+"
    r"(?:even\s+)?(?:come\s+with|include|offer|support)\s+(?P<p>(?:a|an|any|the)\b" + _NO_TROUBLE + ")",
    # "it doesn't have a handle": the product must be the subject ("I don't have a dishwasher" is
    # about the customer), or "Doesn't have" must open a sentence (only the product "doesn't")
    r"(?:\b" + _PRODUCT + r"\s+(?:really\s+|still\s+|also\s+|sadly\s+|just\s+)?"
    r"(?:does\s*n[o']?t|did\s*n[o']?t|do\s*n[o']?t|does\s+not|did\s+not|do\s+not|won't|will\s+not)|"
    r"(?:^|(?<=[.!?]\s)|(?<=\bbut\s)|(?<=;\s))(?:does\s*n[o']?t|does\s+not))\s+"
    r"(?:even\s+)?have\s+(?P<p>(?:a|an|any|the)\b" + _NO_TROUBLE + ")",
    # "doesn't come with extra tips": any thing after "come with" / "include" (not "have": "doesn't
    # have much ..." is no need)
    r"\b(?:does\s*n[o']?t|did\s*n[o']?t|do\s*n[o']?t|does\s+not|did\s+not|do\s+not|won't|will\s+not)\s+"
    r"(?:even\s+)?(?:come\s+with|include)\s+(?P<p>(?!it\b|that\b|much\b|everything\b|anything\s+else\b)\w)",
    r"\b(?:really|sorely|badly|definitely|still|seriously)\s+missing\s+(?P<p>(?!out\b)\w)",
    # "Why is there no ...?", "Why doesn't it have ...?", "Why no ...?"
    r"\bwhy\s+(?:on\s+earth\s+|oh\s+why\s+)?(?:is|was|are|were)\s+there\s+no\s+(?P<p>\w)",
    r"\bstill\s+no\s+(?P<p>(?!problems?\b|issues?\b|complaints?\b|regrets?\b|luck\b|answer\b|reply\b|response\b|word\b|"
    r"(?:[\w-]+\s+)?" + _NOT_WANTED + r"|" + _ABSENT_FAULT + r")\w)",
    # "No metric scale on the tape, which is a pain", "No Wi-Fi?? Come on."
    r"(?:^|(?<=[.!?]\s)|(?<=\bbut\s))no\s+(?P<p>(?!problems?\b|issues?\b|complaints?\b|regrets?\b|doubt\b|way\s+(?:i|you|we)\b|"
    r"" + _NOT_WANTED + r"|" + _ABSENT_FAULT + r")\w)(?=[^.!?]*?(?:which\s+is\s+(?:a\s+|really\s+|very\s+|so\s+)?(?:shame|pain|annoying|disappointing|"
    r"frustrating|odd|strange|weird)|\?\?|come\s+on))",
    # not "I love the lack of fan noise" nor "the lack of buttons makes it so clean": a lack the
    # customer enjoys, or of something unwanted
    r"(?<!\blove\sthe\s)(?<!\bloved\sthe\s)(?<!\blike\sthe\s)(?<!\bliked\sthe\s)(?<!\benjoy\sthe\s)"
    r"(?<!\benjoyed\sthe\s)(?<!\bappreciate\sthe\s)(?<!\bappreciated\sthe\s)(?<!\blove\s)(?<!\bappreciate\s)"
    r"\black\s+of\s+(?P<p>(?!problems?\b|issues?\b|complaints?\b|(?:[\w-]+\s+)?" + _NOT_WANTED + r"|" + _ABSENT_FAULT + r"|"
    + _PRAISED_LACK + r")\w)",
    r"\bwhy\s+(?:does|did|do)\s*n[o']?t\s+(?:it|this|they|the\s+[\w-]+)\s+(?:have|come\s+with|include|offer|support)\s+(?P<p>\w)",
    r"\bwhy\s+no\s+(?P<p>(?!one\b)\w)",   # not "I don't know why no one mentioned ..."
    r"\b(?:it|this|they|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:really\s+|also\s+|sadly\s+|still\s+)?(?:lacks|lack|is\s+lacking|are\s+lacking|"
    r"is\s+missing|are\s+missing|was\s+missing|were\s+missing)\s+(?P<p>\S)",
    # not "Not missing any parts", "wasn't missing a single screw", "without missing a beat"
    r"(?<!nothing\s)(?<!nothing's\s)(?<!isn't\s)(?<!\bnot\s)(?<!\bwasn't\s)(?<!\baren't\s)(?<!\bweren't\s)"
    r"(?<!\bnever\s)(?<!\bwithout\s)\bmissing\s+(?P<p>(?:a|an|the|any)\b(?!\s+(?:beat|trick|single)\b))",
    r"\bthere(?:\s+is|\s+was|\s+are|\s+were|'s)\s+no\s+(?P<p>(?!problems?\b|issues?\b|complaints?\b|doubt|questions?\b|"
    r"need\b|reason|comparison|contest|denying|wonder|way\s+(?:i|you|we|it|this)\b|" + _WAY_OF_PRAISE + "|"
    r"" + _NOT_WANTED + r"|" + _ABSENT_FAULT + r")\w)",
    r"\bthere\s+(?:isn't|wasn't|aren't|weren't|is\s+not|was\s+not)\s+(?:a|an|any)\s+(?P<p>(?!problems?\b|issues?\b|"
    r"complaints?\b|doubt|questions?\b|need\b|reason|comparison|contest|way\s+(?:i|you|we|it|this)\b|" + _WAY_OF_PRAISE + "|"
    r"" + _NOT_WANTED + r"|" + _ABSENT_FAULT + r")\w)",
    # requests and needs of the product
    r"\b(?:it|this|they|these|the\s+[\w-]+|which)\s+(?:really\s+|definitely\s+|just\s+|still\s+)?"
    r"(?:needs|need)\s+(?P<p>(?!" + _NEED_OF_PRAISE + r")(?:a|an|more|better|some|to|another)\b)",
    # "... but it needs stereo pairing", "Needs a timer, seriously.", "Could use a lid." (no subject
    # at the start of a sentence or after "but"); not "needs nothing", "needs charging"
    r"(?:(?<!\bwhy\s)\b(?:it|this|they|these|which)\s+(?:really\s+|definitely\s+|just\s+|still\s+|desperately\s+)?(?:needs|need)|"
    r"(?:^|(?<=[.!?]\s)|(?<=\bbut\s)|(?<=;\s))(?:really\s+|definitely\s+|just\s+|still\s+|desperately\s+|seriously\s+|badly\s+)?"
    r"(?:needs|could\s+(?:really\s+|definitely\s+)?use|could\s+do\s+with|would\s+benefit\s+from|lacks|lacking|"
    r"should\s+have\s+(?:included|come\s+with|had)|should\s+(?:include|ship\s+with|come\s+with)|ought\s+to\s+(?:include|come\s+with|have)))\s+"
    r"(?P<p>(?!nothing\b|no\b|none\b|it\b|them\b|me\b|you\b|us\b|time\b|\w+ing\b|" + _NEED_OF_PRAISE + r")\w)",
    r"\b(?:it|this|they|the\s+[\w-]+)\s+(?:could|can)\s+(?:really\s+)?use\s+(?P<p>(?:a|an|more|better|some)\b)",
    r"\b(?:it|they|this|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:really\s+|definitely\s+|honestly\s+|at\s+least\s+)?(?:should|ought\s+to)\s+"
    r"(?:really\s+|definitely\s+)?(?:have\s+)?(?:come\s+with|include|included|have|offer|had|ship\s+with|shipped\s+with)\s+(?P<p>\S)",
    # not "please make sure to read the manual"
    r"\bplease\s+(?:add|make(?!\s+sure\b)|include|bring\s+back|bring|consider|offer|give\s+us|fix|sell|release|"
    r"invest\s+in|put)\s+(?P<p>\S)",
    r"\bplease,?\s+(?P<p>(?:a|an|more|some)\b)",
    r"\bthere\s+(?:really\s+)?(?:should|needs\s+to|ought\s+to)\s+be\s+(?P<p>(?!no\b|nothing\b|any\s+(?:problems?|issues?)\b)\w)",
    r"\bif\s+(?:they|you|the\s+(?:maker|makers|company|manufacturer|brand))\s+(?:added|add|included|made|offered|released|"
    r"brought\s+(?:out|back))\s+(?P<p>\S)",
    r"\b(?:i|we)\s+(?:really\s+|sure\s+do\s+)?miss\s+having\s+(?P<p>\S)",
    r"\b(?:the\s+)?(?:only|one)\s+thing\s+(?:i'm|i\s+am|we're|we\s+are)\s+(?:still\s+)?missing\s+(?:is|was)\s+(?P<p>\S)",
    r"\b(?:is|are)\s+crying\s+out\s+for\s+(?P<p>\S)",
    r"\bwould\s+it\s+kill\s+(?:them|you)\s+to\s+(?:add|include|make|put|give\s+us)\s+(?P<p>\S)",
    r"\b(?:i\s+|we\s+)?(?:hope|hoping|here's\s+hoping)\s+(?:that\s+)?(?:they|you|the\s+(?:next|new)\s+(?:[\w-]+\s+)?"
    r"(?:version|model|one|update|generation|release|edition)|the\s+(?:maker|makers|company|manufacturer|brand))\s+"
    r"(?:will\s+|would\s+|can\s+|could\s+)?(?:add|adds|include|includes|make|makes|offer|offers|get|gets|has|have|sell|sells|release|releases|"
    r"bring|brings|come\s+with|comes\s+with)\s+(?P<p>\S)",
    r"\b(?:really\s+|still\s+)?hoping\s+for\s+(?P<p>(?!the\s+best\b|better\s+luck\b|it\b|this\b|that\b|my\b|our\b|a\s+refund\b|"
    r"a\s+reply\b|an?\s+answer\b|a\s+response\b|delivery\b)\w)",
    r"\b(?:my\s+kingdom\s+for|oh\s+to\s+have|begging\s+(?:you|them)(?:\s+guys)?\s+(?:to\s+(?:do|add|make|bring)|for))\s+(?P<p>\S)",
    # the whole phrase is named "w" when it comes before the trigger
    r"(?:^|(?<=[.!?]\s)|(?<=\bbut\s))(?P<w>(?!" + _NOT_A_THING + r")(?:(?:a|an|some|more)\s+)?[\w-]+(?:\s+[\w-]+){0,5}?)\s+"
    r"would\s+(?:have\s+been|have\s+made\s+(?:it|this|the\s+\w+)|make\s+(?:it|this|the\s+\w+)|be|help)\s+(?:\w+\s+){0,2}?"
    r"(?:a\s+(?:nice|great|welcome|good)\s+(?:touch|addition|upgrade|bonus)|perfect|amazing|great|nice|awesome|ideal|"
    r"welcome|helpful|handy|useful|(?:so\s+)?(?:much\s+)?(?:better|more\s+\w+)|a\s+lot)\b(?!\s+for\b)",
    r"(?:^|(?<=[.!?]\s)|(?<=\bbut\s))(?P<w>(?!" + _NOT_A_THING + r")(?:(?:a|an|the)\s+)?[\w-]+(?:\s+[\w-]+){0,3}?)\s+"
    r"(?:is|are|was|were)\s+(?:conspicuously\s+|sadly\s+|completely\s+|still\s+)?(?:absent|missing)\b"
    r"(?!\s+(?:a|an|the|any|my|its|some|his|her|their|our|one|two|three|several|both|all|parts?|pieces?)\b)",
    r"\b(?P<w>(?:(?:a|an|the)\s+)?[\w-]+)\s+(?:is|was|are|were)\s+not\s+included\b",
    # rules-7: "It has no timer", "The kettle has no lid lock" (the product is the subject; not "it
    # has no equal / no problems / no smell / no vibration at all"). rules-8: only it / this (X) /
    # the X, never people ("they have no respect", "the cashier had no care"), nor an absence the
    # customer is glad of ("no sharp edges", "no hot spots", "no moving parts"; and see
    # ``_PRAISED_ABSENCE`` for "..., so it is safe for kids").
    r"\b" + _THE_PRODUCT + r"\s+(?:really\s+|still\s+|also\s+|sadly\s+|just\s+)?(?:has|had|have)\s+(?:no|zero)\s+"
    r"(?P<p>(?!problems?\b|issues?\b|complaints?\b|trouble|flaws?\b|faults?\b|defects?\b|drawbacks?\b|downsides?\b|"
    r"rivals?\b|equal|competition|match\b|peers?\b|idea\b|business\b|reason|right\b|choice\b|effect\b|impact\b|"
    r"clue\b|chance\b|hope\b|time\b|need\b|use\b|sense\b|place\b|stock\b|way\s+(?:i|you|we|it|this)\b|"
    r"" + _GLAD_ABSENT + r"|"
    r"" + _WAY_OF_PRAISE + r"|(?:[\w-]+\s+)?" + _NOT_WANTED + r"|" + _ABSENT_FAULT + r")\w)",
    # "It came without a charger", "It comes without a carrying case" (not "arrived without a
    # scratch": arriving is the delivery, and a scratch is nothing wished for; rules-8: nor an
    # absent fault, "came without any chemical smell")
    r"\b" + _THE_PRODUCT + r"\s+(?:came|comes|come|ships|is\s+sold|was\s+sold|are\s+sold)\s+without\s+"
    r"(?P<p>(?!(?:(?:a|an|any|the)\s+)?(?:single\s+|real\s+|major\s+|obvious\s+|visible\s+)?(?:problems?|issues?|"
    r"complaints?|trouble|hitch|hiccups?|(?:[\w-]+\s+)?" + _NOT_WANTED + r")\b|" + _GLAD_ABSENT + r"|"
    r"(?:(?:a|an|any|the)\s+)?" + _ABSENT_FAULT + r")\w)",
    # "I'd love a bigger size", "We'd like a glass version" (rules-8: not what is asked of the
    # shop, "I'd like a refund", "I would like a full refund", "We'd like a call back")
    r"\b(?:i|we)(?:'d|\s+would)\s+(?:really\s+|so\s+|absolutely\s+|also\s+)?(?:love|like|prefer)\s+"
    r"(?P<p>(?:a|an|more|some)\b(?!\s+(?:second\s+one|new\s+one|(?:little\s+|bit\s+)?more\s+time)\b|"
    r"\s+" + _ASK_OF_SHOP + r"))",
    # "I miss a timer" (present tense: "I missed the return window" is no need; not "Do I miss ...?";
    # rules-8: a feature, not an event one misses, "I miss a call now and then")
    r"(?<!\bdo\s)(?<!\bdid\s)\b(?:i|we)\s+(?:really\s+|still\s+|do\s+|sure\s+do\s+|sorely\s+)?miss\s+"
    r"(?P<p>(?:a|an)\b(?!\s+(?:[\w-]+\s+)?" + _MISSED_EVENT + r"\b)(?![^.!?;]*?" + _NOW_AND_THEN + r"))",
]
# A word each trigger cannot match without (lower case), in the order of TRIGGERS: a sentence
# without it skips that regex (most sentences hold no trigger; the 47 regexes cost 0.64 s per
# 4,469 sentences, the checks first about a third of that). Keep it in step with TRIGGERS: a
# test checks that each word is written in its own pattern, and the check-set test that none is wrong.
_TRIGGER_WORDS = (
    ("wish",), ("wish",), ("only",), ("would",), ("would",), ("love", "like", "prefer"), ("love", "like"),
    ("would", "'d"), ("if",), ("wish", "request", "ask"), ("missing",), ("missing",), ("all",), ("pay",),
    ("wish",), ("no",), ("nt", "n't", "not"), ("have",), ("nt", "n't", "not"), ("missing",), ("why",), ("still",),
    ("no",), ("lack",), ("why",), ("why",), ("lack", "missing"), ("missing",), ("no",), ("there",),
    ("need",), ("need", "use", "with", "benefit", "lack", "should", "ought"), ("use",), ("should", "ought"),
    ("please",), ("please",), ("there",), ("if",), ("miss",), ("missing",), ("crying",), ("kill",),
    ("hop",), ("hoping",), ("kingdom", "oh", "begging"), ("would",), ("absent", "missing"), ("included",),
    ("no", "zero"), ("without",), ("love", "like", "prefer"), ("miss",),
)
assert len(_TRIGGER_WORDS) == len(TRIGGERS), "one tuple of words per trigger"
_PATTERNS = [(words, re.compile(p, re.IGNORECASE)) for words, p in zip(_TRIGGER_WORDS, TRIGGERS)]
# rules-8: the triggers of a plain absence ("it has no X", "it came without X"), whose clause may
# go on to praise it (``_PRAISED_ABSENCE``)
_ABSENCE_TRIGGERS = frozenset(pattern for _, pattern in _PATTERNS
                              if r"(?:no|zero)\s+" in pattern.pattern or r"\s+without\s+" in pattern.pattern)
assert len(_ABSENCE_TRIGGERS) == 2, "the 'has no' and 'came without' triggers"
# The phrase stops at clause punctuation or a conjunction that starts a new thought. A number
# keeps its "." and "," ("a 3.5mm jack", "a 1,000 mAh battery"), and so does an initialism ("a U.S.
# plug", "e.g."): "." ends a clause before a space, a closing mark or the end, as "..." does, and
# between two words whose space was left out ("a lid.Great otherwise").
_CLAUSE_END = re.compile(r"[;:!?()\n…]|(?<!\d),|,(?!\d)|\.{2,}|(?<!\b[a-z]\.[a-z])\.(?=[\s\"')\]]|$)|(?<=[a-z]{2})\.(?=[a-z])"
                         r"|\s(?:but|so|because|since|though|although|which|and\s+(?:i|it|the|this|they|that|we|you))\b|\s-+\s"
                         r"|\s(?:it|i|we|they|this|that)(?:'d|\s+would|\s+will|\s+could)\b",   # "if it had X it would be ..."
                         re.IGNORECASE)
_MAX_WORDS = 10
_BARE_COMPARISON = re.compile(r"^(?:a\s+(?:bit|little|lot)\s+|much\s+|slightly\s+)?(?:more\s+\w+|less\s+\w+|\w+er)$",
                              re.IGNORECASE)
# "a longer cable and a bigger water tank" asks for two things ("a cup and a half" is one)
_AND_ANOTHER = re.compile(r"\s+and\s+(?=(?:a|an|more)\s+(?!half\b|bit\b|little\b|lot\b|few\b)\w)", re.IGNORECASE)
# The reach-back from "wish it was smaller" stays in the clause before the wish: in "The price is
# great and I wish it was smaller" the wish is not about the price.
_CLAUSE_BEFORE = re.compile(r"[.!?;](?:\s|$)|\b(?:and|but|so|because|though|although|while)\b", re.IGNORECASE)
# ... unless that clause says what is wrong with the thing: "The cable is too short and I wish it was longer"
_FAULT_BEFORE = re.compile(r"\b(?:the|my|its|this|that)\s+([\w-]+(?:\s+[\w-]+)?)\s+(?:is|was|are|were|feels|seems)\s+"
                           r"(?:\w+\s+){0,2}?too\s+\w+\s*,?\s*(?:and|so)\s+$", re.IGNORECASE)
_COPULA_BEFORE = re.compile(r"\b(?:was|were|be|is|are)\s+$", re.IGNORECASE)
_NOUN_BEFORE = re.compile(r"\b(?:the|my|its|this|that)\s+([\w-]+(?:\s+[\w-]+)?)\s+(?:is|was|are|were|feels|seems)\b", re.IGNORECASE)
_DANGLING_END = re.compile(r"(?:\s+(?:a|an|the|my|your|its|our|their|this|that|at|to|of|for|in|on|with|from|by|"
                           r"and|or|as|than|into|onto|when|while|if|without))+\s*$", re.IGNORECASE)
# rules-7: a trigger its own clause denies is no need. The writer negates the wish, the thought
# or the saying that carries it ("I don't think it needs a timer", "I never wished it had a
# remote", "Not once have I wished ...", "I can't say I wish ...", "I wouldn't say it lacks ...",
# "Never felt it was missing ..."). Not "I can't believe it doesn't come with a charger" (no
# denial) nor "I don't think so, it needs a lid" (the denial is of something else).
_DENIED = re.compile(
    r"(?:\b(?:don't|do\s+not|didn't|did\s+not|doesn't|does\s+not|never|wouldn't|would\s+not|won't|will\s+not|"
    r"can't|cannot|can\s+not|couldn't|could\s+not|haven't|have\s+not|hadn't)\s+(?:\w+\s+)?"
    r"(?:think|thought|say|said|feel|felt|wish|wished|agree|agreed|miss|missed|"
    r"claim|pretend)\b(?!\s+so\b)|\bnot\s+once\b|\bnot\s+that\b|\bno\s+one\s+(?:could|would|can)\s+say\b)",
    re.IGNORECASE)
# ... and a wish told of others that the writer then rejects: "Some reviewers say it needs a
# timer, but I disagree", "Others complained that it lacks a timer, I never missed it". Reported
# speech the writer does not reject ("Others said it lacks a timer and they are right") stays.
_REPORTED = re.compile(
    r"\b(?:some|other|many|a\s+few|most|several|a\s+lot\s+of|lots\s+of)?\s*(?:reviewers?|reviews|people|others|"
    r"buyers|customers|users|owners|someone|somebody|folks|critics|experts|friends?|family|they)\s+(?:\w+\s+)?(?:say|said|says|"
    r"complain(?:ed|s)?|mention(?:ed|s)?|claim(?:ed|s)?|wrote|write|writes|think|thought|feel|felt|noted?|"
    r"state[ds]?|argue[ds]?|moan(?:ed|s)?|seem\s+to\s+think)\b", re.IGNORECASE)
_REJECTED = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:disagree|(?:don't|do\s+not|didn't|did\s+not|haven't|have\s+not|never)\s+"
    r"(?:\w+\s+)?(?:agree|see\s+(?:it|that|why|the\s+need)|think\s+so|miss(?:ed)?|need(?:ed)?|mind|notice[d]?|care|"
    r"find\s+(?:it|that|this))|can't\s+see\s+why)\b|"
    r"\b(?:not\s+(?:for\s+me|true|an\s+issue|a\s+problem|(?:a\s+)?big\s+deal)|nonsense|not\s+needed|unnecessary|"
    r"(?:doesn't|does\s+not|didn't|did\s+not)\s+(?:really\s+)?need\s+(?:it|one|that))\b",
    re.IGNORECASE)
# rules-7: one parcel's trouble is no product need. "Missing" said of the delivery, not the
# product: its subject is the package ("The package / parcel / order was missing the cord"; "the
# box" only in the past: "the box is missing a divider" may be a storage box), or it follows a
# verb of arriving ("Arrived missing a screw", "Mine came missing the lid").
_DELIVERY_MISSING = re.compile(
    r"(?:\b(?:package|parcel|shipment|order|delivery|packaging|consignment)\s+(?:\w+\s+)?(?:is|was|are|were|came|"
    r"arrived|showed\s+up)?\s*|(?:^|\b(?:the|my|our|this|that|their)\s+)box(?:es)?\s+(?:was|were|came|arrived)\s+|"
    r"\b(?:arrived|arrives|came|come|showed\s+up|turned\s+up|got\s+here|delivered|shipped|received(?:\s+\w+)?)"
    r"\s+(?:\w+\s+)?)(?:missing|lacking)\s+$", re.IGNORECASE)
# ... and a wish about the delivery or the shop's stock ("I wish it had arrived before Christmas",
# "had been delivered faster", "They should have shipped it faster", "I wish they had it in stock
# earlier"); "should have shipped with a charger" is a product need and stays.
_DELIVERY_WISH = re.compile(
    r"^(?:been\s+)?(?:arrived|arrive|arrives|arriving|delivered|deliver|dispatched|dispatch|shipped|ship|posted|"
    r"sent|packed|packaged|restocked|turned\s+up|got\s+here)\b(?!.*\bwith\b)|\b(?:in|back\s+in)\s+stock\b|"
    r"\brestock", re.IGNORECASE)
# rules-8: a denial governs the trigger only when nothing but "that", an adverb, an auxiliary or the
# trigger's subject stands between them ("I don't really think the grinder needs ...", "Not once
# did I wish ..."): "Can't say enough good things, wish it had a timer" and "Never thought I'd use
# it daily, wish it had ..." deny something else (an object, a comma or another clause comes between).
_DENIAL_GAP = re.compile(
    r"^(?:\s+|that\b|really\b|honestly\b|truly\b|actually\b|ever\b|even\b|once\b|did\b|do\b|does\b|have\b|has\b|had\b|"
    r"i\b|we\b|it\b|they\b|this\b|anyone\b|anybody\b|(?:the|this|my|our|that)\s+[\w-]+(?:\s+[\w-]+)?(?=\s*$))*$",
    re.IGNORECASE)
# ... but "sent" is no delivery when the product sends something: "I wish it had sent me a
# notification when done" (not when "they" send: the shop)
_PRODUCT_SENDS = re.compile(
    r"(?:sent|send|sends)\s+(?:(?:me|us|you)\s+)?(?:an?\s+|some\s+)?(?:[\w-]+\s+)?(?:notifications?|alerts?|"
    r"messages?|texts?|reminders?|pings?|signals?|warnings?|beeps?|push\s+notifications?)\b", re.IGNORECASE)
_NOT_THE_PRODUCT = frozenset({"they", "these", "he", "she", "there"})
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_FILLER_END = re.compile(r"\s+(?:too|though|tbh|lol|either|as\s+well|also|or\s+something|etc)\s*$", re.IGNORECASE)


def _phrase_end(text: str, start: int) -> int:
    match = _CLAUSE_END.search(text, start)
    end = match.start() if match else len(text)
    # at most a few words: a need is a thing, not a paragraph
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) > _MAX_WORDS:
        end = start + words[_MAX_WORDS - 1].end()
        # cut inside a clause, so it may end on "... phone at the": end on the last full word
        dangling = _DANGLING_END.search(text[start:end])
        if dangling and dangling.start() > 0:
            end = start + dangling.start()
    tail = _FILLER_END.search(text[start:end])
    if tail:
        end = start + tail.start()
    return end


def find_needs_in(text: str) -> list[Need]:
    """The needs in one text, in text order, without overlaps.

    Example::

        find_needs_in("No way to adjust the volume.")  # [Need('way to adjust the volume', 3, 27)]
    """
    if not isinstance(text, str) or not text.strip():
        return []
    found: list[Need] = []
    taken: list[tuple[int, int]] = []
    written = text
    # the triggers spell "doesn't" with a straight apostrophe; phones and word processors write
    # "doesn’t". One character for one keeps every offset, and the phrase is cut from the text as written.
    text = text.replace("\u2019", "'")
    low = text.lower()
    for words, pattern in _PATTERNS:
        if not any(word in low for word in words):
            continue
        for match in pattern.finditer(text):
            if "w" in pattern.groupindex:
                start, end = match.span("w")
            else:
                start = match.start("p")
                end = _phrase_end(text, start)
            if end <= start:
                continue
            if _dismissed(text, match, start, end):
                continue
            phrase_text = text[start:end]
            if _BARE_COMPARISON.match(phrase_text.strip()) and _COPULA_BEFORE.search(text, 0, start):
                # "I wish the handle was sturdier" / "..., wish it was longer": reach back to
                # what it is about, so the phrase names the thing and not only the comparison
                subject = match.groupdict().get("subj") or ""
                if subject and subject.split()[0].lower() in ("the", "this") and len(subject.split()) > 1:
                    start = match.start("subj")
                else:
                    before = list(_NOUN_BEFORE.finditer(text, _clause_start(text, match.start()), match.start()))
                    if before:
                        start = before[-1].start(1)
                    elif fault := _FAULT_BEFORE.search(text, 0, match.start()):
                        start = fault.start(1)
            for start, end in _split_list(text, start, end):
                start, end = _trim(text, start, end)
                if end - start < 2 or any(a < end and start < b for a, b in taken):
                    continue
                taken.append((start, end))
                found.append(Need(written[start:end], start, end))
    return sorted(found, key=lambda n: n.start)


def _dismissed(text: str, match: re.Match, start: int, end: int) -> bool:
    """Whether a trigger's match is no need of the writer's: denied in its clause, a rejected
    report of others' wish, or one delivery's trouble (rules-7).

    Example::

        m = re.search("needs a", "I don't think it needs a timer.")
        _dismissed("I don't think it needs a timer.", m, 23, 30)  # True
    """
    trigger_end = max(match.end(), start)
    clause_start = _clause_start(text, match.start())
    for denial in _DENIED.finditer(text, clause_start, trigger_end):
        # the denial overlaps the trigger ("I never wished it had") or only a subject, "that" or an
        # adverb stands between them ("I don't think it needs"); not "Can't say enough good things, wish"
        if denial.end() > match.start() or _DENIAL_GAP.match(text[denial.end():match.start()]):
            return True
    sentence_start = 0
    for boundary in _SENTENCE_END.finditer(text, 0, match.start()):
        sentence_start = boundary.end()
    sentence_end = _SENTENCE_END.search(text, end)
    rest = text[end:sentence_end.start() if sentence_end else len(text)]
    if _REPORTED.search(text, sentence_start, match.start() + 1) and _REJECTED.search(rest):
        return True
    if "w" not in match.re.groupindex:
        if _DELIVERY_MISSING.search(text[_clause_start(text, match.start()):start]):
            return True
        if _DELIVERY_WISH.search(text[start:end]) and not (
                _PRODUCT_SENDS.match(text, start) and
                (match.groupdict().get("subj") or "it").split()[0].lower() not in _NOT_THE_PRODUCT):
            return True
    if match.re in _ABSENCE_TRIGGERS:
        sentence_end = _SENTENCE_END.search(text, end)
        if _PRAISED_ABSENCE.match(text[end:sentence_end.start() if sentence_end else len(text)]):
            return True
    return False


def _clause_start(text: str, end: int) -> int:
    """Where the clause that ends at ``end`` starts: after the last "and", "but", ";" or sentence end.

    Example::

        _clause_start("The price is great and I wish", 25)  # 22, just after "and"
    """
    start = 0
    for boundary in _CLAUSE_BEFORE.finditer(text, 0, end):
        start = boundary.end()
    return start


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the things a phrase lists with "and a/an/more", one need each.

    Example::

        text = "a longer cable and a bigger water tank"
        _split_list(text, 0, len(text))  # [(0, 14), (19, 38)]
    """
    return spans_between(_AND_ANOTHER, text, start, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ")'\""):
        end -= 1
    return start, end


def find_needs(texts: Sequence[str], speller=None) -> list[list[Need]]:
    """Needs per text: ``Need(phrase, start, end)`` with ``text[start:end] == phrase``.

    ``speller`` (an :class:`analysis.spelling.Speller`, as the analysis job's models use): the
    triggers read each text with its spelling slips corrected ("I wish it came wiht a case"),
    while phrases and offsets stay those of the text as written.

    Example::

        find_needs(["Doesn't come with a charger.", "I needed a kettle and this is great."])
        # [[Need('a charger', 20, 29)], []]
    """
    if speller is None:
        return [find_needs_in(t) for t in texts]
    # correct_all: the job's sentiment stage has just read the same sentences, and the speller
    # keeps what it read
    reads = iter(speller.correct_all([t for t in texts if isinstance(t, str)]))
    out = []
    for text in texts:
        if not isinstance(text, str):
            out.append([])
            continue
        read = next(reads)
        needs = find_needs_in(read.text)
        if read.fixes and needs:
            spans = read.to_original([(n.start, n.end) for n in needs])
            needs = [Need(text[a:b], a, b) for a, b in spans if b > a]
        out.append(needs)
    return out


def need_key(phrase: str) -> str:
    """The words that say what is needed, comparatives first: "a longer cable" -> "longer cable".

    Example::

        need_key("the cable is too short, wish it was longer")  # "longer cable"
    """
    return _need_keys([phrase])[phrase]


_DROP_WORDS = frozenset("""a an the it its this that these those they them i we you my our your some any
is was are were be been being am would could should will can do does did has have had
really very just so too also even bit little wish wished please there to of""".split())
# "(There's no) way to connect two phones" asks to connect two phones, as "I wish I could connect
# two phones" does: the same key, and the same name.
_WAY_TO = re.compile(r"^(?:a\s+|any\s+|no\s+)?way\s+to\s+", re.IGNORECASE)
# Read after this, a phrase that starts with a verb is tagged as one ("store music on the watch").
_ACTION_FRAME = "I want to "
_FRAME_WORDS = len(_ACTION_FRAME.split())
_LOWER_I = re.compile(r"\bi\b(?=(?:'[a-z]+)?(?:\s|$))")


def _need_keys(phrases: Sequence[str], speller=None) -> dict[str, str]:
    return {phrase: key for phrase, (key, _) in _need_names(phrases, speller).items()}


def _need_names(phrases: Sequence[str], speller=None) -> dict[str, tuple[str, str | None]]:
    """Each phrase's key (content words, comparatives first) and, for a phrase that asks to do
    something ("set it to brew before I wake up"), the phrase itself as a readable name (a key
    of lemmas, "set brew before wake up", reads badly as a label); None for a thing wanted."""
    from analysis.aspect_parser import load_spacy

    nlp = load_spacy()
    out = {}
    # a need's name reads its phrase with spelling slips corrected ("see teh food" -> "see food")
    read = [c.text for c in speller.correct_all(list(phrases))] if speller is not None else list(phrases)
    read = [_WAY_TO.sub("", text.strip()) for text in read]
    with nlp.select_pipes(enable=["tok2vec", "tagger", "attribute_ruler", "lemmatizer"]):
        framed = nlp.pipe([_ACTION_FRAME + text for text in read], batch_size=512)
        for phrase, text, doc, in_frame in zip(phrases, read, nlp.pipe(read, batch_size=512), framed):
            comparatives = [t.lower_ for t in doc if t.tag_ in ("JJR", "RBR") and t.lower_ not in ("more", "less")]
            # not "bit" of "a bit too high": a measure, not the thing
            nouns = [t.lemma_.lower() for t in doc if t.pos_ in ("NOUN", "PROPN") and t.lower_ not in _DROP_WORDS]
            if comparatives and nouns:
                # "the cable is too short, wish it was longer" and "a longer cable" say the same
                key = " ".join(comparatives[-1:] + nouns[:2])
            else:
                words = [(t.lemma_ if t.pos_ == "NOUN" else t.text).lower() for t in doc
                         if not t.is_punct and t.lower_ not in _DROP_WORDS]
                key = " ".join(words)
            first = in_frame[_FRAME_WORDS] if len(in_frame) > _FRAME_WORDS else None
            action = first is not None and first.pos_ == "VERB" and not comparatives
            name = text.rstrip(" .,;:!?") if action else None
            if name and not name[1:2].isupper():
                name = name[:1].lower() + name[1:]
            if name:   # the store hands phrases over in lower case: "before i wake up"
                name = _LOWER_I.sub("I", name)
            out[phrase] = (key or phrase.strip().lower(), name or None)
    return out


# rules-7: needs that ask for opposite things are never one need, however alike their vectors
# ("a longer cable" / "a shorter cord", "more buttons" / "fewer buttons", "turn off the beeping" /
# "turn on the beeping"). Each row holds the two poles of one scale, as words of a need key
# (comparatives, their plain adjectives, quantities and switch particles); a word may sit on
# several scales ("shorter" is the opposite of "longer" and of "taller").
_OPPOSITES = [
    ({"longer", "long", "lengthier"}, {"shorter", "short"}),
    ({"taller", "tall"}, {"shorter", "short"}),
    ({"bigger", "big", "larger", "large", "huger", "wider", "roomier"}, {"smaller", "small", "tinier", "tiny"}),
    ({"wider", "wide", "broader"}, {"narrower", "narrow", "slimmer", "thinner"}),
    ({"louder", "loud"}, {"quieter", "quiet", "softer", "silent"}),
    ({"more", "extra", "additional"}, {"fewer", "less", "lesser"}),
    ({"thinner", "thin", "slimmer"}, {"thicker", "thick", "chunkier", "fatter"}),
    ({"higher", "high"}, {"lower", "low"}),
    ({"heavier", "heavy"}, {"lighter", "light"}),
    ({"brighter", "bright"}, {"dimmer", "dim", "darker", "dark"}),
    ({"faster", "fast", "quicker", "quick"}, {"slower", "slow"}),
    ({"hotter", "hot", "warmer", "warm"}, {"colder", "cold", "cooler", "cool"}),
    ({"stronger", "strong"}, {"weaker", "weak", "milder", "mild"}),
    ({"harder", "hard", "firmer", "firm", "stiffer", "stiff"}, {"softer", "soft"}),
    ({"tighter", "tight"}, {"looser", "loose"}),
    ({"deeper", "deep"}, {"shallower", "shallow"}),
    ({"finer", "fine"}, {"coarser", "coarse"}),
    ({"earlier", "early", "sooner"}, {"later", "late"}),
    ({"on"}, {"off"}),
    ({"up"}, {"down"}),
    ({"with"}, {"without"}),
    ({"add", "enable", "show", "increase"}, {"remove", "disable", "hide", "decrease"}),
]


# rules-8: a scale word negated by "less", "not", "no longer" or "non-" sits on the other pole:
# "less loud beep" asks for what "quieter beep" asks, "cord not short" for what "longer cord" does.
_NEGATORS = frozenset({"less", "not", "non", "never", "hardly"})
_SCALE_WORDS = frozenset(w for one, other in _OPPOSITES for w in one | other)


def _poles(key: str) -> list[set[int]]:
    """For each scale of ``_OPPOSITES``, the poles (0, 1) a need key asks for.

    Example::

        _poles("less loud beep")[4]   # {1}: less loud is quieter
        _poles("cord not short")[0]   # {0}: not short is longer
    """
    words = key.lower().replace("non-", "non ").split()
    asked: list[set[int]] = [set() for _ in _OPPOSITES]
    negated = False
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in _NEGATORS and nxt in _SCALE_WORDS:
            negated = True      # "less" here says how loud, not how many: no pole of more/fewer
            continue
        if word == "no" and nxt == "longer" and i + 2 < len(words) and words[i + 2] in _SCALE_WORDS:
            negated = True
            continue
        if word == "longer" and negated and i > 0 and words[i - 1] == "no":
            continue
        for n, (one, other) in enumerate(_OPPOSITES):
            if word in one:
                asked[n].add(1 if negated else 0)
            elif word in other:
                asked[n].add(0 if negated else 1)
        negated = False
    return asked


def _opposite(key_a: str, key_b: str) -> bool:
    """Whether two need keys ask for opposite things: one asks for a scale's pole, the other for
    the other pole, and neither asks for both. A negated word asks for the other pole
    ("less loud" = quieter, "not short" = longer).

    Example::

        _opposite("longer cable", "shorter cord")   # True
        _opposite("longer cable", "longer cord")    # False
        _opposite("quieter beep", "less loud beep") # False
    """
    for a, b in zip(_poles(key_a), _poles(key_b)):
        if len(a) == 1 and len(b) == 1 and a != b:
            return True
    return False


def _split_opposites(members: list[str], key_counts: Counter) -> list[list[str]]:
    """A cluster of keys cut so that no two opposite keys share a group: the most mentioned key
    first, each key then joins the first group it opposes no member of.

    Example::

        _split_opposites(["longer cable", "shorter cable", "longer cord"], Counter({"longer cable": 2}))
        # [['longer cable', 'longer cord'], ['shorter cable']]
    """
    groups: list[list[str]] = []
    for key in sorted(members, key=lambda k: (-key_counts[k], len(k.split()), len(k), k)):
        for group in groups:
            if not any(_opposite(key, other) for other in group):
                group.append(key)
                break
        else:
            groups.append([key])
    return groups


def group_needs(phrases: Sequence[str], threshold: float = NEED_SIMILARITY, speller=None) -> dict[str, str]:
    """Map each need phrase to a shared label; repeated phrases count as more mentions.
    ``speller`` (as in :func:`find_needs`): labels read the phrases with spelling slips corrected.

    Example::

        group_needs(["a longer cable", "longer cord", "a carrying case"])
        # {'a longer cable': 'longer cable', 'longer cord': 'longer cable', 'a carrying case': 'carrying case'}
    """
    from analysis.aspect_groups import cluster_by_meaning, counts_by_key

    names: dict[str, tuple[str, str | None]] = {}

    def keys_for(distinct: list[str]) -> dict[str, str]:
        names.update(_need_names(distinct, speller))
        return {phrase: names[phrase][0] for phrase in distinct}

    key_of, key_counts = counts_by_key(phrases, keys_for)
    if not key_counts:
        return {}
    unique = list(key_of)
    keys = list(key_counts)
    # a key that asks to do something is named by its most used phrase ("set it to brew before I
    # wake up"), not by its lemmas
    readable: dict[str, Counter] = {}
    for phrase in phrases:
        if isinstance(phrase, str) and phrase in names and names[phrase][1]:
            readable.setdefault(names[phrase][0], Counter())[names[phrase][1]] += 1

    labels = cluster_by_meaning(keys, threshold)
    clusters: dict[int, list[str]] = {}
    for key, label in zip(keys, labels):
        clusters.setdefault(label, []).append(key)
    name_of = {}
    for members in (group for cluster in clusters.values() for group in _split_opposites(cluster, key_counts)):
        name = max(members, key=lambda k: (key_counts[k], -len(k.split()), -len(k)))
        if name in readable:
            name = max(readable[name].items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]
        for key in members:
            name_of[key] = name
    return {phrase: name_of[key_of[phrase]] for phrase in unique}
