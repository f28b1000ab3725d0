"""Themes: BERTopic over precomputed embeddings, reproducible, outliers reduced, readable labels."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from analysis.themes import MIN_SENTENCES, UMAP_FROM, build_themes, find_themes, label

GROUPS = {
    "battery": ["The battery dies after {} hours.", "Battery drains in {} hours flat.", "The battery is dead after {} days."],
    "lid": ["The lid sticks after {} uses.", "The lid broke after {} days.", "Lid will not close after {} weeks."],
    "shipping": ["Shipping took {} weeks.", "Delivery was {} days late.", "The parcel arrived {} days late."],
}


def blobs(per_group: int, seed: int = 0, spread: float = 0.15):
    """Sentences of three clear groups with embeddings around three distant centres."""
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 24, dtype=np.float32) * 3
    texts, vectors, truth = [], [], []
    for g, (name, patterns) in enumerate(GROUPS.items()):
        for i in range(per_group):
            texts.append(patterns[i % 3].format(i + 2))
            vectors.append(centres[g] + rng.normal(0, spread, 24))
            truth.append(name)
    vectors = np.array(vectors, dtype=np.float32)
    return texts, vectors / np.linalg.norm(vectors, axis=1, keepdims=True), truth


def as_groups(themes, truth):
    return sorted(sorted(Counter(truth[i] for i in t.members).items()) for t in themes)


def test_small_sets_use_pca_and_kmeans_and_find_the_groups():
    texts, vectors, truth = blobs(6)
    themes = find_themes(texts, vectors, seed=0)
    assert as_groups(themes, truth) == [[("battery", 6)], [("lid", 6)], [("shipping", 6)]]
    by_group = {truth[t.members[0]]: t for t in themes}
    assert "battery" in by_group["battery"].keywords
    assert "lid" in by_group["lid"].keywords
    for t in themes:
        assert 1 <= len(t.representatives) <= 3 and set(t.representatives) <= set(t.members)


def test_clustering_runs_on_one_thread_and_the_pools_are_given_back(monkeypatch):
    """A theme's few hundred points are too little to share between threads; on a busy machine
    a second thread made each KMeans step wait for a core (analysis.models.one_thread)."""
    import torch
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_info

    from analysis.models import one_thread

    seen = []
    real_fit = KMeans.fit
    monkeypatch.setattr(KMeans, "fit", lambda self, *a, **k: seen.append(
        {pool["num_threads"] for pool in threadpool_info()}) or real_fit(self, *a, **k))
    texts, vectors, _ = blobs(6)
    torch_threads, pools = torch.get_num_threads(), [p["num_threads"] for p in threadpool_info()]
    assert find_themes(texts, vectors, seed=0)
    assert seen and all(threads == {1} for threads in seen)
    with pytest.raises(ValueError), one_thread():
        raise ValueError("a failing step")
    assert torch.get_num_threads() == torch_threads and [p["num_threads"] for p in threadpool_info()] == pools


def test_the_thread_pools_are_looked_up_again_only_after_an_import(tmp_path, monkeypatch):
    """Finding the BLAS / OpenMP libraries scans every loaded library (18 ms); one_thread keeps
    what it found until a module is imported, since a new library only comes with an import."""
    import importlib

    from analysis import models

    first = models._pools()
    assert models._pools() is first
    (tmp_path / "reviewlens_fresh_module.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("reviewlens_fresh_module")
    assert models._pools() is not first


def test_themes_are_reproducible_with_a_seed():
    texts, vectors, _ = blobs(8, spread=0.5)
    first = find_themes(texts, vectors, seed=3)
    second = find_themes(texts, vectors, seed=3)
    assert [(t.members, t.keywords, t.representatives) for t in first] == \
           [(t.members, t.keywords, t.representatives) for t in second]


def test_tiny_inputs_give_no_themes_instead_of_breaking():
    texts, vectors, _ = blobs(1)
    assert len(texts) < MIN_SENTENCES and find_themes(texts, vectors) == []
    assert find_themes([], np.zeros((0, 24), dtype=np.float32)) == []
    five = ["Too loud.", "Way too loud.", "So loud.", "The the the.", "It is it."]   # stop words only, too
    found = find_themes(five, blobs(2)[1][:5], seed=0)
    assert sum(len(t.members) for t in found) == 5


@pytest.mark.slow
def test_large_sets_use_umap_and_hdbscan_reproducibly_with_outliers_reduced():
    texts, vectors, truth = blobs(UMAP_FROM // 3 + 10, spread=0.25)
    assert len(texts) >= UMAP_FROM
    first = find_themes(texts, vectors, seed=0)
    second = find_themes(texts, vectors, seed=0)
    assert [t.members for t in first] == [t.members for t in second]
    # every sentence is in a theme (no -1 outlier topic left) and themes do not mix groups
    assert sorted(i for t in first for i in t.members) == list(range(len(texts)))
    for t in first:
        assert len({truth[i] for i in t.members}) == 1


@pytest.mark.slow
def test_a_scope_over_the_fitting_cap_is_clustered_on_a_seeded_sample_that_the_rest_joins(monkeypatch):
    """A large scope's UMAP and HDBSCAN see FIT_AT_MOST sentences; every other sentence joins
    the theme of its nearest clustered ones, and keywords and quotes read every member."""
    import analysis.themes as themes

    texts, vectors, truth = blobs(200, spread=0.25)           # 600 sentences
    monkeypatch.setattr(themes, "FIT_AT_MOST", 400)
    clustered = []
    real_parts = themes._parts
    monkeypatch.setattr(themes, "_parts", lambda emb, *a, **k: clustered.append(len(emb)) or real_parts(emb, *a, **k))
    first = themes.find_themes(texts, vectors, seed=0)
    assert clustered == [400]
    assert sorted(i for t in first for i in t.members) == list(range(600))
    assert as_groups(first, truth) and all(len(group) == 1 for group in as_groups(first, truth))
    sampled = set(themes.fitted_rows(vectors, 0).tolist())
    joined = [i for t in first for i in t.members if i not in sampled]
    assert len(joined) == 200
    for t in first:
        assert set(t.representatives) <= set(t.members)
        assert truth[t.members[0]] in " ".join(t.keywords) or truth[t.members[0]] == "shipping"
    assert [(t.members, t.keywords, t.representatives) for t in themes.find_themes(texts, vectors, seed=0)] == \
           [(t.members, t.keywords, t.representatives) for t in first]
    assert themes.fitted_rows(vectors, 1).tolist() != themes.fitted_rows(vectors, 0).tolist()


def test_one_sentence_written_many_times_is_one_theme():
    """The PCA of copies of one vector leaves rounding noise, which the silhouette once split
    into 2 themes of 12 copies and 3 of 40 (the same text in each): copies are one theme."""
    from pipeline_fakes import FakeEncoder

    for copies in (12, 40):
        texts = ["Stopped working after a week."] * copies
        found = find_themes(texts, FakeEncoder().encode(texts), seed=0)
        assert [sorted(t.members) for t in found] == [list(range(copies))]
    # two sentences, each written 8 times: two themes, never more
    texts = ["Stopped working after a week."] * 8 + ["The lid leaks water."] * 8
    found = find_themes(texts, FakeEncoder().encode(texts), seed=0)
    assert sorted(sorted({texts[i] for i in t.members}) for t in found) == [
        ["Stopped working after a week."], ["The lid leaks water."]]


def test_the_cluster_count_is_at_most_the_distinct_vectors():
    from analysis.themes import _cluster_count, distinct_rows

    rng = np.random.default_rng(0)
    three = rng.normal(size=(3, 8)).astype(np.float32)
    vectors = three[[0, 1, 2] * 10]                  # 30 rows, 3 distinct
    assert distinct_rows(vectors) == 3 and distinct_rows(vectors[:0]) == 0
    assert _cluster_count(vectors, seed=0) <= 3
    assert _cluster_count(np.repeat(three[:1], 20, axis=0), seed=0) == 1


def test_copies_beyond_the_neighbourhood_are_not_clustered_but_join_their_copies_theme():
    """A need phrase written 100 times is clustered as COPIES copies (more would only repeat a
    full neighbourhood and cost layout time); the other copies join the theme of theirs."""
    import analysis.themes as themes

    texts, vectors, truth = blobs(110, spread=0.25)           # 330 distinct sentences
    copies = [0] * 100 + [110] * 60                            # a battery and a lid sentence, many times
    texts = texts + [texts[i] for i in copies]
    vectors = np.vstack([vectors, vectors[copies]])
    truth = truth + [truth[i] for i in copies]
    rows = themes.fitted_rows(vectors, seed=0)
    assert len(rows) == 330 + 2 * (themes.COPIES - 1)          # each vector at most COPIES times
    assert rows.tolist() == sorted(rows.tolist()) and set(range(330)) <= set(rows.tolist())
    found = themes.find_themes(texts, vectors, seed=0)
    topic = {i: t.topic for t in found for i in t.members}
    assert len(topic) == len(texts)
    assert {topic[i] for i in [0] + list(range(330, 430))} == {topic[0]}
    assert {topic[i] for i in [110] + list(range(430, 490))} == {topic[110]}
    assert all(len({truth[i] for i in t.members}) == 1 for t in found)


def test_join_nearest_votes_by_similarity_and_ties_go_to_the_lower_topic():
    from analysis.themes import join_nearest

    fitted = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    assert join_nearest(np.array([[0.6, 0.8]], dtype=np.float32), fitted, [5, 5, 2], k=3) == [5]   # 1.2 > 0.8
    assert join_nearest(np.array([[0.6, 0.8]], dtype=np.float32), fitted, [5, 5, 2], k=1) == [2]
    assert join_nearest(np.array([[1, 1]], dtype=np.float32) / np.sqrt(2), fitted[1:], [9, 3], k=2) == [3]


def test_hdbscan_may_not_take_more_than_half_of_a_scope_as_one_theme():
    """HDBSCAN's excess-of-mass choice sometimes took one cluster of nearly everything (3 of 10
    seeds on 2,465 public restaurant sentences); a cluster of over half the scope is not chosen."""
    from analysis.themes import _parts

    _, clusterer = _parts(blobs(120)[1], seed=0)
    assert clusterer.max_cluster_size == 180 and clusterer.cluster_selection_method == "eom"


def test_build_themes_writes_store_and_category_scopes_with_labels():
    texts, vectors, truth = blobs(6)
    rows = [{"sentence_id": f"r{i}:0", "text": t, "category": "Kitchen" if g != "battery" else "Phones",
             "aspects": [g] if g != "shipping" else []} for i, (t, g) in enumerate(zip(texts, truth))]
    themes, members = build_themes(rows, vectors, "complaint", run_id=9, seed=0)
    scopes = Counter(t["scope"] for t in themes)
    assert scopes["all"] == 3 and scopes["category:Kitchen"] >= 2
    for theme in themes:
        assert theme["theme_id"].startswith(f"{theme['scope']}:complaint:")
        assert theme["run_id"] == 9 and theme["size"] == sum(m["theme_id"] == theme["theme_id"] for m in members)
    store_wide = {t["aspect"]: t for t in themes if t["scope"] == "all"}
    assert set(store_wide) == {"battery", "lid", None}
    assert store_wide["battery"]["label"].startswith("battery: ")
    reps = Counter(m["theme_id"] for m in members if m["is_representative"])
    assert all(1 <= n <= 3 for n in reps.values())


def test_label_reads_aspect_then_keywords():
    assert label(["late", "weeks"], Counter()) == ("late, weeks", None)
    assert label(["lid", "sticks", "opens", "close"], Counter({"lid": 3, "hinge": 3})) == (
        "hinge: lid, sticks, opens", "hinge")
    # a phrase and its own words are said once: "old, cheap old, cheap" read as a stutter
    assert label(["old", "cheap old", "old cheap", "cheap", "rusty", "thin"], Counter()) == (
        "cheap old, rusty, thin", None)
    assert label(["mixed feelings", "feelings mixed"], Counter()) == ("mixed feelings", None)
    assert label(["speed", "charging speed", "charge"], Counter({"charging": 5}), size=10) == (
        "charging: charging speed, charge", "charging")


@pytest.mark.slow
def test_themes_of_real_review_sentences_are_the_same_every_time(tmp_path):
    """Real templated review sentences repeat word for word, so their neighbour graph falls into
    many pieces. UMAP's spectral start laid such a graph out differently from one call to the
    next (its eigenvectors follow BLAS rounding), and so did every theme; the layout now starts
    from the vectors' principal components."""
    import re

    from analysis.embeddings import load_encoder
    from crawler.demo_shop.shop import generate, load_manifest

    reviews = load_manifest(generate(tmp_path, seed=0, reviews_per_product=(120, 120)))
    texts = [s for r in reviews if r["rating"] <= 2 for s in re.split(r"(?<=[.!?])\s+", r["body"]) if s]
    assert len(texts) >= UMAP_FROM
    vectors = load_encoder("cpu").encode(texts)
    runs = [[(t.members, t.keywords, t.representatives) for t in find_themes(texts, vectors, seed=0)]
            for _ in range(4)]
    assert len(runs[0]) >= 3 and all(run == runs[0] for run in runs)


