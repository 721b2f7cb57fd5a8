-- 三色预警 rules an organisation sets ("What practice adds"): green and yellow from how
-- many days before a deadline (red: overdue), who each colour reaches (codes separated
-- by commas: handler, leader, secretary), and who its Party secretary is. No row: the
-- defaults (20 days green to the lead unit, 10 days yellow with the leader in charge,
-- red with the secretary too).
CREATE TABLE warning_rules (
    id {{ID}},
    org_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
    green_days BIGINT NOT NULL,
    yellow_days BIGINT NOT NULL,
    green_to TEXT NOT NULL,
    yellow_to TEXT NOT NULL,
    red_to TEXT NOT NULL,
    secretary_id BIGINT REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
