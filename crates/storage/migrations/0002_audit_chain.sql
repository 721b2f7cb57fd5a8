-- The audit trail becomes hash chains (SM3, GB/T 32905): each entry commits to the one
-- before it in its chain and to its own content (D21). Several chains let concurrent
-- transactions on PostgreSQL append side by side; audit_heads holds each chain's end
-- (its row lock serialises one chain's appends, and a cut-off tail shows against it).
-- See audit.rs and verify.rs.
ALTER TABLE audit_log ADD COLUMN chain BIGINT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log(chain, seq);
CREATE TABLE audit_heads (
    chain BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
