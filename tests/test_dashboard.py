"""The Streamlit dashboard through AppTest: every page against a store built here, numbers on
the page checked against the same numbers computed with SQL in the test."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import sample_data
from data import store

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
HOSTILE = ("<script>alert('owned')</script> The lid is awful, see [click here](http://evil.example) "
           "and **bold** :red[alert] $x^2$ <img src=x onerror=alert(1)>")


HOSTILE_PRODUCT = "Evil <b>Kettle</b> [win](javascript:alert(1)) **now**"


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("dash") / "shop.duckdb"
    db = sample_data.build(path, reviews=1500, products=4, extra_reviews=[
        {"review_id": "hostile1", "product_id": "p0000", "body": HOSTILE, "rating": 1.0,
         "title": "<b>[x](javascript:alert(1))</b>", "url": "javascript:alert(1)",
         "published_at": "2025-12-30"}])
    with store.writer(db) as con:  # a shop page can name a product anything
        con.execute("UPDATE products SET title = ? WHERE product_id = 'p0003'", [HOSTILE_PRODUCT])
    return db


def app(db: str, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("REVIEWLENS_DB", db)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(params)
    return at


# a term inside a need phrase is asked for, not judged: no aspect mention on any page
ASKED = """EXISTS (SELECT 1 FROM needs d WHERE d.sentence_id = m.sentence_id
                   AND d.start_char <= m.start_char AND m.end_char <= d.end_char)"""


def sql(db: str, text: str, params=None):
    return store.query(db, text, params or [])


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def plotly_values(value) -> list:
    """Plotly writes numeric arrays as base64 ``{"dtype", "bdata"}``; give plain lists back."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_overview_numbers_match_sql(shop, monkeypatch):
    at = app(shop, monkeypatch).run()
    _no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    expected = sql(shop, "SELECT count(*) AS n, avg(rating) AS r, count(DISTINCT product_id) AS p "
                         "FROM reviews").first()
    assert metrics["Reviews"] == f"{expected['n']:,}"
    assert metrics["Products"] == f"{expected['p']:,}"
    assert metrics["Average rating"] == f"{expected['r']:.2f} ★"

    table = at.dataframe[0].value.set_index("Product")
    per_product = sql(shop, """
        SELECT p.title, count(*) AS n, avg(r.rating) AS rating, avg(a.net_sentiment) AS net
        FROM reviews r JOIN products p USING (product_id)
        LEFT JOIN review_analysis a ON a.review_id = r.review_id GROUP BY p.title""").dicts()
    assert len(table) == len(per_product)
    for row in per_product:
        assert table.loc[row["title"], "Reviews"] == row["n"]
        assert table.loc[row["title"], "Avg rating"] == pytest.approx(row["rating"])
        assert table.loc[row["title"], "Net sentiment"] == pytest.approx(row["net"])
    weakness = sql(shop, "SELECT p.title, i.name FROM product_insights i JOIN products p USING (product_id) "
                         "WHERE kind = 'weakness' AND rank = 1").rows
    for title, name in weakness:
        assert table.loc[title, "Top weakness"] == name


def test_overview_change_against_previous_period(shop, monkeypatch):
    at = app(shop, monkeypatch, f_period="90").run()
    _no_exception(at)
    table = at.dataframe[0].value.set_index("Product")
    last = sql(shop, "SELECT max(published_at) FROM reviews").scalar()
    # period_bounds: the last 90 days up to the newest review against the 90 days before
    rows = sql(shop, """
        SELECT p.title,
               avg(a.net_sentiment) FILTER (WHERE r.published_at > ?::DATE - 90)
             - avg(a.net_sentiment) FILTER (WHERE r.published_at > ?::DATE - 180
                                             AND r.published_at <= ?::DATE - 90) AS change
        FROM reviews r JOIN products p USING (product_id) JOIN review_analysis a USING (review_id)
        GROUP BY p.title""", [last, last, last]).rows
    for title, change in rows:
        assert table.loc[title, "Change"] == pytest.approx(change)


