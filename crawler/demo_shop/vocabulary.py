"""The words and sentence patterns the demo shop's review writer composes reviews from.

Everything here was written for this project. A sentence pattern marks the aspect term it talks
about in square brackets, e.g. "The [battery] lasts all week.", so the writer knows where the
term sits and can record it in the ground-truth manifest with its polarity.

Generic patterns use {t} (the term), {T} (the term at the start of a sentence), {good}/{bad}
(adjectives that fit every term of that aspect), {short} (what the term is "not ... enough")
and {very} (an intensifier).
"""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Aspect:
    """One thing customers talk about, with the words they use for it.

    >>> PRICE.name, PRICE.terms[0]
    ('price', 'price')
    """
    name: str
    terms: tuple[str, ...]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    short: tuple[str, ...] = ()          # "the sound is not {short}": loud enough, clear enough
    praise: tuple[str, ...] = ()         # specific positive sentences with [term]
    complaints: tuple[str, ...] = ()     # specific negative sentences with [term]
    neutral: tuple[str, ...] = ()        # plain facts with [term]


@dataclass(frozen=True)
class Need:
    """Something customers ask for and do not get.

    `np` fits "I wish it had {np}", `bare` fits "Shame there's no {bare}", `vp` fits
    "There's no way to {vp}", `accessory` says whether "It doesn't come with {np}" reads well.

    >>> NEEDS["carrying case"].np
    'a carrying case'
    """
    label: str
    np: str
    bare: str
    vp: str | None = None
    accessory: bool = False


# --- aspects every shop has ---------------------------------------------------------------

PRICE = Aspect(
    "price", ("price", "value", "value for money", "cost"),
    good=("great", "fair", "very reasonable", "hard to beat", "excellent"),
    bad=("too high", "steep", "a bit much", "hard to justify", "way too high"),
    short=("justified", "competitive"),
    praise=("For the [price] you really can't go wrong.",
            "Excellent [value for money], I'd happily pay more.",
            "Worth every penny, the [price] is spot on.",
            "I got it on sale and the [value] is unbeatable.",
            "Half the [price] of the big brands and just as good."),
    complaints=("Way overpriced, the [price] should be half of what it is.",
                "At this [price] I expected a lot more.",
                "You can get better for less, the [value] just isn't there.",
                "The [price] went up by a third since I first looked at it.",
                "Not sure the [cost] is justified when the competition is cheaper."),
    neutral=("The [price] is about average for this kind of thing.",
             "I paid the full [price], there was no discount at the time."),
)

BUILD = Aspect(
    "build quality", ("build quality", "build", "quality", "construction"),
    good=("solid", "excellent", "really sturdy", "top notch", "premium"),
    bad=("flimsy", "cheap", "poor", "disappointing", "plasticky"),
    short=("sturdy enough", "as solid as it should be"),
    praise=("It feels really well made, the [build quality] is excellent.",
            "The [build] feels like it will last for years.",
            "Dropped it twice already and the [construction] held up fine.",
            "You can tell the [quality] is there the moment you pick it up."),
    complaints=("The [build quality] feels cheap for what you pay.",
                "A piece of plastic snapped off within a week, so much for the [build quality].",
                "Creaks when you hold it, the [build] is a joke.",
                "The [quality] has gone downhill compared to the older model."),
    neutral=("The [build] is mostly plastic with a metal base.",),
)

DESIGN = Aspect(
    "design", ("design", "look", "style", "finish"),
    good=("beautiful", "sleek", "really nice", "modern", "stylish"),
    bad=("ugly", "dated", "clunky", "tacky"),
    short=("as nice as in the photos", "as sleek as advertised"),
    praise=("Friends keep asking where I got it, the [design] is gorgeous.",
            "The matte [finish] looks much more expensive than it is.",
            "Love the minimal [look], it fits in anywhere."),
    complaints=("The glossy [finish] shows every fingerprint.",
                "The [design] looks like something from ten years ago.",
                "Photos make the [look] seem premium, in person not so much."),
    neutral=("The [design] is pretty plain, which suits me.",),
)

