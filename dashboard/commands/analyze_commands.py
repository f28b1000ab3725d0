"""The analysis stage: `analyze`, `sentiment`, `aspects`, `train-sentiment`, `evaluate`."""
from __future__ import annotations

import click

from dashboard.commands.common import db_option, not_built


@click.command()
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--full", is_flag=True, help="Recompute everything, not only new or changed reviews.")
@db_option
def analyze(db: str, device: str, full: bool) -> None:
    """Run the incremental batch job: sentences, sentiment, aspects, needs, themes, insights."""
    not_built(4, "analyze")


@click.command()
@click.argument("texts", nargs=-1)
@click.option("--file", "file", type=click.Path(allow_dash=True), help="One text per line; - is stdin.")
def sentiment(texts: tuple[str, ...], file: str | None) -> None:
    """Sentence sentiment as JSON lines {"text","label","score"}."""
    not_built(4, "sentiment")


@click.command()
@click.argument("texts", nargs=-1)
@click.option("--file", "file", type=click.Path(allow_dash=True), help="One text per line; - is stdin.")
def aspects(texts: tuple[str, ...], file: str | None) -> None:
    """Aspect terms with offsets and polarity as JSON lines."""
    not_built(4, "aspects")


@click.command(name="train-sentiment")
@db_option
def train_sentiment(db: str) -> None:
    """Fit the sentiment model from the seed set and the store's rated reviews."""
    not_built(4, "train-sentiment")


@click.command()
@click.option("--data", "data_dir", type=click.Path(), default="../shared/eval/dev", show_default=True)
def evaluate(data_dir: str) -> None:
    """Accuracy of the models on labelled sets."""
    not_built(4, "evaluate")


COMMANDS = [analyze, sentiment, aspects, train_sentiment, evaluate]
