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
LIKE = ["love", "really like", "adore", "enjoy", "like", "really love", "am a big fan of", "can't get enough of"]
DISLIKE = ["hate", "dislike", "can't stand", "regret buying", "really don't like", "am not a fan of", "despise"]
SAD = ["disappointed", "frustrated", "let down", "annoyed", "ripped off", "disgusted", "angry", "unhappy", "cheated"]
# A wide spread of everyday evaluative words, so the model meets more of the words real
# reviewers use than the per-aspect lists alone would show it.
POS_WORDS = ["great", "excellent", "amazing", "awesome", "fantastic", "wonderful", "superb", "outstanding",
             "brilliant", "perfect", "lovely", "terrific", "incredible", "phenomenal", "fabulous", "stellar",
             "top-notch", "impressive", "solid", "delightful", "marvelous", "exceptional", "first-rate", "flawless",
             "good", "nice", "beautiful", "spectacular", "remarkable", "pleasant", "splendid", "magnificent",
             "glorious", "gorgeous", "stunning", "charming", "enjoyable", "satisfying", "refreshing", "reliable",
             "dependable", "sturdy", "well made", "well built", "well designed", "well done", "handy", "useful",
             "convenient", "comfortable", "easy", "effortless", "smooth", "speedy", "efficient", "effective",
             "worthwhile", "affordable", "reasonably priced", "generous", "friendly", "helpful", "courteous",
             "professional", "prompt", "attentive", "welcoming", "warm", "cozy", "clean", "spotless", "fresh",
             "delicious", "tasty", "flavorful", "mouthwatering", "yummy", "heavenly", "inspiring", "uplifting",
             "heartwarming", "hilarious", "entertaining", "captivating", "engaging", "riveting", "compelling",
             "memorable", "moving", "touching", "thoughtful", "clever", "witty", "elegant", "stylish", "sleek",
             "classy", "adorable", "cute", "fun", "superb quality", "worth it", "spot on", "exactly right"]
POS_NOUNS = ["a steal", "a gem", "a treat", "a delight", "a winner", "a joy", "a pleasure", "a must-have",
             "a lifesaver", "a bargain", "a great buy", "a real find", "a keeper", "a masterpiece", "a hit",
             "a dream", "the real deal", "money well spent", "a home run", "a great value"]
NEG_WORDS = ["terrible", "awful", "horrible", "bad", "poor", "lousy", "dreadful", "disappointing", "useless",
             "pathetic", "mediocre", "subpar", "crappy", "atrocious", "abysmal", "appalling", "horrendous",
             "unacceptable", "frustrating", "annoying", "worthless", "shoddy", "inferior", "sloppy", "lame",
             "underwhelming", "unpleasant", "miserable", "embarrassing", "ridiculous", "pitiful", "nasty",
             "lackluster", "broken", "defective", "faulty", "unreliable", "flimsy", "fragile", "cheaply made",
             "poorly made", "badly designed", "clunky", "awkward", "uncomfortable", "painful", "difficult",
             "complicated", "confusing", "slow", "sluggish", "noisy", "overpriced", "dirty", "filthy", "gross",
             "disgusting", "stale", "bland", "tasteless", "soggy", "greasy", "burnt", "cold", "rude",
             "unprofessional", "unhelpful", "careless", "incompetent", "dismissive", "boring", "dull", "tedious",
             "predictable", "pointless", "forgettable", "cringeworthy", "dumb", "stupid", "silly", "lazy", "messy",
             "sketchy", "unsafe", "smelly", "ugly", "tacky", "cheap looking", "a letdown", "not good",
             "not worth it", "way off", "all wrong"]
NEG_NOUNS = ["a joke", "a disaster", "a nightmare", "a mess", "a waste", "a letdown", "a rip-off", "a dud",
             "a lemon", "junk", "trash", "garbage", "a scam", "a waste of money", "a waste of time", "a failure",
             "a flop", "a total loss", "a headache", "a bust"]

POS_VERBS = ["works like a charm", "does the trick", "blew me away", "hit the spot", "exceeded my expectations",
             "won me over", "delivers every time", "never disappoints", "keeps getting better", "lives up to the hype",
             "makes life easier", "does exactly what I wanted", "impressed everyone", "works perfectly",
             "performs beautifully", "holds up really well", "paid for itself", "stole the show", "raised the bar",
             "made us very happy", "knocked it out of the park", "works flawlessly", "did not disappoint"]
