-- Each unit's measures kept as one list in the lists' order (issue 22, docs/benchmarks.md
-- "A unit's list"): a unit's overdue measures (`/measures?unit=…&status=overdue`, the
-- list the office opens for each unit, and a unit's own lists) were found as the
-- measures the unit leads, narrowed by their index, together with every measure it
-- cooperates on, read whole because the links know nothing of state or deadline, and
-- then each looked up by key to be filtered and ordered: 661 lookups for a page of 50
-- at 100,000 measures, two thirds of the request's time in the database.
--
-- Here a unit has one row per measure it leads or cooperates on (each measure once per
-- unit, as the lists' UNION reads it), with the columns the lists filter on — the same
-- as the tallies' (0033, 0038), so that one wording of the filters serves the count
-- (`measure_tallies`) and the page (these rows) — and `id`, the measure's, last in the
-- order. Measures withdrawn, or of a withdrawn inspection, have no rows. Like the
-- tallies these are derived data, not a record: kept by the triggers below in the same
-- transaction as each change, carrying no audit entries of their own.
--
-- A change to a measure, its links, its inspection or its progress files the measure
-- afresh (its rows deleted, and those it has now inserted), so that the rows cannot
-- drift from what they stand for; new measures and links only add rows, and are
-- inserted as they come, an import's statements at once.
{{postgres}}
CREATE TABLE unit_lists (
    unit_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    deadline_kind TEXT NOT NULL,
    deadline_date TEXT,
    day_key TEXT NOT NULL,
    PRIMARY KEY (id, unit_id)
);
-- PostgreSQL sorts NULL after every date: the lists' order, read from the index.
CREATE INDEX unit_lists_in_order ON unit_lists (unit_id, state, deadline_date, id)
    INCLUDE (org_id, deadline_kind, day_key);

-- The measures' rows filed afresh, each measure's units as its tallies find them.
CREATE FUNCTION unit_lists_refresh(ids BIGINT[]) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    DELETE FROM unit_lists WHERE id = ANY(ids);
    INSERT INTO unit_lists (unit_id, id, org_id, state, deadline_kind, deadline_date, day_key)
    SELECT u.unit, m.id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at)
    FROM measures m JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
    WHERE m.id = ANY(ids) AND m.withdrawn_at IS NULL AND u.unit <> 0
    ORDER BY 2, 1;
END $f$;

-- New measures, statement by statement (an import adds 100,000 in a few statements): a
-- new measure has no cooperating units and no progress yet, so its one row is its lead
-- unit's, filed, long-term, under the day it was registered.
CREATE FUNCTION unit_lists_measures_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO unit_lists (unit_id, id, org_id, state, deadline_kind, deadline_date, day_key)
    SELECT m.lead_unit_id, m.id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN m.deadline_kind = 'long_term' THEN beijing_day(m.created_at)
                ELSE COALESCE(m.deadline_date, '') END
    FROM new_rows m JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    WHERE m.withdrawn_at IS NULL
    ORDER BY 2, 1;
    RETURN NULL;
END $f$;
CREATE TRIGGER measures_unit_lists_insert AFTER INSERT ON measures
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION unit_lists_measures_insert();

-- A measure changed in what a list filters on, row by row: the condition is checked
-- without calling anything, so that the many updates that change none of it (a
-- progress note moving a measure from registered to in progress, its version) cost
-- nothing here.
CREATE FUNCTION unit_lists_measure_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM unit_lists_refresh(ARRAY[NEW.id]);
    RETURN NULL;
END $f$;
CREATE TRIGGER measures_unit_lists_update AFTER UPDATE ON measures
FOR EACH ROW WHEN ((OLD.state = 'done') <> (NEW.state = 'done')
   OR OLD.deadline_kind IS DISTINCT FROM NEW.deadline_kind
   OR OLD.deadline_date IS DISTINCT FROM NEW.deadline_date
   OR OLD.lead_unit_id IS DISTINCT FROM NEW.lead_unit_id
   OR OLD.withdrawn_at IS DISTINCT FROM NEW.withdrawn_at
   OR OLD.org_id IS DISTINCT FROM NEW.org_id
   OR OLD.inspection_id IS DISTINCT FROM NEW.inspection_id)
EXECUTE FUNCTION unit_lists_measure_changed();

