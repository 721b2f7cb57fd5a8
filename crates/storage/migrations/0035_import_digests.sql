-- An import is recorded as one audit entry (issue 22, audit/batch.rs): its own record's
-- entry carries the SM3 digest of every row it wrote, here, as JSON (table, the columns
-- digested, each row's id and digest). The entry's hash or seal covers it, and
-- `audit verify` checks each imported row against its digest. NULL for every other entry.
ALTER TABLE audit_log ADD COLUMN digests TEXT;
