-- The tally of new cooperating units (0033) finds each link's measure by its id. On a
-- database without statistics yet (a new one, before its first ANALYZE) the planner took
-- the measures table for a few rows and, for every link of a statement, scanned all the
-- measures of the inspection again: an import of 100,000 measures spent 30-45 s on each
-- statement of 2,000 cooperating units on PostgreSQL (docs/benchmarks.md, 6 December
-- 2026). The lookup by id is now kept per link (OFFSET 0 stops the planner from folding
-- it into a join it may order otherwise). SQLite's row triggers look measures up by id
-- already.
{{postgres}}
CREATE OR REPLACE FUNCTION tally_measure_units_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT l.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), COUNT(*)
    FROM (SELECT DISTINCT measure_id, unit_id FROM new_rows WHERE withdrawn_at IS NULL) l
    CROSS JOIN LATERAL (
        SELECT m.org_id, m.state, m.deadline_kind, m.deadline_date, m.inspection_id
        FROM measures m
        WHERE m.id = l.measure_id AND m.withdrawn_at IS NULL AND m.lead_unit_id <> l.unit_id
        OFFSET 0
    ) m
    JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    WHERE NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = l.measure_id
                      AND o.unit_id = l.unit_id AND o.withdrawn_at IS NULL
                      AND o.id NOT IN (SELECT id FROM new_rows))
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
{{/postgres}}