DELIVERY = Aspect(
    "delivery", ("delivery", "shipping"),
    good=("fast", "quick", "super fast", "on time"),
    bad=("slow", "terrible", "a mess", "painfully slow"),
    short=("fast enough", "reliable"),
    praise=("[Delivery] was next day and everything arrived in perfect condition.",
            "[Shipping] was quicker than promised."),
    complaints=("The box arrived crushed, [delivery] was a disaster.",
                "[Shipping] took almost three weeks with no updates.",
                "[Delivery] was two weeks late and nobody told me why."),
    neutral=("[Delivery] took four days.",),
)

SERVICE = Aspect(
    "customer service", ("customer service", "support", "customer support"),
    good=("helpful", "excellent", "quick to respond", "friendly"),
    bad=("useless", "slow to respond", "unhelpful", "impossible to reach"),
    short=("helpful", "responsive"),
    praise=("I had a question and [customer service] answered within the hour.",
            "Mine had a small fault and [support] sent a replacement straight away."),
    complaints=("[Customer service] ignored three emails about a faulty unit.",
                "Tried to get a refund and [support] kept sending me in circles."),
    neutral=("I contacted [support] once about the warranty.",),
)

# --- category aspects ---------------------------------------------------------------------

NOISE = Aspect(
    "noise", ("noise", "noise level", "motor noise"),
    good=("minimal", "very low", "barely noticeable"),
    bad=("unbearable", "really loud", "way too loud", "annoying"),
    short=("quiet enough", "low enough for early mornings"),
    praise=("Surprisingly quiet, the [noise] is barely noticeable.",
            "I can run it while the baby sleeps, the [noise level] is that low."),
    complaints=("It is so loud I can't hear the TV over the [noise].",
                "The [motor noise] wakes up the whole house.",
                "That high pitched whine, the [noise] drives me crazy."),
    neutral=("The [noise] is similar to any other model I have owned.",),
)

CLEANING = Aspect(
    "cleaning", ("cleaning", "cleanup", "clean-up"),
    good=("easy", "a breeze", "quick", "simple"),
    bad=("a pain", "a nightmare", "tedious", "really annoying"),
    short=("easy enough", "quick enough"),
    praise=("[Cleaning] takes two minutes, everything rinses off.",
            "All the parts go in the dishwasher, so [cleanup] is a breeze."),
    complaints=("Food gets stuck in every corner, [cleaning] is a real chore.",
                "There are so many little parts that [cleanup] takes forever.",
                "Limescale builds up fast and [cleaning] it out is a nightmare."),
    neutral=("I do the [cleaning] by hand once a week.",),
)

CAPACITY = Aspect(
    "capacity", ("capacity", "size"),
    good=("generous", "perfect for a family", "plenty", "great"),
    bad=("too small", "tiny", "disappointing"),
    short=("big enough", "large enough for four people"),
    praise=("Enough for the whole family in one go, the [capacity] is great.",
            "The [size] is perfect for meal prep on Sundays."),
    complaints=("I have to do two or three batches, the [capacity] is too small.",
                "Advertised as family size but the [capacity] barely feeds two."),
    neutral=("The [capacity] is listed on the box, I haven't measured it.",),
)

EASE = Aspect(
    "ease of use", ("control panel", "interface", "button layout"),
    good=("intuitive", "straightforward", "simple", "very clear"),
    bad=("confusing", "fiddly", "unintuitive", "awkward"),
    short=("intuitive", "clear enough"),
    praise=("My parents figured out the [controls] without the manual.",
            "One button and you're done, the [control panel] is so simple."),
    complaints=("I needed the manual every single time, the [controls] are confusing.",
                "The touch [control panel] registers every accidental tap."),
    neutral=("The [controls] are on the front.",),
)

PERFORMANCE_KITCHEN = Aspect(
    "performance", ("performance",),
    good=("excellent", "impressive", "great"),
    bad=("weak", "underwhelming", "disappointing"),
    short=("good enough", "consistent enough"),
)

SOUND = Aspect(
    "sound", ("sound", "sound quality", "audio", "bass"),
    good=("amazing", "crisp", "rich", "fantastic", "clear", "excellent"),
    bad=("muddy", "tinny", "flat", "disappointing", "harsh"),
    short=("loud enough", "clear enough"),
    praise=("The [sound] is incredible, you hear details you never noticed before.",
            "The [bass] is deep without drowning out the vocals.",
            "Played some old jazz records and the [audio] is just gorgeous."),
    complaints=("The [audio] gets distorted at high volume.",
                "The [bass] is boomy and muddy.",
                "Vocals come across thin, the [sound quality] is nothing special.",
                "Even at full volume the [sound] is too quiet outdoors."),
    neutral=("The [sound] is tuned a bit warm.",),
)

