-- Outcomes (D13): accountability by the four forms (四种形态), institutions made,
-- revised or abolished (建章立制), money recovered (清退 / 追缴), each linked to the
-- problems or measures it came from. Money is kept in fen (分), an integer.
CREATE TABLE accountability (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    subject_kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    form TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX accountability_inspection ON accountability(inspection_id);

CREATE TABLE institutions (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    title TEXT NOT NULL,
    doc_number TEXT,
    change_kind TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX institutions_inspection ON institutions(inspection_id);

CREATE TABLE recoveries (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    amount_fen BIGINT NOT NULL,
    what TEXT NOT NULL,
    recovered_on TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX recoveries_inspection ON recoveries(inspection_id);

CREATE TABLE outcome_links (
    id {{ID}},
    outcome TEXT NOT NULL,
    outcome_id BIGINT NOT NULL,
    problem_id BIGINT REFERENCES problems(id),
    measure_id BIGINT REFERENCES measures(id),
    created_at TEXT NOT NULL
);
CREATE INDEX outcome_links_outcome ON outcome_links(outcome, outcome_id);
