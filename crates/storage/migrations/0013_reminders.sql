-- 提醒 (D10): a job queue that survives restarts and serves several instances sharing
-- one PostgreSQL (a job is leased, `FOR UPDATE SKIP LOCKED`, and a lease that ran out
-- is taken again), and the in-app notifications the jobs deliver. A job's key and a
-- notification's (person, key) are unique, so that planning twice or delivering twice
-- sends nothing twice. Operational rows: never deleted, not business records.
CREATE TABLE jobs (
    id {{ID}},
    kind TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    run_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    leased_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX jobs_due ON jobs(state, run_at);

CREATE TABLE notifications (
    id {{ID}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    dedup_key TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);