def test_product_page_numbers_and_quotes(shop, monkeypatch):
    at = app(shop, monkeypatch, product="p0001").run()
    at.switch_page("views/product.py").run()
    _no_exception(at)
    title = sql(shop, "SELECT title FROM products WHERE product_id = 'p0001'").scalar()
    assert at.title[0].value == title
    expected = sql(shop, """
        SELECT count(*) AS n, avg(r.rating) AS rating, avg(a.net_sentiment) AS net
        FROM reviews r JOIN review_analysis a USING (review_id) WHERE r.product_id = 'p0001'""").first()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reviews"] == f"{expected['n']:,}"
    assert metrics["Average rating"] == f"{expected['rating']:.2f} ★"
    assert metrics["Net sentiment"] == f"{expected['net']:+.2f}"

    text = markdown_text(at)
    for kind in ("strength", "weakness", "need"):
        top = sql(shop, "SELECT name, mentions, quotes FROM product_insights "
                        "WHERE product_id = 'p0001' AND kind = ? AND rank = 1", [kind]).first()
        unit = "review" if top["mentions"] == 1 else "reviews"
        assert f"<b>1. {top['name'].replace(' ', ' ')}</b> · {top['mentions']:,} {unit}" in text
        first_quote = json.loads(top["quotes"])[0]["text"]
        assert first_quote.split()[0] in text
    assert '<mark class="rl-aspect">' in text

    # the rating distribution chart shows the SQL counts per star
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    counts = dict(sql(shop, "SELECT rating::INTEGER, count(*) FROM reviews WHERE product_id = 'p0001' "
                            "GROUP BY 1").rows)
    shown = dict(zip(plotly_values(chart["data"][0]["x"]), plotly_values(chart["data"][0]["y"])))
    assert {int(k): v for k, v in shown.items() if v} == counts
    assert chart["layout"]["title"]["text"] == "Rating distribution"
    assert chart["layout"]["xaxis"]["title"]["text"] == "Stars"
    assert at.query_params["product"] == "p0001"  # the view can be shared as a link


def test_compare_page_shares_match_sql(shop, monkeypatch):
    at = app(shop, monkeypatch, compare=["p0000", "p0002"]).run()
    at.switch_page("views/compare.py").run()
    _no_exception(at)
    table = at.dataframe[0].value.set_index("Aspect")
    names = dict(sql(shop, "SELECT product_id, title FROM products").rows)
    # straight from the mentions, not from the monthly table the page reads
    rows = sql(shop, f"""
        SELECT product_id, aspect, count(*) AS n,
               count(*) FILTER (WHERE polarity = 'positive') / count(*) AS pos,
               count(*) FILTER (WHERE polarity = 'negative') / count(*) AS neg
        FROM aspect_mentions m WHERE product_id IN ('p0000', 'p0002') AND NOT {ASKED} GROUP BY ALL""").dicts()
    checked = 0
    for row in rows:
        if row["aspect"] not in table.index:
            continue
        name = names[row["product_id"]]
        assert table.loc[row["aspect"], f"{name}: mentions"] == row["n"]
        assert table.loc[row["aspect"], f"{name}: positive share"] == pytest.approx(row["pos"])
        assert table.loc[row["aspect"], f"{name}: negative share"] == pytest.approx(row["neg"])
        checked += 1
    assert checked >= 10
    # the most praised product has the highest positive share; nobody wins an unpraised aspect
    for aspect, winner in table["Most praised"].items():
        shares = {names[r["product_id"]]: r["pos"] for r in rows if r["aspect"] == aspect}
        if max(shares.values()) > 0:
            assert shares[winner] == pytest.approx(max(shares.values()))
        else:
            assert winner == "—"


def test_themes_page(shop, monkeypatch):
    at = app(shop, monkeypatch).run()
    at.switch_page("views/themes.py").run()
    _no_exception(at)
    table = at.dataframe[0].value
    # no category picked: the store's themes only (each sentence is also in its category's)
    sizes = dict(sql(shop, "SELECT label, size FROM themes WHERE kind = 'complaint' AND scope = 'all'").rows)
    assert dict(zip(table["Theme"], table["Size"])) == sizes and set(table["Scope"]) == {"all"}
    biggest = max(sizes, key=sizes.get)
    assert any(biggest in e.label for e in at.expander)
    at.segmented_control(key="theme_kind").set_value("need").run()
    _no_exception(at)
    needs = dict(sql(shop, "SELECT label, size FROM themes WHERE kind = 'need' AND scope = 'all'").rows)
    assert dict(zip(at.dataframe[0].value["Theme"], at.dataframe[0].value["Size"])) == needs
    # a category picked in the sidebar: that category's themes
    category = sql(shop, "SELECT min(category) FROM products").scalar()
    at = app(shop, monkeypatch, f_cat=category).run()
    at.switch_page("views/themes.py").run()
    _no_exception(at)
    picked = dict(sql(shop, "SELECT label, size FROM themes WHERE kind = 'complaint' AND scope = ?",
                      [f"category:{category}"]).rows)
    assert picked and dict(zip(at.dataframe[0].value["Theme"], at.dataframe[0].value["Size"])) == picked
    assert f"in {category}" in " ".join(c.value for c in at.caption)


