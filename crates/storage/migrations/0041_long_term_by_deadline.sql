-- The long-term list (`status=long_term`) and the review-due list are ordered nearest
-- deadline first like every list, and their measures have no deadline: they come after
-- every dated measure. So the order's index (0034, 0040) was walked through all of an
-- organisation's dated measures before the first long-term one — 23,000 rows for a page
-- of 50 at 100,000 measures (30 ms on PostgreSQL; 37 requests a second on SQLite). These
-- hold only open long-term measures, in the lists' order, with the open states written
-- as the lists write them (`OPEN_MEASURES`), so that the planner can use them; they
-- replace 0034's index for the review-due count, which the tallies now give (0038).
DROP INDEX measures_long_term_open;
{{postgres}}
CREATE INDEX measures_long_term_by_deadline ON measures(org_id, deadline_date, id)
    WHERE deadline_kind = 'long_term' AND state IN ('registered', 'in_progress') AND withdrawn_at IS NULL;
CREATE INDEX measures_long_term_everywhere ON measures(deadline_date, id)
    WHERE deadline_kind = 'long_term' AND state IN ('registered', 'in_progress') AND withdrawn_at IS NULL;
{{/postgres}}
{{sqlite}}
CREATE INDEX measures_long_term_by_deadline
    ON measures(org_id, CASE WHEN deadline_date IS NULL THEN 1 ELSE 0 END, deadline_date, id)
    WHERE deadline_kind = 'long_term' AND state IN ('registered', 'in_progress') AND withdrawn_at IS NULL;
CREATE INDEX measures_long_term_everywhere
    ON measures(CASE WHEN deadline_date IS NULL THEN 1 ELSE 0 END, deadline_date, id)
    WHERE deadline_kind = 'long_term' AND state IN ('registered', 'in_progress') AND withdrawn_at IS NULL;
{{/sqlite}}