-- New links: the unit gains the measure unless it already had it (it leads it, or
-- another link), with the columns of the measure's row its lead unit already has (none
-- when the measure, or its inspection, is withdrawn): one lookup by key for each link.
CREATE FUNCTION unit_lists_links_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO unit_lists (unit_id, id, org_id, state, deadline_kind, deadline_date, day_key)
    SELECT l.unit_id, r.id, r.org_id, r.state, r.deadline_kind, r.deadline_date, r.day_key
    FROM (SELECT DISTINCT measure_id, unit_id FROM new_rows WHERE withdrawn_at IS NULL) l
    CROSS JOIN LATERAL (SELECT * FROM unit_lists u WHERE u.id = l.measure_id LIMIT 1) r
    ORDER BY 2, 1
    ON CONFLICT (id, unit_id) DO NOTHING;
    RETURN NULL;
END $f$;
CREATE TRIGGER measure_units_unit_lists_insert AFTER INSERT ON measure_units
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION unit_lists_links_insert();

CREATE FUNCTION unit_lists_link_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM unit_lists_refresh(ARRAY[OLD.measure_id, NEW.measure_id]);
    RETURN NULL;
END $f$;
CREATE TRIGGER measure_units_unit_lists_update AFTER UPDATE ON measure_units
FOR EACH ROW WHEN ((OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
   OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.measure_id IS DISTINCT FROM NEW.measure_id)
EXECUTE FUNCTION unit_lists_link_changed();

CREATE FUNCTION unit_lists_inspection_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM unit_lists_refresh(ARRAY(SELECT id FROM measures WHERE inspection_id = NEW.id));
    RETURN NULL;
END $f$;
CREATE TRIGGER inspections_unit_lists_update AFTER UPDATE ON inspections
FOR EACH ROW WHEN ((OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL))
EXECUTE FUNCTION unit_lists_inspection_changed();

-- A progress entry added or changed moves a long-term measure to the day it is quiet
-- since, where its tallies move (0038): the Friday rush's notes on dated measures never
-- get here.
CREATE OR REPLACE FUNCTION tally_quiet_move(measure BIGINT, last_before TEXT, last_after TEXT) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
    m measures%ROWTYPE;
    was TEXT;
    now_ TEXT;
BEGIN
    SELECT * INTO m FROM measures WHERE id = measure;
    IF m.id IS NULL OR m.deadline_kind <> 'long_term' OR m.withdrawn_at IS NOT NULL
       OR NOT EXISTS (SELECT 1 FROM inspections WHERE id = m.inspection_id AND withdrawn_at IS NULL) THEN
        RETURN;
    END IF;
    was := COALESCE(last_before, beijing_day(m.created_at));
    now_ := COALESCE(last_after, beijing_day(m.created_at));
    IF was <> now_ THEN
        INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
        SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
               m.deadline_kind, m.deadline_date, d.day, d.sign
        FROM tally_units(m.id, m.lead_unit_id) AS u(unit)
        CROSS JOIN (VALUES (was, -1), (now_, 1)) AS d(day, sign)
        ORDER BY 1, 6
        ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
        UPDATE unit_lists SET day_key = now_ WHERE id = measure;
    END IF;
END $f$;

-- What is already there, filed as every change files a measure.
SELECT unit_lists_refresh(ARRAY(SELECT id FROM measures));
{{/postgres}}
{{sqlite}}
CREATE TABLE unit_lists (
    unit_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    deadline_kind TEXT NOT NULL,
    deadline_date TEXT,
    day_key TEXT NOT NULL,
    PRIMARY KEY (id, unit_id)
) WITHOUT ROWID;
-- SQLite sorts NULL first: the lists' order as `dialect::deadline_order` writes it, the
-- filtered columns after it so that a page reads the index alone.
CREATE INDEX unit_lists_in_order ON unit_lists (unit_id, state,
    CASE WHEN deadline_date IS NULL THEN 1 ELSE 0 END, deadline_date, id, org_id, deadline_kind, day_key);

-- A new measure has no cooperating units and no progress yet: its one row is its lead
-- unit's, filed, long-term, under the Beijing day it was registered (as the tallies'
-- triggers write it, 0038: SQLite has no functions of its own). A new link adds its
-- unit unless the unit already has the measure, with the columns of the row the
-- measure's lead unit has (none when the measure, or its inspection, is withdrawn).
CREATE TRIGGER measures_unit_lists_insert AFTER INSERT ON measures
WHEN NEW.withdrawn_at IS NULL
 AND EXISTS (SELECT 1 FROM inspections WHERE id = NEW.inspection_id AND withdrawn_at IS NULL)
