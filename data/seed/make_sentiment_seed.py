"""Write the sentence-sentiment seed set: data/seed/sentiment_train.jsonl and sentiment_heldout.jsonl.

Every sentence is composed here, by this project, from hand-written templates and per-category
vocabularies (plus a list of hand-written free sentences); nothing is copied from any outside
data set. Rows are ``{"text", "label", "category", "family"}`` with label in
negative / neutral / positive. The held-out split is a whole set of template families (and every
fifth free sentence), so it is not near-duplicates of the training split.

Run it again after editing: the output is deterministic for a given ``--seed``.

    python data/seed/make_sentiment_seed.py            # writes the two files beside this script
    python data/seed/make_sentiment_seed.py --stats    # also prints counts
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- vocabularies shared by all categories -------------------------------------------------

GOOD = ["great", "excellent", "amazing", "awesome", "fantastic", "wonderful", "superb", "outstanding",
        "brilliant", "perfect", "lovely", "terrific", "incredible", "phenomenal", "fabulous", "stellar",
        "top-notch", "impressive", "solid", "delightful", "marvelous", "exceptional", "first-rate",
        "flawless", "good", "nice", "really good", "very good", "beautiful", "spectacular", "remarkable",
        "pleasant", "superior", "wonderful", "unbeatable", "ideal", "neat", "cool", "sweet"]
BAD = ["terrible", "awful", "horrible", "bad", "poor", "lousy", "dreadful", "disappointing", "useless",
       "pathetic", "mediocre", "subpar", "crappy", "atrocious", "abysmal", "appalling", "horrendous",
       "unacceptable", "frustrating", "annoying", "worthless", "shoddy", "cheap", "inferior", "sloppy",
       "lame", "underwhelming", "unpleasant", "miserable", "very bad", "really poor", "second-rate",
       "embarrassing", "ridiculous", "pitiful", "rubbish", "junky", "nasty", "lackluster", "so-so"]
INTENSE = ["really", "very", "so", "super", "extremely", "incredibly", "truly", "absolutely", "quite",
           "pretty", "seriously", "genuinely", "remarkably", "exceptionally", "insanely", "just", ""]
MILD = ["a bit", "slightly", "somewhat", "kind of", "a little", "rather", "a tad", "fairly"]
DURATION = ["two weeks", "a month", "three days", "six months", "a year", "a week", "ten days",
            "two months", "a few weeks", "almost a year", "three weeks", "one day"]
PEOPLE = ["my wife", "my husband", "my son", "my daughter", "my mom", "my dad", "my partner", "my sister",
          "my brother", "a friend", "my grandmother", "my roommate", "my boss", "my kids", "my neighbour"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
COLORS = ["black", "white", "grey", "navy", "red", "green", "silver", "beige", "blue", "pink"]
NUMBERS = ["two", "three", "four", "five", "six", "ten", "twelve"]

# --- categories: products, aspects with their praise and complaints, events, facts ------------
# aspects: name -> (praise words, complaint words). Events are verb phrases ("boils fast").

CATEGORIES = {
    "kitchen": dict(
        products=["kettle", "blender", "toaster", "air fryer", "coffee maker", "knife set", "frying pan",
                  "stand mixer", "rice cooker", "cutting board", "food processor", "pressure cooker",
                  "espresso machine", "saucepan", "microwave"],
        aspects={"handle": (["comfortable", "sturdy", "cool to the touch", "well balanced"], ["flimsy", "wobbly", "loose", "too hot to hold"]),
                 "lid": (["tight", "easy to open", "well made"], ["hard to close", "loose", "cracked"]),
                 "motor": (["powerful", "quiet", "strong"], ["weak", "noisy", "loud", "underpowered"]),
                 "blades": (["razor sharp", "sharp", "durable"], ["dull", "blunt", "rusty"]),
                 "coating": (["truly non-stick", "durable"], ["peeling", "scratched", "flaking"]),
                 "build quality": (["excellent", "solid", "sturdy"], ["cheap", "flimsy", "poor"]),
                 "cord": (["long enough", "sturdy"], ["too short", "frayed"]),
                 "buttons": (["responsive", "easy to press", "clearly labelled"], ["sticky", "confusing", "unresponsive"]),
                 "cleanup": (["a breeze", "easy", "quick"], ["a nightmare", "a pain", "messy"])},
        pos_events=["boils water in under three minutes", "makes perfect toast every time", "crushes ice easily",
                    "heats up really fast", "cooks rice perfectly", "brews a great cup of coffee",
                    "cleans up in seconds", "cuts through tomatoes like butter", "keeps food from sticking",
                    "has survived daily use for a year"],
        neg_events=["started leaking after two weeks", "stopped heating after a month", "burns everything",
                    "left a plastic taste in the water", "rusted after the first wash", "tripped the breaker twice",
                    "cracked the first time I used it", "takes forever to heat up", "smokes every time I use it",
                    "stopped working after ten uses"],
        facts=["I use it every morning for tea", "it replaced my old {p}", "it holds about 1.7 litres",
               "it came with a recipe booklet", "we mostly use it on weekends", "it has three speed settings",
               "the box included a measuring cup", "I keep it on the counter next to the stove",
               "it is dishwasher safe according to the manual", "I bought the stainless steel version"]),
    "audio": dict(
        products=["headphones", "earbuds", "speaker", "soundbar", "headset", "turntable", "amplifier",
                  "bluetooth speaker", "microphone", "earphones"],
        aspects={"sound": (["crisp", "clear", "rich", "balanced", "amazing"], ["muddy", "tinny", "distorted", "flat"]),
                 "bass": (["deep", "punchy", "tight"], ["weak", "boomy", "nonexistent"]),
                 "battery life": (["excellent", "long", "impressive"], ["short", "awful", "disappointing"]),
                 "noise cancelling": (["excellent", "very effective", "superb"], ["weak", "useless", "barely noticeable"]),
                 "fit": (["snug", "comfortable", "secure"], ["loose", "painful", "uncomfortable"]),
                 "ear cushions": (["soft", "plush", "comfy"], ["stiff", "scratchy", "sweaty"]),
                 "connection": (["stable", "rock solid", "reliable"], ["spotty", "unstable", "unreliable"]),
                 "microphone": (["clear", "decent", "excellent"], ["muffled", "crackly", "terrible"]),
                 "volume": (["loud enough", "plenty loud"], ["too quiet", "weak", "stuck on low"])},
        pos_events=["pairs instantly with my phone", "fills the whole room with sound", "lasts all week on one charge",
                    "blocks out the noise on the train", "stays in my ears while running", "sounds better than speakers twice the price",
                    "connects to my laptop without any fuss", "makes my old records sound new"],
        neg_events=["keeps disconnecting", "crackles at high volume", "died after three months", "drops the connection every few minutes",
                    "falls out of my ears", "hurts my ears after an hour", "stopped charging", "only plays out of one side",
                    "hisses even when nothing is playing", "lags behind the video"],
        facts=["I use them on my commute", "they came with three sizes of ear tips", "it charges over USB-C",
               "I mostly listen to podcasts", "the case is about the size of a matchbox", "it has a 3.5 mm jack",
               "I bought the {color} one", "I use it in the kitchen while cooking", "it supports bluetooth 5.3"]),
    "phones": dict(
        products=["phone", "smartphone", "phone case", "charger", "screen protector", "power bank",
                  "charging cable", "tablet", "smartwatch", "wireless charger"],
        aspects={"screen": (["bright", "sharp", "gorgeous", "vivid"], ["dim", "scratched", "dull", "cracked"]),
                 "battery": (["long-lasting", "excellent", "reliable"], ["weak", "dead by noon", "terrible"]),
                 "camera": (["stunning", "excellent", "sharp", "great"], ["blurry", "grainy", "poor"]),
                 "charging speed": (["fast", "impressive", "quick"], ["slow", "painfully slow"]),
                 "case": (["protective", "slim", "grippy"], ["bulky", "slippery", "flimsy"]),
                 "software": (["smooth", "clean", "fast"], ["buggy", "laggy", "bloated"]),
                 "speaker": (["loud", "clear"], ["tinny", "quiet", "crackly"]),
                 "fingerprint sensor": (["fast", "accurate"], ["unreliable", "slow", "hit or miss"]),
                 "cable": (["sturdy", "long", "well made"], ["flimsy", "too short", "frayed"])},
        pos_events=["lasts two full days on a charge", "charges from zero to full in an hour", "takes beautiful photos at night",
                    "survived a drop onto concrete", "runs every app smoothly", "fits perfectly in my pocket",
                    "unlocks instantly with my face", "has held up perfectly for a year"],
        neg_events=["overheats while charging", "froze twice on the first day", "shuts down at thirty percent",
                    "stopped charging after a month", "cracked when it fell off the couch", "drains the battery overnight",
                    "keeps restarting", "never connected to my car", "scratched within a week", "bent after a few days"],
        facts=["I switched from an older model", "it came with a USB-C cable", "I use it mainly for calls and maps",
               "it has 128 GB of storage", "I got the {color} version", "it arrived with a half charged battery",
               "I put a screen protector on it right away", "the box had a SIM tool and a manual"]),
    "laptops": dict(
        products=["laptop", "notebook", "keyboard", "mouse", "monitor", "webcam", "laptop stand", "docking station",
                  "external drive", "printer", "router", "chromebook"],
        aspects={"keyboard": (["comfortable", "responsive", "quiet", "great to type on"], ["mushy", "cramped", "noisy", "sticky"]),
                 "display": (["bright", "crisp", "accurate", "gorgeous"], ["washed out", "dim", "grainy", "flickering"]),
                 "performance": (["fast", "snappy", "excellent"], ["sluggish", "slow", "disappointing"]),
                 "battery life": (["excellent", "all-day", "impressive"], ["short", "poor", "pathetic"]),
                 "trackpad": (["smooth", "precise", "responsive"], ["jumpy", "laggy", "imprecise"]),
                 "fans": (["quiet", "barely audible"], ["loud", "whiny", "constantly running"]),
                 "build": (["solid", "premium", "sturdy"], ["creaky", "plasticky", "flimsy"]),
                 "ports": (["plentiful", "well placed"], ["limited", "loose", "badly placed"]),
                 "speakers": (["surprisingly good", "loud", "clear"], ["tinny", "quiet", "weak"]),
                 "setup": (["painless", "quick", "simple"], ["confusing", "painful", "endless"])},
        pos_events=["boots in seconds", "handles video editing without breaking a sweat", "lasts a full workday on battery",
                    "runs cool and quiet", "handles dozens of browser tabs easily", "set up in ten minutes",
                    "connected to my network on the first try", "prints quickly and cleanly"],
        neg_events=["overheats when I open a few tabs", "crashed twice during a meeting", "died right after the warranty ended",
                    "takes five minutes to boot", "keeps dropping the wifi", "jams every other page", "has a dead pixel in the middle",
                    "stopped recognising the charger", "blue screens every few days", "wobbles on the desk"],
        facts=["I use it for work and some light gaming", "it came with Windows preinstalled", "it has 16 GB of memory",
               "I connected it to two monitors", "it weighs about three pounds", "I mostly use it for spreadsheets",
               "it has two USB-C ports and one HDMI port", "I bought it for my {who}'s school work"]),
    "clothing": dict(
        products=["jacket", "t-shirt", "jeans", "dress", "sweater", "hoodie", "coat", "shirt", "leggings", "scarf",
                  "socks", "rain jacket"],
        aspects={"fabric": (["soft", "breathable", "high quality", "cozy"], ["itchy", "thin", "scratchy", "cheap"]),
                 "fit": (["perfect", "true to size", "flattering"], ["off", "too tight", "boxy", "way too big"]),
                 "stitching": (["neat", "strong", "clean"], ["loose", "uneven", "coming apart"]),
                 "color": (["vibrant", "exactly as pictured", "rich"], ["faded", "nothing like the photo", "dull"]),
                 "zipper": (["smooth", "sturdy"], ["stuck", "broken", "flimsy"]),
                 "sleeves": (["the right length", "comfortable"], ["too short", "too long", "tight"]),
                 "material": (["warm", "durable", "lovely"], ["see-through", "flimsy", "plasticky"])},
        pos_events=["fits like a glove", "kept me warm all winter", "still looks new after many washes",
                    "gets compliments every time I wear it", "washes well", "keeps me dry in heavy rain"],
        neg_events=["shrank after one wash", "fell apart after a month", "bled dye all over my other clothes",
                    "pilled after two wears", "ripped at the seam the first day", "lost its shape after washing",
                    "faded after a few washes", "leaks at the shoulders in light rain"],
        facts=["I ordered a medium", "I am five foot six", "I usually wear a size eight", "it came folded in a plastic bag",
               "I bought it for a wedding", "I wear it to the office", "I got it in {color}", "it is 100 percent cotton"]),
    "shoes": dict(
        products=["shoes", "sneakers", "boots", "sandals", "running shoes", "slippers", "heels", "hiking boots", "loafers"],
        aspects={"sole": (["grippy", "cushioned", "durable"], ["slippery", "thin", "hard"]),
                 "fit": (["true to size", "snug", "perfect"], ["too narrow", "too small", "tight"]),
                 "support": (["excellent", "great", "solid"], ["nonexistent", "poor", "lacking"]),
                 "insoles": (["soft", "comfortable"], ["thin", "flat", "uncomfortable"]),
                 "leather": (["soft", "supple", "quality"], ["stiff", "cracked", "fake looking"]),
                 "laces": (["sturdy"], ["too short", "flimsy"])},
        pos_events=["feel like walking on clouds", "needed no breaking in", "kept my feet dry on a muddy hike",
                    "are comfortable all day at work", "still look new after a year", "fixed my heel pain"],
        neg_events=["gave me blisters on the first day", "fell apart after two months", "squeak with every step",
                    "hurt my feet after an hour", "came unglued at the toe", "leak in the rain", "wore through in weeks"],
        facts=["I usually wear a size nine", "I ordered half a size up", "I wear them for work", "they came in a shoebox with extra laces",
               "I bought them for a trip", "I walk about five miles a day"]),
    "outdoor": dict(
        products=["tent", "sleeping bag", "backpack", "camping stove", "hammock", "cooler", "flashlight", "water bottle",
                  "camping chair", "headlamp", "trekking poles", "grill"],
        aspects={"zipper": (["smooth", "sturdy"], ["stuck", "broke", "snags constantly"]),
                 "poles": (["sturdy", "light"], ["bent", "flimsy", "snapped"]),
                 "straps": (["comfortable", "padded", "adjustable"], ["digging in", "flimsy", "frayed"]),
                 "insulation": (["warm", "excellent"], ["thin", "useless", "cold"]),
                 "weight": (["light", "manageable"], ["heavy", "too heavy"]),
                 "waterproofing": (["excellent", "reliable"], ["useless", "failed", "poor"]),
                 "beam": (["bright", "strong", "wide"], ["dim", "weak", "flickering"]),
                 "setup": (["quick", "easy", "intuitive"], ["confusing", "frustrating", "slow"])},
        pos_events=["kept us dry through a storm", "sets up in five minutes", "keeps ice for three days",
                    "kept me warm at freezing temperatures", "carries everything I need", "survived a week in the mountains",
                    "lights up the whole campsite", "keeps water cold all day"],
        neg_events=["leaked on the first night", "collapsed in light wind", "ripped on the first trip", "melted ice within hours",
                    "broke on our second outing", "let water in at the seams", "died halfway through the hike",
                    "leaks when tipped over"],
        facts=["we took it on a three day trip", "it packs down to the size of a loaf", "it fits two adults",
               "I used it at a music festival", "it comes with a stuff sack", "we camp about once a month",
               "it holds about twenty cans", "I took it up to the lake"]),
    "beauty": dict(
        products=["moisturizer", "shampoo", "conditioner", "serum", "lipstick", "mascara", "foundation", "face wash",
                  "sunscreen", "hair dryer", "perfume", "nail polish", "body lotion", "straightener"],
        aspects={"scent": (["lovely", "subtle", "fresh"], ["overpowering", "chemical", "awful", "sickly"]),
                 "texture": (["silky", "lightweight", "smooth"], ["greasy", "sticky", "chalky", "clumpy"]),
                 "packaging": (["pretty", "practical", "sturdy"], ["leaky", "cheap", "broken"]),
                 "pump": (["easy to use"], ["broken", "clogged"]),
                 "formula": (["gentle", "effective", "nourishing"], ["harsh", "drying", "irritating"]),
                 "color": (["gorgeous", "flattering", "true to the swatch"], ["streaky", "patchy", "orange"]),
                 "staying power": (["amazing", "incredible"], ["poor", "nonexistent"])},
        pos_events=["left my skin soft and glowing", "cleared up my breakouts", "lasts all day without smudging",
                    "makes my hair shiny and smooth", "absorbs quickly", "dries my hair in minutes", "calmed my redness"],
        neg_events=["broke me out in a rash", "made my skin break out", "smudged within an hour", "left my hair greasy",
                    "burned my eyes", "dried out my skin", "stopped working after a week", "irritated my sensitive skin"],
        facts=["I have combination skin", "I apply it every night before bed", "it comes in a 50 ml bottle",
               "I bought it on sale", "I use it after showering", "I have curly hair", "it is fragrance free according to the label"]),
    "toys": dict(
        products=["toy", "puzzle", "board game", "doll", "lego set", "toy car", "stuffed animal", "play kitchen",
                  "building blocks", "card game", "remote control car", "kite"],
        aspects={"pieces": (["sturdy", "well made", "colorful"], ["flimsy", "missing", "sharp"]),
                 "instructions": (["clear", "easy to follow"], ["confusing", "missing", "useless"]),
                 "battery": (["long lasting"], ["dead", "drained quickly"]),
                 "quality": (["excellent", "high", "solid"], ["cheap", "poor", "terrible"]),
                 "rules": (["simple", "easy to learn", "clever"], ["confusing", "boring", "unclear"]),
                 "paint": (["bright", "safe", "even"], ["chipping", "peeling", "smelly"])},
        pos_events=["kept my kids busy for hours", "is a hit with the whole family", "survived two toddlers",
                    "gets played with every day", "made my daughter's birthday", "is educational and fun"],
        neg_events=["broke within an hour", "was missing three pieces", "fell apart on Christmas morning", "stopped working after a day",
                    "bored my son in five minutes", "came with a broken wheel", "has sharp edges that scratched my son"],
        facts=["I bought it for my nephew's birthday", "it is recommended for ages five and up", "it needs four AA batteries",
               "it comes with 500 pieces", "we play it on family game night", "my daughter is six"]),
    "furniture": dict(
        products=["sofa", "desk", "office chair", "bookshelf", "bed frame", "mattress", "dining table", "dresser",
                  "nightstand", "coffee table", "bar stools", "wardrobe"],
        aspects={"assembly": (["easy", "quick", "straightforward"], ["a nightmare", "frustrating", "confusing"]),
                 "cushions": (["comfortable", "firm", "plush"], ["lumpy", "flat", "saggy"]),
                 "finish": (["beautiful", "smooth", "elegant"], ["scratched", "chipped", "cheap looking"]),
                 "frame": (["sturdy", "solid"], ["wobbly", "weak", "creaky"]),
                 "drawers": (["smooth", "roomy"], ["stuck", "crooked", "flimsy"]),
                 "fabric": (["soft", "durable"], ["pilling", "thin", "rough"]),
                 "mattress": (["comfortable", "supportive"], ["too firm", "saggy", "hard"])},
        pos_events=["went together in under an hour", "looks much more expensive than it was", "fits perfectly in our living room",
                    "has held up to two kids and a dog", "fixed my back pain", "feels very solid"],
        neg_events=["arrived with a cracked leg", "wobbles no matter what I do", "sagged within a month", "was missing screws",
                    "scratches if you look at it", "squeaks every time I sit down", "the holes did not line up", "collapsed after a week"],
        facts=["it took two people to carry upstairs", "it came in three boxes", "we put it in the guest room",
               "it is about six feet long", "I assembled it on a Saturday", "it matches our other furniture", "we chose the oak finish"]),
    "restaurants": dict(
        products=["restaurant", "place", "cafe", "diner", "bistro", "pizzeria", "steakhouse", "sushi place", "bar",
                  "burger joint", "bakery", "taco place"],
        aspects={"food": (["delicious", "amazing", "tasty", "fresh", "excellent"], ["bland", "cold", "greasy", "inedible", "tasteless"]),
                 "service": (["friendly", "fast", "attentive", "excellent"], ["slow", "rude", "terrible", "inattentive"]),
                 "staff": (["friendly", "welcoming", "helpful", "lovely"], ["rude", "unfriendly", "clueless", "dismissive"]),
                 "waiter": (["attentive", "friendly", "charming"], ["rude", "rushed", "careless"]),
                 "waitress": (["sweet", "attentive", "helpful"], ["rude", "forgetful", "grumpy"]),
                 "atmosphere": (["cozy", "relaxed", "lively", "charming"], ["loud", "dreary", "cramped"]),
                 "prices": (["reasonable", "fair", "affordable"], ["outrageous", "way too high", "steep"]),
                 "portions": (["generous", "huge", "filling"], ["tiny", "stingy", "small"]),
                 "pizza": (["delicious", "perfect", "crispy"], ["soggy", "burnt", "greasy"]),
                 "steak": (["perfectly cooked", "tender", "juicy"], ["overcooked", "tough", "chewy"]),
                 "fries": (["crispy", "hot", "perfect"], ["soggy", "cold", "limp"]),
                 "dessert": (["heavenly", "delicious", "to die for"], ["stale", "dry", "too sweet"]),
                 "coffee": (["strong", "smooth", "delicious"], ["burnt", "weak", "watery"]),
                 "sushi": (["fresh", "beautifully made"], ["warm", "fishy", "mushy"]),
                 "salad": (["fresh", "crisp"], ["wilted", "soggy", "sad"]),
                 "burger": (["juicy", "perfect"], ["dry", "overcooked", "bland"]),
                 "wait": (["short"], ["endless", "ridiculous", "way too long"])},
        pos_events=["made the best pasta I have had in years", "seated us right away", "never let our glasses go empty",
                    "brought our food out hot and fast", "went out of their way to make us feel welcome",
                    "cooked everything to perfection", "has the best brunch in town", "remembered our order from last time"],
        neg_events=["forgot our order", "brought out the wrong dish twice", "made us wait forty minutes for a table",
                    "served my steak raw", "charged us for drinks we never got", "ignored us for twenty minutes",
                    "gave me food poisoning", "ran out of half the menu", "served the soup lukewarm"],
        facts=["we went there on a {day} night", "we had a table for four", "I ordered the chicken sandwich",
               "they take reservations", "we sat on the patio", "it is next to the train station", "we came for my birthday",
               "they open at eleven", "I had the fish special and my wife had the pasta", "parking is on the street"]),
    "food delivery": dict(
        products=["delivery", "order", "meal kit", "takeout", "delivery app", "grocery delivery", "snack box", "coffee beans"],
        aspects={"driver": (["polite", "quick", "friendly"], ["rude", "late", "lost"]),
                 "packaging": (["secure", "neat", "eco friendly"], ["leaking", "crushed", "soaked"]),
                 "food": (["hot", "fresh", "delicious"], ["cold", "soggy", "stale"]),
                 "delivery time": (["fast", "quick", "right on time"], ["slow", "terrible", "two hours late"]),
                 "app": (["easy to use", "simple", "reliable"], ["buggy", "confusing", "crashing"]),
                 "ingredients": (["fresh", "high quality"], ["wilted", "spoiled", "bruised"]),
                 "flavor": (["rich", "amazing", "bold"], ["bland", "bitter", "off"])},
        pos_events=["arrived twenty minutes early", "came still piping hot", "had everything we ordered",
                    "included a handwritten thank you note", "makes weeknight dinners so easy", "smells amazing when you open the bag"],
        neg_events=["arrived an hour late", "was missing half the items", "showed up cold", "got delivered to the wrong address",
                    "arrived with the lid open and sauce everywhere", "was cancelled without any notice", "came with spoiled milk"],
        facts=["I ordered at about seven", "we ordered for four people", "the order came in two bags", "I paid with a gift card",
               "it was delivered to my office", "I live on the third floor", "I ordered the family meal"]),
    "hotels": dict(
        products=["hotel", "room", "resort", "inn", "hostel", "motel", "suite", "bed and breakfast"],
        aspects={"room": (["spotless", "spacious", "clean", "beautiful"], ["dirty", "tiny", "smelly", "run-down"]),
                 "bed": (["comfortable", "huge", "cozy"], ["lumpy", "hard", "squeaky"]),
                 "front desk": (["helpful", "friendly", "welcoming"], ["rude", "unhelpful", "slow"]),
                 "location": (["perfect", "convenient", "central"], ["sketchy", "remote", "inconvenient"]),
                 "breakfast": (["delicious", "generous", "varied"], ["sad", "stale", "overpriced"]),
                 "bathroom": (["clean", "modern", "spacious"], ["moldy", "dirty", "tiny"]),
                 "view": (["stunning", "breathtaking", "gorgeous"], ["depressing", "blocked"]),
                 "wifi": (["fast", "reliable"], ["slow", "spotty", "useless"]),
                 "pool": (["clean", "lovely", "warm"], ["dirty", "freezing", "crowded"]),
                 "housekeeping": (["thorough", "friendly"], ["sloppy", "nonexistent"])},
        pos_events=["upgraded us to a suite for free", "made our anniversary special", "let us check in early",
                    "kept the room spotless all week", "made us feel at home", "had everything we needed"],
        neg_events=["lost our reservation", "charged us twice", "had bugs in the bed", "never fixed the broken air conditioner",
                    "kept us awake with construction noise", "gave our room away", "smelled of smoke everywhere"],
        facts=["we stayed for three nights", "we checked in around four", "our room was on the fifth floor",
               "we were there for a conference", "the hotel is a short walk from the beach", "we booked it through a travel site",
               "check out is at eleven", "we travelled with two kids"]),
    "books": dict(
        products=["book", "novel", "memoir", "cookbook", "thriller", "biography", "textbook", "audiobook", "series"],
        aspects={"plot": (["gripping", "clever", "engaging"], ["predictable", "boring", "confusing"]),
                 "characters": (["believable", "memorable", "well developed"], ["flat", "annoying", "one-dimensional"]),
                 "writing": (["beautiful", "sharp", "witty"], ["clunky", "dull", "repetitive"]),
                 "ending": (["satisfying", "perfect", "surprising"], ["rushed", "disappointing", "abrupt"]),
                 "pacing": (["tight", "perfect"], ["slow", "uneven", "dragging"]),
                 "recipes": (["easy to follow", "delicious"], ["vague", "bland", "too complicated"]),
                 "narrator": (["excellent", "engaging"], ["monotone", "grating"])},
        pos_events=["kept me up until three in the morning", "made me laugh out loud", "stayed with me for days",
                    "is a real page turner", "taught me so much", "made me cry in the best way"],
        neg_events=["put me to sleep", "lost me halfway through", "was a chore to finish", "fell apart at the end",
                    "felt like a waste of time", "has pages falling out"],
        facts=["I read it on vacation", "it is the second book in the series", "it has about four hundred pages",
               "I listened to the audiobook version", "our book club picked it", "I bought the paperback"]),
    "movies": dict(
        products=["movie", "film", "show", "series", "documentary", "sequel", "season", "comedy", "thriller"],
        aspects={"acting": (["superb", "brilliant", "convincing", "excellent"], ["wooden", "terrible", "awful", "stiff"]),
                 "plot": (["gripping", "clever", "original"], ["predictable", "silly", "nonsensical"]),
                 "script": (["sharp", "witty", "smart"], ["lazy", "clumsy", "cringeworthy"]),
                 "cast": (["fantastic", "perfect", "talented"], ["miscast", "forgettable"]),
                 "soundtrack": (["beautiful", "haunting", "perfect"], ["annoying", "grating", "forgettable"]),
                 "cinematography": (["stunning", "gorgeous"], ["ugly", "murky", "shaky"]),
                 "dialogue": (["natural", "sharp"], ["stilted", "cheesy", "painful"]),
                 "ending": (["powerful", "moving", "satisfying"], ["stupid", "rushed", "baffling"]),
                 "special effects": (["stunning", "convincing"], ["cheap", "laughable", "cheesy"])},
        pos_events=["kept me on the edge of my seat", "had the whole theater laughing", "moved me to tears",
                    "is worth watching twice", "held my attention from start to finish", "deserves every award it got"],
        neg_events=["dragged on for three hours", "put me to sleep", "made no sense at all", "wasted a great cast",
                    "felt like a cheap cash grab", "had me checking my watch", "insulted my intelligence"],
        facts=["we watched it on a Friday night", "it runs about two hours", "it is based on a novel", "I saw it in the theater",
               "it was filmed in Ireland", "I watched it with {who}", "it came out last year"]),
    "pets": dict(
        products=["dog bed", "cat tree", "leash", "dog food", "litter box", "pet carrier", "chew toy", "cat food",
                  "aquarium filter", "dog harness"],
        aspects={"material": (["durable", "soft", "tough"], ["flimsy", "thin", "cheap"]),
                 "size": (["perfect", "roomy"], ["too small", "tiny"]),
                 "smell": (["fine", "mild"], ["awful", "strong", "rancid"]),
                 "clasp": (["secure", "strong"], ["weak", "broken"]),
                 "cushion": (["thick", "plush"], ["flat", "lumpy"])},
        pos_events=["my dog loves it", "my cat sleeps on it every night", "survived my puppy's chewing",
                    "keeps the water crystal clear", "made walks so much easier", "my picky cat actually eats it"],
        neg_events=["my dog destroyed it in ten minutes", "made my cat sick", "fell apart in the wash", "broke on the first walk",
                    "my dog refuses to eat it", "stopped working after a week", "leaks all over the floor"],
        facts=["we have a forty pound lab", "my cat is twelve years old", "I ordered the large size", "we have two dogs",
               "I feed her twice a day", "it fits in the back of my car"]),
    "tools": dict(
        products=["drill", "vacuum", "lawn mower", "screwdriver set", "ladder", "pressure washer", "robot vacuum",
                  "tool box", "leaf blower", "saw", "hose"],
        aspects={"battery": (["long lasting", "strong"], ["weak", "short lived"]),
                 "suction": (["powerful", "strong", "impressive"], ["weak", "pathetic"]),
                 "motor": (["powerful", "smooth"], ["weak", "noisy", "burnt out"]),
                 "grip": (["comfortable", "solid"], ["slippery", "awkward"]),
                 "attachments": (["handy", "useful"], ["flimsy", "useless", "hard to fit"]),
                 "bits": (["hardened", "sharp"], ["soft", "stripped", "dull"])},
        pos_events=["drilled through brick easily", "picks up all the dog hair", "starts on the first pull",
                    "made the job so much faster", "maps the whole house by itself", "cleaned the patio in no time"],
        neg_events=["stripped the first screw", "gets stuck under the couch every day", "won't start in the cold",
                    "overheated after ten minutes", "lost suction after a month", "leaks at every connection", "snapped in half"],
        facts=["I use it in the garage", "it came with two batteries", "our lawn is about half an acre",
               "it has six speed settings", "I use it about once a week", "the hose is fifty feet long"]),
}

# --- templates: (family, label, text) with slots --------------------------------------------
# {P}/{p} product, {a}/{a2} aspect, {be}/{be2} is/are/was/were, {pa}/{pa2} aspect praise,
# {na}/{na2} aspect complaint, {g} good word, {b} bad word, {i} intensifier, {m} mild word,
# {pe} praise event, {ne} complaint event, {f} fact, {d} duration, {w} person, {day}, {color}, {n}.

TEMPLATES = [
    # positive, plain praise of an aspect
    ("pos_aspect", "positive", ["The {a} {be} {i} {pa}.", "{A} {be} {pa}.", "The {a} on this {p} {be} {pa}.",
                                 "I love how {pa} the {a} {be}.", "{A}: {pa}.", "Honestly the {a} {be} {i} {pa}!",
                                 "The {a} {be} {pa} and the {a2} {be2} {pa2}."]),
    ("pos_general", "positive", ["{G} {p}.", "This {p} is {i} {g}.", "What a {g} {p}!", "{I} {g}!",
                                  "Such a {g} {p}.", "The {p} {be} {g}.", "It's a {g} {p}, plain and simple.",
                                  "{G} {p}, {g} {a}."]),
    ("pos_event", "positive", ["It {pe}.", "This {p} {pe}.", "The {p} {pe}!", "Love that it {pe}.",
                                "I was amazed that it {pe}."]),
    ("pos_love", "positive", ["I love this {p}.", "I absolutely love it!", "We love our new {p}.", "Love, love, love this {p}!",
                               "I'm in love with this {p}.", "My {w0} loves it.", "Couldn't be happier with this {p}.",
                               "I'm so glad I bought this {p}.", "Really happy with it.", "Very pleased with my {p}."]),
    ("pos_recommend", "positive", ["I would recommend this {p} to anyone.", "Highly recommend!", "I'd recommend it in a heartbeat.",
                                    "Definitely recommend this {p}.", "Recommended without hesitation.",
                                    "I have already recommended it to {w}."]),
    ("pos_value", "positive", ["Worth every penny.", "Great value for the money.", "For the price, you can't beat it.",
                                "Money well spent.", "Best {p} I have ever owned.", "Best purchase I've made this year.",
                                "Way better than my old {p}.", "It beats every other {p} I've tried."]),
    ("pos_again", "positive", ["I will definitely buy it again.", "We will be back for sure!", "I'll be ordering another one.",
                                "Already bought a second one for {w}.", "I'd buy it again in a second.",
                                "Can't wait to go back.", "Will be a repeat customer."]),
    ("pos_negated_bad", "positive", ["Not bad at all.", "The {a} {be} not {na} at all.", "No complaints whatsoever.",
                                      "I have zero complaints.", "Never had a single problem with it.", "Nothing to complain about.",
                                      "It never lets me down.", "I can't find anything wrong with it.", "Not a single issue so far.",
                                      "You won't be disappointed.", "Can't say a bad thing about it.", "It has never failed me."]),
    ("pos_surprise", "positive", ["I was skeptical at first, but it {pe}.", "I didn't expect much, but the {a} {be} {pa}.",
                                   "Exceeded my expectations.", "Pleasantly surprised by how {pa} the {a} {be}.",
                                   "Way better than I expected.", "I was worried about the {a}, but it turned out {pa}."]),
    ("pos_contrast", "positive", ["The {a} {be} {m} {na}, but the {a2} {be2} {pa2}.", "It's not perfect, but the {a} {be} {pa}.",
                                   "Took a while to arrive, but it was worth the wait.", "A bit pricey, but worth it.",
                                   "Although the {a} {be} {m} {na}, overall it's {g}.", "Not the cheapest {p}, but the {a} {be} {pa}."]),
    ("pos_emotion", "positive", ["Made my day!", "This made me so happy.", "Five stars!", "10/10 would buy again.",
                                  "Absolutely thrilled with it.", "Wow, just wow.", "A total game changer.", "Pure joy.",
                                  "So happy with this purchase!", "A+ all around.", "Couldn't ask for more."]),
    ("pos_long", "positive", ["After using it every day for {d}, I can honestly say the {a} {be} {pa}.",
                               "{F}, and so far it {pe}, which is exactly what we wanted.",
                               "I did a lot of research before choosing this {p} and I'm glad I did, because the {a} {be} {pa}.",
                               "Since {f}, I can tell you the {a} {be} {i} {pa} and it {pe}."]),
    ("pos_polite", "positive", ["Thank you for such a {g} {p}.", "Many thanks to the team, the {a} {be} {pa}.",
                                 "Kudos to whoever designed the {a}.", "Hats off to the makers, it {pe}."]),
    ("pos_faint_good", "positive", ["It's decent for the price.", "Pretty good overall.", "Solid little {p}.",
                                     "It does exactly what it says.", "Does the job well.", "Good enough for me, and the {a} {be} {pa}."]),
    # negative, plain complaints
    ("neg_aspect", "negative", ["The {a} {be} {i} {na}.", "{A} {be} {na}.", "The {a} on this {p} {be} {na}.",
                                 "I hate how {na} the {a} {be}.", "{A}: {na}.", "Honestly the {a} {be} {i} {na}.",
                                 "The {a} {be} {na} and the {a2} {be2} {na2}."]),
    ("neg_general", "negative", ["{B} {p}.", "This {p} is {i} {b}.", "What a {b} {p}.", "{I} {b}.",
                                  "Such a {b} {p}.", "The {p} {be} {b}.", "It's a {b} {p}, plain and simple.",
                                  "{B} {p}, {b} {a}."]),
    ("neg_event", "negative", ["It {ne}.", "This {p} {ne}.", "The {p} {ne}.", "Sadly, it {ne}.", "Mine {ne}.",
                                "Within {d} it {ne}."]),
    ("neg_avoid", "negative", ["Do not buy this {p}.", "Avoid at all costs.", "Stay away from this {p}.", "Don't waste your money.",
                                "Save your money and look elsewhere.", "I would not recommend it to anyone.",
                                "I can't recommend this {p}.", "Steer clear.", "Not recommended."]),
    ("neg_money", "negative", ["Waste of money.", "Total waste of money.", "Not worth the price.", "Overpriced for what you get.",
                                "I want my money back.", "I returned it for a refund.", "It went straight back.",
                                "Worst {p} I have ever owned.", "Worst purchase I've made this year.", "Way worse than my old {p}."]),
    ("neg_never", "negative", ["It never worked.", "It never worked properly.", "It doesn't work.", "It didn't work at all.",
                                "Never again.", "We won't be back.", "I will never order from them again.", "I won't be buying another.",
                                "Would not go back.", "The {a} never worked right.", "It doesn't do what it says.",
                                "It stopped working after {d}.", "It has not worked since the first week."]),
    ("neg_negated_good", "negative", ["The {a} {be} not {pa} at all.", "Not {g} at all.", "Not impressed.", "Not worth it.",
                                       "Not what I expected.", "The {a} {be} not very {pa}.", "It's not {g}, and the {a} {be} {na}.",
                                       "Nothing {g} about it.", "Not happy with it at all.", "Not as {pa} as I hoped.",
                                       "I can't say I like it.", "Hardly {g}."]),
    ("neg_polite", "negative", ["Unfortunately, the {a} {be} {na}.", "I'm afraid the {a} {be} {m} {na}.", "I was hoping for a better {a}.",
                                 "Sadly it didn't meet my expectations.", "I'm sorry to say it {ne}.",
                                 "With respect, the {a} could be much better.", "I hate to complain, but the {a} {be} {na}.",
                                 "I really wanted to like this {p}, but it {ne}.", "Regrettably, I have to return it.",
                                 "I'd kindly ask the maker to fix the {a}, which {be} {na}.",
                                 "Please improve the {a}; right now it {be} {na}."]),
    ("neg_faint", "negative", ["It's okay, I guess, but I expected more.", "It does the job, barely.", "Meh.",
                                "Nothing special.", "Mediocre at best.", "Average at best, and the {a} {be} {na}.",
                                "It's fine if you don't care about the {a}.", "It works, sort of.", "Just okay, nothing more.",
                                "It was edible, barely.", "Not terrible, but not good either.", "I've had better."]),
    ("neg_sarcasm", "negative", ["Great, another {p} that {ne}.", "Oh wonderful, it {ne}.", "Thanks for nothing.",
                                  "Just what I needed, a {p} that {ne}.", "Love paying this much for a {p} that {ne}.",
                                  "Five stars for the packaging, zero for the {p}.", "Well, that was a waste of time."]),
    ("neg_contrast", "negative", ["The {a} {be} {pa}, but the {a2} {be2} {na2}.", "Looks nice, but it {ne}.",
                                   "{G} {a}, but the {a2} {be2} {na2}.", "It started out {g}, but then it {ne}.",
                                   "I wanted to love it, but the {a} {be} {na}.", "Nice idea, terrible execution.",
                                   "Cheap, and it feels cheap.", "The {a} {be} fine, the rest {be} {b}."]),
    ("neg_emotion", "negative", ["I regret buying this {p}.", "So disappointed.", "What a letdown.", "Very disappointed with my {p}.",
                                  "I'm furious.", "Total disaster.", "This was a nightmare from start to finish.",
                                  "Zero stars if I could.", "One star is too generous.", "I feel ripped off.",
                                  "Ugh, what a mess.", "Extremely frustrated with it."]),
    ("neg_service", "negative", ["Customer service never replied.", "The support team was useless.",
                                  "Nobody answered my emails for {d}.", "They refused to give me a refund.",
                                  "The seller was rude and unhelpful.", "Support hung up on me twice.", "The return process was a joke."]),
    ("neg_long", "negative", ["After using it every day for {d}, I can honestly say the {a} {be} {na}.",
                               "{F}, and within {d} it {ne}, which is not what you expect at this price.",
                               "I did a lot of research before choosing this {p} and I regret it, because the {a} {be} {na}.",
                               "Since {f}, I can tell you the {a} {be} {i} {na} and it {ne}."]),
    # neutral: facts, context, questions, plans
    ("neu_fact", "neutral", ["{F}.", "For context, {f}.", "Just so you know, {f}.", "{F}, for what it's worth.",
                              "Note that {f}.", "{F} and {f2}."]),
    ("neu_delivery", "neutral", ["It arrived on {day}.", "The package came on {day} afternoon.", "It was delivered on {day}.",
                                  "It shipped from a warehouse in Ohio.", "The box was left at my front door.",
                                  "It came in two separate boxes.", "Delivery took {d}.", "I picked it up at the store."]),
    ("neu_use", "neutral", ["I use it for work.", "I bought it for {w}.", "I got the {color} one.", "I ordered it on {day}.",
                             "This is my second {p}.", "I have had it for {d} now.", "We bought it for our new apartment.",
                             "I use it mostly on weekends.", "It's a gift for {w}.", "I bought this {p} last {day}.",
                             "I've been using it for {d}."]),
    ("neu_spec", "neutral", ["It comes in {n} colors.", "The {p} weighs about {n} pounds.", "It has {n} settings.",
                              "The {a} is on the left side.", "It runs on {n} AA batteries.", "The {p} measures about {n} inches across.",
                              "There are {n} buttons on the side.", "It is made in China.", "The manual is in English and Spanish.",
                              "The {p} comes in {color} and {color2}."]),
    ("neu_question", "neutral", ["Does anyone know if the {a} can be replaced?", "Has anyone tried it with a {p}?",
                                  "Is there a bigger version of this {p}?", "Can the {a} be adjusted?", "Does it come with a warranty?",
                                  "Where is the serial number on the {p}?", "How long does the {a} usually last?"]),
    ("neu_plan", "neutral", ["I will update this review after {d}.", "We'll see how it holds up.", "Too early to tell.",
                              "I'll report back after a few more uses.", "I haven't tried the {a} yet.",
                              "I have only used it twice so far.", "I'll write more once I've used it longer."]),
    ("neu_compare", "neutral", ["It is similar to the {p} my {w0} has.", "It is the same size as my old {p}.",
                                 "The {a} works like on most other models.", "It is about the same as the previous version.",
                                 "It's the standard {p} you find in most stores."]),
    ("neu_story", "neutral", ["My old {p} finally gave up, so I ordered this one.", "I read the reviews before buying.",
                               "I was looking for a {p} for {w}.", "We needed a new {p} for the holidays.",
                               "I compared three models before picking this one.", "I found it while browsing on {day}.",
                               "The {p} was on my wish list for a while."]),
]

# Held-out template families: whole families never seen in training.
HELDOUT_FAMILIES = {"pos_surprise", "pos_again", "neg_polite", "neg_service", "neu_question", "neu_story"}

# --- hand-written free sentences (label, category, text) ------------------------------------

FREE = [
    ("positive", "restaurants", "Best tacos in the city, hands down."),
    ("positive", "restaurants", "The staff treated us like family."),
    ("positive", "restaurants", "Everything we ordered was cooked to perfection."),
    ("positive", "restaurants", "The chef came out to say hello, which was a nice touch."),
    ("positive", "restaurants", "Our server was a delight and knew the menu inside out."),
    ("positive", "restaurants", "Great spot for a quick lunch."),
    ("positive", "restaurants", "The bread alone is worth the trip."),
    ("positive", "restaurants", "I'm still dreaming about that chocolate cake."),
    ("positive", "restaurants", "Friendly faces, good food, fair prices."),
    ("positive", "restaurants", "We left full and happy."),
    ("positive", "restaurants", "Hidden gem!"),
    ("positive", "restaurants", "The soup was hot and full of flavor."),
    ("positive", "restaurants", "Top notch service from start to finish."),
    ("positive", "restaurants", "It's our new favorite place for date night."),
    ("positive", "restaurants", "Generous pours and a great happy hour."),
    ("negative", "restaurants", "The chicken was dry and the rice was undercooked."),
    ("negative", "restaurants", "We waited an hour and nobody apologized."),
    ("negative", "restaurants", "The place was filthy and the tables were sticky."),
    ("negative", "restaurants", "My burger came out cold in the middle."),
    ("negative", "restaurants", "Way too salty to eat."),
    ("negative", "restaurants", "The manager argued with us about the bill."),
    ("negative", "restaurants", "The fish tasted like it had been sitting out all day."),
    ("negative", "restaurants", "Tiny portions for huge prices."),
    ("negative", "restaurants", "I found a hair in my salad."),
    ("negative", "restaurants", "The music was so loud we couldn't talk."),
    ("negative", "restaurants", "Honestly the worst service I've had in years."),
    ("negative", "restaurants", "The noodles were mushy and the sauce was bland."),
    ("negative", "restaurants", "They got our order wrong and then blamed us."),
    ("negative", "restaurants", "Not worth the hype."),
    ("negative", "restaurants", "The drinks were watered down."),
    ("neutral", "restaurants", "We came here after a movie."),
    ("neutral", "restaurants", "The menu changes every season."),
    ("neutral", "restaurants", "They only take cash."),
    ("neutral", "restaurants", "I had the lunch special with a side of rice."),
    ("neutral", "restaurants", "It's on the corner of Main and Fifth."),
    ("positive", "hotels", "The bed was so comfortable I overslept."),
    ("positive", "hotels", "Staff went above and beyond for us."),
    ("positive", "hotels", "Spotless rooms and a quiet floor."),
    ("positive", "hotels", "Perfect location for exploring the old town."),
    ("positive", "hotels", "We'd happily stay here again."),
    ("negative", "hotels", "The walls were paper thin and we heard everything."),
    ("negative", "hotels", "There was mold in the shower."),
    ("negative", "hotels", "The photos online are very misleading."),
    ("negative", "hotels", "Check-in took almost an hour."),
    ("negative", "hotels", "The air conditioning rattled all night."),
    ("neutral", "hotels", "The hotel has a parking garage next door."),
    ("neutral", "hotels", "Breakfast is served from seven to ten."),
    ("positive", "movies", "One of the best films I've seen in a long time."),
    ("positive", "movies", "The lead actress gives a stunning performance."),
    ("positive", "movies", "A beautiful, heartfelt story."),
    ("positive", "movies", "I laughed from beginning to end."),
    ("positive", "movies", "A true classic that still holds up."),
    ("positive", "movies", "The director really knows how to build tension."),
    ("positive", "movies", "Every scene is beautifully shot."),
    ("positive", "movies", "A must see for anyone who loves a good mystery."),
    ("negative", "movies", "The worst movie I have seen this year."),
    ("negative", "movies", "Two hours of my life I will never get back."),
    ("negative", "movies", "The jokes fall completely flat."),
    ("negative", "movies", "The story goes nowhere."),
    ("negative", "movies", "I walked out halfway through."),
    ("negative", "movies", "The acting is so bad it's painful to watch."),
    ("negative", "movies", "A boring, forgettable mess."),
    ("negative", "movies", "The characters are paper thin and the plot is full of holes."),
    ("negative", "movies", "Even the great cast can't save this script."),
    ("negative", "movies", "It tries too hard and fails."),
    ("neutral", "movies", "The film is set in the 1970s."),
    ("neutral", "movies", "It is the third movie in the franchise."),
    ("neutral", "movies", "The director also wrote the screenplay."),
    ("positive", "books", "I couldn't put it down."),
    ("positive", "books", "A wonderful read from cover to cover."),
    ("negative", "books", "I gave up after fifty pages."),
    ("negative", "books", "The author clearly didn't do any research."),
    ("neutral", "books", "The book is divided into three parts."),
    ("positive", "kitchen", "My morning coffee has never tasted better."),
    ("positive", "kitchen", "It's the one gadget I use every single day."),
    ("negative", "kitchen", "The non-stick coating came off into my eggs."),
    ("negative", "kitchen", "It's so loud it wakes up the whole house."),
    ("neutral", "kitchen", "It fits under the cabinets with an inch to spare."),
    ("positive", "audio", "Crystal clear sound and the bass is just right."),
    ("positive", "audio", "These are the most comfortable headphones I've owned."),
    ("negative", "audio", "The left earbud died after two weeks."),
    ("negative", "audio", "There's a constant buzz in the background."),
    ("neutral", "audio", "The volume buttons are on the right ear cup."),
    ("positive", "phones", "Battery easily lasts me a full day of heavy use."),
    ("positive", "phones", "The photos look professional."),
    ("negative", "phones", "It gets hot just from browsing."),
    ("negative", "phones", "The case cracked at the corner after one drop."),
    ("negative", "phones", "The charger stopped working after a week."),
    ("neutral", "phones", "I'm on a prepaid plan."),
    ("positive", "laptops", "Fast, light and the keyboard is a joy."),
    ("negative", "laptops", "The hinge snapped after six months."),
    ("negative", "laptops", "The fan sounds like a jet engine."),
    ("neutral", "laptops", "I upgraded the memory myself."),
    ("positive", "clothing", "So soft I want to wear it every day."),
    ("negative", "clothing", "The seams started unraveling the first week."),
    ("negative", "clothing", "It looked nothing like the picture."),
    ("neutral", "clothing", "I'm normally between a small and a medium."),
    ("positive", "shoes", "Comfortable right out of the box."),
    ("negative", "shoes", "The sole peeled off after a month."),
    ("positive", "outdoor", "It held up through a week of rain."),
    ("negative", "outdoor", "The zipper broke on day one."),
    ("positive", "beauty", "My skin has never looked better."),
    ("negative", "beauty", "It left a white cast on my face."),
    ("negative", "beauty", "The smell gave me a headache."),
    ("positive", "toys", "My kids play with it every day."),
    ("negative", "toys", "It broke before the batteries even ran out."),
    ("positive", "furniture", "Very sturdy and looks great in the living room."),
    ("negative", "furniture", "The chair started wobbling after a week."),
    ("negative", "furniture", "Half the screws were missing."),
    ("positive", "pets", "My dog goes crazy for these treats."),
    ("negative", "pets", "The leash clip snapped on our first walk."),
    ("positive", "tools", "Cuts through wood like butter."),
    ("negative", "tools", "The battery dies before I finish the lawn."),
    ("positive", "food delivery", "Food arrived hot and the driver was lovely."),
    ("negative", "food delivery", "Our order showed up cold and an hour late."),
    ("positive", "general", "Works great!"),
    ("positive", "general", "Exactly as described."),
    ("positive", "general", "Very happy customer here."),
    ("positive", "general", "It's everything I hoped for."),
    ("positive", "general", "You get a lot for your money."),
    ("positive", "general", "Love it so much I bought two."),
    ("positive", "general", "Super easy to use."),
    ("positive", "general", "Good quality and fast shipping."),
    ("positive", "general", "I am impressed."),
    ("positive", "general", "This thing is a beast."),
    ("positive", "general", "Simply the best."),
    ("positive", "general", "It just works."),
    ("positive", "general", "Can't recommend it enough."),
    ("positive", "general", "Would give it six stars if I could."),
    ("positive", "general", "Totally worth it."),
    ("positive", "general", "Nice job, guys."),
    ("positive", "general", "Great experience overall."),
    ("positive", "general", "Better than advertised."),
    ("positive", "general", "It's a keeper."),
    ("positive", "general", "I was blown away."),
    ("negative", "general", "Broke the first day."),
    ("negative", "general", "Doesn't work as advertised."),
    ("negative", "general", "Cheaply made and it shows."),
    ("negative", "general", "Complete junk."),
    ("negative", "general", "It's a joke."),
    ("negative", "general", "Big mistake buying this."),
    ("negative", "general", "It stopped working and nobody will help me."),
    ("negative", "general", "Very poor quality."),
    ("negative", "general", "Terrible experience overall."),
    ("negative", "general", "I expected so much more."),
    ("negative", "general", "Not even close to the description."),
    ("negative", "general", "Don't bother."),
    ("negative", "general", "This is garbage."),
    ("negative", "general", "I'm not happy."),
    ("negative", "general", "It's a rip off."),
    ("negative", "general", "It was a huge disappointment."),
    ("negative", "general", "Worst experience ever."),
    ("negative", "general", "Poorly designed and badly built."),
    ("negative", "general", "The quality has really gone downhill."),
    ("negative", "general", "Returned it the next day."),
    ("neutral", "general", "I bought it with a gift card."),
    ("neutral", "general", "The package had a tracking number."),
    ("neutral", "general", "I ordered two of them."),
    ("neutral", "general", "This review is for the blue model."),
    ("neutral", "general", "It replaced one I had for ten years."),
    ("neutral", "general", "I'm writing this a week after it arrived."),
    ("neutral", "general", "The instructions were in the box."),
    ("neutral", "general", "It came with a one year warranty."),
    ("neutral", "general", "My order number ended in 42."),
    ("neutral", "general", "I got it during the holiday sale."),
]

_TYPO_KEYS = "etaoinshrdlu"


def _be(aspect: str, past: bool) -> str:
    plural = (aspect.endswith("s") and not aspect.endswith(("ss", "us", "is"))) or aspect in ("fries", "jeans")
    if aspect in ("glass", "bass", "wifi", "news"):
        plural = False
    if past:
        return "were" if plural else "was"
    return "are" if plural else "is"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"\ba ([aeiou])", r"an \1", text)
    text = re.sub(r"\bA ([aeiou])", r"An \1", text)
    return _cap(text)


def _noise(text: str, rng: random.Random) -> str:
    """Everyday writing: lower case, no final stop, shouting, a typo, extra exclamation marks."""
    roll = rng.random()
    if roll < 0.06:
        words = text.split()
        i = rng.randrange(len(words))
        word = words[i]
        if len(word) > 3:
            j = rng.randrange(1, len(word) - 1)
            kind = rng.random()
            if kind < 0.4:
                word = word[:j] + word[j + 1:]                       # dropped letter
            elif kind < 0.8:
                word = word[:j - 1] + word[j] + word[j - 1] + word[j + 1:]  # swapped letters
            else:
                word = word[:j] + rng.choice(_TYPO_KEYS) + word[j:]  # extra letter
            words[i] = word
        text = " ".join(words)
    elif roll < 0.12:
        text = text.lower()
    elif roll < 0.16:
        text = text.rstrip(".")
    elif roll < 0.19 and text.endswith((".", "!")):
        text = text.rstrip(".!") + "!!!"
    elif roll < 0.21:
        text = text.upper()
    return text


def _fill(template: str, cat: dict, rng: random.Random, past: bool) -> str:
    aspects = list(cat["aspects"])
    a, a2 = rng.sample(aspects, 2) if len(aspects) > 1 else (aspects[0], aspects[0])
    pa, na = rng.choice(cat["aspects"][a][0]), rng.choice(cat["aspects"][a][1])
    pa2, na2 = rng.choice(cat["aspects"][a2][0]), rng.choice(cat["aspects"][a2][1])
    p = rng.choice(cat["products"])
    who = rng.choice(PEOPLE)
    facts = rng.sample(cat["facts"], 2)
    facts = [f.replace("{p}", p).replace("{color}", rng.choice(COLORS)).replace("{who}", who.replace("my ", "")).replace("{day}", rng.choice(DAYS)) for f in facts]
    c1, c2 = rng.sample(COLORS, 2)
    values = {
        "p": p, "P": _cap(p), "a": a, "A": _cap(a), "a2": a2, "be": _be(a, past), "be2": _be(a2, past),
        "pa": pa, "na": na, "pa2": pa2, "na2": na2, "g": rng.choice(GOOD), "G": _cap(rng.choice(GOOD)),
        "b": rng.choice(BAD), "B": _cap(rng.choice(BAD)), "i": rng.choice(INTENSE), "I": _cap(rng.choice(INTENSE[:-1])),
        "m": rng.choice(MILD), "pe": rng.choice(cat["pos_events"]), "ne": rng.choice(cat["neg_events"]),
        "f": facts[0], "F": _cap(facts[0]), "f2": facts[1], "d": rng.choice(DURATION), "w": who,
        "w0": who.replace("my ", ""), "day": rng.choice(DAYS), "color": c1, "color2": c2, "n": rng.choice(NUMBERS),
    }
    text = template.format(**values)
    if p.endswith("s") and not p.endswith("ss"):  # plural products: "these boots", "are"
        text = text.replace(f"this {p}", f"these {p}").replace(f"This {p} is", f"These {p} are").replace(
            f"The {p} {values['be']}", f"The {p} {'were' if past else 'are'}").replace(f"a {p}", f"some {p}")
        text = text.replace(f"This {p}", f"These {p}").replace(f"my second {p}", f"my second pair of {p}" if p in CATEGORIES["shoes"]["products"] else f"my second set of {p}")
    return _tidy(text)


def build(seed: int = 0, per_template: int = 7) -> tuple[list[dict], list[dict]]:
    """Compose the seed set; return ``(train_rows, heldout_rows)``, no text in both."""
    rng = random.Random(seed)
    train: dict[str, dict] = {}
    heldout: dict[str, dict] = {}
    for category in sorted(CATEGORIES):
        cat = CATEGORIES[category]
        past_bias = 0.8 if category in ("restaurants", "hotels", "food delivery", "movies", "books") else 0.3
        for family, label, templates in TEMPLATES:
            target = heldout if family in HELDOUT_FAMILIES else train
            for template in templates:
                for _ in range(per_template):
                    text = _noise(_fill(template, cat, rng, rng.random() < past_bias), rng)
                    key = _key(text)
                    if key not in train and key not in heldout:
                        target[key] = {"text": text, "label": label, "category": category, "family": family}
    for n, (label, category, text) in enumerate(FREE):
        target = heldout if n % 5 == 4 else train
        key = _key(text)
        if key not in train and key not in heldout:
            target[key] = {"text": text, "label": label, "category": category, "family": "free"}
    train_rows, heldout_rows = list(train.values()), list(heldout.values())
    rng.shuffle(train_rows)
    rng.shuffle(heldout_rows)
    return train_rows, heldout_rows


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def write(out_dir: Path = HERE, seed: int = 0) -> tuple[Path, Path]:
    train_rows, heldout_rows = build(seed)
    paths = []
    for name, rows in (("train", train_rows), ("heldout", heldout_rows)):
        path = out_dir / f"sentiment_{name}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths[0], paths[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--stats", action="store_true")
    args = parser.parse_args()
    train_path, heldout_path = write(args.out, args.seed)
    if args.stats:
        from collections import Counter

        for path in (train_path, heldout_path):
            rows = [json.loads(line) for line in open(path, encoding="utf-8")]
            print(path.name, len(rows), dict(Counter(r["label"] for r in rows)), len({r["category"] for r in rows}), "categories")


if __name__ == "__main__":
    main()
