-- The office's and the upper level's views read an organisation's measures by state
-- and deadline (the home page's counts, the measure list, the warnings board), as a
-- unit's views do through measures_lead_unit. Without this index they searched the
-- lead-unit index for every unit of every organisation: at the large organisation
-- (docs/benchmarks.md) the measure list took 0.54 s and the warnings board 0.55 s on
-- SQLite, 0.27 s and 0.51 s on PostgreSQL.
CREATE INDEX measures_org ON measures(org_id, state, deadline_date);
