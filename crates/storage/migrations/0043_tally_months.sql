-- The tallies summed by month as well as by day (issue 22, docs/benchmarks.md "Counts
-- by month, ids planned once"). A count over a range of deadlines sums one tally row per
-- organisation, unit, state and day: the upper level's overdue count at a million
-- measures read 7,200 of them (40 organisations × the days past), 1.8 ms. Here each
-- tally row is also added to its deadline's month, so that a count reads the whole
-- months of its range here and only the days at its ends from measure_tallies: 440 rows
-- for that count. A count with no deadline range (open, done, long-term) reads months
-- only.
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

-- Per statement, from the transition tables: an import of 100,000 measures moves as
-- many tally rows, and a row trigger each cost its commit 4 s. A statement of the
-- tallies' triggers is an upsert, which fires both triggers below (rows inserted, rows
-- updated). Months are upserted in key order, so two writers lock them in the same
-- order.
CREATE FUNCTION tally_months_inserted() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tally_months AS t (unit_id, org_id, state, deadline_kind, month, n)
    SELECT unit_id, org_id, state, deadline_kind, COALESCE(substr(deadline_date, 1, 7), ''), SUM(n)
    FROM new_rows
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(n) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (unit_id, org_id, state, deadline_kind, month) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE FUNCTION tally_months_updated() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    INSERT INTO measure_tally_months AS t (unit_id, org_id, state, deadline_kind, month, n)
    SELECT n.unit_id, n.org_id, n.state, n.deadline_kind,
           COALESCE(substr(n.deadline_date, 1, 7), ''), SUM(n.n - o.n)
    FROM new_rows n
    JOIN old_rows o ON o.unit_id = n.unit_id AND o.org_id = n.org_id AND o.state = n.state
                   AND o.deadline_kind = n.deadline_kind AND o.day_key = n.day_key
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(n.n - o.n) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (unit_id, org_id, state, deadline_kind, month) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END $f$;

CREATE TRIGGER measure_tallies_month_inserted AFTER INSERT ON measure_tallies
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_months_inserted();
CREATE TRIGGER measure_tallies_month_updated AFTER UPDATE ON measure_tallies
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION tally_months_updated();
{{/postgres}}
