-- The tally of new cooperating units (0033) looks each link's measure up by its id. Its
-- plan was left to estimates that are wrong in the middle of an import: PL/pgSQL keeps a
-- query's plan for the session (planned while measures held a few rows), and a fresh
-- plan still took the statement's links for 10 rows (a transition table has no
-- statistics). Both scanned all the inspection's measures, or the whole of
-- measures_by_deadline (whose columns end with id), for every link: an import of 100,000
-- measures on PostgreSQL spent 5-45 s on each statement of 2,000 cooperating units
-- (auto_explain; docs/benchmarks.md, 6 December 2026). Looked up per link by the id
-- alone (the filters outside the lookup, so that no partial index qualifies), only the
-- primary key serves it: 0.2 s for such a statement. SQLite's row triggers look
-- measures up by id already.
{{postgres}}
CREATE OR REPLACE FUNCTION tally_measure_units_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT l.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), COUNT(*)
    FROM (SELECT DISTINCT measure_id, unit_id FROM new_rows WHERE withdrawn_at IS NULL) l
    -- Each link's measure by its id alone, kept per link (OFFSET 0): see above.
    CROSS JOIN LATERAL (SELECT * FROM measures m WHERE m.id = l.measure_id OFFSET 0) m
    JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    WHERE m.withdrawn_at IS NULL AND m.lead_unit_id <> l.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = l.measure_id
                      AND o.unit_id = l.unit_id AND o.withdrawn_at IS NULL
                      AND o.id NOT IN (SELECT id FROM new_rows))
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
{{/postgres}}
