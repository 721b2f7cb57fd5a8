-- The first page of a list of open measures, nearest deadline first (overdue, due soon,
-- open): the upper level's over forty organisations, the office's over its own. With
-- the count taken from the tallies (0033), the page is all that is left to read, and
-- this index hands it over in order: at 100,000 measures the upper level's first
-- overdue measure took 58 ms sorting 24,000 rows, 0.2 ms with it (docs/benchmarks.md).
-- PostgreSQL sorts the measures without a date after all others, as the lists do
-- (`dialect::deadline_order`).
CREATE INDEX measures_open_by_deadline ON measures(deadline_date, id)
    WHERE state <> 'done' AND withdrawn_at IS NULL;
