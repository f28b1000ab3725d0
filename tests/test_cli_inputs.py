"""`reviewlens sentiment` and `aspects` with --file: one JSON object per input line, blank lines
included, and a clear usage error for a file that cannot be read. The models are small fakes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from pipeline_fakes import Term


class FakeSentiment:
    """Negative for "bad", neutral for a text without words, else positive."""

    def predict(self, texts):
        return [("negative", 0.9) if "bad" in t.lower() else ("neutral", 0.5) if not t.strip()
                else ("positive", 0.8) for t in texts]


class FakeAspects:
    """Every "lid" is an aspect term."""

    def extract(self, texts):
        return [[Term("lid", i, i + 3, "positive") for i in range(len(t)) if t.startswith("lid", i)]
                for t in texts]


@pytest.fixture
def fake_models(monkeypatch):
    from analysis import aspects, sentiment

    monkeypatch.setattr(sentiment, "default_model_ready", lambda *a, **k: True)
    monkeypatch.setattr(sentiment, "load_sentiment", lambda *a, **k: FakeSentiment())
    monkeypatch.setattr(aspects, "load_aspect_extractor", lambda *a, **k: FakeAspects())


def _objects(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


@pytest.mark.parametrize("command", ["sentiment", "aspects"])
def test_one_object_per_line_blank_lines_included(fake_models, tmp_path, command):
    texts = tmp_path / "texts.txt"
    texts.write_bytes(b"The lid is great.\n\nBad lid.\r\n   \nlast line without an end")
    result = CliRunner().invoke(cli, [command, "--file", str(texts)])
    assert result.exit_code == 0, result.output
    objects = _objects(result.output)
    assert [o["text"] for o in objects] == ["The lid is great.", "", "Bad lid.", "   ", "last line without an end"]
    empty = CliRunner().invoke(cli, [command, ""])
    assert empty.exit_code == 0, empty.output
    assert objects[1] == _objects(empty.output)[0]  # a blank line gets what "" gets
    from_stdin = CliRunner().invoke(cli, [command, "--file", "-"], input="one\n\ntwo\n")
    assert [o["text"] for o in _objects(from_stdin.output)] == ["one", "", "two"]


@pytest.mark.parametrize("command", ["sentiment", "aspects"])
def test_a_file_that_cannot_be_read_is_a_usage_error_naming_it(fake_models, tmp_path, command):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café au lait\n".encode("latin-1"))
    folder = tmp_path / "folder"
    folder.mkdir()
    for path, reason in [(tmp_path / "missing.txt", "No such file"), (folder, "directory"),
                         (latin1, "not UTF-8 text")]:
        result = CliRunner().invoke(cli, [command, "--file", str(path)])
        assert result.exit_code == 2, (path, result.output)
        assert f"cannot read --file {path}: " in result.output and reason in result.output
        assert "UTF-8 text file, one text per line" in result.output
        assert not isinstance(result.exception, (OSError, UnicodeDecodeError)) and "Traceback" not in result.output
    stdin = CliRunner().invoke(cli, [command, "--file", "-"], input="café\n".encode("latin-1"))
    assert stdin.exit_code == 2 and "cannot read --file stdin: it is not UTF-8 text" in stdin.output


def test_no_text_at_all_says_how_to_give_them(fake_models, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["sentiment", "--file", str(empty)])
    assert result.exit_code == 2 and f"{empty} holds no line" in result.output
    assert "give texts as arguments or --file F" in CliRunner().invoke(cli, ["sentiment"]).output


def test_analyze_on_a_missing_store_says_so_and_creates_nothing(tmp_path):
    # A mistyped --db used to be created empty and "analysed" (exit 0) on every cron run.
    missing = tmp_path / "sub" / "typo.duckdb"
    result = CliRunner().invoke(cli, ["analyze", "--db", str(missing), "--quiet"])
    assert result.exit_code == 1, result.output
    assert f"no database at {missing}" in result.output and "reviewlens import" in result.output
    assert not missing.exists() and not missing.parent.exists()


def test_sentiment_and_aspects_take_the_store_they_would_train_on(tmp_path, monkeypatch):
    # The contract's --db on every command; a missing default model is trained with the store's
    # rated reviews (not the seed set alone, which analyze would then reuse).
    from analysis import sentiment

    trained_with: list = []
    monkeypatch.setattr(sentiment, "default_model_ready", lambda path=None: bool(trained_with))
    monkeypatch.setattr(sentiment, "ensure_default_model", lambda db=None, log=None: trained_with.append(db))
    monkeypatch.setattr(sentiment, "load_sentiment", lambda name=None, device="cpu": FakeSentiment())
    db = str(tmp_path / "shop.duckdb")
    result = CliRunner().invoke(cli, ["sentiment", "--db", db, "Great kettle."])
    assert result.exit_code == 0, result.output
    assert trained_with == [db]
