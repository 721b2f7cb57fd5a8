-- A unit's and a leader's waiting list (待办, `lifecycle::offered::waiting`) starts from
-- the problems they lead or answer for: those whose own lead unit or responsible leader
-- is theirs, and those with a measure their unit leads. Without an index on the
-- problems' own lead unit and leader, the list read every open problem of the
-- organisation instead (5,800 at 100,000 measures, 9 ms of each unit's home page on
-- PostgreSQL; docs/benchmarks.md). Partial: most problems take their lead unit from
-- their first measure and name none of their own, and an index over all of them told
-- SQLite's statistics that one unit's problems were every problem (the NULLs counted as
-- one value), so that it scanned the index instead of searching it.
CREATE INDEX problems_lead_unit ON problems(lead_unit_id) WHERE lead_unit_id IS NOT NULL;
CREATE INDEX problems_leader ON problems(leader_id) WHERE leader_id IS NOT NULL;
