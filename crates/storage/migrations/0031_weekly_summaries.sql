-- 一周一汇总 (D8): the office's weekly summary of a week (its Monday), drafted from the
-- units' reports and the ledger, then edited and saved by the office. Saved again, it
-- gets a new version; every version is in the audit trail.
CREATE TABLE weekly_summaries (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    week TEXT NOT NULL,
    content TEXT NOT NULL,
    saved_by BIGINT REFERENCES users(id),
    saved_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, week)
);
