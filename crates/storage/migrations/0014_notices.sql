-- 督办 notices (督办通知书 → 提醒书 → 告诫书 → 问责建议) the office issues on a lagging
-- measure: each rung once, in order, numbered per organisation, kind and year.
CREATE TABLE escalation_notices (
    id {{ID}},
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    org_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    final_deadline TEXT,
    content TEXT NOT NULL,
    issued_by BIGINT REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (measure_id, kind),
    UNIQUE (org_id, number)
);
CREATE INDEX escalation_notices_org ON escalation_notices(org_id, kind);
