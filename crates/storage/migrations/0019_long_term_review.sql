-- 长期坚持: how many days a long-term measure may go without a progress entry before
-- it is marked on the ledgers (it is never overdue, but needs periodic progress). Until
-- the office sets it, the 90 days every organisation had.
ALTER TABLE warning_rules ADD COLUMN long_term_days BIGINT NOT NULL DEFAULT 90;