NEG_VERBS = ["fell short", "missed the mark", "fell flat", "went downhill fast", "broke down", "died on me",
             "let me down", "ruined the whole thing", "wasted my time", "wasted my money", "fell apart",
             "stopped working", "gave out quickly", "failed miserably", "made things worse", "never worked right",
             "drove me crazy", "leaves a lot to be desired", "does not work", "did not live up to the hype",
             "disappointed everyone", "got worse every day", "barely works"]
RETURN_POS = ["I'll be back", "we'll definitely return", "I'm coming back soon", "we'll be regulars", "I'd go back in a heartbeat",
              "I'll be ordering again", "I'd buy it again", "we'll be back next week"]
RETURN_NEG = ["I won't be back", "we will never return", "never coming back", "I would not return", "I'll never order again",
              "I won't buy it again", "we won't be going back", "never again"]
FEEL_POS = ["impressed", "blown away", "delighted", "pleased", "thrilled", "amazed", "satisfied", "happy", "grateful", "overjoyed"]
FEEL_NEG = ["disgusted", "appalled", "horrified", "disappointed", "insulted", "annoyed", "furious", "unimpressed", "upset", "let down"]

MILD = ["a bit", "slightly", "somewhat", "kind of", "a little", "rather", "a tad", "fairly"]
DURATION = ["two weeks", "a month", "three days", "six months", "a year", "a week", "ten days",
            "two months", "a few weeks", "almost a year", "three weeks", "one day"]