def test_keywords_name_the_matter_not_the_words_every_review_uses():
    from analysis.themes import REVIEW_WORDS

    texts, vectors, truth = blobs(8)
    filler = {"battery": "Honestly there's no way {}, I really wish it did.",
              "lid": "I wish the lid didn't stick, lid lid, avoid avoid. {}",
              "shipping": "Definitely would not buy again: {}"}
    texts = [filler[g].format(t) for t, g in zip(texts, truth)]
    themes = find_themes(texts, vectors, seed=0)
    assert as_groups(themes, truth) == [[("battery", 8)], [("lid", 8)], [("shipping", 8)]]
    words = {w for t in themes for keyword in t.keywords for w in keyword.split()}
    assert words and not words & REVIEW_WORDS
    assert not any(len(set(k.split())) < len(k.split()) for t in themes for k in t.keywords)
    by_group = {truth[t.members[0]]: t.keywords for t in themes}
    assert "battery" in by_group["battery"] and "lid" in by_group["lid"]


def test_a_theme_is_named_after_an_aspect_only_when_many_of_its_sentences_mention_it():
    assert label(["lid", "sticks"], Counter({"lid": 5}), size=20) == ("lid: sticks", "lid")
    assert label(["carafe", "tamper"], Counter({"groundsheet": 4, "carafe": 3}), size=40) == \
        ("carafe, tamper", None)
    texts, vectors, truth = blobs(6)
    rows = [{"sentence_id": f"r{i}:0", "text": t, "category": None,
             "aspects": ["strap"] if i == 0 else []} for i, t in enumerate(texts)]
    themes, _ = build_themes(rows, vectors, "complaint", run_id=1, seed=0)
    assert themes and all(t["aspect"] is None and not t["label"].startswith("strap") for t in themes)


