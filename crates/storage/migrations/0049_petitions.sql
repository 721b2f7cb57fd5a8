-- 信访件 (D20): petitions handed over with an inspection's feedback, each handled by a
-- unit of the inspected organisation by a deadline and concluded (办结) with its result;
-- the office may return a result to be handled again (退回重办). Each change is a new
-- version in the audit trail, as for every record; `returns` counts the returns,
-- `returned_reason` and `returned_on` keep the latest one's words and day for the page
-- (a result concluded again cannot be dated before it), and a returned petition keeps
-- its previous `result` for the unit to correct rather than retype.
CREATE TABLE petitions (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    number TEXT,
    received_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    handling_unit_id BIGINT NOT NULL REFERENCES units(id),
    deadline TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'handling',
    result TEXT,
    concluded_on TEXT,
    returns BIGINT NOT NULL DEFAULT 0,
    returned_reason TEXT,
    returned_on TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    -- 撤回: one registered twice or by mistake stays, marked with who, when and why.
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX petitions_inspection ON petitions(inspection_id, id);
CREATE INDEX petitions_unit ON petitions(handling_unit_id, id);

-- The problems a petition bears on (关联问题): what it reported that the ledger carries.
CREATE TABLE petition_links (
    id {{ID}},
    petition_id BIGINT NOT NULL REFERENCES petitions(id),
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    created_at TEXT NOT NULL
);
CREATE INDEX petition_links_petition ON petition_links(petition_id);
