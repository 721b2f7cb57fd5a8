-- Which session uploaded which ledger into which inspection: an import's preview pages
-- and its commit name the upload by its hash, which the browser sends back, and only the
-- session that uploaded it there may. Kept in the database so that instances sharing it
-- agree (a preview page served by another instance than the upload).
CREATE TABLE import_uploads (
    session_id BIGINT NOT NULL REFERENCES sessions(id),
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    sha256 TEXT NOT NULL,
    used_at TEXT NOT NULL,
    PRIMARY KEY (session_id, inspection_id, sha256)
);
