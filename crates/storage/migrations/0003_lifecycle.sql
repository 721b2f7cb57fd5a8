-- The lifecycle of a problem (DOMAIN; D3, D5, D11, D12): its state, its lead unit and
-- leader for claiming, the approved extensions, the frozen baseline of each measure's
-- deadline, and one event per step taken.
ALTER TABLE problems ADD COLUMN state TEXT NOT NULL DEFAULT 'registered';
ALTER TABLE problems ADD COLUMN lead_unit_id BIGINT REFERENCES units(id);
ALTER TABLE problems ADD COLUMN leader_id BIGINT REFERENCES users(id);
ALTER TABLE problems ADD COLUMN extensions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE measures ADD COLUMN original_deadline_text TEXT;
ALTER TABLE measures ADD COLUMN original_deadline_date TEXT;

CREATE TABLE problem_events (
    id {{ID}},
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT,
    actor_id BIGINT NOT NULL REFERENCES users(id),
    at TEXT NOT NULL
);
CREATE INDEX problem_events_problem ON problem_events(problem_id, id);