BATTERY = Aspect(
    "battery", ("battery", "battery life", "charge"),
    good=("excellent", "amazing", "fantastic", "long-lasting"),
    bad=("terrible", "disappointing", "awful", "poor"),
    short=("good enough", "long enough"),
    praise=("The [battery] easily lasts longer than I need.",
            "I charge it maybe once a week, the [battery life] is great.",
            "The [battery life] is way better than my old one."),
    complaints=("The [battery] drains much faster than advertised.",
                "I have to charge it every day, the [battery life] is poor.",
                "The [charge] drops way faster than they claim."),
    neutral=("The [battery] takes about two hours to fill up.",),
)

COMFORT_AUDIO = Aspect(
    "comfort", ("comfort", "fit"),
    good=("excellent", "perfect", "great"),
    bad=("poor", "awful", "terrible"),
    short=("good enough for long flights", "snug enough"),
    praise=("I can wear them for hours, the [comfort] is excellent.",
            "Forgot I was wearing them, the [fit] is perfect."),
    complaints=("After an hour my ears hurt, the [fit] is way too tight.",
                "They keep slipping when I run, the [fit] is terrible.",
                "My glasses press into my head, [comfort] is poor."),
    neutral=("The [fit] is on the snug side.",),
)

ANC = Aspect(
    "noise cancelling", ("noise cancelling", "ANC", "noise cancellation"),
    good=("excellent", "superb", "impressive", "really effective"),
    bad=("weak", "useless", "disappointing"),
    short=("strong enough", "effective enough"),
    praise=("On the train the [noise cancelling] blocks out almost everything.",
            "The [ANC] turns a noisy office into a library."),
    complaints=("The [ANC] barely does anything against wind noise.",
                "I can still hear my colleagues typing, the [noise cancellation] is weak."),
    neutral=("The [noise cancelling] has three levels.",),
)

CONNECTIVITY = Aspect(
    "connectivity", ("bluetooth", "connection", "pairing"),
    good=("rock solid", "stable", "flawless", "instant"),
    bad=("unreliable", "flaky", "a nightmare", "spotty"),
    short=("stable enough", "reliable"),
    praise=("[Pairing] with my phone took two seconds.",
            "Never drops, the [connection] is rock solid even two rooms away."),
    complaints=("The [connection] drops every few minutes.",
                "The [bluetooth] cuts out when my phone is in my pocket.",
                "[Pairing] fails half the time and I have to reset it."),
    neutral=("It uses [bluetooth] 5.3.",),
)

MICROPHONE = Aspect(
    "microphone", ("microphone", "mic", "call quality"),
    good=("clear", "excellent", "great"),
    bad=("terrible", "muffled", "awful"),
    short=("clear enough", "good enough for calls"),
    praise=("People on calls say I sound clear, the [mic] is great.",
            "Took a call on a windy street and the [call quality] was fine."),
    complaints=("Everyone on my calls complains they can't hear me, the [microphone] is useless.",
                "I sound like I'm in a tunnel, the [mic] is awful."),
    neutral=("The [mic] sits at the end of the stem.",),
)

SCREEN = Aspect(
    "screen", ("screen", "display"),
    good=("gorgeous", "bright", "sharp", "stunning"),
    bad=("dim", "hard to read", "washed out"),
    short=("bright enough", "sharp enough"),
    praise=("Colours pop on the [screen], watching videos is a joy.",
            "Even in bright sun I can read the [display] easily."),
    complaints=("In direct sunlight the [display] is almost unreadable.",
                "The [screen] has a weird blue tint at an angle."),
    neutral=("The [screen] is 6.4 inches.",),
)

CAMERA = Aspect(
    "camera", ("camera", "photo quality"),
    good=("excellent", "stunning", "superb", "great"),
    bad=("grainy", "disappointing", "mediocre"),
    short=("good enough", "sharp enough"),
    praise=("Night shots are genuinely good, the [camera] surprised me.",
            "The [photo quality] is as good as phones twice the price."),
    complaints=("Photos in low light are blurry, the [camera] is a letdown.",
                "The [camera] takes ages to focus on anything that moves."),
    neutral=("The [camera] has three lenses.",),
)

