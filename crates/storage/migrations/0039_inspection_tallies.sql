-- Each inspection's counts kept beside it (issue 22, docs/benchmarks.md "The inspection
-- lists"): the list of inspections shows, for each, its aspects, items, problems,
-- measures and measures done (D2). Counted from the ledgers, the upper level's list at a
-- million measures counted 200 inspections' 1,000,000 measures and 200,000 problems on
-- every request (5 requests a second, p50 1.3 s). Here one row per inspection and count,
-- kept by triggers in the same transaction as the change, as measure_tallies (0033) is:
-- derived data, not a record. `what` is aspects, items, problems, measures or
-- measures_done; a row counts what is not withdrawn (an item by its own withdrawal, in
-- the inspection of its aspect), whether or not the inspection itself is.
CREATE TABLE inspection_tallies (
    inspection_id BIGINT NOT NULL,
    what TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (inspection_id, what)
);

{{sqlite}}
CREATE TRIGGER aspects_count_insert AFTER INSERT ON aspects
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n) VALUES (NEW.inspection_id, 'aspects', 1)
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

-- An aspect withdrawn or restored, or moved to another inspection (taking its items).
CREATE TRIGGER aspects_count_update AFTER UPDATE OF withdrawn_at, inspection_id ON aspects
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) OR OLD.inspection_id <> NEW.inspection_id
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT OLD.inspection_id, 'aspects', -1 WHERE OLD.withdrawn_at IS NULL
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT NEW.inspection_id, 'aspects', 1 WHERE NEW.withdrawn_at IS NULL
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT OLD.inspection_id, 'items', -COUNT(*) FROM items
    WHERE aspect_id = OLD.id AND withdrawn_at IS NULL AND OLD.inspection_id <> NEW.inspection_id
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT NEW.inspection_id, 'items', COUNT(*) FROM items
    WHERE aspect_id = NEW.id AND withdrawn_at IS NULL AND OLD.inspection_id <> NEW.inspection_id
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

CREATE TRIGGER items_count_insert AFTER INSERT ON items
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT inspection_id, 'items', 1 FROM aspects WHERE id = NEW.aspect_id
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

CREATE TRIGGER items_count_update AFTER UPDATE OF withdrawn_at, aspect_id ON items
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) OR OLD.aspect_id <> NEW.aspect_id
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT inspection_id, 'items', -1 FROM aspects WHERE id = OLD.aspect_id AND OLD.withdrawn_at IS NULL
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT inspection_id, 'items', 1 FROM aspects WHERE id = NEW.aspect_id AND NEW.withdrawn_at IS NULL
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

CREATE TRIGGER problems_count_insert AFTER INSERT ON problems
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n) VALUES (NEW.inspection_id, 'problems', 1)
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

CREATE TRIGGER problems_count_update AFTER UPDATE OF withdrawn_at, inspection_id ON problems
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) OR OLD.inspection_id <> NEW.inspection_id
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT OLD.inspection_id, 'problems', -1 WHERE OLD.withdrawn_at IS NULL
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT NEW.inspection_id, 'problems', 1 WHERE NEW.withdrawn_at IS NULL
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

CREATE TRIGGER measures_count_insert AFTER INSERT ON measures
WHEN NEW.withdrawn_at IS NULL
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT NEW.inspection_id, 'measures', 1
    UNION ALL SELECT NEW.inspection_id, 'measures_done', 1 WHERE NEW.state = 'done'
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;

CREATE TRIGGER measures_count_update AFTER UPDATE OF withdrawn_at, inspection_id, state ON measures
WHEN (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) OR OLD.inspection_id <> NEW.inspection_id
  OR (OLD.state = 'done') <> (NEW.state = 'done')
BEGIN
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT OLD.inspection_id, 'measures', -1 WHERE OLD.withdrawn_at IS NULL
    UNION ALL SELECT OLD.inspection_id, 'measures_done', -1 WHERE OLD.withdrawn_at IS NULL AND OLD.state = 'done'
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
    INSERT INTO inspection_tallies (inspection_id, what, n)
    SELECT NEW.inspection_id, 'measures', 1 WHERE NEW.withdrawn_at IS NULL
    UNION ALL SELECT NEW.inspection_id, 'measures_done', 1 WHERE NEW.withdrawn_at IS NULL AND NEW.state = 'done'
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = inspection_tallies.n + excluded.n;
END;
{{/sqlite}}
{{postgres}}
-- Statement by statement over the transition tables, as the measures' tallies are: an
-- import of 33,000 problems makes one grouped upsert. Rows are upserted in key order.
CREATE FUNCTION count_aspects_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, 'aspects', COUNT(*) FROM new_rows WHERE withdrawn_at IS NULL
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
CREATE TRIGGER aspects_count_insert AFTER INSERT ON aspects
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_aspects_insert();

