"""The store-wide steps of the analysis job, recomputed on every run from the derived tables.

1. canonical aspects: every distinct aspect term, grouped per product category
   (``analysis.aspects.group_aspects``), written back to ``aspect_mentions.aspect``;
2. need groups (``analysis.needs.group_needs``) written to ``needs.need``, and each need's
   aspect (the first aspect mentioned in its sentence);
3. ``aspect_monthly`` (dated reviews only), ``themes`` + ``theme_sentences``, ``product_insights`` and
   ``emerging_complaints``, replaced in one transaction so readers never see half of them.

Only SQL, the stored embeddings and the cheap grouping calls: no model reads old reviews again.

Example::

    refresh("shop.duckdb", models, run_id=5, state=RunState(5))
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from analysis.insights import FINDING_VOTES, NOT_FINDINGS, compute_insights
from data import store


def _mapping_table(con, name: str, rows: list[tuple], columns: list[str]) -> None:
    import pyarrow as pa

    con.register(name, pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)}))


def _repeated(counted: list[tuple[str, int]]) -> list[str]:
    """Each text as many times as it was counted: ``[("lid", 2), ("cap", 1)]`` -> lid, lid, cap."""
    return [text for text, n in counted for _ in range(n)]


def _counted_by_category(con, table: str, column: str) -> dict[str | None, list[tuple[str, int]]]:
    """``{category: [(text, mentions), ...]}`` of ``table.column`` (lower case, trimmed), texts in
    order within each category."""
    by_category: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for category, text, mentions in con.execute(f"""
            SELECT p.category, lower(trim(t.{column})) AS text, count(*) AS mentions
            FROM {table} t LEFT JOIN products p USING (product_id)
            GROUP BY ALL ORDER BY p.category NULLS FIRST, text""").fetchall():
        by_category[category].append((text, mentions))
    return by_category


def _labelled(by_category: dict[str | None, list[tuple[str, int]]], group) -> list[tuple]:
    """``(category, text, label)`` rows: ``group(texts, category) -> {text: label}`` within each
    category. The grouping names each group after the member with the most mentions
    ("limescale" written 40 times, not the one "limescael"), so each text goes in as often as it
    was mentioned."""
    rows = []
    for category, counted in by_category.items():
        mapping = group(_repeated(counted), category)
        rows.extend((category or "", text, mapping.get(text) or text) for text, _ in counted)
    return rows


def group_labels(db: str, models) -> tuple[list[tuple], list[tuple]]:
    """``(category, term, aspect)`` and ``(category, phrase, need)`` rows for every stored term and
    phrase, grouped within each product category (needs too: "a longer cable" for headphones is
    not the air fryer's "longer power cord", though the words are close)."""
    with store.reader(db, wait=60.0) as con:
        terms = _counted_by_category(con, "aspect_mentions", "term")
        phrases = _counted_by_category(con, "needs", "phrase")
    return (_labelled(terms, models.group_aspects),
            _labelled(phrases, lambda texts, category: models.group_needs(texts)))


def _set_by_category(con, table: str, column: str, key: str, mapping: str) -> None:
    """``table.column`` from the ``mapping`` table (category, key, column) for each row's product
    category; rows of products the store does not list (no category row) take category ''."""
    con.execute(f"""
        UPDATE {table} SET {column} = g.{column}
        FROM {mapping} g, (SELECT product_id, coalesce(category, '') AS category FROM products) p
        WHERE p.product_id = {table}.product_id AND g.category = p.category
          AND g.{key} = lower(trim({table}.{key}))""").fetchall()
    con.execute(f"""
        UPDATE {table} SET {column} = g.{column} FROM {mapping} g
        WHERE g.category = '' AND g.{key} = lower(trim({table}.{key}))
          AND {table}.product_id NOT IN (SELECT product_id FROM products)""").fetchall()


def apply_labels(con, aspect_rows: list[tuple], need_rows: list[tuple], run_id: int = 0) -> None:
    """Write canonical aspects and need labels into the mention and need rows, and keep the
    aspect labels in ``aspect_labels`` (the dashboard groups a run's new mentions by them
    before the run's own store-wide step has)."""
    _mapping_table(con, "_aspect_map", aspect_rows, ["category", "term", "aspect"])
    _mapping_table(con, "_need_map", need_rows, ["category", "phrase", "need"])
    try:
        _set_by_category(con, "aspect_mentions", "aspect", "term", "_aspect_map")
        _set_by_category(con, "needs", "need", "phrase", "_need_map")
        con.execute("DELETE FROM aspect_labels").fetchall()
        con.execute("INSERT INTO aspect_labels SELECT category, term, aspect, ? FROM _aspect_map",
                    [run_id]).fetchall()
    finally:
        con.unregister("_aspect_map")
        con.unregister("_need_map")
    con.execute("""
        UPDATE needs SET aspect = first_aspect.aspect FROM (
            SELECT sentence_id, arg_min(aspect, start_char) AS aspect FROM aspect_mentions GROUP BY sentence_id
        ) first_aspect WHERE first_aspect.sentence_id = needs.sentence_id""").fetchall()


def theme_inputs(con, kind: str, model: str) -> tuple[list[dict], np.ndarray]:
    """Complaint (negative, not a need, naming a topic) or need sentences with category, aspects,
    need names and stored vector, by id.

    A need sentence's vector is that of its need phrases (model ``<model>+need-phrase``), so need
    themes group what customers ask for rather than how they phrase it (the demo shop's need
    sentences against the needs it wrote into them, normalised mutual information: whole
    sentences 0.585, need phrases 0.821); the sentence's own vector where none is stored.
    """
    from analysis.embeddings import NEED_PHRASE
    from analysis.themes import names_a_topic

    # A complaint that is also a need ("Shame there's no card slot.") is in the need themes;
    # one that names no topic ("Avoid.") is in none (analysis.themes.names_a_topic).
    where = "s.sentiment = 'negative' AND NOT coalesce(s.is_need, false)" if kind == "complaint" else "s.is_need"
    # aspects and needs are gathered per sentence before the join: grouping the joined rows by
    # every column grouped by the 384-number vector too (2 s of the 12,000-review demo's themes)
    table = con.sql(f"""
        WITH picked AS (SELECT s.sentence_id, s.text, s.product_id FROM sentences s WHERE {where}),
        named AS (SELECT sentence_id, list(DISTINCT aspect) AS aspects FROM aspect_mentions
                  WHERE aspect IS NOT NULL AND sentence_id IN (SELECT sentence_id FROM picked) GROUP BY sentence_id),
        asked AS (SELECT sentence_id, list(DISTINCT need) AS needs FROM needs
                  WHERE sentence_id IN (SELECT sentence_id FROM picked) GROUP BY sentence_id)
        SELECT s.sentence_id, s.text, p.category, coalesce(n.vector, e.vector) AS vector, a.aspects, q.needs
        FROM picked s JOIN sentence_embeddings e ON e.sentence_id = s.sentence_id AND e.model = $model
        LEFT JOIN sentence_embeddings n ON {"n.sentence_id = s.sentence_id" if kind == "need" else "false"}
                                       AND n.model = $model || '{NEED_PHRASE}'
        LEFT JOIN products p ON p.product_id = s.product_id
        LEFT JOIN named a ON a.sentence_id = s.sentence_id
        LEFT JOIN asked q ON q.sentence_id = s.sentence_id
        ORDER BY s.sentence_id""", params={"model": model}).to_arrow_table()
    # the vectors as one flat float32 array (a Python float per number took 1.4 s of the demo's
    # 12,000-review themes); the other columns as Python values
    columns = {name: table.column(name).to_pylist() for name in ("sentence_id", "text", "category", "aspects", "needs")}
    flat = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    vectors = np.asarray(flat, dtype=np.float32).reshape(table.num_rows, -1) if table.num_rows else np.zeros((0, 1), np.float32)
    keep = [i for i, text in enumerate(columns["text"]) if kind != "complaint" or names_a_topic(text)]
    sentences = [{"sentence_id": columns["sentence_id"][i], "text": columns["text"][i],
                  "category": columns["category"][i], "aspects": sorted(columns["aspects"][i] or []),
                  "needs": sorted(columns["needs"][i] or [])} for i in keep]
    return sentences, vectors[keep]


_MONTHLY = f"""
    INSERT INTO aspect_monthly
    -- a review is one mention of an aspect (its majority vote, counted once however many of its
    -- sentences name the aspect), as the findings count it (FINDING_VOTES); names
    -- that are no finding (NOT_FINDINGS: "product", "top marks") and terms inside a need phrase
    -- (asked for, not judged) are no trend either: the dashboard's store-wide emerging
    -- complaints read this table.
    -- A review without a date has no month: counted in the month it was collected, an old page
    -- crawled today would be a complaint of "now" (the insights count it in no window either).
    WITH votes AS ({FINDING_VOTES})
    SELECT v.product_id, v.aspect, CAST(date_trunc('month', r.published_at) AS DATE) AS month,
           count(*) FILTER (WHERE v.polarity = 'positive'), count(*) FILTER (WHERE v.polarity = 'negative'),
           count(*) FILTER (WHERE v.polarity = 'neutral'), ?
    FROM votes v JOIN reviews r ON r.review_id = v.review_id
    WHERE r.published_at IS NOT NULL
    GROUP BY ALL ORDER BY ALL
"""
_INSIGHT_COLUMNS = ["product_id", "kind", "name", "rank", "mentions", "share", "confidence", "trend", "quotes",
                    "run_id"]
_EMERGING_COLUMNS = ["product_id", "aspect", "recent_mentions", "recent_negative", "before_mentions",
                     "before_negative", "recent_share", "before_share", "z", "p_value", "quotes", "run_id"]


def _insert(con, table: str, columns: list[str], rows: list[dict]) -> None:
    if not rows:
        return
    import pyarrow as pa

    name = f"_new_{table}"
    con.register(name, pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows]))
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}").fetchall()
    finally:
        con.unregister(name)


