-- 周报 (D8): each lead unit's report of a week (its Monday), and an organisation's rule
-- for when reports are due (no row: Friday 10:00). A report is corrected, not
-- replaced: a new version, the old one in the audit trail.
CREATE TABLE weekly_rules (
    id {{ID}},
    org_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
    weekday BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE weekly_reports (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    week TEXT NOT NULL,
    content TEXT NOT NULL,
    submitted_by BIGINT REFERENCES users(id),
    submitted_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, week)
);
CREATE INDEX weekly_reports_org ON weekly_reports(org_id, week);