def test_a_bare_verdict_names_no_topic_and_a_complaint_about_something_does():
    from analysis.themes import names_a_topic

    verdicts = ["Avoid.", "Would not recommend.", "Not worth it.", "Returning it.", "Really disappointed overall.",
                "Waste of money.", "Definitely not buying this brand again.", "Not bad, not great.", "Meh."]
    topics = ["Stopped working after a week.", "I regret buying it because of the price.", "Arrived damaged.",
              "Too loud.", "Not worth it, the lid leaks.", "Terrible customer service."]
    assert [t for t in verdicts if names_a_topic(t)] == []
    assert [t for t in topics if not names_a_topic(t)] == []


def test_a_need_theme_is_named_after_the_needs_its_sentences_ask_for():
    """A need theme reads "programmable timer / set it to brew before I wake up", not its keywords
    ("set brew, brew wake"); a theme whose sentences ask for many things keeps its keywords."""
    from analysis.themes import need_label

    texts, vectors, truth = blobs(6)
    names = {"battery": "longer battery life", "lid": "lid that locks", "shipping": "gift wrapping"}
    rows = [{"sentence_id": f"r{i}:0", "text": t, "category": "Kitchen", "aspects": [],
             "needs": [names[g]]} for i, (t, g) in enumerate(zip(texts, truth))]
    themes, _ = build_themes(rows, vectors, "need", run_id=1, seed=0)
    assert {t["label"] for t in themes if t["scope"] == "all"} == set(names.values())
    assert need_label(Counter({"programmable timer": 17, "set it to brew before I wake up": 6}), 24) == \
        "programmable timer / set it to brew before I wake up"
    assert need_label(Counter({"timer": 2, "lid": 2}), 40) is None