PEOPLE = ["my wife", "my husband", "my son", "my daughter", "my mom", "my dad", "my partner", "my sister",
          "my brother", "a friend", "my grandmother", "my roommate", "my boss", "my kids", "my neighbour"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
COLORS = ["black", "white", "grey", "navy", "red", "green", "silver", "beige", "blue", "pink"]
NUMBERS = ["two", "three", "four", "five", "six", "ten", "twelve"]
# Judged by context: an old product that failed is no complaint about this one; a fault the
# seller put right is praise of the service; lasting for years is praise; a finish that shows
# every mark is a complaint.
DIED = ["died", "gave up", "broke", "stopped working", "wore out", "fell apart", "packed up", "burned out"]
FAULT = ["a small fault", "a loose part", "a dent", "a cracked piece", "a faulty button", "a missing screw",
         "a scratch out of the box", "a wobbly leg"]
FIXER = ["support", "customer service", "the seller", "the shop", "the company", "their team"]
FIXED = ["sent a replacement", "replaced it", "sorted it out", "swapped it", "refunded me", "sent a new part"]
QUICK = ["straight away", "within a day", "the next morning", "without any fuss", "in no time", "right away"]
LAST = ["last for years", "last a lifetime", "outlive me", "last for decades", "survive anything", "keep going for years"]
FINISH = ["glossy finish", "shiny surface", "black finish", "piano black panel", "polished front", "dark casing"]
MARK = ["fingerprint", "smudge", "scratch", "speck of dust", "smear", "greasy mark"]

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
        products=["movie", "film", "show", "series", "documentary", "sequel", "season", "comedy", "thriller",
                  "drama", "horror movie", "cartoon", "episode", "remake", "musical", "western", "romance"],
        aspects={"acting": (["superb", "brilliant", "convincing", "excellent", "natural"], ["wooden", "terrible", "awful", "stiff", "hammy"]),
                 "plot": (["gripping", "clever", "original", "engaging"], ["predictable", "silly", "nonsensical", "thin", "full of holes"]),
                 "script": (["sharp", "witty", "smart", "tight"], ["lazy", "clumsy", "cringeworthy", "sloppy"]),
                 "cast": (["fantastic", "perfect", "talented", "wonderful"], ["miscast", "forgettable", "wasted"]),
                 "soundtrack": (["beautiful", "haunting", "perfect"], ["annoying", "grating", "forgettable"]),
                 "cinematography": (["stunning", "gorgeous", "beautiful"], ["ugly", "murky", "shaky"]),
                 "dialogue": (["natural", "sharp", "funny"], ["stilted", "cheesy", "painful", "wooden"]),
                 "ending": (["powerful", "moving", "satisfying"], ["stupid", "rushed", "baffling", "a cop-out"]),
                 "special effects": (["stunning", "convincing"], ["cheap", "laughable", "cheesy"]),
                 "direction": (["confident", "masterful", "assured"], ["sloppy", "heavy-handed", "aimless"]),
                 "pacing": (["brisk", "perfect", "tight"], ["sluggish", "glacial", "uneven"]),
                 "characters": (["memorable", "believable", "likable", "well drawn"], ["flat", "annoying", "one-dimensional", "unlikable"]),
                 "story": (["touching", "compelling", "beautifully told"], ["boring", "confusing", "pointless", "a mess"]),
                 "humor": (["hilarious", "clever", "spot on"], ["crude", "juvenile", "unfunny"]),
                 "lead actor": (["charismatic", "terrific", "magnetic"], ["bland", "unconvincing", "awful"]),
                 "villain": (["menacing", "memorable"], ["silly", "cartoonish", "laughable"]),
                 "performances": (["outstanding", "moving", "pitch perfect"], ["flat", "over the top", "embarrassing"])},
        pos_events=["kept me on the edge of my seat", "had the whole theater laughing", "moved me to tears",
                    "is worth watching twice", "held my attention from start to finish", "deserves every award it got",
                    "gets better every time I watch it", "made me laugh out loud", "stayed with me for days",
                    "builds real tension", "pulls you in from the first scene", "works on every level"],
        neg_events=["dragged on for three hours", "put me to sleep", "made no sense at all", "wasted a great cast",
                    "felt like a cheap cash grab", "had me checking my watch", "insulted my intelligence",
                    "falls apart in the second half", "never gets going", "goes nowhere", "tries too hard to be funny",
                    "bored me to tears", "made me want to walk out"],
        facts=["we watched it on a Friday night", "it runs about two hours", "it is based on a novel", "I saw it in the theater",
               "it was filmed in Ireland", "I watched it with {who}", "it came out last year",
               "it is the second film by this director", "the story is set in the sixties",
               "I streamed it over the weekend", "the series has ten episodes"]),
    "pets": dict(
        products=["dog bed", "cat tree", "leash", "dog food", "litter box", "pet carrier", "chew toy", "cat food",
                  "aquarium filter", "dog harness"],
        aspects={"material": (["durable", "soft", "tough"], ["flimsy", "thin", "cheap"]),
                 "size": (["perfect", "roomy"], ["too small", "tiny"]),
                 "smell": (["fine", "mild"], ["awful", "strong", "rancid"]),
                 "clasp": (["secure", "strong"], ["weak", "broken"]),
                 "cushion": (["thick", "plush"], ["flat", "lumpy"])},
        pos_events=["is my dog's favourite thing", "gets my cat purring every night", "survived my puppy's chewing",
                    "keeps the water crystal clear", "made walks so much easier", "got my picky cat to finally eat"],
        neg_events=["lasted ten minutes with my dog", "made my cat sick", "fell apart in the wash", "broke on the first walk",
                    "gets ignored by my dog", "stopped working after a week", "leaks all over the floor"],
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
                                      "You won't be disappointed.", "Can't say a bad thing about it.", "It has never failed me.",
                                      # "can't say" negates what follows: a complaint denied is praise
                                      "Can't say I'm {fn} with the {a}.", "I can't say the {a} {be} {na}.",
                                      "I wouldn't say I'm {fn} with this {p} at all.",
                                      # a fault denied: "nothing wrong with" is praise
                                      "Nothing wrong with the {a}.", "There's nothing wrong with the {a} at all.",
                                      "Nothing wrong with the {a} either, it {pe}.", "Can't fault the {a}.",
                                      "I have no issues with the {a} whatsoever."]),
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
                                 "The {a} {be} {na} and the {a2} {be2} {na2}.",
                                 # wanting: the aspect falls short of what it should be
                                 "The {a} could be better.", "Honestly, the {a} could be so much better.",
                                 "The {a} could have been far better.", "The {a} could use some serious work.",
                                 "The {a} leaves a lot to be desired.", "The {a} {be} no good.",
                                 "Neither the {a} nor the {a2} impressed me.", "Neither the {a} nor the {a2} {be2} {pa2}."]),
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
                                       "I can't say I like it.", "Hardly {g}.",
                                       # ... and praise denied is a complaint
                                       "Can't say I'm {fp} with the {a}.", "I can't say the {a} {be} {pa}.",
                                       "I wouldn't say I'm {fp} with this {p}.", "Can't say I'm {i} {fp} with it.",
                                       "I can't honestly say the {a} impressed me."]),
    ("neg_polite", "negative", ["Unfortunately, the {a} {be} {na}.", "I'm afraid the {a} {be} {m} {na}.", "I was hoping for a better {a}.",
                                 "Sadly it didn't meet my expectations.", "I'm sorry to say it {ne}.",
                                 "With respect, the {a} could be much better.", "I hate to complain, but the {a} {be} {na}.",
                                 "I really wanted to like this {p}, but it {ne}.", "Regrettably, I have to return it.",
                                 "I'd kindly ask the maker to fix the {a}, which {be} {na}.",
                                 "Please improve the {a}; right now it {be} {na}."]),
    ("neg_faint", "negative", ["It's okay, I guess, but I expected more.", "It does the job, barely.", "Meh.",
                                "Mediocre at best.", "Average at best, and the {a} {be} {na}.",
                                "It's fine if you don't care about the {a}.", "It works, sort of.",
                                "It was edible, barely.", "I've had better.", "The {a} {be} okay, but I hoped for more.",
                                "The {a} {be} average at best.", "The {a} {be} fine until you actually rely on it.",
                                "For what I paid, the {a} should be more than just okay."]),
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
    ("pos_overall", "positive", ["Overall, a {g} experience.", "We had a {g} time.", "The whole experience was {g}.",
                                  "Overall I'm {i} happy with the {p}.", "All in all, {g}.", "{G} experience from start to finish.",
                                  "I {like} this {p}.", "I {like} the {a}.", "We {like} it here.", "Everything about it is {g}."]),
    ("pos_contraction", "positive", ["The {a} {bent} {na} at all.", "I wasn't disappointed.", "It didn't disappoint.",
                                      "No regrets at all.", "I couldn't be happier.", "You can't go wrong with this {p}.",
                                      "It won't let you down.", "It hasn't failed once.", "I haven't had a single problem.",
                                      "There isn't anything I don't like about it.", "I can't stop using it.",
                                      # "could not be better" is praise, "could be better" a complaint
                                      "The {a} couldn't be better.", "It could not have been better.",
                                      "Honestly, the {a} could not be any better."]),
    ("neg_overall", "negative", ["Overall, a {b} experience.", "We had a {b} time.", "The whole experience was {b}.",
                                  "Overall I'm {i} unhappy with the {p}.", "All in all, {b}.", "{B} experience from start to finish.",
                                  "I {dislike} this {p}.", "I {dislike} the {a}.", "Everything about it is {b}.",
                                  "I left feeling {sad}.", "I was {sad}."]),
    ("neg_contraction", "negative", ["The {a} {bent} {pa}.", "{A} {bent} {pa} at all.", "It isn't worth the money.",
                                      "It doesn't work half the time.", "It didn't last a month.", "It won't hold a charge.",
                                      "I wouldn't buy it again.", "I can't believe how {b} it is.", "It wasn't what I paid for.",
                                      "They didn't even apologize.", "The {p} hasn't worked since day one.",
                                      "I don't think I'll ever use it again."]),
    ("pos_word", "positive", ["{Pw}.", "Simply {pw}.", "It was {pw}.", "It's {pw}.", "Just {pw}.", "{I} {pw}!",
                               "The {p} {bep} {pw}.", "Everything was {pw}.", "The experience was {pw}.", "It was {pn}.",
                               "This {p} is {pn}.", "What {pn}!", "{Pw} and {pw2}.", "{I} {pw} and {pw2}."]),
    ("neg_word", "negative", ["{Nw}.", "Simply {nw}.", "It was {nw}.", "It's {nw}.", "Just {nw}.", "{I} {nw}.",
                               "The {p} {bep} {nw}.", "Everything was {nw}.", "The experience was {nw}.", "It was {nn}.",
                               "This {p} is {nn}.", "What {nn}.", "{Nw} and {nw2}.", "{I} {nw} and {nw2}."]),
    ("pos_verb", "positive", ["It {pv}.", "The {a} {pv}.", "This {p} {pv}.", "Honestly, it {pv}.", "{RP}.",
                               "{RP}, {rp2}!", "I was {fp}.", "We were {fp} with the {a}.", "I was {i} {fp}.",
                               "The {p} {pv} and {rp}.", "I was {fp} by the {a}."]),
    ("neg_verb", "negative", ["It {nv}.", "The {a} {nv}.", "This {p} {nv}.", "Honestly, it {nv}.", "{RN}.",
                               "{RN}, {rn2}.", "I was {fn}.", "We were {fn} with the {a}.", "I was {i} {fn}.",
                               "The {p} {nv} and {rn}.", "I was {fn} by the {a}."]),
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
    # lukewarm: an aspect called okay or average and no more is no verdict a merchant can act on
    # (faint praise that carries disappointment, "okay, I guess, but I expected more", stays negative)
    ("neu_lukewarm", "neutral", ["The {a} {be} okay.", "The {a} {be} fine.", "The {a} {be} average.", "The {a} {be} so-so.",
                                  "The {a} {be} fairly typical for a {p}.", "The {a} {be} normal, like on any {p}.",
                                  "The {a} {be} unremarkable.", "The {a} {be} neither good nor bad.",
                                  "No strong feelings about the {a}.", "The {a} {be} okay, nothing to add.",
                                  "The {a} {be} what you would expect.", "It's an average {p}.", "A perfectly average {p}.",
                                  "The {a} {be} fine and the {a2} {be2} fine.", "Nothing remarkable about the {a} either way.",
                                  "The {a} {be} okay for the price.", "The {a}? Average.", "Nothing special.",
                                  "Just okay, nothing more.", "Not terrible, but not good either."]),
    ("neu_replaced", "neutral", ["This replaced my old {p}, which finally {died}.", "My last {p} {died}, so I bought this one.",
                                  "I needed a new {p} after the old one {died}."]),
    ("pos_fixed", "positive", ["Mine had {fault} and {fixer} {fixed} {quick}.", "There was {fault}, but {fixer} {fixed} {quick}."]),
    ("pos_lasting", "positive", ["The {a} feels like it will {last}.", "I expect this {p} to {last}."]),
    ("pos_easy", "positive", ["Even {w} figured out the {a} without the manual.", "Cleaning it takes {n} minutes at most."]),
    ("neg_marks", "negative", ["The {finish} shows every {mark}.", "The {finish} picks up every {mark}."]),
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
    ("positive", "restaurants", "The lamb melted in my mouth."),
    ("positive", "restaurants", "Portions are big enough to share."),
    ("positive", "restaurants", "Our waiter made great wine suggestions."),
    ("positive", "restaurants", "The curry had just the right amount of heat."),
    ("positive", "restaurants", "Fresh ingredients and bold flavors."),
    ("positive", "restaurants", "I keep coming back for the dumplings."),
    ("positive", "restaurants", "Cozy little place with a warm vibe."),
    ("positive", "restaurants", "The pancakes were fluffy and the bacon was crisp."),
    ("positive", "restaurants", "They made a gluten free version for me without any fuss."),
    ("positive", "restaurants", "Easily the best pizza I've had outside of Italy."),
    ("positive", "restaurants", "The owner is a sweetheart."),
    ("positive", "restaurants", "Quick, cheap and tasty."),
    ("positive", "restaurants", "The patio is lovely on a summer evening."),
    ("positive", "restaurants", "Everything tasted homemade."),
    ("positive", "restaurants", "Their margaritas are the real deal."),
    ("negative", "restaurants", "The shrimp smelled off."),
    ("negative", "restaurants", "Our table was never cleaned."),
    ("negative", "restaurants", "The waitress rolled her eyes at us."),
    ("negative", "restaurants", "I've had better frozen pizza."),
    ("negative", "restaurants", "The pasta was swimming in oil."),
    ("negative", "restaurants", "We were rushed out before we finished dessert."),
    ("negative", "restaurants", "It took forever to get our check."),
    ("negative", "restaurants", "The bathroom was disgusting."),
    ("negative", "restaurants", "Way overpriced for frozen food."),
    ("negative", "restaurants", "The steak was more gristle than meat."),
    ("negative", "restaurants", "Nobody checked on us once."),
    ("negative", "restaurants", "The rice was hard and the chicken was rubbery."),
    ("negative", "restaurants", "The coffee tasted like dishwater."),
    ("negative", "restaurants", "I won't be eating here again."),
    ("negative", "restaurants", "They charged extra for everything."),
    ("neutral", "restaurants", "The restaurant opened last spring."),
    ("neutral", "restaurants", "We ordered three appetizers and two mains."),
    ("neutral", "restaurants", "There is a small parking lot behind the building."),
    ("positive", "hotels", "The staff remembered our names by day two."),
    ("positive", "hotels", "Great value for such a central location."),
    ("positive", "hotels", "The spa was pure bliss."),
    ("negative", "hotels", "The sheets had stains on them."),
    ("negative", "hotels", "Noisy, dirty and overpriced."),
    ("negative", "hotels", "The elevator was broken our entire stay."),
    ("neutral", "hotels", "Our flight landed late so we checked in at midnight."),
    ("positive", "movies", "A masterpiece of modern cinema."),
    ("positive", "movies", "The performances are raw and honest."),
    ("positive", "movies", "It's funny, touching and smart."),
    ("positive", "movies", "I was hooked from the opening scene."),
    ("positive", "movies", "The score gave me chills."),
    ("positive", "movies", "A rare sequel that beats the original."),
    ("positive", "movies", "Great fun for the whole family."),
    ("positive", "movies", "The twist genuinely surprised me."),
    ("positive", "movies", "Beautifully acted and wonderfully written."),
    ("positive", "movies", "I'd watch it again tomorrow."),
    ("negative", "movies", "Predictable from the first minute."),
    ("negative", "movies", "A lazy, cynical cash grab."),
    ("negative", "movies", "The dialogue made me cringe."),
    ("negative", "movies", "Nothing happens for the first hour."),
    ("negative", "movies", "The editing is a mess."),
    ("negative", "movies", "The lead was completely miscast."),
    ("negative", "movies", "It's loud, long and pointless."),
    ("negative", "movies", "Not even the special effects could save it."),
    ("negative", "movies", "I kept waiting for it to get better and it never did."),
    ("negative", "movies", "Avoid this one."),
    ("negative", "movies", "The plot makes no sense whatsoever."),
    ("negative", "movies", "A total snooze."),
    ("neutral", "movies", "The film was shot in black and white."),
    ("neutral", "movies", "It premiered at a festival in the fall."),
    ("neutral", "movies", "The running time is just under two hours."),
    ("positive", "books", "The characters feel like old friends."),
    ("positive", "books", "Smart, funny and moving."),
    ("negative", "books", "The last chapter ruined the whole book for me."),
    ("negative", "books", "Tedious and overwritten."),
    ("neutral", "books", "The author lives in Vermont."),
    ("positive", "kitchen", "Heats evenly and cleans up in a snap."),
    ("positive", "kitchen", "Sharp knives that stay sharp."),
    ("negative", "kitchen", "The handle gets too hot to touch."),
    ("negative", "kitchen", "It leaks from the bottom every single time."),
    ("negative", "kitchen", "The blender jar cracked on the second use."),
    ("positive", "audio", "The sound is warm and detailed."),
    ("negative", "audio", "Pairing is a nightmare."),
    ("negative", "audio", "The sound cuts out constantly."),
    ("positive", "phones", "Snappy, reliable, and the screen is gorgeous."),
    ("negative", "phones", "The phone lags constantly."),
    ("negative", "phones", "The screen protector bubbled up right away."),
    ("negative", "phones", "The charging port came loose."),
    ("positive", "laptops", "Boots up in seconds and never slows down."),
    ("negative", "laptops", "The trackpad is a disaster."),
    ("negative", "laptops", "Battery barely lasts two hours."),
    ("positive", "clothing", "Fits perfectly and feels great."),
    ("negative", "clothing", "The material feels like a plastic bag."),
    ("positive", "beauty", "A little goes a long way."),
    ("negative", "beauty", "It made my hair feel like straw."),
    ("positive", "toys", "Hours of fun for the kids."),
    ("negative", "toys", "The pieces don't fit together."),
    ("positive", "furniture", "Looks high end and was easy to put together."),
    ("negative", "furniture", "The drawers stick and the veneer is peeling."),
    ("positive", "tools", "Powerful, light and easy to handle."),
    ("negative", "tools", "The bits stripped on the first screw."),
    ("positive", "general", "Exceeded every expectation I had."),
    ("positive", "general", "This one is a winner."),
    ("positive", "general", "I'm very impressed with the quality."),
    ("positive", "general", "Five stars, no question."),
    ("positive", "general", "A real bargain."),
    ("positive", "general", "It does everything I need and more."),
    ("positive", "general", "Excellent product and excellent service."),
    ("positive", "general", "Thumbs up!"),
    ("positive", "general", "Absolutely love it."),
    ("positive", "general", "Great product, great price."),
    ("positive", "general", "I'm a happy camper."),
    ("positive", "general", "It was a pleasure from start to finish."),
    ("positive", "general", "The quality is outstanding."),
    ("positive", "general", "I'd give it ten stars if I could."),
    ("positive", "general", "Fast, friendly and professional."),
    ("negative", "general", "Stay far away."),
    ("negative", "general", "It fell apart in my hands."),
    ("negative", "general", "A complete letdown."),
    ("negative", "general", "I'm never buying from this brand again."),
    ("negative", "general", "The worst customer service I've ever dealt with."),
    ("negative", "general", "Flimsy and overpriced."),
    ("negative", "general", "Nothing works the way it should."),
    ("negative", "general", "It was dead on arrival."),
    ("negative", "general", "Thumbs down."),
    ("negative", "general", "This product is a scam."),
    ("negative", "general", "Such a disappointment."),
    ("negative", "general", "Awful from start to finish."),
    ("negative", "general", "Do yourself a favor and skip it."),
    ("negative", "general", "It's broken already."),
    ("negative", "general", "I wouldn't wish this on my worst enemy."),
    ("negative", "general", "Poor quality control."),
    ("negative", "general", "The description was a lie."),
    ("negative", "general", "I'm disgusted with how they treated me."),
    ("negative", "general", "Total rip-off."),
    ("negative", "general", "It's not worth a penny."),
    ("neutral", "general", "I'll be using it mostly at home."),
    ("neutral", "general", "It is available in three sizes."),
    ("neutral", "general", "I compared it with a similar model at the store."),
    ("neutral", "general", "The label says it was made in Portugal."),
    ("neutral", "general", "I paid with my credit card."),
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
    pw, nw = rng.sample(POS_WORDS, 2), rng.sample(NEG_WORDS, 2)
    rp, rn = rng.sample(RETURN_POS, 2), rng.sample(RETURN_NEG, 2)
    values = {
        "p": p, "P": _cap(p), "a": a, "A": _cap(a), "a2": a2, "be": _be(a, past), "be2": _be(a2, past),
        "pa": pa, "na": na, "pa2": pa2, "na2": na2, "g": rng.choice(GOOD), "G": _cap(rng.choice(GOOD)),
        "b": rng.choice(BAD), "B": _cap(rng.choice(BAD)), "i": rng.choice(INTENSE), "I": _cap(rng.choice(INTENSE[:-1])),
        "m": rng.choice(MILD), "pe": rng.choice(cat["pos_events"]), "ne": rng.choice(cat["neg_events"]),
        "f": facts[0], "F": _cap(facts[0]), "f2": facts[1], "d": rng.choice(DURATION), "w": who,
        "w0": who.replace("my ", ""), "bent": _be(a, past) + "n't", "like": rng.choice(LIKE),
        "dislike": rng.choice(DISLIKE), "sad": rng.choice(SAD),
        "pw": pw[0], "Pw": _cap(pw[0]), "pw2": pw[1], "pn": rng.choice(POS_NOUNS),
        "pv": rng.choice(POS_VERBS), "nv": rng.choice(NEG_VERBS), "fp": rng.choice(FEEL_POS), "fn": rng.choice(FEEL_NEG),
        "RP": _cap(rp[0]), "rp": rp[0], "rp2": rp[1], "RN": _cap(rn[0]), "rn": rn[0], "rn2": rn[1],
        "nw": nw[0], "Nw": _cap(nw[0]), "nw2": nw[1], "nn": rng.choice(NEG_NOUNS), "bep": _be(p, past), "day": rng.choice(DAYS), "color": c1, "color2": c2, "n": rng.choice(NUMBERS),
        "died": rng.choice(DIED), "fault": rng.choice(FAULT), "fixer": rng.choice(FIXER), "fixed": rng.choice(FIXED),
        "quick": rng.choice(QUICK), "last": rng.choice(LAST), "finish": rng.choice(FINISH), "mark": rng.choice(MARK),
    }
    text = template.format(**values)
    if p.endswith("s") and not p.endswith("ss"):  # plural products: "these boots", "are"
        text = text.replace(f"this {p}", f"these {p}").replace(f"This {p} is", f"These {p} are").replace(
            f"The {p} {values['be']}", f"The {p} {'were' if past else 'are'}").replace(f"a {p}", f"some {p}")
        text = text.replace(f"This {p}", f"These {p}").replace(f"my second {p}", f"my second pair of {p}" if p in CATEGORIES["shoes"]["products"] else f"my second set of {p}")
    return _tidy(text)


