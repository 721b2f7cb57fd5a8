-- 归档材料包: each archive package made of an inspection, with the SM3 of its manifest.
-- A package proves itself only as far as its manifest's digest is known from outside
-- it: recorded here, and so in the audit trail, at the moment it was made, the digest a
-- forger would have to match cannot be rewritten with the package.
CREATE TABLE archives (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    manifest_sm3 TEXT NOT NULL,
    volumes BIGINT NOT NULL,
    files BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX archives_inspection ON archives(inspection_id, id);
