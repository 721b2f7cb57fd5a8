-- 提醒 (D10) over more channels and at more marks, and 分阶段目标 (S10).
--
-- Warning rules gain the further reminder days before a deadline (comma-separated,
-- e.g. "3,1"), the repeat period of overdue reminders, and the length in months above
-- which a measure must carry milestones.
ALTER TABLE warning_rules ADD COLUMN remind_days TEXT NOT NULL DEFAULT '3,1';
ALTER TABLE warning_rules ADD COLUMN repeat_days BIGINT NOT NULL DEFAULT 1;
ALTER TABLE warning_rules ADD COLUMN milestone_months BIGINT NOT NULL DEFAULT 6;

-- An organisation's channels besides the bell: e-mail to its people (each may opt out)
-- and one group-chat robot (wecom, dingtalk or feishu; DingTalk and Feishu sign with
-- the secret). No row: the bell only.
CREATE TABLE org_channels (
    id {{ID}},
    org_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
    email_on BIGINT NOT NULL,
    robot_kind TEXT NOT NULL,
    robot_url TEXT NOT NULL,
    robot_secret TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- A person's own channel settings: the address reminders are mailed to, and whether
-- they want them by e-mail at all.
CREATE TABLE user_channels (
    id {{ID}},
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
    email TEXT NOT NULL,
    email_on BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- 阶段目标: the milestones of a long measure, each with its own deadline as written
-- and as read; done on a date, or withdrawn with a reason, never deleted.
CREATE TABLE milestones (
    id {{ID}},
    measure_id BIGINT NOT NULL REFERENCES measures(id),
    org_id BIGINT NOT NULL REFERENCES units(id),
    content TEXT NOT NULL,
    due_text TEXT NOT NULL,
    due_date TEXT,
    done_on TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX milestones_measure ON milestones(measure_id);
