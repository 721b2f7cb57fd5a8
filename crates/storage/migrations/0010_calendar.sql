-- 工作日历 (D1): the years an administrator added or corrected. The calendar shipped in
-- the binary holds 2015–2026; a row here replaces the shipped notice of its year. Rows
-- are corrected (a new version, the old one in the audit trail), never deleted.
CREATE TABLE calendar_years (
    id {{ID}},
    year BIGINT NOT NULL UNIQUE,
    notice TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT
);
