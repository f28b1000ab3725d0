"""Themes: BERTopic over complaint sentences and over need sentences, from stored embeddings.

Reproducible by construction: the sentences come in a fixed order, UMAP gets ``random_state``
and KMeans a seed. BERTopic's default UMAP + HDBSCAN needs a few hundred sentences to form
clusters (it fails or puts everything in the outlier topic on tiny inputs), so a small set is
reduced with PCA and clustered with KMeans instead; a large one keeps UMAP + HDBSCAN and its
outliers are then assigned to the nearest theme (``reduce_outliers`` on the embeddings).

Labels read like "battery: dies, charge, hours": the aspect most mentioned by the theme's
sentences, then its top c-TF-IDF keywords. Representative sentences are the ones closest to
the theme's centre.

Example::

    from analysis.themes import find_themes
    themes = find_themes(texts, vectors, seed=0)
    [(t.keywords[:3], len(t.members)) for t in themes]
"""
from __future__ import annotations

import functools
import math
import os
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np

MIN_SENTENCES = 5          # fewer complaint (or need) sentences than this make no themes
UMAP_FROM = 300            # from this many sentences on, UMAP + HDBSCAN; below, PCA + KMeans
EXACT_NEIGHBOURS_UP_TO = 20_000   # UMAP gets exact neighbours up to here (20,000 points: ~10 s on 2 cores)
REPRESENTATIVES = 3
NEIGHBOURS = 15            # UMAP's n_neighbors
# build_themes_of finds the neighbours of scopes this large first, with every core for the
# products, on machines of this many cores (on 2 the pool keeps both busy anyway)
NEIGHBOURS_FIRST_FROM = 2_000
NEIGHBOURS_FIRST_CORES = 4
ASPECT_SHARE = 0.25        # a theme is named after an aspect that a quarter of its sentences mention
# A scope of more sentences than this is clustered on a seeded sample of this many; every other
# sentence then joins the theme its nearest sampled sentences are in (:func:`join_nearest`).
# UMAP's layout and the neighbour search grow with the sentences clustered; this keeps a large
# store's themes to a few seconds. FIT_AT_MOST: see the README (themes) for what it was measured at.
FIT_AT_MOST = 2_000
COPIES = 15                # copies of one vector that are clustered (fitted_rows); = NEIGHBOURS


@dataclass
class Theme:
    """One theme: its topic number, keywords and the indexes of its sentences (input order)."""
    topic: int
    keywords: list[str]
    members: list[int]
    representatives: list[int]


