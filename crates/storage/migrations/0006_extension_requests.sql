-- 延期申请 (D5): after approval a deadline changes only through a request by the lead
-- unit (proposed deadline, reason) decided by the leader in charge (approved or refused).
CREATE TABLE extension_requests (
    id {{ID}},
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    proposed_text TEXT NOT NULL,
    proposed_date TEXT,
    reason TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    decision TEXT,
    decided_by BIGINT REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX extension_requests_problem ON extension_requests(problem_id, decision);
