-- Scheduled jobs (`reviewlens run`) and the merchant's own products versus competitors'.
-- Written only by `reviewlens run` (analysis/jobs/); the dashboard and reports only read.
CREATE SEQUENCE IF NOT EXISTS job_run_ids START 1;

CREATE TABLE job_runs (
    job_id        BIGINT PRIMARY KEY,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,      -- running, ok, partial, failed, stopped
    exit_code     INTEGER,               -- 0 ok, 3 some sources failed, 1 failed (see README)
    pid           INTEGER,
    sources_file  VARCHAR,
    steps         JSON,                  -- [{"step","target","status","seconds","counts","error"}]
    counts        JSON                   -- totals: {"sources_ok": n, "reviews_new": n, ...}
);

-- From the sources file: which products are "ours" and which belong to competitors.
CREATE TABLE product_sides (
    product_id  VARCHAR PRIMARY KEY,
    side        VARCHAR NOT NULL,        -- 'ours' or 'competitor'
    source      VARCHAR,                 -- the source's name in the sources file
    updated_at  TIMESTAMP NOT NULL
);