def _cluster_count(embeddings: np.ndarray, seed: int) -> int:
    """The KMeans cluster count (2 .. ~sqrt(2n), at most 12, at most the distinct vectors) with
    the best silhouette, judged on the same PCA reduction the clustering sees; 1 when every
    vector is the same.

    One sentence written many times is one theme: the PCA of copies leaves rounding noise, which
    the silhouette split into 2 or 3 themes of the same text.

    Example::

        >>> _cluster_count(np.ones((12, 4), dtype="float32"), 0)
        1
    """
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score

    n, dims = embeddings.shape
    distinct = distinct_rows(embeddings)
    if distinct == 1:
        return 1
    embeddings = PCA(n_components=max(1, min(5, n - 1, dims)), svd_solver="randomized",
                     random_state=seed).fit_transform(embeddings)
    best, best_score = 2, -2.0
    for k in range(2, max(2, min(12, n // 2, round(math.sqrt(2 * n)), distinct)) + 1):
        labels = KMeans(n_clusters=k, random_state=seed, n_init=3).fit_predict(embeddings)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(embeddings, labels)
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best


def _parts(embeddings: np.ndarray, seed: int, neighbours=None):
    n, dims = embeddings.shape
    if n < UMAP_FROM:
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA

        clusters = _cluster_count(embeddings, seed)
        return (PCA(n_components=max(1, min(5, n - 1, dims)), svd_solver="randomized", random_state=seed),
                KMeans(n_clusters=clusters, random_state=seed, n_init=10))
    from hdbscan import HDBSCAN
    from umap import UMAP

    _layout_releases_the_interpreter()   # scopes on other threads go on during the layout (in_parallel)
    _keep_compiled_code()                # a new process loads UMAP's compiled code instead of compiling it

    # 100 layout epochs (UMAP's own choice: 500 below 10k points, 200 above): the layout only
    # feeds a density clusterer, and it is the job's costliest store-wide step. Measured against
    # 200 (normalised mutual information with the true topic; same code otherwise): public
    # restaurant sentences against their annotated categories, seeds 0-2, negative 0.446 -> 0.468,
    # positive 0.342 -> 0.360; the complaints of 12,000 demo reviews against their planted
    # aspects, store-wide 0.683 -> 0.696 (categories 0.657-0.759 -> 0.646-0.742). The layout's
    # time is proportional to the epochs (those complaints' themes: 13.0 s at 100 epochs, 32.9 s
    # at 200 in a first run that also paid the one-time compile).
    # the vectors are unit length, so euclidean ranks neighbours as cosine does. UMAP's own
    # neighbour search is slow both ways: below 4,096 points it calls its distance function from
    # Python for every pair (1,283 sentences: 1.5 s); above, it runs NNDescent, whose numba code
    # compiles in every new process (77 s of the 100 s themes stage on 12,000 demo reviews, 8,142
    # complaint sentences, 2 cores). The exact neighbours from matrix products are the same
    # neighbours (distances equal to 1e-7) in seconds, up to EXACT_NEIGHBOURS_UP_TO points.
    if neighbours is None:
        neighbours = exact_neighbours(embeddings, NEIGHBOURS) if n <= EXACT_NEIGHBOURS_UP_TO else (None, None, None)
    # The layout starts from the vectors' principal components, not from UMAP's spectral start:
    # repeated sentences split the neighbour graph into pieces, whose eigenvectors followed BLAS
    # rounding, so the same sentences got different themes from one call to the next. From the
    # principal components the themes are the same every time. A start drawn from the seed was
    # as deterministic, but on the 2,613 complaint sentences of the demo store it left one theme
    # of 951 sentences with the default seed (NMI against the shop's true aspects 0.43; PCA
    # 0.60-0.61 over 3 seeds, spectral 0.61); public restaurant sentences against their
    # annotated categories, 5 seeds, spectral / PCA: negative 0.458 / 0.442, positive 0.352 / 0.350.
    return (UMAP(n_neighbors=NEIGHBOURS, n_components=5, min_dist=0.0, metric="euclidean", n_epochs=100, init="pca",
                 random_state=seed, precomputed_knn=neighbours),
            # max_cluster_size: HDBSCAN's "excess of mass" choice sometimes takes one cluster of
            # nearly everything (public restaurant sentences, 2,465 with one annotated category:
            # 3 of 10 seeds gave 2 themes, 98% in one, NMI 0.003 against the categories). No
            # theme over half of the scope: those seeds 0.28-0.29 like the rest, the other 7 the
            # same themes as before (see the README, themes).
            HDBSCAN(min_cluster_size=max(10, n // 100), max_cluster_size=n // 2, metric="euclidean",
                    cluster_selection_method="eom", prediction_data=True))


def in_parallel(func, scopes: list[str]) -> list:
    """``[func(scope) for scope in scopes]``, the scopes on as many threads as there are cores.

    Each scope's clustering is the same computation on a thread as alone (its own seeded UMAP,
    HDBSCAN and KMeans), so the themes do not depend on the threads. The threads overlap where
    the work leaves Python: UMAP's layout (one thread each, 11 of the 24 s themes stage of
    12,000 reviews on the H100 machine) runs in a compiled loop that releases the interpreter
    (:func:`_layout_releases_the_interpreter`), and numpy's products do too.

    Example::

        in_parallel(lambda scope: scope.upper(), ["all", "category:Kitchen"])  # ['ALL', 'CATEGORY:KITCHEN']
    """
    from concurrent.futures import ThreadPoolExecutor

    from analysis.models import one_thread

    workers = min(len(scopes), os.cpu_count() or 1)
    if workers <= 1:
        return [func(scope) for scope in scopes]
    # BERTopic's import turns off UserWarnings process-wide (UMAP's "n_jobs value ... overridden"
    # among them). Imported first inside the saved-and-restored filters below, or on a thread,
    # that setting would be undone, and every scope would print UMAP's warning.
    import bertopic  # noqa: F401
    # one_thread and the warning filters are process-wide: taken here once for all the threads
    # (inside, each scope's own one_thread / catch_warnings change nothing and restore nothing new)
    with one_thread(), warnings.catch_warnings(), ThreadPoolExecutor(workers, thread_name_prefix="themes") as pool:
        return list(pool.map(func, scopes))


@functools.cache
def _layout_releases_the_interpreter() -> bool:
    """Have UMAP run its layout epochs through a copy of its own compiled epoch function that
    releases the interpreter lock (``nogil``): the same code and flags, so the same numbers, but
    scopes on other threads run meanwhile. False (and nothing changed) if UMAP's layout module
    is not laid out as in umap-learn 0.5."""
    try:
        import numba
        from umap import layouts
    except ImportError:
        return False
    epoch = getattr(layouts, "_optimize_layout_euclidean_single_epoch", None)
    choose = getattr(layouts, "_get_optimize_layout_euclidean_single_epoch_fn", None)
    if epoch is None or choose is None:
        return False
    # cache=True: kept on disk like the functions of _keep_compiled_code (UMAP's own two copies of
    # this function, which it leaves out, are never compiled: every layout comes here)
    free = numba.njit(epoch, fastmath=True, parallel=False, nogil=True, cache=True)

    def chosen(parallel: bool = False):
        return choose(parallel) if parallel else free

    layouts._get_optimize_layout_euclidean_single_epoch_fn = chosen
    return True


@functools.cache
def _keep_compiled_code() -> int:
    """Have numba keep UMAP's compiled functions on disk (numba's own cache: beside UMAP's source,
    or in the user's cache folder when that is read-only), so a new process loads them instead
    of compiling them again. Every ``reviewlens analyze`` paid that on its first themes: the
    first ``find_themes`` of a new process (400 sentences, build machine) took 5.8-7.7 s, and
    0.2-0.3 s once the cache is written (with the layout's own copy, cached in
    :func:`_layout_releases_the_interpreter`).

    Left out: a function that two of UMAP's compiled functions share (such as its layout epoch,
    compiled with and without ``parallel``), because numba names its cache files after the
    Python function, not the compile flags. Returns how many were set to be kept; 0 when numba or
    UMAP is not laid out as expected. A function with nowhere to keep it is compiled as before.
    """
    try:
        from numba.core.registry import CPUDispatcher
        from umap import distances, layouts, umap_, utils
    except ImportError:
        return 0
    found = {id(obj): obj for module in (umap_, layouts, utils, distances) for obj in vars(module).values()
             if isinstance(obj, CPUDispatcher)}
    wrapping = Counter(id(d.py_func) for d in found.values())
    kept = 0
    for dispatcher in found.values():
        if wrapping[id(dispatcher.py_func)] != 1 or type(getattr(dispatcher, "_cache", None)).__name__ != "NullCache":
            continue   # shared, or kept already (cache=True in UMAP's own code)
        try:
            dispatcher.enable_caching()
            kept += 1
        except Exception:   # numba: "no locator available" (nowhere writable): compiled as before
            continue
    return kept


_GRID = float(2 ** 30)


def exact_neighbours(vectors: np.ndarray, k: int, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of each row by euclidean distance, itself first (UMAP's
    ``precomputed_knn``): indexes and distances, each ``(n, k)``.

    Rows are compared ``chunk`` at a time (one ``chunk x n`` distance block in memory). Among
    equal distances (repeated sentences) the lower row comes first, as a stable sort of each
    row would give. The result does not depend on ``chunk`` or on the threads BLAS has.

    Example::

        >>> exact_neighbours(np.array([[0, 0], [1, 0], [5, 0]], dtype="float32"), 2)[0].tolist()
        [[0, 1], [1, 0], [2, 1]]
    """
    x = np.asarray(vectors, dtype=np.float64)
    n = len(x)
    k = min(k, n)
    # Every term is scaled by the grid (2**30) before it is summed: scaling by a power of two
    # scales each rounding with it, so these are the same numbers as summing and then scaling,
    # one pass over each block fewer.
    squares = (x * x).sum(axis=1) * _GRID
    indexes = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        # squared distances, in place (temporaries of chunk x n cost more than the product)
        block = x[rows] @ x.T
        block *= -2.0 * _GRID
        block += squares[rows, None]
        block += squares[None, :]
        np.maximum(block, 0.0, out=block)
        # ... counted on a grid of 2**-30, far coarser than the products' rounding (about 1e-16),
        # which follows how BLAS split the work: the threads it had, the rows per block.
        # Unrounded, one thread and two gave 14 other neighbours among 6,999 demo complaints
        # (ties: repeated sentences), so other themes on a machine with more cores. The ranking
        # is the distances' ranking; only the k kept are turned into distances.
        np.rint(block, out=block)
        block[rows - start, rows] = 0.0
        # the k + 1 smallest of each row, ordered by (distance, column)
        kept = min(k + 1, n)
        part = np.argpartition(block, kept - 1, axis=1)[:, :kept]
        near = np.take_along_axis(block, part, axis=1)
        order = np.take_along_axis(part, np.lexsort((part, near), axis=1), axis=1)
        # a row whose k-th distance is shared by the next (repeated sentences): every column up
        # to that distance, so the lower ones win, as in a stable sort of the row
        tied = np.flatnonzero(near.max(axis=1) == np.take_along_axis(block, order[:, k - 1:k], axis=1)[:, 0]) \
            if kept > k else np.zeros(0, dtype=np.int64)
        order = order[:, :k].copy()
        for r in tied:
            near_r = np.flatnonzero(block[r] <= block[r, order[r, -1]])   # ascending columns
            order[r] = near_r[np.argsort(block[r, near_r], kind="stable")[:k]]
        indexes[rows] = order
        distances[rows] = np.sqrt(np.take_along_axis(block, order, axis=1) / _GRID)
    return indexes, distances


def fitted_rows(embeddings: np.ndarray, seed: int) -> np.ndarray | None:
    """The rows of a scope that its themes are fitted on, ascending; None for all of them.

    Of the copies of one vector (a sentence or need phrase written word for word many times),
    the first :data:`COPIES` in input order: with UMAP's :data:`NEIGHBOURS` neighbours, further
    copies only repeat a neighbourhood that is full of copies already, and every edge between
    copies has the full weight, so UMAP draws it in every layout epoch. Of what is left, at
    most :data:`FIT_AT_MOST`, drawn with ``seed``. The rows left out join the themes later
    (:func:`join_nearest`): a copy joins its copies' theme.

    Example::

        >>> fitted_rows(np.eye(10, dtype="float32"), 0) is None
        True
        >>> fitted_rows(np.ones((COPIES + 3, 2), dtype="float32"), 0).tolist() == list(range(COPIES))
        True
    """
    n = len(embeddings)
    group = _copy_groups(embeddings)
    by_group = np.argsort(group, kind="stable")          # each group's rows in input order
    starts = np.flatnonzero(np.r_[True, np.diff(group[by_group]) != 0])
    copy = np.empty(n, dtype=np.int64)
    copy[by_group] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    rows = np.flatnonzero(copy < COPIES)
    if len(rows) > FIT_AT_MOST:
        rows = np.sort(np.random.default_rng(seed).choice(rows, FIT_AT_MOST, replace=False))
    return None if len(rows) == n else rows


def _copy_groups(embeddings: np.ndarray) -> np.ndarray:
    """For each row, the number of its group of equal rows (0 .. distinct - 1)."""
    rows_as_bytes = np.ascontiguousarray(embeddings).view(np.dtype((np.void, embeddings.shape[1] * embeddings.itemsize)))
    # each row as one opaque value: equal rows, equal bytes (15x faster than unique(axis=0))
    _, group = np.unique(rows_as_bytes.ravel(), return_inverse=True)
    return group.ravel()


def distinct_rows(embeddings: np.ndarray) -> int:
    """How many different rows ``embeddings`` holds (equal bytes: the same vector).

    >>> distinct_rows(np.array([[1, 0], [1, 0], [0, 1]], dtype="float32"))
    2
    """
    return int(_copy_groups(embeddings).max()) + 1 if len(embeddings) else 0


def join_nearest(vectors: np.ndarray, fitted: np.ndarray, topics: Sequence[int], k: int = NEIGHBOURS) -> list[int]:
    """The topic of each of ``vectors``: of its ``k`` nearest ``fitted`` vectors (cosine; the
    vectors are unit length), the topic whose members among them are the most similar in sum,
    the lower topic on a tie. ``topics``: the topic of each fitted vector.

    Example::

        >>> fitted = np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype="float32")
        >>> join_nearest(np.array([[0.1, 1], [1, 0.2]], dtype="float32"), fitted, [4, 4, 7], k=2)
        [7, 4]
    """
    topics = np.asarray(topics)
    names, codes = np.unique(topics, return_inverse=True)
    k = min(k, len(fitted))
    fitted = np.asarray(fitted, dtype=np.float64)
    joined = []
    for start in range(0, len(vectors), 2048):
        block = np.asarray(vectors[start:start + 2048], dtype=np.float64) @ fitted.T
        # on the grid of exact_neighbours: the same picks whatever threads BLAS had
        block = np.rint(block * _GRID) / _GRID
        near = np.argpartition(-block, k - 1, axis=1)[:, :k]
        votes = np.zeros((len(block), len(names)))
        np.add.at(votes, (np.arange(len(block))[:, None], codes[near]), np.take_along_axis(block, near, axis=1))
        joined.extend(int(names[c]) for c in votes.argmax(axis=1))   # argmax: the first (lower) on a tie
    return joined


def _no_representative_docs(documents) -> None:
    """Stands in for BERTopic's ``_save_representative_docs`` (see :func:`_find_themes`)."""
    return None


# Words every kind of review uses to complain, wish or sum up, whatever the product: as a theme's
# keywords they say nothing about what the theme is ("theres, way, come" for "There's no way
# to ..." / "Doesn't come with ..."). Written here from general review English.
REVIEW_WORDS = frozenset("""
wish wished wishing hope hoping theres thats dont doesnt didnt isnt wasnt cant wont ive im id
way come comes came missing miss needs need needed want wanted like liked love loved hate hated
really just definitely honestly totally pretty quite bit lot lots thing things stuff overall
recommend recommended avoid buy buying bought purchase purchased product item regret save money
good great bad fine ok okay nice awful terrible excellent amazing worst best better worse
""".split())


# Words that sum up a verdict without saying what it is about ("Avoid.", "Not worth it.",
# "Returning it.", "Really disappointed overall."), on top of REVIEW_WORDS. Written here.
VERDICT_WORDS = frozenset("""
worth worthless waste wasted disappointed disappointing disappointment unhappy happy satisfied
unsatisfied impressed unimpressed return returns returning returned refund brand again average
mediocre meh junk garbage rubbish crap sucks poor horrible rating rated stars star
""".split())
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*")


def names_a_topic(text: str) -> bool:
    """Whether a complaint says what it is about: it has a word beyond general review English
    (stop words, :data:`REVIEW_WORDS`, :data:`VERDICT_WORDS`). Complaint themes leave out the
    sentences that do not: clustered, "Avoid." and "Would not recommend." make themes named
    "avoid" that tell a merchant nothing they can fix. (They still count everywhere else.)

    Example::

        >>> names_a_topic("Would not recommend."), names_a_topic("Not worth it, the lid leaks.")
        (False, True)
    """
    general = _general_words()
    # (the word lists hold no apostrophes: "don't" is looked up as "dont")
    return any(word.replace("'", "") not in general and word not in VERDICT_WORDS
               for word in _TOKEN.findall(text.lower()))


@functools.cache
def _general_words() -> frozenset[str]:
    """English stop words and :data:`REVIEW_WORDS`: what theme keywords leave out."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS | REVIEW_WORDS)


def _vectorizer(n: int, stop_words: str | None = "english"):
    from sklearn.feature_extraction.text import CountVectorizer

    # BERTopic fits this on one joined document per topic, so min_df counts topics, not
    # sentences: anything above 1 drops the words that set a topic apart (and fails outright
    # when there are fewer topics than min_df).
    words = sorted(_general_words()) if stop_words == "english" else None
    return CountVectorizer(stop_words=words, ngram_range=(1, 2), min_df=1)


def find_themes(texts: Sequence[str], embeddings: np.ndarray, seed: int = 0, neighbours=None) -> list[Theme]:
    """Cluster ``texts`` (with their precomputed ``embeddings``) into themes; ``[]`` when there are
    fewer than :data:`MIN_SENTENCES`. Many copies of one vector, or more than
    :data:`FIT_AT_MOST` sentences, are clustered on some of them (:func:`fitted_rows`) that the
    others then join (:func:`join_nearest`); keywords and representatives read every member.
    ``neighbours``: what :func:`exact_neighbours` gives with :data:`NEIGHBOURS` for the clustered
    rows' ``embeddings``, when the caller computed it already.

    Example::

        >>> find_themes(["Too loud."] * 2, np.ones((2, 4), dtype="float32"))
        []
    """
    texts = list(texts)
    n = len(texts)
    if n < MIN_SENTENCES:
        return []
    embeddings = np.asarray(embeddings, dtype=np.float32)
    from analysis.models import one_thread

    # a theme's data is a few hundred points: one thread (see one_thread)
    with one_thread():
        return _find_themes(texts, embeddings, seed, neighbours)


def _find_themes(texts: list[str], embeddings: np.ndarray, seed: int, neighbours=None) -> list[Theme]:
    import logging

    from bertopic import BERTopic

    n = len(texts)
    rows = fitted_rows(embeddings, seed)
    # the clustered sentences first, then the ones that join them: update_topics keeps the
    # fitted topics' vectors when the first rows' topics are the fitted ones
    order = np.arange(n) if rows is None else np.concatenate([rows, np.setdiff1d(np.arange(n), rows)])
    fit = n if rows is None else len(rows)
    ordered_texts = texts if rows is None else [texts[i] for i in order]
    ordered = embeddings if rows is None else embeddings[order]
    last_error = None
    for stop_words in ("english", None):  # all-stop-word texts leave no vocabulary with the list
        reducer, clusterer = _parts(ordered[:fit], seed, neighbours)
        model = BERTopic(umap_model=reducer, hdbscan_model=clusterer, vectorizer_model=_vectorizer(n, stop_words),
                         calculate_probabilities=False, verbose=False)
        # BERTopic's own representative documents (c-TF-IDF similarity of 500 sampled documents per
        # topic, 0.4-0.5 s of the demo's themes) go unused: a theme's quotes are the sentences
        # nearest its centre (representatives)
        model._save_representative_docs = _no_representative_docs
        # reassigning outliers is our last step, so BERTopic's warning about it says nothing to a
        # merchant (BERTopic sets its logger's level in its constructor, hence here)
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings():
                # with our own neighbours UMAP cannot place new points later; nothing here asks it to
                warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]")
                topics, _ = model.fit_transform(ordered_texts[:fit], ordered[:fit])
            if -1 in topics:
                topics = model.reduce_outliers(ordered_texts[:fit], topics, strategy="embeddings",
                                               embeddings=ordered[:fit])
            if fit < n:
                topics = list(topics) + join_nearest(ordered[fit:], ordered[:fit], topics)
            if fit < n or -1 in model.topics_:
                model.update_topics(ordered_texts, topics=topics, vectorizer_model=_vectorizer(n, stop_words))
            break
        except ValueError as exc:  # "empty vocabulary"
            last_error = exc
    else:
        raise ValueError(f"cannot find themes in {n} sentences: {last_error}")
    topics = [int(t) for t in np.asarray(topics)[np.argsort(order)]]   # back in input order
    themes = []
    for topic in sorted(set(topics)):
        members = [i for i, t in enumerate(topics) if t == topic]
        # "avoid avoid", "size size": a word next to itself says no more than the word
        words = [w for w, _ in (model.get_topic(topic) or []) if w and len(set(w.split())) == len(w.split())][:6]
        if not words:   # "Would not recommend.", "Avoid!": the review words are all there is
            words = _frequent_words([texts[i] for i in members])
        themes.append(Theme(topic, words, members, representatives(embeddings, members)))
    # biggest first, topic number breaks ties (reproducible)
    themes.sort(key=lambda t: (-len(t.members), t.topic))
    return themes


def _frequent_words(texts: list[str], k: int = 3) -> list[str]:
    """The ``k`` most frequent words of ``texts`` that are not English stop words (ties: A-Z).

    Example::

        >>> _frequent_words(["Would not recommend.", "Avoid, do not recommend."])
        ['recommend', 'avoid']
    """
    from sklearn.feature_extraction.text import CountVectorizer

    try:
        counts = CountVectorizer(stop_words="english").fit(texts)
    except ValueError:   # only stop words
        return []
    totals = np.asarray(counts.transform(texts).sum(axis=0)).ravel()
    names = counts.get_feature_names_out()
    return [str(names[i]) for i in sorted(range(len(names)), key=lambda i: (-totals[i], names[i]))[:k]]


def representatives(embeddings: np.ndarray, members: list[int], k: int = REPRESENTATIVES) -> list[int]:
    """The ``k`` members closest to the members' centre (cosine), closest first.

    Example::

        >>> representatives(np.eye(3, dtype="float32"), [0, 1], k=1)
        [0]
    """
    vectors = embeddings[members]
    centre = vectors.mean(axis=0)
    centre /= (np.linalg.norm(centre) or 1.0)
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    similarity = (vectors @ centre) / norms
    order = sorted(range(len(members)), key=lambda i: (-round(float(similarity[i]), 6), members[i]))
    return [members[i] for i in order[:k]]


def label(keywords: list[str], aspects: Counter, size: int | None = None) -> tuple[str, str | None]:
    """A readable label and the theme's aspect: the most mentioned one, if any, and (given the
    theme's ``size`` in sentences) only when at least :data:`ASPECT_SHARE` of them mention it, so
    a theme of mixed wishes is not named after the thing 9 of its 98 sentences ask for.

    Example::

        >>> label(["dies", "hours", "charge"], Counter({"battery": 4, "screen": 1}))
        ('battery: dies, hours, charge', 'battery')
        >>> label(["average", "say"], Counter({"strap": 1}), size=47)
        ('average, say', None)
    """
    aspect = None
    if aspects:
        aspect, count = sorted(aspects.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if size and count < ASPECT_SHARE * size:
            aspect = None
    words = [w for w in _unsaid(keywords) if w != aspect][:3]
    text = ", ".join(words) if words else "(no keywords)"
    return (f"{aspect}: {text}" if aspect else text), aspect


def _unsaid(keywords: list[str]) -> list[str]:
    """The keywords less those another one already says: c-TF-IDF lists a phrase beside its
    own words and beside its words the other way round, which read as a stutter in a label.
    A keyword goes when a longer one holds all its words, or an earlier one has the same words.

    Example::

        >>> _unsaid(["old", "cheap old", "old cheap", "cheap", "rusty"])
        ['cheap old', 'rusty']
    """
    phrases = [set(k.split()) for k in keywords if len(k.split()) > 1]
    kept, said = [], []
    for keyword in keywords:
        words = set(keyword.split())
        if words in said or any(len(words) < len(p) and words <= p for p in phrases):
            continue
        kept.append(keyword)
        said.append(words)
    return kept


def need_label(needs: Counter, size: int, most: int = 2) -> str | None:
    """A need theme's name: the needs (as :func:`analysis.needs.group_needs` named them) that at
    least :data:`ASPECT_SHARE` of its sentences ask for, most asked first, at most ``most``; None
    when none is that common (the theme then keeps its keyword label). Keywords name a theme of
    "I wish I could set it to brew before I wake up" as "set brew, brew wake, wake".

    Example::

        >>> need_label(Counter({"programmable timer": 17, "set it to brew before I wake up": 6}), 24)
        'programmable timer / set it to brew before I wake up'
        >>> need_label(Counter({"timer": 2, "lid": 2}), 40) is None
        True
    """
    common = [name for name, count in sorted(needs.items(), key=lambda kv: (-kv[1], kv[0]))
              if count >= ASPECT_SHARE * size][:most]
    return " / ".join(common) or None


def build_themes(sentences: list[dict], embeddings: np.ndarray, kind: str, run_id: int,
                 seed: int = 0, speller=None) -> tuple[list[dict], list[dict]]:
    """``themes`` and ``theme_sentences`` rows for one kind (complaint or need), across the store
    (scope ``all``) and per product category (scope ``category:<name>``).

    ``sentences`` are dicts with ``sentence_id``, ``text``, ``category`` and ``aspects`` (a list
    of canonical aspects mentioned; for need sentences also ``needs``, the need names they ask
    for, which name a need theme: :func:`need_label`), in a fixed order, aligned with the rows of
    ``embeddings``. ``speller`` (:class:`analysis.spelling.Speller`, optional): the keywords are
    read from the sentences with their spelling slips corrected, as the models read them, so a
    theme is not named "woudl, becuase" (the clustering reads the vectors, not the words).

    Example::

        themes, members = build_themes(rows, vectors, "complaint", run_id=3)
    """
    return build_themes_of([(kind, sentences, embeddings)], run_id, seed=seed, speller=speller)


class _Plan(NamedTuple):
    """One kind's input to :func:`build_themes_of`: its sentences, their vectors, the texts the
    keywords read, and the sentence indexes of each scope."""
    kind: str
    sentences: list[dict]
    embeddings: np.ndarray
    texts: list[str]
    scopes: dict[str, list[int]]


def build_themes_of(kinds: list[tuple[str, list[dict], np.ndarray]], run_id: int, seed: int = 0,
                    speller=None, neighbours_first: bool | None = None) -> tuple[list[dict], list[dict]]:
    """:func:`build_themes` for several kinds ``(kind, sentences, embeddings)`` at once: the
    rows of each kind in turn, as separate calls would give them, but every scope of every
    kind is clustered on one pool of threads, largest first, so a many-core machine is not left
    waiting on the complaints before the needs begin (the 12,000-review demo on the H100
    machine's 16 cores: complaints 'all' about 9 s, needs 'all' about 5 s, one after the other).
    On a machine of at least :data:`NEIGHBOURS_FIRST_CORES` cores (``neighbours_first``
    overrides), the exact neighbours of the scopes of :data:`NEIGHBOURS_FIRST_FROM` sentences or
    more are found first, their products on every core, instead of on the scope's one thread
    in the pool: the largest scope sets the pace there. They are the same neighbours either way.

    Example::

        themes, members = build_themes_of([("complaint", rows, vectors), ("need", need_rows, need_vectors)], 3)
    """
    plans: list[_Plan] = []
    for kind, sentences, embeddings in kinds:
        texts = [row["text"] for row in sentences]
        if speller is not None:
            texts = [read.text for read in speller.correct_all(texts)]
        scopes: dict[str, list[int]] = {"all": list(range(len(sentences)))}
        for i, row in enumerate(sentences):
            if row.get("category"):
                scopes.setdefault(f"category:{row['category']}", []).append(i)
        plans.append(_Plan(kind, sentences, np.asarray(embeddings, dtype=np.float32), texts, scopes))
    # a task is (which plan, scope); "all" first within each plan
    tasks = [(k, scope) for k, plan in enumerate(plans) for scope in sorted(plan.scopes)]

    def size(task) -> int:
        return len(plans[task[0]].scopes[task[1]])

    def clustered(task) -> np.ndarray:
        """The vectors find_themes clusters for the task (its fitted rows)."""
        vectors = plans[task[0]].embeddings[plans[task[0]].scopes[task[1]]]
        rows = fitted_rows(vectors, seed)
        return vectors if rows is None else vectors[rows]

    def themes_of(task) -> list[Theme] | ValueError:
        plan = plans[task[0]]
        picked = plan.scopes[task[1]]
        try:
            return find_themes([plan.texts[i] for i in picked], plan.embeddings[picked], seed=seed,
                               neighbours=known.get(task))
        except ValueError as exc:  # one scope without themes must not cost the others
            return exc

    largest_first = sorted(tasks, key=lambda task: (-size(task), task))
    if neighbours_first is None:
        neighbours_first = (os.cpu_count() or 1) >= NEIGHBOURS_FIRST_CORES
    known = {}
    for task in largest_first if neighbours_first else []:
        if size(task) >= NEIGHBOURS_FIRST_FROM:
            vectors = clustered(task)
            if NEIGHBOURS_FIRST_FROM <= len(vectors) <= EXACT_NEIGHBOURS_UP_TO:
                known[task] = exact_neighbours(vectors, NEIGHBOURS)
    found = dict(zip(largest_first, in_parallel(themes_of, largest_first)))
    theme_rows, member_rows = [], []
    for task in tasks:
        kind, sentences, scopes = plans[task[0]].kind, plans[task[0]].sentences, plans[task[0]].scopes
        scope, picked = task[1], scopes[task[1]]
        if isinstance(found[task], ValueError):
            print(f"themes: no {kind} themes for {scope}: {found[task]}", file=sys.stderr)
            continue
        for number, theme in enumerate(found[task]):
            ids = [picked[i] for i in theme.members]
            aspects = Counter(a for i in ids for a in set(sentences[i].get("aspects") or []))
            text, aspect = label(theme.keywords, aspects, size=len(ids))
            if kind == "need":
                text = need_label(Counter(n for i in ids for n in set(sentences[i].get("needs") or [])),
                                  len(ids)) or text
            theme_id = f"{scope}:{kind}:{number}"
            theme_rows.append({"theme_id": theme_id, "scope": scope, "kind": kind, "label": text,
                               "keywords": theme.keywords, "aspect": aspect, "size": len(ids), "run_id": run_id})
            chosen = {picked[i] for i in theme.representatives}
            member_rows.extend({"theme_id": theme_id, "sentence_id": sentences[i]["sentence_id"],
                                "is_representative": i in chosen} for i in ids)
    return theme_rows, member_rows
