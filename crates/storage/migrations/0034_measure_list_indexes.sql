-- Lists across inspections are ordered nearest deadline first (`dialect::deadline_order`)
-- and show one page. With their counts taken from the tallies (0033), that page is all
-- they read, and these indexes hand it over in order instead of sorting every measure in
-- scope for it: one organisation's (the office) through the first, several
-- organisations' (the upper level) through the second, which scans in deadline order and
-- skips the organisations not in scope. At 100,000 measures on PostgreSQL the office's
-- measure list took 27 ms sorting 29,000 rows for 50, the upper level's first overdue
-- measure 58 ms; with these, under 1 ms each (docs/benchmarks.md). PostgreSQL sorts
-- measures without a date after the others, as the lists do.
CREATE INDEX measures_org_by_deadline ON measures(org_id, deadline_date, id)
    WHERE withdrawn_at IS NULL;
CREATE INDEX measures_by_deadline ON measures(deadline_date, id)
    WHERE withdrawn_at IS NULL;

-- 长期坚持 measures due for review (no progress within the organisation's interval) are
-- counted on every home page of the office and the upper level: the open long-term
-- measures of the organisations in scope, each with its last progress. Without this
-- index the organisation's every measure was read to find them (29,000 for 1,764 at
-- 100,000 measures; 60 ms, 8 ms with it).
CREATE INDEX measures_long_term_open ON measures(org_id)
    WHERE deadline_kind = 'long_term' AND state <> 'done' AND withdrawn_at IS NULL;