def test_reviews_explorer_filters_and_pages(shop, monkeypatch):
    at = app(shop, monkeypatch, rv_product="p0000", rv_stars=["1", "2"], rv_aspect="lid").run()
    at.switch_page("views/reviews.py").run()
    _no_exception(at)
    expected = sql(shop, """
        SELECT count(*) FROM reviews r WHERE product_id = 'p0000' AND round(rating) IN (1, 2)
        AND review_id IN (SELECT review_id FROM aspect_mentions WHERE aspect = 'lid')""").scalar()
    assert f"**{expected:,}** reviews match" in markdown_text(at)
    assert at.number_input(key="rv_page").max == -(-expected // 20)
    at.number_input(key="rv_page").set_value(2).run()
    _no_exception(at)
    assert at.query_params["rv_page"] == "2"

    at.text_input(key="rv_q").input("broke after").run()
    expected = sql(shop, """
        SELECT count(*) FROM reviews r WHERE product_id = 'p0000' AND round(rating) IN (1, 2)
        AND review_id IN (SELECT review_id FROM aspect_mentions WHERE aspect = 'lid')
        AND body ILIKE '%broke after%'""").scalar()
    assert f"**{expected:,}** reviews match" in markdown_text(at)
    assert at.number_input(key="rv_page").value == 1  # new filters start at page 1

    at.checkbox(key="rv_mismatch").check()
    at.text_input(key="rv_q").input("").run()
    expected = sql(shop, """
        SELECT count(*) FROM reviews r JOIN review_analysis a USING (review_id)
        WHERE r.product_id = 'p0000' AND round(r.rating) IN (1, 2) AND a.rating_mismatch IS NOT NULL
        AND review_id IN (SELECT review_id FROM aspect_mentions WHERE aspect = 'lid')""").scalar()
    assert f"**{expected:,}** reviews match" in markdown_text(at)
    if expected:
        assert "mismatch: low rating, positive text" in markdown_text(at)


def test_sidebar_filters_come_from_the_url_and_apply(shop, monkeypatch):
    at = app(shop, monkeypatch, f_stars=["4", "5"], f_from="2025-01-01").run()
    _no_exception(at)
    n = sql(shop, "SELECT count(*) FROM reviews WHERE rating >= 4 AND published_at >= DATE '2025-01-01'").scalar()
    assert {m.label: m.value for m in at.metric}["Reviews"] == f"{n:,}"
    at.slider(key="f_stars").set_range(1, 5).run()
    n = sql(shop, "SELECT count(*) FROM reviews WHERE published_at >= DATE '2025-01-01'").scalar()
    assert {m.label: m.value for m in at.metric}["Reviews"] == f"{n:,}"
    assert "f_stars" not in at.query_params and at.query_params["f_from"] == "2025-01-01"


def test_hostile_review_text_is_shown_as_text(shop, monkeypatch):
    at = app(shop, monkeypatch, rv_product="p0000", rv_q="owned").run()
    at.switch_page("views/reviews.py").run()
    _no_exception(at)
    html = markdown_text(at)
    assert "**1** reviews match" in html
    card = html[html.index('<div class="rl-review">'):]
    for raw in ("<script", "<img", "[click here](", "**bold**", ":red[", "$x", "javascript:", "<b>[x]"):
        assert raw not in card, raw
    assert "&#60;script&#62;alert&#40;&#39;owned&#39;&#41;" in card
    assert '<mark class="rl-aspect"' in card  # the aspect is still marked inside escaped text
    # the same text in a product quote
    at = app(shop, monkeypatch, product="p0000").run()
    at.switch_page("views/product.py").run()
    _no_exception(at)
    assert "<script" not in markdown_text(at).replace("<style>", "")


def test_hostile_product_name_is_shown_as_text(shop, monkeypatch):
    at = app(shop, monkeypatch, product="p0003").run()
    at.switch_page("views/product.py").run()
    _no_exception(at)
    title = at.title[0].value
    assert "[win](" not in title and "**now**" not in title and "<b>" not in title
    assert "Kettle" in title and "win" in title
    for chart in at.get("plotly_chart"):
        assert "<b>" not in chart.proto.spec
    at = app(shop, monkeypatch, compare=["p0003", "p0001"]).run()
    at.switch_page("views/compare.py").run()
    _no_exception(at)
    for chart in at.get("plotly_chart"):
        assert "<b>Kettle" not in chart.proto.spec and "&lt;b&gt;Kettle" in chart.proto.spec


def test_empty_store_says_what_to_run(tmp_path, monkeypatch):
    missing = str(tmp_path / "none.duckdb")
    at = app(missing, monkeypatch).run()
    _no_exception(at)
    assert "Nothing to show yet" in at.info[0].value and "reviewlens import" in at.info[0].value
    empty = str(tmp_path / "empty.duckdb")
    store.ensure(empty)
    at = app(empty, monkeypatch).run()
    _no_exception(at)
    assert "no reviews yet" in at.info[0].value
    assert "reviewlens import" in at.code[0].value


def test_reviews_without_analysis_say_run_analyze(tmp_path, monkeypatch):
    db = str(tmp_path / "raw.duckdb")
    with store.writer(db) as con:
        store.insert_reviews(con, [{"product_id": "p", "source": "s", "body": f"Review {i}"} for i in range(3)])
    for page in (None, "views/product.py", "views/reviews.py"):
        at = app(db, monkeypatch).run()
        if page:
            at.switch_page(page).run()
        _no_exception(at)
        assert "3 reviews are collected but not analysed yet" in at.info[0].value
        assert at.code[0].value == "reviewlens analyze"


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])          # read-write: nobody else can open the file
con.execute("CREATE TABLE IF NOT EXISTS _job_marker (x INTEGER)")
print("holding", flush=True)
sys.stdin.readline()                       # until the test says stop
con.close()
"""


def test_store_held_by_a_job_shows_updating_then_recovers(tmp_path, monkeypatch):
    db = sample_data.build(tmp_path / "held.duckdb", reviews=300, products=2)
    job = subprocess.Popen([sys.executable, "-c", HOLD, db], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    try:
        assert job.stdout.readline().strip() == "holding"
        at = app(db, monkeypatch).run()
        _no_exception(at)
        assert "A job is updating the data" in at.warning[0].value
        assert not at.dataframe
    finally:
        job.stdin.write("\n")
        job.stdin.flush()
        job.wait(timeout=30)
    at.run()
    _no_exception(at)
    assert not at.warning
    n = sql(db, "SELECT count(*) FROM reviews").scalar()
    assert {m.label: m.value for m in at.metric}["Reviews"] == f"{n:,}"


def test_growing_complaints_count_an_aspect_new_this_period_from_zero(shop, tmp_path, monkeypatch):
    """An aspect with no complaint before this period shows 0 complaints before, not an empty
    cell: the merchant reads "from 0 to 9", and the growth is the 9."""
    import shutil

    db = str(tmp_path / "copy.duckdb")
    shutil.copy(shop, db)
    last = sql(db, "SELECT max(published_at) FROM reviews").scalar()
    _add_complaints(db, "p0000", last, 9)
    at = app(db, monkeypatch, f_period="90").run()
    _no_exception(at)
    growing = next(d.value for d in at.dataframe if "Complaints before" in d.value.columns)
    assert not growing[["Complaints now", "Complaints before", "Growth"]].isna().any().any()
    row = growing.set_index("Aspect").loc["hinge squeak"]
    assert (row["Complaints now"], row["Complaints before"], row["Growth"]) == (9, 0, 9)


def _add_complaints(db: str, product_id: str, day, complaints: int) -> None:
    """``complaints`` one-star reviews of ``product_id`` on ``day``, each complaining once about
    the aspect "hinge squeak" (a sentence, as the job writes it)."""
    rows = [{"product_id": product_id, "source": "shop.test", "author": f"squeak {i}", "rating": 1,
             "body": f"The hinge squeaks ({i}).", "published_at": day} for i in range(complaints)]
    for row in rows:
        row["review_id"] = store.review_id(product_id, row["author"], day, row["body"])
    with store.writer(db) as con:
        store.insert_reviews(con, rows)
        con.executemany("INSERT INTO aspect_mentions (sentence_id, review_id, product_id, term, start_char, "
                        "end_char, aspect, polarity, run_id) VALUES (?, ?, ?, 'hinge', 4, 9, 'hinge squeak', "
                        "'negative', 1)", [[row["review_id"] + ":0", row["review_id"], product_id] for row in rows])


def _copy(shop: str, tmp_path) -> str:
    import shutil

    db = str(tmp_path / "copy.duckdb")
    shutil.copy(shop, db)
    return db


def test_compare_keeps_two_products_with_one_title_apart(shop, tmp_path, monkeypatch):
    """Two shops can give different products one title: the page shows each on its own
    (the id added to the name), never an average of both."""
    db = _copy(shop, tmp_path)
    with store.writer(db) as con:
        con.execute("UPDATE products SET title = 'Kettle Pro' WHERE product_id IN ('p0000', 'p0002')")
    at = app(db, monkeypatch, compare=["p0000", "p0002"]).run()
    at.switch_page("views/compare.py").run()
    _no_exception(at)
    table = at.dataframe[0].value.set_index("Aspect")
    rows = sql(db, f"""
        SELECT product_id, aspect, count(*) AS n,
               count(*) FILTER (WHERE polarity = 'positive') / count(*) AS pos
        FROM aspect_mentions m WHERE product_id IN ('p0000', 'p0002') AND NOT {ASKED} GROUP BY ALL""").dicts()
    checked = 0
    for row in rows:
        if row["aspect"] in table.index:
            label = f"Kettle Pro ({row['product_id']})"
            assert table.loc[row["aspect"], f"{label}: mentions"] == row["n"]
            assert table.loc[row["aspect"], f"{label}: positive share"] == pytest.approx(row["pos"])
            checked += 1
    assert checked >= 10
    assert set(table["Most praised"]) <= {"Kettle Pro (p0000)", "Kettle Pro (p0002)", "—"}


def test_source_filter_offers_the_reviews_sources(tmp_path, monkeypatch):
    """One product imported from two files: its reviews carry both sources, the product only
    the first; the sidebar offers what the filter reads, the reviews' sources."""
    from analysed_store import add_products_and_reviews, analyse

    db = str(tmp_path / "two_files.duckdb")
    add_products_and_reviews(db, "K1", 3)
    with store.writer(db) as con:
        store.insert_reviews(con, [{"product_id": "K1", "source": "feb.csv", "author": "Bob", "rating": 1,
                                    "body": "Terrible kettle, the lid broke.", "published_at": "2024-07-20"}])
    analyse(db)
    at = app(db, monkeypatch).run()
    _no_exception(at)
    assert at.multiselect(key="f_src").options == ["feb.csv", "shop.test"]
    at.multiselect(key="f_src").select("feb.csv").run()
    _no_exception(at)
    assert {m.label: m.value for m in at.metric}["Reviews"] == "1"