def test_exact_neighbours_in_row_blocks_match_one_stable_sort_ties_included():
    """Above one block (4,096 rows) the neighbours come a block at a time; repeated sentences give
    exact ties, which must still go to the lower row, as the one-block stable sort does."""
    from analysis.themes import exact_neighbours

    rng = np.random.default_rng(0)
    x = rng.normal(size=(900, 16)).astype("float32")
    x = np.concatenate([x, x[:200], x[:20], x[:20]])        # rows repeated up to three times
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    whole = exact_neighbours(x, 15)
    blocks = exact_neighbours(x, 15, chunk=256)
    assert np.array_equal(whole[0], blocks[0]) and np.array_equal(whole[1], blocks[1])
    assert whole[0][905].tolist()[:2] == [5, 905]           # a repeat: the first copy, then itself
    assert (whole[0][:, 0] == np.arange(len(x)))[:900].all()  # rows without a repeat: itself first


def test_the_layout_that_releases_the_interpreter_gives_umaps_own_numbers(monkeypatch):
    """The nogil copy of UMAP's epoch function is the same code with the same flags: the same
    layout to the last bit as UMAP's own compiled function."""
    from umap import UMAP, layouts

    from analysis.themes import _layout_releases_the_interpreter

    assert _layout_releases_the_interpreter()
    _, vectors, _ = blobs(120)
    ours = UMAP(n_neighbors=15, n_components=5, n_epochs=30, init="pca", random_state=0).fit_transform(vectors)
    monkeypatch.setattr(layouts, "_get_optimize_layout_euclidean_single_epoch_fn",
                        lambda parallel=False: layouts._nb_optimize_layout_euclidean_single_epoch)
    theirs = UMAP(n_neighbors=15, n_components=5, n_epochs=30, init="pca", random_state=0).fit_transform(vectors)
    assert np.array_equal(ours, theirs)