PERFORMANCE = Aspect(
    "performance", ("performance", "speed"),
    good=("snappy", "fast", "excellent", "smooth"),
    bad=("sluggish", "laggy", "slow"),
    short=("fast enough", "smooth enough"),
    praise=("Apps open instantly, the [performance] is excellent.",
            "Games run smoothly, no complaints on [speed]."),
    complaints=("It lags when switching apps, the [performance] is sluggish.",
                "The [speed] gets worse with every update."),
    neutral=("The [performance] is similar to last year's model.",),
)

CHARGING = Aspect(
    "charging", ("charging", "charging speed"),
    good=("fast", "super quick", "excellent"),
    bad=("painfully slow", "slow", "unreliable"),
    short=("fast enough", "quick enough"),
    praise=("Zero to full in under an hour, [charging] is super quick.",),
    complaints=("[Charging] takes forever, almost three hours to full.",
                "The [charging speed] is stuck in 2015."),
    neutral=("[Charging] is through the port on the bottom.",),
)

SOFTWARE = Aspect(
    "software", ("software", "app", "companion app"),
    good=("clean", "intuitive", "excellent", "polished"),
    bad=("buggy", "clunky", "confusing", "laggy"),
    short=("stable enough", "polished enough"),
    praise=("The [app] is clean and easy to use.",
            "Updates arrive regularly and the [software] keeps getting better."),
    complaints=("The [app] crashes constantly and loses my data.",
                "The [software] is full of bugs.",
                "Syncing with the [companion app] fails every other day."),
    neutral=("The [app] asks for an account on first start.",),
)

SIZE = Aspect(
    "size", ("size",),
    good=("perfect", "compact", "just right"),
    bad=("bulky", "too big", "chunky"),
    short=("compact enough", "small enough for a pocket"),
    praise=("It slips into any pocket, the [size] is perfect.",),
    complaints=("It's a brick, the [size] makes it annoying to carry.",
                "The [size] is much bigger than the photos suggest."),
    neutral=("The [size] is similar to a deck of cards.",),
)

COMFORT_OUTDOOR = Aspect(
    "comfort", ("comfort", "fit", "harness"),
    good=("excellent", "great", "perfect"),
    bad=("poor", "awful", "terrible"),
    short=("good enough for long days", "padded enough"),
    praise=("Even after a long day on the trail the [comfort] is excellent.",
            "The [harness] spreads the load really well."),
    complaints=("The [harness] digs into my shoulders after an hour.",
                "With a full load the [fit] is awful, it pulls backwards."),
    neutral=("The [fit] adjusts for back length.",),
)

DURABILITY = Aspect(
    "durability", ("durability", "stitching", "zipper"),
    good=("excellent", "rock solid", "impressive"),
    bad=("poor", "disappointing", "terrible"),
    short=("up to the job", "built for real use"),
    praise=("Three seasons of heavy use and the [stitching] still looks new.",
            "It has survived two years of abuse, the [durability] is impressive."),
    complaints=("The [zipper] broke on the second trip.",
                "The [stitching] started coming apart after a month."),
    neutral=("The [zipper] is a standard YKK one.",),
)

WEIGHT = Aspect(
    "weight", ("weight",),
    good=("impressively low", "great", "excellent"),
    bad=("a problem", "way too much", "excessive"),
    short=("low enough for long hikes",),
    praise=("It barely feels like anything in the pack, the [weight] is impressive.",),
    complaints=("At almost two kilos the [weight] is hard to ignore.",
                "The [weight] makes it useless for anything longer than a day trip."),
    neutral=("The [weight] is printed on the label.",),
)

WATERPROOFING = Aspect(
    "waterproofing", ("waterproofing", "water resistance"),
    good=("excellent", "superb", "reliable"),
    bad=("useless", "poor", "non-existent"),
    short=("good enough", "reliable"),
    praise=("Walked three hours in heavy rain and everything stayed dry, the [waterproofing] is excellent.",),
    complaints=("After a light shower everything inside was damp, so much for the [waterproofing].",
                "The [water resistance] gave up during the first proper storm."),
    neutral=("The [waterproofing] is rated for light rain.",),
)

