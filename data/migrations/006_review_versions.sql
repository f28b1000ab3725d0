-- Earlier versions of edited reviews. A customer who edits a review ("UPDATE: it broke after three
-- months") gives it a new text, and so a new review_id (issue 2: the id hashes the text). The
-- collectors store the new version and move the one it replaces here (data/store.py
-- supersede_edited), so `reviews` holds each review once, as it reads now, and nothing is lost.
CREATE TABLE review_versions (
    review_id        VARCHAR NOT NULL,    -- the earlier version's id
    product_id       VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,
    url              VARCHAR,
    author           VARCHAR,
    rating           DOUBLE,
    rating_original  VARCHAR,
    rating_scale     VARCHAR,
    title            VARCHAR,
    body             VARCHAR NOT NULL,
    language         VARCHAR,
    published_at     DATE,
    helpful_votes    INTEGER,
    verified         BOOLEAN,
    variant          VARCHAR,
    collected_at     TIMESTAMP NOT NULL,
    content_hash     VARCHAR NOT NULL,
    collect_run_id   BIGINT,
    superseded_by    VARCHAR NOT NULL,    -- the review_id of the version that replaced it
    superseded_at    TIMESTAMP NOT NULL,
    superseded_run   BIGINT NOT NULL      -- the collect run that found the edit
);

-- How many stored reviews a crawl or import found edited (their earlier versions moved).
ALTER TABLE collect_runs ADD COLUMN reviews_edited INTEGER DEFAULT 0;
