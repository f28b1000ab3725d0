"""The dashboard on a store filled by the real analysis job (analysis.pipeline.run_analysis),
with the job's small deterministic stand-in models, so the pages read what the job writes."""
from __future__ import annotations

import json

import pytest

from analysis.pipeline import run_analysis
from data import store
from pipeline_fakes import fake_models, make_store
from app_pages import open_page

BODIES = [
    ("kettle", 5, "Great kettle, love it. The lid is excellent."),
    ("kettle", 2, "The handle gets hot. I wish it had a longer cable."),
    ("kettle", 1, "The lid broke after a week. The handle is flimsy."),
    ("kettle", 4, "The price is good. The lid is great."),
    ("kettle", 5, "Love the lid, the price is great. <script>alert(1)</script>"),
    ("speaker", 1, "Battery life is poor. It needs a longer cable."),
    ("speaker", 5, "The battery is excellent and the sound is lovely."),
    ("speaker", 3, "The sound is nice but the battery dies fast, which is bad."),
    ("speaker", 4, "The strap is sturdy. I wish it had a longer cable!"),
]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("dash_pipeline") / "shop.duckdb")
    rows = []
    for i in range(4):  # enough mentions per aspect for ranked findings
        for k, (pid, rating, body) in enumerate(BODIES):
            rows.append({"product_id": pid, "author": f"a{i}{k}", "rating": rating,
                         "published_at": f"2024-{1 + (i * 3 + k) % 12:02d}-{1 + k:02d}",
                         "body": body, "url": f"https://shop.test/{pid}#r{i}{k}"})
    make_store(db, rows, products=[
        {"product_id": "kettle", "source": "test", "title": "Steel Kettle", "category": "Kitchen"},
        {"product_id": "speaker", "source": "test", "title": "Beach Speaker", "category": "Audio"}])
    result = run_analysis(db, models=fake_models(), progress=False)
    assert result["status"] == "ok", result
    return db


def test_overview_reads_the_jobs_tables(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch)
    table = at.dataframe[0].value.set_index("Product")
    rows = store.query(analysed, """
        SELECT p.title, count(*) AS n, avg(a.net_sentiment) AS net
        FROM reviews r JOIN products p USING (product_id) LEFT JOIN review_analysis a USING (review_id)
        GROUP BY p.title""").rows
    for title, n, net in rows:
        assert table.loc[title, "Reviews"] == n
        assert table.loc[title, "Net sentiment"] == pytest.approx(net)


def test_product_page_shows_the_jobs_findings_with_marked_quotes(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch, "views/product.py", product="kettle")
    assert at.title[0].value == "Steel Kettle"
    text = "\n".join(m.value for m in at.markdown)
    top = store.query(analysed, "SELECT name, mentions, quotes FROM product_insights "
                                "WHERE product_id = 'kettle' AND kind = 'strength' ORDER BY run_id DESC, rank LIMIT 1").first()
    assert f"<b>1. {top['name']}</b> · {top['mentions']:,} review{'s' if top['mentions'] != 1 else ''}" in text
    quote = json.loads(top["quotes"])[0]
    # the job's quote offsets are the sentence's place in the body; the mark is the aspect term
    term = store.query(analysed, "SELECT term FROM aspect_mentions WHERE sentence_id = ? AND aspect = ?",
                       [quote["sentence_id"], top["name"]]).scalar()
    assert f'<mark class="rl-aspect">{term}</mark>' in text
    assert "<script>" not in text


def test_reviews_page_colours_the_jobs_sentences(analysed, monkeypatch):
    at = open_page(analysed, monkeypatch, "views/reviews.py", rv_product="kettle", rv_q="flimsy")
    text = "\n".join(m.value for m in at.markdown)
    n = store.query(analysed, "SELECT count(*) FROM reviews WHERE product_id = 'kettle' "
                              "AND body ILIKE '%flimsy%'").scalar()
    assert f"**{n:,}** reviews match" in text
    assert 'title="negative"' in text and '<mark class="rl-aspect" title="handle' in text