STORAGE = Aspect(
    "storage", ("storage", "space", "organisation"),
    good=("generous", "excellent", "well thought out"),
    bad=("limited", "disappointing", "poorly laid out"),
    short=("big enough", "well organised"),
    praise=("There is a pocket for everything, the [storage] is well thought out.",
            "Fits a week of gear, the [space] is generous."),
    complaints=("Everything ends up in one big hole, the [organisation] is poor.",
                "The [space] inside is much smaller than it looks."),
    neutral=("The [storage] is split into two compartments.",),
)

SETUP = Aspect(
    "setup", ("setup", "pitching"),
    good=("quick", "easy", "a breeze", "straightforward"),
    bad=("fiddly", "frustrating", "confusing"),
    short=("quick enough", "easy enough"),
    praise=("[Setup] took me ten minutes on my own.",
            "Colour coded poles make [pitching] a breeze even in the dark."),
    complaints=("The instructions are useless and the [setup] took over an hour.",
                "[Pitching] it in wind is a two person job at least."),
    neutral=("[Setup] needs eight pegs.",),
)

INSULATION = Aspect(
    "insulation", ("insulation", "temperature retention"),
    good=("excellent", "amazing", "impressive"),
    bad=("disappointing", "poor", "mediocre"),
    short=("good enough", "as good as advertised"),
    praise=("Ice was still there after 24 hours, the [insulation] is amazing.",
            "Tea stays hot all through a winter hike, the [insulation] is impressive."),
    complaints=("Coffee is lukewarm after three hours, the [insulation] is disappointing.",),
    neutral=("The [insulation] is double wall steel.",),
)

LID = Aspect(
    "lid", ("lid", "cap", "seal"),
    good=("secure", "solid", "leak-proof"),
    bad=("leaky", "flimsy", "awkward"),
    short=("tight enough", "leak-proof"),
    praise=("Tossed it in my bag upside down, the [lid] never leaked.",),
    complaints=("The [lid] leaks if the bottle tips over.",
                "Water dribbles out of the [cap] every time I drink."),
    neutral=("The [lid] screws on in two turns.",),
)

SHARED = {a.name: a for a in (PRICE, BUILD, DESIGN, DELIVERY, SERVICE)}

CATEGORY_ASPECTS: dict[str, dict[str, Aspect]] = {
    "Kitchen": {**SHARED, **{a.name: a for a in (NOISE, CLEANING, CAPACITY, EASE, PERFORMANCE_KITCHEN)}},
    "Audio": {**SHARED, **{a.name: a for a in (SOUND, BATTERY, COMFORT_AUDIO, ANC, CONNECTIVITY, MICROPHONE)}},
    "Phones & Gadgets": {**SHARED, **{a.name: a for a in (BATTERY, SCREEN, CAMERA, PERFORMANCE, CHARGING,
                                                         SOFTWARE, SIZE)}},
    # outdoor gear talks about durability instead of build quality
    "Outdoor": {**{k: a for k, a in SHARED.items() if k != "build quality"},
                **{a.name: a for a in (COMFORT_OUTDOOR, DURABILITY, WEIGHT, WATERPROOFING, STORAGE, SETUP,
                                       INSULATION, LID, CLEANING)}},
}


def variant(aspect: Aspect, **changes) -> Aspect:
    """A product's own version of an aspect (other words for the same thing)."""
    return replace(aspect, **changes)


# --- needs ------------------------------------------------------------------------------------

