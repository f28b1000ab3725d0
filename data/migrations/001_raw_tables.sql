-- Raw tables: written only by the collectors (crawler, import).
CREATE SEQUENCE IF NOT EXISTS collect_run_ids START 1;

CREATE TABLE products (
    product_id  VARCHAR PRIMARY KEY,   -- the shop's id (sku, asin) or one derived from the URL
    source      VARCHAR NOT NULL,      -- host name for crawls, file name for imports
    url         VARCHAR,
    title       VARCHAR,
    brand       VARCHAR,
    category    VARCHAR,
    first_seen  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL
);

CREATE TABLE reviews (
    review_id        VARCHAR PRIMARY KEY, -- stable: hash of product, author, date and text
    product_id       VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,
    url              VARCHAR,             -- where the review can be read (page URL + anchor)
    author           VARCHAR,
    rating           DOUBLE,              -- on the 1-5 scale
    rating_original  VARCHAR,             -- the value as the source wrote it
    rating_scale     VARCHAR,             -- e.g. '1-5', '0-10', '0-100'
    title            VARCHAR,
    body             VARCHAR NOT NULL,
    language         VARCHAR,             -- ISO 639-1, detected
    published_at     DATE,
    helpful_votes    INTEGER,
    verified         BOOLEAN,
    variant          VARCHAR,
    collected_at     TIMESTAMP NOT NULL,  -- fetched or imported
    content_hash     VARCHAR NOT NULL,    -- hash of title + body: analysis reruns when it changes
    collect_run_id   BIGINT
);

CREATE TABLE collect_runs (
    run_id        BIGINT PRIMARY KEY,
    kind          VARCHAR NOT NULL,      -- 'crawl' or 'import'
    target        VARCHAR,               -- URLs or file names
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,      -- running, ok, partial, failed
    pages         INTEGER DEFAULT 0,
    reviews_read  INTEGER DEFAULT 0,
    reviews_new   INTEGER DEFAULT 0,
    duplicates    INTEGER DEFAULT 0,
    rejected      INTEGER DEFAULT 0,
    errors        INTEGER DEFAULT 0,
    problems      JSON                   -- {"reason": count, ...}
);