-- An aspect withdrawn or restored, or moved to another inspection (taking its items).
CREATE FUNCTION count_aspects_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, what, SUM(sign) FROM (
        SELECT inspection_id, 'aspects' AS what, -1 AS sign FROM old_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT inspection_id, 'aspects', 1 FROM new_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT o.inspection_id, 'items', -1 FROM old_rows o JOIN items it ON it.aspect_id = o.id
                  WHERE it.withdrawn_at IS NULL
        UNION ALL SELECT n.inspection_id, 'items', 1 FROM new_rows n JOIN items it ON it.aspect_id = n.id
                  WHERE it.withdrawn_at IS NULL
    ) c
    GROUP BY 1, 2 HAVING SUM(sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
CREATE TRIGGER aspects_count_update AFTER UPDATE ON aspects
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION count_aspects_update();

CREATE FUNCTION count_items_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT a.inspection_id, 'items', COUNT(*) FROM new_rows it JOIN aspects a ON a.id = it.aspect_id
    WHERE it.withdrawn_at IS NULL
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
CREATE TRIGGER items_count_insert AFTER INSERT ON items
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_items_insert();

CREATE FUNCTION count_items_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT a.inspection_id, 'items', SUM(c.sign) FROM (
        SELECT aspect_id, -1 AS sign FROM old_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT aspect_id, 1 FROM new_rows WHERE withdrawn_at IS NULL
    ) c JOIN aspects a ON a.id = c.aspect_id
    GROUP BY 1 HAVING SUM(c.sign) <> 0 ORDER BY 1
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
CREATE TRIGGER items_count_update AFTER UPDATE ON items
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION count_items_update();

CREATE FUNCTION count_problems_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, 'problems', COUNT(*) FROM new_rows WHERE withdrawn_at IS NULL
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
CREATE TRIGGER problems_count_insert AFTER INSERT ON problems
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_problems_insert();

-- Every update statement on problems comes here (lifecycle steps change their state);
-- only a withdrawal or a move changes a count, and HAVING drops the rest.
CREATE FUNCTION count_problems_update() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, 'problems', SUM(sign) FROM (
        SELECT inspection_id, -1 AS sign FROM old_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT inspection_id, 1 FROM new_rows WHERE withdrawn_at IS NULL
    ) c
    GROUP BY 1 HAVING SUM(sign) <> 0 ORDER BY 1
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
CREATE TRIGGER problems_count_update AFTER UPDATE ON problems
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION count_problems_update();

-- Measures: in the functions that already keep their tallies (0033, 0038), so that a
-- statement on measures runs one trigger, not two.
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
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, what, COUNT(*) FROM (
        SELECT inspection_id, 'measures' AS what FROM new_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT inspection_id, 'measures_done' FROM new_rows WHERE withdrawn_at IS NULL AND state = 'done'
    ) c
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

-- Most updates of measures change no count (a progress note moves a measure from
-- registered to in progress, or bumps its version): those leave at the first check.
CREATE OR REPLACE FUNCTION tally_measures_update() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    changed BIGINT[];
BEGIN
    SELECT array_agg(o.id) INTO changed FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.state = 'done') <> (n.state = 'done')
       OR o.deadline_kind IS DISTINCT FROM n.deadline_kind
       OR o.deadline_date IS DISTINCT FROM n.deadline_date
       OR o.lead_unit_id IS DISTINCT FROM n.lead_unit_id
       OR o.withdrawn_at IS DISTINCT FROM n.withdrawn_at
       OR o.org_id IS DISTINCT FROM n.org_id
       OR o.inspection_id IS DISTINCT FROM n.inspection_id;
    IF changed IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO measure_tallies AS t (unit_id, org_id, state, deadline_kind, deadline_date, day_key, n)
    SELECT unit, org_id, state, deadline_kind, deadline_date, day, SUM(sign)
    FROM (
        SELECT u.unit, m.org_id, CASE WHEN m.state = 'done' THEN 'done' ELSE 'open' END AS state,
               m.deadline_kind, m.deadline_date,
               tally_day(m.deadline_kind, m.deadline_date, m.id, m.created_at) AS day,
               CASE WHEN m.side = 'old' THEN -1 ELSE 1 END AS sign
        FROM (
            SELECT 'old' AS side, o.* FROM old_rows o WHERE o.id IN (SELECT unnest(changed))
            UNION ALL
            SELECT 'new' AS side, n.* FROM new_rows n WHERE n.id IN (SELECT unnest(changed))
        ) m
        JOIN inspections i ON i.id = m.inspection_id AND i.withdrawn_at IS NULL
        CROSS JOIN LATERAL tally_units(m.id, m.lead_unit_id) AS u(unit)
        WHERE m.withdrawn_at IS NULL
    ) c
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING SUM(sign) <> 0
    ORDER BY 1, 2, 3, 4, 6
    ON CONFLICT (unit_id, org_id, state, deadline_kind, day_key) DO UPDATE SET n = t.n + excluded.n;
    INSERT INTO inspection_tallies AS t (inspection_id, what, n)
    SELECT inspection_id, what, SUM(sign) FROM (
        SELECT inspection_id, 'measures' AS what, -1 AS sign FROM old_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT inspection_id, 'measures_done', -1 FROM old_rows
                  WHERE withdrawn_at IS NULL AND state = 'done'
        UNION ALL SELECT inspection_id, 'measures', 1 FROM new_rows WHERE withdrawn_at IS NULL
        UNION ALL SELECT inspection_id, 'measures_done', 1 FROM new_rows
                  WHERE withdrawn_at IS NULL AND state = 'done'
    ) c
    GROUP BY 1, 2 HAVING SUM(sign) <> 0 ORDER BY 1, 2
    ON CONFLICT (inspection_id, what) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;
{{/postgres}}

-- What is already there.
INSERT INTO inspection_tallies (inspection_id, what, n)
SELECT inspection_id, what, COUNT(*) FROM (
    SELECT inspection_id, 'aspects' AS what FROM aspects WHERE withdrawn_at IS NULL
    UNION ALL SELECT a.inspection_id, 'items' FROM items it JOIN aspects a ON a.id = it.aspect_id
              WHERE it.withdrawn_at IS NULL
    UNION ALL SELECT inspection_id, 'problems' FROM problems WHERE withdrawn_at IS NULL
    UNION ALL SELECT inspection_id, 'measures' FROM measures WHERE withdrawn_at IS NULL
    UNION ALL SELECT inspection_id, 'measures_done' FROM measures WHERE withdrawn_at IS NULL AND state = 'done'
) c
GROUP BY inspection_id, what;
