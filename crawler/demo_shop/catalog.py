"""The demo shop's products: what each one is good at, bad at, and what customers miss.

Each product also says how its page is marked up, so the shop covers the shapes a crawler meets:
JSON-LD (in several arrangements), microdata, and plain HTML read through a site profile.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import vocabulary as v


@dataclass(frozen=True)
class Emerging:
    """A complaint that grows in the last `days` days (the analysis should spot it)."""
    aspect: str
    days: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    """One product of the demo shop.

    >>> PRODUCTS[0].product_id, PRODUCTS[0].markup
    ('KT-1001', 'jsonld')
    """
    product_id: str
    slug: str
    title: str
    brand: str
    category: str
    price: float
    description: str
    markup: str                    # jsonld | microdata | profile
    layout: str                    # how that markup is arranged, see pages.py
    pagination: str                # link | anchor | both | query
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    needs: tuple[str, ...]
    mood: tuple[float, ...]        # weights of a reviewer's overall rating 1..5
    need_rate: float = 0.25
    own_aspects: tuple[v.Aspect, ...] = ()
    emerging: Emerging | None = None
    best_rating: int = 5
    skip: tuple[str, ...] = ()     # category aspects that make no sense for this product
    aspects: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        merged = dict(v.CATEGORY_ASPECTS[self.category])
        merged.update({a.name: a for a in self.own_aspects})
        for name in self.skip:
            del merged[name]
        object.__setattr__(self, "aspects", merged)
        for name in self.strengths + self.weaknesses:
            if name not in merged:
                raise ValueError(f"product {self.product_id}: unknown aspect {name!r}")
        for label in self.needs:
            if label not in v.NEEDS:
                raise ValueError(f"product {self.product_id}: unknown need {label!r}")

    @property
    def url(self) -> str:
        """Root-relative URL of the first review page."""
        return f"/products/{self.slug}/"


CATEGORY_SLUGS = {"Kitchen": "kitchen", "Audio": "audio", "Phones & Gadgets": "phones-gadgets",
                  "Outdoor": "outdoor"}

COFFEE = v.variant(
    v.PERFORMANCE_KITCHEN, terms=("coffee", "brew", "taste"),
    good=("excellent", "rich", "delicious", "really good"), bad=("weak", "bitter", "watery", "lukewarm"),
    short=("hot enough", "strong enough"),
    praise=("The [coffee] tastes like it came from a proper cafe.", "Smooth, rich [brew] every single morning."),
    complaints=("The [coffee] comes out lukewarm after ten minutes.", "No matter the settings the [brew] is watery."),
    neutral=("The [brew] takes about six minutes for a full pot.",))
BLENDING = v.variant(
    v.PERFORMANCE_KITCHEN, terms=("blending power", "motor", "power"),
    good=("impressive", "excellent", "incredible"), bad=("weak", "underpowered", "disappointing"),
    short=("powerful enough", "strong enough for ice"),
    praise=("Crushes ice in seconds, the [motor] is a beast.", "Smoothies come out silky, the [blending power] is impressive."),
    complaints=("Frozen fruit just spins around, the [motor] can't cope.",),
    neutral=("The [motor] is rated at 900 watts.",))
FRYING = v.variant(
    v.PERFORMANCE_KITCHEN, terms=("cooking", "crispiness"),
    good=("excellent", "even", "spot on", "fantastic"), bad=("uneven", "disappointing", "hit and miss"),
    short=("even enough", "consistent enough"),
    praise=("Chips come out golden, the [crispiness] is spot on.", "The [cooking] is even, no turning needed."),
    complaints=("Half the chips burn while the rest stay soft, the [cooking] is uneven.",),
    neutral=("The [cooking] times in the manual are a good start.",))
COATING = v.variant(
    v.BUILD, terms=("build quality", "coating", "basket", "quality"),
    praise=("The non-stick [coating] still looks new after a year.", "The [basket] feels sturdy and well made."),
    complaints=("The [basket] handle wobbles.",))
POWER_BANK_BATTERY = v.variant(
    v.BATTERY, terms=("capacity", "battery", "charge"),
    praise=("It charges my phone four times over, the [capacity] is huge.",
            "Two days of festival and the [battery] still had juice left."),
    complaints=("It barely charges my phone twice, the [capacity] is nowhere near what they claim.",))
TENT_DURABILITY = v.variant(
    v.DURABILITY, terms=("durability", "frame", "fabric"), good=("excellent", "rock solid", "impressive"),
    praise=("The [poles] have survived some serious wind.",),
    complaints=("A [pole] snapped on the second night.", "The [durability] is poor, the fabric tore on a bush."),
    neutral=("The [poles] are aluminium.",))
BOTTLE_DURABILITY = v.variant(
    v.DURABILITY, terms=("durability", "powder coat", "finish"),
    praise=("Dropped it on rocks more times than I can count, the [durability] is impressive.",
            "After a year of daily use the [powder coat] still looks new."),
    complaints=("The [powder coat] chipped within a week.", "One drop and it dented badly, [durability] is poor."),
    neutral=("The [finish] is a matte powder coat.",))

PRODUCTS: tuple[Product, ...] = (
    Product("KT-1001", "brewmaster-12-cup-coffee-maker", "Brewmaster 12-Cup Coffee Maker", "Hearthline",
            "Kitchen", 79.99, "A 12-cup drip coffee maker with a glass carafe and warming plate.",
            "jsonld", "object", "both",
            strengths=("performance", "capacity", "price"), weaknesses=("cleaning", "noise"),
            needs=("thermal carafe", "programmable timer"), mood=(0.08, 0.07, 0.15, 0.35, 0.35),
            own_aspects=(COFFEE,)),
    Product("KT-1002", "problend-900-blender", "ProBlend 900 Blender", "Voltix", "Kitchen", 129.0,
            "A 900 W countertop blender with a 1.8 litre jug and six speeds.",
            "microdata", "nested", "both",
            strengths=("performance", "build quality"), weaknesses=("noise", "price"),
            needs=("tamper", "travel cup"), mood=(0.07, 0.08, 0.17, 0.33, 0.35), own_aspects=(BLENDING,)),
    Product("KT-1003", "crispa-air-fryer-xl", "Crispa Air Fryer XL", "Crispa", "Kitchen", 99.5,
            "A 5.5 litre air fryer with a non-stick basket and eight presets.",
            "profile", "profile", "query",
            strengths=("ease of use", "cleaning", "performance"), weaknesses=("capacity",),
            needs=("viewing window", "recipe booklet", "longer power cord"), mood=(0.06, 0.06, 0.14, 0.34, 0.40),
            own_aspects=(FRYING, COATING),
            emerging=Emerging("build quality", 90, (
                "The non-stick [coating] started peeling after a few weeks.",
                "Flakes of the [coating] ended up in our food, that can't be healthy.",
                "The [basket] coating is already scratched and peeling, the newer batches seem worse.",
                "Mine is from the latest batch and the [build quality] is clearly worse than my old one."))),
    Product("AU-2001", "sonora-studio-anc-headphones", "Sonora Studio ANC Headphones", "Sonora", "Audio", 249.0,
            "Over-ear wireless headphones with adaptive noise cancelling and a 40 hour battery.",
            "jsonld", "graph", "link",
            strengths=("sound", "noise cancelling", "battery"), weaknesses=("comfort", "price"),
            needs=("carrying case", "multipoint connection", "longer cable"), mood=(0.06, 0.07, 0.15, 0.34, 0.38)),
    Product("AU-2002", "sonora-buds-lite", "Sonora Buds Lite", "Sonora", "Audio", 59.0,
            "True wireless earbuds with a pocket charging case.",
            "jsonld", "array", "anchor",
            strengths=("price", "comfort", "sound"), weaknesses=("microphone", "connectivity"),
            needs=("wireless charging", "more colour options", "extra ear tips"), mood=(0.08, 0.09, 0.18, 0.33, 0.32),
            emerging=Emerging("battery", 90, (
                "Since the last firmware update the [battery] dies in under two hours.",
                "The [battery life] has halved after the recent update.",
                "Used to last all day, now the [battery] is flat by lunch.",
                "One earbud's [charge] drains overnight in the case since the update."))),
    Product("AU-2003", "boomtide-go-speaker", "Boomtide Go Bluetooth Speaker", "Boomtide", "Audio", 89.0,
            "A rugged portable speaker, splash proof, with 20 hours of playback.",
            "microdata", "plain", "anchor",
            strengths=("sound", "battery", "build quality"), weaknesses=("connectivity", "price"),
            needs=("USB-C charging", "stereo pairing"), mood=(0.06, 0.08, 0.16, 0.35, 0.35),
            skip=("noise cancelling", "microphone", "comfort")),
    Product("PH-3001", "novaline-x5-smartphone", "Novaline X5 Smartphone", "Novaline", "Phones & Gadgets", 499.0,
            "A 6.4 inch smartphone with a triple camera and 128 GB storage.",
            "jsonld", "best10", "both",
            strengths=("screen", "performance", "camera"), weaknesses=("battery", "charging"),
            needs=("headphone jack", "expandable storage", "charger in the box"), mood=(0.07, 0.09, 0.18, 0.34, 0.32),
            best_rating=10),
    Product("PH-3002", "pulse-fit-2-smartwatch", "Pulse Fit 2 Smartwatch", "Pulse", "Phones & Gadgets", 149.0,
            "A fitness smartwatch with GPS, heart rate and a week of battery.",
            "profile", "profile", "query",
            strengths=("battery", "design", "price"), weaknesses=("software", "screen"),
            needs=("more strap colours", "offline music"), mood=(0.08, 0.10, 0.20, 0.32, 0.30),
            skip=("camera",)),
    Product("PH-3003", "ampcell-20000-power-bank", "Ampcell 20000 Power Bank", "Ampcell", "Phones & Gadgets", 39.99,
            "A 20000 mAh power bank with two USB-A ports.",
            "jsonld", "item-reviewed", "link",
            strengths=("battery", "price", "build quality"), weaknesses=("charging", "size"),
            needs=("USB-C cable included", "charge level display", "USB-C charging"),
            mood=(0.05, 0.07, 0.15, 0.36, 0.37), own_aspects=(POWER_BANK_BATTERY,),
            skip=("screen", "camera", "performance", "software")),
    Product("OD-4001", "ridgeway-40l-hiking-backpack", "Ridgeway 40L Hiking Backpack", "Ridgeway", "Outdoor", 119.0,
            "A 40 litre trekking backpack with an adjustable back system.",
            "microdata", "nested", "both",
            strengths=("comfort", "storage", "durability"), weaknesses=("waterproofing", "weight"),
            needs=("rain cover", "hip belt pockets", "more colour options"), mood=(0.05, 0.07, 0.15, 0.35, 0.38),
            skip=("setup", "insulation", "lid", "cleaning")),
    Product("OD-4002", "trailnest-2-person-tent", "Trailnest 2-Person Tent", "Trailnest", "Outdoor", 159.0,
            "A lightweight two person backpacking tent, 1.9 kg packed.",
            "profile", "profile", "query",
            strengths=("weight", "setup", "price"), weaknesses=("waterproofing", "durability"),
            needs=("groundsheet", "sturdier pegs"), mood=(0.08, 0.09, 0.19, 0.33, 0.31),
            own_aspects=(TENT_DURABILITY,),
            skip=("comfort", "insulation", "lid", "cleaning")),
    Product("OD-4003", "glacier-flask-750", "Glacier Flask 750 Insulated Bottle", "Glacier", "Outdoor", 34.0,
            "A 750 ml double wall stainless steel bottle.",
            "microdata", "time", "link",
            strengths=("insulation", "durability", "design"), weaknesses=("lid", "cleaning"),
            needs=("straw lid", "wider mouth"), mood=(0.05, 0.07, 0.15, 0.35, 0.38),
            own_aspects=(BOTTLE_DURABILITY,),
            skip=("comfort", "waterproofing", "storage", "setup", "weight")),
)

BY_ID = {p.product_id: p for p in PRODUCTS}
