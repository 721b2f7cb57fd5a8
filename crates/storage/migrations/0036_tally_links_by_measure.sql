-- The tally of new cooperating units (0033) is planned anew for each statement. PL/pgSQL
-- keeps a query's plan for the session: planned when the session first added a link (the
-- demo's load, a form), while measures held a few rows, it scanned all the inspection's
-- measures, or a whole index, for every link of a later statement. An import of 100,000
-- measures on PostgreSQL then spent 5-45 s on each statement of 2,000 cooperating units
-- (auto_explain; docs/benchmarks.md, 6 December 2026). EXECUTE plans it with the sizes of
-- the moment, which costs a millisecond a statement. SQLite's row triggers look measures
-- up by id and are not concerned.
{{postgres}}
CREATE OR REPLACE FUNCTION tally_measure_units_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    -- Planned for this statement (see above); the transition table is visible to it.
    EXECUTE $q$
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT l.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), COUNT(*)
    FROM (SELECT DISTINCT measure_id, unit_id FROM new_rows WHERE withdrawn_at IS NULL) l
    JOIN measures m ON m.id = l.measure_id AND m.withdrawn_at IS NULL AND m.lead_unit_id <> l.unit_id
    JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    WHERE NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = l.measure_id
                      AND o.unit_id = l.unit_id AND o.withdrawn_at IS NULL
                      AND o.id NOT IN (SELECT id FROM new_rows))
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n
    $q$;
    RETURN NULL;
END $f$;
{{/postgres}}
