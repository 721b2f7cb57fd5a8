-- Long-term measures (长期坚持) tallied by the day they have been quiet since, and the
-- tallies' day index made to carry the counts (issue 22, docs/benchmarks.md "Reads at a
-- million measures").
--
-- "Review due" (quiet since before the organisation's cut-off: no progress since, or,
-- without any, registered before) was the one count the tallies could not give: it was
-- counted from the measures, each open long-term measure in scope with a subquery for
-- its last progress. At a million measures the upper level's home page spent 111 ms of
-- its 130 on it (60,000 long-term measures). A long-term measure has no deadline day, so
-- its tally rows now carry in day_key the day it has been quiet since: its last
-- progress, or, without any, the Beijing day of its registration (`Activity::review_due`
-- compares the registration instant with the cut-off's first instant in Beijing, which
-- is the same as comparing that day). deadline_date, which the filters by deadline
-- read, is unchanged. A new progress entry moves the measure's rows to its day.
--
-- The registration's Beijing day is taken from the stored instant's first 19 characters
-- (whole seconds, UTC, as `sql::stamp` writes it) plus eight hours: China keeps no
-- summer time, and SQLite's date functions round fractions to milliseconds, which would
-- carry an instant in the last half millisecond of a day into the next.
--
-- Counts sum the tally rows of a range of days; at a million measures the upper level's
-- overdue count sums 7,200 rows, and read each from the table (11,000 pages). With n in
-- the index the sum reads the index alone.
DROP INDEX measure_tallies_by_day;
{{sqlite}}
CREATE INDEX measure_tallies_by_day ON measure_tallies(unit_id, state, deadline_kind, deadline_date, org_id, n);