NEEDS: dict[str, Need] = {n.label: n for n in (
    Need("thermal carafe", "a thermal carafe", "thermal carafe", "keep the coffee hot without the hot plate"),
    Need("programmable timer", "a programmable timer", "timer", "set it to brew before I wake up"),
    Need("tamper", "a tamper", "tamper", "push the ingredients down while it runs", accessory=True),
    Need("travel cup", "a travel cup", "travel cup", "blend straight into a to-go cup", accessory=True),
    Need("viewing window", "a viewing window", "window", "see the food without opening the basket"),
    Need("longer power cord", "a longer power cord", "longer cord option"),
    Need("recipe booklet", "a recipe booklet", "recipe booklet", accessory=True),
    Need("carrying case", "a carrying case", "carrying case", accessory=True),
    Need("longer cable", "a longer cable", "longer cable", accessory=True),
    Need("multipoint connection", "multipoint connection", "multipoint",
         "connect to my laptop and phone at the same time"),
    Need("wireless charging", "wireless charging", "wireless charging", "charge the case wirelessly"),
    Need("more colour options", "more colour options", "choice of colours"),
    Need("extra ear tips", "extra ear tips in different sizes", "choice of ear tip sizes", accessory=True),
    Need("USB-C charging", "USB-C charging", "USB-C port", "charge it with a USB-C cable"),
    Need("stereo pairing", "stereo pairing", "stereo mode", "pair two speakers together"),
    Need("headphone jack", "a headphone jack", "headphone jack", "plug in my wired headphones"),
    Need("expandable storage", "a memory card slot", "memory card slot", "add a memory card"),
    Need("charger in the box", "a charger", "charger in the box", accessory=True),
    Need("more strap colours", "more strap colours", "choice of strap colours"),
    Need("offline music", "offline music storage", "offline music", "store music on the watch for runs"),
    Need("USB-C cable included", "a USB-C cable", "cable in the box", accessory=True),
    Need("charge level display", "a display showing the exact charge level", "charge level display",
         "see exactly how much charge is left"),
    Need("rain cover", "a rain cover", "rain cover", accessory=True),
    Need("hip belt pockets", "pockets on the hip belt", "hip belt pocket", "reach my snacks without taking it off"),
    Need("groundsheet", "a groundsheet", "groundsheet", accessory=True),
    Need("sturdier pegs", "sturdier pegs", "decent pegs", accessory=True),
    Need("straw lid", "a straw lid", "straw lid option", "drink from it while cycling", accessory=True),
    Need("wider mouth", "a wider mouth", "wide-mouth version", "fit ice cubes through the opening"),
)}

NEED_NP = (
    "I wish it had {np}.", "Would be perfect if it had {np}.", "It really needs {np}.",
    "Please add {np} in the next version.", "If only it came with {np}.", "My only wish is {np}.",
    "The one thing missing is {np}.", "It would be so much better with {np}.",
    "Hoping the next model gets {np}.", "Shame there's no {bare}.", "Really missing {np} on this.",
    "It lacks {np}.", "I would happily pay extra for {np}.", "Can't believe there's no {bare}.",
    "Needs {np}, seriously.",
)
NEED_ACCESSORY = (
    "It doesn't come with {np}, which is annoying.", "Doesn't even come with {np}.",
    "Be aware it does not come with {np}.", "For this price it should come with {np}.",
)
NEED_VP = (
    "There's no way to {vp}.", "I wish I could {vp}.", "It would be great to be able to {vp}.",
    "Why is there no way to {vp}?", "Would love to be able to {vp}.",
)
NEED_BUT = (
    "Works well, but it needs {np}.", "Good product but I wish it had {np}.",
    "Happy overall, but it would be perfect with {np}.",
)

# --- generic sentence patterns -----------------------------------------------------------------

VERY = ("really", "very", "super", "genuinely", "surprisingly", "seriously")

