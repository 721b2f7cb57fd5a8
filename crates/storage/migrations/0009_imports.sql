-- Ledgers imported from spreadsheets: each file once per organisation (by its SHA-256,
-- unless the office asks again), and every problem and measure keeps the sheet and row
-- it came from.
CREATE TABLE imports (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    sheet TEXT NOT NULL,
    problems BIGINT NOT NULL,
    measures BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX imports_sha ON imports(org_id, sha256);
ALTER TABLE problems ADD COLUMN origin TEXT;
ALTER TABLE measures ADD COLUMN origin TEXT;