def test_growing_complaints_count_products_only_up_to_the_end_date(shop, tmp_path):
    """"Products affected" counts complaints in the current period, not also those after the
    end of the date filter."""
    from datetime import timedelta

    from dashboard import queries

    db = _copy(shop, tmp_path)
    last = sql(db, "SELECT max(published_at) FROM reviews").scalar()
    end = last - timedelta(days=200)
    _add_complaints(db, "p0000", end, 9)  # one product complains in the period, another only after it
    _add_complaints(db, "p0001", last, 4)
    f = queries.Filters(end=end, period_days=30)
    growing = queries.emerging_complaints(db, queries.store_stamp(db), f, last, limit=100).set_index("aspect")
    assert (growing.loc["hinge squeak", "negative_now"], growing.loc["hinge squeak", "products"]) == (9, 1)


def _themes_table(at: AppTest):
    return next(d.value for d in at.dataframe if "This product's sentences" in d.value.columns)


def test_product_page_lists_each_theme_once(shop, monkeypatch):
    """A sentence is in a store theme and in its category's theme: the product page lists the
    themes the Themes page does (the store's, or the picked category's), each sentence once."""
    product_sentences = """
        SELECT t.label, count(*) AS n FROM theme_sentences ts JOIN themes t USING (theme_id)
        JOIN sentences s USING (sentence_id) WHERE s.product_id = 'p0001' AND t.scope = ?
        GROUP BY t.label"""
    at = app(shop, monkeypatch, product="p0001").run()
    at.switch_page("views/product.py").run()
    _no_exception(at)
    table = _themes_table(at)
    assert dict(zip(table["Theme"], table["This product's sentences"])) == dict(
        sql(shop, product_sentences, ["all"]).rows)
    assert table["This product's sentences"].sum() == sql(shop, """
        SELECT count(DISTINCT ts.sentence_id) FROM theme_sentences ts JOIN sentences s USING (sentence_id)
        WHERE s.product_id = 'p0001'""").scalar()
    category = sql(shop, "SELECT category FROM products WHERE product_id = 'p0001'").scalar()
    at = app(shop, monkeypatch, product="p0001", f_cat=category).run()
    at.switch_page("views/product.py").run()
    _no_exception(at)
    table = _themes_table(at)
    expected = dict(sql(shop, product_sentences, [f"category:{category}"]).rows)
    assert expected and dict(zip(table["Theme"], table["This product's sentences"])) == expected