BEGIN
    INSERT OR IGNORE INTO unit_lists (unit_id, id, org_id, state, deadline_kind, deadline_date, day_key)
    VALUES (NEW.lead_unit_id, NEW.id, NEW.org_id, CASE WHEN NEW.state = 'done' THEN 'done' ELSE 'open' END,
            NEW.deadline_kind, NEW.deadline_date,
            CASE WHEN NEW.deadline_kind = 'long_term' THEN date(substr(NEW.created_at, 1, 19), '+8 hours')
                 ELSE COALESCE(NEW.deadline_date, '') END);
END;

CREATE TRIGGER measure_units_unit_lists_insert AFTER INSERT ON measure_units
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT OR IGNORE INTO unit_lists (unit_id, id, org_id, state, deadline_kind, deadline_date, day_key)
    SELECT NEW.unit_id, id, org_id, state, deadline_kind, deadline_date, day_key
    FROM unit_lists WHERE id = NEW.measure_id LIMIT 1;
END;

-- Every other change names the measures to file afresh here, and the one trigger below
-- files them: the statement that works out a measure's rows is written once. The table
-- is empty between statements.
CREATE TABLE unit_lists_stale (id BIGINT NOT NULL);
CREATE TRIGGER unit_lists_refresh AFTER INSERT ON unit_lists_stale
BEGIN
    DELETE FROM unit_lists WHERE id = NEW.id;
    INSERT INTO unit_lists (unit_id, id, org_id, state, deadline_kind, deadline_date, day_key)
    SELECT u.unit_id, m.id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN m.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = m.id AND withdrawn_at IS NULL),
                              date(substr(m.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(m.deadline_date, '') END
    FROM measures m JOIN inspections i ON i.id = m.inspection_id,
         (SELECT lead_unit_id AS unit_id FROM measures WHERE id = NEW.id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.id AND withdrawn_at IS NULL) u
    WHERE m.id = NEW.id AND m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL;
    DELETE FROM unit_lists_stale WHERE id = NEW.id;
END;

CREATE TRIGGER measures_unit_lists_update
AFTER UPDATE OF state, deadline_kind, deadline_date, lead_unit_id, withdrawn_at, org_id, inspection_id ON measures
WHEN (OLD.state = 'done') <> (NEW.state = 'done')
  OR OLD.deadline_kind IS NOT NEW.deadline_kind OR OLD.deadline_date IS NOT NEW.deadline_date
  OR OLD.lead_unit_id IS NOT NEW.lead_unit_id OR OLD.withdrawn_at IS NOT NEW.withdrawn_at
  OR OLD.org_id IS NOT NEW.org_id OR OLD.inspection_id IS NOT NEW.inspection_id
BEGIN
    INSERT INTO unit_lists_stale (id) VALUES (NEW.id);
END;

CREATE TRIGGER measure_units_unit_lists_update AFTER UPDATE OF withdrawn_at, unit_id, measure_id ON measure_units
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
  OR OLD.unit_id IS NOT NEW.unit_id OR OLD.measure_id IS NOT NEW.measure_id
BEGIN
    INSERT INTO unit_lists_stale (id) SELECT OLD.measure_id UNION SELECT NEW.measure_id;
END;

CREATE TRIGGER inspections_unit_lists_update AFTER UPDATE OF withdrawn_at ON inspections
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
BEGIN
    INSERT INTO unit_lists_stale (id) SELECT id FROM measures WHERE inspection_id = NEW.id;
END;

-- Progress moves only long-term measures (their quiet day): the Friday rush's notes on
-- dated measures stop at the condition.
CREATE TRIGGER progress_unit_lists_insert AFTER INSERT ON progress
WHEN NEW.withdrawn_at IS NULL
 AND EXISTS (SELECT 1 FROM measures WHERE id = NEW.measure_id AND deadline_kind = 'long_term')
BEGIN
    INSERT INTO unit_lists_stale (id) VALUES (NEW.measure_id);
END;

CREATE TRIGGER progress_unit_lists_update AFTER UPDATE OF withdrawn_at, happened_on, measure_id ON progress
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
  OR OLD.happened_on IS NOT NEW.happened_on OR OLD.measure_id IS NOT NEW.measure_id
BEGIN
    INSERT INTO unit_lists_stale (id) SELECT OLD.measure_id UNION SELECT NEW.measure_id;
END;

-- What is already there, filed as every change files a measure.
INSERT INTO unit_lists_stale (id) SELECT id FROM measures;
{{/sqlite}}

