-- Derived tables: written only by the analysis job, keyed by its run and model versions.
CREATE SEQUENCE IF NOT EXISTS analysis_run_ids START 1;

CREATE TABLE analysis_runs (
    run_id       BIGINT PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL,       -- running, ok, failed
    device       VARCHAR,
    config       JSON,                   -- options the job ran with
    models       JSON,                   -- {"sentiment": "name@version", ...}
    counts       JSON,                   -- {"reviews": n, "sentences": n, ...}
    durations    JSON                    -- {"stage": seconds, ...}
);

-- One row per review the job has read with the current models; its content_hash says which
-- text was read, so a changed review is read again and an unchanged one is skipped.
CREATE TABLE review_analysis (
    review_id        VARCHAR PRIMARY KEY,
    product_id       VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,
    models_key       VARCHAR NOT NULL,   -- the model versions it was read with
    run_id           BIGINT NOT NULL,
    language         VARCHAR,
    skipped_reason   VARCHAR,            -- non-English, empty, ... (NULL when analysed)
    n_sentences      INTEGER,
    sentiment        VARCHAR,            -- review-level: positive / negative / neutral / mixed
    net_sentiment    DOUBLE,             -- (positive - negative) / sentences, in [-1, 1]
    rating_mismatch  VARCHAR             -- 'high_rating_negative_text', 'low_rating_positive_text' or NULL
);

CREATE TABLE sentences (
    sentence_id      VARCHAR PRIMARY KEY, -- review_id || ':' || idx
    review_id        VARCHAR NOT NULL,
    product_id       VARCHAR NOT NULL,
    idx              INTEGER NOT NULL,
    start_char       INTEGER NOT NULL,   -- offsets into reviews.body
    end_char         INTEGER NOT NULL,
    text             VARCHAR NOT NULL,
    sentiment        VARCHAR NOT NULL,   -- positive / negative / neutral
    score            DOUBLE NOT NULL,    -- probability of that label
    is_need          BOOLEAN NOT NULL DEFAULT false,
    run_id           BIGINT NOT NULL
);

CREATE TABLE aspect_mentions (
    sentence_id  VARCHAR NOT NULL,
    review_id    VARCHAR NOT NULL,
    product_id   VARCHAR NOT NULL,
    term         VARCHAR NOT NULL,       -- the words as written
    start_char   INTEGER NOT NULL,       -- offsets into reviews.body
    end_char     INTEGER NOT NULL,
    aspect       VARCHAR NOT NULL,       -- canonical aspect group, e.g. 'battery'
    polarity     VARCHAR NOT NULL,       -- positive / negative / neutral
    run_id       BIGINT NOT NULL
);

CREATE TABLE needs (
    sentence_id  VARCHAR NOT NULL,
    review_id    VARCHAR NOT NULL,
    product_id   VARCHAR NOT NULL,
    phrase       VARCHAR NOT NULL,       -- the need as written: 'a longer cable'
    need         VARCHAR NOT NULL,       -- canonical group label
    aspect       VARCHAR,                -- canonical aspect it touches, when there is one
    start_char   INTEGER,
    end_char     INTEGER,
    run_id       BIGINT NOT NULL
);

-- Sentence embeddings, stored once per model and reused by themes and aspect grouping.
CREATE TABLE sentence_embeddings (
    sentence_id  VARCHAR NOT NULL,
    model        VARCHAR NOT NULL,
    vector       FLOAT[] NOT NULL,
    PRIMARY KEY (sentence_id, model)
);

CREATE TABLE themes (
    theme_id     VARCHAR PRIMARY KEY,    -- scope || ':' || kind || ':' || topic number
    scope        VARCHAR NOT NULL,       -- 'all' or 'category:<name>'
    kind         VARCHAR NOT NULL,       -- 'complaint' or 'need'
    label        VARCHAR NOT NULL,
    keywords     VARCHAR[] NOT NULL,
    aspect       VARCHAR,
    size         INTEGER NOT NULL,
    run_id       BIGINT NOT NULL
);

CREATE TABLE theme_sentences (
    theme_id           VARCHAR NOT NULL,
    sentence_id        VARCHAR NOT NULL,
    is_representative  BOOLEAN NOT NULL DEFAULT false
);

-- Per-product findings, ready to show: strengths, weaknesses and unmet needs.
CREATE TABLE product_insights (
    product_id   VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,       -- 'strength', 'weakness', 'need'
    name         VARCHAR NOT NULL,       -- aspect or need label
    rank         INTEGER NOT NULL,
    mentions     INTEGER NOT NULL,       -- reviews behind it, each once (sentences before stop 30)
    share        DOUBLE NOT NULL,        -- positive (strength) / negative (weakness) share of mentions, or share of reviews (need)
    confidence   DOUBLE NOT NULL,        -- lower bound of the Wilson interval of share
    trend        DOUBLE,                 -- change of share: last 90 days against before
    quotes       JSON NOT NULL,          -- [{"review_id","sentence_id","text","start","end","url"}]
    run_id       BIGINT NOT NULL
);

CREATE TABLE aspect_monthly (
    product_id   VARCHAR NOT NULL,
    aspect       VARCHAR NOT NULL,
    month        DATE NOT NULL,
    positive     INTEGER NOT NULL,
    negative     INTEGER NOT NULL,
    neutral      INTEGER NOT NULL,
    run_id       BIGINT NOT NULL
);

-- Aspects whose negative share rose in the last 90 days against the product's history before
-- (one-sided two-proportion z-test, p < 0.05); written by analysis/insights.py each run.
CREATE TABLE emerging_complaints (
    product_id       VARCHAR NOT NULL,
    aspect           VARCHAR NOT NULL,
    recent_mentions  INTEGER NOT NULL,   -- mentions in the last 90 days (before the newest review)
    recent_negative  INTEGER NOT NULL,
    before_mentions  INTEGER NOT NULL,   -- mentions before that window
    before_negative  INTEGER NOT NULL,
    recent_share     DOUBLE NOT NULL,
    before_share     DOUBLE NOT NULL,
    z                DOUBLE NOT NULL,
    p_value          DOUBLE NOT NULL,
    quotes           JSON NOT NULL,      -- recent negative quotes, like product_insights.quotes
    run_id           BIGINT NOT NULL
);
