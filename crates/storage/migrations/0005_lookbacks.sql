-- 回头看 (D12): the office opens a look-back round over chosen closed problems; each is
-- confirmed (巩固) or reopened (回炉) through the lifecycle, and the round records it.
CREATE TABLE lookback_rounds (
    id {{ID}},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    title TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX lookback_rounds_inspection ON lookback_rounds(inspection_id);

CREATE TABLE lookback_items (
    id {{ID}},
    round_id BIGINT NOT NULL REFERENCES lookback_rounds(id),
    problem_id BIGINT NOT NULL REFERENCES problems(id),
    decision TEXT,
    decided_at TEXT,
    decided_by BIGINT REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX lookback_items_round ON lookback_items(round_id);