-- The day each trigger files a measure under (its deadline day, or for a long-term
-- measure the day it has been quiet since) is written out in each: SQLite has no
-- functions of its own.
DROP TRIGGER measures_tally_insert;
CREATE TRIGGER measures_tally_insert AFTER INSERT ON measures
WHEN NEW.withdrawn_at IS NULL
 AND EXISTS (SELECT 1 FROM inspections WHERE id = NEW.inspection_id AND withdrawn_at IS NULL)
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, NEW.org_id, CASE WHEN NEW.state = 'done' THEN 'done' ELSE 'open' END,
           NEW.deadline_kind, NEW.deadline_date,
           CASE WHEN NEW.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = NEW.id AND withdrawn_at IS NULL),
                              date(substr(NEW.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(NEW.deadline_date, '') END, 1
    FROM (SELECT 0 AS u UNION SELECT NEW.lead_unit_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.id AND withdrawn_at IS NULL)
    WHERE true
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

DROP TRIGGER measures_tally_update;
CREATE TRIGGER measures_tally_update
AFTER UPDATE OF state, deadline_kind, deadline_date, lead_unit_id, withdrawn_at, org_id, inspection_id ON measures
WHEN (OLD.state = 'done') <> (NEW.state = 'done')
  OR OLD.deadline_kind IS NOT NEW.deadline_kind OR OLD.deadline_date IS NOT NEW.deadline_date
  OR OLD.lead_unit_id IS NOT NEW.lead_unit_id OR OLD.withdrawn_at IS NOT NEW.withdrawn_at
  OR OLD.org_id IS NOT NEW.org_id OR OLD.inspection_id IS NOT NEW.inspection_id
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, OLD.org_id, CASE WHEN OLD.state = 'done' THEN 'done' ELSE 'open' END,
           OLD.deadline_kind, OLD.deadline_date,
           CASE WHEN OLD.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = OLD.id AND withdrawn_at IS NULL),
                              date(substr(OLD.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(OLD.deadline_date, '') END, -1
    FROM (SELECT 0 AS u UNION SELECT OLD.lead_unit_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = OLD.id AND withdrawn_at IS NULL)
    WHERE OLD.withdrawn_at IS NULL
      AND EXISTS (SELECT 1 FROM inspections WHERE id = OLD.inspection_id AND withdrawn_at IS NULL)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, NEW.org_id, CASE WHEN NEW.state = 'done' THEN 'done' ELSE 'open' END,
           NEW.deadline_kind, NEW.deadline_date,
           CASE WHEN NEW.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = NEW.id AND withdrawn_at IS NULL),
                              date(substr(NEW.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(NEW.deadline_date, '') END, 1
    FROM (SELECT 0 AS u UNION SELECT NEW.lead_unit_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.id AND withdrawn_at IS NULL)
    WHERE NEW.withdrawn_at IS NULL
      AND EXISTS (SELECT 1 FROM inspections WHERE id = NEW.inspection_id AND withdrawn_at IS NULL)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

DROP TRIGGER measure_units_tally_insert;
CREATE TRIGGER measure_units_tally_insert AFTER INSERT ON measure_units
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT NEW.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN m.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = m.id AND withdrawn_at IS NULL),
                              date(substr(m.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(m.deadline_date, '') END, 1
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE m.id = NEW.measure_id AND m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL
      AND m.lead_unit_id <> NEW.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = NEW.measure_id
                      AND o.unit_id = NEW.unit_id AND o.withdrawn_at IS NULL AND o.id <> NEW.id)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

DROP TRIGGER measure_units_tally_update;
CREATE TRIGGER measure_units_tally_update AFTER UPDATE OF withdrawn_at, unit_id, measure_id ON measure_units
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
  OR OLD.unit_id IS NOT NEW.unit_id OR OLD.measure_id IS NOT NEW.measure_id
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT OLD.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN m.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = m.id AND withdrawn_at IS NULL),
                              date(substr(m.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(m.deadline_date, '') END, -1
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE OLD.withdrawn_at IS NULL AND m.id = OLD.measure_id AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL AND m.lead_unit_id <> OLD.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = OLD.measure_id
                      AND o.unit_id = OLD.unit_id AND o.withdrawn_at IS NULL AND o.id <> OLD.id)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT NEW.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN m.deadline_kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = m.id AND withdrawn_at IS NULL),
                              date(substr(m.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(m.deadline_date, '') END, 1
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE NEW.withdrawn_at IS NULL AND m.id = NEW.measure_id AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL AND m.lead_unit_id <> NEW.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = NEW.measure_id
                      AND o.unit_id = NEW.unit_id AND o.withdrawn_at IS NULL AND o.id <> NEW.id)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

DROP TRIGGER inspections_tally_update;
CREATE TRIGGER inspections_tally_update AFTER UPDATE OF withdrawn_at ON inspections
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
BEGIN
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u, org_id, state, deadline_kind, deadline_date, day,
           SUM(CASE WHEN NEW.withdrawn_at IS NULL THEN 1 ELSE -1 END)
    FROM (SELECT m.id, t.u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
                 m.deadline_kind, m.deadline_date,
                 CASE WHEN m.deadline_kind = 'long_term'
                      THEN COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = m.id AND withdrawn_at IS NULL),
                                    date(substr(m.created_at, 1, 19), '+8 hours'))
                      ELSE COALESCE(m.deadline_date, '') END AS day
          FROM measures m
          JOIN (SELECT id AS measure_id, 0 AS u FROM measures WHERE inspection_id = NEW.id
                UNION SELECT id, lead_unit_id FROM measures WHERE inspection_id = NEW.id
                UNION SELECT mu.measure_id, mu.unit_id FROM measure_units mu
                      JOIN measures x ON x.id = mu.measure_id
                      WHERE x.inspection_id = NEW.id AND mu.withdrawn_at IS NULL) t
            ON t.measure_id = m.id
          WHERE m.inspection_id = NEW.id AND m.withdrawn_at IS NULL)
    GROUP BY u, org_id, state, deadline_kind, deadline_date, day
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

-- A progress entry moves a long-term measure's rows from the day it was quiet since
-- before to the day it is quiet since now, when the two differ: an entry dated before
-- the measure's last moves nothing. Entries are only ever added; a change to one (its
-- day, its measure, withdrawing it) is counted as the old entry leaving and the new
-- arriving, so that the tallies stay right whatever writes the table.
CREATE TRIGGER progress_tally_insert AFTER INSERT ON progress
WHEN NEW.withdrawn_at IS NULL
BEGIN
    -- o: the measure's other entries' last day; -1 at the day it was quiet since, +1 at
    -- the day it is now.
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u.u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN d.sign < 0 THEN COALESCE(q.o, date(substr(m.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(MAX(q.o, NEW.happened_on), NEW.happened_on) END,
           d.sign
    FROM measures m JOIN inspections i ON i.id = m.inspection_id,
         (SELECT MAX(happened_on) AS o FROM progress
          WHERE measure_id = NEW.measure_id AND withdrawn_at IS NULL AND id <> NEW.id) q,
         (SELECT 0 AS u UNION SELECT lead_unit_id FROM measures WHERE id = NEW.measure_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.measure_id AND withdrawn_at IS NULL) u,
         (SELECT -1 AS sign UNION ALL SELECT 1) d
    WHERE m.id = NEW.measure_id AND m.deadline_kind = 'long_term' AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL
      AND COALESCE(q.o, date(substr(m.created_at, 1, 19), '+8 hours'))
          <> COALESCE(MAX(q.o, NEW.happened_on), NEW.happened_on)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

CREATE TRIGGER progress_tally_update AFTER UPDATE OF withdrawn_at, happened_on, measure_id ON progress
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL)
  OR OLD.happened_on IS NOT NEW.happened_on OR OLD.measure_id IS NOT NEW.measure_id
BEGIN
    -- The old entry leaves its measure (from the day with it to the day without it),
    -- then the new one arrives as an insert does.
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u.u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN d.sign < 0 THEN COALESCE(MAX(q.o, OLD.happened_on), OLD.happened_on)
                ELSE COALESCE(q.o, date(substr(m.created_at, 1, 19), '+8 hours')) END,
           d.sign
    FROM measures m JOIN inspections i ON i.id = m.inspection_id,
         (SELECT MAX(happened_on) AS o FROM progress
          WHERE measure_id = OLD.measure_id AND withdrawn_at IS NULL AND id <> OLD.id) q,
         (SELECT 0 AS u UNION SELECT lead_unit_id FROM measures WHERE id = OLD.measure_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = OLD.measure_id AND withdrawn_at IS NULL) u,
         (SELECT -1 AS sign UNION ALL SELECT 1) d
    WHERE OLD.withdrawn_at IS NULL
      AND m.id = OLD.measure_id AND m.deadline_kind = 'long_term' AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL
      AND COALESCE(MAX(q.o, OLD.happened_on), OLD.happened_on)
          <> COALESCE(q.o, date(substr(m.created_at, 1, 19), '+8 hours'))
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
    INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u.u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date,
           CASE WHEN d.sign < 0 THEN COALESCE(q.o, date(substr(m.created_at, 1, 19), '+8 hours'))
                ELSE COALESCE(MAX(q.o, NEW.happened_on), NEW.happened_on) END,
           d.sign
    FROM measures m JOIN inspections i ON i.id = m.inspection_id,
         (SELECT MAX(happened_on) AS o FROM progress
          WHERE measure_id = NEW.measure_id AND withdrawn_at IS NULL AND id <> NEW.id) q,
         (SELECT 0 AS u UNION SELECT lead_unit_id FROM measures WHERE id = NEW.measure_id
          UNION SELECT unit_id FROM measure_units WHERE measure_id = NEW.measure_id AND withdrawn_at IS NULL) u,
         (SELECT -1 AS sign UNION ALL SELECT 1) d
    WHERE NEW.withdrawn_at IS NULL
      AND m.id = NEW.measure_id AND m.deadline_kind = 'long_term' AND m.withdrawn_at IS NULL
      AND i.withdrawn_at IS NULL
      AND COALESCE(q.o, date(substr(m.created_at, 1, 19), '+8 hours'))
          <> COALESCE(MAX(q.o, NEW.happened_on), NEW.happened_on)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key)
    DO UPDATE SET n = measure_tallies.n + excluded.n;
END;

-- The long-term rows filed again under their quiet days: derived counts, not a record.
DELETE FROM measure_tallies WHERE deadline_kind = 'long_term';
INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
SELECT u, org_id, state, deadline_kind, deadline_date, day, COUNT(*)
FROM (SELECT c.id, c.u, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
             m.deadline_kind, m.deadline_date,
             COALESCE((SELECT MAX(happened_on) FROM progress WHERE measure_id = m.id AND withdrawn_at IS NULL),
                      date(substr(m.created_at, 1, 19), '+8 hours')) AS day
      FROM (SELECT id, 0 AS u FROM measures WHERE deadline_kind = 'long_term'
            UNION SELECT id, lead_unit_id FROM measures WHERE deadline_kind = 'long_term'
            UNION SELECT mu.measure_id, mu.unit_id FROM measure_units mu
                  JOIN measures x ON x.id = mu.measure_id
                  WHERE x.deadline_kind = 'long_term' AND mu.withdrawn_at IS NULL) c
      JOIN measures m ON m.id = c.id
      JOIN inspections i ON i.id = m.inspection_id
      WHERE m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL)
GROUP BY u, org_id, state, deadline_kind, deadline_date, day;
{{/sqlite}}
{{postgres}}
CREATE INDEX measure_tallies_by_day ON measure_tallies(unit_id, state, deadline_kind, deadline_date, org_id) INCLUDE (n);

-- The Beijing day of a stored instant (see the top).
CREATE FUNCTION beijing_day(at TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
    SELECT to_char(CAST(substr(at, 1, 19) AS timestamp) + interval '8 hours', 'YYYY-MM-DD')
$f$;

-- The day a measure is filed under: its deadline day, or, long-term, the day it has
-- been quiet since.
CREATE FUNCTION tally_day(kind TEXT, deadline TEXT, measure BIGINT, created TEXT) RETURNS TEXT
LANGUAGE sql STABLE AS $f$
    SELECT CASE WHEN kind = 'long_term'
                THEN COALESCE((SELECT MAX(happened_on) FROM progress
                               WHERE measure_id = measure AND withdrawn_at IS NULL),
                              beijing_day(created))
                ELSE COALESCE(deadline, '') END
$f$;

CREATE OR REPLACE FUNCTION tally_measures_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at),
           COUNT(*)
    FROM new_rows m JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
    WHERE m.withdrawn_at IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE OR REPLACE FUNCTION tally_measures_update() RETURNS trigger LANGUAGE plpgsql AS $f$
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
    SELECT unit, org_id, state, deadline_kind, deadline_date, day, SUM(sign)
    FROM (
        SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
               m.deadline_kind, m.deadline_date,
               tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at) AS day,
               CASE WHEN m.side = 'old' THEN -1 ELSE 1 END AS sign
        FROM (
            SELECT 'old' AS side, o.* FROM old_rows o WHERE o.id IN (SELECT id FROM changed)
            UNION ALL
            SELECT 'new' AS side, n.* FROM new_rows n WHERE n.id IN (SELECT id FROM changed)
        ) m
        JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
        CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
        WHERE m.withdrawn_at IS NULL
    ) c
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING SUM(sign) <> 0
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE OR REPLACE FUNCTION tally_measure_units_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT l.unit_id, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at),
           COUNT(*)
    FROM (SELECT DISTINCT measure_id, unit_id FROM new_rows WHERE withdrawn_at IS NULL) l
    -- Each link's measure by its id alone, kept per link (OFFSET 0): migration 0036.
    CROSS JOIN LATERAL (SELECT * FROM measures m WHERE m.id = l.measure_id OFFSET 0) m
    JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
    WHERE m.withdrawn_at IS NULL AND m.lead_unit_id <> l.unit_id
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = l.measure_id
                      AND o.unit_id = l.unit_id AND o.withdrawn_at IS NULL
                      AND o.id NOT IN (SELECT id FROM new_rows))
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE OR REPLACE FUNCTION tally_link(link BIGINT, measure BIGINT, unit BIGINT, sign BIGINT) RETURNS void
LANGUAGE sql AS $f$
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
           m.deadline_kind, m.deadline_date, tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at),
           sign
    FROM measures m JOIN inspections i ON i.id = m.inspection_id
    WHERE m.id = measure AND m.withdrawn_at IS NULL AND i.withdrawn_at IS NULL
      AND m.lead_unit_id <> unit
      AND NOT EXISTS (SELECT 1 FROM measure_units o WHERE o.measure_id = measure
                      AND o.unit_id = unit AND o.withdrawn_at IS NULL AND o.id <> link)
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
$f$;

