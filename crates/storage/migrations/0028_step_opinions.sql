-- 审定签字、销号审核、留号: the opinion the person signing writes with the step, kept
-- with the step's record beside what the step itself carries (its note). Steps taken
-- before had none.
ALTER TABLE problem_events ADD COLUMN opinion TEXT;
