-- NOT APPLIED: an experiment kept for the decision on PostgreSQL's import target
-- (docs/benchmarks.md, "Figures (27 November 2026, fourth session …)"). Written as
-- a migration on top of commit be85e59, with the '-- only sqlite' / '-- only postgres' sections
-- that dialect::expand would need; it took 2.9 s off the commit of 100,000 rows on
-- PostgreSQL, not enough alone for 5 s. Kept so that it need not be rewritten if the
-- audit entries of an import are made per batch.

-- The records the ledger's rows refer to are never deleted and never change their id
-- (D21): a rule of the schema on both databases, not only of the code.
--
-- On PostgreSQL the references of problems, measures and measures' cooperating units
-- are checked once per statement instead of once per row. A foreign key checks every
-- inserted row with a query of its own: importing a 100,000-row ledger ran 833,000 of
-- them, half the server's time (docs/benchmarks.md). A trigger that sees a statement's
-- new rows all at once checks each reference with one join. Every reference is still
-- checked, in the same transaction, with the same error (SQLSTATE 23503); what a
-- foreign key also did, refusing the deletion of a record referred to or a change of
-- its id, the triggers below refuse for every record of these tables.
-- only sqlite
CREATE TRIGGER units_never_deleted BEFORE DELETE ON units
BEGIN SELECT RAISE(ABORT, 'units: records are never deleted'); END;
CREATE TRIGGER users_never_deleted BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'users: records are never deleted'); END;
CREATE TRIGGER inspections_never_deleted BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections: records are never deleted'); END;
CREATE TRIGGER aspects_never_deleted BEFORE DELETE ON aspects
BEGIN SELECT RAISE(ABORT, 'aspects: records are never deleted'); END;
CREATE TRIGGER items_never_deleted BEFORE DELETE ON items
BEGIN SELECT RAISE(ABORT, 'items: records are never deleted'); END;
CREATE TRIGGER problems_never_deleted BEFORE DELETE ON problems
BEGIN SELECT RAISE(ABORT, 'problems: records are never deleted'); END;
CREATE TRIGGER measures_never_deleted BEFORE DELETE ON measures
BEGIN SELECT RAISE(ABORT, 'measures: records are never deleted'); END;
CREATE TRIGGER units_id_never_changes BEFORE UPDATE OF id ON units WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'units: a record''s id never changes'); END;
CREATE TRIGGER users_id_never_changes BEFORE UPDATE OF id ON users WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'users: a record''s id never changes'); END;
CREATE TRIGGER inspections_id_never_changes BEFORE UPDATE OF id ON inspections WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'inspections: a record''s id never changes'); END;
CREATE TRIGGER aspects_id_never_changes BEFORE UPDATE OF id ON aspects WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'aspects: a record''s id never changes'); END;
CREATE TRIGGER items_id_never_changes BEFORE UPDATE OF id ON items WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'items: a record''s id never changes'); END;
CREATE TRIGGER problems_id_never_changes BEFORE UPDATE OF id ON problems WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'problems: a record''s id never changes'); END;
CREATE TRIGGER measures_id_never_changes BEFORE UPDATE OF id ON measures WHEN OLD.id <> NEW.id
BEGIN SELECT RAISE(ABORT, 'measures: a record''s id never changes'); END;
-- only postgres
CREATE FUNCTION never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: records are never deleted', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE FUNCTION id_never_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: a record''s id never changes', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
-- A statement's new rows (`new_rows`) against the tables they refer to, given as
-- pairs of arguments: column, table referred to (by its `id`).
CREATE FUNCTION references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k int := 0;
    missing bigint;
BEGIN
    WHILE k < TG_NARGS LOOP
        EXECUTE format(
            'SELECT n.%1$I FROM new_rows n WHERE n.%1$I IS NOT NULL '
            'AND NOT EXISTS (SELECT FROM %2$I r WHERE r.id = n.%1$I) LIMIT 1',
            TG_ARGV[k], TG_ARGV[k + 1]) INTO missing;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%_%_fkey"',
                TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[k]
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format('Key (%s)=(%s) is not present in table "%s".',
                                      TG_ARGV[k], missing, TG_ARGV[k + 1]);
        END IF;
        k := k + 2;
    END LOOP;
    RETURN NULL;
END $$;
-- The same for one updated row whose references changed (rare: a measure handed to
-- another unit), so that an ordinary update runs no check at all.
CREATE FUNCTION references_exist_for_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k int := 0;
    fields jsonb := to_jsonb(NEW);
    wanted bigint;
    present boolean;
BEGIN
    WHILE k < TG_NARGS LOOP
        wanted := (fields ->> TG_ARGV[k])::bigint;
        IF wanted IS NOT NULL THEN
            EXECUTE format('SELECT EXISTS (SELECT FROM %I WHERE id = $1)', TG_ARGV[k + 1])
                USING wanted INTO present;
            IF NOT present THEN
                RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%_%_fkey"',
                    TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[k]
                    USING ERRCODE = 'foreign_key_violation',
                          DETAIL = format('Key (%s)=(%s) is not present in table "%s".',
                                          TG_ARGV[k], wanted, TG_ARGV[k + 1]);
            END IF;
        END IF;
        k := k + 2;
    END LOOP;
    RETURN NULL;