def test_explorer_and_overview_keep_the_same_ratings(tmp_path):
    """A 4.496 shows as four stars: the 1-4 star filter keeps it in the explorer as in the
    overview's counts (both round the rating)."""
    from analysed_store import add_products_and_reviews, analyse
    from dashboard import queries

    db = str(tmp_path / "edges.duckdb")
    add_products_and_reviews(db, "P1", 5)
    analyse(db)
    with store.writer(db) as con:
        con.execute("UPDATE reviews SET rating = 4.496 WHERE author = 'Buyer 4'")
        con.execute("UPDATE reviews SET rating = 4.5 WHERE author = 'Buyer 3'")
    stamp, f = queries.store_stamp(db), queries.Filters(min_rating=1, max_rating=4)
    overview = queries.product_summary(db, stamp, "P1", f)["reviews"]
    explorer = queries.count_reviews(db, stamp, queries.ReviewQuery(product_id="P1"), f)
    assert overview == explorer == 4  # 1, 2, 3 and 4.496; 4.5 is five stars
    assert queries.explore(db, stamp, queries.ReviewQuery(), f, 0)[0] == 4


def test_review_report_download_holds_every_review(shop, monkeypatch):
    """The button says "all reviews": it must not pass the sidebar's From date (the only
    sidebar filter the report could take) and leave the others out."""
    from dashboard import frame

    calls = []
    real = frame.download_report

    def recording(db, kind, file_name, key, **options):
        calls.append((key, options))
        return real(db, kind, file_name, key, **options)

    monkeypatch.setattr(frame, "download_report", recording)
    at = app(shop, monkeypatch, f_from="2025-01-01", rv_product="p0000").run()
    at.switch_page("views/reviews.py").run()
    _no_exception(at)
    options = dict(calls)["dl_reviews_report"]
    assert options.get("since") is None and options["product"] == "p0000"
    assert options["label"].startswith("Download all reviews of this product")


