"""The analysis stage: `analyze`, `sentiment`, `aspects`, `train-sentiment`, `evaluate`."""
from __future__ import annotations

import click

from analysis.jobs.lock import EXIT_LOCKED  # the standard library only: `reviewlens --help` stays light
from dashboard.commands.common import db_option, read_texts


class Locked(click.ClickException):
    """Another run holds the store (or the model folder): exit 4, like `reviewlens run`."""
    exit_code = EXIT_LOCKED


@click.command()
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--full", is_flag=True, help="Recompute everything, not only new or changed reviews.")
@click.option("--sentiment-model", "sentiment_model", metavar="NAME_OR_PATH", default=None,
              help="Another sentiment classifier (folder or cached hub name) instead of the trained default.")
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes for the per-review stages, each with its own models "
                   "[default: 1 on the CPU; on CUDA one per 4 cores, at most 4, from 16 batches on].")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@db_option
def analyze(db: str, device: str, full: bool, sentiment_model: str | None = None, quiet: bool = False,
            workers: int | None = None) -> None:
    """Run the incremental batch job: sentences, sentiment, aspects, needs, themes, insights.

    One run at a time per store: while another `reviewlens analyze` or `reviewlens run` works on
    the store, this one stops at once (exit 4) and names it. A run that was killed leaves a stale
    lock that the next run takes over.

    A review that a stage fails on is skipped with one line naming it, the run goes on and ends
    'partial'; the next run reads that review again.

    \b
    Exit codes: 0 done (also 'partial'), 1 error (models, store, a worker died, a stage broken),
    4 another run holds the store.
    \b
    Examples:
      reviewlens analyze                  # only new or changed reviews
      reviewlens analyze --full --device cpu
      reviewlens analyze --device cuda --workers 4
    """
    from pathlib import Path

    if not Path(db).exists():  # a mistyped --db would be created empty and "analysed" for ever
        raise click.ClickException(f"no database at {db}: collect reviews first (`reviewlens import FILE`, "
                                   f"`reviewlens crawl URL` or `reviewlens demo`), or pass --db PATH")
    from analysis.batch_pool import WorkerDied
    from analysis.jobs.lock import JobLocked
    from analysis.models import ModelError  # heavy stages are imported only here
    from analysis.pipeline import run_analysis
    from data.store import StoreError

    try:
        summary = run_analysis(db, device=device, full=full, sentiment_model=sentiment_model, progress=not quiet,
                               workers=workers, log=lambda line: click.echo(line, err=True))
    except JobLocked as exc:
        raise Locked(str(exc)) from exc
    except (ModelError, StoreError, WorkerDied) as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:
        raise click.ClickException(run_failed(exc, db)) from exc
    counts = summary["counts"]
    failed = counts.get("skipped_error", 0)
    click.echo(f"analysis run {summary['run_id']} {summary['status']} on {summary['device']}: "
               f"{counts.get('reviews', 0)} reviews read, {counts.get('sentences', 0)} sentences, "
               f"{counts.get('skipped_non_english', 0)} non-English skipped, "
               + (f"{unknown} of unknown language skipped, " if (unknown := counts.get('skipped_unknown_language', 0))
                  else "")
               + (f"{failed} failed (named above; the next run reads them again), " if failed else "")
               + f"{counts.get('themes', 0)} themes, {counts.get('product_insights', 0)} findings "
               f"in {summary['durations'].get('total', 0):.1f}s")