POSITIVE = (
    "The {t} is {good}.", "The {t} is {very} {good}.", "{T} is {good}.", "Really impressed with the {t}.",
    "I love the {t}.", "The {t} is {good}, better than I expected.", "The {t} is {good}, no complaints there.",
    "Honestly the {t} is {good}.", "The {t} alone makes it worth buying.", "Can't fault the {t}.",
    "Very happy with the {t}.", "Top marks for the {t}.", "{T}? {Good}.",
    "I had my doubts but the {t} is {good}.", "It looked cheap in the photos, but the {t} is {good}.",
)
# negated wording, positive meaning
POSITIVE_NEGATED = (
    "Never had a problem with the {t}.", "No complaints about the {t} at all.",
    "The {t} is not bad at all, actually {good}.", "I can't complain about the {t}.",
    "Nothing wrong with the {t} either.", "The {t} isn't an issue at all.",
    "I was worried about the {t} but it's not a problem at all.",
)
NEGATIVE = (
    "The {t} is {bad}.", "The {t} is {very} {bad}.", "{T} is {bad}.", "Really disappointed with the {t}.",
    "My biggest problem is the {t}.", "I wanted to love it but the {t} is {bad}.",
    "Everything else is fine but the {t} is {bad}.", "The {t} is a real letdown.", "The {t} could be a lot better.",
    "The {t} is {bad}, which is a shame.", "I regret buying it because of the {t}.", "Sadly the {t} is {bad}.",
)
# negated wording, negative meaning
NEGATIVE_NEGATED = (
    "The {t} is not {short}.", "The {t} just isn't {short}.", "Not happy with the {t} at all.",
    "The {t} is not what I expected.", "Can't say I'm happy with the {t}.",
    "I would not buy it again because of the {t}.", "The {t} is nowhere near {good}.",
)
NEUTRAL = (
    "The {t} is okay.", "The {t} is fine, nothing special.", "The {t} is average.",
    "The {t} is acceptable I guess.", "{T} is decent enough.", "The {t} does the job, no more, no less.",
    "The {t} is about what you would expect.", "Not much to say about the {t}, it's fine.",
)
# {t1} is the praised term, {t2} the criticised one
MIXED = (
    "The {t1} is {good1} but the {t2} is {bad2}.", "I love the {t1}, but the {t2} is {bad2}.",
    "Great {t1}, but the {t2} is {bad2}.", "The {t1} is {good1}, but I'm not impressed with the {t2}.",
    "The {t1} is {good1} but the {t2} lets it down.", "The {t2} is {bad2} but the {t1} makes up for it.",
    "Not a fan of the {t2}, but the {t1} is {good1}.", "The {t2} could be better but the {t1} is {good1}.",
    "Although the {t1} is {good1}, the {t2} is {bad2}.", "{T1} is {good1}; the {t2}, not so much.",
    "The {t1} is {good1}. However, the {t2} is {bad2}.", "The {t1} is {good1}, the {t2} on the other hand is {bad2}.",
    "Love the {t1}, hate the {t2}.",
)
# two aspects, same verdict; adjectives that fit any aspect
BOTH_POSITIVE = (
    "Both the {t1} and the {t2} are excellent.", "The {t1} and the {t2} are great.",
    "Really happy with the {t1} and the {t2}.", "The {t1} is great and so is the {t2}.",
)
BOTH_NEGATIVE = (
    "Both the {t1} and the {t2} are disappointing.", "The {t1} and the {t2} are a letdown.",
    "Not impressed with the {t1} or the {t2}.", "Neither the {t1} nor the {t2} is any good.",
)
# comparisons with what the reviewer had before
COMPARE_POSITIVE = (
    "The {t} is much {better} than on my old one.", "Compared to my previous one the {t} is a big step up.",
)
COMPARE_NEGATIVE = (
    "The {t} is worse than on my old one.", "My cheap old one had a better {t} than this.",
)

# --- filler without an aspect -------------------------------------------------------------

OPENERS = (
    "Bought this {n} months ago.", "I've been using it every day for {n} weeks.",
    "Got this as a gift for my {relative}.", "This replaced my old one that finally died.",
    "I did a lot of research before buying this.", "Ordered it during a sale.",
    "This is the second one I've bought.", "Bought it after reading the reviews here.",
    "Updating my review after {n} months of use.", "Quick review after the first week.",
)
RELATIVES = ("dad", "mum", "sister", "brother", "partner", "best friend", "son", "daughter")
USAGE = {
    "Kitchen": ("I use it every morning before work.", "We're a family of four.",
                "We run a small B&B, so it gets used a lot.",
                "I cook most evenings, so it gets a lot of use.", "Our kitchen is tiny, counter space matters."),
    "Audio": ("I mostly use them on my commute.", "I use it for podcasts and calls.",
              "I listen to a lot of classical and some rock.", "Mostly used at the gym."),
    "Phones & Gadgets": ("Coming from a three-year-old device.", "I use it mostly for work email and maps.",
                         "I'm not a power user, just the basics.", "I travel a lot for work."),
    "Outdoor": ("Took it on a week-long hike in the mountains.", "Used it on a rainy weekend in the hills.",
                "I do a lot of day hikes with the kids.", "Mostly used for weekend camping trips."),
}
CLOSERS = {
    "positive": ("Highly recommend.", "Would buy again.", "Really glad I bought it.", "Very happy with this purchase.",
                 "Great buy overall.", "Love it!", "No regrets.", "Definitely recommend it to friends."),
    "negative": ("Would not recommend.", "Returning it.", "Save your money.", "Avoid.",
                 "Really disappointed overall.", "Not worth it.", "Definitely not buying this brand again."),
    "neutral": ("It's okay for the price.", "Does the job.", "Mixed feelings overall.", "Not bad, not great.",
                "Might keep it, might not.", "Three stars feels about right."),
}
SHORT = {
    "positive": ("Love it!", "Perfect, exactly what I needed.", "Works great.", "Excellent product.",
                 "Great buy.", "Really happy with it.", "Brilliant, would recommend."),
    "negative": ("Terrible, do not buy.", "Waste of money.", "Very disappointed.", "Returned it the same day.",
                 "Not good at all."),
    "neutral": ("It's fine.", "Does what it says.", "Okay product.", "Average, nothing more."),
}
TITLES = {
    "positive": ("Love it", "Great buy", "Exactly what I needed", "Excellent", "Very happy",
                 "Highly recommended", "Best purchase this year", "Impressed", "Five stars"),
    "negative": ("Disappointed", "Not worth it", "Returned it", "Avoid", "Could be so much better",
                 "Meh", "Save your money"),
    "neutral": ("Does the job", "It's okay", "Decent", "Mixed feelings", "Average", "Fine for the price"),
}
ASPECT_TITLES = {
    "positive": ("Great {t}", "Love the {t}", "Amazing {t}"),
    "negative": ("{T} could be better", "Poor {t}", "Watch out for the {t}"),
}