def test_lists_have_a_fixed_order_on_ties(tmp_path):
    """Products with one title, themes of one size and aspects with as many mentions come in
    the same order on every run: by name, then id (not in whatever order a join left them)."""
    from analysed_store import add_products_and_reviews, analyse
    from dashboard import queries

    db = str(tmp_path / "ties.duckdb")
    for pid in ("P2", "P1"):
        add_products_and_reviews(db, pid, 2)
    run_id = analyse(db)
    labels = ["lid breaks", "handle hot", "cable short", "smell", "noise", "price high"]
    themes = [(f"all:complaint:{i}", labels[i % len(labels)]) for i in (7, 11, 0, 8, 5, 6, 3, 10, 4, 1, 9, 2)]
    with store.writer(db) as con:
        con.execute("UPDATE products SET title = 'Kettle'")
        con.execute("DELETE FROM themes")
        con.executemany("INSERT INTO themes VALUES (?, 'all', 'complaint', ?, ['x'], NULL, 3, ?)",
                        [[theme_id, label, run_id] for theme_id, label in themes])
        con.execute("DELETE FROM aspect_mentions")
        con.executemany("INSERT INTO aspect_mentions VALUES ('s1', 'r1', 'P1', ?, 0, 1, ?, 'neutral', ?)",
                        [[label, label, run_id] for _, label in themes])
    stamp = queries.store_stamp(db)
    assert queries.products(db, stamp)["product_id"].tolist() == ["P1", "P2"]
    assert queries.theme_list(db, stamp)["theme_id"].tolist() == [
        theme_id for theme_id, _ in sorted(themes, key=lambda t: (t[1], t[0]))]
    assert queries.aspect_list(db, stamp) == sorted(labels)