def build(seed: int = 0, per_template: int = 7, compounds: int = 160) -> tuple[list[dict], list[dict]]:
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
    # sentiment_written.txt: every fifth sentence held out; the later files (hard cases written
    # apart from it) are held out whole, a test set of natural sentences the model never trains on
    written = [(path.name == "sentiment_written.txt", row) for path in written_files() for row in read_written(path)]
    for n, (trains, (label, category, text)) in enumerate(written):
        target = heldout if n % 5 == 4 or not trains else train
        key = _key(text)
        if key not in train and key not in heldout:
            target[key] = {"text": text, "label": label, "category": category, "family": "written"}
    for row in _compounds(list(train.values()), rng, per_category=compounds):
        key = _key(row["text"])
        if key not in train and key not in heldout:
            train[key] = row
    train_rows, heldout_rows = list(train.values()), list(heldout.values())
    rng.shuffle(train_rows)
    rng.shuffle(heldout_rows)
    return train_rows, heldout_rows


# Real review sentences often carry context and more than one opinion; these join two
# training sentences of one category into one longer sentence whose label is still clear.
_SO_POSITIVE = ["so I'm keeping it", "so I'll be back", "so I bought another one", "so I'm very happy",
                "which made my day", "and I'd do it again"]
_SO_NEGATIVE = ["so it's going back", "so we won't be back", "so I asked for a refund", "which ruined the evening",
                "and I regret it", "so I'm done with this brand"]


