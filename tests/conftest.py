"""Shared fixtures. Test data is built in code, never a committed binary database."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval" / "dev"


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A path for a fresh DuckDB file (not created yet)."""
    return str(tmp_path / "store.duckdb")


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests leave files worth looking at (screenshots, reports)."""
    path = REPO / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def sentiment_model_path(tmp_path_factory) -> Path:
    """A real BERT sentiment classifier fine-tuned from the packaged MiniLM: the trained default
    when there is one, else a quick fine-tune made once per test session."""
    from analysis.sentiment import default_model_dir, default_model_ready

    if default_model_ready():
        return default_model_dir()
    from analysis.train_sentiment import train

    path = tmp_path_factory.mktemp("sentiment") / "quick"
    train(path, quick=True)
    return path


@pytest.fixture(scope="session")
def default_sentiment_model() -> Path:
    """The trained default sentiment model (data/models/sentiment, or $REVIEWLENS_MODELS),
    trained here first when it is missing, as the first `reviewlens analyze` would (about 3
    minutes on 2 cores, once: later sessions reuse it; a second test process waits on its lock).
    For the tests that check what the shipped default reads, not just that a model runs."""
    from analysis.sentiment import ensure_default_model

    return ensure_default_model(log=lambda line: None)
