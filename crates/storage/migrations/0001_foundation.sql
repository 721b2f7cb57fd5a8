-- The foundation: the organisation tree, people, sessions, the ledger, progress,
-- files and the audit trail. `{{ID}}` is the one dialect difference (see dialect.rs).
-- Dates are TEXT 'YYYY-MM-DD', instants TEXT RFC 3339 UTC; both sort as text.
-- Nothing is deleted: records are withdrawn (withdrawn_at/by/reason), D21.

CREATE TABLE units (
    id {{ID}},
    parent_id BIGINT REFERENCES units(id),
    org_id BIGINT REFERENCES units(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT,
    sort_order BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_org ON units(org_id);

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    units_in_charge TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);

CREATE TABLE sessions (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);

CREATE TABLE api_tokens (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE inspections (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    group_name TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    feedback_date TEXT NOT NULL,
    notes TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX inspections_org ON inspections(org_id);

CREATE TABLE aspects (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    ordinal BIGINT NOT NULL,
    title TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX aspects_inspection ON aspects(inspection_id, ordinal);

CREATE TABLE items (
    id {{ID}},
    aspect_id BIGINT NOT NULL REFERENCES aspects(id),
    ordinal BIGINT NOT NULL,
    title TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX items_aspect ON items(aspect_id, ordinal);

CREATE TABLE problems (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    aspect_id BIGINT NOT NULL REFERENCES aspects(id),
    item_id BIGINT REFERENCES items(id),
    ordinal BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    source TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX problems_inspection ON problems(inspection_id, aspect_id, ordinal);

CREATE TABLE measures (
    id {{ID}},
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    org_id BIGINT NOT NULL REFERENCES units(id),
    ordinal BIGINT NOT NULL,
    content TEXT NOT NULL,
    lead_unit_id BIGINT NOT NULL REFERENCES units(id),
    leader_id BIGINT REFERENCES users(id),
    responsible_person TEXT,
    target TEXT,
    deadline_text TEXT NOT NULL,
    deadline_kind TEXT NOT NULL,
    deadline_date TEXT,
    deadline_precision TEXT,
    state TEXT NOT NULL,
    done_on TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX measures_problem ON measures(problem_id, ordinal);
CREATE INDEX measures_inspection ON measures(inspection_id, state);
CREATE INDEX measures_lead_unit ON measures(lead_unit_id, state, deadline_date);
CREATE INDEX measures_leader ON measures(leader_id);

-- 配合单位: a cooperating unit leaves a measure by being withdrawn, never deleted.
CREATE TABLE measure_units (
    id {{ID}},
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT
);
CREATE INDEX measure_units_measure ON measure_units(measure_id);
CREATE INDEX measure_units_unit ON measure_units(unit_id, measure_id);

CREATE TABLE progress (
    id {{ID}},
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    happened_on TEXT NOT NULL,
    content TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX progress_measure ON progress(measure_id, happened_on);

CREATE TABLE attachments (
    id {{ID}},
    progress_id BIGINT NOT NULL REFERENCES progress(id),
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
CREATE INDEX attachments_progress ON attachments(progress_id);

-- The audit trail (D21): one record per change, written in the change's transaction.
CREATE TABLE audit_log (
    id {{ID}},
    at TEXT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    entity_version BIGINT,
    reason TEXT,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
