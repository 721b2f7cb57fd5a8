-- PostgreSQL: new measures tallied from their own row alone. `tally_units` and
-- `tally_day` look a measure's cooperating units and latest progress up, one index
-- search each per row; a measure just inserted has neither (both refer to it, so they
-- can only come after it), and the trigger of cooperating units (0036) tallies each link
-- when it comes. Per row the lookups cost an import of 100,000 measures 2–4 s of its
-- commit: the trigger took 75–127 ms per statement of 2,400 measures, 19–28 ms without
-- them (`EXPLAIN ANALYZE`, docs/benchmarks.md). Its units are the organisation (0) and
-- the lead unit (never 0, so the two rows never merge as `tally_units`' UNION would),
-- its day the one `tally_day` gives a measure without progress.
{{postgres}}
CREATE OR REPLACE FUNCTION tally_measures_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN m.deadline_kind = 'long_term' THEN beijing_day(m.created_at)
                ELSE COALESCE(m.deadline_date, '') END,
           COUNT(*)
    FROM new_rows m JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    CROSS JOIN LATERAL (VALUES (0::BIGINT), (m.lead_unit_id)) AS u(unit)
    WHERE m.withdrawn_at IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, what, COUNT(*) FROM (
        SELECT inspection_id, 'measures' AS what FROM new_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT inspection_id, 'measures_done' FROM new_rows WHERE withdrawn_at IS NULL AND state = 'done'
    ) c
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
{{/postgres}}
