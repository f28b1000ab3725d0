-- `reviews` without the PRIMARY KEY on review_id: the collectors dedupe set-based (an anti-join
-- against the stored ids, see data/store.py insert_reviews and crawler/importer.py), and keeping
-- the key's index up to date cost more than the rest of a 1M-row import's write together.
-- review_id and content_hash are random hex: compressing them saves little and costs the write
-- time, so they are stored uncompressed.
-- DuckDB cannot drop a key in place: build the new table, copy every row, swap the names.
-- Same columns, same order, same meaning as 001.
CREATE TABLE reviews_rebuilt (
    review_id        VARCHAR USING COMPRESSION uncompressed NOT NULL, -- stable: hash of product, author, date and text
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
    content_hash     VARCHAR USING COMPRESSION uncompressed NOT NULL, -- hash of title + body
    collect_run_id   BIGINT
);

INSERT INTO reviews_rebuilt
SELECT review_id, product_id, source, url, author, rating, rating_original, rating_scale, title, body,
       language, published_at, helpful_votes, verified, variant, collected_at, content_hash, collect_run_id
FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_rebuilt RENAME TO reviews;
