-- 专题民主生活会 (D18, D19): an organisation's leadership meeting, the opinions
-- solicited before it (征求意见), the talks (谈心谈话), each member's self-examination
-- (对照检查材料) and the problems it names, what was said at the meeting (批评与自我
-- 批评), and afterwards the problems carried into a ledger of kind democratic_meeting.
CREATE TABLE meetings (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES units(id),
    topic TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT,
    chair_id BIGINT NOT NULL REFERENCES users(id),
    -- Who attends from above (上级督导、列席), as written.
    attendees TEXT,
    -- preparing (会前准备) → held (已召开) → closed (问题已纳入整改台账).
    state TEXT NOT NULL DEFAULT 'preparing',
    -- Opinions and criticism read only by the office and the member concerned.
    confidential BIGINT NOT NULL DEFAULT 0,
    -- The public opinion box: its link's key and the days it is open.
    box_key TEXT NOT NULL,
    box_opens_on TEXT NOT NULL,
    box_closes_on TEXT NOT NULL,
    minutes TEXT,
    -- The ledger its problems were carried into.
    inspection_id BIGINT REFERENCES inspections(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);
CREATE UNIQUE INDEX meetings_box_key ON meetings(box_key);
CREATE INDEX meetings_org ON meetings(org_id, id);

-- 班子成员: the members whose self-examination the meeting hears.
CREATE TABLE meeting_members (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    ordinal BIGINT NOT NULL,
    -- 职务 as the minutes write it (党委书记、副院长 …).
    title TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX meeting_members_user ON meeting_members(meeting_id, user_id);

-- What the public box received, until the office opens it (开箱) once it has closed. A
-- slip holds no account, no address and no time: only the day. At the opening every
-- slip becomes an opinion, in an order drawn at random, recorded in the trail as the
-- office's act, and the slips go (their rows keep the order they arrived in). The
-- receipt given to the submitter is kept only as its SM3 digest, so no reader of the
-- database can look an opinion up by it.
CREATE TABLE box_slips (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    receipt_digest TEXT NOT NULL,
    received_on TEXT NOT NULL,
    category TEXT NOT NULL,
    about_member_id BIGINT REFERENCES users(id),
    text TEXT NOT NULL,
    anonymous BIGINT NOT NULL,
    -- Who the submitter said they are, when they chose to sign.
    signed TEXT
);
CREATE UNIQUE INDEX box_slips_receipt ON box_slips(receipt_digest);
CREATE INDEX box_slips_meeting ON box_slips(meeting_id);

-- 征求到的意见: from the box once opened, or recorded by the office from a letter, a
-- forum (座谈会) or the mailbox. The office sorts each to the leadership as a whole
-- (`member_id` null) or to a member, merges duplicates into one (`merged_into`), and
-- the member acknowledges those fed back to them (`acknowledged_on`).
CREATE TABLE opinions (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    channel TEXT NOT NULL,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    received_on TEXT NOT NULL,
    anonymous BIGINT NOT NULL,
    signed TEXT,
    -- sorted: fed back to `member_id` (null: the leadership as a whole).
    state TEXT NOT NULL DEFAULT 'new',
    member_id BIGINT REFERENCES users(id),
    merged_into BIGINT REFERENCES opinions(id),
    summary TEXT,
    acknowledged_on TEXT,
    receipt_digest TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT,
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX opinions_meeting ON opinions(meeting_id, id);
CREATE INDEX opinions_receipt ON opinions(receipt_digest);

-- 谈心谈话: who talked with whom, when, about what, what came of it.
CREATE TABLE talks (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    talker_id BIGINT NOT NULL REFERENCES users(id),
    listener_id BIGINT NOT NULL REFERENCES users(id),
    held_on TEXT NOT NULL,
    topics TEXT NOT NULL,
    outcome TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX talks_meeting ON talks(meeting_id, id);

-- 对照检查材料: a member's (`member_id`) or the leadership's (null), drafted and revised
-- (each save a version in the trail) until finalised.
CREATE TABLE materials (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    member_id BIGINT REFERENCES users(id),
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX materials_meeting ON materials(meeting_id, member_id);

-- 查摆的问题 and the measure committed to, named in a material or from an opinion or a
-- criticism; carried into the ledger as a problem (`problem_id`) after the meeting.
CREATE TABLE meeting_findings (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    member_id BIGINT REFERENCES users(id),
    problem TEXT NOT NULL,
    measure TEXT NOT NULL,
    deadline_text TEXT NOT NULL,
    opinion_id BIGINT REFERENCES opinions(id),
    remark_id BIGINT,
    problem_id BIGINT REFERENCES problems(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);
CREATE INDEX meeting_findings_meeting ON meeting_findings(meeting_id, id);

-- At the meeting (D19): a member's self-criticism (from = to), one colleague's
-- criticism of another, or the upper level's remarks (no member from; `speaker` as
-- written).
CREATE TABLE meeting_remarks (
    id {{ID}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    kind TEXT NOT NULL,
    from_member_id BIGINT REFERENCES users(id),
    to_member_id BIGINT REFERENCES users(id),
    speaker TEXT,
    points TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id)
);
CREATE INDEX meeting_remarks_meeting ON meeting_remarks(meeting_id, id);