def _clause(text: str) -> str:
    text = text.strip().rstrip(".!?").strip()
    if len(text) > 1 and not text[:2].isupper() and not text.startswith("I "):
        text = text[0].lower() + text[1:]
    return text


def _compounds(rows: list[dict], rng: random.Random, per_category: int) -> list[dict]:
    """Longer sentences from two training sentences of one category: fact + opinion, opinion + opinion."""
    by_key: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row["family"] not in ("free",) and len(row["text"].split()) <= 14:
            by_key.setdefault((row["category"], row["label"]), []).append(row["text"])
    out = []
    for category in sorted({c for c, _ in by_key}):
        facts = by_key.get((category, "neutral"), [])
        for _ in range(per_category):
            label = rng.choice(["positive", "negative"])
            opinions = by_key.get((category, label), [])
            if len(opinions) < 2 or not facts:
                continue
            first, second = rng.sample(opinions, 2)
            form = rng.randrange(5)
            if form == 0:
                text = f"{_clause(rng.choice(facts))}, and {_clause(first)}."
            elif form == 1:
                text = f"{_clause(first)} and {_clause(second)}."
            elif form == 2:
                tail = rng.choice(_SO_POSITIVE if label == "positive" else _SO_NEGATIVE)
                text = f"{_clause(first)}, {tail}."
            elif form == 3:
                text = f"{_clause(rng.choice(facts))}; {_clause(first)}."
            else:
                text = f"{_clause(first)}, and honestly {_clause(second)}."
            out.append({"text": _cap(text), "label": label, "category": category, "family": "compound"})
    return out


