-- The audit trail becomes a hash chain (SM3, GB/T 32905): each record commits to the
-- one before it and to the record's content (D21). See audit.rs and verify.rs.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
