-- An inspection's terms (D1): the plan within N working days of feedback, completion
-- and the report within M months, the concentrated phase (集中整改期). NULL: the
-- defaults (30 working days, two months, two months).
ALTER TABLE inspections ADD COLUMN plan_workdays BIGINT;
ALTER TABLE inspections ADD COLUMN completion_months BIGINT;
ALTER TABLE inspections ADD COLUMN concentrated_months BIGINT;