# common misspellings; only words outside aspect terms are changed
TYPOS = {
    "definitely": "definately", "received": "recieved", "really": "realy", "because": "becuase",
    "which": "wich", "the": "teh", "would": "woudl", "a lot": "alot", "recommend": "reccomend",
    "expected": "expcted", "with": "wiht", "disappointed": "dissapointed", "it's": "its",
    "there's": "theres", "can't": "cant", "than": "then", "every": "evry", "using": "useing",
}

AUTHOR_FIRST = (
    "Anna", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hassan", "Ines", "Jack", "Kira", "Liam",
    "Maya", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Xiu",
    "Yusuf", "Zoe", "Aisha", "Bruno", "Chloe", "Diego", "Emma", "Felix", "Hana", "Ivan", "Julia", "Kofi",
    "Lena", "Marco", "Nina", "Oscar", "Priya", "Rahul", "Sofia", "Tom", "Ursula", "Victor", "Wendy", "Yara",
)
AUTHOR_LAST = tuple("ABCDEFGHIJKLMNOPRSTVWY")
AUTHOR_HANDLES = ("coffee_lover", "trailrunner", "dad_of_three", "musicfan", "techie", "weekend_hiker",
                  "home_cook", "commuter", "gadget_guy", "outdoorsy")

# --- non-English reviews ----------------------------------------------------------------------
# [term|canonical aspect] marks an aspect term in these.
FOREIGN = {
    "es": {
        "positive": ("Muy buena [calidad|build quality], lo recomiendo.", "Llegó rápido y funciona perfectamente.",
                     "Excelente relación calidad-[precio|price].", "Estoy muy contento con la compra.",
                     "El [diseño|design] es precioso."),
        "negative": ("La [calidad|build quality] es bastante mala.", "No funciona como esperaba, lo devolví.",
                     "Demasiado caro, el [precio|price] no lo vale.", "El [envío|delivery] tardó tres semanas."),
        "titles": ("Muy bueno", "No lo recomiendo", "Correcto"),
    },
    "de": {
        "positive": ("Sehr gute [Qualität|build quality], klare Empfehlung.", "Kam schnell an und funktioniert super.",
                     "Der [Preis|price] ist absolut fair.", "Ich bin rundum zufrieden.",
                     "Das [Design|design] gefällt mir sehr."),
        "negative": ("Die [Qualität|build quality] ist leider enttäuschend.", "Nach zwei Wochen kaputt, schade.",
                     "Für den [Preis|price] erwarte ich mehr.", "Die [Lieferung|delivery] hat ewig gedauert."),
        "titles": ("Sehr gut", "Enttäuschend", "Geht so"),
    },
    "fr": {
        "positive": ("Très bonne [qualité|build quality], je recommande.", "Livré rapidement, fonctionne parfaitement.",
                     "Le [prix|price] est très correct.", "Je suis très satisfaite de cet achat.",
                     "Le [design|design] est magnifique."),
        "negative": ("La [qualité|build quality] est vraiment décevante.", "Ne fonctionne pas comme prévu, je l'ai renvoyé.",
                     "Trop cher pour ce que c'est, le [prix|price] est abusé.", "La [livraison|delivery] a pris un mois."),
        "titles": ("Très bien", "Déçu", "Moyen"),
    },
}
