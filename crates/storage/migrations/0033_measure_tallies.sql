-- Counts of measures kept beside them (issue 22, docs/benchmarks.md "Counts"): the tiles,
-- "共xx条" and pagers of the office and the upper level count an organisation's — or
-- forty organisations' — open, overdue or due-soon measures on every request. Counted
-- from the measures, that read every measure in scope each time (at a million measures,
-- 240,000 overdue ones for one number). Here each organisation, and each unit within it,
-- has one row per state, deadline kind and deadline day with how many measures are
-- there, so a count sums a few hundred rows.
--
-- unit_id 0 is the organisation as a whole; any other is a unit leading or cooperating
-- on the measures (each measure once per unit, as the lists' UNION of the two reads it).
-- state is 'done' or 'open'. Measures withdrawn, or of a withdrawn inspection, are not
-- counted. The rows are kept by the triggers below in the same transaction as the
-- change they count, so a count never disagrees with the list it heads; they are
-- derived data, not a record, and carry no audit entries of their own.
CREATE TABLE measure_tallies (
    unit_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    deadline_kind TEXT NOT NULL,
    deadline_date TEXT,
    -- deadline_date with '' for none: a key column cannot be NULL.
    day_key TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, org_id, state, deadline_kind, day_key)
);

{{sqlite}}
-- SQLite runs triggers row by row, in process: one upsert per unit a measure counts for.
CREATE TRIGGER measures_tally_insert AFTER INSERT ON measures
WHEN NEW.withdrawn_at IS NULL
 AND EXISTS (SELECT 1 FROM inspections WHERE id = NEW.inspection_id AND withdrawn_at IS NULL)
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, NEW.org_id, CASE WHEN NEW.state = 'done' THEN 'done' ELSE 'open' END,
           NEW.deadline_kind, NEW.deadline_date, COALESCE(NEW.deadline_date, ''), 1
    FROM (SELECT 0 AS u UNION SELECT NEW.lead_unit_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.id AND withdrawn_at IS NULL)
    WHERE true
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

CREATE TRIGGER measures_tally_update
AFTER UPDATE OF state, deadline_kind, deadline_date, lead_unit_id, withdrawn_at, org_id, inspection_id ON measures
WHEN (OLD.state = 'done') <> (NEW.state = 'done')
  OR OLD.deadline_kind IS NOT NEW.deadline_kind OR OLD.deadline_date IS NOT NEW.deadline_date
  OR OLD.lead_unit_id IS NOT NEW.lead_unit_id OR OLD.withdrawn_at IS NOT NEW.withdrawn_at
  OR OLD.org_id IS NOT NEW.org_id OR OLD.inspection_id IS NOT NEW.inspection_id
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, OLD.org_id, CASE WHEN OLD.state = 'done' THEN 'done' ELSE 'open' END,
           OLD.deadline_kind, OLD.deadline_date, COALESCE(OLD.deadline_date, ''), -1
    FROM (SELECT 0 AS u UNION SELECT OLD.lead_unit_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = OLD.id AND withdrawn_at IS NULL)
    WHERE OLD.withdrawn_at IS NULL
      AND EXISTS (SELECT 1 FROM inspections WHERE id = OLD.inspection_id AND withdrawn_at IS NULL)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, NEW.org_id, CASE WHEN NEW.state = 'done' THEN 'done' ELSE 'open' END,
           NEW.deadline_kind, NEW.deadline_date, COALESCE(NEW.deadline_date, ''), 1
    FROM (SELECT 0 AS u UNION SELECT NEW.lead_unit_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.id AND withdrawn_at IS NULL)
    WHERE NEW.withdrawn_at IS NULL
      AND EXISTS (SELECT 1 FROM inspections WHERE id = NEW.inspection_id AND withdrawn_at IS NULL)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

