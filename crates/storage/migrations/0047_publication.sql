-- 不予公开: the office marks a problem, or a record of what rectification achieved (an
-- accountability decision, an institution, money recovered), as not for the public
-- notice (整改情况公开). The mark changes nothing else: the record stays in the ledger,
-- the figures and every internal document, and setting or clearing it is a change in
-- the trail like any other.
ALTER TABLE problems ADD COLUMN not_public BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accountability ADD COLUMN not_public BIGINT NOT NULL DEFAULT 0;
ALTER TABLE institutions ADD COLUMN not_public BIGINT NOT NULL DEFAULT 0;
ALTER TABLE recoveries ADD COLUMN not_public BIGINT NOT NULL DEFAULT 0;
