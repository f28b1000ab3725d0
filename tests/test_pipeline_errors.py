"""A stage that raises on one review: the review is skipped (and read again by the next run), the
rest of the run is written and the store-wide tables refreshed; a stage broken on everything
fails the run; `reviewlens analyze` says so in one line."""
from __future__ import annotations

import dataclasses
from concurrent.futures import Future

import pytest
from click.testing import CliRunner

from analysis import pipeline
from analysis.pipeline import analyse_batch, failed_run_id, run_analysis
from dashboard.cli import cli
from data import store
from pipeline_fakes import FakeAspects, FakeSentiment, fake_models, make_store, review_rows


GOOD = [
    ("p1", 5, "2024-01-10", "Great kettle, love it. The lid sticks though."),
    ("p1", 2, "2024-02-11", "The handle gets hot. I wish it had a longer cable."),
    ("p2", 1, "2024-05-14", "Battery life is poor. It needs a longer cable."),
    ("p2", 5, "2024-06-15", "The battery is excellent and the screen is lovely."),
]
# new reviews: "Battery Life" and "Charge" are grouped as "battery" only by the store-wide step
NEW = [("p3", 2, "2024-09-01", "The Battery Life is poor."), ("p3", 2, "2024-09-02", "The Charge is weak."),
       ("p4", 1, "2024-09-03", "BOOM the lid is bad.")]


class Boom(FakeAspects):
    """The aspect stage raises on any batch with a text that says BOOM."""

    def extract(self, texts):
        if any("BOOM" in t for t in texts):
            raise RuntimeError("stage failed\non BOOM")
        return super().extract(texts)


class Broken(FakeSentiment):
    def predict(self, texts, batch_size=None):
        raise RuntimeError("the sentiment model broke")


def booming():
    return dataclasses.replace(fake_models(), aspects=Boom())


def review_id_of(db: str, body: str) -> str:
    return store.query(db, "SELECT review_id FROM reviews WHERE body = ?", [body]).scalar()


def test_a_review_a_stage_fails_on_is_skipped_and_the_rest_is_written_and_refreshed(db_path):
    make_store(db_path, review_rows(GOOD))
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    make_store(db_path, review_rows(NEW, start=100))
    lines = []
    # batches of 2: the failing review shares its batch with a good one, which is kept
    summary = run_analysis(db_path, models=booming(), progress=False, batch_size=2, log=lines.append)
    assert summary["status"] == "partial"
    assert summary["counts"]["skipped_error"] == 1 and summary["counts"]["reviews_analysed"] == 2
    boom = review_id_of(db_path, "BOOM the lid is bad.")
    assert store.query(db_path, "SELECT skipped_reason, n_sentences FROM review_analysis WHERE review_id = ?",
                       [boom]).rows == [("error", 0)]
    assert store.query(db_path, "SELECT count(*) FROM sentences WHERE review_id = ?", [boom]).scalar() == 0
    # one line, naming the review and the error
    assert len(lines) == 1 and "\n" not in lines[0]
    assert f"review {boom}" in lines[0] and "RuntimeError: stage failed on BOOM" in lines[0]
    assert f"analysis run {summary['run_id']}" in lines[0]
    # the store-wide step ran: the new reviews' terms are grouped, and they count in the tables
    assert store.query(db_path, "SELECT DISTINCT aspect FROM aspect_mentions WHERE product_id = 'p3'").rows == [
        ("battery",)]
    assert store.query(db_path, "SELECT DISTINCT aspect FROM aspect_monthly WHERE product_id = 'p3'").rows == [
        ("battery",)]
    assert store.query(db_path, "SELECT count(*) FROM product_insights WHERE product_id = 'p3'").scalar() > 0
    run = store.query(db_path, "SELECT status, counts FROM analysis_runs WHERE run_id = ?",
                      [summary["run_id"]]).dicts()[0]
    assert run["status"] == "partial" and '"skipped_error": 1' in run["counts"]