def run_failed(error: Exception, db: str) -> str:
    """One line for an analysis that ended with an unexpected ``error``: which run, what was
    raised where, and what to do (the traceback would bury all three)."""
    import traceback

    from analysis.pipeline import failed_run_id

    run_id = failed_run_id(error)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (in {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    what = f"{type(error).__name__}: {' '.join(str(error).split())}{where}"
    if run_id is None:
        return (f"the analysis of {db} failed before its run began: {what}. Run `reviewlens analyze` again; "
                f"if it fails the same way, report this line.")
    return (f"analysis run {run_id} failed: {what}. The batches written before it are kept "
            f"(`reviewlens --db {db} status` lists the run); run `reviewlens analyze` again to go on from there, "
            f"and if it fails the same way, report this line.")


def utf8_texts(texts: tuple[str, ...], file: str | None) -> list[str]:
    """The texts of :func:`read_texts`, each checked to be text: an argument that was not UTF-8
    reaches Python with its bad bytes as lone surrogates, which no tokenizer takes, so it is a
    usage error naming the argument and the byte (a file's lines are checked as it is read)."""
    for number, text in enumerate(texts, start=1):
        bad = next((ch for ch in text if "\ud800" <= ch <= "\udfff"), None)
        if bad is not None:
            byte = f"the byte 0x{ord(bad) - 0xdc00:02x}" if "\udc80" <= bad <= "\udcff" else f"U+{ord(bad):04X}"
            raise click.UsageError(f"text argument {number} is not UTF-8 text (it holds {byte}); "
                                   f"give UTF-8 text, or a UTF-8 file with --file")
    return read_texts(texts, file)


def model_texts(lines: list[str]) -> list[tuple[str, list[int], list[int]]]:
    """Each text as the analysis job's models read it (:func:`analysis.sentences.clean_with_offsets`:
    tags dropped, entities unescaped, control characters dropped), with, for each character, the
    span of the given text it came from, so offsets map back onto the text as given."""
    from analysis.sentences import clean_with_offsets

    return [(cleaned.replace("\n", " "), where, until)
            for cleaned, where, until in (clean_with_offsets(line) for line in lines)]


def given_span(start: int, end: int, where: list[int], until: list[int], length: int) -> tuple[int, int]:
    """The span of the given text that ``cleaned[start:end]`` came from (``where``/``until``:
    :func:`model_texts`' spans of the cleaned characters; ``length``: the given text's).

    >>> given_span(4, 7, *clean_with_offsets("The <b>lid</b>")[1:], 14)   # 'lid' of 'The lid'
    (7, 10)
    """
    if end <= start or start >= len(where):
        at = where[start] if start < len(where) else length
        return at, at
    return where[start], until[min(end, len(until)) - 1]


@click.command()
@click.argument("texts", nargs=-1)
@click.option("--file", "file", type=click.Path(allow_dash=True), help="One text per line; - is stdin.")
@click.option("--model", "model_name", metavar="NAME_OR_PATH", default=None,
              help="A sentiment classifier folder or cached hub name (default: the trained default model).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="cpu", show_default=True)
@db_option
def sentiment(texts: tuple[str, ...], file: str | None, model_name: str | None, device: str, db: str) -> None:
    """Sentence sentiment as JSON lines {"text","label","score"}.

    Each text is read as `reviewlens analyze` reads a sentence: HTML tags dropped, entities
    unescaped, control characters dropped. When the default model is missing it is trained
    first, on the seed set and the rated reviews of the store (--db), as `reviewlens analyze` would.

    \b
    Examples:
      reviewlens sentiment "The battery died in a day." "Great screen."
      reviewlens sentiment --file sentences.txt
      cat sentences.txt | reviewlens sentiment --file -
    """
    import json

    lines = utf8_texts(texts, file)
    from analysis.models import ModelError  # heavy stages are imported only here
    from analysis.sentiment import default_model_ready, ensure_default_model, load_sentiment

    try:
        if model_name is None and not default_model_ready():
            click.echo("training the default sentiment model first (a few minutes on a CPU)...", err=True)
            ensure_default_model(db, log=lambda message: click.echo(message, err=True))
        model = load_sentiment(model_name, device=device)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    read = [cleaned for cleaned, _, _ in model_texts(lines)]
    for text, (label, score) in zip(lines, model.predict(read)):
        click.echo(json.dumps({"text": text, "label": label, "score": round(score, 4)}, ensure_ascii=False))


@click.command()
@click.argument("texts", nargs=-1)
@click.option("--file", "file", type=click.Path(allow_dash=True), help="One text per line; - is stdin.")
@db_option
def aspects(texts: tuple[str, ...], file: str | None, db: str) -> None:
    """Aspect terms with offsets and polarity as JSON lines.

    Each text is read as `reviewlens analyze` reads a sentence (HTML tags dropped, entities
    unescaped, control characters dropped); start and end index the text as given. When the default sentiment model (whose features the aspect heads read) is missing it is
    trained first, on the seed set and the rated reviews of the store (--db).

    \b
    Examples:
      reviewlens aspects "The battery died in a day but the screen is lovely."
      reviewlens aspects --file sentences.txt
    """
    import json

    lines = utf8_texts(texts, file)
    from analysis.aspects import group_aspects, load_aspect_extractor  # heavy: loaded only here
    from analysis.sentiment import default_model_ready, ensure_default_model

    if not default_model_ready():
        click.echo("training the default sentiment model first (a few minutes on a CPU)...", err=True)
        ensure_default_model(db, log=lambda message: click.echo(message, err=True))
    read = model_texts(lines)
    found = load_aspect_extractor().extract([cleaned for cleaned, _, _ in read])
    canonical = group_aspects([t.term for row in found for t in row])
    for text, (_, where, until), row in zip(lines, read, found):
        spans = [given_span(t.start, t.end, where, until, len(text)) for t in row]
        click.echo(json.dumps({"text": text, "aspects": [
            {"term": t.term, "start": start, "end": end, "aspect": canonical.get(t.term, t.term.lower()),
             "polarity": t.polarity} for t, (start, end) in zip(row, spans)]}, ensure_ascii=False))


@click.command(name="train-sentiment")
@click.option("--quick", is_flag=True, help="A small, fast fit on a slice of the seed set (for trying things out).")
@click.option("--epochs", type=int, default=None, help="Passes over the data (default 1).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Where to save the model (default data/models/sentiment).")
@click.option("--seed", type=int, default=0, show_default=True)
@db_option
def train_sentiment(db: str, quick: bool, epochs: int | None, out_dir: str | None, seed: int) -> None:
    """Fit the sentiment model from the seed set and the store's rated reviews.

    \b
    Fine-tunes the packaged all-MiniLM-L6-v2 encoder into a negative / neutral / positive
    classifier and saves it with a model card (README.md + card.json).
    One training at a time per model folder: a second one stops at once (exit 4).
    \b
    Example:
      reviewlens train-sentiment --db data/reviewlens.duckdb
    """
    from pathlib import Path

    from analysis.jobs.lock import JobLock, JobLocked
    from analysis.models import ModelError
    from analysis.sentiment import default_model_dir
    from analysis.train_sentiment import train
    from data.store import StoreError

    folder = Path(out_dir) if out_dir else default_model_dir()
    try:
        # trainings into one folder share its staging folder (<out>.tmp): two at once mix their files
        with JobLock(f"{folder}.lock", command="reviewlens train-sentiment", target=f"the model folder {folder}"):
            card = train(out_dir=folder, db=db, quick=quick, epochs=epochs, seed=seed,
                         log=lambda message: click.echo(message, err=True))
    except JobLocked as exc:
        raise Locked(str(exc)) from exc
    except (ModelError, StoreError) as exc:   # StoreError: a model folder that cannot be written
        raise click.ClickException(str(exc)) from exc
    heldout = card["metrics"]["heldout"]
    click.echo(f"saved {card['version']}: held-out accuracy {heldout['accuracy']:.3f}, "
               f"macro-F1 {heldout['macro_f1']:.3f} ({card['train_seconds']} s)")


@click.command()
@click.option("--data", "data_dir", type=click.Path(), default="../shared/eval/dev", show_default=True)
@click.option("--model", "model_name", metavar="NAME_OR_PATH", default=None,
              help="Sentiment classifier to measure (default: the trained default model).")
@click.option("--skip-aspects", is_flag=True, help="Measure sentiment only.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def evaluate(data_dir: str, model_name: str | None, skip_aspects: bool, as_json: bool) -> None:
    """Accuracy of the models on labelled sets.

    \b
    Sentiment: accuracy and macro-F1 on the UCI sentences (yelp_labelled.txt, imdb_labelled.txt;
    positive vs negative) and on the seed set's held-out split. Aspects: span F1 and polarity
    accuracy on the SemEval files, when the aspect stage is installed.
    Example:
      reviewlens evaluate --data ../shared/eval/dev
    """
    import json

    from analysis.evaluate import evaluate as run_evaluation, format_report
    from analysis.models import ModelError
    from analysis.sentiment import load_sentiment

    try:
        model = load_sentiment(model_name)
        result = run_evaluation(data_dir, model=model, aspects=not skip_aspects)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(result, indent=2) if as_json else format_report(result))


COMMANDS = [analyze, sentiment, aspects, train_sentiment, evaluate]
