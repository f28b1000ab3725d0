"""`reviewlens sentiment` and `aspects` read each text as the analysis job reads a sentence
(review r6): an argument that is not UTF-8 is a one-line usage error, HTML and control
characters are cleaned before the models, and offsets index the text as given. Small fakes."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from pipeline_fakes import Term

READ: list[str] = []


class RecordingSentiment:
    def predict(self, texts):
        READ.extend(texts)
        return [("negative", 0.9) if "poor" in t else ("positive", 0.8) for t in texts]


class WordAspects:
    """Every "lid", "handle" or "b" (a tag's name, were the tags read) is an aspect term."""

    def extract(self, texts):
        READ.extend(texts)
        return [[Term(m.group(), m.start(), m.end(), "negative") for m in re.finditer(r"\b(?:lid|handle|b)\b", t)]
                for t in texts]


@pytest.fixture
def fake_models(monkeypatch):
    from analysis import aspects, sentiment

    READ.clear()
    monkeypatch.setattr(sentiment, "default_model_ready", lambda *a, **k: True)
    monkeypatch.setattr(sentiment, "load_sentiment", lambda *a, **k: RecordingSentiment())
    monkeypatch.setattr(aspects, "load_aspect_extractor", lambda *a, **k: WordAspects())
    monkeypatch.setattr(aspects, "group_aspects", lambda terms, *a, **k: {t: t.lower() for t in terms})


@pytest.mark.parametrize("command", ["sentiment", "aspects"])
def test_an_argument_that_is_not_utf8_is_a_one_line_usage_error(fake_models, command):
    # what Python makes of the byte 0xff in an argument (surrogateescape)
    result = CliRunner().invoke(cli, [command, "Great screen.", "The battery \udcff is bad."])
    assert result.exit_code == 2, result.output
    assert "text argument 2 is not UTF-8 text (it holds the byte 0xff)" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, TypeError)
    assert READ == []      # no model was asked


def test_aspects_reads_html_as_text_and_offsets_index_the_given_text(fake_models):
    text = "The lid &amp; the <b>handle</b>\u00ad are\x00 poor."
    result = CliRunner().invoke(cli, ["aspects", text])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["text"] == text
    assert [(a["term"], text[a["start"]:a["end"]]) for a in row["aspects"]] == [("lid", "lid"), ("handle", "handle")]
    assert READ == ["The lid & the handle are poor."]


def test_sentiment_reads_the_cleaned_text_and_prints_the_given_one(fake_models):
    text = "The <b>screen</b> is po\u00ador"
    result = CliRunner().invoke(cli, ["sentiment", text, ""])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == [text, ""]
    assert rows[0]["label"] == "negative"
    assert READ == ["The screen is poor", ""]