def test_scopes_on_threads_give_the_themes_they_give_one_after_another(monkeypatch):
    """build_themes clusters the store and each category on as many threads as there are cores;
    the rows are the same as with one core, in the same order (a scope too small for themes,
    here one sentence of tools, gives none and costs the others nothing)."""
    import os

    texts, vectors, _ = blobs(320)          # 960 sentences, 320 per category: UMAP in every scope
    categories = ["Kitchen", "Audio", "Garden"]
    rows = [{"sentence_id": f"s{i}", "text": t, "category": categories[i % 3], "aspects": []}
            for i, t in enumerate(texts)]
    rows.append({"sentence_id": "lonely", "text": "The hinge squeaks.", "category": "Tools", "aspects": []})
    vectors = np.vstack([vectors, vectors[:1]])
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    alone = build_themes(rows, vectors, "complaint", run_id=1)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    threads = build_themes(rows, vectors, "complaint", run_id=1)
    assert alone == threads
    assert {r["scope"] for r in alone[0]} == {"all", "category:Kitchen", "category:Audio", "category:Garden"}


def test_large_scopes_get_their_neighbours_first_and_the_same_themes(monkeypatch):
    """On a machine of many cores the largest scopes' exact neighbours are found before the pool
    (every core for the products), not on the scope's own thread: the same theme rows."""
    import threading

    import analysis.themes as themes

    texts, vectors, _ = blobs(320)
    categories = ["Kitchen", "Audio", "Garden"]
    rows = [{"sentence_id": f"s{i}", "text": t, "category": categories[i % 3], "aspects": []}
            for i, t in enumerate(texts)]
    where = []
    real = themes.exact_neighbours
    monkeypatch.setattr(themes, "exact_neighbours",
                        lambda *a, **k: where.append(threading.current_thread().name) or real(*a, **k))
    monkeypatch.setattr(themes, "NEIGHBOURS_FIRST_FROM", 500)     # the store scope (960), not a category (320)
    later = themes.build_themes_of([("complaint", rows, vectors)], run_id=1, neighbours_first=False)
    assert len(where) == 4 and all(name.startswith("themes") for name in where)
    where.clear()
    first = themes.build_themes_of([("complaint", rows, vectors)], run_id=1, neighbours_first=True)
    assert where.count(threading.current_thread().name) == 1 and len(where) == 4
    assert first == later
    # a store scope over the fitting cap: its neighbours first are those of its sample
    monkeypatch.setattr(themes, "FIT_AT_MOST", 600)
    where.clear()
    sampled = themes.build_themes_of([("complaint", rows, vectors)], run_id=1, neighbours_first=True)
    assert where.count(threading.current_thread().name) == 1
    assert sampled == themes.build_themes_of([("complaint", rows, vectors)], run_id=1, neighbours_first=False)


