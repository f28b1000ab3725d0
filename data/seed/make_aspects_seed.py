"""Write the span-annotated aspect seed set: data/seed/aspects_seed.jsonl.

Every sentence is generated from templates written here, over several product and service
domains (laptops, phones and electronics, restaurants and food, kitchen, audio, clothing,
hotels, home appliances), with aspect-term slots, so each term's character offsets are exact
and each mention carries the polarity its clause gives it. Sentences that only talk about the
product as a whole ("This laptop is great.") or about the customer ("I bought it for my son.")
carry no aspect, so the tagger learns that the product itself is not a feature. Nothing here
comes from any evaluation set.

Run: ``python data/seed/make_aspects_seed.py [--n 9000] [--seed 13] [--out PATH]``.
Each line: {"text", "aspects": [{"term", "start", "end", "polarity"}], "domain", "family"}.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

# ---------------------------------------------------------------- aspect words, per domain
# kind -> the opinion words that fit it (beyond the general ones)
KIND_POS = {
    "food": "delicious|tasty|fresh|flavorful|perfectly cooked|mouthwatering|yummy|authentic|well seasoned|tender|juicy|crispy".split("|"),
    "drink": "refreshing|strong|well made|delicious|perfect|cold".split("|"),
    "service": "friendly attentive helpful quick prompt professional courteous welcoming knowledgeable polite".split(),
    "ambience": "cozy relaxing charming romantic lively beautiful comfortable pleasant inviting".split(),
    "price": "reasonable fair affordable cheap unbeatable".split(),
    "hardware": "sturdy|solid|fast|responsive|reliable|well built|quiet|smooth".split("|"),
    "display": "bright crisp sharp vivid clear gorgeous beautiful".split(),
    "battery": "long lasting|amazing|incredible|impressive|excellent".split("|"),
    "software": "intuitive|simple|stable|fast|smooth|user friendly".split("|"),
    "audio": "clear crisp rich loud balanced deep".split(),
    "fit": "comfortable|soft|true to size|flattering|warm|breathable".split("|"),
    "room": "clean spacious comfortable quiet modern spotless".split(),
    "support": "helpful quick responsive friendly knowledgeable".split(),
}
KIND_NEG = {
    "food": "bland stale cold overcooked undercooked greasy soggy salty dry tasteless burnt".split(),
    "drink": "watered down|weak|warm|flat|overpriced".split("|"),
    "service": "rude slow inattentive unprofessional terrible dismissive".split(),
    "ambience": "loud noisy cramped dark dirty tacky".split(),
    "price": "too high|outrageous|steep|ridiculous".split("|"),
    "hardware": "flimsy slow noisy loud cheap unreliable faulty".split(),
    "display": "dim|blurry|washed out|grainy|dull".split("|"),
    "battery": "short terrible weak pathetic awful".split(),
    "software": "buggy confusing slow unstable clunky bloated".split(),
    "audio": "tinny muffled distorted quiet weak".split(),
    "fit": "itchy tight scratchy baggy uncomfortable thin".split(),
    "room": "dirty small noisy outdated smelly cramped".split(),
    "support": "useless unhelpful slow rude clueless".split(),
}
GENERAL_POS = "great|excellent|amazing|fantastic|good|superb|awesome|wonderful|perfect|outstanding|impressive|nice|terrific|incredible|fabulous|solid|top notch".split("|")
GENERAL_NEG = "terrible awful horrible bad poor disappointing mediocre lousy subpar pathetic dreadful weak unacceptable atrocious".split()

DOMAINS: dict[str, dict] = {
    "laptops": {
        "entity": ["laptop", "computer", "notebook", "machine", "netbook", "MacBook", "PC", "Chromebook"],
        "aspects": {
            "hardware": ["keyboard", "trackpad", "touchpad", "hard drive", "processor", "graphics card", "fan",
                         "hinge", "USB ports", "ports", "RAM", "memory", "CD drive", "DVD drive", "webcam",
                         "power button", "charger", "power cord", "power adapter", "motherboard", "case",
                         "build quality", "design", "keys", "mouse", "SSD", "CPU", "cooling system", "weight",
                         "body", "casing", "speed", "performance", "size", "wireless card", "Bluetooth",
                         "SD card slot", "HDMI port", "touch screen", "backlit keyboard", "hard disk", "storage",
                         "optical drive", "lid", "start up", "boot time", "heat", "trackpad buttons"],
            "display": ["screen", "display", "monitor", "resolution", "graphics", "screen size", "LCD", "colors"],
            "battery": ["battery life", "battery", "battery charge"],
            "software": ["Windows 7", "Windows 8", "Windows 10", "Windows", "Vista", "operating system", "OS",
                         "Mac OS", "OS X", "software", "programs", "applications", "apps", "drivers", "iTunes",
                         "iPhoto", "Office", "Microsoft Office", "antivirus", "browser", "updates", "games",
                         "trial software", "preloaded software", "system", "features", "settings", "interface"],
            "audio": ["speakers", "sound", "sound quality", "headphone jack", "microphone", "volume"],
            "support": ["customer service", "tech support", "warranty", "customer support", "service center",
                        "support team", "repair service", "extended warranty", "return policy", "technician"],
            "price": ["price", "price tag", "value", "cost"],
        },
    },
    "phones": {
        "entity": ["phone", "tablet", "device", "smartphone", "iPad", "watch", "camera", "TV", "monitor"],
        "aspects": {
            "hardware": ["camera", "lens", "buttons", "charging port", "case", "zoom", "autofocus", "flash",
                         "SIM tray", "fingerprint sensor", "face unlock", "remote", "stand", "wall mount",
                         "cable", "charging cable", "strap", "band", "connection", "signal", "Wi-Fi", "GPS",
                         "storage", "memory card slot", "build", "finish", "glass back"],
            "display": ["screen", "display", "picture quality", "image quality", "brightness", "touchscreen",
                        "viewing angles", "refresh rate", "photos", "video quality", "night mode"],
            "battery": ["battery", "battery life", "charging speed", "fast charging", "wireless charging"],
            "software": ["app", "firmware", "setup", "menus", "interface", "updates", "voice assistant",
                         "notifications", "smart features", "pairing"],
            "audio": ["speaker", "sound", "call quality", "microphone", "ringer", "volume"],
            "support": ["customer service", "warranty", "support", "shipping", "packaging", "delivery"],
            "price": ["price", "value", "cost"],
        },
    },
    "restaurants": {
        "entity": ["place", "restaurant", "spot", "joint", "bistro", "diner", "establishment", "pizzeria",
                   "cafe", "bar"],
        "aspects": {
            "food": ["food", "pizza", "sushi", "pasta", "dessert", "desserts", "appetizers", "bread", "salad",
                     "steak", "fish", "burger", "fries", "soup", "noodles", "dumplings", "tacos", "portions",
                     "portion sizes", "menu", "specials", "entrees", "brunch", "sauce", "crust", "rice",
                     "seafood", "meat", "chicken", "lamb", "dishes", "sashimi", "rolls", "cheesecake",
                     "tiramisu", "ice cream", "calamari", "risotto", "curry", "wings", "ribs", "sandwiches",
                     "bagels", "coffee", "tea", "wine list", "selection", "ingredients", "toppings",
                     "lunch specials", "tasting menu", "prix fixe", "brisket", "pho", "ramen", "dim sum",
                     "pad thai", "fried rice", "garlic bread", "french toast", "eggs benedict",
                     "mashed potatoes", "chocolate cake", "fish and chips", "mac and cheese", "tuna tartare",
                     "duck", "oysters", "lobster", "scallops", "shrimp", "salmon", "vegetarian options",
                     "kids menu", "bread basket", "side dishes", "sides", "flavors", "dinner", "lunch",
                     "meal", "breakfast", "main course", "taste", "flavor", "glass of wine", "bottle of wine",
                     "cup of coffee", "slice of pizza", "plate of pasta", "bowl of soup", "quality of the food",
                     "Thai food", "Italian food", "Indian food", "Chinese food", "Mexican food", "French toast",
                     "Japanese food", "Korean barbecue", "Greek salad", "Caesar salad", "Thai iced tea"],
            "drink": ["drinks", "wine", "cocktails", "beer", "margaritas", "sangria", "martinis", "beer selection",
                      "wines", "sake", "coffee", "espresso", "lemonade", "smoothies", "happy hour"],
            "service": ["service", "staff", "waiter", "waitress", "server", "servers", "bartender", "hostess",
                        "host", "manager", "owner", "chef", "wait staff", "waitstaff", "delivery", "kitchen",
                        "reservation", "wait", "seating", "takeout", "delivery service", "busboy"],
            "ambience": ["place", "atmosphere", "ambiance", "decor", "music", "interior", "patio", "outdoor seating",
                         "dining room", "bar area", "view", "lighting", "tables", "space", "setting",
                         "location", "bathroom", "restrooms", "vibe", "garden", "terrace", "crowd"],
            "price": ["prices", "price", "bill", "check", "value", "cost", "portions for the price"],
        },
    },
    "kitchen": {
        "entity": ["kettle", "blender", "toaster", "pan", "knife set", "coffee maker", "mixer", "air fryer",
                   "pot", "cooker"],
        "aspects": {
            "hardware": ["lid", "handle", "handles", "base", "jar", "blades", "motor", "power cord", "cord",
                         "buttons", "dial", "timer", "filter", "spout", "non-stick coating", "coating",
                         "temperature control", "settings", "basket", "carafe", "thermostat", "water tank",
                         "seal", "gasket", "plug", "display", "light", "switch", "finish", "size", "capacity",
                         "design", "weight", "steam wand", "grinder", "heating element"],
            "price": ["price", "value"],
            "support": ["instructions", "manual", "warranty", "customer service", "packaging", "delivery"],
        },
    },
    "audio": {
        "entity": ["headphones", "earbuds", "speaker", "soundbar", "headset", "turntable", "amp", "radio"],
        "aspects": {
            "audio": ["sound", "sound quality", "bass", "treble", "mids", "noise cancelling",
                      "noise cancellation", "microphone", "mic", "volume", "highs", "soundstage", "audio"],
            "hardware": ["ear cups", "ear pads", "ear tips", "headband", "cable", "case", "charging case",
                         "controls", "touch controls", "buttons", "Bluetooth connection", "Bluetooth", "range",
                         "fit", "build quality", "hinges", "remote", "connection", "pairing", "app", "EQ"],
            "battery": ["battery", "battery life", "charging time"],
            "price": ["price", "value"],
            "support": ["warranty", "customer service", "shipping"],
        },
    },
    "clothing": {
        "entity": ["shirt", "jacket", "dress", "jeans", "shoes", "sweater", "coat", "boots", "hoodie", "pants"],
        "aspects": {
            "fit": ["fit", "sizing", "size", "fabric", "material", "color", "colour", "stitching", "seams",
                    "zipper", "buttons", "pockets", "sleeves", "collar", "waist", "length", "lining",
                    "hood", "laces", "soles", "insoles", "heel", "toe box", "arch support", "cotton",
                    "wool", "print", "pattern", "design", "cut", "straps"],
            "price": ["price", "value", "quality for the price"],
            "support": ["shipping", "return process", "customer service", "packaging", "exchange"],
        },
    },
    "hotels": {
        "entity": ["hotel", "resort", "inn", "motel", "property", "hostel"],
        "aspects": {
            "room": ["room", "rooms", "bed", "beds", "bathroom", "shower", "pillows", "sheets", "towels",
                     "air conditioning", "heating", "minibar", "TV", "balcony", "view", "Wi-Fi", "internet",
                     "mattress", "carpet", "furniture", "windows", "closet", "safe"],
            "service": ["staff", "front desk", "reception", "concierge", "housekeeping", "room service",
                        "check-in", "check-out", "valet", "doorman", "shuttle", "manager"],
            "ambience": ["pool", "gym", "spa", "lobby", "location", "breakfast", "restaurant", "bar",
                         "breakfast buffet", "parking", "elevators", "hallways", "neighborhood", "beach"],
            "price": ["price", "rate", "value", "resort fee", "parking fee"],
        },
    },
    "appliances": {
        "entity": ["vacuum", "washer", "dryer", "fridge", "heater", "fan", "printer", "router", "drill"],
        "aspects": {
            "hardware": ["suction", "filter", "brush", "hose", "dust bin", "motor", "noise level", "drum",
                         "door", "seal", "ice maker", "freezer", "shelves", "thermostat", "remote",
                         "wheels", "attachments", "cord", "cord length", "ink cartridges", "print quality",
                         "paper tray", "scanner", "signal", "range", "antenna", "chuck", "charger", "power"],
            "battery": ["battery", "battery life", "run time", "charging time"],
            "software": ["app", "setup", "firmware", "display", "controls", "settings", "scheduling"],
            "price": ["price", "value", "running cost"],
            "support": ["installation", "delivery", "warranty", "customer service", "instructions"],
        },
    },
}
# how often each domain is drawn (the two most common review domains weigh more)
DOMAIN_WEIGHTS = {"laptops": 3, "restaurants": 3, "phones": 1.5, "kitchen": 1, "audio": 1,
                  "clothing": 1, "hotels": 1, "appliances": 1}

# compositional dish names make the food list open-ended, as real menus are
DISH_MODS = ("grilled spicy fried roasted garlic lemon chicken beef pork shrimp tuna salmon veggie mushroom "
             "goat cheese seafood house special coconut sesame honey ginger teriyaki bbq").split()
COOKED = "homemade baked steamed braised smoked stuffed pan-seared deep-fried thin-crust house-made raw poached".split()
SPEC_MODS = {
    "hardware": "external|built-in|wireless|extra|standard|original|USB|backlit|full-size|numeric|optical|2GB|500GB".split("|"),
    "display": "17-inch|15-inch|HD|LED|glossy|matte|widescreen|4K|13-inch|touch".split("|"),
    "audio": "built-in|external|stereo|rear|front".split("|"),
    "software": "pre-installed|bundled|64-bit|default|built-in".split("|"),
}
NAMED_TERMS = {
    "food": ["chicken tikka masala", "spicy tuna roll", "eggplant parmesan", "lamb vindaloo", "pork fried rice",
             "beef noodle soup", "lobster ravioli", "crab cakes", "clam chowder", "chocolate lava cake",
             "creme brulee", "pork buns", "duck confit", "filet mignon", "sea bass", "short ribs",
             "goat cheese salad", "French onion soup", "veal parmigiana", "margherita pizza", "pepperoni pizza",
             "green curry", "miso soup", "seaweed salad", "egg rolls", "spring rolls", "hot and sour soup",
             "orange chicken", "pulled pork sandwich", "fish tacos", "chicken quesadilla", "nachos",
             "baby back ribs", "shrimp cocktail", "onion rings", "key lime pie", "bread pudding",
             "chicken parm", "eggs Benedict", "lamb chops", "pork belly", "beef brisket", "fried chicken",
             "cheese plate", "raw bar", "chef's special", "daily specials", "kids' menu", "dessert menu"],
    "drink": ["house wine", "draft beer", "iced tea", "hot chocolate", "mango lassi", "frozen margaritas"],
    "service": ["wait staff", "delivery guy", "front of house", "bar staff", "kitchen staff", "maitre d'"],
    "hardware": ["USB port", "power supply", "keyboard layout", "touch pad", "hard drive space", "DVD burner",
                 "built-in webcam", "extended battery", "Intel Core i5 processor", "4GB of RAM", "500 GB hard drive",
                 "power brick", "cooling fan", "mouse buttons", "function keys", "screen hinge", "AC adapter"],
    "display": ["screen resolution", "glossy screen", "15.6 inch screen", "LED backlight", "retina display"],
    "software": ["Windows 7 Home Premium", "Mac OS X Leopard", "Microsoft Office 2007", "system restore",
                 "recovery disk", "iLife", "Photo Booth", "web browser", "virus protection", "start menu"],
    "support": ["customer service rep", "tech support line", "Geek Squad", "AppleCare", "3 year warranty",
                "repair depot", "return policy"],
}
DISH_HEADS = "salad roll curry soup tacos burger sandwich pizza pasta noodles platter skewers dumplings wrap".split()

PLURAL_EXCEPTIONS = {"glass", "gas", "class", "status", "bus", "fries", "dress", "menus", "news", "mattress",
                     "access", "process", "wireless", "hummus", "asparagus", "lettuce", "boss", "brass",
                     "chassis", "Windows", "Windows 7", "Windows 8", "Windows 10", "OS", "iTunes", "Bluetooth",
                     "mac and cheese", "fish and chips", "focus", "Office", "GPS", "Vista", "OS X", "Mac OS",
                     "Wi-Fi", "ambiance", "RAM", "CPU", "SSD", "LCD", "EQ", "prix fixe", "sake", "pho"}
PLURAL_FORCED = {"fries", "glasses", "jeans", "pants", "shorts", "headphones", "earbuds", "colors", "photos", "sides"}


def is_plural(term: str) -> bool:
    if term in PLURAL_FORCED:
        return True
    if term in PLURAL_EXCEPTIONS:
        return False
    last = term.split()[-1]
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "ics"))


# ---------------------------------------------------------------- clause templates
# [A] is the aspect slot; {BE} agrees with it; {P} a positive and {N} a negative opinion word
# fitting the aspect's kind; {E} the product itself (never an aspect); {T} a time span.
POS_CLAUSES = [
    "the [A] {BE} {P}", "the [A] {BE} {INT} {P}", "{P} [A]", "{INT} {P} [A]", "I love the [A]",
    "I really like the [A]", "loved the [A]", "[A] {BE} {P}", "the [A] {BE} {P} and {P}",
    "you can't beat the [A]", "the [A] {BE} the best part", "highly recommend the [A]",
    "it has a {P} [A]", "the {E} has {P} [A]", "the [A] {BE} {P} as always", "their [A] {BE} {P}",
    "the [A] {BE} just {P}", "the [A] {BE} worth it", "the [A] {BE} {P}, no complaints",
    "I was impressed by the [A]", "I'm very happy with the [A]", "what a {P} [A]", "the [A] never disappoints",
    "the [A] {BE} as {P} as I hoped", "the [A] {BE} better than expected", "the [A] {BE} a pleasant surprise",
    "the [A] {BE} {P} for the money", "I can't say enough about the [A]", "the [A] {BE} superb",
    "the [A] works perfectly", "the [A] {BE} second to none", "enjoyed the [A]", "{P} [A] and {P} [A]",
    "the [A] and [A] {BE2} {P}", "both the [A] and the [A] {BE2} {P}", "the [A], [A] and [A] {BE2} all {P}",
    "the best thing about the {E} is the [A]", "the [A] really stands out", "the [A] {BE} spot on",
    "great job on the [A]", "the [A] {BE} {P}, as advertised", "fell in love with the [A]",
    "the [A] {BE} pretty {P}", "the [A] {BE} {P}, which I appreciate", "we enjoyed the [A] a lot",
]
NEG_CLAUSES = [
    "the [A] {BE} {N}", "the [A] {BE} {INT} {N}", "{N} [A]", "the [A] {BEN} {P}", "the [A] {BEN} very {P}",
    "I hate the [A]", "the [A] {BE} a joke", "we had problems with the [A]", "I had problems with the [A]",
    "I had to send it back because of the [A]", "the [A] could have been better", "not impressed with the [A]",
    "the [A] leaves a lot to be desired", "the [A] stopped working after {T}", "the [A] broke after {T}",
    "my only complaint is the [A]", "the only downside is the [A]", "the problem is the [A]",
    "the [A] {BE} a disappointment", "the [A] {BE} {N} and {N}", "{N} [A] and {N} [A]",
    "the [A] {BE} not worth it", "the [A] {BE} nothing special", "the [A] {BE} way too {N}",
    "the [A] died after {T}", "the [A] gave out after {T}", "do not expect much from the [A]",
    "I was disappointed with the [A]", "the [A] {BE} {N}, to say the least", "avoid the [A]",
    "the [A] {BE} the worst part", "the [A] and [A] {BE2} {N}", "what a {N} [A]", "the [A] {BE} an issue",
    "the [A] {BE} overrated", "there's something wrong with the [A]", "the [A] {BE} {N} for the money",
    "I'm not happy with the [A]", "the [A] {BE} so {N}", "the [A] keeps failing", "the [A] {BE} a letdown",
    "the [A] {BE} {N}, which is a shame", "the [A] {BE} barely usable",
]
NEU_CLAUSES = [
    "we ordered the [A]", "I got the [A]", "I bought it for the [A]", "it comes with a [A]", "it has a [A]",
    "the [A] {BE} {NUM}", "I asked about the [A]", "I use the [A] every day", "I checked the [A]",
    "next time I will try the [A]", "I didn't try the [A]", "the [A] {BE} on the side", "we had the [A]",
    "I had the [A]", "the [A] {BE} included", "I changed the [A]", "I updated the [A]",
    "I was told to check the [A]", "you have to set up the [A] first", "I mostly use the [A] for work",
    "the [A] {BE} similar to the last one", "I compared the [A] with other brands", "we split the [A]",
    "the [A] came out after {T}", "the [A] {BE} different from the picture", "I replaced the [A]",
    "the [A] {BE} what you would expect", "they brought the [A]", "we asked for the [A]",
    "I turned off the [A]", "I charge the [A] at night", "the [A] {BE} {NUM}, and the [A] {BE} {NUM}",
    "the [A] {BE} standard", "she got the [A] and I got the [A]", "I plugged in the [A]",
]
# whole sentences that name no aspect: the product as a whole, the visit, the customer
NO_ASPECT = [
    "I bought this {E} for my son.", "This {E} is {GP}.", "The {E} is {GN}.", "We came here for my birthday.",
    "I have had this {E} for {T}.", "Would recommend to anyone.", "Will definitely be back!",
    "Highly recommended.", "Do not buy this {E}.", "My wife loves it.", "I returned it after {T}.",
    "This is my second {E}.", "Five stars.", "Overall a {GP} experience.", "Overall a {GN} experience.",
    "I would not go back.", "It arrived on time.", "We went there last Friday.", "I got it as a gift.",
    "I'm not sure yet.", "This is the best {E} I've ever owned.", "Worst {E} ever.",
    "It does what it is supposed to do.", "It works.", "Love it!", "Not worth the money.",
    "Thanks for reading.", "I can't recommend this {E} enough.", "What a {GP} {E}!", "What a waste.",
    "I wanted to like it.", "My friends and I went there on a Saturday night.", "We were a party of six.",
    "I use it every day.", "I had high hopes.", "This {E} is a keeper.", "Enough said.",
    "We will not be returning.", "I ordered it last month.", "It's a {GP} {E}.", "Stay away from this {E}.",
    "I have recommended this {E} to all my friends.", "It was my first time here.", "Never again.",
    "After {T}, I'm still happy with it.", "I bought the {E} on sale.", "This {E} changed my life.",
]
# Context clauses full of nouns that are not features (people, times, places, reasons), so the
# tagger learns that a noun is not an aspect just for being a noun.
CONTEXT_PREFIXES = [
    "When I got it home from {WHERE}, ", "After reading the reviews {WHERE}, ", "I bought it {WHEN} for {WHO} and ",
    "We went {WHEN} with {WHO} and ", "Since I use it {WHY}, ", "I've had it for {T} and ", "I ordered it {WHERE} and ",
    "{WHO_CAP} recommended it to me and ", "We came here {WHEN} for {OCCASION} and ", "Coming from my old {E}, ",
    "As a {ROLE}, ", "My {FAM} and I went there {WHEN}; ", "I was looking for a new {E} {WHY} and ",
    "I needed something {WHY}, and ", "On our first visit {WHEN}, ", "After {T} of daily use, ",
]
CONTEXT_SUFFIXES = [
    " when I use it {WHY}", " compared to my old {E}", " for a family of four", " {WHEN}", " for my needs",
    " for everyday use", " for the kids", " every time we come here", " according to {WHO}", " for {OCCASION}",
    " for a {ROLE} like me", " in this part of town", " at this point", " for what I do", " given the brand name",
]
NO_ASPECT += [
    "I bought it {WHERE} {WHEN} for {WHO} who is in college.", "We took {WHO} here for {OCCASION}.",
    "{WHO_CAP} recommended this {E}.", "I needed a new {E} {WHY}.", "I have been coming here for years.",
    "The first time I went, it was packed.", "I called {WHO} right away.", "My {FAM} and I shared everything.",
    "As a {ROLE}, I spend a lot of time on my {E}.", "We drove an hour to get here.", "I ordered a second one for {WHO}.",
    "It was a gift from {WHO} {WHEN}.", "I did a lot of research before buying this {E}.",
    "We waited for {WHO} to arrive.", "This was my third visit {WHEN}.", "I bought it {WHY}.",
    "We celebrated {OCCASION} here {WHEN}.", "The {E} arrived {WHEN}.", "I took it with me on a business trip.",
    "I sent it back {WHEN} and got a refund.", "Everyone at the table was happy.", "We sat by the window.",
]
BRANDS = ["Dell", "Lenovo", "Acer", "Samsung", "Sony", "LG", "Microsoft", "Google", "Bosch", "KitchenAid",
          "Nike", "Adidas", "Philips", "Panasonic", "Canon", "Nikon", "Logitech", "Bose", "Sennheiser", "Cuisinart",
          "Hilton", "Marriott", "Dyson", "Whirlpool", "Levi's", "Gap", "Uniqlo", "Razer", "MSI", "Gateway"]
CONTEXT_PREFIXES += [
    "I switched from {BRAND} and ", "Compared to my old {BRAND}, ", "Unlike {BRAND}, ", "As a longtime {BRAND} fan, ",
    "I have owned {BRAND} products for years and ", "{BRAND} did a good job here: ",
]
CONTEXT_SUFFIXES += [" for a {BRAND}", " compared to {BRAND}", " like on my {BRAND}", " as with every {BRAND}"]
NO_ASPECT += [
    "I have always bought {BRAND}.", "This is my first {BRAND} {E}.", "{BRAND} makes great products.",
    "I will never buy {BRAND} again.", "My last {E} was a {BRAND} too.", "{BRAND} has lost a customer.",
    "I chose {BRAND} over the others.", "I love {BRAND}!", "Thank you {BRAND}.", "Go with {BRAND} instead.",
]
# Names of shops, restaurants, people and places, invented here: capitalised nouns that are not
# features, so the tagger does not take every proper noun for a term.
VENUES = ["Luigi's", "Golden Dragon", "Casa Verde", "The Blue Door", "Mama Rosa's", "Sakura House", "Bombay Palace",
          "Le Petit Jardin", "Pho Saigon", "El Toro", "Joe's Diner", "The Corner Bistro", "Bangkok Garden",
          "Olive Tree", "Tony's", "Red Lantern", "Bella Notte", "Spice Route", "Harbor Grill", "Maple Street Cafe",
          "TechZone", "GadgetHub", "PC World", "Micro Center", "the Apple Store", "Staples", "Target", "Walmart"]
PEOPLE = ["Mike", "Sarah", "John", "Maria", "Dave", "Jenny", "Carlos", "Anna", "Steve", "Lisa", "Tom", "Priya",
          "Kevin", "Emily", "Ahmed", "Rachel", "Mr. Lee", "Chris", "Nina", "Paul"]
CITIES = ["New York", "Brooklyn", "Chicago", "Boston", "the city", "town", "the neighborhood", "Manhattan", "Queens",
          "downtown", "midtown", "the East Village", "Soho", "Jersey", "the area", "Main Street", "the mall",
          "the West Side", "Seattle", "this part of town", "the suburbs", "Philly", "LA"]
CUISINES = ["Thai", "Italian", "Indian", "Chinese", "Mexican", "French", "Japanese", "Korean", "Greek", "Spanish",
            "Vietnamese", "Middle Eastern", "Turkish", "Ethiopian", "Cuban", "Peruvian", "Asian", "American",
            "Szechuan", "Neapolitan", "authentic", "spicy", "vegan", "upscale", "cheap", "fancy", "casual"]
ACTIVITIES = ["email", "checking email", "music", "listening to music", "watching movies", "homework", "school work",
              "writing papers", "browsing the web", "surfing the internet", "Facebook", "spreadsheets", "video chats",
              "Skype", "editing photos", "storing pictures", "my documents", "my files", "online classes",
              "streaming shows", "work emails", "my business", "taking notes", "reading the news"]
WHO = ["my wife", "my husband", "my son", "my daughter", "my boss", "my friends", "the kids", "my parents",
       "a friend", "my girlfriend", "my brother", "a coworker", "my mom", "my roommate", "my family"]
FAM = ["wife", "husband", "girlfriend", "boyfriend", "sister", "brother", "dad", "mom", "friend", "coworkers"]
WHEN = ["last week", "on Friday", "two months ago", "yesterday", "over the weekend", "on Saturday night",
        "last year", "in March", "this morning", "a few days ago", "during the holidays", "last night"]
WHERE = ["at Best Buy", "online", "on Amazon", "at the mall", "at the store", "on eBay", "from the website",
         "at Costco", "from a local shop", "at the outlet"]
WHY = ["for school", "for work", "for college", "for gaming", "for my business", "for travel", "for graphic design",
       "for watching movies", "for my home office", "for photo editing", "for everyday cooking", "at the gym"]
OCCASION = ["my birthday", "our anniversary", "a date night", "a work lunch", "Mother's Day", "a family dinner",
            "New Year's Eve", "a graduation party", "Valentine's Day"]
ROLE = ["student", "teacher", "programmer", "photographer", "nurse", "designer", "busy mom", "college student",
        "writer", "gamer", "chef", "traveler"]

CONNECTORS = [(", but ", "contrast"), (" but ", "contrast"), (". However, ", "contrast"), (", however ", "contrast"),
              (", although ", "contrast"), ("; ", "any"), (" and ", "same"), (", and ", "same"),
              (". ", "any"), (", while ", "contrast"), (" - ", "any"), (", though ", "contrast"),
              (". Also, ", "same"), (", plus ", "same"), (" and also ", "same"), (". On the other hand, ", "contrast")]
PREFIXES = ["", "", "", "", "Overall, ", "Honestly, ", "I have to say ", "To be honest, ", "After {T}, ",
            "Sadly, ", "Luckily, ", "In my opinion, ", "For me, ", "Unfortunately, ", "I think ", "Also, ",
            "As for the {E}, ", "I must say ", "Otherwise, ", "First of all, "]
SUFFIXES = ["", "", "", "", " though", " for sure", " in my opinion", " overall", " as well", " too",
            " for the most part", " at all times", " at this {E}", " on this {E}"]
INTENS = ["very", "really", "extremely", "super", "so", "quite", "incredibly", "pretty", "absolutely", "truly"]
TIMES = ["two weeks", "a month", "three days", "a year", "six months", "a few uses", "a week", "two years"]
NUMS = ["15 inches", "about 5 pounds", "500 GB", "black", "silver", "on the left side", "in the back",
        "8 GB", "about average", "the same as before", "$20", "extra", "new", "made of plastic", "optional"]
BE_NEG = {"is": ["is not", "isn't"], "are": ["are not", "aren't"], "was": ["was not", "wasn't"],
          "were": ["were not", "weren't"]}


CONTEXT_PREFIXES += [
    "We found {VENUE} {WHEN} and ", "At {VENUE}, ", "{PERSON} told me about it and ", "I live in {CITY} and ",
    "Of all the {CUISINE} {E}s in {CITY}, ", "I was craving {CUISINE} {WHEN} and ", "I mostly use it for {ACT}, and ",
    "Our friend {PERSON} booked a table and ", "After a long day in {CITY}, ", "I picked it up at {VENUE} and ",
]
CONTEXT_SUFFIXES += [
    " in {CITY}", " for {ACT}", " according to {PERSON}", " compared to {VENUE}", " for {CUISINE} standards",
    " for a {CUISINE} {E}", " when I do {ACT}", " in all of {CITY}",
]
NO_ASPECT += [
    "This is the best {CUISINE} {E} in {CITY}.", "{VENUE} is our go-to {E} in {CITY}.", "We love {CUISINE}.",
    "I use my {E} for {ACT} and {ACT}.", "{PERSON} and I come here {WHEN}.", "Ask for {PERSON}!",
    "It is a {GP} {CUISINE} {E}.", "There are many {CUISINE} {E}s in {CITY}.", "{PERSON} took us to {VENUE}.",
    "Mostly I use it for {ACT}.", "It is great for {ACT}.", "It handles {ACT} with no trouble.",
    "If you are ever in {CITY}, go to {VENUE}.", "We had {CUISINE} {WHEN} at {VENUE}.",
    "I have owned many {E}s over the years.", "Not the best {E} in {CITY}, but not the worst.",
    "I went to {VENUE} {WHEN} with {PERSON}.", "I bought it at {VENUE} {WHEN}.", "{GP} {CUISINE} {E}!",
    "We will be back next time we are in {CITY}.", "It was {GP}.", "A {GP} {E} to eat in {CITY}.",
    "We ate there {WHEN} and went home happy.", "We ordered and waited.", "We ended up going to {VENUE} instead.", "It was {GN}.", "Everything was {GP}.",
]
VERB_CLAUSES = {
    "positive": ["it is {EASY} to [V]", "it [V] {WELL}", "it is so {EASY} to [V]", "it [V] {WELL} for me"],
    "negative": ["it is {HARD} to [V]", "it [V] {BADLY}", "it is a pain to [V]", "it [V] {BADLY} now"],
}
# verbs that name something the product does or is used for ("easy to use", "it runs smoothly")
VERBS = {"to": ["use", "set up", "carry", "navigate", "install", "operate", "clean", "assemble", "read", "hold",
                "travel with", "learn"],
         "it": ["runs", "works", "performs", "boots", "charges", "starts up", "shuts down"]}
EASY = ["easy", "simple", "quick", "a breeze", "effortless", "very easy", "so simple"]
HARD = ["hard", "difficult", "awkward", "a hassle", "confusing", "tricky"]
WELL = ["smoothly", "great", "perfectly", "fast", "well", "flawlessly", "like a charm", "quietly"]
BADLY = ["slowly", "poorly", "terribly", "badly", "hot", "erratically"]


# ---------------------------------------------------------------- natural review language
# Clauses closer to how people write: the feature sits among nouns that are NOT features (the
# product itself, people, uses, money, time), so the tagger learns which nouns are features
# instead of "any noun after 'the'". Written here from the SemEval-2014 annotation guidelines'
# definition (parts, features and services of the product; never the product, a brand or a use).
POS_CLAUSES += [
    "the [A] is great for {ACT}", "I use the [A] for {ACT} every day and it is {P}",
    "after {T} the [A] still works like new", "my {FAM} loved the [A]", "{WHO} was impressed with the [A]",
    "compared to my old {BRAND}, the [A] {BE} {P}", "if you want a {E} with a {P} [A], this is it",
    "the [A] alone {BE} worth the money", "no complaints about the [A] so far", "I have had no problems with the [A]",
    "the [A] on this {E} {BE} {P}", "the [A] of this {E} {BE} {P}", "the [A] here {BE} {P}",
    "our [A] {BE} {P}", "they have {P} [A]", "the [A] made our night", "the [A] {BE} the reason I bought it",
    "the [A] {BE} {P}, better than on my {BRAND}", "I can't get over how {P} the [A] {BE}",
    "[A] {BE} {P} as usual", "the [A] {BE} {P} and the {E} is {GP} overall", "kudos to the [A]",
    "I was blown away by the [A]", "the [A] {BE} {INT} {P} for a {E} this size", "the [A] is a big plus",
    "the [A] {BE} exactly what I needed for {ACT}", "I couldn't be happier with the [A]",
    "the [A] {BE} {P} and it shows", "a {P} [A] makes all the difference", "the [A] {BE} top notch",
]
NEG_CLAUSES += [
    "the [A] is useless for {ACT}", "I wish the [A] were better", "be warned, the [A] {BE} {N}",
    "the [A] on this {E} {BE} {N}", "the [A] of this {E} {BE} {N}", "the [A] here {BE} {N}",
    "our [A] {BE} {N}", "my {FAM} hated the [A]", "{WHO} complained about the [A]",
    "the [A] on my old {BRAND} was much better", "I had to call {BRAND} about the [A] twice",
    "the [A] {BE} {N} and the {E} is {GN} overall", "the [A] started acting up after {T}",
    "the [A] {BE} {N} for a {E} at this price", "the [A] ruined the whole experience",
    "the only thing I don't like is the [A]", "I regret not checking the [A] first",
    "we waited {T} for the [A]", "the [A] {BE} far from {P}", "don't get me started on the [A]",
    "the [A] {BE} a huge letdown for {ACT}", "the [A] gets worse every day",
    "there is a problem with the [A]", "I can't stand the [A]", "the [A] needs work",
]
NEU_CLAUSES += [
    "I mostly use the [A] for {ACT}", "{WHO} ordered the [A]", "the [A] came with the {E}",
    "I had to update the [A] when I got it", "the [A] {BE} on the left side of the {E}",
    "I have not tried the [A] yet", "we shared the [A] and the [A]", "the [A] {BE} made by {BRAND}",
    "the {E} comes with a [A] and a [A]", "I connected the [A] to my TV",
]
# negation that praises and faint praise that complains: the polarity is the clause's, not its words'
POS_CLAUSES += [
    "I can't complain about the [A]", "the [A] {BE} not bad at all", "the [A] could not be better",
    "nothing wrong with the [A]", "I never had an issue with the [A]", "the [A] never lets me down",
    "the [A] {BE} anything but {N}", "I have zero complaints about the [A]", "no problems with the [A] at all",
    "the [A] {BEN} {N} at all", "can't fault the [A]", "I was worried about the [A], but it {BE} {P}",
]
NEG_CLAUSES += [
    "the [A] {BE} not great", "I can't say I love the [A]", "the [A] {BE} never {P}", "I can't recommend the [A]",
    "the [A] {BE} not what I expected", "the [A] looks nice but {BE} {N}", "the [A] {BE} fine at first, then {N}",
    "I wanted to love the [A]", "the [A] {BE} supposed to be {P}, but {BE} not", "I expected more from the [A]",
    "the [A] {BE} not as {P} as advertised", "nothing good to say about the [A]",
]
NO_ASPECT += [
    "I bought this {E} {WHEN} and have had no problems so far.", "My {FAM} uses it mostly for {ACT}.",
    "It is perfect for {ACT} and {ACT}.", "I would recommend this {E} to anyone looking for a good {E}.",
    "For the money, you can't beat it.", "It was a great purchase.", "This was money well spent.",
    "I've been using {BRAND} for years and this is by far the best {E} they make.",
    "We got there around 8pm on a Friday night.", "The {E} is about two years old now.",
    "Everything about this {E} is {GP}.", "I took my {FAM} here {WHEN} and she loved it.",
    "My only regret is not buying it sooner.", "It is so fast!", "It is very light and easy to carry.",
    "It's a little pricey but worth every penny.", "It gets really hot after an hour.", "Way too expensive.",
    "It is not cheap, but you get what you pay for.", "Very quiet, even at night.", "Super fast and reliable.",
    "It was cold and tasteless.", "Everything we ordered was delicious.", "Nothing works the way it should.",
    "It's the best {E} I have ever had.", "The whole experience was {GP}.", "Overall, a {GN} experience.",
    "We were seated right away.", "It took forever.", "It stopped working after {T}.", "It keeps crashing.",
    "I have had it for {T} and it still works like new.", "Worth every penny.", "Cheap and cheerful.",
    "I use it for {ACT}, {ACT} and {ACT}.", "It's great for {ACT}.", "I can finally do {ACT} without waiting.",
    "This {E} is great for students.", "It is a good {E} for the price.", "I paid less than $500 for it.",
    "The {E} itself is {GP}.", "I love my new {E}!", "This {E} is {GN}, do not waste your money.",
    "{BRAND} really knows how to make a {E}.", "We have been here many times.", "I upgraded from a {BRAND}.",
    "It is small enough to fit in my bag.", "It does everything I need it to do.", "I can't complain.",
    "I could not be happier with this purchase.", "I was not impressed.", "It is not worth it.",
    "The {E} came in a box with no scratches.", "I called {PERSON} and he fixed it in ten minutes.",
    "There was nothing wrong with it.", "We were there for three hours.", "The night was a disaster.",
    "It arrived in two days and I set it up in five minutes.", "No problems at all.", "A total waste of money.",
]
CONTEXT_WORDS = {"{VENUE}": VENUES, "{PERSON}": PEOPLE, "{CITY}": CITIES, "{CUISINE}": CUISINES,
                 "{ACT}": ACTIVITIES, "{BRAND}": BRANDS, "{FAM}": FAM, "{WHEN}": WHEN, "{WHERE}": WHERE, "{WHY}": WHY, "{OCCASION}": OCCASION,
                 "{ROLE}": ROLE}


class Sentence:
    """A sentence under construction: text plus aspect spans, appended piece by piece."""

    def __init__(self):
        self.text = ""
        self.aspects: list[dict] = []

    def add(self, piece: str) -> None:
        self.text += piece

    def add_aspect(self, term: str, polarity: str) -> None:
        start = len(self.text)
        self.text += term
        self.aspects.append({"term": term, "start": start, "end": len(self.text), "polarity": polarity})


def pick_aspect(rng: random.Random, domain: str, kind: str | None = None) -> tuple[str, str]:
    aspects = DOMAINS[domain]["aspects"]
    if kind is None or kind not in aspects:
        # every term equally likely, so small kinds (price) do not crowd out the rest
        kind, term = rng.choice([(k, t) for k, terms in aspects.items() for t in terms])
    else:
        term = rng.choice(aspects[kind])
    if domain in ("laptops", "restaurants") and kind in NAMED_TERMS and rng.random() < 0.15:
        return rng.choice(NAMED_TERMS[kind]), kind
    if kind == "food" and rng.random() < 0.25:
        term = f"{rng.choice(DISH_MODS)} {rng.choice(DISH_HEADS)}"
    elif kind == "food" and rng.random() < 0.12 and " " not in term:
        term = f"{rng.choice(COOKED)} {term}"
    elif kind in SPEC_MODS and rng.random() < 0.12 and " " not in term:
        # plain describing words belong to the term ("17-inch screen", "wireless mouse");
        # opinion words before a term stay outside it (the "{P} [A]" templates)
        term = f"{rng.choice(SPEC_MODS[kind])} {term}"
    return term, kind


def opinion(rng: random.Random, kind: str, positive: bool) -> str:
    own = (KIND_POS if positive else KIND_NEG).get(kind, [])
    general = GENERAL_POS if positive else GENERAL_NEG
    return rng.choice(own) if own and rng.random() < 0.6 else rng.choice(general)


def render_clause(rng: random.Random, sent: Sentence, template: str, domain: str, polarity: str,
                  past: bool) -> None:
    """Append one clause; every [A] slot becomes an annotated aspect of ``polarity``."""
    entity = rng.choice(DOMAINS[domain]["entity"])
    kind = None
    last_term = ""
    parts = re.split(r"(\[A\]|\[V\]|\{[A-Z0-9_]+\})", template)
    for part in parts:
        if part == "[A]":
            term, kind = pick_aspect(rng, domain, kind if rng.random() < 0.5 else None)
            tries = 0
            while term in [a["term"] for a in sent.aspects] and tries < 5:
                term, kind = pick_aspect(rng, domain)
                tries += 1
            sent.add_aspect(term, polarity)
            last_term = term
        elif part == "{BE}":
            plural = is_plural(last_term)
            sent.add(("were" if plural else "was") if past else ("are" if plural else "is"))
        elif part == "{BE2}":
            sent.add("were" if past else "are")
        elif part == "{BEN}":
            plural = is_plural(last_term)
            base = ("were" if plural else "was") if past else ("are" if plural else "is")
            sent.add(rng.choice(BE_NEG[base]))
        elif part == "{P}":
            sent.add(opinion(rng, kind or "general", True))
        elif part == "{N}":
            sent.add(opinion(rng, kind or "general", False))
        elif part == "{GP}":
            sent.add(rng.choice(GENERAL_POS))
        elif part == "{GN}":
            sent.add(rng.choice(GENERAL_NEG))
        elif part == "{INT}":
            sent.add(rng.choice(INTENS))
        elif part == "{E}":
            sent.add(entity)
        elif part == "{T}":
            sent.add(rng.choice(TIMES))
        elif part == "{NUM}":
            sent.add(rng.choice(NUMS))
        elif part in ("{WHO}", "{WHO_CAP}"):
            who = rng.choice(WHO)
            sent.add(who[0].upper() + who[1:] if part == "{WHO_CAP}" else who)
        elif part == "[V]":
            verbs = VERBS["to"] if sent.text.rstrip().endswith("to") else VERBS["it"]
            sent.add_aspect(rng.choice(verbs), polarity)
        elif part in ("{EASY}", "{HARD}", "{WELL}", "{BADLY}"):
            sent.add(rng.choice({"{EASY}": EASY, "{HARD}": HARD, "{WELL}": WELL, "{BADLY}": BADLY}[part]))
        elif part in CONTEXT_WORDS:
            sent.add(rng.choice(CONTEXT_WORDS[part]))
        else:
            sent.add(part)


DEVICE_DOMAINS = {"laptops", "phones", "kitchen", "audio", "appliances"}


def clause_templates(polarity: str, domain: str = "", rng: random.Random | None = None) -> list[str]:
    if domain in DEVICE_DOMAINS and polarity in VERB_CLAUSES and rng is not None and rng.random() < 0.08:
        return VERB_CLAUSES[polarity]
    return {"positive": POS_CLAUSES, "negative": NEG_CLAUSES, "neutral": NEU_CLAUSES}[polarity]


def make_sentence(rng: random.Random, domain: str) -> dict:
    """One generated sentence with its aspects (text, aspects, domain, family)."""
    sent = Sentence()
    roll = rng.random()
    if roll < 0.35:
        template = rng.choice(NO_ASPECT)
        render_clause(rng, sent, template, domain, "neutral", False)
        family = "no_aspect"
    else:
        n_clauses = 1 if roll < 0.62 else 2 if roll < 0.94 else 3
        past = rng.random() < 0.5 if domain in ("restaurants", "hotels") else rng.random() < 0.2
        polarity = rng.choices(["positive", "negative", "neutral"], weights=[0.45, 0.35, 0.2])[0]
        prefix = rng.choice(CONTEXT_PREFIXES) if rng.random() < 0.35 else rng.choice(PREFIXES)
        render_clause(rng, sent, prefix, domain, polarity, past)
        family = polarity
        for i in range(n_clauses):
            if i:
                connector, relation = rng.choice(CONNECTORS)
                if relation == "contrast":
                    polarity = {"positive": "negative", "negative": "positive"}.get(
                        polarity, rng.choice(["positive", "negative"]))
                elif relation == "any":
                    polarity = rng.choices(["positive", "negative", "neutral"], weights=[0.4, 0.35, 0.25])[0]
                sent.add(connector)
                family = "mixed" if relation == "contrast" else family
            template = rng.choice(clause_templates(polarity, domain, rng))
            render_clause(rng, sent, template, domain, polarity, past)
        suffix = rng.choice(CONTEXT_SUFFIXES) if rng.random() < 0.3 else rng.choice(SUFFIXES)
        render_clause(rng, sent, suffix, domain, polarity, past)
        sent.add(rng.choice([".", ".", ".", "!", "", "!!", "..."]))
    text = sent.text
    text = _capitalise_sentences(text)
    if rng.random() < 0.08:
        text = text.lower()
    # capitalising keeps offsets: only first letters change
    aspects = [{**a, "term": text[a["start"]:a["end"]]} for a in sent.aspects]
    return {"text": text, "aspects": aspects, "domain": domain, "family": family}


def _capitalise_sentences(text: str) -> str:
    chars = list(text)
    capital_next = True
    for i, ch in enumerate(chars):
        if capital_next and ch.isalpha():
            chars[i] = ch.upper()
            capital_next = False
        elif ch in ".!?":
            capital_next = True
        elif not ch.isspace() and ch not in "\"'(":
            capital_next = False
    return "".join(chars)


def generate(n: int = 9000, seed: int = 13) -> list[dict]:
    """``n`` distinct generated sentences, reproducible from ``seed``.

    Example::

        generate(3, seed=1)[0]["aspects"][0]  # {'term': ..., 'start': ..., 'end': ..., 'polarity': ...}
    """
    rng = random.Random(seed)
    names = list(DOMAIN_WEIGHTS)
    weights = [DOMAIN_WEIGHTS[d] for d in names]
    seen: set[str] = set()
    rows: list[dict] = []
    attempts = 0
    while len(rows) < n and attempts < n * 20:
        attempts += 1
        row = make_sentence(rng, rng.choices(names, weights=weights)[0])
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=9000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", default=str(Path(__file__).with_name("aspects_seed.jsonl")))
    args = parser.parse_args()
    rows = generate(args.n, args.seed)
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows:
            assert all(row["text"][a["start"]:a["end"]] == a["term"] for a in row["aspects"])
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} sentences to {args.out}")


if __name__ == "__main__":
    main()