def written_files() -> list[Path]:
    """The hand-written sentence files: ``sentiment_written.txt`` (four in five sentences train)
    and ``sentiment_written_*.txt`` (held out whole: training on them scored lower on real
    reviews, Yelp 92.1% -> 89.5%, IMDb 90.7% -> 89.5%, in `reviewlens evaluate`).

    Example::

        >>> written_files()[0].name
        'sentiment_written.txt'
    """
    return sorted(HERE.glob("sentiment_written*.txt"), key=lambda p: (p.name != "sentiment_written.txt", p.name))


def read_written(path: Path = HERE / "sentiment_written.txt") -> list[tuple[str, str, str]]:
    """``(label, category, text)`` for each hand-written sentence in ``sentiment_written.txt``.

    The file has ``## label category`` headings, one sentence per line below each.

    Example::

        >>> read_written()[0][0] in ("positive", "negative", "neutral")
        True
    """
    out, label, category = [], None, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("##"):
            label, _, category = line.lstrip("#").strip().partition(" ")
            if label not in ("positive", "negative", "neutral") or not category:
                raise ValueError(f"{path}:{number}: a heading is '## positive|negative|neutral CATEGORY', got {line!r}")
            continue
        if label is None:
            raise ValueError(f"{path}:{number}: a sentence before the first '## label category' heading")
        out.append((label, category.strip(), line))
    return out


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
