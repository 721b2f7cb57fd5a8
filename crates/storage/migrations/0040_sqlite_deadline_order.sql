-- Lists across inspections are ordered nearest deadline first, measures without a date
-- last (`dialect::deadline_order`). PostgreSQL sorts NULLs last by itself and reads that
-- order from the indexes of 0034; SQLite sorts NULLs first, so its order begins with an
-- expression no index matched, and every list sorted all its measures for one page: the
-- upper level's first overdue measure at 100,000 measures sorted 24,000 (24 ms in
-- `sqlite3`; the API's count-and-first-page at 24 req/s under load, docs/benchmarks.md).
-- Indexed on the expression itself, as the query writes it, the page is read in order.
{{sqlite}}
CREATE INDEX measures_by_deadline_nulls_last
    ON measures(CASE WHEN deadline_date IS NULL THEN 1 ELSE 0 END, deadline_date, id)
    WHERE withdrawn_at IS NULL;
CREATE INDEX measures_org_by_deadline_nulls_last
    ON measures(org_id, CASE WHEN deadline_date IS NULL THEN 1 ELSE 0 END, deadline_date, id)
    WHERE withdrawn_at IS NULL;
{{/sqlite}}