def refresh(db: str, models, run_id: int, state, seed: int = 0, progress=None) -> None:
    """Run the store-wide steps (see the module text) and record their durations in ``state``."""
    from analysis.themes import build_themes_of

    def step(name, func, *args):
        if progress is not None:
            progress.set_description(f"analyze: {name}", refresh=False)
        return state.timed(name, func, *args)

    aspect_rows, need_rows = step("group_labels", group_labels, db, models)

    def write_labels():
        with store.writer(db) as con:
            apply_labels(con, aspect_rows, need_rows, run_id)
    step("write_labels", write_labels)

    model = getattr(models.encoder, "name", "encoder")

    def make_themes():
        with store.reader(db, wait=60.0) as con:
            kinds = [(kind, *theme_inputs(con, kind, model)) for kind in ("complaint", "need")]
        # both kinds' scopes on one pool of threads (analysis.themes.build_themes_of)
        return build_themes_of(kinds, run_id, seed=seed, speller=getattr(models.sentiment, "speller", None))
    themes, members = step("themes", make_themes)

    def make_insights():
        with store.reader(db, wait=60.0) as con:
            return compute_insights(con, run_id)
    insights, emerging = step("insights", make_insights)

    def write_results():
        with store.writer(db) as con:
            for table in ("aspect_monthly", "theme_sentences", "themes", "product_insights", "emerging_complaints"):
                con.execute(f"DELETE FROM {table}").fetchall()
            con.execute(_MONTHLY, [sorted(NOT_FINDINGS), run_id]).fetchall()
            _insert(con, "themes", ["theme_id", "scope", "kind", "label", "keywords", "aspect", "size", "run_id"],
                    themes)
            _insert(con, "theme_sentences", ["theme_id", "sentence_id", "is_representative"], members)
            _insert(con, "product_insights", _INSIGHT_COLUMNS, insights)
            _insert(con, "emerging_complaints", _EMERGING_COLUMNS, emerging)
    step("write_results", write_results)
    state.counts["themes"] = len(themes)
    state.counts["product_insights"] = len(insights)
    state.counts["emerging_complaints"] = len(emerging)