def test_the_next_run_reads_a_failed_review_again(db_path):
    make_store(db_path, review_rows(GOOD))
    run_analysis(db_path, models=fake_models(), progress=False)
    make_store(db_path, review_rows(NEW[2:], start=100))
    lines = []
    # the failing review alone in its batch (the only new one): skipped, not a failed run
    first = run_analysis(db_path, models=booming(), progress=False, log=lines.append)
    assert first["status"] == "partial" and first["counts"]["skipped_error"] == 1 and len(lines) == 1
    # fixed models, same versions: only that review is read again, and now analysed
    again = run_analysis(db_path, models=fake_models(), progress=False)
    assert again["status"] == "ok" and again["counts"]["reviews"] == 1
    assert again["counts"]["reviews_analysed"] == 1 and "skipped_error" not in again["counts"]
    boom = review_id_of(db_path, "BOOM the lid is bad.")
    assert store.query(db_path, "SELECT skipped_reason FROM review_analysis WHERE review_id = ?",
                       [boom]).scalar() is None
    assert store.query(db_path, "SELECT count(*) FROM aspect_mentions WHERE review_id = ?", [boom]).scalar() == 1
    # and then nothing is left to read
    assert run_analysis(db_path, models=fake_models(), progress=False)["counts"]["reviews"] == 0


def test_a_stage_broken_on_every_review_fails_the_run_and_keeps_what_was_there(db_path):
    make_store(db_path, review_rows(GOOD))
    run_analysis(db_path, models=fake_models(), progress=False)
    before = store.query(db_path, "SELECT * FROM review_analysis ORDER BY review_id").rows
    lines = []
    with pytest.raises(RuntimeError, match="sentiment model broke") as raised:
        run_analysis(db_path, models=dataclasses.replace(fake_models(), sentiment=Broken()), progress=False,
                     full=True, batch_size=2, log=lines.append)
    assert failed_run_id(raised.value) == 2
    assert any("analysis run 2 failed" in note for note in raised.value.__notes__)
    assert lines == []          # no review is blamed for a broken model
    assert store.query(db_path, "SELECT status FROM analysis_runs WHERE run_id = 2").scalar() == "failed"
    assert store.query(db_path, "SELECT * FROM review_analysis ORDER BY review_id").rows == before


class InlinePool:
    """Stands in for analysis.batch_pool.BatchPool: runs each batch here, with its own models,
    and hands back a stage's error as a worker's future would."""
    workers = 1

    def __init__(self, models):
        self.models = models

    def ready(self) -> bool:
        return True

    def analyse(self, reviews, run_id) -> Future:
        state = pipeline.RunState(run_id)
        future = Future()
        try:
            future.set_result((analyse_batch(pipeline.Worker(self.models, run_id), reviews, state.timed),
                               dict(state.durations)))
        except Exception as error:
            future.set_exception(error)
        return future

    @staticmethod
    def result(future):
        return future.result()


def test_a_batch_that_fails_in_a_worker_is_analysed_again_review_by_review(db_path):
    make_store(db_path, review_rows(GOOD + NEW))
    lines = []
    models = booming()
    summary = run_analysis(db_path, models=models, progress=False, batch_size=3, pool=InlinePool(models),
                           log=lines.append)
    assert summary["status"] == "partial"
    assert summary["counts"]["reviews"] == 7 and summary["counts"]["skipped_error"] == 1
    assert len(lines) == 1 and review_id_of(db_path, "BOOM the lid is bad.") in lines[0]
    assert store.query(db_path, "SELECT count(*) FROM review_analysis WHERE skipped_reason IS NULL").scalar() == 6