-- A cooperating unit joins or leaves: it counts the measure unless it also leads it or
-- another active link already counts it.
CREATE TRIGGER measure_units_tally_insert AFTER INSERT ON measure_units
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT NEW.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), 1
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE m.id = NEW.measure_id AND m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL
      AND m.lead_unit_id <> NEW.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = NEW.measure_id
                      AND o.unit_id = NEW.unit_id AND o.withdrawn_at IS NULL AND o.id <> NEW.id)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

CREATE TRIGGER measure_units_tally_update AFTER UPDATE OF withdrawn_at, unit_id, measure_id ON measure_units
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
  OR OLD.unit_id IS NOT NEW.unit_id OR OLD.measure_id IS NOT NEW.measure_id
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT OLD.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), -1
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE OLD.withdrawn_at IS NULL AND m.id = OLD.measure_id AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL AND m.lead_unit_id <> OLD.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = OLD.measure_id
                      AND o.unit_id = OLD.unit_id AND o.withdrawn_at IS NULL AND o.id <> OLD.id)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT NEW.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), 1
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE NEW.withdrawn_at IS NULL AND m.id = NEW.measure_id AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL AND m.lead_unit_id <> NEW.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = NEW.measure_id
                      AND o.unit_id = NEW.unit_id AND o.withdrawn_at IS NULL AND o.id <> NEW.id)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

-- An inspection withdrawn (or restored) takes all its measures out of (or back into)
-- the counts.
CREATE TRIGGER inspections_tally_update AFTER UPDATE OF withdrawn_at ON inspections
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, org_id, state, deadline_kind, deadline_date, COALESCE(deadline_date, ''),
           SUM(CASE WHEN NEW.withdrawn_at IS NULL THEN 1 ELSE -1 END)
    FROM (SELECT m.id, 0 AS u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
                 m.deadline_kind, m.deadline_date
          FROM measures m WHERE m.inspection_id = NEW.id AND m.withdrawn_at IS NULL
          UNION
          SELECT m.id, m.lead_unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
                 m.deadline_kind, m.deadline_date
          FROM measures m WHERE m.inspection_id = NEW.id AND m.withdrawn_at IS NULL
          UNION
          SELECT m.id, mu.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
                 m.deadline_kind, m.deadline_date
          FROM measures m JOIN measure_units mu ON mu.measure_id = m.id AND mu.withdrawn_at IS NULL
          WHERE m.inspection_id = NEW.id AND m.withdrawn_at IS NULL)
    GROUP BY u, org_id, state, deadline_kind, deadline_date
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;
{{/sqlite}}

{{postgres}}
-- PostgreSQL counts a whole statement at once from its transition tables, so that an
-- import of 100,000 measures makes one grouped upsert, not 100,000. Rows are upserted in
-- key order, so two writers lock the same tally rows in the same order.

-- Whom a measure counts for: its organisation (0), its lead unit, its cooperating units.
CREATE FUNCTION tally_units(measure BIGINT, lead BIGINT) RETURNS SETOF BIGINT
LANGUAGE sql STABLE AS $f$
    SELECT 0::BIGINT UNION SELECT lead
    UNION SELECT unit_id FROM measure_units WHERE measure_id = measure AND withdrawn_at IS NULL
$f$;

CREATE FUNCTION tally_measures_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), COUNT(*)
    FROM new_rows m JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
    WHERE m.withdrawn_at IS NULL
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE TRIGGER measures_tally_insert AFTER INSERT ON measures
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_measures_insert();

