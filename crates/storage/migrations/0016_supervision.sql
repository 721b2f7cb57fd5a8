-- 督查 (D9): supervision rounds and what each found at a unit (slow units are named in
-- the round's circular, 通报), and the leading group's progress hearings.
CREATE TABLE supervision_rounds (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE round_findings (
    id {{ID}},
    round_id BIGINT NOT NULL REFERENCES supervision_rounds(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    finding TEXT NOT NULL,
    slow BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX round_findings_round ON round_findings(round_id);

CREATE TABLE hearings (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    held_on TEXT NOT NULL,
    attendees TEXT NOT NULL,
    notes TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX hearings_org ON hearings(org_id, held_on);
