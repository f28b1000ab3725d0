-- Where a crawl read a review that an import stored first. The crawl's read is a duplicate (the
-- same review_id), so the stored row keeps the import's source (the file) and link (often none),
-- and nothing in it says which shop's page shows it, nor at which anchor. When its author later
-- edits it, the next crawl must know that the imported row is the version it replaces
-- (data/store.py supersede_edited matches a stored review by host, product, author, day and
-- anchor): this table gives the host and the link the crawl read it at. One row per review and
-- host, written by the crawl (data/store.py insert_reviews); an import writes nothing here.
CREATE TABLE review_sightings (
    review_id  VARCHAR NOT NULL,    -- the stored (imported) review
    source     VARCHAR NOT NULL,    -- the host the crawl read it from
    url        VARCHAR,             -- the link it was read at (page URL + anchor), the latest given
    run_id     BIGINT NOT NULL,     -- the crawl that first read it there, or that read its new link
    seen_at    TIMESTAMP NOT NULL
);
