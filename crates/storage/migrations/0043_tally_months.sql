-- The tallies summed by month as well as by day (issue 22, docs/benchmarks.md "Counts
-- by month"). A count over a range of deadlines sums one tally row per organisation,
-- unit, state and day: the upper level's overdue count at a million measures read 7,000
-- of them (40 organisations × the days past), 1.8 ms of its 2.5 ms request. Here each
-- tally row is also added to its deadline's month, so that a count reads the whole
-- months of its range here and only the days at its ends from measure_tallies: about a
-- fifth of the rows. A count with no deadline range (open, done, long-term) reads
-- months only.
--
-- month is the deadline's 'YYYY-MM', '' for a measure without a deadline day (a
-- long-term one files its rows by the day it has been quiet since, 0038, which the
-- months leave out: a progress note moves a long-term measure within month ''). Kept by
-- a trigger on measure_tallies itself, so every path that moves a tally moves its month,
-- in the same transaction; derived data, no audit entries, like the tallies.
--
-- PostgreSQL only. SQLite runs triggers row by row: each imported measure would add an
-- upsert here for each of its tally rows, which cost SQLite's import of 100,000 rows
-- 0.8–1.0 s (4.4–4.5 s → 5.2–5.5 s of commit); an embedded database serves one
-- organisation, whose counts sum a few hundred day rows.
{{postgres}}
CREATE TABLE measure_tally_months (
    unit_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    deadline_kind TEXT NOT NULL,
    month TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, org_id, state, deadline_kind, month)
);

INSERT INTO measure_tally_months (unit_id, org_id, state, deadline_kind, month, n)
SELECT unit_id, org_id, state, deadline_kind, COALESCE(substr(deadline_date, 1, 7), ''), SUM(n)
FROM measure_tallies
GROUP BY unit_id, org_id, state, deadline_kind, COALESCE(substr(deadline_date, 1, 7), '');

CREATE INDEX measure_tally_months_by_month
    ON measure_tally_months(unit_id, state, deadline_kind, month, org_id) INCLUDE (n);

-- Row by row: the tallies' own triggers already group a statement's measures into a few
-- tally rows (an import of 100,000 measures moves some thousands). The rows come in the
-- order the tallies' upserts lock them, and months follow days, so two writers lock
-- months in the same order too.
CREATE FUNCTION tally_months_add() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    delta BIGINT := NEW.n - CASE WHEN TG_OP = 'UPDATE' THEN OLD.n ELSE 0 END;
BEGIN
    IF delta <> 0 THEN
        INSERT INTO measure_tally_months AS t (unit_id, org_id, state, deadline_kind, month, n)
        VALUES (NEW.unit_id, NEW.org_id, NEW.state, NEW.deadline_kind,
                COALESCE(substr(NEW.deadline_date, 1, 7), ''), delta)
        ON CONFLICT (unit_id, org_id, state, deadline_kind, month) DO UPDATE SET n = t.n + excluded.n;
    END IF;
    RETURN NULL;
END $f$;

CREATE TRIGGER measure_tallies_month AFTER INSERT OR UPDATE OF n ON measure_tallies
FOR EACH ROW EXECUTE FUNCTION tally_months_add();
{{/postgres}}
