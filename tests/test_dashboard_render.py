"""Safe rendering of review text and number formatting (no Streamlit run needed)."""
from __future__ import annotations

import doctest

from dashboard import queries, render


def test_doctests():
    for module in (render, queries):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_safe_text_leaves_no_markup_and_keeps_words():
    hostile = "<script>x</script>\n\n# Title [a](http://b) ![i](x.png) `c` *d* _e_ ~f~ $g$ :smile: | h"
    out = render.safe_text(hostile)
    assert not set("<>[]()*_`~$:|#\n") & set(out.replace("<br>", "").replace("&#", "").replace(";", ""))
    assert "script" in out and "Title" in out and out.count("<br>") == 2


def test_highlight_marks_the_aspect_and_falls_back_to_the_word():
    assert render.highlight("Lid <ok>", 0, 3) == '<mark class="rl-aspect">Lid</mark> &#60;ok&#62;'
    assert render.highlight("the LID broke", 99, 120, "lid").count("<mark") == 1
    assert "<mark" not in render.highlight("nothing here", None, None, "battery")


def test_review_body_colours_sentences_and_ignores_bad_offsets():
    body = "Great lid. Weak <b>hinge</b>."
    sentences = [{"start_char": 0, "end_char": 10, "sentiment": "positive"},
                 {"start_char": 11, "end_char": len(body), "sentiment": "negative"},
                 {"start_char": 5, "end_char": 999, "sentiment": "neutral"}]   # stale: ignored
    aspects = [{"start_char": 6, "end_char": 9, "aspect": "lid", "polarity": "positive"}]
    html = render.review_body_html(body, sentences, aspects)
    assert html.count(render.SENTIMENT_COLOURS["positive"]) == 3   # before, on and after the mark
    assert render.SENTIMENT_COLOURS["negative"] in html
    assert render.SENTIMENT_COLOURS["neutral"] not in html
    assert '<mark class="rl-aspect" title="lid &#40;positive&#41;">lid</mark>' in html
    assert "<b>" not in html and "&#60;b&#62;hinge" in html


def test_only_web_links_are_links():
    assert render.safe_url("https://shop.example/p#r1") == "https://shop.example/p#r1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "", None, "ftp://x/y"):
        assert render.safe_url(bad) is None
    assert "href" not in render.quote_html("hi", None, None, None, "javascript:alert(1)")


def test_number_formats():
    assert render.fmt_int(1234567) == "1,234,567" and render.fmt_int(None) == "–"
    assert render.fmt_rating(4.256) == "4.26 ★" and render.fmt_signed(-0.1) == "-0.10"
    assert render.fmt_pct(0.256) == "25.6%" and render.fmt_pp(0.05) == "+5.0 pp"
    assert render.fmt_pct(float("nan")) == "–"
    assert render.confidence_note(1, 1.0, 0.2) == "low: only 1 review"


def test_stars_round_half_up_like_the_star_filters():
    """The star filters and counts use DuckDB's round(), half up: a 4.5 the "5 stars" filter
    finds shows five stars, not Python's banker's four."""
    import duckdb

    for rating in (1.5, 2.5, 3.5, 4.5, 4.496, 2.0):
        expected = duckdb.sql(f"SELECT round({rating}::DOUBLE)::INTEGER").fetchall()[0][0]
        assert render.stars(rating).count("★") == expected, rating
    assert render.stars(4.5) == "★★★★★" and render.stars(2.5) == "★★★☆☆"


def test_product_labels_tell_products_with_one_name_apart():
    labels = render.product_labels({"k1": "Kettle", "k2": "Kettle", "t1": "Toaster"})
    assert labels == {"k1": "Kettle (k1)", "k2": "Kettle (k2)", "t1": "Toaster"}
    assert len(set(labels.values())) == len(labels)