CREATE OR REPLACE FUNCTION tally_inspections_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    IF (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) THEN
        INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
        SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
               m.deadline_kind, m.deadline_date,
               tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at),
               COUNT(*) * CASE WHEN NEW.withdrawn_at IS NULL THEN 1 ELSE -1 END
        FROM measures m CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
        WHERE m.inspection_id = NEW.id AND m.withdrawn_at IS NULL
        GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 1, 2, 3, 4, 6
        ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    END IF;
    RETURN NULL;
END $f$;

-- A long-term measure whose progress changed moves from the day it was quiet since to
-- the day it is quiet since now, when the two differ: `last_before` and `last_after` are
-- its last progress before and after the change, NULL for none.
CREATE FUNCTION tally_quiet_move(measure BIGINT, last_before TEXT, last_after TEXT) RETURNS void
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
    END IF;
END $f$;

-- A progress entry added: before it is written, so that the table holds the measure's
-- entries up to it — row by row, also when one statement adds several to one measure
-- (an AFTER row trigger runs only once the statement is done, and would read them all).
-- The Friday rush adds one entry a note, nearly all to measures with a deadline: those
-- cost one lookup by key.
CREATE FUNCTION tally_progress_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    last TEXT;
BEGIN
    IF NEW.withdrawn_at IS NULL
       AND EXISTS (SELECT 1 FROM measures WHERE id = NEW.measure_id AND deadline_kind = 'long_term') THEN
        SELECT MAX(happened_on) INTO last FROM progress
        WHERE measure_id = NEW.measure_id AND withdrawn_at IS NULL;
        PERFORM tally_quiet_move(NEW.measure_id, last, GREATEST(last, NEW.happened_on));
    END IF;
    RETURN NEW;
