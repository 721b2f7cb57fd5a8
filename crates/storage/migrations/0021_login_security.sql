-- Login failures are counted per account and per address, so that guesses from one
-- place lock the account there and not everywhere (nobody can lock the three
-- administrators out from anywhere). One conditional upsert counts an attempt before its
-- password is checked; the old counters on users are no longer read.
CREATE TABLE login_failures (
    user_id BIGINT NOT NULL REFERENCES users(id),
    address TEXT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    PRIMARY KEY (user_id, address)
);

-- 停用: the security administrator disables an account (no login, no session, no token)
-- and may enable it again; both are recorded.
ALTER TABLE users ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;