-- Transition tables cannot be had with a column list: every update statement on measures
-- comes here, and only rows whose counted columns changed move a count.
CREATE FUNCTION tally_measures_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    WITH changed AS (
        SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.state = 'done') <> (n.state = 'done')
           OR o.deadline_kind IS DISTINCT FROM n.deadline_kind
           OR o.deadline_date IS DISTINCT FROM n.deadline_date
           OR o.lead_unit_id IS DISTINCT FROM n.lead_unit_id
           OR o.withdrawn_at IS DISTINCT FROM n.withdrawn_at
           OR o.org_id IS DISTINCT FROM n.org_id
           OR o.inspection_id IS DISTINCT FROM n.inspection_id
    )
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT unit, org_id, state, deadline_kind, deadline_date, COALESCE(deadline_date, ''), SUM(sign)
    FROM (
        SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
               m.deadline_kind, m.deadline_date, CASE WHEN m.side = 'old' THEN -1 ELSE 1 END AS sign
        FROM (
            SELECT 'old' AS side, o.* FROM old_rows o WHERE o.id IN (SELECT id FROM changed)
            UNION ALL
            SELECT 'new' AS side, n.* FROM new_rows n WHERE n.id IN (SELECT id FROM changed)
        ) m
        JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
        CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
        WHERE m.withdrawn_at IS NULL
    ) c
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(sign) <> 0
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE TRIGGER measures_tally_update AFTER UPDATE ON measures
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tally_measures_update();

-- New cooperating units, counted once per (measure, unit) unless the unit leads the
-- measure or an earlier active link already counts it.
CREATE FUNCTION tally_measure_units_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
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
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE TRIGGER measure_units_tally_insert AFTER INSERT ON measure_units
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_measure_units_insert();

-- What one link adds (sign 1) or takes away (-1), unless another link or the lead
-- counts the unit.
CREATE FUNCTION tally_link(link BIGINT, measure BIGINT, unit BIGINT, sign BIGINT) RETURNS void
LANGUAGE sql AS $f$
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''), sign
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE m.id = measure AND m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL
      AND m.lead_unit_id <> unit
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = measure
                      AND o.unit_id = unit AND o.withdrawn_at IS NULL AND o.id <> link)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
$f$;

CREATE FUNCTION tally_measure_units_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
       OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.measure_id IS DISTINCT FROM NEW.measure_id THEN
        IF OLD.withdrawn_at IS NULL THEN
            PERFORM tally_link(OLD.id, OLD.measure_id, OLD.unit_id, -1);
        END IF;
        IF NEW.withdrawn_at IS NULL THEN
            PERFORM tally_link(NEW.id, NEW.measure_id, NEW.unit_id, 1);
        END IF;
    END IF;
    RETURN NULL;
END $f$;

CREATE TRIGGER measure_units_tally_update AFTER UPDATE ON measure_units
FOR EACH ROW EXECUTE FUNCTION tally_measure_units_update();

-- An inspection withdrawn (or restored) takes all its measures out of (or back into)
-- the counts.
CREATE FUNCTION tally_inspections_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) THEN
        INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
        SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
               m.deadline_kind, m.deadline_date, COALESCE(m.deadline_date, ''),
               COUNT(*) * CASE WHEN NEW.withdrawn_at IS NULL THEN 1 ELSE -1 END
        FROM measures m CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
        WHERE m.inspection_id = NEW.id AND m.withdrawn_at IS NULL
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 6
        ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    END IF;
    RETURN NULL;
END $f$;

CREATE TRIGGER inspections_tally_update AFTER UPDATE ON inspections
FOR EACH ROW EXECUTE FUNCTION tally_inspections_update();
{{/postgres}}

-- What is already there.
INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
SELECT u, org_id, state, deadline_kind, deadline_date, COALESCE(deadline_date, ''), COUNT(*)
FROM (SELECT m.id, 0 AS u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
             m.deadline_kind, m.deadline_date
      FROM measures m JOIN inspections i ON i.id = m.inspection_id
      WHERE m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL
      UNION
      SELECT m.id, m.lead_unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
             m.deadline_kind, m.deadline_date
      FROM measures m JOIN inspections i ON i.id = m.inspection_id
      WHERE m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL
      UNION
      SELECT m.id, mu.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
             m.deadline_kind, m.deadline_date
      FROM measures m JOIN inspections i ON i.id = m.inspection_id
      JOIN measure_units mu ON mu.measure_id = m.id AND mu.withdrawn_at IS NULL
      WHERE m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL) c
GROUP BY u, org_id, state, deadline_kind, deadline_date;
