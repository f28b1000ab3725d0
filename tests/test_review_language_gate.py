"""Which reviews the English models read (review r6): a review without a stored language is
English only by the importer's rule or a detection; short non-English reviews ("Très déçu.",
"电池很差") are skipped, never scored as English. The job runs with the small fakes."""
from __future__ import annotations

import pytest

from analysis.pipeline import reading_language, run_analysis
from data import store
from pipeline_fakes import fake_models, make_store, review_rows

# the first ones by the importer's word rule, the others as all-English words ("Excellent product.")
SHORT_ENGLISH = ["Great!", "Works fine.", "Love it", "The lid broke.", "Not worth the price",
                 "Terrible, disappointed.", "Excellent product.", "Waste of money.", "Not good at all.",
                 # letters slipped, as the demo shop's hasty reviewers type them
                 "Okay prdouct.", "Excleletn product!!", "Average, ntohing more.", "excellent procdut."]
SHORT_OTHER = {"Très déçu.": "non_english", "电池很差": "non_english", "バッテリーが悪い": "non_english",
               "Pésima calidad": "non_english", "Слабая батарея.": "non_english",
               "Akku schwach": "unknown_language", "Sehr gut": "unknown_language",
               "Pesima calidad": "unknown_language", "Muy bueno": "unknown_language",
               "Super produkt": "unknown_language"}


@pytest.mark.parametrize("body", SHORT_ENGLISH)
def test_short_english_reads_as_english(body):
    assert reading_language(body) == ("en", None)


@pytest.mark.parametrize("body, reason", SHORT_OTHER.items())
def test_short_text_that_is_not_clearly_english_is_skipped(body, reason):
    assert reading_language(body) == (None, reason)


def test_a_stored_language_decides():
    assert reading_language("Akku schwach", "en") == ("en", None)
    assert reading_language("Great!", "en-US") == ("en-US", None)
    assert reading_language("Great!", "de") == ("de", "non_english")
    # a longer text without a stored language is detected, as the importer detects it
    assert reading_language("Der Akku hält leider nicht lange, und das Display ist viel zu dunkel.") \
        == ("de", "non_english")


def test_the_job_skips_short_non_english_reviews_and_reads_short_english_ones(db_path):
    bodies = SHORT_ENGLISH + list(SHORT_OTHER)
    make_store(db_path, review_rows([("p1", 1, "2024-02-01", b) for b in bodies]))
    with store.writer(db_path) as con:   # as the importer leaves a text it cannot tell
        con.execute("UPDATE reviews SET language = NULL").fetchall()
    counts = run_analysis(db_path, models=fake_models(), progress=False)["counts"]
    assert counts["reviews_analysed"] == len(SHORT_ENGLISH)
    assert counts["skipped_non_english"] == 5 and counts["skipped_unknown_language"] == 5
    rows = store.query(db_path, "SELECT r.body, a.language, a.skipped_reason, a.n_sentences, a.rating_mismatch "
                                "FROM reviews r JOIN review_analysis a USING (review_id)").rows
    got = {body: (language, reason, n, mismatch) for body, language, reason, n, mismatch in rows}
    for body in SHORT_ENGLISH:
        assert got[body][:2] == ("en", None) and got[body][2] >= 1
    for body, reason in SHORT_OTHER.items():
        assert got[body] == (None, reason, 0, None)
    read = {text for (text,) in store.query(db_path, "SELECT text FROM sentences").rows}
    assert not read & set(SHORT_OTHER)
    assert store.query(db_path, "SELECT count(*) FROM aspect_mentions m JOIN reviews r USING (review_id) "
                                "WHERE r.body IN (SELECT unnest(?))", [list(SHORT_OTHER)]).scalar() == 0


def test_the_analyze_line_counts_each_skip_reason(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from analysis import pipeline
    from dashboard.cli import cli

    db = tmp_path / "s.duckdb"
    db.write_bytes(b"")
    summary = {"run_id": 3, "status": "ok", "device": "cpu", "durations": {"total": 1.0},
               "counts": {"reviews": 9, "sentences": 4, "skipped_non_english": 5, "skipped_unknown_language": 2}}
    monkeypatch.setattr(pipeline, "run_analysis", lambda *a, **k: summary)
    result = CliRunner().invoke(cli, ["--db", str(db), "analyze", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "5 non-English skipped, 2 of unknown language skipped" in result.output
    summary["counts"].pop("skipped_unknown_language")
    assert "unknown language" not in CliRunner().invoke(cli, ["--db", str(db), "analyze", "--quiet"]).output


def test_a_text_without_letters_has_no_language_to_tell_and_goes_on():
    assert reading_language("😀👍🔥🔥") == (None, None)      # the splitter finds no sentence in it
    assert reading_language("10/10 👍") == (None, None)