def test_exact_neighbours_are_a_stable_sort_of_each_rows_distances():
    from analysis.themes import _GRID, exact_neighbours

    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 8))
    x = np.concatenate([x, x[:10], x[:3]]).astype("float32")      # repeats: exact ties
    found, _ = exact_neighbours(x, 6, chunk=16)
    y = x.astype(np.float64)
    for r in range(len(x)):
        d = np.rint(np.maximum(((y - y[r]) ** 2).sum(axis=1), 0.0) * _GRID)
        d[r] = 0.0
        assert found[r].tolist() == np.argsort(d, kind="stable")[:6].tolist(), r


def test_themes_on_threads_print_no_library_warnings():
    """BERTopic's import switches UserWarnings off for the process; imported first on a thread
    (or inside saved-and-restored filters) that was undone and every scope printed UMAP's
    "n_jobs value ... overridden" to the merchant's terminal. A fresh process, as a job is."""
    import subprocess
    import sys

    script = """
import os
import numpy as np
os.cpu_count = lambda: 4
from analysis.themes import build_themes
rng = np.random.default_rng(0)
vectors = rng.normal(size=(1200, 24)).astype("float32")
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
rows = [{"sentence_id": f"s{i}", "text": f"the lid number {i} sticks", "category": "ABC"[i % 3], "aspects": []}
        for i in range(1200)]
for kind in ("complaint", "need"):   # as the job does: the second call printed them
    themes, _ = build_themes(rows, vectors, kind, 1)
print(len({t["scope"] for t in themes}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"
    assert "Warning" not in done.stderr, done.stderr


def test_theme_keywords_are_read_with_spelling_slips_corrected():
    """A slip many reviews share ("batery") would name a theme; with the job's speller the
    keywords read the words as meant, while the themes' members stay the same (they come from
    the vectors) and the stored sentences keep their own text."""
    from analysis.spelling import Speller

    texts, vectors, _ = blobs(60)
    texts = [t.replace("battery", "batery").replace("Battery", "Batery") for t in texts]
    rows = [{"sentence_id": f"s{i}", "text": t, "category": None, "aspects": []} for i, t in enumerate(texts)]
    speller = Speller(["the", "battery", "lid", "shipping", "dies", "after", "hours", "drains", "in", "flat",
                       "is", "dead", "days", "sticks", "uses", "broke", "will", "not", "close", "weeks",
                       "took", "delivery", "was", "late", "parcel", "arrived"])
    plain, plain_members = build_themes(rows, vectors, "complaint", run_id=1)
    read, read_members = build_themes(rows, vectors, "complaint", run_id=1, speller=speller)
    assert any("batery" in t["keywords"] for t in plain)
    assert not any("batery" in t["keywords"] for t in read)
    assert any("battery" in t["keywords"] for t in read)
    assert plain_members == read_members


@pytest.mark.slow
def test_a_new_process_loads_umaps_compiled_code_instead_of_compiling_it(tmp_path):
    """The first themes of a process compiled UMAP's numba code again every run (8 s on the
    build machine); numba now keeps it on disk (here in NUMBA_CACHE_DIR), and a second process
    loads the layout and the neighbour-graph functions from there instead of compiling them
    (a few tiny helpers that UMAP compiles on import, before the job can ask, still compile)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = """
import json, numpy as np
from umap import layouts, umap_
from analysis.themes import find_themes
rng = np.random.default_rng(0)
centres = np.eye(3, 24) * 3
vectors = np.vstack([c + rng.normal(0, 0.2, (110, 24)) for c in centres]).astype("float32")
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
themes = find_themes([f"word{i % 3} thing{i}" for i in range(330)], vectors, seed=0)
used = {"layout": layouts._get_optimize_layout_euclidean_single_epoch_fn(False),
        "smooth_knn_dist": umap_.smooth_knn_dist, "membership": umap_.compute_membership_strengths}
print(json.dumps({"themes": len(themes), **{name: [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]
                                             for name, d in used.items()}}))
"""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    root = Path(__file__).resolve().parents[1]
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert first["themes"] == second["themes"] >= 2
    for name in ("layout", "smooth_knn_dist", "membership"):
        assert first[name] == [0, 1], (name, first)       # compiled (a miss), and written
        assert second[name] == [1, 0], (name, second)     # loaded (a hit), nothing compiled
    assert any((tmp_path / "numba").rglob("*.nbi"))