def test_the_command_says_a_failed_run_in_one_line_and_exits_1(db_path, monkeypatch):
    make_store(db_path, review_rows(GOOD))
    broken = dataclasses.replace(fake_models(), sentiment=Broken())
    monkeypatch.setattr(pipeline, "load_models", lambda db, device="auto", sentiment_model=None: broken)
    result = CliRunner().invoke(cli, ["--db", db_path, "analyze", "--quiet", "--device", "cpu"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1
    assert "analysis run 1 failed: RuntimeError: the sentiment model broke" in error[0]
    assert "reviewlens analyze` again" in error[0]


def test_the_command_names_the_skipped_reviews_and_exits_0(db_path, monkeypatch):
    make_store(db_path, review_rows(GOOD + NEW[2:]))
    monkeypatch.setattr(pipeline, "load_models", lambda db, device="auto", sentiment_model=None: booming())
    result = CliRunner().invoke(cli, ["--db", db_path, "analyze", "--quiet", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    boom = review_id_of(db_path, "BOOM the lid is bad.")
    assert f"review {boom} skipped" in result.output
    assert "analysis run 1 partial" in result.output and "1 failed" in result.output


# --- reviews a stage always fails on, and a stage broken on everything: the canary decides -------

TWO_BAD = ([("p5", 3, f"2024-09-0{i}", f"Review {i} the lid is fine.") for i in range(1, 9)]
           + [("p4", 1, "2024-09-10", "BOOM the lid is bad."), ("p4", 1, "2024-09-11", "BOOM the cable is bad.")])


def test_two_reviews_a_stage_always_fails_on_do_not_fail_every_later_run(db_path):
    make_store(db_path, review_rows(GOOD))
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"
    make_store(db_path, review_rows(TWO_BAD, start=100))
    second = run_analysis(db_path, models=booming(), progress=False, log=lambda line: None)
    assert second["status"] == "partial" and second["counts"]["skipped_error"] == 2
    # nothing new: only the two failed reviews are read again, a batch of their own that fails
    # on every review; the stage still reads an ordinary review, so they are skipped again
    lines = []
    third = run_analysis(db_path, models=booming(), progress=False, log=lines.append)
    assert third["status"] == "partial"
    assert third["counts"]["reviews"] == 2 and third["counts"]["skipped_error"] == 2
    assert len(lines) == 2 and all("BOOM" in line for line in lines)
    bad = {review_id_of(db_path, "BOOM the lid is bad."), review_id_of(db_path, "BOOM the cable is bad.")}
    assert {r[0] for r in store.query(db_path, "SELECT review_id FROM review_analysis "
                                      "WHERE skipped_reason = 'error'").rows} == bad
    # the store-wide steps ran in run 3
    assert "product_insights" in third["counts"] and third["durations"].get("write_results", -1) >= 0
    assert store.query(db_path, "SELECT DISTINCT run_id FROM product_insights").rows == [(third["run_id"],)]
    assert store.query(db_path, "SELECT status FROM analysis_runs WHERE run_id = ?",
                       [third["run_id"]]).scalar() == "partial"
    # the known-good review that decided it left nothing in the store
    for table in ("review_analysis", "sentences", "aspect_mentions", "needs"):
        assert store.query(db_path, f"SELECT count(*) FROM {table} WHERE review_id = ?",
                           [pipeline.CANARY["review_id"]]).scalar() == 0
    assert store.query(db_path, "SELECT count(*) FROM sentence_embeddings WHERE sentence_id LIKE ?",
                       [pipeline.CANARY["review_id"] + "%"]).scalar() == 0
    # and a fixed model reads them at last
    assert run_analysis(db_path, models=fake_models(), progress=False)["status"] == "ok"


def test_a_stage_broken_on_the_one_review_of_a_run_fails_the_run(db_path):
    make_store(db_path, review_rows(GOOD))
    run_analysis(db_path, models=fake_models(), progress=False)
    make_store(db_path, review_rows(NEW[:1], start=100))
    lines = []
    with pytest.raises(RuntimeError, match="sentiment model broke"):
        run_analysis(db_path, models=dataclasses.replace(fake_models(), sentiment=Broken()), progress=False,
                     log=lines.append)
    assert lines == []
    assert store.query(db_path, "SELECT count(*) FROM review_analysis WHERE skipped_reason = 'error'").scalar() == 0


def test_the_canary_has_the_keys_of_a_read_review_and_leaves_nothing_kept(db_path):
    make_store(db_path, review_rows(GOOD[:1]))
    review = pipeline.read_reviews(db_path, [store.query(db_path, "SELECT review_id FROM reviews").scalar()])[0]
    assert set(pipeline.CANARY) == set(review)
    worker = pipeline.Worker(fake_models(), run_id=1)
    forgot = []
    worker.forget_kept = lambda: forgot.append(True)
    assert pipeline.stage_works(worker, pipeline.RunState(1).timed) and forgot
    assert not pipeline.stage_works(pipeline.Worker(dataclasses.replace(fake_models(), sentiment=Broken()), 1),
                                    pipeline.RunState(1).timed)


# --- a stop (SIGTERM in a job, Ctrl+C) is never retried review by review --------------------------

class StopOnSecondCall(FakeSentiment):
    def __init__(self, stop):
        super().__init__()
        self.stop, self.calls = stop, 0

    def predict(self, texts, batch_size=None):
        self.calls += 1
        if self.calls == 2:
            raise self.stop("stopped by signal 15")
        return super().predict(texts, batch_size)


@pytest.mark.parametrize("where", ["batch", "single-review retry"])
def test_a_stop_inside_a_stage_ends_the_run_and_blames_no_review(db_path, where):
    from analysis.jobs.runner import JobStopped

    make_store(db_path, review_rows(GOOD + NEW))
    sentiment = StopOnSecondCall(JobStopped)
    # "batch": the stop comes in the 2nd batch; "retry": the one batch fails on BOOM, the stop
    # comes while its first review is read again alone
    models = dataclasses.replace(booming() if where != "batch" else fake_models(), sentiment=sentiment)
    with pytest.raises(JobStopped):
        run_analysis(db_path, models=models, progress=False, batch_size=7 if where != "batch" else 2,
                     log=lambda line: None)
    assert sentiment.calls == 2
    assert store.query(db_path, "SELECT count(*) FROM review_analysis WHERE skipped_reason = 'error'").scalar() == 0
    assert store.query(db_path, "SELECT status FROM analysis_runs").rows == [("failed",)]


class StoppedPool(InlinePool):
    """A worker's batch ends with a stop (a worker told to stop hands it back as its error)."""

    def analyse(self, reviews, run_id) -> Future:
        from analysis.jobs.runner import JobStopped

        future = Future()
        future.set_exception(JobStopped("stopped by signal 15"))
        return future


def test_a_stop_handed_back_by_a_pool_worker_is_not_retried_here(db_path):
    from analysis.jobs.runner import JobStopped

    make_store(db_path, review_rows(GOOD))
    lines = []
    with pytest.raises(JobStopped):
        run_analysis(db_path, models=fake_models(), progress=False, pool=StoppedPool(fake_models()),
                     log=lines.append)
    assert lines == [] and store.query(db_path, "SELECT count(*) FROM review_analysis").scalar() == 0


def test_a_review_replaced_while_its_batch_is_read_leaves_no_rows_behind(db_path, monkeypatch):
    # A crawl takes no job lock: it can store an edited review (its earlier version leaves
    # `reviews`, data.store.supersede_edited) while the job analyses that earlier version. The
    # rows written for it must not reach the themes and findings, nor count as analysed.
    from analysis import pipeline
    from dashboard import queries

    make_store(db_path, review_rows(GOOD))
    gone = review_id_of(db_path, GOOD[0][3])
    read = pipeline.read_reviews

    def read_then_replace(db, ids):
        rows = read(db, ids)
        if gone in ids:  # what supersede_edited does to the earlier version
            with store.writer(db) as con:
                con.execute("DELETE FROM reviews WHERE review_id = ?", [gone]).fetchall()
        return rows

    monkeypatch.setattr(pipeline, "read_reviews", read_then_replace)
    summary = run_analysis(db_path, models=fake_models(), progress=False, batch_size=1)
    assert summary["status"] == "ok" and summary["counts"]["reviews_analysed"] == len(GOOD)
    for table in ("review_analysis", "sentences", "aspect_mentions", "needs"):
        left = store.query(db_path, f"SELECT count(*) FROM {table} WHERE review_id = ?", [gone]).scalar()
        assert left == 0, table
    assert store.query(db_path, "SELECT count(*) FROM sentence_embeddings WHERE sentence_id NOT IN "
                                "(SELECT sentence_id FROM sentences)").scalar() == 0
    insights = store.query(db_path, "SELECT count(*) FROM product_insights").scalar()
    assert insights > 0 and store.query(db_path, "SELECT count(*) FROM product_insights WHERE "
                                                 "CAST(quotes AS VARCHAR) LIKE ?", [f"%{gone}%"]).scalar() == 0
    assert queries.store_state(db_path, 0.0)["analysed"] == len(GOOD) - 1
