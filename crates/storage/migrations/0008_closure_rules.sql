-- 销号 rules an organisation sets (D11, D12, "What practice adds"): how many extensions
-- a problem may have, and whether closure needs three-party acceptance (三方验收), a
-- satisfaction survey of the people affected (群众不认可不罢休) and public posting of
-- the result (整改结果公示). No row: the defaults (two extensions, none of the three).
CREATE TABLE closure_rules (
    id {{ID}},
    org_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
    max_extensions BIGINT NOT NULL,
    three_party BIGINT NOT NULL,
    min_satisfaction BIGINT,
    posting_days BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- What a closure step recorded beyond its event: a party's acceptance, a survey, the
-- posting period. They count from the problem's latest closure request.
CREATE TABLE closure_checks (
    id {{ID}},
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    event_id BIGINT NOT NULL REFERENCES problem_events(id),
    kind TEXT NOT NULL,
    party TEXT,
    signer TEXT,
    surveyed BIGINT,
    satisfied BIGINT,
    method TEXT,
    place TEXT,
    posted_from TEXT,
    posted_until TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX closure_checks_problem ON closure_checks(problem_id, event_id);

-- Files sent with a lifecycle step: the closure request's special report and evidence
-- (整改成果), the signed acceptance form, the survey's tally.
CREATE TABLE event_files (
    id {{ID}},
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    event_id BIGINT NOT NULL REFERENCES problem_events(id),
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX event_files_problem ON event_files(problem_id, event_id);