END $$;

ALTER TABLE problems
    DROP CONSTRAINT problems_inspection_id_fkey,
    DROP CONSTRAINT problems_aspect_id_fkey,
    DROP CONSTRAINT problems_item_id_fkey,
    DROP CONSTRAINT problems_lead_unit_id_fkey,
    DROP CONSTRAINT problems_leader_id_fkey;
CREATE TRIGGER problems_references_on_insert AFTER INSERT ON problems
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION references_exist('inspection_id', 'inspections', 'aspect_id', 'aspects',
        'item_id', 'items', 'lead_unit_id', 'units', 'leader_id', 'users');
CREATE TRIGGER problems_references_on_update AFTER UPDATE ON problems FOR EACH ROW
    WHEN (OLD.inspection_id IS DISTINCT FROM NEW.inspection_id
       OR OLD.aspect_id IS DISTINCT FROM NEW.aspect_id
       OR OLD.item_id IS DISTINCT FROM NEW.item_id
       OR OLD.lead_unit_id IS DISTINCT FROM NEW.lead_unit_id
       OR OLD.leader_id IS DISTINCT FROM NEW.leader_id)
    EXECUTE FUNCTION references_exist_for_row('inspection_id', 'inspections', 'aspect_id', 'aspects',
        'item_id', 'items', 'lead_unit_id', 'units', 'leader_id', 'users');

ALTER TABLE measures
    DROP CONSTRAINT measures_problem_id_fkey,
    DROP CONSTRAINT measures_inspection_id_fkey,
    DROP CONSTRAINT measures_org_id_fkey,
    DROP CONSTRAINT measures_lead_unit_id_fkey,
    DROP CONSTRAINT measures_leader_id_fkey;
CREATE TRIGGER measures_references_on_insert AFTER INSERT ON measures
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION references_exist('problem_id', 'problems', 'inspection_id', 'inspections',
        'org_id', 'units', 'lead_unit_id', 'units', 'leader_id', 'users');
CREATE TRIGGER measures_references_on_update AFTER UPDATE ON measures FOR EACH ROW
    WHEN (OLD.problem_id IS DISTINCT FROM NEW.problem_id
       OR OLD.inspection_id IS DISTINCT FROM NEW.inspection_id
       OR OLD.org_id IS DISTINCT FROM NEW.org_id
       OR OLD.lead_unit_id IS DISTINCT FROM NEW.lead_unit_id
       OR OLD.leader_id IS DISTINCT FROM NEW.leader_id)
    EXECUTE FUNCTION references_exist_for_row('problem_id', 'problems', 'inspection_id', 'inspections',
        'org_id', 'units', 'lead_unit_id', 'units', 'leader_id', 'users');

ALTER TABLE measure_units
    DROP CONSTRAINT measure_units_measure_id_fkey,
    DROP CONSTRAINT measure_units_unit_id_fkey;
CREATE TRIGGER measure_units_references_on_insert AFTER INSERT ON measure_units
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION references_exist('measure_id', 'measures', 'unit_id', 'units');
CREATE TRIGGER measure_units_references_on_update AFTER UPDATE ON measure_units FOR EACH ROW
    WHEN (OLD.measure_id IS DISTINCT FROM NEW.measure_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id)
    EXECUTE FUNCTION references_exist_for_row('measure_id', 'measures', 'unit_id', 'units');

CREATE TRIGGER units_never_deleted BEFORE DELETE OR TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER users_never_deleted BEFORE DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER inspections_never_deleted BEFORE DELETE OR TRUNCATE ON inspections
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER aspects_never_deleted BEFORE DELETE OR TRUNCATE ON aspects
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER items_never_deleted BEFORE DELETE OR TRUNCATE ON items
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER problems_never_deleted BEFORE DELETE OR TRUNCATE ON problems
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER measures_never_deleted BEFORE DELETE OR TRUNCATE ON measures
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();
CREATE TRIGGER units_id_never_changes BEFORE UPDATE OF id ON units
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER users_id_never_changes BEFORE UPDATE OF id ON users
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER inspections_id_never_changes BEFORE UPDATE OF id ON inspections
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER aspects_id_never_changes BEFORE UPDATE OF id ON aspects
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER items_id_never_changes BEFORE UPDATE OF id ON items
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER problems_id_never_changes BEFORE UPDATE OF id ON problems
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
CREATE TRIGGER measures_id_never_changes BEFORE UPDATE OF id ON measures
    FOR EACH ROW WHEN (OLD.id <> NEW.id) EXECUTE FUNCTION id_never_changes();
