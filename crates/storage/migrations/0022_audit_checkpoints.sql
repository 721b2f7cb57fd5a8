-- Checkpoints of the audit trail's end (审计校验码): where every chain ended (chain,
-- position, hash, one per line) when a code was printed on a document or the server
-- noted its head in the checkpoint file. The head, SM3 over `ends`, is what the code and
-- the file hold outside the database, so a row changed here no longer matches them.
-- `audit verify --checkpoint` reads `ends` to prove the trail still reaches them. See
-- checkpoint.rs.
CREATE TABLE audit_checkpoints (
    head TEXT PRIMARY KEY,
    entries BIGINT NOT NULL,
    at TEXT NOT NULL,
    ends TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_entries ON audit_checkpoints(entries);
