"""crawler.normalize: ratings, dates, text and language as the crawler and the import need them."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from crawler.normalize import (DateOrder, Rating, RatingError, clean_text, date_order_for,
                               detect_language, normalize_rating, parse_date, quick_language,
                               rating_scale_for)

NOW = date(2024, 7, 4)


@pytest.mark.parametrize("value, expected", [
    (5, Rating(5.0, "5", "1-5")),
    (4.5, Rating(4.5, "4.5", "1-5")),
    ("3", Rating(3.0, "3", "1-5")),
    ("4,5", Rating(4.5, "4,5", "1-5")),
    ("4.5 out of 5 stars", Rating(4.5, "4.5 out of 5 stars", "1-5")),
    ("8/10", Rating(4.2, "8/10", "0-10")),
    ("80%", Rating(4.2, "80%", "0-100")),
    ("0/10", Rating(1.0, "0/10", "0-10")),
    ("★★★★☆", Rating(4.0, "★★★★☆", "1-5")),
    (9, Rating(4.6, "9", "0-10")),
    (80, Rating(4.2, "80", "0-100")),
])
def test_ratings_in_the_forms_sources_write_them(value, expected):
    assert normalize_rating(value) == expected


def test_stated_scale_wins_over_guessing():
    assert normalize_rating(4, best=10) == Rating(2.6, "4", "0-10")
    assert normalize_rating("50", best=100, worst=0).value == 3.0
    assert normalize_rating(1, best=5).value == 1.0


@pytest.mark.parametrize("value", [None, "", "  ", float("nan")])
def test_missing_rating_is_none_not_an_error(value):
    assert normalize_rating(value) == Rating(None, None, None)


@pytest.mark.parametrize("value, words", [
    (0, "outside every scale"), (101, "outside every scale"), (-2, "outside every scale"),
    ("great", "not a number"), ("6 out of 5", "outside its scale"), (11, "outside its scale"),
])
def test_bad_ratings_raise_with_the_reason(value, words):
    with pytest.raises(RatingError, match=words):
        normalize_rating(value, best=10 if value == 11 else None)


def test_column_scale_is_judged_on_the_whole_column():
    assert rating_scale_for([1, 2, 5, 4]) == (1.0, 5.0)
    assert rating_scale_for([6, 8, 10, 3]) == (0.0, 10.0)
    assert rating_scale_for([80, 95, 40]) == (0.0, 100.0)
    # one stray value does not turn a 1-5 column into 0-10: it is reported as out of range
    assert rating_scale_for([5, 4, 3, 9, 5, 1]) == (1.0, 5.0)


@pytest.mark.parametrize("value, expected", [
    ("2024-07-04", date(2024, 7, 4)),
    ("2024-07-04T22:10:00Z", date(2024, 7, 4)),
    ("2024-7-4 10:00", date(2024, 7, 4)),
    (1404432000, date(2014, 7, 4)),
    ("1404432000", date(2014, 7, 4)),
    (1404432000000, date(2014, 7, 4)),
    ("1404432000000", date(2014, 7, 4)),
    ("09 1, 2016", date(2016, 9, 1)),
    ("31-Jul-18", date(2018, 7, 31)),
    ("July 4, 2024", date(2024, 7, 4)),
    ("Jul 4, 2024", date(2024, 7, 4)),
    ("4 July 2024", date(2024, 7, 4)),
    ("Reviewed in the United States on July 4, 2024", date(2024, 7, 4)),
    ("Reviewed in Germany on 4 July 2024", date(2024, 7, 4)),
    ("07/04/2024", date(2024, 7, 4)),
    ("25/12/2023", date(2023, 12, 25)),
    ("04.07.2024", date(2024, 7, 4)),
    ("20240704", date(2024, 7, 4)),
    (datetime(2024, 7, 4, 23, 59), date(2024, 7, 4)),
    (date(2024, 7, 4), date(2024, 7, 4)),
])
def test_dates_in_the_forms_exports_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("3 days ago", date(2024, 7, 1)),
    ("a week ago", date(2024, 6, 27)),
    ("2 weeks ago", date(2024, 6, 20)),
    ("yesterday", date(2024, 7, 3)),
    ("today", date(2024, 7, 4)),
    ("2 months ago", date(2024, 5, 4)),
    ("a year ago", date(2023, 7, 4)),
    ("Reviewed on 3 days ago", date(2024, 7, 1)),
])
def test_relative_dates_count_back_from_now(value, expected):
    assert parse_date(value, now=NOW) == expected


@pytest.mark.parametrize("value", [None, "", "soon", "n/a", "32/13/2024", "0", True, float("nan")])
def test_unreadable_dates_are_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["3000 years ago", "999999999 days ago", "99999999999 seconds ago",
                                   "99999 months ago"])
def test_relative_dates_beyond_the_calendar_are_none_not_an_error(value):
    assert parse_date(value, now=NOW) is None


def test_other_languages_go_to_the_fallback_parser():
    assert parse_date("le 4 juillet 2024") == date(2024, 7, 4)


@pytest.mark.parametrize("value, day_first, expected", [
    ("03/04/2024", True, date(2024, 4, 3)),
    ("03/04/2024", False, date(2024, 3, 4)),
    ("03-04-2024", True, date(2024, 4, 3)),
    ("03-04-24", False, date(2024, 3, 4)),
    ("04.07.2024", False, date(2024, 4, 7)),
    ("04.13.2024", False, date(2024, 4, 13)),
    ("03/04/2024 10:31 PM", True, date(2024, 4, 3)),
    ("Reviewed in Germany on 03.04.2024", True, date(2024, 4, 3)),
    ("04/13/2024", True, None),          # no 13th month: the stated order is not second-guessed
    ("13/04/2024", False, None),
    ("July 4, 2024", True, date(2024, 7, 4)),   # only numeric dates have an order to choose
    ("2024-07-04", True, date(2024, 7, 4)),
])
def test_stated_day_order_reads_numeric_dates_that_way(value, day_first, expected):
    assert parse_date(value, day_first=day_first) == expected


@pytest.mark.parametrize("value, expected", [
    ("03-04-2024", date(2024, 3, 4)),        # dashes as slashes: month first ...
    ("13-04-2024", date(2024, 4, 13)),       # ... unless the first number is above 12
    ("04.07.2024 10:31", date(2024, 7, 4)),  # dots are day first with a time too
    ("04/07/2024 25:00", None),              # not a time: not a date either
])
def test_numeric_dates_without_a_stated_order_are_read_per_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("texts, expected", [
    (["13/04/2024", "03/04/2024", "05/04/2024"], DateOrder(True, "13/04/2024", None, "03/04/2024")),
    (["03/04/2024", "04/13/2024"], DateOrder(False, None, "04/13/2024", "03/04/2024")),
    (["13.04.2024", "03.04.2024"], DateOrder(True, "13.04.2024", None, "03.04.2024")),
    (["04-13-2024", "03-04-2024"], DateOrder(False, None, "04-13-2024", "03-04-2024")),
    (["Reviewed on 13/04/2024", "03/04/2024 10:31"], DateOrder(True, "13/04/2024", None, "03/04/2024 10:31")),
    (["13/04/2024", "03/04/2024", "04/13/2024"], DateOrder(None, "13/04/2024", "04/13/2024", "03/04/2024")),
    (["03/04/2024", "05/06/2024"], DateOrder(None, None, None, "03/04/2024")),
    (["04/04/2024", "12/12/2024"], DateOrder(None)),   # read the same either way
    (["2024-07-04", "July 4, 2024", "3 days ago", 1404432000, None, "", "32/13/2024"], DateOrder(None)),
    ([], DateOrder(None)),
])
def test_day_order_is_decided_on_the_whole_column(texts, expected):
    assert date_order_for(texts) == expected


def test_day_order_tells_mixed_and_undecided_columns_apart():
    mixed = date_order_for(["13/04/2024", "04/13/2024"])
    assert (mixed.day_first, mixed.mixed, mixed.undecided) == (None, True, False)
    undecided = date_order_for(["03/04/2024"])
    assert (undecided.day_first, undecided.mixed, undecided.undecided) == (None, False, True)
    decided = date_order_for(iter(["13/04/2024", "03/04/2024"]))   # any iterable, read once
    assert (decided.day_first, decided.mixed, decided.undecided) == (True, False, False)
    assert not date_order_for(["2024-07-04"]).undecided


def test_clean_text():
    assert clean_text("  <p>Great&amp;cheap</p><br>kettle  ") == "Great&cheap\nkettle"
    assert clean_text("line one\r\n\tline two") == "line one\nline two"
    assert clean_text("  line  one \t  two  ") == "line one two"
    assert clean_text(None) == ""
    assert clean_text("3 < 5 &lt; 7") == "3 < 5 < 7"


@pytest.mark.parametrize("text, cleaned", [
    ("Pros: great sound\nCons: battery dies fast", "Pros: great sound\nCons: battery dies fast"),
    ("The screen is great\n\nBattery is awful", "The screen is great\nBattery is awful"),
    ("Great.\r\n\r\nBut loud.\r\n", "Great.\nBut loud."),             # Windows line ends
    ("Great.\rBut loud.", "Great.\nBut loud."),                          # old Mac line ends
    ("Great.\u2028But\u2029loud.", "Great.\nBut\nloud."),                # Unicode separators
    ("  Great \t \n   \n  but  loud  \n", "Great\nbut loud"),            # blank lines, edge spaces
    ("\n\nGreat\n\n", "Great"),                                          # edge breaks
    ("Great<br />but loud", "Great\nbut loud"),
    ("<p>The screen is great</p><p>Battery is awful</p>", "The screen is great\nBattery is awful"),
    ("<ul><li>Battery life is poor</li><li>Sound is great</li></ul>", "Battery life is poor\nSound is great"),
    ("<div>One</div>\n  <div>Two</div>", "One\nTwo"),
    ("Great kettle&lt;br /&gt;Boils fast", "Great kettle\nBoils fast"),  # escaped markup
    ("tab\there\x0bvt\x0cff\xa0nbsp\x85nel", "tab here vt ff nbsp nel"),  # other whitespace: a space
])
def test_clean_text_keeps_line_breaks(text, cleaned):
    # The analysis starts a sentence at each line break: the stored text keeps them, one each.
    assert clean_text(text) == cleaned


def test_clean_text_line_breaks_never_change_a_review_id():
    # review_id collapses whitespace itself: a review stored on one line before line breaks
    # were kept is the same review now.
    from data.store import review_id

    for text in ["Pros: great sound\nCons: battery dies fast", "<p>Great</p><p>kettle</p>",
                 "Great\r\n\r\n kettle \u2028 ÉNORME"]:
        one_line = " ".join(clean_text(text).split())
        assert review_id("p1", "Ann", "2024-07-04", clean_text(text)) == \
            review_id("p1", "Ann", "2024-07-04", one_line)


def test_clean_text_strips_only_real_tags_and_escaped_markup():
    # "<" then a digit or a space is text, not a tag: the words up to the next ">" stay.
    assert clean_text("Lid is <5 mm thick but >3 cups fit") == "Lid is <5 mm thick but >3 cups fit"
    assert clean_text("I <3 it. Rated 5>4") == "I <3 it. Rated 5>4"
    # JSON-LD often escapes the markup of a review: it goes once unescaped.
    assert clean_text("Great kettle&lt;br /&gt;Boils fast&lt;b&gt;!&lt;/b&gt;") == "Great kettle\nBoils fast!"
    assert clean_text("<p>Nice<!-- c --></p>") == "Nice"


def test_language_detection():
    assert detect_language("The kettle boils fast and looks nice on the counter") == "en"
    assert detect_language("Der Wasserkocher ist sehr gut und kocht schnell") == "de"
    assert detect_language("La bouilloire chauffe vite et elle est très belle") == "fr"


@pytest.mark.parametrize("text", [None, "", "ok", "👍👍👍👍", "5/5 !!!"])
def test_language_of_very_short_text_is_none(text):
    assert detect_language(text) is None


@pytest.mark.parametrize("text, expected", [
    ("The lid is loose and the handle gets hot, but it boils fast", "en"),
    ("Sehr gut, aber der Deckel klemmt und ist nicht dicht", "de"),
    ("Très pratique, mais le câble est court et il chauffe", "fr"),
    ("Funciona muy bien pero el botón es para niños", "es"),
    ("Il prodotto è molto bello ma la spedizione è lenta", "it"),
    ("O produto é muito bom mas a entrega não chegou", "pt"),
    ("Het product is heel goed maar de levering is niet snel", "nl"),
])
def test_quick_language_agrees_with_the_model_on_clear_cases(text, expected):
    assert quick_language(text) == expected
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["Great", "Love it!", "Es ist gut", "", None, "5/5 would buy"])
def test_quick_language_declines_when_in_doubt(text):
    assert quick_language(text) is None