END $f$;

CREATE TRIGGER progress_tally_insert BEFORE INSERT ON progress
FOR EACH ROW EXECUTE FUNCTION tally_progress_insert();

-- Entries changed (their day, their measure, withdrawn), statement by statement: before
-- it, a measure's entries were those the statement left alone and the old rows.
CREATE FUNCTION tally_progress_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM tally_quiet_move(x.measure_id, x.last_before, x.last_after)
    FROM (SELECT c.measure_id,
                 GREATEST((SELECT MAX(p.happened_on) FROM progress p
                           WHERE p.measure_id = c.measure_id AND p.withdrawn_at IS NULL
                             AND p.id NOT IN (SELECT id FROM new_rows)),
                          (SELECT MAX(o.happened_on) FROM old_rows o
                           WHERE o.measure_id = c.measure_id AND o.withdrawn_at IS NULL)) AS last_before,
                 (SELECT MAX(p.happened_on) FROM progress p
                  WHERE p.measure_id = c.measure_id AND p.withdrawn_at IS NULL) AS last_after
          FROM (SELECT measure_id FROM old_rows UNION SELECT measure_id FROM new_rows) c
          ORDER BY 1) x;
    RETURN NULL;
END $f$;

CREATE TRIGGER progress_tally_update AFTER UPDATE ON progress
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tally_progress_update();
-- The long-term rows filed again under their quiet days: derived counts, not a record.
DELETE FROM measure_tallies WHERE deadline_kind = 'long_term';
INSERT INTO measure_tallies (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END,
       m.deadline_kind, m.deadline_date, tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at),
       COUNT(*)
FROM measures m JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
WHERE m.withdrawn_at IS NULL AND m.deadline_kind = 'long_term'
GROUP BY 1, 2, 3, 4, 5, 6;
{{/postgres}}

