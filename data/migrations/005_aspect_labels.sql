-- The canonical aspect of each aspect term per product category, as the last store-wide step
-- grouped them ("battery life" -> battery for electronics). The batch job writes a new review's
-- mentions with their raw terms and groups them only in its store-wide step at the end; the
-- dashboard reads its aspect charts through this table, so while a run is under way (or after
-- one was stopped before that step) a known term still shows under its group.
CREATE TABLE aspect_labels (
    category  VARCHAR NOT NULL,          -- products.category, '' for none
    term      VARCHAR NOT NULL,          -- lower(trim(aspect_mentions.term))
    aspect    VARCHAR NOT NULL,
    run_id    BIGINT NOT NULL
);

-- A store analysed before this table existed: its mentions carry their groups already.
INSERT INTO aspect_labels
SELECT coalesce(p.category, '') AS category, lower(trim(m.term)) AS term, arg_max(m.aspect, m.run_id),
       max(m.run_id)
FROM aspect_mentions m LEFT JOIN products p USING (product_id)
GROUP BY ALL;
